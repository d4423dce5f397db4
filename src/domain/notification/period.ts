import { addDays, type Day, lastDayOfMonthsBeginningWith } from '../dates/day.ts'
import type { NotificationPeriod } from '../explain/evaluation.ts'
import type { Disposal } from '../record/person-record.ts'
import type { LegalSettings } from '../settings/legal-settings.ts'

// The notification period: Sexual Offences Act 2003 s.82, the table in
// subsection (1), halved by subsection (2) for a person under 18 on the
// relevant date (except indefinite periods and conditional discharges).

export interface PeriodRow {
  period: NotificationPeriod
  /** The row of the s.82(1) table applied, in words. */
  row: string
  provision: string
  halved: boolean
}

function fixed(years: number, row: string, under18: boolean): PeriodRow {
  const halved = under18
  const effective = halved ? years / 2 : years
  return {
    period: { years: effective, months: effective * 12 },
    row,
    provision: halved ? 'SOA 2003 s.82(1) and s.82(2)' : 'SOA 2003 s.82(1)',
    halved,
  }
}

const indefinite = (row: string): PeriodRow => ({
  period: { indefinite: true },
  row,
  provision: 'SOA 2003 s.82(1)',
  halved: false,
})

/** The s.82 period for a disposal; `caution` for a person cautioned (s.80(1)(d)). */
export function notificationPeriodFor(
  disposal: Disposal | 'caution',
  under18: boolean,
  legal: LegalSettings,
): PeriodRow {
  if (disposal === 'caution') return fixed(2, 'a person cautioned', under18)
  switch (disposal.type) {
    case 'custody': {
      if (disposal.life) return indefinite('imprisonment for life')
      if (disposal.suspended && !legal.suspendedSentenceIsImprisonmentForS82) {
        return fixed(5, 'a person of any other description (suspended sentence not treated as imprisonment)', under18)
      }
      // SOA 2003 s.131: a detention and training order counts as imprisonment for half its term.
      const months = disposal.detentionAndTraining ? disposal.months / 2 : disposal.months
      const term = disposal.detentionAndTraining
        ? `detention of ${months} months (half the DTO, s.131)`
        : `imprisonment of ${months} months`
      if (months >= 30) return indefinite(`${term}: 30 months or more`)
      if (months > 6) return fixed(10, `${term}: more than 6 months but less than 30 months`, under18)
      return fixed(7, `${term}: 6 months or less`, under18)
    }
    case 'hospital-order':
      return disposal.restriction
        ? indefinite('admitted to hospital subject to a restriction order')
        : fixed(7, 'admitted to hospital without a restriction order', under18)
    case 'conditional-discharge':
      // The period of the discharge, never halved.
      return {
        period: { untilEndOfOrder: true, months: disposal.months },
        row: `conditional discharge of ${disposal.months} months: the period of the discharge`,
        provision: 'SOA 2003 s.82(1)',
        halved: false,
      }
    default:
      return fixed(5, 'a person of any other description', under18)
  }
}

/** Whole calendar months a fixed period lasts, or null for an indefinite one. */
export function periodMonths(period: NotificationPeriod): number | null {
  return 'indefinite' in period ? null : period.months
}

/**
 * The last day on which requirements apply: the period runs "beginning with the
 * relevant date" (s.82(6)). Where a setting says custody suspends it, the days
 * between the relevant date and release are added.
 */
export function periodLastDay(
  relevantDate: Day,
  period: NotificationPeriod,
  custodyDays: number,
  legal: LegalSettings,
): Day | null {
  // Always whole months: halving gives 3½ years = 42 months, and the input contract takes whole months only.
  const months = periodMonths(period)
  if (months === null) return null
  const last = lastDayOfMonthsBeginningWith(relevantDate, months)
  return !legal.notificationPeriodRunsInCustody && custodyDays > 0 ? addDays(last, custodyDays) : last
}

/** The last day of the requirements one conviction or caution brings, custody not disregarded; null if indefinite. */
export function requirementsLastDay(
  relevantDate: Day,
  disposal: Disposal | 'caution',
  under18: boolean,
  legal: LegalSettings,
): Day | null {
  return periodLastDay(relevantDate, notificationPeriodFor(disposal, under18, legal).period, 0, legal)
}
