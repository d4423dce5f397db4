import type { CaseFacts } from '../eligibility/case-facts.ts'
import type { PolicyEvaluation, PolicyId, Truth } from '../explain/evaluation.ts'
import type { LegalSettings } from '../settings/legal-settings.ts'

// A registration policy: a named, versioned rule set with its source and its
// interpretation settings. Adding a proposal means adding one file that
// exports a Policy and listing it in ./registry.ts; no other policy changes.

export type PolicyStatus = 'rejected-proposal' | 'in-force' | 'identification-only' | 'other-jurisdiction'

export interface SettingDoc {
  description: string
  /** Why the default is what it is, with the source. */
  basis: string
}

export interface Policy<S extends object = object> {
  id: PolicyId
  title: string
  version: string
  status: PolicyStatus
  source: string
  /** ISO date; for a proposal that never became law, the date it was approved or tabled. */
  commencement: string
  summary: string
  defaults: S
  settingDocs: { [K in keyof S]: SettingDoc }
  /** The full evaluation: outcome, reasons, missing facts, warnings and consequences. */
  evaluate(facts: CaseFacts, settings: S, legal: LegalSettings): PolicyEvaluation
  /**
   * The screening pass (decision 0005): the truth of the criterion `evaluate`
   * passes to `decide` as `overall`, worked out without findings or text. The
   * outcome is `outcomeFrom(screen(...), misidentified)`, the same as `evaluate`'s.
   */
  screen(facts: CaseFacts, settings: S, legal: LegalSettings): Truth
}
