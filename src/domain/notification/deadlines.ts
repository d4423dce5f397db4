import { addDays, type Day, lastDayOfDaysBeginningWith, lastDayOfMonthsBeginningWith } from '../dates/day.ts'
import type { LegalSettings } from '../settings/legal-settings.ts'

// Deadlines "within the period of 3 days beginning with" an event (SOA 2003
// s.83(1) initial notification, s.84(1) changes). Time in custody, detained in
// hospital or abroad is disregarded (s.83(6), s.84(5)), so a period that would
// start while the person is detained starts on release instead.

export function lastDayOfThreeDaysBeginningWith(event: Day, legal: LegalSettings): Day {
  return legal.threeDayReading === 'day-one' ? lastDayOfDaysBeginningWith(event, 3) : addDays(event, 3)
}

/**
 * The initial notification deadline (s.83(1)): three days beginning with the
 * relevant date, or with release when the person is detained on that date.
 * Null when the person is detained and no release date is recorded.
 */
export function initialNotificationDue(
  relevantDate: Day,
  detained: boolean,
  releasedOn: Day | undefined,
  legal: LegalSettings,
): Day | null {
  if (!detained) return lastDayOfThreeDaysBeginningWith(relevantDate, legal)
  if (releasedOn === undefined) return null
  return lastDayOfThreeDaysBeginningWith(releasedOn, legal)
}

/**
 * The earliest date a person subject to indefinite requirements may apply for
 * review (s.91B(2)): the day after the end of the 15-year period (8 years if
 * under 18 on the relevant date) beginning with the first notification after
 * release.
 */
export function earliestReviewDate(firstNotification: Day, under18OnRelevantDate: boolean, legal: LegalSettings): Day {
  const years = under18OnRelevantDate ? legal.indefiniteReviewYears.youth : legal.indefiniteReviewYears.adult
  return addDays(lastDayOfMonthsBeginningWith(firstNotification, years * 12), 1)
}
