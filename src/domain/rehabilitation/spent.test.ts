import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays, type Day, day, formatDay } from '../dates/day.ts'
import type { OffenceCode } from '../offences/offences.ts'
import type { Caution, Conviction, Disposal, PersonRecord } from '../record/person-record.ts'
import { endOfSentence, rehabilitation, type SpentStatus, spentAfterBuffer } from './spent.ts'

// Synthetic records only.

const adultDob = day('1990-01-01')
/** 16 at a conviction on 2020-01-15 and on 2024-03-01. */
const youthDob = day('2008-01-01')
const youthDob2020 = day('2004-01-01')

function conviction(id: string, date: string, disposal: Disposal, offence: OffenceCode = 'OAPA1861-s47'): Conviction {
  return { id, date: day(date), offence, victims: [], disposal, context: {} }
}

function caution(id: string, date: string, conditional?: boolean): Caution {
  return { id, date: day(date), offence: 'CJA1988-s39', victims: [], ...(conditional ? { conditional } : {}) }
}

function record(
  convictions: Conviction[],
  options: { dob?: Day; asOf?: string; cautions?: Caution[] } = {},
): PersonRecord {
  return {
    asOf: day(options.asOf ?? '2025-01-01'),
    person: { id: 'P-1', dateOfBirth: options.dob ?? adultDob },
    convictions,
    cautions: options.cautions ?? [],
    incidents: [],
    riskAssessments: [],
  }
}

function only(disposal: Disposal, date: string, options: { dob?: Day; offence?: OffenceCode } = {}): SpentStatus {
  const [status] = rehabilitation(record([conviction('C-1', date, disposal, options.offence)], options))
  assert.ok(status)
  return status
}

const iso = (d: Day | null) => (d === null ? null : formatDay(d))

function byId(statuses: SpentStatus[]): Map<string, SpentStatus> {
  return new Map(statuses.map((s) => [s.recordId, s]))
}

const custody = (months: number, extra: Partial<Extract<Disposal, { type: 'custody' }>> = {}): Disposal => ({
  type: 'custody',
  months,
  ...extra,
})

describe('arithmetic helpers', () => {
  it('ends a sentence of whole months the day before the corresponding date', () => {
    assert.equal(formatDay(endOfSentence(day('2024-03-01'), 18)), '2025-08-31')
    assert.equal(formatDay(endOfSentence(day('2024-03-01'), 12)), '2025-02-28')
  })
  it('adds round(fraction × 30.4375) days for part of a month, capped at the next whole month', () => {
    // 4 whole months end 2024-06-30; half a month adds 15 days.
    assert.equal(formatDay(endOfSentence(day('2024-03-01'), 4.5)), '2024-07-15')
    // 11 months end 2024-01-31; +30 days would pass the 12-month end (2024-02-29).
    assert.equal(formatDay(endOfSentence(day('2023-03-01'), 11.99)), '2024-02-29')
  })
  it('starts the buffer the day after the sentence ends and is spent the day after the buffer', () => {
    assert.equal(formatDay(spentAfterBuffer(day('2025-08-31'), 48)), '2029-09-01')
  })
})

describe('2023 scheme (ROA 1974 s.5 as amended by PCSCA 2022 s.193)', () => {
  const convicted = '2024-03-01'
  const rows: {
    name: string
    disposal: Disposal
    dob?: Day
    offence?: OffenceCode
    spentFrom: string | null
    never?: boolean
    undetermined?: boolean
  }[] = [
    { name: 'custody 6 months: +1 year', disposal: custody(6), spentFrom: '2025-09-01' },
    { name: 'custody exactly 12 months: +1 year', disposal: custody(12), spentFrom: '2026-03-01' },
    { name: 'custody 13 months: +4 years', disposal: custody(13), spentFrom: '2029-04-01' },
    { name: 'custody 18 months: +4 years', disposal: custody(18), spentFrom: '2029-09-01' },
    { name: 'custody exactly 48 months: +4 years', disposal: custody(48), spentFrom: '2032-03-01' },
    {
      name: 'custody 60 months, not Sch.15: +7 years',
      disposal: custody(60),
      offence: 'CDA1971-s1',
      spentFrom: '2036-03-01',
    },
    {
      name: 'custody 60 months, Sch.15: never',
      disposal: custody(60),
      offence: 'OAPA1861-s18',
      spentFrom: null,
      never: true,
    },
    {
      name: 'custody 49 months, Sch.15: never',
      disposal: custody(49),
      offence: 'OAPA1861-s20',
      spentFrom: null,
      never: true,
    },
    {
      name: 'life: never',
      disposal: custody(0, { life: true }),
      offence: 'MADPA1965-s1',
      spentFrom: null,
      never: true,
    },
    { name: 'suspended 12 months: as custody', disposal: custody(12, { suspended: true }), spentFrom: '2026-03-01' },
    { name: 'custody 4.5 months', disposal: custody(4.5), spentFrom: '2025-07-16' },
    { name: 'youth custody 12 months: +6 months', disposal: custody(12), dob: youthDob, spentFrom: '2025-09-01' },
    { name: 'youth custody 18 months: +2 years', disposal: custody(18), dob: youthDob, spentFrom: '2027-09-01' },
    {
      name: 'youth DTO 24 months (full order): +2 years',
      disposal: custody(24, { detentionAndTraining: true }),
      dob: youthDob,
      spentFrom: '2028-03-01',
    },
    {
      name: 'youth custody 60 months, not Sch.15: +3.5 years',
      disposal: custody(60),
      dob: youthDob,
      offence: 'CDA1971-s1',
      spentFrom: '2032-09-01',
    },
    {
      name: 'youth custody 60 months, Sch.15: never',
      disposal: custody(60),
      dob: youthDob,
      offence: 'SOA2003-s1',
      spentFrom: null,
      never: true,
    },
    {
      name: 'hospital order: undetermined',
      disposal: { type: 'hospital-order', restriction: true },
      spentFrom: null,
      undetermined: true,
    },
    {
      name: 'community order 12 months: day after its end',
      disposal: { type: 'community', months: 12 },
      spentFrom: '2025-03-01',
    },
    {
      name: 'community order, length unknown: undetermined',
      disposal: { type: 'community' },
      spentFrom: null,
      undetermined: true,
    },
    { name: 'fine: 1 year', disposal: { type: 'fine' }, spentFrom: '2025-03-01' },
    { name: 'youth fine: 6 months', disposal: { type: 'fine' }, dob: youthDob, spentFrom: '2024-09-01' },
    {
      name: 'conditional discharge 24 months',
      disposal: { type: 'conditional-discharge', months: 24 },
      spentFrom: '2026-03-01',
    },
    { name: 'absolute discharge: immediately', disposal: { type: 'absolute-discharge' }, spentFrom: '2024-03-01' },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const status = only(row.disposal, convicted, {
        ...(row.dob ? { dob: row.dob } : {}),
        ...(row.offence ? { offence: row.offence } : {}),
      })
      assert.equal(iso(status.spentFrom), row.spentFrom)
      assert.equal(status.never, row.never ?? false)
      assert.equal(status.undetermined, row.undetermined ?? false)
      assert.equal(status.scheme, '2023')
      assert.equal(status.kind, 'conviction')
      assert.equal(status.scheme2014, undefined, 'no 2014 figure for a conviction after 28 October 2023')
      assert.deepEqual(status.extendedBy, [])
      assert.ok(status.provision.startsWith('ROA 1974'))
      assert.ok(status.basis.length > 0)
    })
  }

  it('explains the arithmetic in the basis', () => {
    const status = only(custody(18), convicted)
    assert.equal(status.basis, 'custody of 18 months (over 12 months to 4 years): end of sentence 2025-08-31 + 4 years')
    assert.equal(status.provision, 'ROA 1974 s.5(2) Table A (as amended by PCSCA 2022 s.193)')
  })

  it('uses age on the conviction date: 18 that day is an adult', () => {
    assert.equal(iso(only({ type: 'fine' }, convicted, { dob: day('2006-03-01') }).spentFrom), '2025-03-01')
    assert.equal(iso(only({ type: 'fine' }, convicted, { dob: day('2006-03-02') }).spentFrom), '2024-09-01')
  })

  it('is spent on the as-of date only from spentFrom', () => {
    const spentFrom = '2025-03-01'
    const before = rehabilitation(record([conviction('C-1', convicted, { type: 'fine' })], { asOf: '2025-02-28' }))
    const on = rehabilitation(record([conviction('C-1', convicted, { type: 'fine' })], { asOf: spentFrom }))
    assert.equal(before[0]?.spentOnAsOf, false)
    assert.equal(on[0]?.spentOnAsOf, true)
  })
})

describe('2014 scheme (LASPO 2012 s.139), reported for convictions before 28 October 2023', () => {
  const convicted = '2020-01-15'
  const rows: {
    name: string
    disposal: Disposal
    dob?: Day
    offence?: OffenceCode
    old: string | null
    oldNever?: boolean
    current: string | null
  }[] = [
    { name: 'custody exactly 6 months: +2 years', disposal: custody(6), old: '2022-07-15', current: '2021-07-15' },
    { name: 'custody 7 months: +4 years', disposal: custody(7), old: '2024-08-15', current: '2021-08-15' },
    { name: 'custody exactly 30 months: +4 years', disposal: custody(30), old: '2026-07-15', current: '2026-07-15' },
    { name: 'custody 31 months: +7 years', disposal: custody(31), old: '2029-08-15', current: '2026-08-15' },
    { name: 'custody exactly 48 months: +7 years', disposal: custody(48), old: '2031-01-15', current: '2028-01-15' },
    {
      name: 'custody 49 months: never under 2014, +7 years under 2023 (not Sch.15)',
      disposal: custody(49),
      offence: 'CDA1971-s1',
      old: null,
      oldNever: true,
      current: '2031-02-15',
    },
    {
      name: 'youth custody 6 months: +18 months',
      disposal: custody(6),
      dob: youthDob2020,
      old: '2022-01-15',
      current: '2021-01-15',
    },
    {
      name: 'youth custody 7 months: +2 years',
      disposal: custody(7),
      dob: youthDob2020,
      old: '2022-08-15',
      current: '2021-02-15',
    },
    {
      name: 'youth custody 31 months: +3.5 years',
      disposal: custody(31),
      dob: youthDob2020,
      old: '2026-02-15',
      current: '2024-08-15',
    },
    {
      name: 'community order 12 months: +1 year',
      disposal: { type: 'community', months: 12 },
      old: '2022-01-15',
      current: '2021-01-15',
    },
    {
      name: 'youth community order 12 months: +6 months',
      disposal: { type: 'community', months: 12 },
      dob: youthDob2020,
      old: '2021-07-15',
      current: '2021-01-15',
    },
    { name: 'fine: 1 year', disposal: { type: 'fine' }, old: '2021-01-15', current: '2021-01-15' },
    {
      name: 'youth fine: 6 months',
      disposal: { type: 'fine' },
      dob: youthDob2020,
      old: '2020-07-15',
      current: '2020-07-15',
    },
    {
      name: 'conditional discharge 18 months: length of order',
      disposal: { type: 'conditional-discharge', months: 18 },
      old: '2021-07-15',
      current: '2021-07-15',
    },
    {
      name: 'absolute discharge: immediately',
      disposal: { type: 'absolute-discharge' },
      old: '2020-01-15',
      current: '2020-01-15',
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const status = only(row.disposal, convicted, {
        ...(row.dob ? { dob: row.dob } : {}),
        ...(row.offence ? { offence: row.offence } : {}),
      })
      assert.ok(status.scheme2014)
      assert.equal(iso(status.scheme2014.spentFrom), row.old)
      assert.equal(status.scheme2014.never, row.oldNever ?? false)
      assert.equal(iso(status.spentFrom), row.current)
      assert.equal(status.scheme, '2023', 'the 2023 periods are never longer, so they give the effective date')
    })
  }

  it('reports an undetermined community order under both schemes', () => {
    const status = only({ type: 'community' }, convicted)
    assert.equal(status.undetermined, true)
    assert.deepEqual(status.scheme2014, {
      spentFrom: null,
      never: false,
      basis: 'community order: the record does not give its length',
    })
  })

  it('reports a conviction on 27 October 2023 under both, and none from 28 October 2023', () => {
    assert.ok(only({ type: 'fine' }, '2023-10-27').scheme2014)
    assert.equal(only({ type: 'fine' }, '2023-10-28').scheme2014, undefined)
  })
})

describe('cautions (ROA 1974 Sch.2)', () => {
  it('a conditional caution is spent after 3 months beginning with the caution date', () => {
    const [status] = rehabilitation(record([], { cautions: [caution('K-1', '2024-01-31', true)] }))
    assert.equal(iso(status?.spentFrom ?? null), '2024-05-01')
    assert.equal(status?.kind, 'caution')
    assert.equal(status?.spentOnAsOf, true)
  })
  it('a simple caution is spent immediately, flagged as unconfirmed', () => {
    const [status] = rehabilitation(record([], { cautions: [caution('K-1', '2024-06-01')] }))
    assert.equal(iso(status?.spentFrom ?? null), '2024-06-01')
    assert.match(status?.basis ?? '', /\[U\]/)
  })
  it('lists convictions first, in input order, then cautions', () => {
    const statuses = rehabilitation(
      record([conviction('C-2', '2022-01-01', { type: 'fine' }), conviction('C-1', '2021-01-01', { type: 'fine' })], {
        cautions: [caution('K-1', '2020-01-01')],
      }),
    )
    assert.deepEqual(
      statuses.map((s) => s.recordId),
      ['C-2', 'C-1', 'K-1'],
    )
  })
  it('neither drags nor is dragged', () => {
    const statuses = byId(
      rehabilitation(
        record([conviction('C-1', '2020-01-15', { type: 'fine' })], {
          cautions: [caution('K-1', '2020-03-01', true), caution('K-2', '2020-04-01')],
        }),
      ),
    )
    assert.equal(iso(statuses.get('C-1')?.spentFrom ?? null), '2021-01-15')
    assert.equal(iso(statuses.get('K-1')?.spentFrom ?? null), '2020-06-01')
    assert.equal(iso(statuses.get('K-2')?.spentFrom ?? null), '2020-04-01')
    assert.deepEqual(statuses.get('C-1')?.extendedBy, [])
  })
})

describe('drag-through (ROA 1974 s.6(4), s.1(1)(b))', () => {
  it('a later conviction within the period delays the earlier one to its own date', () => {
    const statuses = byId(
      rehabilitation(
        record([conviction('C-1', '2020-01-15', { type: 'fine' }), conviction('C-2', '2020-06-01', custody(12))]),
      ),
    )
    assert.equal(iso(statuses.get('C-1')?.spentFrom ?? null), '2022-06-01')
    assert.deepEqual(statuses.get('C-1')?.extendedBy, ['C-2'])
    assert.match(statuses.get('C-1')?.provision ?? '', /s\.6\(4\)/)
    assert.equal(iso(statuses.get('C-2')?.spentFrom ?? null), '2022-06-01')
    assert.deepEqual(statuses.get('C-2')?.extendedBy, [])
  })

  it('works in both directions: a later conviction with a shorter period waits for the earlier one', () => {
    const statuses = byId(
      rehabilitation(
        record([conviction('C-1', '2020-01-15', custody(24)), conviction('C-2', '2021-03-01', { type: 'fine' })]),
      ),
    )
    assert.equal(iso(statuses.get('C-1')?.spentFrom ?? null), '2026-01-15')
    assert.deepEqual(statuses.get('C-1')?.extendedBy, [])
    assert.equal(iso(statuses.get('C-2')?.spentFrom ?? null), '2026-01-15')
    assert.deepEqual(statuses.get('C-2')?.extendedBy, ['C-1'])
  })

  it('does not reach a conviction on or after the day the earlier one is spent', () => {
    const statuses = byId(
      rehabilitation(
        record([conviction('C-1', '2020-01-15', { type: 'fine' }), conviction('C-2', '2021-01-15', custody(12))]),
      ),
    )
    assert.equal(iso(statuses.get('C-1')?.spentFrom ?? null), '2021-01-15')
    assert.deepEqual(statuses.get('C-1')?.extendedBy, [])
  })

  it('settles a chain of three, where the third falls only within the extended period', () => {
    const statuses = byId(
      rehabilitation(
        record([
          conviction('C-1', '2019-01-10', { type: 'fine' }),
          conviction('C-2', '2019-12-01', { type: 'fine' }),
          conviction('C-3', '2020-11-01', { type: 'fine' }),
        ]),
      ),
    )
    for (const id of ['C-1', 'C-2', 'C-3']) assert.equal(iso(statuses.get(id)?.spentFrom ?? null), '2021-11-01', id)
    assert.deepEqual(statuses.get('C-1')?.extendedBy, ['C-2', 'C-3'])
    assert.deepEqual(statuses.get('C-2')?.extendedBy, ['C-3'])
    assert.deepEqual(statuses.get('C-3')?.extendedBy, [])
  })

  it('a later sentence excluded from rehabilitation means the earlier conviction is never spent', () => {
    const statuses = byId(
      rehabilitation(
        record([
          conviction('C-1', '2020-01-15', { type: 'fine' }),
          conviction('C-2', '2020-06-01', custody(60), 'OAPA1861-s18'),
        ]),
      ),
    )
    assert.equal(statuses.get('C-1')?.never, true)
    assert.equal(statuses.get('C-1')?.spentFrom, null)
    assert.equal(statuses.get('C-1')?.spentOnAsOf, false)
    assert.deepEqual(statuses.get('C-1')?.extendedBy, ['C-2'])
    assert.match(statuses.get('C-1')?.provision ?? '', /s\.1\(1\)\(b\)/)
  })

  it('an excluded sentence has no period, so it does not hold back later convictions', () => {
    const statuses = byId(
      rehabilitation(
        record([
          conviction('C-1', '2010-01-15', custody(60), 'OAPA1861-s18'),
          conviction('C-2', '2020-06-01', { type: 'fine' }),
        ]),
      ),
    )
    assert.equal(statuses.get('C-1')?.never, true)
    assert.equal(iso(statuses.get('C-2')?.spentFrom ?? null), '2021-06-01')
  })

  it('a later conviction of undetermined length makes the earlier one undetermined', () => {
    const statuses = byId(
      rehabilitation(
        record([
          conviction('C-1', '2020-01-15', { type: 'fine' }),
          conviction('C-2', '2020-06-01', { type: 'community' }),
        ]),
      ),
    )
    assert.equal(statuses.get('C-1')?.undetermined, true)
    assert.equal(statuses.get('C-1')?.spentFrom, null)
    assert.deepEqual(statuses.get('C-1')?.extendedBy, ['C-2'])
  })

  it('disregards a further conviction for a summary-only offence (s.6(6)(a))', () => {
    const statuses = byId(
      rehabilitation(
        record([
          conviction('C-1', '2020-01-15', { type: 'fine' }),
          conviction('C-2', '2020-06-01', custody(6), 'CJA1988-s39'),
        ]),
      ),
    )
    assert.equal(iso(statuses.get('C-1')?.spentFrom ?? null), '2021-01-15')
    assert.equal(iso(statuses.get('C-2')?.spentFrom ?? null), '2021-12-01')
  })
})

describe('properties', () => {
  const dateArb = fc.integer({ min: day('2000-01-01'), max: day('2035-12-31') }).map((n) => n as Day)
  const monthsArb = fc.oneof(fc.integer({ min: 0, max: 120 }), fc.double({ min: 0, max: 120, noNaN: true }))
  const offenceArb = fc.constantFrom<OffenceCode>(
    'OAPA1861-s47',
    'OAPA1861-s18',
    'CDA1971-s1',
    'PHA1997-s2',
    'SCA2015-s76',
  )
  const dobArb = fc.constantFrom(adultDob, youthDob, youthDob2020)
  const rank = (s: SpentStatus) => (s.never ? Number.POSITIVE_INFINITY : (s.spentFrom as number))

  it('a longer custodial term never gives an earlier spentFrom', () => {
    fc.assert(
      fc.property(dateArb, monthsArb, monthsArb, offenceArb, dobArb, (date, a, b, offence, dob) => {
        const [shorter, longer] = a <= b ? [a, b] : [b, a]
        const convicted = formatDay(date)
        const s = only(custody(shorter), convicted, { dob, offence })
        const l = only(custody(longer), convicted, { dob, offence })
        assert.ok(rank(s) <= rank(l), `${shorter} → ${iso(s.spentFrom)}, ${longer} → ${iso(l.spentFrom)}`)
      }),
    )
  })

  const disposalArb: fc.Arbitrary<Disposal> = fc.oneof(
    monthsArb.map((months) => custody(months)),
    monthsArb.map((months) => custody(months, { suspended: true })),
    fc.integer({ min: 4, max: 24 }).map((months) => custody(months, { detentionAndTraining: true })),
    fc.boolean().map((restriction): Disposal => ({ type: 'hospital-order', restriction })),
    fc
      .option(fc.integer({ min: 1, max: 36 }), { nil: undefined })
      .map((months): Disposal => (months === undefined ? { type: 'community' } : { type: 'community', months })),
    fc.constant<Disposal>({ type: 'fine' }),
    fc.integer({ min: 1, max: 36 }).map((months): Disposal => ({ type: 'conditional-discharge', months })),
    fc.constant<Disposal>({ type: 'absolute-discharge' }),
  )
  const convictionsArb = fc.array(fc.tuple(dateArb, disposalArb, offenceArb), { minLength: 1, maxLength: 5 })

  it('spentFrom is never before the conviction date, and drag-through never brings it forward', () => {
    fc.assert(
      fc.property(convictionsArb, dobArb, (rows, dob) => {
        const convictions = rows.map(([date, disposal, offence], i) =>
          conviction(`C-${i + 1}`, formatDay(date), disposal, offence),
        )
        const together = rehabilitation(record(convictions, { dob }))
        assert.equal(together.length, convictions.length)
        convictions.forEach((c, i) => {
          const status = together[i] as SpentStatus
          if (status.spentFrom !== null) assert.ok(status.spentFrom >= c.date)
          assert.equal(status.spentFrom === null, status.never || status.undetermined)
          assert.ok(!(status.never && status.undetermined))
          const alone = rehabilitation(record([c], { dob }))[0] as SpentStatus
          if (alone.never) assert.equal(status.never, true)
          if (alone.spentFrom !== null && status.spentFrom !== null) assert.ok(status.spentFrom >= alone.spentFrom)
        })
      }),
    )
  })

  it('the 2023 date is never later than the 2014 date for convictions before 28 October 2023', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: day('2000-01-01'), max: addDays(day('2023-10-28'), -1) }).map((n) => n as Day),
        disposalArb,
        offenceArb,
        dobArb,
        (date, disposal, offence, dob) => {
          const status = only(disposal, formatDay(date), { dob, offence })
          const old = status.scheme2014
          assert.ok(old)
          if (old.spentFrom !== null && status.spentFrom !== null) assert.ok(status.spentFrom <= old.spentFrom)
          if (old.spentFrom !== null) assert.equal(status.never, false)
        },
      ),
    )
  })
})
