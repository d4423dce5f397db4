import { notificationPeriodFor, periodMonths } from '../notification/period.ts'
import { defaultLegalSettings, type LegalSettings } from '../settings/legal-settings.ts'
import type { CohortValue, Factor, FteRounding, RangedInput, Scenario } from './scenario.ts'

// The scenario compiled to a flat vector of numbers, so the deterministic
// bounds, every Monte Carlo draw and every projected year run the same
// arithmetic on plain numbers (shared/spec/impact-model.md, "Structure"):
//
//   cohort   = Σ round(component)          each component a count or base × rates
//   victims  = round(cohort × victims per offender)
//   FTE      = driver ÷ cases per worker,   rounded as the scenario says
//   cost     = FTE × annual cost per worker (+ the optional costs the report left out)
//   break-even victims = round(total ÷ cost of one DA victim)

/** One ranged input of the model; `direction` is +1 when a higher value costs more, −1 when it costs less. */
export interface Parameter {
  /** The JSON path of the input in the scenario file. */
  path: string
  label: string
  conservative: number
  generous: number
  likely: number
  direction: 1 | -1 | 0
}

type CompiledComponent =
  | { id: string; kind: 'value'; p: number }
  | { id: string; kind: 'product'; base: number; factors: number[]; oneMinus: boolean[] }

interface CompiledCost {
  id: string
  /** 0: offenders, 1: victims. */
  driver: 0 | 1
  a: number
  b: number
}

export interface CompiledModel {
  scenario: Scenario
  parameters: Parameter[]
  components: CompiledComponent[]
  victimsPerOffender: number
  costPerVictim: number
  /** Roles: a = cases per worker, b = annual cost per worker. */
  roles: CompiledCost[]
  /** Other costs: a = events per driver a year, b = cost per event. */
  otherCosts: CompiledCost[]
  growth: number
  attrition: number
  reRegistration: number
  /** The sentence mix as shares and whole years on the register (Infinity: indefinite). */
  mixShares: Float64Array
  mixYears: Float64Array
  longestFixedYears: number
  fteRounding: FteRounding
}

export interface CompileOptions {
  fteRounding?: FteRounding
  legal?: LegalSettings
}

const midpoint = (input: RangedInput) => input.likely ?? (input.conservative + input.generous) / 2

function factorValue(factor: Factor): number {
  return typeof factor === 'number' ? factor : 1 - factor.oneMinus
}

/** A cohort component's value at one bound, before rounding to whole persons. */
export function cohortValue(value: CohortValue): number {
  if ('count' in value) return value.count
  let product = value.base
  for (const factor of value.factors) product *= factorValue(factor)
  return product
}

/** Whole years a registrant with this disposal stays on the register: the s.82 period, rounded up to a year. */
export function registrationYears(
  disposal: Parameters<typeof notificationPeriodFor>[0],
  under18: boolean,
  legal: LegalSettings,
): number {
  const months = periodMonths(notificationPeriodFor(disposal, under18, legal).period)
  return months === null ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil(months / 12))
}

/** Flattens a scenario into parameters and index-based formulas. */
export function compile(scenario: Scenario, options: CompileOptions = {}): CompiledModel {
  const parameters: Parameter[] = []
  const add = (
    path: string,
    label: string,
    conservative: number,
    generous: number,
    likely: number,
    direction: 1 | -1 | 0,
  ) => parameters.push({ path, label, conservative, generous, likely, direction }) - 1
  const ranged = (path: string, label: string, input: RangedInput, direction: 1 | -1 | 0) =>
    add(path, label, input.conservative, input.generous, midpoint(input), direction)

  const components: CompiledComponent[] = scenario.cohort.map((component, i) => {
    const at = `$.cohort[${i}]`
    const c = component.conservative
    const g = component.generous
    if ('count' in c && 'count' in g) {
      return {
        id: component.id,
        kind: 'value',
        p: add(at, `${component.label}: count`, c.count, g.count, (c.count + g.count) / 2, 1),
      }
    }
    if ('base' in c && 'base' in g && c.factors.length === g.factors.length) {
      const sameShape = c.factors.every((f, k) => typeof f === typeof g.factors[k])
      if (sameShape) {
        const base = add(`${at}.base`, `${component.label}: base`, c.base, g.base, (c.base + g.base) / 2, 1)
        const oneMinus = c.factors.map((f) => typeof f !== 'number')
        const factors = c.factors.map((f, k) => {
          const cf = typeof f === 'number' ? f : f.oneMinus
          const gRaw = g.factors[k] as Factor
          const gf = typeof gRaw === 'number' ? gRaw : gRaw.oneMinus
          const what = oneMinus[k] ? `1 − rate ${k + 1}` : `rate ${k + 1}`
          return add(`${at}.factors[${k}]`, `${component.label}: ${what}`, cf, gf, (cf + gf) / 2, oneMinus[k] ? -1 : 1)
        })
        return { id: component.id, kind: 'product', base, factors, oneMinus }
      }
    }
    // Bounds of different shapes: the component's value itself is the ranged input.
    const cv = cohortValue(c)
    const gv = cohortValue(g)
    return { id: component.id, kind: 'value', p: add(at, component.label, cv, gv, (cv + gv) / 2, 1) }
  })

  const victimsPerOffender = ranged('$.victimsPerOffender', 'victims per offender', scenario.victimsPerOffender, 1)
  const costPerVictim = ranged('$.costPerVictim', 'cost of one DA victim', scenario.costPerVictim, 0)
  const roles = scenario.roles.map((role, i): CompiledCost => {
    const at = `$.roles[${i}]`
    return {
      id: role.id,
      driver: role.driver === 'offenders' ? 0 : 1,
      a: ranged(`${at}.casesPerWorker`, `${role.label}: cases per worker`, role.casesPerWorker, -1),
      b: ranged(`${at}.annualCostPerWorker`, `${role.label}: annual cost per worker`, role.annualCostPerWorker, 1),
    }
  })
  const otherCosts = scenario.otherCosts.map((cost, i): CompiledCost => {
    const at = `$.otherCosts[${i}]`
    return {
      id: cost.id,
      driver: cost.driver === 'offenders' ? 0 : 1,
      a: ranged(
        `${at}.perDriver`,
        `${cost.label}: events per ${cost.driver === 'offenders' ? 'offender' : 'victim'}`,
        cost.perDriver,
        1,
      ),
      b: ranged(`${at}.unitCost`, `${cost.label}: cost per event`, cost.unitCost, 1),
    }
  })
  const projection = scenario.projection
  const growth = ranged('$.projection.growth', 'yearly growth of new registrants', projection.growth, 1)
  const attrition = ranged('$.projection.attrition', 'yearly attrition', projection.attrition, -1)
  const reRegistration = ranged('$.projection.reRegistration', 'yearly re-registration', projection.reRegistration, 1)

  const legal = options.legal ?? defaultLegalSettings
  const entries = projection.sentenceMix.entries
  const mixShares = Float64Array.from(entries, (e) => e.share)
  const mixYears = Float64Array.from(entries, (e) => registrationYears(e.disposal, e.under18, legal))
  let longestFixedYears = 1
  for (const years of mixYears) if (Number.isFinite(years)) longestFixedYears = Math.max(longestFixedYears, years)

  return {
    scenario,
    parameters,
    components,
    victimsPerOffender,
    costPerVictim,
    roles,
    otherCosts,
    growth,
    attrition,
    reRegistration,
    mixShares,
    mixYears,
    longestFixedYears,
    fteRounding: options.fteRounding ?? scenario.fteRounding,
  }
}

// ---------------------------------------------------------------------------
// The arithmetic, on a vector of parameter values

export type Values = Float64Array

export function boundValues(model: CompiledModel, bound: 'conservative' | 'generous' | 'likely'): Values {
  return Float64Array.from(model.parameters, (p) => p[bound])
}

/** The cohort: each component rounded to the nearest person, then summed. Writes each component into `out` when given. */
export function cohortOf(model: CompiledModel, v: Values, out?: Float64Array): number {
  const components = model.components
  let total = 0
  for (let i = 0; i < components.length; i++) {
    const c = components[i] as CompiledComponent
    let value: number
    if (c.kind === 'value') value = v[c.p] as number
    else {
      value = v[c.base] as number
      for (let k = 0; k < c.factors.length; k++) {
        const f = v[c.factors[k] as number] as number
        value *= c.oneMinus[k] ? 1 - f : f
      }
    }
    const persons = Math.round(value)
    if (out) out[i] = persons
    total += persons
  }
  return total
}

export function victimsOf(model: CompiledModel, v: Values, offenders: number): number {
  return Math.round(offenders * (v[model.victimsPerOffender] as number))
}

export function roundFte(fte: number, rounding: FteRounding): number {
  if (rounding === 'nearest') return Math.round(fte)
  // A hair below the whole number so that 120 cases ÷ 60 is 2 workers, not 3 after a rounding error.
  if (rounding === 'up') return Math.ceil(fte - 1e-9)
  return fte
}

/**
 * Staff and the other costs for a number of registered offenders; returns the
 * total. Writes each role's FTE into `fteOut` and each role's then each other
 * cost's amount into `costOut` when given.
 */
export function costOf(
  model: CompiledModel,
  v: Values,
  offenders: number,
  fteOut?: Float64Array,
  costOut?: Float64Array,
): number {
  const victims = victimsOf(model, v, offenders)
  const roles = model.roles
  let total = 0
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i] as CompiledCost
    const driver = role.driver === 0 ? offenders : victims
    const fte = roundFte(driver / (v[role.a] as number), model.fteRounding)
    const cost = fte * (v[role.b] as number)
    if (fteOut) fteOut[i] = fte
    if (costOut) costOut[i] = cost
    total += cost
  }
  const others = model.otherCosts
  for (let i = 0; i < others.length; i++) {
    const other = others[i] as CompiledCost
    const driver = other.driver === 0 ? offenders : victims
    const cost = driver * (v[other.a] as number) * (v[other.b] as number)
    if (costOut) costOut[roles.length + i] = cost
    total += cost
  }
  return total
}

export function breakEvenVictims(model: CompiledModel, v: Values, totalCost: number): number {
  return Math.round(totalCost / (v[model.costPerVictim] as number))
}
