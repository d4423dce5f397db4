import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Temporal } from 'temporal-polyfill'
import { formatDay } from '../domain/dates/day.ts'
import { londonDateOf, todayInLondon } from './today.ts'

// 2026: British Summer Time starts 01:00 UTC on 29 March and ends 01:00 UTC on 25 October.

describe('londonDateOf', () => {
  const cases: [instant: string, londonDate: string, why: string][] = [
    ['2026-03-28T23:30:00Z', '2026-03-28', 'GMT: London is on UTC'],
    ['2026-03-29T00:59:59Z', '2026-03-29', 'the last second of GMT before the spring change'],
    ['2026-03-29T23:30:00Z', '2026-03-30', 'BST: 00:30 the next morning in London'],
    ['2026-06-30T23:30:00Z', '2026-07-01', 'BST across a month end'],
    ['2026-10-25T00:30:00Z', '2026-10-25', 'BST still: 01:30 in London, before the autumn change'],
    ['2026-10-25T23:30:00Z', '2026-10-25', 'GMT again after the autumn change'],
    ['2026-12-31T23:59:00Z', '2026-12-31', 'GMT at the year end'],
    ['2027-01-01T00:00:00Z', '2027-01-01', 'GMT: midnight UTC is midnight in London'],
  ]
  for (const [instant, expected, why] of cases) {
    it(`${instant} is ${expected} in London (${why})`, () => {
      assert.equal(formatDay(londonDateOf(Temporal.Instant.from(instant))), expected)
    })
  }

  it('does not depend on the offset the instant was written with', () => {
    const inNewYork = Temporal.Instant.from('2026-06-30T19:30:00-04:00')
    assert.equal(formatDay(londonDateOf(inNewYork)), '2026-07-01')
  })
})

describe('todayInLondon', () => {
  it('is the London date of the current instant', () => {
    // Read the clock either side so a run straddling London midnight still passes.
    const before = londonDateOf(Temporal.Now.instant())
    const today = todayInLondon()
    const after = londonDateOf(Temporal.Now.instant())
    assert.ok(
      today === before || today === after,
      `${formatDay(today)} not in [${formatDay(before)}, ${formatDay(after)}]`,
    )
  })
})
