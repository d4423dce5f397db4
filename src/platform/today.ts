import { Temporal } from 'temporal-polyfill'
import { type Day, dayFromYmd } from '../domain/dates/day.ts'

// The only place the product reads the clock. "Today" for a legal deadline is
// the calendar date in England and Wales, whatever the server's zone.
export function todayInLondon(): Day {
  const today = Temporal.Now.plainDateISO('Europe/London')
  return dayFromYmd(today.year, today.month, today.day)
}
