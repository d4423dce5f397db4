import type { Disposal } from '../record/person-record.ts'

// A scenario of the resource impact model (shared/spec/impact-model.md; the
// report's pp.39-55, Tables 1-4): every input with its bounds and provenance.
// "Conservative" is the bound that gives the lower cost, "generous" the higher,
// as in the report's tables.

/** How whole workers are counted: Tables 1-2 keep fractional FTE, Tables 3-4 round to the nearest. */
export type FteRounding = 'none' | 'nearest' | 'up'
export const fteRoundings: readonly FteRounding[] = ['none', 'nearest', 'up']

/** What a role's caseload counts: registered offenders or their linked victims. */
export type Driver = 'offenders' | 'victims'

/** A number the model takes, with its two bounds and where it comes from. */
export interface RangedInput {
  conservative: number
  generous: number
  /** The most likely value, for triangular and PERT draws; the midpoint of the bounds when absent. */
  likely?: number
  source: string
  note?: string
}

/** A rate in a cohort product; `{ oneMinus: r }` stands for 1 − r (e.g. the share of stalking that is not DA). */
export type Factor = number | { oneMinus: number }

/** A cohort component's value at one bound: a literal count, or base × factor × factor … */
export type CohortValue = { count: number } | { base: number; factors: Factor[] }

export interface CohortComponent {
  id: string
  label: string
  source: string
  note?: string
  conservative: CohortValue
  generous: CohortValue
}

export interface Role {
  id: string
  label: string
  driver: Driver
  source: string
  note?: string
  casesPerWorker: RangedInput
  annualCostPerWorker: RangedInput
}

/**
 * A cost the report left out (p.45: breach prosecutions, custody for breaches,
 * multi-agency meetings): driver × events per driver a year × cost per event.
 */
export interface OtherCost {
  id: string
  label: string
  driver: Driver
  source: string
  note?: string
  perDriver: RangedInput
  unitCost: RangedInput
}

/** One row of the sentence mix: a share of registrants and the disposal that sets their s.82 period. */
export interface SentenceMixEntry {
  id: string
  label: string
  share: number
  disposal: Disposal | 'caution'
  under18: boolean
}

export interface ProjectionSettings {
  /** Yearly change of the inflow of new registrants (0.05 = 5% more each year). */
  growth: RangedInput
  /** Yearly share of registrants and former registrants who leave for good (death, emigration, removal). */
  attrition: RangedInput
  /** Yearly share of former registrants reconvicted and registered again. */
  reRegistration: RangedInput
  sentenceMix: { source: string; note?: string; entries: SentenceMixEntry[] }
}

export interface Scenario {
  id: string
  title: string
  source: string
  note?: string
  fteRounding: FteRounding
  /** The report's table numbers this scenario reproduces, for the people-readable output. */
  reportTables?: { cohort: string; costs: string }
  /** Cost to society of one DA victim, for the break-even number of victims. */
  costPerVictim: RangedInput
  victimsPerOffender: RangedInput
  cohort: CohortComponent[]
  roles: Role[]
  otherCosts: OtherCost[]
  projection: ProjectionSettings
}

/**
 * The projection settings when a scenario gives none. The sentence mix is the
 * report's 16% custody share of DA convictions (Scottish Government 2021-22,
 * report p.42); the report gives no custodial terms, so one term of 12 months
 * (s.82 row "more than 6 months but less than 30 months": 10 years) stands for
 * all of them, an assumption. Everything else is not estimated by the report.
 */
export const defaultProjection: ProjectionSettings = {
  growth: {
    conservative: 0,
    generous: 0,
    source: 'not estimated in the report (p.41: numbers "would rise each year")',
  },
  attrition: { conservative: 0, generous: 0, source: 'not estimated in the report' },
  reRegistration: {
    conservative: 0,
    generous: 0.104,
    source: 'report p.44: Scottish 1-year DA reconviction rate, 10.4%',
    note: 'generous bound: every reconviction of a former registrant is taken to qualify',
  },
  sentenceMix: {
    source: 'report p.42: 16% of DA convictions receive custody (Scottish Government 2021-22)',
    note: 'the custodial term (12 months) is an assumption: the report gives no sentence lengths',
    entries: [
      {
        id: 'custody',
        label: 'custody, 12 months (assumed)',
        share: 0.16,
        disposal: { type: 'custody', months: 12 },
        under18: false,
      },
      { id: 'other', label: 'non-custodial', share: 0.84, disposal: { type: 'community' }, under18: false },
    ],
  },
}
