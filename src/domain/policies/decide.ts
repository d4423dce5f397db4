import { type Day, formatDay } from '../dates/day.ts'
import type { CaseFacts, OffenceRecord } from '../eligibility/case-facts.ts'
import { possibleMisidentifiedVictim } from '../eligibility/criteria.ts'
import { type Finding, reasonFrom, warning } from '../eligibility/finding.ts'
import type {
  Consequences,
  MissingFact,
  Outcome,
  PolicyEvaluation,
  PolicyId,
  Reason,
  Truth,
  Warning,
} from '../explain/evaluation.ts'
import { proposedMappaLevel } from '../mappa/category.ts'
import {
  earliestReviewDate,
  initialNotificationDue,
  lastDayOfThreeDaysBeginningWith,
} from '../notification/deadlines.ts'
import { notificationPeriodFor, periodLastDay, requirementsLastDay } from '../notification/period.ts'
import { victimContactFor } from '../victims/victim-contact.ts'

// Turning criteria into an outcome, and an outcome into its consequences, the
// same way for every policy.

export interface Criterion {
  rule: string
  provision: string
  result: Finding
}

const MISIDENTIFIED_PROVISION = 'Report pp.57-58; shared/spec/policies.md, checks every policy applies'

function dedupeMissing(items: MissingFact[]): MissingFact[] {
  const seen = new Set<string>()
  return items.filter((m) => {
    const key = `${m.rule}|${m.fact}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The outcome from the policy's combined criterion and the misidentified-victim
 * check: where the check fires the person is never `eligible`, only `needs-review`
 * (report pp.57-58); an outcome already ruled out stays `not-eligible`.
 */
export function outcomeFrom(overall: Truth, misidentified: boolean): Outcome {
  if (overall === false) return 'not-eligible'
  return overall === null || misidentified ? 'needs-review' : 'eligible'
}

/**
 * The outcome of a policy from its criteria and their combination. The
 * misidentified-victim check applies to every policy: where it fires the
 * person is never `eligible`, only `needs-review`.
 */
export function decide(
  policy: PolicyId,
  facts: CaseFacts,
  criteria: Criterion[],
  overall: Finding,
  warnings: Warning[],
  consequences: () => Consequences,
): PolicyEvaluation {
  const reasons: Reason[] = criteria.map((c) => reasonFrom(c.rule, c.provision, c.result))
  const misidentified = possibleMisidentifiedVictim(facts)
  const outcome = outcomeFrom(overall.holds, misidentified.holds === true)
  const missing = overall.holds === null ? dedupeMissing(overall.missing) : []

  if (misidentified.holds) {
    reasons.push(reasonFrom('possible-misidentified-victim', MISIDENTIFIED_PROVISION, misidentified))
    if (outcome === 'not-eligible') {
      warnings.push(warning('possible-misidentified-victim', () => misidentified.explanation, misidentified.facts))
    } else {
      missing.push({
        rule: 'possible-misidentified-victim',
        fact: 'primaryPerpetrator',
        needed: 'a review establishing who is the primary perpetrator before any registration',
      })
    }
  }
  return {
    policy,
    outcome,
    reasons,
    missing,
    warnings,
    consequences: outcome === 'eligible' ? consequences() : null,
  }
}

/** Chooses the record the notification period runs from. */
export function chooseIndexRecord(
  candidates: OffenceRecord[],
  rule: 'latest' | 'longest-period',
  facts: CaseFacts,
): OffenceRecord {
  let best = candidates[0] as OffenceRecord
  for (const rec of candidates) {
    if (rule === 'latest') {
      if (rec.date > best.date) best = rec
      continue
    }
    const a = lastDayOf(rec, facts)
    const b = lastDayOf(best, facts)
    if (b !== null && (a === null || a > b || (a === b && rec.date > best.date))) best = rec
  }
  return best
}

function lastDayOf(rec: OffenceRecord, facts: CaseFacts): Day | null {
  return requirementsLastDay(rec.date, rec.disposal, rec.ageOnRelevantDate < 18, facts.legal)
}

/**
 * The consequences of notification requirements under SOA 2003 Part 2 as the
 * proposals would extend it: the s.82 period from the index record, the s.83
 * initial notification deadline, the s.91B review of indefinite requirements,
 * and MAPPA Category 1 (s.327(2); report Appendix II).
 */
export function notificationConsequences(
  facts: CaseFacts,
  index: OffenceRecord,
  commencement: Day,
  warnings: Warning[],
  provisions: string[],
): Consequences {
  const legal = facts.legal
  const under18 = index.ageOnRelevantDate < 18
  const row = notificationPeriodFor(index.disposal, under18, legal)
  const custodyDays = index.detained && index.releasedOn !== undefined ? Math.max(0, index.releasedOn - index.date) : 0
  const lastDay = periodLastDay(index.date, row.period, custodyDays, legal)

  let due = initialNotificationDue(index.date, index.detained, index.releasedOn, legal)
  if (index.detained && index.releasedOn === undefined) {
    warnings.push(
      warning(
        'release-date-unknown',
        () =>
          `${index.id}: the person is detained and no release date is recorded; the initial notification is due within 3 days beginning with release (SOA 2003 s.83(1), s.83(6))`,
        [index.id],
      ),
    )
  }
  const windowStart = index.detained ? index.releasedOn : index.date
  if (due !== null && windowStart !== undefined && windowStart < commencement) {
    due = lastDayOfThreeDaysBeginningWith(commencement, legal)
    warnings.push(
      warning(
        'initial-notification-from-commencement',
        () =>
          `${index.id}: the ${index.detained ? 'release' : 'conviction'} (${formatDay(windowStart)}) predates the policy's commencement, so the initial notification is taken as due within 3 days beginning with commencement`,
        [index.id],
      ),
    )
  }

  let earliestReview: Day | null = null
  if ('indefinite' in row.period) {
    const base = due ?? index.releasedOn ?? index.date
    earliestReview = earliestReviewDate(base, under18, legal)
    warnings.push(
      warning(
        'review-date-assumes-first-notification',
        () =>
          `earliest review (SOA 2003 s.91B(2)) assumes the first notification after release is made on ${formatDay(base)}; recompute it from the date actually recorded`,
        [index.id],
      ),
    )
  }

  return {
    effect: 'notification-requirements',
    indexFact: index.id,
    notificationPeriod: row.period,
    periodStart: index.date,
    periodLastDay: lastDay,
    earliestReview,
    initialNotificationDue: due,
    mappaCategory: 1,
    mappaBasis:
      'Category 1 (CJA 2003 s.327(2)): subject to notification requirements under SOA 2003 Part 2 as the policy would extend it (report Appendix II)',
    mappaLevelProposed: proposedMappaLevel(facts),
    victimContact: facts.memo('victim-contact', () => victimContactFor(facts.record)),
    considerRightToKnow: true,
    provisions: [
      ...provisions,
      `${row.provision}: ${row.row}${row.halved ? ', halved as the person was under 18 on the relevant date' : ''}`,
      'SOA 2003 s.83(1) and s.83(6): initial notification within 3 days beginning with the relevant date or release',
    ],
  }
}
