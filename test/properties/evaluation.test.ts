import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { explanationToJson } from '../../src/contracts/explain-output.ts'
import { addDays, type Day } from '../../src/domain/dates/day.ts'
import { explainPerson } from '../../src/domain/explain/explain.ts'
import type { Conviction } from '../../src/domain/record/person-record.ts'
import { asOf, recordArb } from '../support/record-arbitrary.ts'

test('evaluation never throws, is deterministic, and keeps its invariants on any valid record', () => {
  fc.assert(
    fc.property(recordArb, (record) => {
      const first = explainPerson(record)
      const second = explainPerson(structuredClone(record))
      assert.deepEqual(explanationToJson(first), explanationToJson(second))
      assert.equal(first.policies.length, 6)
      for (const evaluation of first.policies) {
        assert.ok(['eligible', 'not-eligible', 'needs-review'].includes(evaluation.outcome))
        assert.equal(evaluation.consequences === null, evaluation.outcome !== 'eligible')
        if (evaluation.outcome === 'needs-review') assert.ok(evaluation.missing.length > 0, evaluation.policy)
        for (const reason of evaluation.reasons) assert.ok(reason.provision.length > 0 && reason.rule.length > 0)
        const c = evaluation.consequences
        if (c?.periodStart != null && c.periodLastDay !== null) assert.ok(c.periodLastDay >= c.periodStart)
        if (c?.periodStart != null && c.initialNotificationDue !== null) {
          assert.ok(c.initialNotificationDue >= c.periodStart, evaluation.policy)
        }
      }
      assert.equal(first.rehabilitation.length, record.convictions.length + record.cautions.length)
    }),
    { numRuns: 400 },
  )
})

test('adding a specified conviction never turns an eligible serial-offender outcome into anything else', () => {
  fc.assert(
    fc.property(recordArb, fc.integer({ min: 0, max: 400 }), (record, gap) => {
      const before = explainPerson(record, { policies: ['lords-2024', 'broad-convicted'] })
      const latest = Math.max(record.person.dateOfBirth + 4000, ...record.convictions.map((c) => c.date))
      const date = Math.min(asOf, latest + gap) as Day
      const added: Conviction = {
        id: 'C-NEW',
        date,
        offenceDate: date,
        offence: 'PHA1997-s4A',
        domesticAbuse: true,
        victims: [{ id: 'V-NEW', relationship: 'ex-partner', ageAtOffence: 30 }],
        disposal: { type: 'custody', months: 18 },
        releasedOn: addDays(date, 200),
        context: { violentResistance: false },
      }
      const after = explainPerson(
        { ...record, convictions: [...record.convictions, added] },
        { policies: ['lords-2024', 'broad-convicted'] },
      )
      before.policies.forEach((evaluation, i) => {
        if (evaluation.outcome === 'eligible') assert.equal(after.policies[i]?.outcome, 'eligible', evaluation.policy)
      })
    }),
    { numRuns: 400 },
  )
})
