import type { Assessment } from '../domain/impact/assess.ts'
import type { OneYearResult } from '../domain/impact/one-year.ts'
import type { ProjectedYear } from '../domain/impact/projection.ts'

// The JSON contract of `dasr impact --json`. Money is unrounded (to the penny
// and beyond, as computed); `totalCostWholePounds` is the report's way of
// adding up its tables. Persons are whole numbers except where a flow is a
// share of a person (projected inflows and exits).

function boundJson(result: OneYearResult) {
  return {
    cohort: result.cohort,
    components: Object.fromEntries(result.components.map((c) => [c.id, c.persons])),
    victims: result.victims,
    roles: Object.fromEntries(result.roles.map((r) => [r.id, { fte: r.fte, cost: r.cost }])),
    otherCosts: Object.fromEntries(result.otherCosts.map((o) => [o.id, o.cost])),
    totalCost: result.totalCost,
    totalCostWholePounds: result.totalCostWholePounds,
    costPerVictim: result.costPerVictim,
    breakEvenVictims: result.breakEvenVictims,
  }
}

function yearJson(year: ProjectedYear) {
  return {
    year: year.year,
    newRegistrants: year.newRegistrants,
    reRegistered: year.reRegistered,
    registrants: year.registrants,
    victims: year.victims,
    leaving: year.leaving,
    roles: Object.fromEntries(year.roles.map((r) => [r.id, { fte: r.fte, cost: r.cost }])),
    otherCosts: Object.fromEntries(year.otherCosts.map((o) => [o.id, o.cost])),
    totalCost: year.totalCost,
  }
}

export interface ForceSource {
  source: string
  year: number
  note: string
}

export function assessmentToJson(assessment: Assessment, forceSource?: ForceSource) {
  const { scenario, monteCarlo, projection, byForce } = assessment
  return {
    scenario: scenario.id,
    title: scenario.title,
    source: scenario.source,
    fteRounding: assessment.fteRounding,
    warnings: assessment.warnings.map((w) => `${w.path}: ${w.message}`),
    bounds: {
      conservative: boundJson(assessment.bounds.conservative),
      generous: boundJson(assessment.bounds.generous),
    },
    ...(monteCarlo
      ? {
          monteCarlo: {
            draws: monteCarlo.draws,
            seed: monteCarlo.seed,
            distribution: monteCarlo.distribution,
            cohort: monteCarlo.cohort,
            totalCost: monteCarlo.totalCost,
            breakEvenVictims: monteCarlo.breakEvenVictims,
            sensitivity: assessment.sensitivity,
          },
        }
      : {}),
    ...(projection
      ? {
          projection: {
            years: projection.years,
            sentenceMix: scenario.projection.sentenceMix.entries.map((entry, i) => ({
              id: entry.id,
              share: entry.share,
              yearsOnRegister: Number.isFinite(assessment.model.mixYears[i])
                ? (assessment.model.mixYears[i] as number)
                : 'indefinite',
            })),
            conservative: projection.conservative.map(yearJson),
            generous: projection.generous.map(yearJson),
            ...(monteCarlo?.projection ? { monteCarlo: monteCarlo.projection } : {}),
          },
        }
      : {}),
    ...(byForce
      ? {
          byForce: {
            ...(forceSource ?? {}),
            forces: byForce.conservative.map((force, i) => {
              const generous = byForce.generous[i] as (typeof byForce.generous)[number]
              return {
                id: force.id,
                name: force.name,
                population: force.population,
                share: force.share,
                conservative: { cohort: force.cohort, fte: force.fte, totalCost: force.totalCost },
                generous: { cohort: generous.cohort, fte: generous.fte, totalCost: generous.totalCost },
              }
            }),
          },
        }
      : {}),
  }
}
