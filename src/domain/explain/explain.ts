import type { Day } from '../dates/day.ts'
import { prepareCaseFacts } from '../eligibility/case-facts.ts'
import { policyById, policyIds } from '../policies/registry.ts'
import type { PersonRecord } from '../record/person-record.ts'
import type { SpentStatus } from '../rehabilitation/spent.ts'
import { defaultLegalSettings, type LegalSettings } from '../settings/legal-settings.ts'
import type { PolicyEvaluation, PolicyId } from './evaluation.ts'

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

export function explainPerson(record: PersonRecord, options: ExplainOptions = {}): Explanation {
  const legal = options.legal ?? defaultLegalSettings
  const facts = prepareCaseFacts(record, legal)
  const ids = options.policies ?? policyIds
  const policies = ids.map((id) => {
    const policy = policyById(id)
    const overrides = options.settings?.[id]
    const settings = overrides ? { ...policy.defaults, ...overrides } : policy.defaults
    return policy.evaluate(facts, settings, legal)
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
