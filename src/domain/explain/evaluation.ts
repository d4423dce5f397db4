import type { Day } from '../dates/day.ts'

// The shape of a policy evaluation: the outcome, and everything it rests on.

export type PolicyId =
  | 'lords-2024'
  | 'broad-convicted'
  | 'commons-2024-in-lieu'
  | 'saville-roberts-2020'
  | 'npcc-serial'
  | 'guam-fvr'

export type Outcome = 'eligible' | 'not-eligible' | 'needs-review'

/** true: the record shows it; false: the record rules it out; null: the record cannot tell. */
export type Truth = boolean | null

/** One step of the decision: which rule, under which provision, on which facts, and whether it held. */
export interface Reason {
  rule: string
  provision: string
  holds: Truth
  facts: string[]
  explanation: string
}

/** A fact the record lacks that could change the outcome. */
export interface MissingFact {
  rule: string
  fact: string
  needed: string
}

export interface Warning {
  code: string
  message: string
  facts: string[]
}

/** `months` extends the contract's shapes so a reader need not convert 3.5 years. */
export type NotificationPeriod =
  | { years: number; months: number }
  | { indefinite: true }
  | { untilEndOfOrder: true; months: number }

export type RegistrationEffect =
  | 'notification-requirements'
  | 'register-entry'
  | 'mappa-management'
  | 'identification-only'
  | 'public-listing'

export interface VictimContact {
  victimId: string
  convictionIds: string[]
  /** Statutory Victim Contact Scheme, DVCVA 2004 s.35. */
  victimContactScheme: boolean
  /** Non-statutory Victim Notification Scheme (stalking, harassment, CCB, order breaches under 12 months). */
  victimNotificationScheme: boolean
  basis: string
}

export interface Consequences {
  effect: RegistrationEffect
  /** The conviction (or other record) the period runs from. */
  indexFact: string | null
  notificationPeriod: NotificationPeriod | null
  periodStart: Day | null
  periodLastDay: Day | null
  earliestReview: Day | null
  initialNotificationDue: Day | null
  mappaCategory: 1 | 2 | 3 | 4 | null
  mappaBasis: string
  /** MAPPA level proposed from the risk assessment (Guidance ch.7); a MAPPA meeting decides. */
  mappaLevelProposed: 1 | 2 | null
  victimContact: VictimContact[]
  /** DVDS Right to Know: whether a proactive disclosure should be considered (report p.58). */
  considerRightToKnow: boolean
  provisions: string[]
}

export interface PolicyEvaluation {
  policy: PolicyId
  outcome: Outcome
  reasons: Reason[]
  missing: MissingFact[]
  warnings: Warning[]
  consequences: Consequences | null
}
