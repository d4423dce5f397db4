import type { CohortValue, Factor } from './scenario.ts'

// How the impact model's figures are written for people, the same in the
// CLI's text report and on the impact page: whole numbers and pounds as the
// report's tables print them (en-GB grouping), rates as percentages, and a
// cohort product as the report states it ("39,198 × 16%").

export const whole = (n: number) => Math.round(n).toLocaleString('en-GB')
export const pounds = (n: number) => `£${whole(n)}`
export const pence = (n: number) =>
  `£${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
export const decimal = (n: number, digits = 2) =>
  Number.isInteger(n) ? n.toLocaleString('en-GB') : n.toLocaleString('en-GB', { maximumFractionDigits: digits })
export const percent = (rate: number) => `${Number((rate * 100).toPrecision(10))}%`

export function factorText(factor: Factor): string {
  return typeof factor === 'number' ? percent(factor) : `(1 − ${percent(factor.oneMinus)})`
}

/** A cohort product as the report writes it; undefined for a literal count. */
export function valueText(value: CohortValue): string | undefined {
  if ('count' in value) return undefined
  return [value.base.toLocaleString('en-GB'), ...value.factors.map(factorText)].join(' × ')
}
