import { addDays, type Day, formatDay, lastDayOfMonthsBeginningWith, maxDay } from '../dates/day.ts'
import type { RetentionSettings } from './settings.ts'

// The deadline for answering a subject access request (DPA 2018 s.45(3)(b)
// and s.54, as amended by the Data (Use and Access) Act 2025) [C]:
// - s.54(2): one month beginning with the relevant time, which (s.54(3)) is the
//   latest of receiving the request, receiving the information asked for to
//   confirm identity (s.52(4)), and payment of any fee (s.53);
// - s.54(3A)-(3B): extended by two further months by a notice, given before the
//   end of the first month, that states the reasons (complexity or number of
//   requests);
// - s.54(3C): from the day the controller asks for information needed to
//   identify what is asked for, to the day it arrives, both included, does not
//   count towards the period or towards the first month for the notice.
// "Beginning with" periods end the day before the corresponding date
// (decision 0002), a day earlier than the ICO's UK GDPR "corresponding date"
// practice; answering by the earlier day meets both readings.

export interface SubjectAccessClock {
  receivedOn: Day
  /** When the information asked for to confirm the requester's identity arrived (s.52(4)). */
  identityConfirmedOn?: Day | undefined
  /** Days that do not count: clarification periods already closed (s.54(3C)). */
  pausedDays: number
  /** A clarification asked for on this day and not yet received: the clock is stopped. */
  awaitingClarificationSince?: Day | undefined
  /** The day a notice of extension was given (s.54(3A)). */
  extensionNoticeOn?: Day | undefined
}

export interface SubjectAccessDeadline {
  relevantTime: Day
  /** The end of the first month (with stopped days): the last day to give notice of an extension (s.54(3B)(a)). */
  firstMonthEndsOn: Day
  /** The last day to answer. While the clock is stopped this moves on each day. */
  dueOn: Day
  extended: boolean
  stopped: boolean
  /** Days that did not count, up to today (s.54(3C)). */
  stoppedDays: number
}

export const relevantTime = (clock: SubjectAccessClock): Day =>
  clock.identityConfirmedOn === undefined ? clock.receivedOn : maxDay(clock.receivedOn, clock.identityConfirmedOn)

/** s.54(3C): the day asked and the day received both do not count. */
export const clarificationDays = (askedOn: Day, receivedOn: Day): number => Math.max(0, receivedOn - askedOn + 1)

export function subjectAccessDeadline(
  clock: SubjectAccessClock,
  today: Day,
  settings: RetentionSettings,
): SubjectAccessDeadline {
  const start = relevantTime(clock)
  const open = clock.awaitingClarificationSince
  // While stopped, every day up to today does not count; the deadline is at least that far off.
  const stoppedDays = clock.pausedDays + (open === undefined ? 0 : clarificationDays(open, maxDay(open, today)))
  const firstMonthEndsOn = addDays(lastDayOfMonthsBeginningWith(start, settings.subjectAccessMonths), stoppedDays)
  const extended = clock.extensionNoticeOn !== undefined
  const months = settings.subjectAccessMonths + (extended ? settings.subjectAccessExtensionMonths : 0)
  return {
    relevantTime: start,
    firstMonthEndsOn,
    dueOn: addDays(lastDayOfMonthsBeginningWith(start, months), stoppedDays),
    extended,
    stopped: open !== undefined,
    stoppedDays,
  }
}

/** Why a notice of extension given on `noticeOn` is not valid, or undefined (s.54(3A)-(3B)). */
export function extensionProblem(
  clock: SubjectAccessClock,
  noticeOn: Day,
  settings: RetentionSettings,
): string | undefined {
  if (clock.extensionNoticeOn !== undefined)
    return 'the period has already been extended (s.54(3A) allows one extension)'
  if (noticeOn < clock.receivedOn) return 'must not be before the request was received'
  const { firstMonthEndsOn } = subjectAccessDeadline(clock, noticeOn, settings)
  if (noticeOn > firstMonthEndsOn) {
    return `must be given before the end of the first month, which ended on ${formatDay(firstMonthEndsOn)} (s.54(3B)(a))`
  }
  return undefined
}
