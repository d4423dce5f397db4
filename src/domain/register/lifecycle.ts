import { addYears, type Day, maxDay } from '../dates/day.ts'
import type { NotificationPeriod } from '../explain/evaluation.ts'
import { lastDayOfThreeDaysBeginningWith } from '../notification/deadlines.ts'
import type { LegalSettings } from '../settings/legal-settings.ts'

// The rules of a registration's life: when the first notification falls due,
// who may be on the register, when a period may be ended or reviewed, and when
// a further review falls due. The services apply them; the rules live here.

/** CYPA 1933 s.50: nobody under 10 can be guilty of an offence, so nobody under 10 is on the register. */
export const minimumAge = 10

export function oldEnoughForRegister(dateOfBirth: Day, today: Day): boolean {
  return addYears(dateOfBirth, minimumAge) <= today
}

/**
 * The initial notification deadline of a registration (SOA 2003 s.83(1)).
 * A duty cannot fall due before the person could know of it: when the core's
 * date is long past (a new policy applied to an old conviction), the 3 days run
 * from registration instead (decision 0004). Undefined while detained: the
 * 3 days then run from release (s.83(6), see `initialDueOnRelease`).
 */
export function initialDueOnRegistration(
  coreDue: Day | undefined,
  registeredOn: Day,
  inCustody: boolean,
  legal: LegalSettings,
): Day | undefined {
  if (inCustody) return undefined
  const fromRegistration = lastDayOfThreeDaysBeginningWith(registeredOn, legal)
  return coreDue === undefined ? fromRegistration : maxDay(coreDue, fromRegistration)
}

/** s.83(6): a person detained on the relevant date notifies within 3 days beginning with release. */
export function initialDueOnRelease(releasedOn: Day, legal: LegalSettings): Day {
  return lastDayOfThreeDaysBeginningWith(releasedOn, legal)
}

/** s.91B(3): after a refusal to discharge, a further qualifying date 8 years after the determination. */
export const furtherReviewYears = 8

export function furtherReviewDate(decidedOn: Day): Day {
  return addYears(decidedOn, furtherReviewYears)
}

export const isIndefinite = (period: NotificationPeriod | null): boolean => period !== null && 'indefinite' in period

/**
 * Why a review of the requirements cannot be decided on `decidedOn`, or
 * undefined when it can: only indefinite requirements are reviewed (s.91A), and
 * not before the qualifying date (s.91B).
 */
export function reviewRefusal(
  period: NotificationPeriod | null,
  qualifyingDate: Day | undefined,
  decidedOn: Day,
): { field: 'period' | 'decidedOn'; reason: string } | undefined {
  if (!isIndefinite(period)) {
    return { field: 'period', reason: 'only indefinite notification requirements are reviewed (SOA 2003 s.91A)' }
  }
  if (qualifyingDate !== undefined && decidedOn < qualifyingDate) {
    return { field: 'decidedOn', reason: 'is before the qualifying date (SOA 2003 s.91B)' }
  }
  return undefined
}

/** Why a period cannot be ended as expired on `endedOn`, or undefined when it can. */
export function expiryRefusal(
  lastDay: Day | undefined,
  endedOn: Day,
): { field: 'reason' | 'endedOn'; reason: string } | undefined {
  if (lastDay === undefined) {
    return { field: 'reason', reason: 'an indefinite period does not expire; it ends only on review (SOA 2003 s.91A)' }
  }
  if (endedOn <= lastDay) return { field: 'endedOn', reason: 'must be after the last day of the period' }
  return undefined
}
