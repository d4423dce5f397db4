import { addDays, type Day, lastDayOfMonthsBeginningWith, minDay } from '../dates/day.ts'

// When a custodial sentence ends: both the licence (MAPPA, the Lords "released
// on licence" test) and the Rehabilitation of Offenders Act count from it.

/** Average days in a month, for the fraction of a month in a sentence such as 4.5 months. */
const daysPerMonth = 30.4375

/**
 * The last day of a custodial sentence of `months` beginning with the
 * conviction date (ROA counts the sentence imposed, not time served, and the
 * licence ends with the sentence). A fraction of a month adds
 * round(fraction × 30.4375) days to the whole months, capped at the end of the
 * next whole month so that a longer term never ends earlier.
 */
export function endOfSentence(convictionDate: Day, months: number): Day {
  const whole = Math.floor(months)
  const extraDays = Math.round((months - whole) * daysPerMonth)
  const endOfWholeMonths = lastDayOfMonthsBeginningWith(convictionDate, whole)
  if (extraDays === 0) return endOfWholeMonths
  return minDay(addDays(endOfWholeMonths, extraDays), lastDayOfMonthsBeginningWith(convictionDate, whole + 1))
}
