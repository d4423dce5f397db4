import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { addDays, addYears, type Day, day, formatDay, maxDay } from '../../src/domain/dates/day.ts'
import { lastDayOfThreeDaysBeginningWith } from '../../src/domain/notification/deadlines.ts'
import {
  type Obligation,
  type ObligationInput,
  type ObligationStatus,
  obligationsOf,
  type ReceivedNotification,
  type Visit,
} from '../../src/domain/register/obligations.ts'
import { defaultRegisterSettings, type RiskLevel } from '../../src/domain/register/settings.ts'
import { defaultLegalSettings } from '../../src/domain/settings/legal-settings.ts'

// The compliance scan works out the obligations of every active registration,
// so `obligationsOf` was rewritten to allocate less (decision 0010). It must
// decide exactly as before: below is the implementation as it was before that
// change, unchanged, and the property that both give the same obligations, in
// the same order, with the same fields, for any registration, notifications
// (in any order), visits, date and settings.

const days = (from: string, to: string) =>
  fc.integer({ min: Number(day(from)), max: Number(day(to)) }).map((n) => n as Day)
const when = days('2015-01-01', '2030-12-31')
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined })
const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

const notification: fc.Arbitrary<ReceivedNotification> = fc
  .record({
    id: fc.uuid(),
    kind: fc.constantFrom<ReceivedNotification['kind']>(
      'initial',
      'change',
      'periodic',
      'travel',
      'travel-return',
      'release',
    ),
    receivedOn: when,
    eventDate: optional(when),
    departureDate: optional(when),
    shortNotice: optional(fc.boolean()),
  })
  .map(withoutUndefined)
const visit: fc.Arbitrary<Visit> = fc.record({
  visitedOn: when,
  outcome: fc.constantFrom<Visit['outcome']>('seen', 'not-seen', 'refused-entry'),
})
const input: fc.Arbitrary<ObligationInput> = fc.record({
  registration: fc
    .record({
      registeredOn: when,
      initialDue: optional(when),
      notificationDuties: fc.boolean(),
      lastDay: optional(when),
      noFixedAbode: fc.boolean(),
      inCustody: fc.boolean(),
      riskLevel: optional(fc.constantFrom<RiskLevel>('low', 'medium', 'high', 'very-high')),
    })
    .map(withoutUndefined),
  // Few distinct days, so that notifications often share one.
  notifications: fc.array(
    fc.oneof(
      notification,
      notification.map((n) => ({ ...n, receivedOn: day('2026-01-05') })),
    ),
    { maxLength: 8 },
  ),
  visits: fc.array(visit, { maxLength: 4 }),
  asOf: when,
  settings: fc.constantFrom(defaultRegisterSettings, {
    ...defaultRegisterSettings,
    noFixedAbodeIntervalDays: 30,
    periodicIntervalYears: 2,
    dueSoonDays: 0,
  }),
  legal: fc.constantFrom(defaultLegalSettings, { ...defaultLegalSettings, threeDayReading: 'after-day' as const }),
})

describe('obligations, rewritten for the scan', () => {
  test('the same obligations as before the rewrite, field for field and in the same order', () => {
    fc.assert(
      fc.property(input, (given) => {
        const before = JSON.stringify(given)
        const now = obligationsOf(given)
        const reference = referenceObligationsOf(given)
        assert.deepStrictEqual(now, reference)
        assert.equal(JSON.stringify(now), JSON.stringify(reference), 'fields in the same order')
        assert.equal(JSON.stringify(given), before, 'the input is left as it was')
      }),
      { numRuns: 3000 },
    )
  })

  test('registrations of ten years with weekly notifications, late and on time', () => {
    const registeredOn = day('2016-03-01')
    const notifications: ReceivedNotification[] = [{ id: 'i', kind: 'initial', receivedOn: registeredOn }]
    for (let i = 1; i < 500; i++)
      notifications.push({ id: `p${i}`, kind: 'periodic', receivedOn: addDays(registeredOn, i * 7 + (i % 5)) })
    for (const noFixedAbode of [true, false]) {
      const given: ObligationInput = {
        registration: {
          registeredOn,
          initialDue: addDays(registeredOn, 2),
          notificationDuties: true,
          noFixedAbode,
          inCustody: false,
        },
        notifications: [...notifications].reverse(),
        visits: [],
        asOf: day('2026-11-24'),
        settings: defaultRegisterSettings,
        legal: defaultLegalSettings,
      }
      assert.deepStrictEqual(obligationsOf(given), referenceObligationsOf(given))
    }
  })
})

// ---------------------------------------------------------------------------
// `obligationsOf` as it was before the scan's rewrite (src/domain/register/obligations.ts at decision 0010's first version).

function referenceObligationsOf(input: ObligationInput): Obligation[] {
  const { registration, asOf } = input
  const notifications = [...input.notifications].sort((a, b) => a.receivedOn - b.receivedOn)
  const open = (dueOn: Day): ObligationStatus => {
    if (asOf > dueOn) return 'overdue'
    return asOf >= addDays(dueOn, -input.settings.dueSoonDays) ? 'due' : 'upcoming'
  }
  const closed = (dueOn: Day, metOn: Day): ObligationStatus => (metOn <= dueOn ? 'met' : 'met-late')
  const inForce = (dueOn: Day) => registration.lastDay === undefined || dueOn <= registration.lastDay
  const result: Obligation[] = []
  if (registration.notificationDuties)
    result.push(...notificationObligations(input, notifications, open, closed, inForce))
  result.push(...visitObligations(input))
  // Keys compare by code unit: the same order whatever the locale of the process.
  return result.sort((a, b) => a.dueOn - b.dueOn || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

function notificationObligations(
  input: ObligationInput,
  notifications: readonly ReceivedNotification[],
  open: (dueOn: Day) => ObligationStatus,
  closed: (dueOn: Day, metOn: Day) => ObligationStatus,
  inForce: (dueOn: Day) => boolean,
): Obligation[] {
  const { registration } = input
  const result: Obligation[] = []
  // s.83(1): the initial notification.
  const initial = notifications.find((n) => n.kind === 'initial')
  if (registration.initialDue !== undefined)
    result.push({
      key: 'initial',
      kind: 'initial-notification',
      holder: 'registrant',
      title: 'Initial notification',
      provision: 'SOA 2003 s.83(1)',
      dueOn: registration.initialDue,
      ...(initial
        ? { status: closed(registration.initialDue, initial.receivedOn), metOn: initial.receivedOn }
        : { status: registration.inCustody ? 'upcoming' : open(registration.initialDue) }),
    })

  // s.85: periodic notification, one year (weekly with no fixed abode) after
  // the last notification under s.83, s.84 or s.85. Travel (s.86) does not restart it.
  if (initial) {
    const counts = notifications.filter((n) => n.kind === 'initial' || n.kind === 'change' || n.kind === 'periodic')
    let last = initial.receivedOn
    for (;;) {
      const dueOn = registration.noFixedAbode
        ? addDays(last, input.settings.noFixedAbodeIntervalDays)
        : addYears(last, input.settings.periodicIntervalYears)
      if (!inForce(dueOn)) break
      const next = counts.find((n) => n.receivedOn > last)
      const base = {
        key: `periodic:${formatKeyDay(last)}`,
        kind: 'periodic-notification' as const,
        holder: 'registrant' as const,
        title: registration.noFixedAbode ? 'Weekly notification (no fixed abode)' : 'Annual notification',
        provision: registration.noFixedAbode ? 'SOA 2003 s.85; SI 2012/1876' : 'SOA 2003 s.85(1)',
        dueOn,
      }
      if (next === undefined) {
        result.push({ ...base, status: registration.inCustody ? 'upcoming' : open(dueOn) })
        break
      }
      if (next.receivedOn > dueOn) result.push({ ...base, status: 'met-late', metOn: next.receivedOn })
      last = next.receivedOn
    }
  }

  // s.84(1): each change notified within 3 days beginning with the change.
  for (const change of notifications) {
    if (change.kind !== 'change' || change.eventDate === undefined) continue
    const dueOn = lastDayOfThreeDaysBeginningWith(change.eventDate, input.legal)
    result.push({
      key: `change:${change.id}`,
      kind: 'change-notification',
      holder: 'registrant',
      title: 'Notification of a change',
      provision: 'SOA 2003 s.84(1)',
      dueOn,
      status: closed(dueOn, change.receivedOn),
      metOn: change.receivedOn,
    })
  }

  // s.86 and the Travel Regulations: at least 7 days before departure, or with
  // details not known then, before departure (the hours are the officer's check).
  for (const travel of notifications) {
    if (travel.kind !== 'travel' || travel.departureDate === undefined) continue
    const dueOn = travel.shortNotice
      ? travel.departureDate
      : addDays(travel.departureDate, -input.settings.travelNoticeDays)
    result.push({
      key: `travel:${travel.id}`,
      kind: 'travel-notification',
      holder: 'registrant',
      title: travel.shortNotice ? 'Travel notification (details not known 7 days ahead)' : 'Travel notification',
      provision: 'SOA 2003 s.86; SI 2004/1220',
      dueOn,
      status: closed(dueOn, travel.receivedOn),
      metOn: travel.receivedOn,
    })
  }

  return result
}

/**
 * Only a visit at which the person was seen counts, and of those only the
 * latest matters: a reader with many visits may pass just that one.
 */
const visitThatCounts: Visit['outcome'] = 'seen'

/** Home visits: a first one soon after registration, then at a frequency set by the risk level. */
function visitObligations(input: ObligationInput): Obligation[] {
  const { registration, settings, asOf } = input
  // Nobody can be visited at home while in custody.
  if (registration.inCustody) return []
  const interval =
    registration.riskLevel === undefined
      ? settings.visitIntervalUnassessedDays
      : settings.visitIntervalDays[registration.riskLevel]
  const seen = input.visits.filter((v) => v.outcome === visitThatCounts).sort((a, b) => a.visitedOn - b.visitedOn)
  const lastSeen = seen.at(-1)
  const firstDue = addDays(registration.registeredOn, settings.firstVisitWithinDays)
  const dueOn =
    lastSeen === undefined ? firstDue : addDays(maxDay(lastSeen.visitedOn, registration.registeredOn), interval)
  if (registration.lastDay !== undefined && dueOn > registration.lastDay) return []
  const status: ObligationStatus =
    asOf > dueOn ? 'overdue' : asOf >= addDays(dueOn, -settings.dueSoonDays) ? 'due' : 'upcoming'
  return [
    {
      key: lastSeen === undefined ? 'visit:first' : `visit:${formatKeyDay(lastSeen.visitedOn)}`,
      kind: 'home-visit',
      holder: 'agency',
      title: lastSeen === undefined ? 'First home visit' : 'Home visit',
      provision: 'Risk management (APP: management of sexual and violent offenders)',
      dueOn,
      status,
    },
  ]
}

/** Keys carry the ISO date, so a breach record reads plainly. */
const formatKeyDay = (d: Day) => formatDay(d)
