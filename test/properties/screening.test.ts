import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { syntheticPerson } from '../../bench/synthetic-records.ts'
import { explanationToJson } from '../../src/contracts/explain-output.ts'
import { prepareCaseFacts } from '../../src/domain/eligibility/case-facts.ts'
import type { PolicyId } from '../../src/domain/explain/evaluation.ts'
import { explainPerson } from '../../src/domain/explain/explain.ts'
import { policies } from '../../src/domain/policies/registry.ts'
import type { PersonRecord } from '../../src/domain/record/person-record.ts'
import { rehabilitation } from '../../src/domain/rehabilitation/spent.ts'
import { defaultLegalSettings } from '../../src/domain/settings/legal-settings.ts'
import { recordArb } from '../support/record-arbitrary.ts'

// The screening pass (decision 0004) gives every outcome without building
// findings; the full evaluation builds them when they are read. The two must
// agree on every record and every setting: these properties hold them to it,
// and hold explainPerson's lazily built details to a direct full evaluation.

const reading = fc.constantFrom('flag-and-definition' as const, 'flag-only' as const, 'definition-only' as const)
const counting = { countPreCommencement: fc.boolean(), countSpentConvictions: fc.boolean() }

const serialSeriousHarm = fc.record({
  domesticAbuseReading: reading,
  serialCounting: fc.constantFrom('separate-occasions' as const, 'separate-convictions' as const),
  serialWindowYears: fc.option(fc.integer({ min: -1, max: 12 }), { nil: null }),
  riskAssessmentUsed: fc.constantFrom('latest' as const, 'any' as const),
  riskAssessmentMaxAgeMonths: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
  ...counting,
  includeCautions: fc.boolean(),
  licenceMustBeCurrent: fc.boolean(),
  indexConviction: fc.constantFrom('latest' as const, 'longest-period' as const),
})

const settingsArb: fc.Arbitrary<Partial<Record<PolicyId, object>>> = fc.record(
  {
    'lords-2024': serialSeriousHarm,
    'broad-convicted': serialSeriousHarm,
    'commons-2024-in-lieu': fc.record({ ...counting, requireSentenceRunningAtCommencement: fc.boolean() }),
    'saville-roberts-2020': fc.record({
      domesticAbuseReading: reading,
      ...counting,
      newRelationshipNotificationDays: fc.integer({ min: 1, max: 30 }),
    }),
    'npcc-serial': fc.record({
      windowYears: fc.integer({ min: 0, max: 8 }),
      window: fc.constantFrom('ending-on-as-of' as const, 'any' as const),
      includeConvictionsAndCautions: fc.boolean(),
      coParentCounts: fc.boolean(),
    }),
    'guam-fvr': fc.record({
      domesticAbuseReading: reading,
      ...counting,
      removalAfterYears: fc.integer({ min: 1, max: 15 }),
    }),
  },
  { requiredKeys: [] },
)

/** Every policy evaluated directly, the full way, with the same settings explainPerson merges. */
function fullEvaluations(record: PersonRecord, settings: Partial<Record<PolicyId, object>> = {}) {
  const facts = prepareCaseFacts(record, defaultLegalSettings)
  return policies.map((policy) =>
    policy.evaluate(facts, { ...policy.defaults, ...settings[policy.id] }, defaultLegalSettings),
  )
}

function assertSame(record: PersonRecord, settings: Partial<Record<PolicyId, object>> = {}): void {
  const screened = explainPerson(record, { settings })
  const full = fullEvaluations(record, settings)
  screened.policies.forEach((evaluation, i) => {
    assert.equal(evaluation.outcome, full[i]?.outcome, `${evaluation.policy} on ${JSON.stringify(record)}`)
  })
  const json = explanationToJson(screened)
  assert.deepEqual(json, explanationToJson({ ...screened, policies: full, rehabilitation: rehabilitation(record) }))
}

test('the screening pass gives the full evaluation’s outcome for every record and setting', () => {
  fc.assert(
    fc.property(recordArb, settingsArb, (record, settings) => {
      const screened = explainPerson(record, { settings })
      const full = fullEvaluations(record, settings)
      screened.policies.forEach((evaluation, i) => {
        assert.equal(evaluation.outcome, full[i]?.outcome, evaluation.policy)
      })
    }),
    { numRuns: 3000 },
  )
})

test('details read from explainPerson are those of a direct full evaluation', () => {
  fc.assert(
    fc.property(recordArb, settingsArb, (record, settings) => assertSame(record, settings)),
    { numRuns: 300 },
  )
})

test('the screening pass agrees with the full evaluation on the benchmark’s synthetic persons', () => {
  for (let i = 0; i < 3000; i++) {
    const record = syntheticPerson(20261124, i)
    assertSame(record)
    assertSame(record, {
      'lords-2024': { licenceMustBeCurrent: true, countSpentConvictions: false, includeCautions: true },
      'broad-convicted': { domesticAbuseReading: 'definition-only', serialWindowYears: 3, riskAssessmentUsed: 'any' },
      'npcc-serial': { window: 'any', windowYears: 2, coParentCounts: false },
      'guam-fvr': { domesticAbuseReading: 'flag-only', countPreCommencement: false },
    })
  }
})
