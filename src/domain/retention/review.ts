import { addMonths, addYears, birthdayOfAge, type Day, maxDay, minDay } from '../dates/day.ts'
import type { RetentionSettings } from './settings.ts'

// When a record's next retention review falls due. DPA 2018 s.39(2): time
// limits for the periodic review of the need to keep personal data [C]; the
// College of Policing APP "Retention, review and disposal" says every review
// that decides to retain is recorded with its rationale [C]. Several things can
// bring a review forward; the earliest not yet met by a recorded review wins.

export type ReviewTrigger = 'age-limit' | 'archived' | 'restriction' | 'scheduled' | 'periodic'

/** What a record's review date depends on. Days are calendar days; `undefined` when not known or not applicable. */
export interface ReviewState {
  /** The day the record was made. */
  recordedOn: Day
  /** The date set by the last decision (or when the record was made). */
  scheduledOn?: Day | undefined
  /** The last recorded retention review. */
  lastReviewedOn?: Day | undefined
  dateOfBirth?: Day | undefined
  /** The review date stored when the latest registration was archived (ViSOR, legal-rules §2.3). */
  archiveReviewOn?: Day | undefined
  /** The day the record was restricted, while it is. */
  restrictedOn?: Day | undefined
}

export interface ReviewDue {
  on: Day
  trigger: ReviewTrigger
  /** Why, for the task and the reviewer. */
  rule: string
  source: string
}

/** Ties go to the most specific reason, so the reviewer sees why it is due. */
const precedence: readonly ReviewTrigger[] = ['age-limit', 'archived', 'restriction', 'scheduled', 'periodic']

export function reviewDue(state: ReviewState, settings: RetentionSettings): ReviewDue {
  const reviewed = state.lastReviewedOn
  // A trigger on or before the last review has been met by it.
  const pending = (on: Day | undefined) => on !== undefined && (reviewed === undefined || on > reviewed)
  const candidates: ReviewDue[] = []
  const anchor = reviewed === undefined ? state.recordedOn : maxDay(state.recordedOn, reviewed)
  candidates.push({
    on: addYears(anchor, settings.reviewEveryYears),
    trigger: 'periodic',
    rule: `periodic review: at most ${settings.reviewEveryYears} years after the record was made or last reviewed`,
    source: 'DPA 2018 s.39(2); APP Retention, review and disposal, Group 1 [U]',
  })
  if (pending(state.scheduledOn)) {
    candidates.push({
      on: state.scheduledOn as Day,
      trigger: 'scheduled',
      rule: 'the review date set when the record was made or last reviewed',
      source: 'DPA 2018 s.39(2)',
    })
  }
  if (state.dateOfBirth !== undefined) {
    const limit = birthdayOfAge(state.dateOfBirth, settings.retainUntilAge)
    if (pending(limit)) {
      candidates.push({
        on: limit,
        trigger: 'age-limit',
        rule: `the subject is deemed to be ${settings.retainUntilAge}: keep only if a review finds it still necessary`,
        source: 'APP Retention, review and disposal, Group 1 [U]',
      })
    }
  }
  if (pending(state.archiveReviewOn)) {
    candidates.push({
      on: state.archiveReviewOn as Day,
      trigger: 'archived',
      rule: 'first review after the registration was archived',
      source: 'ViSOR archiving practice (legal-rules §2.3) [U]',
    })
  }
  if (state.restrictedOn !== undefined) {
    const since = reviewed === undefined ? state.restrictedOn : maxDay(state.restrictedOn, reviewed)
    candidates.push({
      on: addMonths(since, settings.restrictionReviewMonths),
      trigger: 'restriction',
      rule: `a restriction lasts only while necessary: reviewed at least every ${settings.restrictionReviewMonths} months`,
      source: 'DPA 2018 s.45(4), s.48(3); ICO Part 3 guidance [U]',
    })
  }
  let best = candidates[0] as ReviewDue
  for (const candidate of candidates) {
    if (
      candidate.on < best.on ||
      (candidate.on === best.on && precedence.indexOf(candidate.trigger) < precedence.indexOf(best.trigger))
    ) {
      best = candidate
    }
  }
  return best
}

/**
 * The latest next review a "retain" decision may set: the periodic interval
 * from the decision, and no later than the age limit while that is still ahead.
 * It is also the default when the reviewer does not choose an earlier one.
 */
export function latestNextReview(decidedOn: Day, dateOfBirth: Day | undefined, settings: RetentionSettings): Day {
  const periodic = addYears(decidedOn, settings.reviewEveryYears)
  if (dateOfBirth === undefined) return periodic
  const limit = birthdayOfAge(dateOfBirth, settings.retainUntilAge)
  return limit > decidedOn ? minDay(periodic, limit) : periodic
}

/** Why a chosen next review date cannot be accepted, or undefined. */
export function nextReviewProblem(
  chosen: Day,
  decidedOn: Day,
  dateOfBirth: Day | undefined,
  settings: RetentionSettings,
): string | undefined {
  if (chosen <= decidedOn) return 'must be after the day of the decision'
  if (chosen > latestNextReview(decidedOn, dateOfBirth, settings)) {
    return `must be no later than ${settings.reviewEveryYears} years after the decision, nor after the subject is deemed ${settings.retainUntilAge} (DPA 2018 s.39(2))`
  }
  return undefined
}
