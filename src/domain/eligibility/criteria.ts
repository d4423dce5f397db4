import { addMonths, addYears, type Day, formatDay } from '../dates/day.ts'
import type { MissingFact, Truth, Warning } from '../explain/evaluation.ts'
import { isPersonallyConnected } from '../record/relationships.ts'
import type { CaseFacts, OffenceRecord } from './case-facts.ts'
import { anyOf, type Finding, finding, unique, warning } from './finding.ts'

// The criteria the registration proposals share (shared/spec/policies.md,
// "Shared definitions"), each returning a three-valued Finding.

/**
 * How "an offence where the behaviour amounted to domestic abuse (DA Act 2021 s.1)"
 * is read from a record (report pp.33-36: the law does not settle it).
 * - 'flag-and-definition': the CPS DA flag, and both parties 16+ at the time, and personally connected (s.1-2).
 * - 'flag-only': the CPS DA flag alone, as the CPS counts DA prosecutions.
 * - 'definition-only': the s.1-2 tests on the facts, ignoring the flag.
 */
export type DomesticAbuseReading = 'flag-and-definition' | 'flag-only' | 'definition-only'

function missing(rule: string, fact: string, needed: string): MissingFact {
  return { rule, fact, needed }
}

function and3(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false
  if (a === null || b === null) return null
  return true
}

/** Whether a conviction or caution is a "specified domestic abuse offence". */
export function specifiedDomesticAbuse(rec: OffenceRecord, reading: DomesticAbuseReading): Finding {
  const rule = 'specified-domestic-abuse-offence'
  const gaps: MissingFact[] = []
  const notes: string[] = []
  const inherent = rec.offence.personalConnectionIsElement

  let flag: Truth = true
  if (reading !== 'definition-only') {
    flag = inherent ? true : (rec.domesticAbuse ?? null)
    if (flag === null) gaps.push(missing(rule, `${rec.id}.domesticAbuse`, 'whether the CPS domestic abuse flag is set'))
    else if (!flag) notes.push('not flagged as domestic abuse')
  }

  let definition: Truth = true
  if (reading !== 'flag-only') {
    // s.1(2): both parties aged 16 or over at the time of the behaviour.
    let offender: Truth
    if (rec.ageAtOffence !== null) offender = rec.ageAtOffence >= 16
    else if (rec.ageOnRelevantDate < 16) offender = false
    else {
      offender = null
      gaps.push(
        missing(rule, `${rec.id}.offenceDate`, 'the offence date, to show the person was 16 or over (s.1(2)(a))'),
      )
    }
    if (offender === false) notes.push('the person was under 16 at the time')

    let victim: Truth = false
    if (rec.victims.length === 0) {
      victim = null
      gaps.push(missing(rule, `${rec.id}.victims`, 'the victim, their age and their relationship to the person'))
    }
    for (const v of rec.victims) {
      let connected: Truth
      if (inherent) connected = true
      else if (v.relationship === undefined) {
        connected = null
        gaps.push(missing(rule, `${rec.id}.victims[${v.id}].relationship`, 'how the victim is related to the person'))
      } else connected = isPersonallyConnected(v.relationship)
      let adult: Truth
      if (v.ageAtOffence === undefined) {
        adult = null
        gaps.push(missing(rule, `${rec.id}.victims[${v.id}].ageAtOffence`, "the victim's age at the time (s.1(2)(a))"))
      } else adult = v.ageAtOffence >= 16
      const both = and3(connected, adult)
      if (both === true) {
        victim = true
        break
      }
      if (both === null) victim = null
    }
    if (victim === false) notes.push('no victim was both 16 or over and personally connected')
    definition = and3(offender, victim)
  }

  const holds = and3(flag, definition)
  const explain = () => {
    const what = `${rec.id} (${rec.offence.code}, ${formatDay(rec.date)})`
    if (holds === true) {
      const how =
        reading === 'flag-only'
          ? 'flagged as domestic abuse'
          : inherent
            ? 'personal connection is an element of the offence'
            : 'flagged as domestic abuse, both parties 16 or over and personally connected'
      return `${what} is a specified domestic abuse offence: ${how}`
    }
    if (holds === false) return `${what} is not a specified domestic abuse offence: ${notes.join('; ')}`
    return `${what} may be a specified domestic abuse offence; the record does not show ${gaps.map((g) => g.fact).join(', ')}`
  }
  return finding(holds, explain, [rec.id], gaps)
}

/** PHA 1997 s.2A or s.4A. */
export function specifiedStalking(rec: OffenceRecord): Finding {
  const specified = rec.offence.specifiedStalking
  return finding(
    specified,
    () => `${rec.id} (${rec.offence.code}) is ${specified ? '' : 'not '}a specified stalking offence`,
    [rec.id],
  )
}

/** A specified offence: a specified domestic abuse offence or a specified stalking offence. */
export function specifiedOffence(rec: OffenceRecord, reading: DomesticAbuseReading): Finding {
  const slot = readingSlot[reading]
  rec.specifiedByReading ??= [undefined, undefined, undefined]
  const cached = rec.specifiedByReading[slot] as Finding | undefined
  if (cached) return cached
  const stalking = specifiedStalking(rec)
  const result = stalking.holds ? stalking : specifiedDomesticAbuse(rec, reading)
  rec.specifiedByReading[slot] = result
  return result
}

const readingSlot: Record<DomesticAbuseReading, 0 | 1 | 2> = {
  'flag-and-definition': 0,
  'flag-only': 1,
  'definition-only': 2,
}

/** The specified-offence findings of the counted records, split by truth value. */
export interface SpecifiedRecords {
  yes: { rec: OffenceRecord; finding: Finding }[]
  maybe: { rec: OffenceRecord; finding: Finding }[]
  no: { rec: OffenceRecord; finding: Finding }[]
}

export function classifySpecified(records: OffenceRecord[], reading: DomesticAbuseReading): SpecifiedRecords {
  const result: SpecifiedRecords = { yes: [], maybe: [], no: [] }
  for (const rec of records) {
    const f = specifiedOffence(rec, reading)
    const entry = { rec, finding: f }
    if (f.holds === true) result.yes.push(entry)
    else if (f.holds === null) result.maybe.push(entry)
    else result.no.push(entry)
  }
  return result
}

export function convictedOfSpecifiedOffence(specified: SpecifiedRecords): Finding {
  if (specified.yes.length > 0) {
    const yes = specified.yes
    return finding(
      true,
      () => yes.map((e) => e.finding.explanation).join('; '),
      yes.map((e) => e.rec.id),
    )
  }
  if (specified.maybe.length > 0) {
    const maybe = specified.maybe
    return finding(
      null,
      () => maybe.map((e) => e.finding.explanation).join('; '),
      specified.maybe.map((e) => e.rec.id),
      specified.maybe.flatMap((e) => e.finding.missing),
    )
  }
  const no = specified.no
  return finding(
    false,
    () =>
      no.length === 0
        ? 'no conviction is counted'
        : `no specified offence: ${no.map((e) => e.finding.explanation).join('; ')}`,
    specified.no.map((e) => e.rec.id),
  )
}

export interface SerialSettings {
  /** 'separate-occasions': convictions on different dates (policies.md); 'separate-convictions': any two convictions. */
  serialCounting: 'separate-occasions' | 'separate-convictions'
  /** Both convictions within this many years of each other; null for no window (the proposals set none). */
  serialWindowYears: number | null
}

/** Two counted records that make a serial offender, if any, from the candidates given. */
function serialPair(records: OffenceRecord[], settings: SerialSettings): [OffenceRecord, OffenceRecord] | null {
  if (records.length < 2) return null
  const sorted = [...records].sort((a, b) => a.date - b.date)
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as OffenceRecord
      const b = sorted[j] as OffenceRecord
      if (settings.serialCounting === 'separate-occasions' && a.date === b.date) continue
      if (settings.serialWindowYears !== null && b.date > addYears(a.date, settings.serialWindowYears)) break
      return [a, b]
    }
  }
  return null
}

/**
 * "Relevant serial offender": convicted on more than one occasion of the same
 * specified offence, or convicted of more than one specified offence
 * (Lords amendment, May 2024, new SOA s.80A(4); report footnote 53).
 */
export function relevantSerialOffender(specified: SpecifiedRecords, settings: SerialSettings): Finding {
  const window = () => (settings.serialWindowYears === null ? '' : ` within ${settings.serialWindowYears} years`)
  const occasions = settings.serialCounting === 'separate-occasions' ? 'on separate occasions' : ''
  const sure = serialPair(
    specified.yes.map((e) => e.rec),
    settings,
  )
  if (sure) {
    return finding(
      true,
      () =>
        `convicted of specified offences ${occasions}${window()}: ${sure[0].id} and ${sure[1].id}`.replace('  ', ' '),
      [sure[0].id, sure[1].id],
    )
  }
  const possible = serialPair(
    [...specified.yes, ...specified.maybe].map((e) => e.rec),
    settings,
  )
  if (possible) {
    return finding(
      null,
      () =>
        `a serial offender if ${specified.maybe.map((e) => e.rec.id).join(', ')} ${specified.maybe.length > 1 ? 'are' : 'is'} a specified offence`,
      [...specified.yes, ...specified.maybe].map((e) => e.rec.id),
      specified.maybe.flatMap((e) => e.finding.missing),
    )
  }
  const count = specified.yes.length
  return finding(
    false,
    () =>
      `not a serial offender: ${count === 0 ? 'no' : count === 1 ? 'one' : count} specified-offence conviction${count === 1 ? '' : 's'} ${occasions}${window()}`.trimEnd(),
    specified.yes.map((e) => e.rec.id),
  )
}

export interface RiskSettings {
  /** 'latest': the most recent RoSH assessment decides; 'any': any high or very high assessment counts. */
  riskAssessmentUsed: 'latest' | 'any'
  /** An assessment older than this many months is not current; null for no limit. */
  riskAssessmentMaxAgeMonths: number | null
}

/** Assessed as presenting a high or very high risk of serious harm (OASys RoSH). */
export function highRiskOfSeriousHarm(facts: CaseFacts, settings: RiskSettings): Finding {
  const rule = 'high-risk-of-serious-harm'
  const asOf = facts.record.asOf
  let assessments = facts.roshAssessments
  if (settings.riskAssessmentMaxAgeMonths !== null) {
    const oldest = addMonths(asOf, -settings.riskAssessmentMaxAgeMonths)
    assessments = assessments.filter((a) => a.date >= oldest)
  }
  if (assessments.length === 0) {
    const needed = missing(
      rule,
      'riskAssessments[rosh]',
      settings.riskAssessmentMaxAgeMonths === null
        ? 'a Risk of Serious Harm assessment (OASys RoSH)'
        : `a Risk of Serious Harm assessment made in the last ${settings.riskAssessmentMaxAgeMonths} months`,
    )
    return finding(null, 'no Risk of Serious Harm assessment on the record', [], [needed])
  }
  const high = (level: string | undefined) => level === 'high' || level === 'very-high'
  if (settings.riskAssessmentUsed === 'latest') {
    const latest = assessments[0] as (typeof assessments)[number]
    return finding(
      high(latest.rosh),
      () => `latest RoSH assessment ${latest.id} (${latest.tool}, ${formatDay(latest.date)}): ${latest.rosh}`,
      [latest.id],
    )
  }
  const found = assessments.find((a) => high(a.rosh))
  return found
    ? finding(true, () => `RoSH assessment ${found.id} (${found.tool}, ${formatDay(found.date)}): ${found.rosh}`, [
        found.id,
      ])
    : finding(
        false,
        'no RoSH assessment was high or very high',
        assessments.map((a) => a.id),
      )
}

export function serialOrHighRisk(serial: Finding, risk: Finding): Finding {
  return anyOf([serial, risk], (holds) =>
    holds === true
      ? [serial, risk]
          .filter((f) => f.holds)
          .map((f) => f.explanation)
          .join('; ')
      : holds === false
        ? `${serial.explanation}; ${risk.explanation}`
        : `${serial.explanation}; ${risk.explanation}`,
  )
}

/**
 * Possible misidentified victim (report pp.57-58): the person was also recorded
 * as the victim of someone they are recorded as harming, or a conviction is
 * recorded as violent resistance or self-defence. Never registered on that record
 * without review.
 */
export function possibleMisidentifiedVictim(facts: CaseFacts): Finding {
  return facts.memo('misidentified', () => {
    const victimRole = facts.record.incidents.some((incident) => incident.role === 'victim')
    const resisted = facts.convictions.some((rec) => rec.context.violentResistance)
    if (!victimRole && !resisted) return notMisidentified
    const counterparts = new Map<string, string[]>()
    const add = (counterpart: string | undefined, recordId: string) => {
      if (counterpart === undefined) return
      const list = counterparts.get(counterpart) ?? []
      list.push(recordId)
      counterparts.set(counterpart, list)
    }
    for (const rec of [...facts.convictions, ...facts.cautions]) for (const v of rec.victims) add(v.id, rec.id)
    for (const incident of facts.record.incidents)
      if (incident.role === 'perpetrator') add(incident.counterpartId, incident.id)

    const used: string[] = []
    const notes: string[] = []
    for (const incident of facts.record.incidents) {
      if (incident.role !== 'victim' || incident.counterpartId === undefined) continue
      const harmed = counterparts.get(incident.counterpartId)
      if (harmed) {
        used.push(incident.id, ...harmed)
        notes.push(
          `recorded as the victim of ${incident.counterpartId} in ${incident.id}, who is the victim in ${harmed.join(', ')}`,
        )
      }
    }
    for (const rec of facts.convictions) {
      if (rec.context.violentResistance) {
        used.push(rec.id)
        notes.push(`${rec.id} is recorded as violent resistance or self-defence`)
      }
    }
    return used.length > 0
      ? finding(true, () => `possible misidentified victim: ${notes.join('; ')}`, unique(used))
      : notMisidentified
  })
}

const notMisidentified = finding(false, 'no sign on the record that the person is a misidentified victim')

export interface CountingSettings {
  /** Count convictions before the policy's commencement (retrospective application). */
  countPreCommencement: boolean
  /** Count convictions that are spent under the Rehabilitation of Offenders Act 1974. */
  countSpentConvictions: boolean
}

/**
 * The records a policy counts, after its retrospectivity and spent-conviction
 * settings, with a warning for each kind of record it counted or set aside.
 */
export function countedRecords(
  facts: CaseFacts,
  records: OffenceRecord[],
  commencement: Day,
  settings: CountingSettings,
  warnings: Warning[],
): OffenceRecord[] {
  const before = records.filter((r) => r.date < commencement)
  if (before.length > 0) {
    const ids = before.map((r) => r.id)
    const counts = settings.countPreCommencement
    warnings.push(
      warning(
        counts ? 'retrospective-counted' : 'retrospective-excluded',
        () =>
          `${ids.join(', ')} predate${ids.length === 1 ? 's' : ''} the policy's commencement (${formatDay(commencement)}) and ${ids.length === 1 ? 'is' : 'are'} ${
            counts
              ? 'counted: the setting countPreCommencement applies the policy retrospectively'
              : 'not counted (setting countPreCommencement)'
          }`,
        ids,
      ),
    )
  }
  let counted = settings.countPreCommencement ? records : records.filter((r) => r.date >= commencement)
  const spent = counted.filter((r) => facts.isSpentOnAsOf(r.id))
  if (spent.length > 0) {
    const ids = spent.map((r) => r.id)
    const counts = settings.countSpentConvictions
    warnings.push(
      warning(
        counts ? 'spent-counted' : 'spent-excluded',
        () =>
          `${ids.join(', ')} ${ids.length === 1 ? 'is' : 'are'} spent under the Rehabilitation of Offenders Act 1974 and ${
            counts
              ? 'counted (register status is independent of spent status; setting countSpentConvictions)'
              : 'not counted (setting countSpentConvictions)'
          }`,
        ids,
      ),
    )
    if (!counts) counted = counted.filter((r) => !facts.isSpentOnAsOf(r.id))
  }
  return counted
}
