import {
  boundValues,
  breakEvenVictims,
  type CompiledModel,
  cohortOf,
  cohortValue,
  costOf,
  type Values,
  victimsOf,
} from './model.ts'

// The report's one-year model (Tables 1-4): the cohort, linked victims, staff
// and cost of each role, the total and the break-even number of victims, at
// each bound. Money is unrounded; `totalCostWholePounds` is how the report's
// tables add up (each row rounded to the pound, then summed).

export type Bound = 'conservative' | 'generous'
export const bounds: readonly Bound[] = ['conservative', 'generous']

export interface RoleResult {
  id: string
  label: string
  driver: 'offenders' | 'victims'
  /** The caseload the role carries: offenders or linked victims. */
  cases: number
  casesPerWorker: number
  annualCostPerWorker: number
  fte: number
  cost: number
}

export interface OtherCostResult {
  id: string
  label: string
  cost: number
}

export interface OneYearResult {
  bound: Bound
  cohort: number
  components: { id: string; label: string; persons: number }[]
  victims: number
  roles: RoleResult[]
  otherCosts: OtherCostResult[]
  totalCost: number
  /** The sum of every cost rounded to whole pounds: the TOTAL row of the report's tables. */
  totalCostWholePounds: number
  costPerVictim: number
  breakEvenVictims: number
}

/** The one-year answer for a vector of parameter values (a bound, or a draw). */
export function oneYearAt(model: CompiledModel, v: Values, bound: Bound): OneYearResult {
  const scenario = model.scenario
  const componentPersons = new Float64Array(model.components.length)
  const cohort = cohortOf(model, v, componentPersons)
  const victims = victimsOf(model, v, cohort)
  const fte = new Float64Array(model.roles.length)
  const costs = new Float64Array(model.roles.length + model.otherCosts.length)
  const totalCost = costOf(model, v, cohort, fte, costs)
  let wholePounds = 0
  for (const cost of costs) wholePounds += Math.round(cost)
  return {
    bound,
    cohort,
    components: scenario.cohort.map((c, i) => ({ id: c.id, label: c.label, persons: componentPersons[i] as number })),
    victims,
    roles: scenario.roles.map((role, i) => {
      const compiled = model.roles[i] as CompiledModel['roles'][number]
      return {
        id: role.id,
        label: role.label,
        driver: role.driver,
        cases: role.driver === 'offenders' ? cohort : victims,
        casesPerWorker: v[compiled.a] as number,
        annualCostPerWorker: v[compiled.b] as number,
        fte: fte[i] as number,
        cost: costs[i] as number,
      }
    }),
    otherCosts: scenario.otherCosts.map((other, i) => ({
      id: other.id,
      label: other.label,
      cost: costs[model.roles.length + i] as number,
    })),
    totalCost,
    totalCostWholePounds: wholePounds,
    costPerVictim: v[model.costPerVictim] as number,
    breakEvenVictims: breakEvenVictims(model, v, totalCost),
  }
}

export function oneYear(model: CompiledModel, bound: Bound): OneYearResult {
  return oneYearAt(model, boundValues(model, bound), bound)
}

export interface BoundWarning {
  path: string
  message: string
}

const show = (n: number) => String(Math.round(n * 1e6) / 1e6)

/**
 * Inputs whose conservative bound gives a higher cost than the generous one:
 * allowed (a decision-maker may mean it), but worth a second look.
 */
export function boundWarnings(model: CompiledModel): BoundWarning[] {
  const warnings: BoundWarning[] = []
  const scenario = model.scenario
  scenario.cohort.forEach((component, i) => {
    const c = cohortValue(component.conservative)
    const g = cohortValue(component.generous)
    if (c > g) {
      warnings.push({
        path: `$.cohort[${i}]`,
        message: `the conservative value (${show(c)}) is above the generous one (${show(g)}): check the bounds are not swapped`,
      })
    }
  })
  for (const p of model.parameters) {
    if (p.path.startsWith('$.cohort')) continue
    if (p.direction !== 0 && (p.conservative - p.generous) * p.direction > 0) {
      const word = p.direction > 0 ? 'above' : 'below'
      warnings.push({
        path: p.path,
        message: `the conservative bound (${show(p.conservative)}) is ${word} the generous one (${show(p.generous)}), so it gives the higher cost: check the bounds are not swapped`,
      })
    }
  }
  return warnings
}
