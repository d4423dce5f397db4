import { Temporal } from 'temporal-polyfill'
import { type Day, dayFromYmd } from '../domain/dates/day.ts'

// The only place the product reads the clock. "Today" for a legal deadline is
// the calendar date in England and Wales, whatever the server's zone.

/** The calendar date in England and Wales (Europe/London, GMT or BST) at an instant. */
export function londonDateOf(instant: Temporal.Instant): Day {
  const date = instant.toZonedDateTimeISO('Europe/London').toPlainDate()
  return dayFromYmd(date.year, date.month, date.day)
}

export function todayInLondon(): Day {
  return londonDateOf(Temporal.Now.instant())
}
