// Calendar dates as whole day numbers (days since 1970-01-01).
//
// Legal deadlines are calendar dates, never instants, so the core never touches
// Date or time zones. Parsing happens once at the edge; evaluation runs on plain
// integers, which keeps a million evaluations a second within reach (the Temporal
// polyfill costs ~8 µs per addition). Tests check every function here against
// Temporal.PlainDate as the oracle.

declare const dayBrand: unique symbol
/** A calendar date: days since 1970-01-01 in the proleptic Gregorian calendar. */
export type Day = number & { readonly [dayBrand]: true }

export interface YearMonthDay {
  year: number
  month: number
  day: number
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (monthLengths[month - 1] ?? 0)
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for every Gregorian date.
export function dayFromYmd(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return (era * 146097 + doe - 719468) as Day
}

export function ymdOf(d: Day): YearMonthDay {
  const z = d + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day }
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** Parses a strict ISO calendar date (YYYY-MM-DD); undefined for anything else, including 2025-02-30. */
export function parseDay(text: string): Day | undefined {
  const match = isoPattern.exec(text)
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  return dayFromYmd(year, month, day)
}

/** Parses a date already known to be valid (fixtures, data files); throws on a programming error. */
export function day(text: string): Day {
  const parsed = parseDay(text)
  if (parsed === undefined) throw new RangeError(`not a calendar date: ${text}`)
  return parsed
}

export function formatDay(d: Day): string {
  const { year, month, day } = ymdOf(d)
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** GOV.UK style: "1 March 2024". */
export function formatDayLong(d: Day): string {
  const { year, month, day } = ymdOf(d)
  return `${day} ${monthNames[month - 1]} ${year}`
}

export function addDays(d: Day, days: number): Day {
  return (d + days) as Day
}

/**
 * Adds calendar months; a day that does not exist in the target month becomes
 * that month's last day (31 January + 1 month = 28 or 29 February), as
 * Temporal's "constrain" overflow does.
 */
export function addMonths(d: Day, months: number): Day {
  const { year, month, day } = ymdOf(d)
  const index = year * 12 + (month - 1) + months
  const targetYear = Math.floor(index / 12)
  const targetMonth = index - targetYear * 12 + 1
  return dayFromYmd(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)))
}

export function addYears(d: Day, years: number): Day {
  return addMonths(d, years * 12)
}

/**
 * The last day of a period of whole calendar months "beginning with" a date,
 * the wording of SOA 2003 s.82 and s.83. The start date is day one, so the
 * period ends the day before the corresponding date; where the later month has
 * no corresponding date (a period beginning with 31 March or 29 February) it
 * ends on that month's last day. See docs/decisions/0002-calendar-periods.md.
 */
export function lastDayOfMonthsBeginningWith(start: Day, months: number): Day {
  const { year, month, day } = ymdOf(start)
  const index = year * 12 + (month - 1) + months
  const targetYear = Math.floor(index / 12)
  const targetMonth = index - targetYear * 12 + 1
  const length = daysInMonth(targetYear, targetMonth)
  if (day > length) return dayFromYmd(targetYear, targetMonth, length)
  return (dayFromYmd(targetYear, targetMonth, day) - 1) as Day
}

/** The last day of a period of N days beginning with a date: the date itself is day one. */
export function lastDayOfDaysBeginningWith(start: Day, days: number): Day {
  return (start + days - 1) as Day
}

/** Whole years of age on a date; someone born on 29 February turns a year older on 1 March in common years. */
export function ageOn(dateOfBirth: Day, on: Day): number {
  const birth = ymdOf(dateOfBirth)
  const then = ymdOf(on)
  let age = then.year - birth.year
  if (then.month < birth.month || (then.month === birth.month && then.day < birth.day)) age -= 1
  return age
}

/** The date a person reaches an age (29 February birthdays fall on 1 March in common years). */
export function birthdayOfAge(dateOfBirth: Day, age: number): Day {
  const birth = ymdOf(dateOfBirth)
  const year = birth.year + age
  if (birth.month === 2 && birth.day === 29 && !isLeapYear(year)) return dayFromYmd(year, 3, 1)
  return dayFromYmd(year, birth.month, birth.day)
}

export function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b
}

export function minDay(a: Day, b: Day): Day {
  return a < b ? a : b
}
