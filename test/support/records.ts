import { day } from '../../src/domain/dates/day.ts'
import type { OffenceCode } from '../../src/domain/offences/offences.ts'
import type {
  Caution,
  Conviction,
  Disposal,
  Incident,
  OffenceContext,
  PersonRecord,
  RiskAssessment,
  RoshLevel,
  Victim,
} from '../../src/domain/record/person-record.ts'
import type { Relationship } from '../../src/domain/record/relationships.ts'

// Synthetic records for tests, written with ISO strings for readability.

export interface ConvictionSpec {
  id: string
  date: string
  offence: OffenceCode
  offenceDate?: string
  domesticAbuse?: boolean
  victims?: Victim[]
  disposal?: Disposal
  releasedOn?: string
  context?: OffenceContext
}

export function conviction(spec: ConvictionSpec): Conviction {
  return {
    id: spec.id,
    date: day(spec.date),
    offence: spec.offence,
    ...(spec.offenceDate ? { offenceDate: day(spec.offenceDate) } : {}),
    ...(spec.domesticAbuse === undefined ? {} : { domesticAbuse: spec.domesticAbuse }),
    victims: spec.victims ?? [],
    disposal: spec.disposal ?? { type: 'community', months: 12 },
    ...(spec.releasedOn ? { releasedOn: day(spec.releasedOn) } : {}),
    context: spec.context ?? {},
  }
}

export function victim(id: string, relationship?: Relationship, ageAtOffence?: number): Victim {
  return {
    id,
    ...(relationship ? { relationship } : {}),
    ...(ageAtOffence === undefined ? {} : { ageAtOffence }),
  }
}

export function rosh(id: string, date: string, level: RoshLevel): RiskAssessment {
  return { id, date: day(date), tool: 'OASys', rosh: level }
}

export function incident(
  id: string,
  date: string,
  counterpartId: string | undefined,
  relationship?: Relationship,
  extra: Partial<Incident> = {},
): Incident {
  return {
    id,
    date: day(date),
    role: 'perpetrator',
    ...(counterpartId ? { counterpartId } : {}),
    ...(relationship ? { relationship } : {}),
    domesticAbuse: true,
    ...extra,
  }
}

export interface RecordSpec {
  asOf?: string
  dateOfBirth?: string
  convictions?: Conviction[]
  cautions?: Caution[]
  incidents?: Incident[]
  riskAssessments?: RiskAssessment[]
}

export function personRecord(spec: RecordSpec = {}): PersonRecord {
  return {
    asOf: day(spec.asOf ?? '2026-11-24'),
    person: { id: 'P-1', dateOfBirth: day(spec.dateOfBirth ?? '1990-04-01') },
    convictions: spec.convictions ?? [],
    cautions: spec.cautions ?? [],
    incidents: spec.incidents ?? [],
    riskAssessments: spec.riskAssessments ?? [],
  }
}

/** The issue's example: stalking with fear of violence against an ex-partner, 18 months' custody, released. */
export function stalkingConviction(overrides: Partial<ConvictionSpec> = {}): Conviction {
  return conviction({
    id: 'C-1',
    date: '2024-03-01',
    offenceDate: '2023-12-10',
    offence: 'PHA1997-s4A',
    domesticAbuse: true,
    victims: [victim('V-1', 'ex-partner', 31)],
    disposal: { type: 'custody', months: 18 },
    releasedOn: '2024-12-01',
    context: { weaponUsed: false, sexualViolence: false, violentResistance: false },
    ...overrides,
  })
}

/** A DA-flagged assault on a partner, with a community order. */
export function assaultConviction(overrides: Partial<ConvictionSpec> = {}): Conviction {
  return conviction({
    id: 'C-2',
    date: '2021-06-15',
    offenceDate: '2021-05-01',
    offence: 'OAPA1861-s47',
    domesticAbuse: true,
    victims: [victim('V-1', 'partner', 29)],
    disposal: { type: 'community', months: 12 },
    context: { weaponUsed: false, sexualViolence: false, violentResistance: false },
    ...overrides,
  })
}
