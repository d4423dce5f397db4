import assert from 'node:assert/strict'
import { test } from 'node:test'
import { day } from '../dates/day.ts'
import { describePeriod } from './notice.ts'

// The notice tells the registrant how long the requirements last, in words
// (SOA 2003 s.82 periods; halved for under-18s, s.82(2)).

test('a fixed period reads as its years, and a halved one as years and months', () => {
  assert.equal(describePeriod({ years: 10, months: 120 }), '10 years.')
  assert.equal(describePeriod({ years: 2.5, months: 30 }), '2 years and 6 months.')
  assert.equal(describePeriod({ years: 1, months: 12 }), '1 year.')
  assert.equal(describePeriod({ years: 0.5, months: 6 }), '6 months.')
})

test('the last day, an order and an indefinite period are said as such', () => {
  assert.equal(
    describePeriod({ years: 5, months: 60 }, day('2031-11-23')),
    '5 years. The last day is 23 November 2031.',
  )
  assert.match(describePeriod({ untilEndOfOrder: true, months: 24 }), /length of the order \(24 months\)/)
  assert.match(describePeriod({ indefinite: true }), /^Indefinitely/)
  assert.equal(describePeriod(null), 'No notification period applies.')
})
