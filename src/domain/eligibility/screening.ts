import type { Day } from '../dates/day.ts'
import { addMonths, addYears } from '../dates/day.ts'
import type { Truth } from '../explain/evaluation.ts'
import { isPersonallyConnected } from '../record/relationships.ts'
import type { CaseFacts, OffenceRecord } from './case-facts.ts'
import type { CountingSettings, DomesticAbuseReading, RiskSettings, SerialSettings } from './criteria.ts'

// The screening pass (decision 0005): the shared criteria of criteria.ts as bare
// truth values, so a policy's outcome is known without building its findings,
// reasons and texts. Each function here answers exactly what the `holds` of its
// counterpart in criteria.ts answers, for every record and setting; the
// property tests in test/properties/screening.test.ts hold the two to that.
// Nothing here allocates per record beyond what the counterpart caches.

/** Kleene conjunction: false wins, then "cannot tell". */
export function and3(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false
  if (a === null || b === null) return null
  return true
}

/** Kleene disjunction: true wins, then "cannot tell". */
export function or3(a: Truth, b: Truth): Truth {
  if (a === true || b === true) return true
  if (a === null || b === null) return null
  return false
}

/** Whether `countedRecords` (criteria.ts) keeps a record: retrospectivity and spent-conviction settings. */
export function isCounted(
  facts: CaseFacts,
  rec: OffenceRecord,
  commencement: Day,
  settings: CountingSettings,
): boolean {
  if (!settings.countPreCommencement && rec.date < commencement) return false
  return settings.countSpentConvictions || !facts.isSpentOnAsOf(rec.id)
}

// Truth codes packed two bits per reading into OffenceRecord.domesticAbuseTruths:
// 0 not yet worked out, 1 false, 2 true, 3 cannot tell.
const readingShift: Record<DomesticAbuseReading, 0 | 2 | 4> = {
  'flag-and-definition': 0,
  'flag-only': 2,
  'definition-only': 4,
}
const truthOfCode: readonly Truth[] = [null, false, true, null]

/**
 * Whether a record is a specified domestic abuse offence (DA Act 2021 s.1-2 as
 * read by the setting): the `holds` of `specifiedDomesticAbuse`.
 */
export function domesticAbuseTruth(rec: OffenceRecord, reading: DomesticAbuseReading): Truth {
  const shift = readingShift[reading]
  const code = (rec.domesticAbuseTruths >> shift) & 3
  if (code !== 0) return truthOfCode[code] as Truth
  const holds = workOutDomesticAbuse(rec, reading)
  rec.domesticAbuseTruths |= (holds === false ? 1 : holds === true ? 2 : 3) << shift
  return holds
}

function workOutDomesticAbuse(rec: OffenceRecord, reading: DomesticAbuseReading): Truth {
  const inherent = rec.offence.personalConnectionIsElement
  // The CPS domestic abuse flag; personal connection is an element of some offences (SCA 2015 s.76).
  const flag: Truth = reading === 'definition-only' || inherent ? true : (rec.domesticAbuse ?? null)
  if (flag === false || reading === 'flag-only') return flag
  // s.1(2)(a): the person 16 or over at the time.
  const offender: Truth = rec.ageAtOffence !== null ? rec.ageAtOffence >= 16 : rec.ageOnRelevantDate < 16 ? false : null
  if (offender === false) return false
  // s.1(2)(a)-(b): a victim 16 or over and personally connected (s.2).
  const victims = rec.victims
  let victim: Truth = victims.length === 0 ? null : false
  for (let i = 0; i < victims.length; i++) {
    const v = victims[i] as (typeof victims)[number]
    const connected: Truth = inherent
      ? true
      : v.relationship === undefined
        ? null
        : isPersonallyConnected(v.relationship)
    const adult: Truth = v.ageAtOffence === undefined ? null : v.ageAtOffence >= 16
    const both = and3(connected, adult)
    if (both === true) {
      victim = true
      break
    }
    if (both === null) victim = null
  }
  return and3(flag, and3(offender, victim))
}

/** A specified offence: a specified stalking offence (PHA 1997 s.2A, s.4A) or a specified DA offence; `specifiedOffence`. */
export function specifiedTruth(rec: OffenceRecord, reading: DomesticAbuseReading): Truth {
  return rec.offence.specifiedStalking ? true : domesticAbuseTruth(rec, reading)
}

/**
 * Whether two records make a pair for "relevant serial offender" (new SOA
 * s.80A(4)): on separate occasions when the setting asks, within the window if any.
 * The answer of `serialPair` in criteria.ts for the two records alone.
 */
export function serialPairCounts(a: OffenceRecord, b: OffenceRecord, settings: SerialSettings): boolean {
  const earlier = a.date <= b.date ? a : b
  const later = earlier === a ? b : a
  if (settings.serialCounting === 'separate-occasions' && earlier.date === later.date) return false
  return settings.serialWindowYears === null || later.date <= addYears(earlier.date, settings.serialWindowYears)
}

/** Assessed as presenting a high or very high risk of serious harm (OASys RoSH): `highRiskOfSeriousHarm`. */
export function riskTruth(facts: CaseFacts, settings: RiskSettings): Truth {
  const assessments = facts.roshAssessments
  const oldest =
    settings.riskAssessmentMaxAgeMonths === null
      ? null
      : addMonths(facts.record.asOf, -settings.riskAssessmentMaxAgeMonths)
  let seen = false
  for (let i = 0; i < assessments.length; i++) {
    const a = assessments[i] as (typeof assessments)[number]
    if (oldest !== null && a.date < oldest) continue
    const high = a.rosh === 'high' || a.rosh === 'very-high'
    // Newest first, so the first current assessment is the latest.
    if (settings.riskAssessmentUsed === 'latest' || high) return high
    seen = true
  }
  return seen ? false : null
}

/**
 * Possible misidentified victim (report pp.57-58): the `holds` of
 * `possibleMisidentifiedVictim`. Recorded as violent resistance or
 * self-defence, or recorded as the victim of someone the person is recorded as
 * harming (a victim of a conviction or caution, or of a reported incident).
 */
export function misidentifiedVictimTruth(facts: CaseFacts): boolean {
  const convictions = facts.convictions
  for (let i = 0; i < convictions.length; i++) {
    if ((convictions[i] as OffenceRecord).context.violentResistance) return true
  }
  const incidents = facts.record.incidents
  for (let i = 0; i < incidents.length; i++) {
    const incident = incidents[i] as (typeof incidents)[number]
    if (incident.role !== 'victim' || incident.counterpartId === undefined) continue
    if (harmed(facts, incident.counterpartId)) return true
  }
  return false
}

function harmed(facts: CaseFacts, counterpart: string): boolean {
  if (isVictimIn(facts.convictions, counterpart) || isVictimIn(facts.cautions, counterpart)) return true
  const incidents = facts.record.incidents
  for (let i = 0; i < incidents.length; i++) {
    const incident = incidents[i] as (typeof incidents)[number]
    if (incident.role === 'perpetrator' && incident.counterpartId === counterpart) return true
  }
  return false
}

function isVictimIn(records: OffenceRecord[], victimId: string): boolean {
  for (let i = 0; i < records.length; i++) {
    const victims = (records[i] as OffenceRecord).victims
    for (let j = 0; j < victims.length; j++) if ((victims[j] as (typeof victims)[number]).id === victimId) return true
  }
  return false
}
