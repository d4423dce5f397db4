import { boundValues, breakEvenVictims, type CompiledModel, cohortOf, costOf, type Values } from './model.ts'
import { projectInto, projectionScratch } from './projection.ts'
import { type Distribution, draw, mulberry32 } from './random.ts'

// Uncertainty: every ranged input is drawn between its bounds (uniform,
// triangular or PERT, the mode being the input's `likely` value or the
// midpoint), the model is run for each draw, and the percentiles are read off.
// A sensitivity ranking varies one input at a time from its conservative to its
// generous bound, the others held at their most likely values (a tornado).

export interface MonteCarloOptions {
  draws: number
  seed: number
  distribution: Distribution
  /** Also project this many years for every draw. */
  years?: number
}

export interface Percentiles {
  p5: number
  p50: number
  p95: number
  mean: number
}

export interface SensitivityRow {
  path: string
  label: string
  conservative: number
  generous: number
  /** Year-one total cost with this input at its conservative bound, the others at their likely values. */
  costAtConservative: number
  costAtGenerous: number
  swing: number
}

export interface Sensitivity {
  /** Year-one total cost with every input at its likely value. */
  baseCost: number
  rows: SensitivityRow[]
}

export interface MonteCarloResult {
  draws: number
  seed: number
  distribution: Distribution
  cohort: Percentiles
  totalCost: Percentiles
  breakEvenVictims: Percentiles
  projection?: { year: number; registrants: Percentiles; totalCost: Percentiles }[]
}

/** The p-th quantile of sorted values, interpolating between order statistics (Hyndman and Fan type 7). */
export function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const below = sorted[lo] as number
  if (lo + 1 >= n) return below
  const above = sorted[lo + 1] as number
  return below === above ? below : below + (h - lo) * (above - below)
}

export function percentiles(values: Float64Array): Percentiles {
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (const x of sorted) sum += x
  return {
    p5: quantile(sorted, 0.05),
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    mean: sum / sorted.length,
  }
}

/** Each parameter's range in a form ready for drawing. */
export function ranges(model: CompiledModel): { low: Float64Array; mode: Float64Array; high: Float64Array } {
  const low = Float64Array.from(model.parameters, (p) => Math.min(p.conservative, p.generous))
  const high = Float64Array.from(model.parameters, (p) => Math.max(p.conservative, p.generous))
  const mode = Float64Array.from(model.parameters, (p, i) =>
    Math.min(high[i] as number, Math.max(low[i] as number, p.likely)),
  )
  return { low, mode, high }
}

export function sensitivity(model: CompiledModel): Sensitivity {
  const v = boundValues(model, 'likely')
  const total = (values: Values) => costOf(model, values, cohortOf(model, values))
  const baseCost = total(v)
  const rows: SensitivityRow[] = []
  model.parameters.forEach((p, i) => {
    // The projection's inputs do not move year one.
    if (p.conservative === p.generous || p.path.startsWith('$.projection')) return
    const saved = v[i] as number
    v[i] = p.conservative
    const costAtConservative = total(v)
    v[i] = p.generous
    const costAtGenerous = total(v)
    v[i] = saved
    rows.push({
      path: p.path,
      label: p.label,
      conservative: p.conservative,
      generous: p.generous,
      costAtConservative,
      costAtGenerous,
      swing: Math.abs(costAtGenerous - costAtConservative),
    })
  })
  rows.sort((a, b) => b.swing - a.swing || (a.path < b.path ? -1 : 1))
  return { baseCost, rows }
}

export function monteCarlo(model: CompiledModel, options: MonteCarloOptions): MonteCarloResult {
  const { draws, seed, distribution } = options
  const years = options.years ?? 0
  const random = mulberry32(seed)
  const { low, mode, high } = ranges(model)
  const n = model.parameters.length
  const v = new Float64Array(n)
  const cohorts = new Float64Array(draws)
  const totals = new Float64Array(draws)
  const breakEvens = new Float64Array(draws)
  const registrants = new Float64Array(years * draws)
  const yearCosts = new Float64Array(years * draws)
  const buckets = projectionScratch(model)
  const rowRegistrants = new Float64Array(years)
  const rowCosts = new Float64Array(years)

  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < n; i++)
      v[i] = draw(distribution, low[i] as number, mode[i] as number, high[i] as number, random)
    const cohort = cohortOf(model, v)
    const total = costOf(model, v, cohort)
    cohorts[d] = cohort
    totals[d] = total
    breakEvens[d] = breakEvenVictims(model, v, total)
    if (years > 0) {
      projectInto(model, v, years, rowRegistrants, rowCosts, buckets)
      // Year-major, so each year's draws are one contiguous run for the percentiles.
      for (let y = 0; y < years; y++) {
        registrants[y * draws + d] = rowRegistrants[y] as number
        yearCosts[y * draws + d] = rowCosts[y] as number
      }
    }
  }

  const result: MonteCarloResult = {
    draws,
    seed,
    distribution,
    cohort: percentiles(cohorts),
    totalCost: percentiles(totals),
    breakEvenVictims: percentiles(breakEvens),
  }
  if (years > 0) {
    result.projection = Array.from({ length: years }, (_, y) => ({
      year: y + 1,
      registrants: percentiles(registrants.subarray(y * draws, (y + 1) * draws)),
      totalCost: percentiles(yearCosts.subarray(y * draws, (y + 1) * draws)),
    }))
  }
  return result
}
