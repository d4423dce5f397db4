import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { evaluate, iso, missingFacts, rules, warningCodes } from '../support/evaluate.ts'
import {
  assaultConviction,
  conviction,
  incident,
  personRecord,
  rosh,
  stalkingConviction,
  victim,
} from '../support/records.ts'

function ccb(months: number, extra: Parameters<typeof conviction>[0] extends infer T ? Partial<T> : never = {}) {
  return conviction({
    id: 'C-5',
    date: '2025-03-10',
    offenceDate: '2024-10-01',
    offence: 'SCA2015-s76',
    domesticAbuse: true,
    victims: [victim('V-1', 'partner', 34)],
    disposal: { type: 'custody', months },
    releasedOn: '2025-09-10',
    ...extra,
  })
}

describe('commons-2024-in-lieu: CCB with 12 months or more is MAPPA Category 2', () => {
  test('CCB with 12 months custody: eligible, Category 2 while the sentence runs, no notification', () => {
    const result = evaluate(personRecord({ convictions: [ccb(12)] }), 'commons-2024-in-lieu')
    assert.equal(result.outcome, 'eligible')
    const c = result.consequences
    assert.equal(c?.effect, 'mappa-management')
    assert.equal(c?.notificationPeriod, null)
    assert.equal(c?.periodLastDay, null)
    // 12 months beginning with 10 March 2025 ends on 9 March 2026, before the as-of date.
    assert.equal(c?.mappaCategory, null)
    assert.match(c?.mappaBasis ?? '', /ended/)
    const current = evaluate(personRecord({ convictions: [ccb(24)] }), 'commons-2024-in-lieu')
    assert.equal(current.consequences?.mappaCategory, 2)
  })

  test('11 months is below the threshold; 12 months suspended and a hospital order qualify', () => {
    assert.equal(evaluate(personRecord({ convictions: [ccb(11)] }), 'commons-2024-in-lieu').outcome, 'not-eligible')
    const suspended = ccb(12, { disposal: { type: 'custody', months: 12, suspended: true }, releasedOn: undefined })
    assert.equal(evaluate(personRecord({ convictions: [suspended] }), 'commons-2024-in-lieu').outcome, 'eligible')
    const hospital = ccb(0, { disposal: { type: 'hospital-order', restriction: false }, releasedOn: undefined })
    assert.equal(evaluate(personRecord({ convictions: [hospital] }), 'commons-2024-in-lieu').outcome, 'eligible')
  })

  test('a sentence that ended before 3 February 2025 is not covered unless the setting says so', () => {
    const old = ccb(12, { date: '2019-01-10', offenceDate: '2018-06-01', releasedOn: '2019-07-10' })
    const result = evaluate(personRecord({ convictions: [old] }), 'commons-2024-in-lieu')
    assert.equal(result.outcome, 'not-eligible')
    assert.equal(rules(result)['under-sentence-at-commencement'], false)
    assert.equal(
      evaluate(personRecord({ convictions: [old] }), 'commons-2024-in-lieu', {
        requireSentenceRunningAtCommencement: false,
      }).outcome,
      'eligible',
    )
  })

  test('stalking is not CCB', () => {
    const result = evaluate(
      personRecord({ convictions: [stalkingConviction({ disposal: { type: 'custody', months: 24 } })] }),
      'commons-2024-in-lieu',
    )
    assert.equal(result.outcome, 'not-eligible')
    assert.equal(rules(result)['ccb-conviction'], false)
  })
})

describe('saville-roberts-2020: anyone convicted of an offence that constitutes DA', () => {
  test('one DA-flagged assault on a partner: on the register indefinitely, with the 14-day relationship duty', () => {
    const result = evaluate(personRecord({ convictions: [assaultConviction()] }), 'saville-roberts-2020')
    assert.equal(result.outcome, 'eligible')
    assert.equal(result.consequences?.effect, 'register-entry')
    assert.deepEqual(result.consequences?.notificationPeriod, { indefinite: true })
    assert.equal(iso(result.consequences?.periodStart), '2021-06-15')
    assert.ok(result.consequences?.provisions.some((p) => p.includes('within 14 days')))
    assert.equal(result.consequences?.considerRightToKnow, true)
  })

  test('stalking a stranger is not domestic abuse', () => {
    const stalking = stalkingConviction({ domesticAbuse: false, victims: [victim('V-9', 'stranger', 25)] })
    assert.equal(evaluate(personRecord({ convictions: [stalking] }), 'saville-roberts-2020').outcome, 'not-eligible')
  })

  test('an unknown relationship is a missing fact', () => {
    const result = evaluate(
      personRecord({ convictions: [assaultConviction({ victims: [victim('V-1', undefined, 30)] })] }),
      'saville-roberts-2020',
    )
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['C-2.victims[V-1].relationship'])
  })
})

describe('npcc-serial: two or more partner or family victims reported within 3 years', () => {
  test('two partners reported within the last 3 years: identified, labelled identification only', () => {
    const record = personRecord({
      incidents: [incident('I-1', '2024-02-01', 'V-2', 'ex-partner'), incident('I-2', '2025-06-01', 'V-3', 'partner')],
    })
    const result = evaluate(record, 'npcc-serial')
    assert.equal(result.outcome, 'eligible')
    assert.equal(result.consequences?.effect, 'identification-only')
    assert.equal(result.consequences?.notificationPeriod, null)
    assert.ok(warningCodes(result).includes('identification-only'))
    assert.deepEqual(result.reasons[0]?.facts, ['I-1', 'I-2'])
  })

  test('the same victim twice is repeat, not serial', () => {
    const record = personRecord({
      incidents: [incident('I-1', '2024-02-01', 'V-2', 'partner'), incident('I-2', '2025-06-01', 'V-2', 'partner')],
    })
    assert.equal(evaluate(record, 'npcc-serial').outcome, 'not-eligible')
  })

  test('a report outside the rolling window does not count, unless any window is allowed', () => {
    const record = personRecord({
      incidents: [incident('I-1', '2023-11-24', 'V-2', 'partner'), incident('I-2', '2025-06-01', 'V-3', 'partner')],
    })
    assert.equal(evaluate(record, 'npcc-serial').outcome, 'not-eligible')
    const inside = personRecord({
      incidents: [incident('I-1', '2023-11-25', 'V-2', 'partner'), incident('I-2', '2025-06-01', 'V-3', 'partner')],
    })
    assert.equal(evaluate(inside, 'npcc-serial').outcome, 'eligible')
    assert.equal(evaluate(record, 'npcc-serial', { window: 'any' }).outcome, 'eligible')
  })

  test('a stranger does not count; an unknown relationship is a missing fact', () => {
    const stranger = personRecord({
      incidents: [incident('I-1', '2024-02-01', 'V-2', 'partner'), incident('I-2', '2025-06-01', 'V-3', 'stranger')],
    })
    assert.equal(evaluate(stranger, 'npcc-serial').outcome, 'not-eligible')
    const unknown = personRecord({
      incidents: [incident('I-1', '2024-02-01', 'V-2', 'partner'), incident('I-2', '2025-06-01', 'V-3')],
    })
    const result = evaluate(unknown, 'npcc-serial')
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['I-2.relationship'])
  })

  test('a conviction is a report too, dated by the offence', () => {
    const record = personRecord({
      convictions: [assaultConviction({ date: '2025-01-15', offenceDate: '2024-12-01' })],
      incidents: [incident('I-1', '2025-06-01', 'V-3', 'sibling')],
    })
    assert.equal(evaluate(record, 'npcc-serial').outcome, 'eligible')
    assert.equal(evaluate(record, 'npcc-serial', { includeConvictionsAndCautions: false }).outcome, 'not-eligible')
  })
})

describe('guam-fvr: two family violence convictions, or one with a weapon or sexual violence', () => {
  test('two family violence convictions: listed, removal petition 10 years after the last', () => {
    const record = personRecord({ convictions: [assaultConviction(), stalkingConviction()] })
    const result = evaluate(record, 'guam-fvr')
    assert.equal(result.outcome, 'eligible')
    assert.equal(result.consequences?.effect, 'public-listing')
    assert.equal(iso(result.consequences?.earliestReview), '2034-03-01')
    assert.ok(warningCodes(result).includes('public-listing-unlawful-here'))
  })

  test('one conviction with a weapon: listed; with neither weapon nor sexual violence: not', () => {
    const weapon = assaultConviction({ context: { weaponUsed: true, sexualViolence: false } })
    assert.equal(evaluate(personRecord({ convictions: [weapon] }), 'guam-fvr').outcome, 'eligible')
    assert.equal(evaluate(personRecord({ convictions: [assaultConviction()] }), 'guam-fvr').outcome, 'not-eligible')
  })

  test('one conviction whose context is not recorded: needs review, naming both facts', () => {
    const result = evaluate(personRecord({ convictions: [assaultConviction({ context: {} })] }), 'guam-fvr')
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['C-2.context.weaponUsed', 'C-2.context.sexualViolence'])
  })

  test('rape of a partner is sexual violence by its nature', () => {
    const rape = conviction({
      id: 'C-7',
      date: '2022-04-01',
      offenceDate: '2021-08-01',
      offence: 'SOA2003-s1',
      domesticAbuse: true,
      victims: [victim('V-1', 'spouse', 30)],
      disposal: { type: 'custody', months: 96 },
      releasedOn: '2026-04-01',
    })
    assert.equal(evaluate(personRecord({ convictions: [rape] }), 'guam-fvr').outcome, 'eligible')
  })
})

describe('every policy applies the misidentified-victim check', () => {
  test('an otherwise eligible person recorded as violent resistance is never eligible', () => {
    const flagged = { context: { violentResistance: true, weaponUsed: true, sexualViolence: false } }
    const record = personRecord({
      convictions: [assaultConviction(flagged), stalkingConviction(flagged), ccb(24)],
      incidents: [incident('I-1', '2024-02-01', 'V-2', 'ex-partner'), incident('I-2', '2025-06-01', 'V-3', 'partner')],
      riskAssessments: [rosh('R-1', '2024-11-20', 'very-high')],
    })
    for (const policy of [
      'lords-2024',
      'broad-convicted',
      'commons-2024-in-lieu',
      'saville-roberts-2020',
      'npcc-serial',
      'guam-fvr',
    ] as const) {
      const result = evaluate(record, policy)
      assert.equal(result.outcome, 'needs-review', policy)
      assert.equal(result.consequences, null, policy)
    }
  })
})
