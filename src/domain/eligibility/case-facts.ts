import { ageOn, type Day } from '../dates/day.ts'
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
  specifiedByReading: [unknown, unknown, unknown]
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

function toOffenceRecord(
  kind: 'conviction' | 'caution',
  source: PersonRecord['convictions'][number] | PersonRecord['cautions'][number],
  dateOfBirth: Day,
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
    ageAtOffence: offenceDate === undefined ? null : ageOn(dateOfBirth, offenceDate),
    ageOnRelevantDate: ageOn(dateOfBirth, source.date),
    immediateCustody,
    detained,
    sentenceLastDay,
    specifiedByReading: [undefined, undefined, undefined],
  }
}

export function prepareCaseFacts(record: PersonRecord, legal: LegalSettings): CaseFacts {
  const dob = record.person.dateOfBirth
  const convictions = record.convictions.map((c) => toOffenceRecord('conviction', c, dob))
  const cautions = record.cautions.map((c) => toOffenceRecord('caution', c, dob))
  const roshAssessments = record.riskAssessments
    .filter((a) => a.rosh !== undefined && a.date <= record.asOf)
    .sort((a, b) => b.date - a.date)
  let spent: SpentStatus[] | undefined
  let spentIds: Set<string> | undefined
  const memos = new Map<string, unknown>()
  const facts: CaseFacts = {
    record,
    legal,
    convictions,
    cautions,
    roshAssessments,
    rehabilitation() {
      spent ??= rehabilitation(record)
      return spent
    },
    isSpentOnAsOf(recordId) {
      spentIds ??= new Set(
        facts
          .rehabilitation()
          .filter((s) => s.spentOnAsOf)
          .map((s) => s.recordId),
      )
      return spentIds.has(recordId)
    },
    memo<T>(key: string, compute: () => T): T {
      const found = memos.get(key)
      if (found !== undefined) return found as T
      const value = compute()
      memos.set(key, value)
      return value
    },
  }
  return facts
}
