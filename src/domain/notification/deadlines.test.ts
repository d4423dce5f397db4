import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Temporal } from 'temporal-polyfill'
import { addDays, type Day, day, dayFromYmd, formatDay } from '../dates/day.ts'
import { defaultLegalSettings, type LegalSettings } from '../settings/legal-settings.ts'
import { earliestReviewDate, initialNotificationDue, lastDayOfThreeDaysBeginningWith } from './deadlines.ts'

// Synthetic dates only.

const dayOne: LegalSettings = { ...defaultLegalSettings, threeDayReading: 'day-one' }
const afterDay: LegalSettings = { ...defaultLegalSettings, threeDayReading: 'after-day' }

const shown = (d: Day | null): string | null => (d === null ? null : formatDay(d))

const due = (event: string, legal: LegalSettings = defaultLegalSettings): string =>
  formatDay(lastDayOfThreeDaysBeginningWith(day(event), legal))

describe('lastDayOfThreeDaysBeginningWith', () => {
  it("defaults to the 'day-one' reading (legal-rules §0)", () => {
    assert.equal(defaultLegalSettings.threeDayReading, 'day-one')
    // Conviction on a Monday: notify by the end of Wednesday.
    assert.equal(due('2026-03-02'), '2026-03-04')
  })

  const dayOneCases: [event: string, last: string, why: string][] = [
    ['2024-01-30', '2024-02-01', 'across a month end'],
    ['2024-02-28', '2024-03-01', 'across a leap day'],
    ['2023-02-27', '2023-03-01', 'across the end of February in a common year'],
    ['2024-02-29', '2024-03-02', 'beginning with a leap day'],
    ['2100-02-27', '2100-03-01', '2100 is not a leap year'],
    ['2025-12-30', '2026-01-01', 'across a year end'],
    ['2026-03-28', '2026-03-30', 'across the spring clock change (29 March 2026)'],
    ['2026-03-29', '2026-03-31', 'beginning on the spring clock change'],
    ['2026-10-24', '2026-10-26', 'across the autumn clock change (25 October 2026)'],
    ['2026-10-25', '2026-10-27', 'beginning on the autumn clock change'],
  ]
  for (const [event, last, why] of dayOneCases) {
    it(`'day-one': ${event} → ${last} (${why})`, () => {
      assert.equal(due(event, dayOne), last)
    })
  }

  const afterDayCases: [event: string, last: string][] = [
    ['2024-01-30', '2024-02-02'],
    ['2024-02-28', '2024-03-02'],
    ['2023-02-27', '2023-03-02'],
    ['2024-02-29', '2024-03-03'],
    ['2025-12-30', '2026-01-02'],
    ['2026-03-28', '2026-03-31'],
    ['2026-10-24', '2026-10-27'],
  ]
  for (const [event, last] of afterDayCases) {
    it(`'after-day': ${event} → ${last}`, () => {
      assert.equal(due(event, afterDay), last)
    })
  }

  it('ends two calendar days on (three on the after-day reading) for any date, like PlainDate.add', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayFromYmd(1800, 1, 1), max: dayFromYmd(2300, 12, 31) }), (n) => {
        const event = n as Day
        const plain = Temporal.PlainDate.from(formatDay(event))
        assert.equal(formatDay(lastDayOfThreeDaysBeginningWith(event, dayOne)), plain.add({ days: 2 }).toString())
        assert.equal(formatDay(lastDayOfThreeDaysBeginningWith(event, afterDay)), plain.add({ days: 3 }).toString())
      }),
      { numRuns: 1000 },
    )
  })

  it('is three calendar days in London even when a clock change makes them 71 or 73 hours long', () => {
    for (const [event, hours] of [
      ['2026-03-28', 71],
      ['2026-03-29', 71],
      ['2026-10-24', 73],
      ['2026-10-25', 73],
      ['2026-06-10', 72],
    ] as const) {
      const last = lastDayOfThreeDaysBeginningWith(day(event), dayOne)
      const start = Temporal.PlainDate.from(event).toZonedDateTime('Europe/London')
      const end = Temporal.PlainDate.from(formatDay(addDays(last, 1))).toZonedDateTime('Europe/London')
      assert.equal(start.until(end, { largestUnit: 'hours' }).hours, hours, event)
      // Counting 72 hours instead would put the last moment in the wrong London day across the spring change.
      const naiveLastMoment = start.toInstant().add({ hours: 72 }).subtract({ nanoseconds: 1 })
      const naiveDate = naiveLastMoment.toZonedDateTimeISO('Europe/London').toPlainDate().toString()
      assert.equal(naiveDate === formatDay(last), hours !== 71, event)
    }
  })
})

describe('initialNotificationDue', () => {
  const relevant = day('2025-06-02')

  it('runs from the relevant date when the person is not detained', () => {
    assert.equal(shown(initialNotificationDue(relevant, false, undefined, dayOne)), '2025-06-04')
    assert.equal(shown(initialNotificationDue(relevant, false, undefined, afterDay)), '2025-06-05')
  })

  it('ignores a release date when the person was not detained on the relevant date', () => {
    assert.equal(shown(initialNotificationDue(relevant, false, day('2025-09-30'), dayOne)), '2025-06-04')
  })

  it('runs from release when the person is detained on the relevant date (s.83(6))', () => {
    assert.equal(shown(initialNotificationDue(relevant, true, day('2026-02-27'), dayOne)), '2026-03-01')
    assert.equal(shown(initialNotificationDue(relevant, true, day('2026-02-27'), afterDay)), '2026-03-02')
  })

  it('is null when the person is detained and no release date is recorded', () => {
    assert.equal(initialNotificationDue(relevant, true, undefined, dayOne), null)
    assert.equal(initialNotificationDue(relevant, true, undefined, afterDay), null)
  })
})

describe('earliestReviewDate (s.91B(2))', () => {
  const review = (first: string, under18: boolean): string =>
    formatDay(earliestReviewDate(day(first), under18, defaultLegalSettings))

  it('is the day after 15 years beginning with the first notification for an adult', () => {
    assert.equal(review('2012-09-01', false), '2027-09-01')
    assert.equal(review('2025-12-31', false), '2040-12-31')
  })

  it('is the day after 8 years for someone under 18 on the relevant date', () => {
    assert.equal(review('2012-09-01', true), '2020-09-01')
    assert.equal(review('2025-12-31', true), '2033-12-31')
  })

  it('handles a first notification on 29 February', () => {
    // 15 years on is 2039, a common year: the period ends on 28 February, the review date is 1 March.
    assert.equal(review('2024-02-29', false), '2039-03-01')
    // 8 years on is 2032, a leap year: the period ends on 28 February, the review date is 29 February.
    assert.equal(review('2024-02-29', true), '2032-02-29')
  })

  it('follows the review-year settings', () => {
    const legal: LegalSettings = { ...defaultLegalSettings, indefiniteReviewYears: { adult: 10, youth: 5 } }
    assert.equal(formatDay(earliestReviewDate(day('2020-05-15'), false, legal)), '2030-05-15')
    assert.equal(formatDay(earliestReviewDate(day('2020-05-15'), true, legal)), '2025-05-15')
  })
})
