import type { OneYearResult } from './one-year.ts'

// The national answer split across the 43 police force areas of England and
// Wales by their share of the population (scenarios/force-populations.json). A
// proportional split: it assumes registrants are spread like the population,
// which the report gives no evidence for or against.

export interface ForcePopulation {
  id: string
  name: string
  population: number
}

export interface ForceShare {
  id: string
  name: string
  population: number
  share: number
  /** Whole persons; the forces' figures add up to the national cohort (largest remainders). */
  cohort: number
  /** Each role's FTE × share: fractional, since a force's share of a worker is not a hire. */
  fte: Record<string, number>
  totalCost: number
}

/** Splits `total` whole units in proportion to `weights`, so that the parts add up (Hamilton's method). */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum <= 0 || total <= 0) return weights.map(() => 0)
  const exact = weights.map((w) => (total * w) / sum)
  const parts = exact.map(Math.floor)
  let left = total - parts.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i)
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) {
    const i = (order[k] as { i: number }).i
    parts[i] = (parts[i] as number) + 1
  }
  return parts
}

export function splitByForce(result: OneYearResult, forces: readonly ForcePopulation[]): ForceShare[] {
  const total = forces.reduce((sum, f) => sum + f.population, 0)
  const cohorts = largestRemainder(
    result.cohort,
    forces.map((f) => f.population),
  )
  return forces.map((force, i) => {
    const share = force.population / total
    return {
      id: force.id,
      name: force.name,
      population: force.population,
      share,
      cohort: cohorts[i] as number,
      fte: Object.fromEntries(result.roles.map((role) => [role.id, role.fte * share])),
      totalCost: result.totalCost * share,
    }
  })
}
