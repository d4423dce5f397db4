import { boundValues, type CompiledModel, cohortOf, costOf, type Values, victimsOf } from './model.ts'
import type { Bound } from './one-year.ts'

// The projection beyond year one, a stock and flow (impact-model.md, "Beyond
// the report"). Each year:
//
//   inflow      = year-one cohort × (1 + growth)^(year − 1) + re-registered former registrants
//   the inflow is split by the sentence mix; each share stays on the register for its
//   SOA 2003 s.82 notification period (notification/period.ts), in whole years;
//   indefinite periods stay until attrition takes them
//   on the register = everyone whose period has not ended (counted before the year-end exits)
//   staff and cost  = the one-year formulas applied to those on the register
//   at year end: periods that end leave the register and join the former registrants;
//   attrition removes a share of everyone; a share of former registrants is reconvicted
//   and registered again the next year
//
// So year one is exactly the one-year model. Everything runs on plain numbers
// and caller-owned arrays, so a Monte Carlo of 10,000 ten-year runs allocates nothing.

export interface YearDetail {
  newRegistrants: Float64Array
  reRegistered: Float64Array
  leaving: Float64Array
  victims: Float64Array
  /** years × roles */
  fte: Float64Array
  /** years × (roles + other costs) */
  costs: Float64Array
}

/** A scratch array for `projectInto`, long enough for the longest fixed period. */
export function projectionScratch(model: CompiledModel): Float64Array {
  return new Float64Array(model.longestFixedYears + 2)
}

/**
 * Projects `years` years with the values `v`; writes the registrants and the
 * total cost of each year. `buckets` is scratch from `projectionScratch`.
 */
export function projectInto(
  model: CompiledModel,
  v: Values,
  years: number,
  registrantsOut: Float64Array,
  costOut: Float64Array,
  buckets: Float64Array,
  detail?: YearDetail,
): void {
  const cohort = cohortOf(model, v)
  const growth = 1 + (v[model.growth] as number)
  const keep = 1 - (v[model.attrition] as number)
  const reRegistration = v[model.reRegistration] as number
  const shares = model.mixShares
  const durations = model.mixYears
  const longest = model.longestFixedYears
  const roles = model.roles.length
  const costs = roles + model.otherCosts.length
  buckets.fill(0)
  let indefinite = 0
  let former = 0
  let reEntering = 0
  let newRegistrants = cohort
  for (let y = 0; y < years; y++) {
    const inflow = newRegistrants + reEntering
    for (let i = 0; i < shares.length; i++) {
      const share = (shares[i] as number) * inflow
      const duration = durations[i] as number
      if (duration === Number.POSITIVE_INFINITY) indefinite += share
      else buckets[duration] = (buckets[duration] as number) + share
    }
    // buckets[k]: registrants with k more years on the register, this one included.
    let stock = indefinite
    for (let k = 1; k <= longest; k++) stock += buckets[k] as number
    const registrants = Math.round(stock)
    registrantsOut[y] = registrants
    if (detail) {
      costOut[y] = costOf(
        model,
        v,
        registrants,
        detail.fte.subarray(y * roles, (y + 1) * roles),
        detail.costs.subarray(y * costs, (y + 1) * costs),
      )
      detail.newRegistrants[y] = newRegistrants
      detail.reRegistered[y] = reEntering
      detail.leaving[y] = buckets[1] as number
      detail.victims[y] = victimsOf(model, v, registrants)
    } else {
      costOut[y] = costOf(model, v, registrants)
    }
    // Year end.
    const expired = buckets[1] as number
    for (let k = 1; k < longest; k++) buckets[k] = (buckets[k + 1] as number) * keep
    buckets[longest] = 0
    indefinite *= keep
    former = (former + expired) * keep
    reEntering = former * reRegistration
    former -= reEntering
    newRegistrants *= growth
  }
}

export interface ProjectedYear {
  year: number
  newRegistrants: number
  reRegistered: number
  registrants: number
  victims: number
  /** Registrants whose period ends this year (they leave at its end). */
  leaving: number
  roles: { id: string; fte: number; cost: number }[]
  otherCosts: { id: string; cost: number }[]
  totalCost: number
}

/** The projection at a bound, every year in detail. */
export function projectionAt(model: CompiledModel, v: Values, years: number): ProjectedYear[] {
  const roles = model.roles.length
  const costs = roles + model.otherCosts.length
  const registrants = new Float64Array(years)
  const totals = new Float64Array(years)
  const detail: YearDetail = {
    newRegistrants: new Float64Array(years),
    reRegistered: new Float64Array(years),
    leaving: new Float64Array(years),
    victims: new Float64Array(years),
    fte: new Float64Array(years * roles),
    costs: new Float64Array(years * costs),
  }
  projectInto(model, v, years, registrants, totals, projectionScratch(model), detail)
  return Array.from({ length: years }, (_, y) => ({
    year: y + 1,
    newRegistrants: detail.newRegistrants[y] as number,
    reRegistered: detail.reRegistered[y] as number,
    registrants: registrants[y] as number,
    victims: detail.victims[y] as number,
    leaving: detail.leaving[y] as number,
    roles: model.roles.map((role, i) => ({
      id: role.id,
      fte: detail.fte[y * roles + i] as number,
      cost: detail.costs[y * costs + i] as number,
    })),
    otherCosts: model.otherCosts.map((other, i) => ({
      id: other.id,
      cost: detail.costs[y * costs + roles + i] as number,
    })),
    totalCost: totals[y] as number,
  }))
}

export function projection(model: CompiledModel, bound: Bound, years: number): ProjectedYear[] {
  return projectionAt(model, boundValues(model, bound), years)
}
