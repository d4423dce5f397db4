import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Temporal } from 'temporal-polyfill'
import {
  addDays,
  addMonths,
  addYears,
  ageOn,
  birthdayOfAge,
  type Day,
  day,
  dayFromYmd,
  daysInMonth,
  formatDay,
  formatDayLong,
  lastDayOfDaysBeginningWith,
  lastDayOfMonthsBeginningWith,
  parseDay,
  ymdOf,
} from './day.ts'

// Temporal.PlainDate is the oracle: every function here must agree with it over 1800-2300.

const epoch = Temporal.PlainDate.from('1970-01-01')
const epochDayOf = (date: Temporal.PlainDate): number => epoch.until(date, { largestUnit: 'days' }).days
const plainOf = (d: Day): Temporal.PlainDate => epoch.add({ days: d })
const dayOfPlain = (date: Temporal.PlainDate): Day => dayFromYmd(date.year, date.month, date.day)

const minDay = epochDayOf(Temporal.PlainDate.from('1800-01-01'))
const maxDay = epochDayOf(Temporal.PlainDate.from('2300-12-31'))

/** Any date from 1 January 1800 to 31 December 2300. */
const anyDay = fc.integer({ min: minDay, max: maxDay }).map((n) => n as Day)
/** Dates near month ends and leap days, where the arithmetic goes wrong if it is going to. */
const monthEndDay = fc
  .record({
    year: fc.integer({ min: 1800, max: 2300 }),
    month: fc.integer({ min: 1, max: 12 }),
    back: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ year, month, back }) => dayFromYmd(year, month, daysInMonth(year, month) - back))
const interestingDay = fc.oneof(anyDay, monthEndDay)

const runs = { numRuns: 2000 }

describe('dayFromYmd and ymdOf', () => {
  it('fixes the epoch and a few known dates', () => {
    assert.equal(dayFromYmd(1970, 1, 1), 0)
    assert.equal(dayFromYmd(1969, 12, 31), -1)
    assert.equal(dayFromYmd(2000, 3, 1), 11017)
    assert.deepEqual(ymdOf(dayFromYmd(2024, 2, 29)), { year: 2024, month: 2, day: 29 })
  })

  it("agrees with Temporal's epoch days", () => {
    fc.assert(
      fc.property(anyDay, (d) => {
        const date = plainOf(d)
        assert.equal(dayFromYmd(date.year, date.month, date.day), d)
        assert.deepEqual(ymdOf(d), { year: date.year, month: date.month, day: date.day })
      }),
      runs,
    )
  })

  it('round-trips every valid year-month-day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1800, max: 2300 }), fc.integer({ min: 1, max: 12 }), fc.nat(), (y, m, seed) => {
        const d = (seed % daysInMonth(y, m)) + 1
        assert.deepEqual(ymdOf(dayFromYmd(y, m, d)), { year: y, month: m, day: d })
        assert.equal(dayFromYmd(y, m, d), epochDayOf(Temporal.PlainDate.from({ year: y, month: m, day: d })))
      }),
      runs,
    )
  })

  it('numbers consecutive dates consecutively', () => {
    fc.assert(
      fc.property(anyDay, (d) => {
        assert.equal(formatDay(addDays(d, 1)), plainOf(d).add({ days: 1 }).toString())
      }),
      runs,
    )
  })

  it('daysInMonth agrees with Temporal', () => {
    for (let year = 1800; year <= 2300; year++) {
      for (let month = 1; month <= 12; month++) {
        assert.equal(daysInMonth(year, month), Temporal.PlainYearMonth.from({ year, month }).daysInMonth)
      }
    }
  })
})

describe('addDays, addMonths and addYears', () => {
  it('addDays equals PlainDate.add({ days })', () => {
    fc.assert(
      fc.property(anyDay, fc.integer({ min: -40000, max: 40000 }), (d, n) => {
        assert.equal(formatDay(addDays(d, n)), plainOf(d).add({ days: n }).toString())
      }),
      runs,
    )
  })

  it("addMonths equals PlainDate.add({ months }, { overflow: 'constrain' })", () => {
    fc.assert(
      fc.property(interestingDay, fc.integer({ min: -1200, max: 1200 }), (d, n) => {
        const expected = plainOf(d).add({ months: n }, { overflow: 'constrain' })
        assert.equal(formatDay(addMonths(d, n)), expected.toString())
      }),
      runs,
    )
  })

  it("addYears equals PlainDate.add({ years }, { overflow: 'constrain' })", () => {
    fc.assert(
      fc.property(interestingDay, fc.integer({ min: -100, max: 100 }), (d, n) => {
        const expected = plainOf(d).add({ years: n }, { overflow: 'constrain' })
        assert.equal(formatDay(addYears(d, n)), expected.toString())
      }),
      runs,
    )
  })

  it('constrains to the month end', () => {
    assert.equal(formatDay(addMonths(day('2024-01-31'), 1)), '2024-02-29')
    assert.equal(formatDay(addMonths(day('2023-01-31'), 1)), '2023-02-28')
    assert.equal(formatDay(addYears(day('2024-02-29'), 1)), '2025-02-28')
    assert.equal(formatDay(addMonths(day('2024-03-31'), -1)), '2024-02-29')
  })
})

describe('parseDay', () => {
  it('accepts exactly the valid dates (Temporal with overflow reject as oracle)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1800, max: 2300 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, dayOfMonth) => {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`
          let expected: number | undefined
          try {
            expected = epochDayOf(Temporal.PlainDate.from({ year, month, day: dayOfMonth }, { overflow: 'reject' }))
          } catch {
            expected = undefined
          }
          assert.equal(parseDay(text), expected, text)
        },
      ),
      runs,
    )
  })

  it('parses what formatDay prints', () => {
    fc.assert(
      fc.property(anyDay, (d) => {
        assert.equal(parseDay(formatDay(d)), d)
        assert.equal(formatDay(d), plainOf(d).toString())
      }),
      runs,
    )
  })

  it('rejects impossible dates and anything but strict YYYY-MM-DD', () => {
    for (const text of [
      '2025-02-30',
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-00',
      '2024-01-32',
      '2024-1-01',
      '2024-01-1',
      '24-01-01',
      ' 2024-01-01',
      '2024-01-01 ',
      '2024-01-01\n',
      '2024/01/01',
      '20240101',
      '2024-01-01T00:00',
      '+002024-01-01',
      '２０２４-01-01',
      '',
    ]) {
      assert.equal(parseDay(text), undefined, JSON.stringify(text))
      assert.throws(() => day(text), RangeError)
    }
  })

  it('accepts leap days in leap years only', () => {
    assert.equal(formatDay(day('2024-02-29')), '2024-02-29')
    assert.equal(formatDay(day('2000-02-29')), '2000-02-29')
    assert.equal(parseDay('2100-02-29'), undefined)
  })

  it('rejects any string with a character added around a valid date', () => {
    fc.assert(
      fc.property(anyDay, fc.string({ minLength: 1, maxLength: 3 }), fc.boolean(), (d, extra, before) => {
        const text = before ? extra + formatDay(d) : formatDay(d) + extra
        assert.equal(parseDay(text), undefined, JSON.stringify(text))
      }),
      runs,
    )
  })
})

describe('formatDayLong', () => {
  it('writes GOV.UK style dates', () => {
    assert.equal(formatDayLong(day('2024-03-01')), '1 March 2024')
    assert.equal(formatDayLong(day('2025-12-31')), '31 December 2025')
  })
})

describe('ageOn', () => {
  /** Temporal oracle: whole years, with a 29 February birthday falling on 1 March in common years. */
  function temporalAge(birth: Temporal.PlainDate, on: Temporal.PlainDate): number {
    const years = on.year - birth.year
    const birthday =
      birth.month === 2 && birth.day === 29 && !Temporal.PlainDate.from({ year: on.year, month: 1, day: 1 }).inLeapYear
        ? Temporal.PlainDate.from({ year: on.year, month: 3, day: 1 })
        : Temporal.PlainDate.from({ year: on.year, month: birth.month, day: birth.day })
    return Temporal.PlainDate.compare(on, birthday) < 0 ? years - 1 : years
  }

  const leapBirth = fc
    .integer({ min: 450, max: 574 })
    .map((n) => dayFromYmd(n * 4, 2, 29))
    .filter((d) => ymdOf(d).month === 2)

  it('agrees with a Temporal computation', () => {
    fc.assert(
      fc.property(fc.oneof(anyDay, leapBirth), interestingDay, (birth, on) => {
        assert.equal(ageOn(birth, on), temporalAge(plainOf(birth), plainOf(on)))
      }),
      runs,
    )
  })

  it('agrees with Temporal.until in whole years except for 29 February birthdays', () => {
    fc.assert(
      fc.property(anyDay, anyDay, (a, b) => {
        const [birth, on] = a <= b ? [a, b] : [b, a]
        fc.pre(!(ymdOf(birth).month === 2 && ymdOf(birth).day === 29))
        assert.equal(ageOn(birth, on), plainOf(birth).until(plainOf(on), { largestUnit: 'years' }).years)
      }),
      runs,
    )
  })

  it('makes someone born on 29 February a year older on 1 March in common years', () => {
    const birth = day('2008-02-29')
    assert.equal(ageOn(birth, day('2026-02-28')), 17)
    assert.equal(ageOn(birth, day('2026-03-01')), 18)
    assert.equal(ageOn(birth, day('2028-02-28')), 19)
    assert.equal(ageOn(birth, day('2028-02-29')), 20)
  })

  it('turns over on the birthday itself', () => {
    assert.equal(ageOn(day('2008-06-15'), day('2026-06-14')), 17)
    assert.equal(ageOn(day('2008-06-15'), day('2026-06-15')), 18)
  })

  it('birthdayOfAge is the first day ageOn reaches that age', () => {
    fc.assert(
      fc.property(fc.oneof(anyDay, leapBirth), fc.integer({ min: 1, max: 100 }), (birth, age) => {
        const birthday = birthdayOfAge(birth, age)
        assert.equal(ageOn(birth, birthday), age)
        assert.equal(ageOn(birth, addDays(birthday, -1)), age - 1)
      }),
      runs,
    )
  })
})

describe('lastDayOfMonthsBeginningWith', () => {
  const examples: [start: string, months: number, last: string][] = [
    ['2024-03-01', 120, '2034-02-28'],
    ['2023-03-01', 1, '2023-03-31'],
    ['2023-03-31', 1, '2023-04-30'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2023-12-15', 1, '2024-01-14'],
    ['2024-02-29', 48, '2028-02-28'],
    ['2025-01-01', 12, '2025-12-31'],
  ]
  for (const [start, months, last] of examples) {
    it(`${months} months beginning with ${start} end on ${last}`, () => {
      assert.equal(formatDay(lastDayOfMonthsBeginningWith(day(start), months)), last)
    })
  }

  const someMonths = fc.integer({ min: 1, max: 1200 })

  it('never ends before it begins', () => {
    fc.assert(
      fc.property(interestingDay, someMonths, (start, months) => {
        assert.ok(lastDayOfMonthsBeginningWith(start, months) >= start)
      }),
      runs,
    )
  })

  it('is non-decreasing in the start date (though not strictly increasing)', () => {
    fc.assert(
      fc.property(interestingDay, fc.integer({ min: 0, max: 40 }), someMonths, (start, gap, months) => {
        const later = addDays(start, gap)
        assert.ok(lastDayOfMonthsBeginningWith(later, months) >= lastDayOfMonthsBeginningWith(start, months))
      }),
      runs,
    )
    // Not strictly: one month beginning with 31 March or with 1 April both end on 30 April.
    assert.equal(lastDayOfMonthsBeginningWith(day('2023-03-31'), 1), lastDayOfMonthsBeginningWith(day('2023-04-01'), 1))
  })

  it('ends the day before the corresponding date, or on the last day of a month that has none', () => {
    fc.assert(
      fc.property(interestingDay, someMonths, (start, months) => {
        const last = lastDayOfMonthsBeginningWith(start, months)
        const { day: dayOfMonth } = ymdOf(start)
        const target = plainOf(start).with({ day: 1 }).add({ months })
        if (dayOfMonth <= target.daysInMonth) {
          assert.equal(formatDay(addDays(last, 1)), target.with({ day: dayOfMonth }).toString())
        } else {
          assert.equal(formatDay(last), target.with({ day: target.daysInMonth }).toString())
        }
      }),
      runs,
    )
  })

  it('spans the right number of months: the day after the end is the constrained date N months on, or later', () => {
    fc.assert(
      fc.property(interestingDay, someMonths, (start, months) => {
        const next = addDays(lastDayOfMonthsBeginningWith(start, months), 1)
        const constrained = plainOf(start).add({ months }, { overflow: 'constrain' })
        // Equal unless the start day does not exist in the target month; then the period runs to that month's end.
        assert.ok(next >= dayOfPlain(constrained))
        assert.ok(next <= dayOfPlain(constrained) + 1)
      }),
      runs,
    )
  })
})

describe('lastDayOfDaysBeginningWith', () => {
  it('counts the start as day one', () => {
    assert.equal(formatDay(lastDayOfDaysBeginningWith(day('2024-02-28'), 3)), '2024-03-01')
    fc.assert(
      fc.property(anyDay, fc.integer({ min: 1, max: 1000 }), (start, n) => {
        const last = lastDayOfDaysBeginningWith(start, n)
        assert.equal(plainOf(start).until(plainOf(last)).days + 1, n)
      }),
      runs,
    )
  })
})
