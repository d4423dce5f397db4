import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { addDays, day, formatDay } from '../dates/day.ts'
import { defaultLegalSettings } from '../settings/legal-settings.ts'
import { isSuspectedBreach, type ObligationInput, obligationsOf, type ReceivedNotification } from './obligations.ts'
import { defaultRegisterSettings } from './settings.ts'

const base = (overrides: Partial<ObligationInput> = {}): ObligationInput => ({
  registration: {
    registeredOn: day('2026-01-05'),
    initialDue: day('2026-01-07'),
    lastDay: day('2036-01-04'),
    noFixedAbode: false,
    inCustody: false,
    notificationDuties: true,
    riskLevel: 'high',
  },
  notifications: [],
  visits: [],
  asOf: day('2026-01-06'),
  settings: defaultRegisterSettings,
  legal: defaultLegalSettings,
  ...overrides,
})
const n = (
  id: string,
  kind: ReceivedNotification['kind'],
  receivedOn: string,
  extra: Partial<ReceivedNotification> = {},
): ReceivedNotification => ({
  id,
  kind,
  receivedOn: day(receivedOn),
  ...extra,
})
const find = (input: ObligationInput, key: string) => obligationsOf(input).find((o) => o.key === key)

describe('obligations (SOA 2003 ss.83-86)', () => {
  test('the initial notification is due, then overdue the day after its deadline (s.83(1))', () => {
    assert.equal(find(base(), 'initial')?.status, 'due')
    assert.equal(find(base({ asOf: day('2026-01-07') }), 'initial')?.status, 'due')
    const missed = find(base({ asOf: day('2026-01-08') }), 'initial')
    assert.equal(missed?.status, 'overdue')
    assert.ok(missed && isSuspectedBreach(missed))
  })

  test('while in custody nothing is overdue (s.83(6))', () => {
    const input = base({ asOf: day('2026-03-01') })
    input.registration = { ...input.registration, inCustody: true }
    assert.equal(find(input, 'initial')?.status, 'upcoming')
    assert.equal(
      obligationsOf(input).some((o) => o.kind === 'home-visit'),
      false,
      'no home visit while in custody',
    )
  })

  test('annual notification one year after the last s.83/84/85 notification; travel does not restart it (s.85)', () => {
    const input = base({
      asOf: day('2026-12-28'),
      notifications: [
        n('a', 'initial', '2026-01-06'),
        n('t', 'travel', '2026-06-01', { departureDate: day('2026-06-20') }),
      ],
    })
    const periodic = obligationsOf(input).find((o) => o.kind === 'periodic-notification')
    assert.equal(periodic?.key, 'periodic:2026-01-06')
    assert.equal(formatDay(periodic?.dueOn ?? day('2000-01-01')), '2027-01-06')
    assert.equal(periodic?.status, 'due')
    const changed = base({
      asOf: day('2026-12-20'),
      notifications: [
        n('a', 'initial', '2026-01-06'),
        n('c', 'change', '2026-04-02', { eventDate: day('2026-04-01') }),
      ],
    })
    const next = obligationsOf(changed).find((o) => o.kind === 'periodic-notification')
    assert.equal(next?.key, 'periodic:2026-04-02')
  })

  test('no fixed abode: weekly (SI 2012/1876)', () => {
    const input = base({ asOf: day('2026-01-20'), notifications: [n('a', 'initial', '2026-01-06')] })
    input.registration = { ...input.registration, noFixedAbode: true }
    const periodic = obligationsOf(input).find((o) => o.kind === 'periodic-notification')
    assert.equal(formatDay(periodic?.dueOn ?? day('2000-01-01')), '2026-01-13')
    assert.equal(periodic?.status, 'overdue')
  })

  test('a change notified on the third day is on time; on the fourth it is late (s.84(1))', () => {
    const onTime = find(
      base({ notifications: [n('c', 'change', '2026-03-03', { eventDate: day('2026-03-01') })] }),
      'change:c',
    )
    assert.equal(onTime?.status, 'met')
    const late = find(
      base({ notifications: [n('c', 'change', '2026-03-04', { eventDate: day('2026-03-01') })] }),
      'change:c',
    )
    assert.equal(late?.status, 'met-late')
  })

  test('travel: at least 7 days before departure, or before departure when details were not known (s.86)', () => {
    const sevenDays = find(
      base({ notifications: [n('t', 'travel', '2026-06-03', { departureDate: day('2026-06-10') })] }),
      'travel:t',
    )
    assert.equal(sevenDays?.status, 'met')
    const six = find(
      base({ notifications: [n('t', 'travel', '2026-06-04', { departureDate: day('2026-06-10') })] }),
      'travel:t',
    )
    assert.equal(six?.status, 'met-late')
    const shortNotice = find(
      base({
        notifications: [n('t', 'travel', '2026-06-09', { departureDate: day('2026-06-10'), shortNotice: true })],
      }),
      'travel:t',
    )
    assert.equal(shortNotice?.status, 'met')
  })

  test('nothing falls due after the last day of the period', () => {
    const input = base({
      asOf: day('2036-06-01'),
      notifications: [n('a', 'initial', '2026-01-06'), n('p', 'periodic', '2035-03-01')],
    })
    const periodic = obligationsOf(input).filter((o) => o.kind === 'periodic-notification')
    // The years with no notification show as one late obligation; none falls due after 4 January 2036.
    assert.deepEqual(
      periodic.map((o) => o.status),
      ['met-late'],
    )
    assert.ok(periodic.every((o) => formatDay(o.dueOn) <= '2036-01-04'))
  })

  test('home visits: first within 28 days, then by risk level; an agency duty, never a registrant breach', () => {
    const first = obligationsOf(base({ asOf: day('2026-02-03') })).find((o) => o.kind === 'home-visit')
    assert.equal(first?.key, 'visit:first')
    assert.equal(first?.status, 'overdue')
    assert.equal(first && isSuspectedBreach(first), false)
    const after = obligationsOf(
      base({ asOf: day('2026-02-03'), visits: [{ visitedOn: day('2026-01-20'), outcome: 'seen' }] }),
    ).find((o) => o.kind === 'home-visit')
    assert.equal(formatDay(after?.dueOn ?? day('2000-01-01')), '2026-03-17')
  })

  test('without notification duties only the visits remain', () => {
    const input = base({ asOf: day('2027-01-01') })
    input.registration = { ...input.registration, notificationDuties: false }
    assert.deepEqual(
      obligationsOf(input).map((o) => o.kind),
      ['home-visit'],
    )
  })

  test('properties: keys are unique, and a met obligation stays met whatever the date', () => {
    const dayArb = fc.integer({ min: 0, max: 2000 }).map((offset) => addDays(day('2026-01-05'), offset))
    const notification = fc.record({
      kind: fc.constantFrom('initial', 'change', 'periodic', 'travel') as fc.Arbitrary<ReceivedNotification['kind']>,
      receivedOn: dayArb,
      gap: fc.integer({ min: 0, max: 10 }),
    })
    fc.assert(
      fc.property(fc.array(notification, { maxLength: 12 }), dayArb, dayArb, (raw, asOf1, asOf2) => {
        const notifications = raw.map((r, i) => ({
          id: `n${i}`,
          kind: r.kind,
          receivedOn: r.receivedOn,
          ...(r.kind === 'change' ? { eventDate: addDays(r.receivedOn, -r.gap) } : {}),
          ...(r.kind === 'travel' ? { departureDate: addDays(r.receivedOn, r.gap) } : {}),
        }))
        const early = obligationsOf(base({ notifications, asOf: Math.min(asOf1, asOf2) as typeof asOf1 }))
        const late = obligationsOf(base({ notifications, asOf: Math.max(asOf1, asOf2) as typeof asOf1 }))
        assert.equal(new Set(late.map((o) => o.key)).size, late.length)
        for (const o of early) {
          if (o.status === 'met' || o.status === 'met-late')
            assert.equal(late.find((x) => x.key === o.key)?.status, o.status)
        }
      }),
      { numRuns: 300 },
    )
  })
})
