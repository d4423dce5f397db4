import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { compile, registrationYears, roundFte } from '../../src/domain/impact/model.ts'
import { percentiles, quantile, sensitivity } from '../../src/domain/impact/monte-carlo.ts'
import { projection } from '../../src/domain/impact/projection.ts'
import { distributions, draw, mulberry32 } from '../../src/domain/impact/random.ts'
import { defaultLegalSettings } from '../../src/domain/settings/legal-settings.ts'
import { preset } from './support.ts'

// The pieces the impact model is built from: registration periods from the
// legal core, FTE rounding, the seeded generator and the samplers, percentiles,
// the sensitivity ranking and the projection's flows.

const legal = defaultLegalSettings

describe('registration years come from the SOA 2003 s.82 periods of the legal core', () => {
  const cases: [string, Parameters<typeof registrationYears>[0], boolean, number][] = [
    ['custody of 12 months: 10 years', { type: 'custody', months: 12 }, false, 10],
    ['custody of 6 months or less: 7 years', { type: 'custody', months: 6 }, false, 7],
    ['custody of 30 months or more: indefinite', { type: 'custody', months: 30 }, false, Number.POSITIVE_INFINITY],
    ['a community order: 5 years', { type: 'community' }, false, 5],
    ['a caution: 2 years', 'caution', false, 2],
    ['custody of 12 months, under 18: halved to 5 years', { type: 'custody', months: 12 }, true, 5],
    [
      'a conditional discharge of 6 months: one year on the register',
      { type: 'conditional-discharge', months: 6 },
      false,
      1,
    ],
    ['a conditional discharge of 30 months: 3 years', { type: 'conditional-discharge', months: 30 }, false, 3],
    ['a restriction order: indefinite', { type: 'hospital-order', restriction: true }, false, Number.POSITIVE_INFINITY],
  ]
  for (const [name, disposal, under18, years] of cases) {
    it(name, () => assert.equal(registrationYears(disposal, under18, legal), years))
  }

  it('a 7-year half period for a young person (3½ years) counts as 4 whole years', () => {
    assert.equal(registrationYears({ type: 'custody', months: 6 }, true, legal), 4)
  })
})

describe('FTE rounding', () => {
  it('none keeps the fraction, nearest rounds half up, up never rounds an exact quotient up', () => {
    assert.equal(roundFte(271.42, 'none'), 271.42)
    assert.equal(roundFte(446.64, 'nearest'), 447)
    assert.equal(roundFte(180.5, 'nearest'), 181)
    assert.equal(roundFte(271.42, 'up'), 272)
    assert.equal(roundFte(0.1 * 3 * 10, 'up'), 3)
    assert.equal(roundFte(120 / 60, 'up'), 2)
  })
})

describe('seeded random numbers and the samplers', () => {
  it('mulberry32 is deterministic for a seed and stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = mulberry32(seed)
        const b = mulberry32(seed)
        for (let i = 0; i < 50; i++) {
          const x = a()
          assert.equal(x, b())
          assert.ok(x >= 0 && x < 1)
        }
      }),
    )
  })

  it('every draw lies between the bounds; a collapsed range consumes no random number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...distributions),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (distribution, low, width, at, seed) => {
          const high = low + width
          const mode = low + at * width
          const random = mulberry32(seed)
          for (let i = 0; i < 20; i++) {
            const x = draw(distribution, low, mode, high, random)
            assert.ok(x >= low && x <= high, `${x} outside ${low}..${high}`)
          }
          let calls = 0
          const counting = () => {
            calls++
            return 0.5
          }
          assert.equal(draw(distribution, low, low, low, counting), low)
          assert.equal(calls, 0)
        },
      ),
    )
  })

  it('the samplers have the textbook means (uniform, triangular, PERT)', () => {
    const n = 40_000
    const [low, mode, high] = [10, 14, 30]
    const expected = {
      uniform: (low + high) / 2,
      triangular: (low + mode + high) / 3,
      pert: (low + 4 * mode + high) / 6,
    }
    for (const distribution of distributions) {
      const random = mulberry32(20261124)
      let sum = 0
      for (let i = 0; i < n; i++) sum += draw(distribution, low, mode, high, random)
      const mean = sum / n
      assert.ok(
        Math.abs(mean - expected[distribution]) < 0.1,
        `${distribution}: mean ${mean}, expected ${expected[distribution]}`,
      )
    }
  })
})

describe('percentiles', () => {
  it('interpolate between order statistics', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    assert.equal(quantile(sorted, 0.5), 6)
    assert.equal(quantile(sorted, 0.05), 1.5)
    assert.equal(quantile(sorted, 0.95), 10.5)
    assert.deepEqual(percentiles(Float64Array.from([5])), { p5: 5, p50: 5, p95: 5, mean: 5 })
  })
})

describe('sensitivity ranking', () => {
  it('ranks the broad register inputs by their swing; the high-risk DA count moves the total most', () => {
    const { rows } = sensitivity(compile(preset('broad-serial-high-risk')))
    assert.equal(rows[0]?.path, '$.cohort[0]')
    for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1]?.swing ?? 0) >= (rows[i]?.swing ?? 0))
    assert.ok(
      rows.every((row) => !row.path.startsWith('$.projection')),
      'projection inputs do not move year one',
    )
  })

  it('leaves out inputs without a range', () => {
    const { rows } = sensitivity(compile(preset('lords-2024-custodial')))
    assert.deepEqual(rows.map((r) => r.path).sort(), [
      '$.roles[0].annualCostPerWorker',
      '$.roles[0].casesPerWorker',
      '$.roles[1].annualCostPerWorker',
    ])
  })
})

describe('the projection flows', () => {
  it('the Lords preset (all custodial, 10-year periods, no attrition) adds a full cohort each year for 10 years', () => {
    const years = projection(compile(preset('lords-2024-custodial')), 'conservative', 11)
    assert.deepEqual(
      years.slice(0, 10).map((y) => y.registrants),
      Array.from({ length: 10 }, (_, i) => 6869 * (i + 1)),
    )
    // The first entrants' 10 years end with year 10: year 11 has the same number on the register.
    assert.equal(years[9]?.leaving, 6869)
    assert.equal(years[10]?.registrants, 68690)
  })

  it('on the broad register, non-custodial registrants (5 years) leave after year 5 and some come back', () => {
    const generous = projection(compile(preset('broad-serial-high-risk')), 'generous', 7)
    const cohort = 22332
    assert.equal(generous[4]?.registrants, cohort * 5)
    assert.ok(Math.abs((generous[4]?.leaving ?? 0) - cohort * 0.84) < 1e-6)
    // Year 6: the year-1 non-custodial registrants are gone, 10.4% of them re-registered.
    const expected = cohort * 6 - cohort * 0.84 + cohort * 0.84 * 0.104
    assert.equal(generous[5]?.registrants, Math.round(expected))
    assert.ok(Math.abs((generous[5]?.reRegistered ?? 0) - cohort * 0.84 * 0.104) < 1e-6)
  })
})
