import type { Day } from '../dates/day.ts'
import type { OffenceCode } from '../offences/catalogue.ts'
import type { Relationship } from './relationships.ts'

// What the core knows about a person: the facts a policy is evaluated on.
// Everything optional here is a fact a real record may lack; the policies say
// so ("missing facts") rather than guess.

export interface Victim {
  id: string
  relationship?: Relationship
  ageAtOffence?: number
}

export type Disposal =
  | {
      type: 'custody'
      months: number
      suspended?: boolean
      life?: boolean
      /** Detention and training order: only the detention half counts as imprisonment (SOA 2003 s.131). */
      detentionAndTraining?: boolean
    }
  | { type: 'hospital-order'; restriction: boolean }
  | { type: 'community'; months?: number }
  | { type: 'fine' }
  | { type: 'conditional-discharge'; months: number }
  | { type: 'absolute-discharge' }

export interface OffenceContext {
  weaponUsed?: boolean
  sexualViolence?: boolean
  /** Recorded as violent resistance or self-defence against an abuser. */
  violentResistance?: boolean
}

export interface Conviction {
  id: string
  date: Day
  offenceDate?: Day
  offence: OffenceCode
  /** The CPS domestic abuse flag; undefined where the record does not say. */
  domesticAbuse?: boolean
  victims: Victim[]
  disposal: Disposal
  releasedOn?: Day
  context: OffenceContext
}

export interface Caution {
  id: string
  date: Day
  offenceDate?: Day
  offence: OffenceCode
  domesticAbuse?: boolean
  victims: Victim[]
  conditional?: boolean
}

/** A report to police. `role` says whether the person was the reported perpetrator or the victim. */
export interface Incident {
  id: string
  date: Day
  role: 'perpetrator' | 'victim'
  /** The other party: the victim when the person was the perpetrator, the perpetrator otherwise. */
  counterpartId?: string
  relationship?: Relationship
  domesticAbuse?: boolean
}

export type RoshLevel = 'low' | 'medium' | 'high' | 'very-high'

export interface RiskAssessment {
  id: string
  date: Day
  tool: string
  rosh?: RoshLevel
}

export interface PersonRecord {
  asOf: Day
  person: { id: string; dateOfBirth: Day }
  convictions: Conviction[]
  cautions: Caution[]
  incidents: Incident[]
  riskAssessments: RiskAssessment[]
}
