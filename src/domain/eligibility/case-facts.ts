import { type Day, ymdOf } from '../dates/day.ts'
import { type Offence, offence } from '../offences/offences.ts'
import type { Disposal, OffenceContext, PersonRecord, RiskAssessment, Victim } from '../record/person-record.ts'
import { endOfSentence } from '../record/sentence.ts'
import { rehabilitation, type SpentStatus } from '../rehabilitation/spent.ts'
import type { LegalSettings } from '../settings/legal-settings.ts'

// What every policy needs to know about a person, worked out once per person
// and shared by all policies, so evaluating six policies costs little more
// than evaluating one.

/** A conviction or caution, seen the same way by every policy. */
export interface OffenceRecord {
  id: string
  kind: 'conviction' | 'caution'
  date: Day
  offenceDate: Day | undefined
  offence: Offence
  domesticAbuse: boolean | undefined
  victims: Victim[]
  disposal: Disposal | 'caution'
  releasedOn: Day | undefined
  context: OffenceContext
  /** Age on the offence date; null when the record has no offence date. */
  ageAtOffence: number | null
  /** Age on the relevant date (SOA 2003 s.82(6): conviction or caution date). */
  ageOnRelevantDate: number
  /** Sentenced to immediate custody (not suspended): released on licence, detained until then. */
  immediateCustody: boolean
  /** Detained on the relevant date (custody or hospital), so s.83(6) disregards time until release. */
  detained: boolean
  /** Last day of a custodial term (licence ends with the sentence); null for life or non-custodial disposals. */
  sentenceLastDay: Day | null
  /** Whether it is a specified offence, per reading of "domestic abuse" (filled on first use). */
  specifiedByReading: [unknown, unknown, unknown] | null
  /**
   * Whether it is a specified domestic abuse offence, per reading, as packed
   * truth codes for the screening pass (eligibility/screening.ts); 0 until worked out.
   */
  domesticAbuseTruths: number
}

export interface CaseFacts {
  record: PersonRecord
  legal: LegalSettings
  convictions: OffenceRecord[]
  cautions: OffenceRecord[]
  /** Risk of Serious Harm assessments on or before the as-of date, newest first. */
  roshAssessments: RiskAssessment[]
  rehabilitation(): SpentStatus[]
  isSpentOnAsOf(recordId: string): boolean
  /** Memo for findings that several policies share (keyed by rule and settings). */
  memo<T>(key: string, compute: () => T): T
}

/** Whole years from a birth date (as year, month, day) to a date; as `ageOn` in dates/day.ts. */
function ageFrom(birthYear: number, birthMonth: number, birthDay: number, on: Day): number {
  const then = ymdOf(on)
  let age = then.year - birthYear
  if (then.month < birthMonth || (then.month === birthMonth && then.day < birthDay)) age -= 1
  return age
}

function toOffenceRecord(
  kind: 'conviction' | 'caution',
  source: PersonRecord['convictions'][number] | PersonRecord['cautions'][number],
  birthYear: number,
  birthMonth: number,
  birthDay: number,
): OffenceRecord {
  const disposal = 'disposal' in source ? source.disposal : ('caution' as const)
  const immediateCustody = disposal !== 'caution' && disposal.type === 'custody' && !disposal.suspended
  const detained = immediateCustody || (disposal !== 'caution' && disposal.type === 'hospital-order')
  let sentenceLastDay: Day | null = null
  if (disposal !== 'caution' && disposal.type === 'custody' && !disposal.life) {
    sentenceLastDay = endOfSentence(source.date, disposal.months)
  }
  const offenceDate = 'offenceDate' in source ? source.offenceDate : undefined
  return {
    id: source.id,
    kind,
    date: source.date,
    offenceDate,
    offence: offence(source.offence),
    domesticAbuse: source.domesticAbuse,
    victims: source.victims,
    disposal,
    releasedOn: 'releasedOn' in source ? source.releasedOn : undefined,
    context: 'context' in source ? source.context : {},
    ageAtOffence: offenceDate === undefined ? null : ageFrom(birthYear, birthMonth, birthDay, offenceDate),
    ageOnRelevantDate: ageFrom(birthYear, birthMonth, birthDay, source.date),
    immediateCustody,
    detained,
    sentenceLastDay,
    specifiedByReading: null,
    domesticAbuseTruths: 0,
  }
}

const byNewestFirst = (a: RiskAssessment, b: RiskAssessment) => b.date - a.date

/** The RoSH assessments on or before the as-of date, newest first (a stable sort: equal dates keep input order). */
function roshOnOrBefore(assessments: RiskAssessment[], asOf: Day): RiskAssessment[] {
  const rosh = assessments.filter((a) => a.rosh !== undefined && a.date <= asOf)
  for (let i = 1; i < rosh.length; i++) {
    if ((rosh[i] as RiskAssessment).date > (rosh[i - 1] as RiskAssessment).date) return rosh.sort(byNewestFirst)
  }
  return rosh
}

/** One person's case facts; the ROA status and shared findings are worked out on first use. */
class PreparedCaseFacts implements CaseFacts {
  readonly record: PersonRecord
  readonly legal: LegalSettings
  readonly convictions: OffenceRecord[]
  readonly cautions: OffenceRecord[]
  readonly roshAssessments: RiskAssessment[]
  #spent: SpentStatus[] | undefined = undefined
  #spentIds: Set<string> | undefined = undefined
  #memos: Map<string, unknown> | undefined = undefined

  constructor(record: PersonRecord, legal: LegalSettings) {
    this.record = record
    this.legal = legal
    const dob = ymdOf(record.person.dateOfBirth)
    this.convictions = record.convictions.map((c) => toOffenceRecord('conviction', c, dob.year, dob.month, dob.day))
    this.cautions = record.cautions.map((c) => toOffenceRecord('caution', c, dob.year, dob.month, dob.day))
    this.roshAssessments = roshOnOrBefore(record.riskAssessments, record.asOf)
  }

  rehabilitation(): SpentStatus[] {
    // The convictions' ages and ends of sentence are already worked out here.
    this.#spent ??= rehabilitation(this.record, this.convictions)
    return this.#spent
  }

  isSpentOnAsOf(recordId: string): boolean {
    if (this.#spentIds === undefined) {
      const ids = new Set<string>()
      for (const s of this.rehabilitation()) if (s.spentOnAsOf) ids.add(s.recordId)
      this.#spentIds = ids
    }
    return this.#spentIds.has(recordId)
  }

  memo<T>(key: string, compute: () => T): T {
    this.#memos ??= new Map()
    const found = this.#memos.get(key)
    if (found !== undefined) return found as T
    const value = compute()
    this.#memos.set(key, value)
    return value
  }
}

export function prepareCaseFacts(record: PersonRecord, legal: LegalSettings): CaseFacts {
  return new PreparedCaseFacts(record, legal)
}
