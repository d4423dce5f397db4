import { addDays, addYears, type Day, formatDay, maxDay } from '../dates/day.ts'
import { lastDayOfThreeDaysBeginningWith } from '../notification/deadlines.ts'
import type { LegalSettings } from '../settings/legal-settings.ts'
import type { RegisterSettings, RiskLevel } from './settings.ts'

// What a registrant (and the agencies managing them) must do, and by when,
// computed from the registration and what has been received, as of a date.
// Nothing here is stored: the compliance scan recomputes it every run, and a
// suspected breach is keyed by the obligation's `key`, so the same failure is
// never reported twice.

export type NotificationKind = 'initial' | 'change' | 'periodic' | 'travel' | 'travel-return' | 'release'

export interface ReceivedNotification {
  id: string
  kind: NotificationKind
  receivedOn: Day
  /** For a change: the day it happened (a new name first used, a move...). */
  eventDate?: Day
  /** For travel: the day of departure. */
  departureDate?: Day
  /** Travel details were not known 7 days ahead (the shorter notice applies). */
  shortNotice?: boolean
}

export interface Visit {
  visitedOn: Day
  outcome: 'seen' | 'not-seen' | 'refused-entry'
}

export interface RegistrationState {
  registeredOn: Day
  /** Undefined while detained with no release date: the 3 days run from release (s.83(6)). */
  initialDue?: Day
  /** False where the policy makes a register entry without notification requirements. */
  notificationDuties: boolean
  /** The last day of the notification period; undefined while indefinite. */
  lastDay?: Day
  noFixedAbode: boolean
  /** Detained: the 3-day periods are disregarded and periodic deadlines extended (s.83(6), s.85(3)). */
  inCustody: boolean
  riskLevel?: RiskLevel
}

export type ObligationStatus = 'upcoming' | 'due' | 'overdue' | 'met' | 'met-late'

export interface Obligation {
  /** Stable across scans: the same obligation always has the same key. */
  key: string
  kind: 'initial-notification' | 'periodic-notification' | 'change-notification' | 'travel-notification' | 'home-visit'
  /** Who must act: the registrant (a failure may be an offence under s.91) or the managing agency. */
  holder: 'registrant' | 'agency'
  title: string
  provision: string
  dueOn: Day
  status: ObligationStatus
  metOn?: Day
}

export interface ObligationInput {
  registration: RegistrationState
  notifications: readonly ReceivedNotification[]
  visits: readonly Visit[]
  asOf: Day
  settings: RegisterSettings
  legal: LegalSettings
}

/** Every obligation of one registration as of `asOf`, earliest deadline first. */
export function obligationsOf(input: ObligationInput): Obligation[] {
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
export const visitThatCounts: Visit['outcome'] = 'seen'

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

/** A registrant's obligation that was missed or met late: a suspected breach (SOA 2003 s.91). */
export function isSuspectedBreach(obligation: Obligation): boolean {
  return obligation.holder === 'registrant' && (obligation.status === 'overdue' || obligation.status === 'met-late')
}
