import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseImpactScenario } from '../../src/contracts/impact-scenario.ts'
import { largestRemainder, splitByForce } from '../../src/domain/impact/by-force.ts'
import { boundValues, compile, costOf } from '../../src/domain/impact/model.ts'
import { monteCarlo } from '../../src/domain/impact/monte-carlo.ts'
import { bounds, oneYear } from '../../src/domain/impact/one-year.ts'
import { projection } from '../../src/domain/impact/projection.ts'
import { distributions } from '../../src/domain/impact/random.ts'
import { fteRoundings, type Scenario } from '../../src/domain/impact/scenario.ts'
import { type Json, preset, presetIds } from './support.ts'

// Properties of the impact model over synthetic scenarios (every figure made
// up by the generator) and over the two presets.

const source = 'synthetic (property test)'
const pair = (arb: fc.Arbitrary<number>) => fc.tuple(arb, arb)
const ranged = ([a, b]: [number, number], costlierIsHigher = true) => ({
  conservative: costlierIsHigher ? Math.min(a, b) : Math.max(a, b),
  generous: costlierIsHigher ? Math.max(a, b) : Math.min(a, b),
  source,
})
const rate = fc.double({ min: 0, max: 1, noNaN: true })
const factor = fc.oneof(
  rate,
  rate.map((r) => ({ oneMinus: r })),
)
const cohortValue = fc.oneof(
  fc.integer({ min: 0, max: 60_000 }).map((count) => ({ count })),
  fc.record({ base: fc.integer({ min: 0, max: 60_000 }), factors: fc.array(factor, { maxLength: 3 }) }),
)
const disposal = fc.constantFrom<unknown>(
  'caution',
  { type: 'custody', months: 3 },
  { type: 'custody', months: 12 },
  { type: 'custody', months: 36 },
  { type: 'custody', months: 24, suspended: true },
  { type: 'custody', months: 120, life: true },
  { type: 'community' },
  { type: 'fine' },
  { type: 'conditional-discharge', months: 6 },
  { type: 'conditional-discharge', months: 30 },
  { type: 'hospital-order', restriction: false },
  { type: 'hospital-order', restriction: true },
)

const scenarioJson: fc.Arbitrary<Json> = fc
  .record({
    fteRounding: fc.constantFrom(...fteRoundings),
    cohort: fc.array(fc.record({ conservative: cohortValue, generous: cohortValue }), { minLength: 1, maxLength: 4 }),
    roles: fc.array(
      fc.record({
        driver: fc.constantFrom('offenders', 'victims'),
        cases: pair(fc.double({ min: 1, max: 300, noNaN: true })),
        cost: pair(fc.double({ min: 0, max: 100_000, noNaN: true })),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    others: fc.array(
      fc.record({
        driver: fc.constantFrom('offenders', 'victims'),
        perDriver: pair(fc.double({ min: 0, max: 5, noNaN: true })),
        unitCost: pair(fc.double({ min: 0, max: 20_000, noNaN: true })),
      }),
      { maxLength: 2 },
    ),
    victimsPerOffender: pair(fc.double({ min: 0, max: 5, noNaN: true })),
    costPerVictim: pair(fc.double({ min: 1_000, max: 100_000, noNaN: true })),
    growth: pair(fc.double({ min: -0.3, max: 0.3, noNaN: true })),
    attrition: pair(fc.double({ min: 0, max: 0.3, noNaN: true })),
    reRegistration: pair(rate),
    mix: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 9 }), disposal, under18: fc.boolean() }), {
      minLength: 1,
      maxLength: 4,
    }),
  })
  .map((g) => {
    const weights = g.mix.reduce((sum, m) => sum + m.weight, 0)
    return {
      id: 'synthetic',
      title: 'Synthetic scenario',
      source,
      fteRounding: g.fteRounding,
      costPerVictim: ranged(g.costPerVictim, false),
      victimsPerOffender: ranged(g.victimsPerOffender),
      cohort: g.cohort.map((c, i) => ({ id: `c${i}`, label: `component ${i}`, source, ...c })),
      roles: g.roles.map((r, i) => ({
        id: `r${i}`,
        label: `role ${i}`,
        driver: r.driver,
        source,
        casesPerWorker: ranged(r.cases, false),
        annualCostPerWorker: ranged(r.cost),
      })),
      otherCosts: g.others.map((o, i) => ({
        id: `o${i}`,
        label: `other ${i}`,
        driver: o.driver,
        source,
        perDriver: ranged(o.perDriver),
        unitCost: ranged(o.unitCost),
      })),
      projection: {
        growth: ranged(g.growth),
        attrition: ranged(g.attrition, false),
        reRegistration: ranged(g.reRegistration),
        sentenceMix: {
          source,
          entries: g.mix.map((m, i) => ({
            id: `m${i}`,
            share: m.weight / weights,
            disposal: m.disposal,
            under18: m.under18,
          })),
        },
      },
    }
  })

function parsed(json: Json): Scenario {
  const result = parseImpactScenario(json)
  if (!result.ok) throw new Error(result.problems.join('\n'))
  return result.scenario
}

const scenarios = scenarioJson.map(parsed)

/** The scenario with every range collapsed onto its conservative bound. */
function collapsed(json: Json): Json {
  const copy = structuredClone(json)
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (typeof node === 'object' && node !== null) {
      const o = node as Json
      if ('conservative' in o && 'generous' in o) o.generous = structuredClone(o.conservative)
      for (const value of Object.values(o)) visit(value)
    }
  }
  visit(copy)
  return copy
}

describe('impact model properties', () => {
  it('the synthetic scenarios satisfy the input contract', () => {
    fc.assert(
      fc.property(scenarioJson, (json) => {
        const result = parseImpactScenario(json)
        assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
      }),
    )
  })

  it('cost is monotone in the number of registered offenders, for every FTE rounding', () => {
    fc.assert(
      fc.property(
        scenarios,
        fc.constantFrom(...fteRoundings),
        fc.constantFrom(...bounds),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        (scenario, fteRounding, bound, offenders, more) => {
          const model = compile(scenario, { fteRounding })
          const v = boundValues(model, bound)
          assert.ok(costOf(model, v, offenders) <= costOf(model, v, offenders + more))
        },
      ),
    )
  })

  it('cost is monotone in the cohort: a larger component never lowers the total', () => {
    fc.assert(
      fc.property(scenarioJson, fc.nat(), fc.integer({ min: 1, max: 10_000 }), (json, pick, extra) => {
        const cohort = json.cohort as Json[]
        const i = pick % cohort.length
        const bigger = structuredClone(json)
        const component = (bigger.cohort as Json[])[i] as Json
        const base = oneYear(compile(parsed(json)), 'conservative')
        component.conservative = { count: (base.components[i]?.persons ?? 0) + extra }
        const after = oneYear(compile(parsed(bigger)), 'conservative')
        assert.ok(after.cohort > base.cohort)
        assert.ok(after.totalCost >= base.totalCost)
      }),
    )
  })

  it('cost is monotone in the annual cost per worker', () => {
    fc.assert(
      fc.property(scenarioJson, fc.nat(), fc.double({ min: 0, max: 50_000, noNaN: true }), (json, pick, raise) => {
        const roles = json.roles as Json[]
        const i = pick % roles.length
        const dearer = structuredClone(json)
        const cost = ((dearer.roles as Json[])[i] as Json).annualCostPerWorker as Json
        cost.conservative = (cost.conservative as number) + raise
        cost.generous = (cost.generous as number) + raise
        for (const bound of bounds) {
          const before = oneYear(compile(parsed(json)), bound).totalCost
          const after = oneYear(compile(parsed(dearer)), bound).totalCost
          assert.ok(after >= before, `${bound}: ${after} < ${before}`)
        }
      }),
    )
  })

  it('with every range collapsed, the Monte Carlo equals the deterministic answer, projection included', () => {
    fc.assert(
      fc.property(
        scenarioJson,
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.constantFrom(...distributions),
        fc.integer({ min: 1, max: 12 }),
        (json, draws, seed, distribution, years) => {
          const model = compile(parsed(collapsed(json)))
          const exact = oneYear(model, 'conservative')
          const mc = monteCarlo(model, { draws, seed, distribution, years })
          for (const [p, expected] of [
            [mc.cohort, exact.cohort],
            [mc.totalCost, exact.totalCost],
            [mc.breakEvenVictims, exact.breakEvenVictims],
          ] as const) {
            assert.equal(p.p5, expected)
            assert.equal(p.p50, expected)
            assert.equal(p.p95, expected)
          }
          const projected = projection(model, 'conservative', years)
          mc.projection?.forEach((band, y) => {
            const year = projected[y] as (typeof projected)[number]
            assert.equal(band.registrants.p5, year.registrants)
            assert.equal(band.registrants.p95, year.registrants)
            assert.equal(band.totalCost.p50, year.totalCost)
          })
          assert.equal(mc.projection?.length, years)
        },
      ),
      { numRuns: 60 },
    )
  })

  it("the projection's first year equals the one-year model", () => {
    fc.assert(
      fc.property(scenarios, fc.constantFrom(...bounds), fc.integer({ min: 1, max: 30 }), (scenario, bound, years) => {
        const model = compile(scenario)
        const one = oneYear(model, bound)
        const first = projection(model, bound, years)[0]
        assert.ok(first)
        assert.equal(first.registrants, one.cohort)
        assert.equal(first.newRegistrants, one.cohort)
        assert.equal(first.reRegistered, 0)
        assert.equal(first.victims, one.victims)
        assert.deepEqual(
          first.roles,
          one.roles.map((r) => ({ id: r.id, fte: r.fte, cost: r.cost })),
        )
        assert.equal(first.totalCost, one.totalCost)
      }),
    )
  })

  it('without attrition, growth or re-registration, nobody leaves before their period ends', () => {
    fc.assert(
      fc.property(scenarioJson, fc.integer({ min: 1, max: 25 }), (json, years) => {
        const still = structuredClone(json)
        const p = still.projection as Json
        p.growth = { value: 0, source }
        p.attrition = { value: 0, source }
        p.reRegistration = { value: 0, source }
        const model = compile(parsed(still))
        const cohort = oneYear(model, 'conservative').cohort
        const years1 = projection(model, 'conservative', years)
        years1.forEach((year, y) => {
          // Each year's entrants stay for their whole period: registrants = Σ over entry years still within it.
          let expected = 0
          for (let e = 0; e <= y; e++) {
            for (let k = 0; k < model.mixShares.length; k++) {
              if ((model.mixYears[k] as number) > y - e) expected += (model.mixShares[k] as number) * cohort
            }
          }
          assert.ok(Math.abs(year.registrants - Math.round(expected)) <= 1, `year ${y + 1}`)
        })
      }),
      { numRuns: 60 },
    )
  })

  it('the same seed gives the same answer; the presets draw between their bounds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...presetIds),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.constantFrom(...distributions),
        (id, seed, distribution) => {
          const model = compile(preset(id))
          const options = { draws: 300, seed, distribution, years: 4 }
          const first = monteCarlo(model, options)
          assert.deepEqual(monteCarlo(model, options), first)
          const low = oneYear(model, 'conservative').totalCost
          const high = oneYear(model, 'generous').totalCost
          assert.ok(first.totalCost.p5 >= low && first.totalCost.p95 <= high)
          assert.ok(first.totalCost.p5 <= first.totalCost.p50 && first.totalCost.p50 <= first.totalCost.p95)
        },
      ),
      { numRuns: 20 },
    )
  })

  it('the split by force adds up to the national figures', () => {
    fc.assert(
      fc.property(
        scenarios,
        fc.array(fc.integer({ min: 1, max: 9_000_000 }), { minLength: 1, maxLength: 43 }),
        (scenario, populations) => {
          const national = oneYear(compile(scenario), 'generous')
          const forces = populations.map((population, i) => ({ id: `f${i}`, name: `Force ${i}`, population }))
          const split = splitByForce(national, forces)
          assert.equal(
            split.reduce((sum, f) => sum + f.cohort, 0),
            national.cohort,
          )
          const cost = split.reduce((sum, f) => sum + f.totalCost, 0)
          assert.ok(Math.abs(cost - national.totalCost) <= 1e-6 * Math.max(1, national.totalCost))
        },
      ),
    )
  })

  it('largest remainders give whole parts that add up and stay within one of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 50 }),
        (total, weights) => {
          const parts = largestRemainder(total, weights)
          const sum = weights.reduce((a, b) => a + b, 0)
          assert.equal(
            parts.reduce((a, b) => a + b, 0),
            total,
          )
          parts.forEach((part, i) => {
            assert.ok(Math.abs(part - (total * (weights[i] as number)) / sum) < 1)
          })
        },
      ),
    )
  })
})
