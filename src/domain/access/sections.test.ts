import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  factSection,
  partnerShareable,
  type Reach,
  type Section,
  sections,
  victimView,
  visibleSections,
} from './sections.ts'

const roleNames = [
  'registrar',
  'offender-manager',
  'victim-liaison-officer',
  'mappa-coordinator',
  'partner-practitioner',
  'analyst',
  'auditor',
  'administrator',
]
const kinds = ['police', 'probation', 'prison', 'victim-liaison', 'mappa', 'partner']
const reaches: Reach[] = ['managing', 'co-managing', 'plan', 'need-to-know']
const viewer = fc.record({
  roles: fc.subarray(roleNames, { minLength: 1 }),
  organisationKind: fc.constantFrom(...kinds),
})
const reach = fc.constantFrom(...reaches)
const planShared = fc.subarray([...sections])

test('finance is shown only to police registrars and offender managers who manage or co-manage the case', () => {
  fc.assert(
    fc.property(viewer, reach, planShared, (v, r, plan) => {
      const sees = visibleSections(v, r, plan).has('finance')
      const policeManager =
        v.organisationKind === 'police' &&
        (r === 'managing' || r === 'co-managing') &&
        v.roles.some((role) => role === 'registrar' || role === 'offender-manager')
      assert.equal(sees, policeManager)
    }),
    { numRuns: 1000 },
  )
})

test('through a plan, a partner sees identity and what the plan shares, and never more than partners may be shown', () => {
  fc.assert(
    fc.property(viewer, planShared, (v, plan) => {
      const shown = visibleSections(v, 'plan', plan)
      for (const section of shown) {
        assert.ok(partnerShareable.includes(section), section)
        assert.ok(section === 'identity' || plan.includes(section), section)
      }
    }),
    { numRuns: 1000 },
  )
  const shown = visibleSections({ roles: ['partner-practitioner'], organisationKind: 'partner' }, 'plan', [
    'risk',
    'finance',
    'victims',
  ] as Section[])
  assert.deepEqual([...shown].sort(), ['identity', 'risk'])
})

test("victims' contact details: only victim liaison officers and the case's police managers", () => {
  fc.assert(
    fc.property(viewer, fc.option(reach, { nil: undefined }), (v, r) => {
      const view = victimView(v, r)
      const full =
        (r === 'managing' || r === 'co-managing') &&
        (v.roles.includes('victim-liaison-officer') ||
          (v.organisationKind === 'police' && v.roles.some((x) => x === 'registrar' || x === 'offender-manager')))
      assert.equal(view === 'full', full)
      if (r === 'plan' || r === 'need-to-know' || r === undefined) assert.equal(view, 'none')
    }),
    { numRuns: 1000 },
  )
})

test('analysts, auditors and administrators see no section of anyone, however they reach a record', () => {
  for (const role of ['analyst', 'auditor', 'administrator']) {
    for (const r of reaches) {
      assert.equal(visibleSections({ roles: [role], organisationKind: 'police' }, r, [...sections]).size, 0)
    }
  }
})

test('every section named by a fact kind is a known section', () => {
  for (const [kind, section] of Object.entries(factSection)) assert.ok(sections.includes(section), kind)
})
