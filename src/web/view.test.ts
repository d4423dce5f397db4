import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ukDate, ukDateTime } from './view.ts'

// Dates on the pages are in the GOV.UK style, and moments in London time.

test('a calendar date reads "24 November 2026"; anything that is not one is shown as it is', () => {
  assert.equal(ukDate('2026-11-24'), '24 November 2026')
  assert.equal(ukDate('2024-02-29'), '29 February 2024')
  assert.equal(ukDate('2026-02-30'), '2026-02-30')
  assert.equal(ukDate('soon'), 'soon')
  assert.equal(ukDate(null), '')
})

test('a moment reads in London time, summer and winter', () => {
  assert.equal(ukDateTime('2026-07-01T12:05:00Z'), '1 July 2026 at 1:05pm')
  assert.equal(ukDateTime('2026-11-24T09:30:00Z'), '24 November 2026 at 9:30am')
  assert.equal(ukDateTime(''), '')
})
