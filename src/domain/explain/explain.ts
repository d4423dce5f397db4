import type { Day } from '../dates/day.ts'
import { type CaseFacts, prepareCaseFacts } from '../eligibility/case-facts.ts'
import { misidentifiedVictimTruth } from '../eligibility/screening.ts'
import { outcomeFrom } from '../policies/decide.ts'
import type { Policy } from '../policies/policy.ts'
import { policyById, policyIds } from '../policies/registry.ts'
import type { PersonRecord } from '../record/person-record.ts'
import type { SpentStatus } from '../rehabilitation/spent.ts'
import { defaultLegalSettings, type LegalSettings } from '../settings/legal-settings.ts'
import type { Consequences, MissingFact, Outcome, PolicyEvaluation, PolicyId, Reason, Warning } from './evaluation.ts'

// The core's front door: one person's record against every policy, side by side.

export interface Explanation {
  asOf: Day
  personId: string
  dateOfBirth: Day
  policies: PolicyEvaluation[]
  /** Rehabilitation of Offenders Act status of every conviction and caution. */
  rehabilitation: SpentStatus[]
}

export interface ExplainOptions {
  /** Which policies, in this order; all of them when absent. */
  policies?: readonly PolicyId[]
  /** Interpretation settings per policy, merged over each policy's defaults. */
  settings?: Partial<Record<PolicyId, object>>
  legal?: LegalSettings
}

/**
 * A policy evaluation whose outcome comes from the screening pass and whose
 * reasons, missing facts, warnings and consequences come from the policy's full
 * evaluation, run the first time any of them is read (decision 0005). A
 * screening run over millions of persons reads outcomes only.
 */
class ScreenedEvaluation implements PolicyEvaluation {
  readonly policy: PolicyId
  readonly outcome: Outcome
  readonly #policy: Policy<object>
  readonly #facts: CaseFacts
  readonly #settings: object
  #full: PolicyEvaluation | undefined = undefined

  constructor(policy: Policy<object>, outcome: Outcome, facts: CaseFacts, settings: object) {
    this.policy = policy.id
    this.outcome = outcome
    this.#policy = policy
    this.#facts = facts
    this.#settings = settings
  }

  #evaluated(): PolicyEvaluation {
    this.#full ??= this.#policy.evaluate(this.#facts, this.#settings, this.#facts.legal)
    return this.#full
  }
  get reasons(): Reason[] {
    return this.#evaluated().reasons
  }
  get missing(): MissingFact[] {
    return this.#evaluated().missing
  }
  get warnings(): Warning[] {
    return this.#evaluated().warnings
  }
  get consequences(): Consequences | null {
    return this.outcome === 'eligible' ? this.#evaluated().consequences : null
  }
}

export function explainPerson(record: PersonRecord, options: ExplainOptions = {}): Explanation {
  const legal = options.legal ?? defaultLegalSettings
  const facts = prepareCaseFacts(record, legal)
  const ids = options.policies ?? policyIds
  // The misidentified-victim check of decide.ts, worked out once and only when an outcome could turn on it.
  let misidentified: boolean | undefined
  const policies = ids.map((id): PolicyEvaluation => {
    const policy = policyById(id)
    const overrides = options.settings?.[id]
    const settings = overrides ? { ...policy.defaults, ...overrides } : policy.defaults
    const overall = policy.screen(facts, settings, legal)
    if (overall !== false) misidentified ??= misidentifiedVictimTruth(facts)
    return new ScreenedEvaluation(policy, outcomeFrom(overall, misidentified === true), facts, settings)
  })
  return {
    asOf: record.asOf,
    personId: record.person.id,
    dateOfBirth: record.person.dateOfBirth,
    policies,
    rehabilitation: facts.rehabilitation(),
  }
}

export type { SpentStatus }
export { policyIds }
