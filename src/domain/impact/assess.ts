import type { LegalSettings } from '../settings/legal-settings.ts'
import { type ForcePopulation, type ForceShare, splitByForce } from './by-force.ts'
import { type CompiledModel, compile } from './model.ts'
import { type MonteCarloResult, monteCarlo, type Sensitivity, sensitivity } from './monte-carlo.ts'
import { type BoundWarning, boundWarnings, type OneYearResult, oneYear } from './one-year.ts'
import { type ProjectedYear, projection } from './projection.ts'
import type { Distribution } from './random.ts'
import type { FteRounding, Scenario } from './scenario.ts'

// The front door of the impact model: a scenario and the questions asked of it
// (uncertainty, years, split by force) in; every answer out, as plain data for
// the text report, the JSON contract and the charts.

export interface AssessOptions {
  fteRounding?: FteRounding
  monteCarlo?: { draws: number; seed: number; distribution: Distribution }
  years?: number
  forces?: readonly ForcePopulation[]
  legal?: LegalSettings
}

export interface Assessment {
  scenario: Scenario
  model: CompiledModel
  fteRounding: FteRounding
  warnings: BoundWarning[]
  bounds: { conservative: OneYearResult; generous: OneYearResult }
  sensitivity: Sensitivity
  monteCarlo?: MonteCarloResult
  projection?: { years: number; conservative: ProjectedYear[]; generous: ProjectedYear[] }
  byForce?: { conservative: ForceShare[]; generous: ForceShare[] }
}

export function assess(scenario: Scenario, options: AssessOptions = {}): Assessment {
  const compileOptions: { fteRounding?: FteRounding; legal?: LegalSettings } = {}
  if (options.fteRounding !== undefined) compileOptions.fteRounding = options.fteRounding
  if (options.legal !== undefined) compileOptions.legal = options.legal
  const model = compile(scenario, compileOptions)
  const bounds = { conservative: oneYear(model, 'conservative'), generous: oneYear(model, 'generous') }
  const assessment: Assessment = {
    scenario,
    model,
    fteRounding: model.fteRounding,
    warnings: boundWarnings(model),
    bounds,
    sensitivity: sensitivity(model),
  }
  if (options.monteCarlo !== undefined) {
    const mc = { ...options.monteCarlo, ...(options.years !== undefined ? { years: options.years } : {}) }
    assessment.monteCarlo = monteCarlo(model, mc)
  }
  if (options.years !== undefined) {
    assessment.projection = {
      years: options.years,
      conservative: projection(model, 'conservative', options.years),
      generous: projection(model, 'generous', options.years),
    }
  }
  if (options.forces !== undefined) {
    assessment.byForce = {
      conservative: splitByForce(bounds.conservative, options.forces),
      generous: splitByForce(bounds.generous, options.forces),
    }
  }
  return assessment
}
