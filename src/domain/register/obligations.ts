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
  // The compliance scan runs this for every active registration, so it is
  // written to allocate little: no closures, no copies, no intermediate lists.
  const result: Obligation[] = []
  if (input.registration.notificationDuties) notificationObligations(input, byReceipt(input.notifications), result)
  visitObligations(input, result)
  if (result.length > 1) result.sort(earliestFirst)
  return result
}

// Keys compare by code unit: the same order whatever the locale of the process.
const earliestFirst = (a: Obligation, b: Obligation) =>
  a.dueOn - b.dueOn || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/** Earliest received first, in a stable order; as given when they already are. */
function byReceipt(notifications: readonly ReceivedNotification[]): readonly ReceivedNotification[] {
  for (let i = 1; i < notifications.length; i++) {
    if (
      (notifications[i] as ReceivedNotification).receivedOn < (notifications[i - 1] as ReceivedNotification).receivedOn
    )
      return [...notifications].sort((a, b) => a.receivedOn - b.receivedOn)
  }
  return notifications
}

function open(input: ObligationInput, dueOn: Day): ObligationStatus {
  if (input.asOf > dueOn) return 'overdue'
  return input.asOf >= addDays(dueOn, -input.settings.dueSoonDays) ? 'due' : 'upcoming'
}

const closed = (dueOn: Day, metOn: Day): ObligationStatus => (metOn <= dueOn ? 'met' : 'met-late')

/** Whether a periodic notification is required at all: its deadline falls within the notification period. */
const inForce = (registration: RegistrationState, dueOn: Day) =>
  registration.lastDay === undefined || dueOn <= registration.lastDay

/** The periodic notification due on `dueOn`, counted from the notification received on `last` (s.85). */
function periodic(last: Day, title: string, provision: string, dueOn: Day, status: ObligationStatus): Obligation {
  return {
    key: `periodic:${formatKeyDay(last)}`,
    kind: 'periodic-notification',
    holder: 'registrant',
    title,
    provision,
    dueOn,
    status,
  }
}

/** s.83(1), s.85, s.84(1), s.86: the registrant's notifications. `notifications` earliest received first. */
function notificationObligations(
  input: ObligationInput,
  notifications: readonly ReceivedNotification[],
  result: Obligation[],
): void {
  const { registration, settings } = input
  // s.83(1): the initial notification.
  let initial: ReceivedNotification | undefined
  for (const n of notifications) {
    if (n.kind === 'initial') {
      initial = n
      break
    }
  }
  if (registration.initialDue !== undefined) {
    const dueOn = registration.initialDue
    const obligation: Obligation = {
      key: 'initial',
      kind: 'initial-notification',
      holder: 'registrant',
      title: 'Initial notification',
      provision: 'SOA 2003 s.83(1)',
      dueOn,
      status: initial ? closed(dueOn, initial.receivedOn) : registration.inCustody ? 'upcoming' : open(input, dueOn),
    }
    if (initial) obligation.metOn = initial.receivedOn
    result.push(obligation)
  }

  // s.85: periodic notification, one year (weekly with no fixed abode) after
  // the last notification under s.83, s.84 or s.85. Travel (s.86) does not restart it.
  if (initial) {
    const title = registration.noFixedAbode ? 'Weekly notification (no fixed abode)' : 'Annual notification'
    const provision = registration.noFixedAbode ? 'SOA 2003 s.85; SI 2012/1876' : 'SOA 2003 s.85(1)'
    let last = initial.receivedOn
    // The next notification that restarts the period: the first received after `last`
    // (they are in order of receipt, and `last` only moves on).
    let i = 0
    for (;;) {
      const dueOn = registration.noFixedAbode
        ? addDays(last, settings.noFixedAbodeIntervalDays)
        : addYears(last, settings.periodicIntervalYears)
      if (!inForce(registration, dueOn)) break
      let next: ReceivedNotification | undefined
      for (; i < notifications.length; i++) {
        const n = notifications[i] as ReceivedNotification
        if (n.receivedOn > last && (n.kind === 'initial' || n.kind === 'change' || n.kind === 'periodic')) {
          next = n
          break
        }
      }
      if (next === undefined) {
        result.push(periodic(last, title, provision, dueOn, registration.inCustody ? 'upcoming' : open(input, dueOn)))
        break
      }
      if (next.receivedOn > dueOn) {
        const late = periodic(last, title, provision, dueOn, 'met-late')
        late.metOn = next.receivedOn
        result.push(late)
      }
      last = next.receivedOn
    }
  }

  for (const n of notifications) {
    // s.84(1): each change notified within 3 days beginning with the change.
    if (n.kind === 'change' && n.eventDate !== undefined) {
      const dueOn = lastDayOfThreeDaysBeginningWith(n.eventDate, input.legal)
      result.push({
        key: `change:${n.id}`,
        kind: 'change-notification',
        holder: 'registrant',
        title: 'Notification of a change',
        provision: 'SOA 2003 s.84(1)',
        dueOn,
        status: closed(dueOn, n.receivedOn),
        metOn: n.receivedOn,
      })
    }
  }

  for (const n of notifications) {
    // s.86 and the Travel Regulations: at least 7 days before departure, or with
    // details not known then, before departure (the hours are the officer's check).
    if (n.kind === 'travel' && n.departureDate !== undefined) {
      const dueOn = n.shortNotice ? n.departureDate : addDays(n.departureDate, -settings.travelNoticeDays)
      result.push({
        key: `travel:${n.id}`,
        kind: 'travel-notification',
        holder: 'registrant',
        title: n.shortNotice ? 'Travel notification (details not known 7 days ahead)' : 'Travel notification',
        provision: 'SOA 2003 s.86; SI 2004/1220',
        dueOn,
        status: closed(dueOn, n.receivedOn),
        metOn: n.receivedOn,
      })
    }
  }
}

/**
 * Only a visit at which the person was seen counts, and of those only the
 * latest matters: a reader with many visits may pass just that one.
 */
export const visitThatCounts: Visit['outcome'] = 'seen'

/** Home visits: a first one soon after registration, then at a frequency set by the risk level. */
function visitObligations(input: ObligationInput, result: Obligation[]): void {
  const { registration, settings } = input
  // Nobody can be visited at home while in custody.
  if (registration.inCustody) return
  const interval =
    registration.riskLevel === undefined
      ? settings.visitIntervalUnassessedDays
      : settings.visitIntervalDays[registration.riskLevel]
  let lastSeen: Day | undefined
  for (const v of input.visits) {
    if (v.outcome === visitThatCounts && (lastSeen === undefined || v.visitedOn > lastSeen)) lastSeen = v.visitedOn
  }
  const dueOn =
    lastSeen === undefined
      ? addDays(registration.registeredOn, settings.firstVisitWithinDays)
      : addDays(maxDay(lastSeen, registration.registeredOn), interval)
  if (registration.lastDay !== undefined && dueOn > registration.lastDay) return
  result.push({
    key: lastSeen === undefined ? 'visit:first' : `visit:${formatKeyDay(lastSeen)}`,
    kind: 'home-visit',
    holder: 'agency',
    title: lastSeen === undefined ? 'First home visit' : 'Home visit',
    provision: 'Risk management (APP: management of sexual and violent offenders)',
    dueOn,
    status: open(input, dueOn),
  })
}

/** Keys carry the ISO date, so a breach record reads plainly. Each day is written once. */
const keyDays = new Map<Day, string>()
function formatKeyDay(d: Day): string {
  let text = keyDays.get(d)
  if (text === undefined) {
    text = formatDay(d)
    keyDays.set(d, text)
  }
  return text
}

/** A registrant's obligation that was missed or met late: a suspected breach (SOA 2003 s.91). */
export function isSuspectedBreach(obligation: Obligation): boolean {
  return obligation.holder === 'registrant' && (obligation.status === 'overdue' || obligation.status === 'met-late')
}
