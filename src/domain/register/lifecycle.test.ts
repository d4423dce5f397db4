import assert from 'node:assert/strict'
import { test } from 'node:test'
import { day, formatDay } from '../dates/day.ts'
import { defaultLegalSettings } from '../settings/legal-settings.ts'
import {
  expiryRefusal,
  furtherReviewDate,
  initialDueOnRegistration,
  initialDueOnRelease,
  oldEnoughForRegister,
  reviewRefusal,
} from './lifecycle.ts'

const legal = defaultLegalSettings
const iso = (d: ReturnType<typeof day> | undefined) => (d === undefined ? undefined : formatDay(d))

test('the initial notification is due at the later of the core date and 3 days from registration (decision 0004)', () => {
  assert.equal(iso(initialDueOnRegistration(day('2024-12-03'), day('2026-01-05'), false, legal)), '2026-01-07')
  assert.equal(iso(initialDueOnRegistration(day('2026-02-01'), day('2026-01-05'), false, legal)), '2026-02-01')
  assert.equal(iso(initialDueOnRegistration(undefined, day('2026-01-05'), false, legal)), '2026-01-07')
  assert.equal(initialDueOnRegistration(day('2026-02-01'), day('2026-01-05'), true, legal), undefined)
  assert.equal(iso(initialDueOnRelease(day('2026-03-30'), legal)), '2026-04-01')
})

test('nobody under 10 is on the register (CYPA 1933 s.50)', () => {
  assert.equal(oldEnoughForRegister(day('2016-11-24'), day('2026-11-24')), true)
  assert.equal(oldEnoughForRegister(day('2016-11-25'), day('2026-11-24')), false)
})

test('reviews: indefinite requirements only, not before the qualifying date; a refusal sets a date 8 years on (s.91A-91B)', () => {
  assert.equal(reviewRefusal({ years: 10, months: 120 }, undefined, day('2030-01-01'))?.field, 'period')
  assert.equal(reviewRefusal({ indefinite: true }, day('2040-01-01'), day('2039-12-31'))?.field, 'decidedOn')
  assert.equal(reviewRefusal({ indefinite: true }, day('2040-01-01'), day('2040-01-01')), undefined)
  assert.equal(formatDay(furtherReviewDate(day('2040-02-29'))), '2048-02-29')
})

test('a period ends as expired only after its last day', () => {
  assert.equal(expiryRefusal(undefined, day('2030-01-01'))?.field, 'reason')
  assert.equal(expiryRefusal(day('2034-02-28'), day('2034-02-28'))?.field, 'endedOn')
  assert.equal(expiryRefusal(day('2034-02-28'), day('2034-03-01')), undefined)
})
