import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compile } from '../../src/domain/impact/model.ts'
import { type OneYearResult, oneYear } from '../../src/domain/impact/one-year.ts'
import type { FteRounding } from '../../src/domain/impact/scenario.ts'
import { preset, toPenny } from './support.ts'

// The two presets reproduce every figure of the report's Tables 1-4 as
// shared/spec/impact-model.md lists them: persons exactly, money to the pound
// (Table 4's detail rows to the penny), break-even victims exactly.

function run(id: 'lords-2024-custodial' | 'broad-serial-high-risk', fteRounding?: FteRounding) {
  const model = compile(preset(id), fteRounding === undefined ? {} : { fteRounding })
  return { c: oneYear(model, 'conservative'), g: oneYear(model, 'generous') }
}

const role = (result: OneYearResult, id: string) => {
  const found = result.roles.find((r) => r.id === id)
  assert.ok(found, `role ${id}`)
  return found
}
const component = (result: OneYearResult, id: string) => result.components.find((c) => c.id === id)?.persons

describe('lords-2024-custodial reproduces Tables 1-2', () => {
  const { c, g } = run('lords-2024-custodial')

  it('Table 1: 6,272 DA + 597 stalking = 6,869 in both bounds, 13,738 linked victims', () => {
    for (const bound of [c, g]) {
      assert.equal(component(bound, 'da-custodial'), 6272)
      assert.equal(component(bound, 'stalking-custodial'), 597)
      assert.equal(bound.cohort, 6869)
      assert.equal(bound.victims, 13738)
    }
  })

  it('Table 2: offender managers £5,233,103 and £7,114,675', () => {
    assert.equal(Math.round(role(c, 'offender-managers').cost), 5_233_103)
    assert.equal(Math.round(role(g, 'offender-managers').cost), 7_114_675)
  })

  it('Table 2: victim liaison officers £3,406,850 and £4,137,925', () => {
    assert.equal(Math.round(role(c, 'victim-liaison-officers').cost), 3_406_850)
    assert.equal(Math.round(role(g, 'victim-liaison-officers').cost), 4_137_925)
  })

  it('Table 2: total £8,639,953 and £11,252,600, whether rounded before or after adding', () => {
    assert.equal(c.totalCostWholePounds, 8_639_953)
    assert.equal(g.totalCostWholePounds, 11_252_600)
    assert.equal(Math.round(c.totalCost), 8_639_953)
    assert.equal(Math.round(g.totalCost), 11_252_600)
  })

  it('break-even: 205 and 267 fewer victims', () => {
    assert.equal(c.breakEvenVictims, 205)
    assert.equal(g.breakEvenVictims, 267)
  })

  it('keeps fractional FTE (Table 2 divides without rounding)', () => {
    assert.equal(role(c, 'offender-managers').fte, 6869 / 60)
    assert.equal(role(g, 'offender-managers').fte, 6869 / 50)
    assert.equal(role(c, 'victim-liaison-officers').fte, 13738 / 180)
  })
})

describe('broad-serial-high-risk reproduces Tables 3-4', () => {
  const { c, g } = run('broad-serial-high-risk')

  it('Table 3: components 5,418 / 4,077 / 6,756 / 34 and 11,334 / 4,077 / 6,799 / 122', () => {
    assert.deepEqual(
      c.components.map((x) => x.persons),
      [5418, 4077, 6756, 34],
    )
    assert.deepEqual(
      g.components.map((x) => x.persons),
      [11334, 4077, 6799, 122],
    )
  })

  it('Table 3: cohorts 16,285 and 22,332; linked victims 32,570 and 44,664', () => {
    assert.equal(c.cohort, 16285)
    assert.equal(g.cohort, 22332)
    assert.equal(c.victims, 32570)
    assert.equal(g.victims, 44664)
  })

  it('Table 4: offender managers 271 and 447 FTE, £12,387,575.31 and £23,149,365.63', () => {
    assert.equal(role(c, 'offender-managers').fte, 271)
    assert.equal(role(g, 'offender-managers').fte, 447)
    assert.equal(toPenny(role(c, 'offender-managers').cost), 12_387_575.31)
    assert.equal(toPenny(role(g, 'offender-managers').cost), 23_149_365.63)
    assert.equal(Math.round(role(g, 'offender-managers').cost), 23_149_366)
  })

  it('Table 4: victim liaison officers 181 and 248 FTE, £8,079,427.32 and £13,445,694.48', () => {
    assert.equal(role(c, 'victim-liaison-officers').fte, 181)
    assert.equal(role(g, 'victim-liaison-officers').fte, 248)
    assert.equal(toPenny(role(c, 'victim-liaison-officers').cost), 8_079_427.32)
    assert.equal(toPenny(role(g, 'victim-liaison-officers').cost), 13_445_694.48)
  })

  it('Table 4: totals £20,467,002 and £36,595,060, the sum of the rows rounded to the pound', () => {
    assert.equal(c.totalCostWholePounds, 20_467_002)
    assert.equal(g.totalCostWholePounds, 36_595_060)
    // The report's inconsistency made visible: unrounded, the conservative total is £20,467,002.63.
    assert.equal(toPenny(c.totalCost), 20_467_002.63)
    assert.equal(Math.round(c.totalCost), 20_467_003)
  })

  it('break-even: 485 and 867 fewer victims', () => {
    assert.equal(c.breakEvenVictims, 485)
    assert.equal(g.breakEvenVictims, 867)
  })
})

describe('the FTE rounding differs between Tables 2 and 4, and each table needs its own', () => {
  it('Table 2 with whole workers (nearest) no longer reproduces: 114 and 137 offender managers', () => {
    const { c, g } = run('lords-2024-custodial', 'nearest')
    assert.equal(role(c, 'offender-managers').fte, 114)
    assert.equal(role(g, 'offender-managers').fte, 137)
    assert.notEqual(Math.round(role(c, 'offender-managers').cost), 5_233_103)
    assert.notEqual(c.totalCostWholePounds, 8_639_953)
  })

  it('Table 4 with fractional FTE no longer reproduces', () => {
    const { c, g } = run('broad-serial-high-risk', 'none')
    assert.equal(role(c, 'offender-managers').fte, 16285 / 60)
    assert.notEqual(toPenny(role(c, 'offender-managers').cost), 12_387_575.31)
    assert.notEqual(g.totalCostWholePounds, 36_595_060)
  })

  it('rounding up (a hiring plan) gives 272 and 447 offender managers on the broad register', () => {
    const { c, g } = run('broad-serial-high-risk', 'up')
    assert.equal(role(c, 'offender-managers').fte, 272)
    assert.equal(role(g, 'offender-managers').fte, 447)
    assert.equal(role(g, 'victim-liaison-officers').fte, 249)
  })
})
