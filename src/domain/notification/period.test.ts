import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { type Day, day, dayFromYmd, formatDay } from '../dates/day.ts'
import type { NotificationPeriod } from '../explain/evaluation.ts'
import type { Disposal } from '../record/person-record.ts'
import { defaultLegalSettings, type LegalSettings } from '../settings/legal-settings.ts'
import { notificationPeriodFor, periodLastDay, periodMonths } from './period.ts'

// SOA 2003 s.82(1) table, halved by s.82(2) for a person under 18 on the relevant date
// (legal-rules.md §1.2). Synthetic cases only.

const indefinite: NotificationPeriod = { indefinite: true }
const years = (n: number): NotificationPeriod => ({ years: n, months: n * 12 })
const untilEnd = (months: number): NotificationPeriod => ({ untilEndOfOrder: true, months })

const notImprisonment: LegalSettings = { ...defaultLegalSettings, suspendedSentenceIsImprisonmentForS82: false }

interface Row {
  name: string
  disposal: Disposal | 'caution'
  adult: NotificationPeriod
  under18: NotificationPeriod
  legal?: LegalSettings
}

const custody = (months: number, extra: Partial<Extract<Disposal, { type: 'custody' }>> = {}): Disposal => ({
  type: 'custody',
  months,
  ...extra,
})

const table: Row[] = [
  // Life, IPP, or imprisonment of 30 months or more: indefinite, never halved.
  { name: 'imprisonment for life', disposal: custody(0, { life: true }), adult: indefinite, under18: indefinite },
  { name: 'imprisonment of exactly 30 months', disposal: custody(30), adult: indefinite, under18: indefinite },
  { name: 'imprisonment of 31 months', disposal: custody(31), adult: indefinite, under18: indefinite },
  // More than 6 but less than 30 months: 10 years (5 under 18).
  { name: 'imprisonment of 29.9 months', disposal: custody(29.9), adult: years(10), under18: years(5) },
  { name: 'imprisonment of 29 months', disposal: custody(29), adult: years(10), under18: years(5) },
  { name: 'imprisonment of 7 months', disposal: custody(7), adult: years(10), under18: years(5) },
  { name: 'imprisonment of 6.1 months', disposal: custody(6.1), adult: years(10), under18: years(5) },
  // 6 months or less: 7 years (3½ under 18).
  { name: 'imprisonment of exactly 6 months', disposal: custody(6), adult: years(7), under18: years(3.5) },
  { name: 'imprisonment of 1 month', disposal: custody(1), adult: years(7), under18: years(3.5) },
  // A suspended sentence is a sentence of imprisonment of its term by default (CJA 2003 s.189(6)).
  {
    name: 'suspended imprisonment of 12 months (default: imprisonment)',
    disposal: custody(12, { suspended: true }),
    adult: years(10),
    under18: years(5),
  },
  {
    name: 'suspended imprisonment of 4 months (default: imprisonment)',
    disposal: custody(4, { suspended: true }),
    adult: years(7),
    under18: years(3.5),
  },
  {
    name: 'suspended imprisonment of 12 months, setting off: any other description',
    disposal: custody(12, { suspended: true }),
    adult: years(5),
    under18: years(2.5),
    legal: notImprisonment,
  },
  {
    name: 'immediate imprisonment of 12 months, suspended setting off (unaffected)',
    disposal: custody(12),
    adult: years(10),
    under18: years(5),
    legal: notImprisonment,
  },
  // Detention and training order: only the detention half is imprisonment (s.131).
  {
    name: 'DTO of 24 months (12 months detention)',
    disposal: custody(24, { detentionAndTraining: true }),
    adult: years(10),
    under18: years(5),
  },
  {
    name: 'DTO of 12 months (6 months detention)',
    disposal: custody(12, { detentionAndTraining: true }),
    adult: years(7),
    under18: years(3.5),
  },
  // Hospital orders.
  {
    name: 'hospital order with a restriction order',
    disposal: { type: 'hospital-order', restriction: true },
    adult: indefinite,
    under18: indefinite,
  },
  {
    name: 'hospital order without a restriction order',
    disposal: { type: 'hospital-order', restriction: false },
    adult: years(7),
    under18: years(3.5),
  },
  // Caution: 2 years (1 under 18).
  { name: 'caution', disposal: 'caution', adult: years(2), under18: years(1) },
  // Conditional discharge: the period of the discharge, not halved.
  {
    name: 'conditional discharge of 12 months',
    disposal: { type: 'conditional-discharge', months: 12 },
    adult: untilEnd(12),
    under18: untilEnd(12),
  },
  {
    name: 'conditional discharge of 18 months',
    disposal: { type: 'conditional-discharge', months: 18 },
    adult: untilEnd(18),
    under18: untilEnd(18),
  },
  // Any other description: 5 years (2½ under 18).
  { name: 'fine', disposal: { type: 'fine' }, adult: years(5), under18: years(2.5) },
  { name: 'community order', disposal: { type: 'community', months: 12 }, adult: years(5), under18: years(2.5) },
  {
    name: 'community order of unrecorded length',
    disposal: { type: 'community' },
    adult: years(5),
    under18: years(2.5),
  },
  { name: 'absolute discharge', disposal: { type: 'absolute-discharge' }, adult: years(5), under18: years(2.5) },
]

const isHalvable = (p: NotificationPeriod): boolean => 'years' in p

describe('notificationPeriodFor: the s.82(1) table', () => {
  for (const row of table) {
    for (const under18 of [false, true]) {
      const expected = under18 ? row.under18 : row.adult
      it(`${row.name}, ${under18 ? 'under 18' : 'adult'}`, () => {
        const result = notificationPeriodFor(row.disposal, under18, row.legal ?? defaultLegalSettings)
        assert.deepEqual(result.period, expected)
        const halved = under18 && isHalvable(expected)
        assert.equal(result.halved, halved)
        assert.equal(result.provision, halved ? 'SOA 2003 s.82(1) and s.82(2)' : 'SOA 2003 s.82(1)')
        assert.ok(result.row.length > 0)
      })
    }
  }

  it('names the DTO detention half in the row applied', () => {
    const row = notificationPeriodFor(custody(24, { detentionAndTraining: true }), true, defaultLegalSettings)
    assert.match(row.row, /detention of 12 months/)
  })
})

describe('periodLastDay', () => {
  const last = (start: string, period: NotificationPeriod, custodyDays = 0, legal = defaultLegalSettings) => {
    const result = periodLastDay(day(start), period, custodyDays, legal)
    return result === null ? null : formatDay(result)
  }

  it('10 years beginning with 1 March 2024 end on 28 February 2034', () => {
    const { period } = notificationPeriodFor(custody(12), false, defaultLegalSettings)
    assert.equal(last('2024-03-01', period), '2034-02-28')
  })

  it('3½ years beginning with 31 August 2024 end on 29 February 2028', () => {
    const { period } = notificationPeriodFor(custody(6), true, defaultLegalSettings)
    assert.equal(last('2024-08-31', period), '2028-02-29')
  })

  it('a conditional discharge of 18 months beginning with 31 January 2025 ends on 30 July 2026', () => {
    const { period } = notificationPeriodFor({ type: 'conditional-discharge', months: 18 }, true, defaultLegalSettings)
    assert.equal(last('2025-01-31', period), '2026-07-30')
  })

  it('one year (a youth caution) beginning with 29 February 2024 ends on 28 February 2025', () => {
    assert.equal(last('2024-02-29', notificationPeriodFor('caution', true, defaultLegalSettings).period), '2025-02-28')
  })

  it('2½ years beginning with 1 January 2025 end on 30 June 2027', () => {
    assert.equal(last('2025-01-01', years(2.5)), '2027-06-30')
  })

  it('is null for an indefinite period', () => {
    assert.equal(last('2024-03-01', indefinite), null)
    assert.equal(
      last('2024-03-01', indefinite, 500, { ...defaultLegalSettings, notificationPeriodRunsInCustody: false }),
      null,
    )
  })

  it('ignores custody by default: the period keeps running (legal-rules §0)', () => {
    assert.equal(last('2024-03-01', years(10), 200), '2034-02-28')
  })

  it('adds the custody days when the setting says custody suspends the period', () => {
    const suspends: LegalSettings = { ...defaultLegalSettings, notificationPeriodRunsInCustody: false }
    assert.equal(last('2024-03-01', years(10), 200, suspends), '2034-09-16')
    assert.equal(last('2024-03-01', years(10), 0, suspends), '2034-02-28')
    fc.assert(
      fc.property(fc.integer({ min: dayFromYmd(1990, 1, 1), max: dayFromYmd(2060, 12, 31) }), fc.nat(5000), (n, c) => {
        const start = n as Day
        const running = periodLastDay(start, years(7), c, defaultLegalSettings)
        const suspended = periodLastDay(start, years(7), c, suspends)
        assert.ok(running !== null && suspended !== null)
        assert.equal(suspended - running, c)
      }),
    )
  })
})

// Properties over the table.

/** Orders periods: fixed lengths by months, every fixed period shorter than an indefinite one. */
const rank = (p: NotificationPeriod): number => periodMonths(p) ?? Number.POSITIVE_INFINITY

const anyLegal = fc
  .record({
    suspendedSentenceIsImprisonmentForS82: fc.boolean(),
    notificationPeriodRunsInCustody: fc.boolean(),
  })
  .map((s): LegalSettings => ({ ...defaultLegalSettings, ...s }))

/** Terms in tenths of a month, so fractional terms (given in weeks or days) are covered. */
const term = fc.integer({ min: 1, max: 1200 }).map((n) => n / 10)

const anyDisposal: fc.Arbitrary<Disposal | 'caution'> = fc.oneof(
  fc.constant('caution' as const),
  fc
    .record(
      { months: term, suspended: fc.boolean(), life: fc.boolean(), detentionAndTraining: fc.boolean() },
      { requiredKeys: ['months'] },
    )
    .map((c): Disposal => ({ type: 'custody', ...c })),
  fc.boolean().map((restriction): Disposal => ({ type: 'hospital-order', restriction })),
  fc
    .option(fc.integer({ min: 1, max: 36 }), { nil: undefined })
    .map((months): Disposal => (months === undefined ? { type: 'community' } : { type: 'community', months })),
  fc.constant<Disposal>({ type: 'fine' }),
  fc.integer({ min: 1, max: 36 }).map((months): Disposal => ({ type: 'conditional-discharge', months })),
  fc.constant<Disposal>({ type: 'absolute-discharge' }),
)

describe('notificationPeriodFor properties', () => {
  it('a longer custodial term never gives a shorter period', () => {
    fc.assert(
      fc.property(
        term,
        term,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        anyLegal,
        (a, b, suspended, detentionAndTraining, under18, legal) => {
          const [shorter, longer] = a <= b ? [a, b] : [b, a]
          const p = notificationPeriodFor(custody(shorter, { suspended, detentionAndTraining }), under18, legal)
          const q = notificationPeriodFor(custody(longer, { suspended, detentionAndTraining }), under18, legal)
          assert.ok(rank(p.period) <= rank(q.period), `${shorter} → ${p.row}; ${longer} → ${q.row}`)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('life is never shorter than any term', () => {
    fc.assert(
      fc.property(term, fc.boolean(), anyLegal, (months, under18, legal) => {
        const life = notificationPeriodFor(custody(months, { life: true }), under18, legal)
        assert.ok('indefinite' in life.period)
      }),
    )
  })

  it('an under-18 period is never longer than the adult one, and fixed periods are exactly halved', () => {
    fc.assert(
      fc.property(anyDisposal, anyLegal, (disposal, legal) => {
        const adult = notificationPeriodFor(disposal, false, legal)
        const youth = notificationPeriodFor(disposal, true, legal)
        assert.ok(rank(youth.period) <= rank(adult.period))
        if ('years' in adult.period) {
          assert.ok('years' in youth.period)
          assert.equal(youth.period.years * 2, adult.period.years)
          assert.equal(youth.period.months * 2, adult.period.months)
        } else {
          assert.deepEqual(youth.period, adult.period)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('every period in years, halved or not, is a whole number of months', () => {
    fc.assert(
      fc.property(anyDisposal, fc.boolean(), anyLegal, (disposal, under18, legal) => {
        const { period } = notificationPeriodFor(disposal, under18, legal)
        if ('years' in period) assert.ok(Number.isInteger(period.months) && period.months >= 12)
      }),
    )
  })

  it('a longer period never ends earlier from the same start', () => {
    fc.assert(
      fc.property(
        anyDisposal,
        anyDisposal,
        fc.integer({ min: dayFromYmd(1990, 1, 1), max: dayFromYmd(2060, 12, 31) }),
        fc.boolean(),
        (d1, d2, n, under18) => {
          const p = notificationPeriodFor(d1, under18, defaultLegalSettings).period
          const q = notificationPeriodFor(d2, under18, defaultLegalSettings).period
          const [shorter, longer] = rank(p) <= rank(q) ? [p, q] : [q, p]
          const a = periodLastDay(n as Day, shorter, 0, defaultLegalSettings)
          const b = periodLastDay(n as Day, longer, 0, defaultLegalSettings)
          if (b === null) return
          assert.ok(a !== null && a <= b)
        },
      ),
    )
  })
})
