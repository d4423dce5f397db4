import { addDays, addYears, type Day, formatDay, lastDayOfMonthsBeginningWith } from '../dates/day.ts'
import type { CaseFacts, OffenceRecord } from '../eligibility/case-facts.ts'
import { finding, warning } from '../eligibility/finding.ts'
import type { Truth, Warning } from '../explain/evaluation.ts'
import { mappaUnderCurrentLaw, proposedMappaLevel } from '../mappa/category.ts'
import { type Relationship, relationships } from '../record/relationships.ts'
import { victimContactFor } from '../victims/victim-contact.ts'
import { decide } from './decide.ts'
import type { Policy } from './policy.ts'

// The National Police Chiefs' Council definition of a serial perpetrator
// (report p.34): reported to police for domestic abuse against two or more
// victims who are or were intimate partners or family members, within a
// rolling 3-year period. Identification for multi-agency tasking only: it is
// not a legal basis for registration.

export interface NpccSerialSettings {
  windowYears: number
  /** 'ending-on-as-of': the last N years up to the as-of date; 'any': any N-year window in the history. */
  window: 'ending-on-as-of' | 'any'
  /** Convictions and cautions are reports too (the behaviour was reported before it was prosecuted). */
  includeConvictionsAndCautions: boolean
  /** Parents of the same child who were never partners (DA Act s.2(1)(f)) count as family. */
  coParentCounts: boolean
}

interface Report {
  recordId: string
  date: Day
  victimKey: string
  /** Whether the report was of DA against a partner or family member. */
  counts: Truth
  missing: { fact: string; needed: string }[]
}

const commencement = '2021-01-01'
const RULE = 'npcc-serial-perpetrator'
const PROVISION = 'NPCC definition of a serial domestic abuse perpetrator (report p.34)'

function relationshipCounts(relationship: Relationship | undefined, settings: NpccSerialSettings): Truth {
  if (relationship === undefined) return null
  const group = relationships[relationship].group
  return group === 'intimate' || group === 'family' || (group === 'co-parent' && settings.coParentCounts)
}

/** A report in the screening pass: when, against whom, and whether it surely counts. */
interface Candidate {
  date: Day
  victimKey: string
  sure: boolean
  /** Last day of the window beginning with the report. */
  windowLastDay: Day
}

function candidate(date: Day, victimKey: string, sure: boolean, settings: NpccSerialSettings): Candidate {
  return { date, victimKey, sure, windowLastDay: lastDayOfMonthsBeginningWith(date, settings.windowYears * 12) }
}

/**
 * The screening pass of `evaluate`: the reports that could count (DA against a
 * partner or family member, in the window), then whether two of them, against
 * different victims, fall within one window; surely (both surely count) or possibly.
 */
function screenNpcc(facts: CaseFacts, settings: NpccSerialSettings): Truth {
  const asOf = facts.record.asOf
  const ending = settings.window === 'ending-on-as-of'
  // Reports outside [from, asOf] are out of the window ending on the as-of date.
  const from = ending ? addDays(addYears(asOf, -settings.windowYears), 1) : Number.NEGATIVE_INFINITY
  const to = ending ? asOf : Number.POSITIVE_INFINITY
  const candidates: Candidate[] = []
  let unnamed = 0
  for (const incident of facts.record.incidents) {
    if (incident.role !== 'perpetrator') continue
    const counterpart = incident.counterpartId
    const unnamedIndex = counterpart === undefined ? unnamed++ : -1
    const da: Truth = incident.domesticAbuse ?? null
    const related = relationshipCounts(incident.relationship, settings)
    if (da === false || related === false || incident.date < from || incident.date > to) continue
    // A report with no named victim can only possibly count.
    const sure = da === true && related === true && counterpart !== undefined
    candidates.push(candidate(incident.date, counterpart ?? `unnamed-${unnamedIndex}`, sure, settings))
  }
  if (settings.includeConvictionsAndCautions) {
    const convictions = facts.convictions
    for (let i = 0; i < convictions.length + facts.cautions.length; i++) {
      const rec = (i < convictions.length ? convictions[i] : facts.cautions[i - convictions.length]) as OffenceRecord
      const inherent = rec.offence.personalConnectionIsElement
      const da: Truth = inherent ? true : (rec.domesticAbuse ?? null)
      const date = rec.offenceDate ?? rec.date
      if (da === false || date < from || date > to) continue
      for (const victim of rec.victims) {
        const related =
          inherent && victim.relationship === undefined ? true : relationshipCounts(victim.relationship, settings)
        if (related !== false) candidates.push(candidate(date, victim.id, da === true && related === true, settings))
      }
    }
  }
  let possible = false
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i] as Candidate
    for (let j = i + 1; j < candidates.length; j++) {
      const b = candidates[j] as Candidate
      if (a.victimKey === b.victimKey) continue
      if (a.date <= b.date ? b.date > a.windowLastDay : a.date > b.windowLastDay) continue
      if (a.sure && b.sure) return true
      possible = true
    }
  }
  return possible ? null : false
}

export const npccSerial: Policy<NpccSerialSettings> = {
  id: 'npcc-serial',
  title: 'NPCC serial perpetrator (identification only)',
  version: '1.0.0',
  status: 'identification-only',
  source: "National Police Chiefs' Council definition of a serial DA perpetrator (report p.34)",
  commencement,
  summary:
    'Reported to police for committing or threatening domestic abuse against two or more victims who are or were intimate partners or family members within a rolling 3-year period. Identification for MATAC/DAPP tasking only: not a legal basis for registration.',
  defaults: { windowYears: 3, window: 'ending-on-as-of', includeConvictionsAndCautions: true, coParentCounts: true },
  settingDocs: {
    windowYears: {
      description: 'Length of the rolling window in years.',
      basis: 'NPCC: "in the last rolling 3-year period".',
    },
    window: {
      description: "'ending-on-as-of': the window ends on the as-of date; 'any': any window in the person's history.",
      basis: 'NPCC: "the last rolling 3-year period" reads as ending now.',
    },
    includeConvictionsAndCautions: {
      description: 'Count the behaviour behind convictions and cautions as reports, dated by the offence date.',
      basis: 'A conviction or caution presupposes a report to police.',
    },
    coParentCounts: {
      description: 'Count a co-parent (DA Act 2021 s.2(1)(f)) as a family member.',
      basis: 'The NPCC definition names intimate partners and family members; co-parents are usually either.',
    },
  },
  screen: screenNpcc,
  evaluate(facts, settings) {
    const warnings: Warning[] = []
    const asOf = facts.record.asOf
    const reports: Report[] = []
    let unnamed = 0
    for (const incident of facts.record.incidents) {
      if (incident.role !== 'perpetrator') continue
      const gaps: Report['missing'] = []
      const da: Truth = incident.domesticAbuse ?? null
      if (da === null)
        gaps.push({ fact: `${incident.id}.domesticAbuse`, needed: 'whether the incident was domestic abuse' })
      const related = relationshipCounts(incident.relationship, settings)
      if (related === null)
        gaps.push({ fact: `${incident.id}.relationship`, needed: 'how the victim is related to the person' })
      if (incident.counterpartId === undefined)
        gaps.push({ fact: `${incident.id}.victimId`, needed: 'who the victim was' })
      const counts: Truth = da === false || related === false ? false : da === null || related === null ? null : true
      reports.push({
        recordId: incident.id,
        date: incident.date,
        victimKey: incident.counterpartId ?? `unnamed-${unnamed++}`,
        counts: incident.counterpartId === undefined && counts === true ? null : counts,
        missing: gaps,
      })
    }
    if (settings.includeConvictionsAndCautions) {
      for (const rec of [...facts.convictions, ...facts.cautions]) {
        const da: Truth = rec.offence.personalConnectionIsElement ? true : (rec.domesticAbuse ?? null)
        for (const victim of rec.victims) {
          const related =
            rec.offence.personalConnectionIsElement && victim.relationship === undefined
              ? true
              : relationshipCounts(victim.relationship, settings)
          const gaps: Report['missing'] = []
          if (da === null)
            gaps.push({ fact: `${rec.id}.domesticAbuse`, needed: 'whether the CPS domestic abuse flag is set' })
          if (related === null)
            gaps.push({
              fact: `${rec.id}.victims[${victim.id}].relationship`,
              needed: 'how the victim is related to the person',
            })
          reports.push({
            recordId: rec.id,
            date: rec.offenceDate ?? rec.date,
            victimKey: victim.id,
            counts: da === false || related === false ? false : da === null || related === null ? null : true,
            missing: gaps,
          })
        }
      }
    }

    const windowStart = addDays(addYears(asOf, -settings.windowYears), 1)
    const inWindow = (r: Report) => settings.window !== 'ending-on-as-of' || (r.date >= windowStart && r.date <= asOf)
    const candidates = reports.filter((r) => r.counts !== false && inWindow(r)).sort((a, b) => a.date - b.date)
    const distinctWithin = (list: Report[]): [Report, Report] | null => {
      // Two different victims whose reports fall within one window.
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i] as Report
          const b = list[j] as Report
          if (b.date > lastDayOfMonthsBeginningWith(a.date, settings.windowYears * 12)) break
          if (a.victimKey !== b.victimKey) return [a, b]
        }
      }
      return null
    }
    const sure = distinctWithin(candidates.filter((r) => r.counts === true))
    const possible = sure ? null : distinctWithin(candidates)
    const windowText =
      settings.window === 'ending-on-as-of'
        ? `between ${formatDay(windowStart)} and ${formatDay(asOf)}`
        : `within ${settings.windowYears} years of each other`
    const serial = sure
      ? finding(
          true,
          () =>
            `reported for domestic abuse against two victims who are partners or family ${windowText}: ${sure[0].victimKey} (${sure[0].recordId}) and ${sure[1].victimKey} (${sure[1].recordId})`,
          [sure[0].recordId, sure[1].recordId],
        )
      : possible
        ? finding(
            null,
            () => `possibly reported for domestic abuse against two partners or family members ${windowText}`,
            [possible[0].recordId, possible[1].recordId],
            [possible[0], possible[1]].flatMap((r) => r.missing.map((m) => ({ rule: RULE, ...m }))),
          )
        : finding(
            false,
            () => `fewer than two partner or family victims reported ${windowText}`,
            candidates.map((r) => r.recordId),
          )
    const result = decide(
      'npcc-serial',
      facts,
      [{ rule: RULE, provision: PROVISION, result: serial }],
      serial,
      warnings,
      () => {
        const mappa = mappaUnderCurrentLaw(facts)
        return {
          effect: 'identification-only',
          indexFact: null,
          notificationPeriod: null,
          periodStart: null,
          periodLastDay: null,
          earliestReview: null,
          initialNotificationDue: null,
          mappaCategory: mappa.category,
          mappaBasis: mappa.basis,
          mappaLevelProposed: proposedMappaLevel(facts),
          victimContact: facts.memo('victim-contact', () => victimContactFor(facts.record)),
          considerRightToKnow: false,
          provisions: [PROVISION, 'Identification for multi-agency tasking (MATAC, DAPP) only; no legal duties follow'],
        }
      },
    )
    if (result.outcome !== 'not-eligible') {
      result.warnings.push(
        warning(
          'identification-only',
          'Identification only: the NPCC definition is not a legal basis for registration or notification requirements',
          [],
        ),
      )
    }
    return result
  },
}
