import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { day } from '../../src/domain/dates/day.ts'
import { evaluate, iso, missingFacts, rules, warningCodes } from '../support/evaluate.ts'
import { assaultConviction, incident, personRecord, rosh, stalkingConviction, victim } from '../support/records.ts'

describe('lords-2024: specified offence, serial or high risk, released on licence', () => {
  test('the issue example: one s.4A conviction, 18 months custody, RoSH high: eligible with SOA s.82 consequences', () => {
    const record = personRecord({
      convictions: [stalkingConviction()],
      riskAssessments: [rosh('R-1', '2024-11-20', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'eligible')
    assert.deepEqual(rules(result), {
      'convicted-of-specified-offence': true,
      'relevant-serial-offender': false,
      'high-risk-of-serious-harm': true,
      'released-on-licence': true,
    })
    const risk = result.reasons.find((r) => r.rule === 'high-risk-of-serious-harm')
    assert.deepEqual(risk?.facts, ['R-1'])
    assert.match(risk?.provision ?? '', /s\.80A\(2\)\(b\)/)
    const c = result.consequences
    assert.ok(c)
    assert.deepEqual(c.notificationPeriod, { years: 10, months: 120 })
    assert.equal(iso(c.periodStart), '2024-03-01')
    assert.equal(iso(c.periodLastDay), '2034-02-28')
    assert.equal(iso(c.initialNotificationDue), '2024-12-03')
    assert.equal(c.earliestReview, null)
    assert.equal(c.mappaCategory, 1)
    assert.equal(c.mappaLevelProposed, 2)
    assert.equal(c.indexFact, 'C-1')
  })

  test('no RoSH assessment and one conviction: needs review, naming the missing assessment', () => {
    const result = evaluate(personRecord({ convictions: [stalkingConviction()] }), 'lords-2024')
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['riskAssessments[rosh]'])
    assert.equal(result.consequences, null)
  })

  test('a medium RoSH and one conviction: not eligible', () => {
    const record = personRecord({
      convictions: [stalkingConviction()],
      riskAssessments: [rosh('R-1', '2024-11-20', 'medium')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'not-eligible')
    assert.deepEqual(result.missing, [])
  })

  test('the latest RoSH decides by default; "any" counts an earlier high one', () => {
    const record = personRecord({
      convictions: [stalkingConviction()],
      riskAssessments: [rosh('R-1', '2023-01-10', 'very-high'), rosh('R-2', '2025-01-10', 'medium')],
    })
    assert.equal(evaluate(record, 'lords-2024').outcome, 'not-eligible')
    assert.equal(evaluate(record, 'lords-2024', { riskAssessmentUsed: 'any' }).outcome, 'eligible')
  })

  test('an assessment older than the maximum age counts as missing', () => {
    const record = personRecord({
      convictions: [stalkingConviction()],
      riskAssessments: [rosh('R-1', '2020-01-10', 'high')],
    })
    const result = evaluate(record, 'lords-2024', { riskAssessmentMaxAgeMonths: 24 })
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['riskAssessments[rosh]'])
  })

  test('two specified convictions on separate occasions make a serial offender without any RoSH', () => {
    const record = personRecord({ convictions: [assaultConviction(), stalkingConviction()] })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'eligible')
    const serial = result.reasons.find((r) => r.rule === 'relevant-serial-offender')
    assert.deepEqual(serial?.facts, ['C-2', 'C-1'])
  })

  test('two convictions on the same occasion are not serial by default, but are under "separate-convictions"', () => {
    const record = personRecord({
      convictions: [assaultConviction({ date: '2024-03-01' }), stalkingConviction()],
      riskAssessments: [rosh('R-1', '2024-11-20', 'low')],
    })
    assert.equal(evaluate(record, 'lords-2024').outcome, 'not-eligible')
    assert.equal(evaluate(record, 'lords-2024', { serialCounting: 'separate-convictions' }).outcome, 'eligible')
  })

  test('a serial window excludes convictions too far apart', () => {
    const record = personRecord({
      convictions: [assaultConviction({ date: '2014-06-15', offenceDate: '2014-05-01' }), stalkingConviction()],
      riskAssessments: [rosh('R-1', '2024-11-20', 'low')],
    })
    assert.equal(evaluate(record, 'lords-2024').outcome, 'eligible')
    assert.equal(evaluate(record, 'lords-2024', { serialWindowYears: 5 }).outcome, 'not-eligible')
  })

  test('serial but never in custody: not eligible under lords-2024, eligible under broad-convicted', () => {
    const record = personRecord({
      convictions: [
        assaultConviction(),
        stalkingConviction({ date: '2025-03-03', disposal: { type: 'community', months: 18 }, releasedOn: undefined }),
      ],
    })
    const lords = evaluate(record, 'lords-2024')
    assert.equal(lords.outcome, 'not-eligible')
    assert.equal(rules(lords)['released-on-licence'], false)
    const broad = evaluate(record, 'broad-convicted')
    assert.equal(broad.outcome, 'eligible')
    // The latest qualifying conviction is C-1 (community order): 5 years, notification 3 days from conviction.
    assert.deepEqual(broad.consequences?.notificationPeriod, { years: 5, months: 60 })
    assert.equal(iso(broad.consequences?.initialNotificationDue), '2025-03-05')
    assert.equal(iso(broad.consequences?.periodLastDay), '2030-03-02')
  })

  test('a suspended sentence is not custody with release on licence', () => {
    const record = personRecord({
      convictions: [
        assaultConviction(),
        stalkingConviction({ disposal: { type: 'custody', months: 18, suspended: true }, releasedOn: undefined }),
      ],
    })
    assert.equal(evaluate(record, 'lords-2024').outcome, 'not-eligible')
    assert.equal(evaluate(record, 'broad-convicted').outcome, 'eligible')
  })

  test('a DA offence without the CPS flag recorded needs review, naming the flag', () => {
    const record = personRecord({
      convictions: [
        assaultConviction({
          domesticAbuse: undefined,
          disposal: { type: 'custody', months: 8 },
          releasedOn: '2021-10-01',
        }),
      ],
      riskAssessments: [rosh('R-1', '2021-09-01', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['C-2.domesticAbuse'])
    assert.equal(evaluate(record, 'lords-2024', { domesticAbuseReading: 'definition-only' }).outcome, 'eligible')
  })

  test('a victim under 16 means the assault is not domestic abuse (DA Act s.1(2))', () => {
    const record = personRecord({
      convictions: [
        assaultConviction({
          victims: [victim('V-3', 'child', 15)],
          disposal: { type: 'custody', months: 8 },
          releasedOn: '2021-10-01',
        }),
      ],
      riskAssessments: [rosh('R-1', '2021-09-01', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'not-eligible')
    assert.match(result.reasons[0]?.explanation ?? '', /16 or over and personally connected/)
  })

  test('a stranger victim is not personally connected, but a stalking offence is specified regardless', () => {
    const assault = assaultConviction({
      victims: [victim('V-3', 'stranger', 40)],
      disposal: { type: 'custody', months: 8 },
      releasedOn: '2021-10-01',
    })
    const high = rosh('R-1', '2024-11-20', 'high')
    assert.equal(
      evaluate(personRecord({ convictions: [assault], riskAssessments: [high] }), 'lords-2024').outcome,
      'not-eligible',
    )
    const stalking = stalkingConviction({ victims: [victim('V-3', 'stranger', 40)], domesticAbuse: false })
    assert.equal(
      evaluate(personRecord({ convictions: [stalking], riskAssessments: [high] }), 'lords-2024').outcome,
      'eligible',
    )
  })

  test('an offender under 16 at the time is not a DA offender; a missing offence date is a missing fact', () => {
    const young = personRecord({
      dateOfBirth: '2007-01-01',
      convictions: [
        assaultConviction({
          date: '2023-03-01',
          offenceDate: '2022-12-01',
          disposal: { type: 'custody', months: 8 },
          releasedOn: '2023-06-01',
        }),
      ],
      riskAssessments: [rosh('R-1', '2023-05-01', 'high')],
    })
    assert.equal(evaluate(young, 'lords-2024').outcome, 'not-eligible')
    const undated = personRecord({
      convictions: [
        assaultConviction({
          offenceDate: undefined,
          disposal: { type: 'custody', months: 8 },
          releasedOn: '2021-10-01',
        }),
      ],
      riskAssessments: [rosh('R-1', '2021-09-01', 'high')],
    })
    const result = evaluate(undated, 'lords-2024')
    assert.equal(result.outcome, 'needs-review')
    assert.deepEqual(missingFacts(result), ['C-2.offenceDate'])
  })

  test('violent resistance makes an otherwise eligible person needs-review, never eligible', () => {
    const record = personRecord({
      convictions: [stalkingConviction({ context: { violentResistance: true } })],
      riskAssessments: [rosh('R-1', '2024-11-20', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'needs-review')
    assert.equal(rules(result)['possible-misidentified-victim'], true)
    assert.ok(missingFacts(result).includes('primaryPerpetrator'))
    assert.equal(result.consequences, null)
  })

  test('recorded as the victim of the same counterpart: needs review', () => {
    const record = personRecord({
      convictions: [stalkingConviction()],
      incidents: [incident('I-1', '2023-06-01', 'V-1', 'partner', { role: 'victim' })],
      riskAssessments: [rosh('R-1', '2024-11-20', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'needs-review')
    const check = result.reasons.find((r) => r.rule === 'possible-misidentified-victim')
    assert.deepEqual(check?.facts, ['I-1', 'C-1'])
  })

  test('the check stays a warning when the person is not eligible anyway', () => {
    const record = personRecord({
      convictions: [stalkingConviction({ context: { violentResistance: true } })],
      riskAssessments: [rosh('R-1', '2024-11-20', 'low')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'not-eligible')
    assert.ok(warningCodes(result).includes('possible-misidentified-victim'))
  })

  test('under 18 on the relevant date: the 10-year period is halved', () => {
    const record = personRecord({
      dateOfBirth: '2007-06-01',
      convictions: [stalkingConviction({ offenceDate: '2023-12-10', victims: [victim('V-1', 'ex-partner', 17)] })],
      riskAssessments: [rosh('R-1', '2024-11-20', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'eligible')
    assert.deepEqual(result.consequences?.notificationPeriod, { years: 5, months: 60 })
    assert.equal(iso(result.consequences?.periodLastDay), '2029-02-28')
  })

  test('30 months custody: indefinite, with the earliest s.91B review 15 years from first notification', () => {
    const record = personRecord({
      convictions: [
        stalkingConviction({
          date: '2024-09-02',
          offenceDate: '2024-01-05',
          disposal: { type: 'custody', months: 30 },
          releasedOn: '2026-01-10',
        }),
      ],
      riskAssessments: [rosh('R-1', '2025-11-20', 'very-high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'eligible')
    assert.deepEqual(result.consequences?.notificationPeriod, { indefinite: true })
    assert.equal(result.consequences?.periodLastDay, null)
    assert.equal(iso(result.consequences?.initialNotificationDue), '2026-01-12')
    assert.equal(iso(result.consequences?.earliestReview), '2041-01-12')
    assert.ok(warningCodes(result).includes('review-date-assumes-first-notification'))
  })

  test('still in custody with no release date: eligible (due to be released), deadline unknown', () => {
    const record = personRecord({
      convictions: [stalkingConviction({ date: '2026-06-01', offenceDate: '2026-01-10', releasedOn: undefined })],
      riskAssessments: [rosh('R-1', '2026-07-01', 'high')],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'eligible')
    assert.equal(result.consequences?.initialNotificationDue, null)
    assert.ok(warningCodes(result).includes('release-date-unknown'))
  })

  test('retrospectivity: counted with a warning by default, excluded by the setting', () => {
    const record = personRecord({
      convictions: [
        assaultConviction({ disposal: { type: 'custody', months: 8 }, releasedOn: '2021-10-01' }),
        stalkingConviction(),
      ],
    })
    const counted = evaluate(record, 'lords-2024')
    assert.equal(counted.outcome, 'eligible')
    assert.ok(warningCodes(counted).includes('retrospective-counted'))
    const excluded = evaluate(record, 'lords-2024', { countPreCommencement: false })
    assert.equal(excluded.outcome, 'not-eligible')
    assert.ok(warningCodes(excluded).includes('retrospective-excluded'))
  })

  test('release before commencement: the initial notification is due from commencement', () => {
    const record = personRecord({
      convictions: [
        assaultConviction({ disposal: { type: 'custody', months: 8 }, releasedOn: '2021-10-01' }),
        assaultConviction({
          id: 'C-3',
          date: '2022-01-10',
          offenceDate: '2021-12-01',
          disposal: { type: 'custody', months: 4 },
          releasedOn: '2022-03-01',
        }),
      ],
    })
    const result = evaluate(record, 'lords-2024')
    assert.equal(result.outcome, 'eligible')
    assert.equal(iso(result.consequences?.initialNotificationDue), '2024-05-23')
    assert.deepEqual(result.consequences?.notificationPeriod, { years: 7, months: 84 })
    assert.ok(warningCodes(result).includes('initial-notification-from-commencement'))
  })

  test('licenceMustBeCurrent: a sentence that ended before the as-of date does not count', () => {
    const record = personRecord({
      convictions: [
        assaultConviction({ disposal: { type: 'custody', months: 8 }, releasedOn: '2021-10-01' }),
        stalkingConviction(),
      ],
    })
    assert.equal(evaluate(record, 'lords-2024', { licenceMustBeCurrent: true }).outcome, 'not-eligible')
    const current = personRecord({
      convictions: [assaultConviction(), stalkingConviction({ disposal: { type: 'custody', months: 36 } })],
    })
    assert.equal(evaluate(current, 'lords-2024', { licenceMustBeCurrent: true }).outcome, 'eligible')
  })

  test('cautions count only when the setting says so', () => {
    const record = personRecord({
      convictions: [stalkingConviction({ disposal: { type: 'fine' }, releasedOn: undefined })],
      cautions: [
        {
          id: 'K-1',
          date: day('2022-05-01'),
          offenceDate: day('2022-04-20'),
          offence: 'CJA1988-s39',
          domesticAbuse: true,
          victims: [victim('V-1', 'partner', 30)],
        },
      ],
    })
    assert.equal(evaluate(record, 'broad-convicted').outcome, 'needs-review')
    assert.equal(evaluate(record, 'broad-convicted', { includeCautions: true }).outcome, 'eligible')
    const undated = { ...record, cautions: record.cautions.map(({ offenceDate: _, ...k }) => k) }
    assert.deepEqual(missingFacts(evaluate(undated, 'broad-convicted', { includeCautions: true })), [
      'K-1.offenceDate',
      'riskAssessments[rosh]',
    ])
  })

  test('index conviction: the latest, or the one whose period ends last', () => {
    const record = personRecord({
      convictions: [
        assaultConviction({
          id: 'C-2',
          date: '2021-06-15',
          disposal: { type: 'custody', months: 36 },
          releasedOn: '2022-12-01',
        }),
        stalkingConviction(),
      ],
    })
    assert.equal(evaluate(record, 'lords-2024').consequences?.indexFact, 'C-1')
    const longest = evaluate(record, 'lords-2024', { indexConviction: 'longest-period' })
    assert.equal(longest.consequences?.indexFact, 'C-2')
    assert.deepEqual(longest.consequences?.notificationPeriod, { indefinite: true })
  })
})
