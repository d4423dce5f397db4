import { addYears, type Day, formatDayLong } from '../dates/day.ts'
import type { NotificationPeriod } from '../explain/evaluation.ts'
import type { ProfileItem } from './profiles.ts'
import type { RegisterSettings } from './settings.ts'

// The notice to the registrant: what applies to them, by when, under which
// provision, and how to challenge it. Registrants' rights are a design
// constraint: nobody should have to guess what they must do.

export interface NoticeInput {
  reference: string
  name: string
  dateOfBirth: Day
  policyTitle: string
  policySource: string
  notificationDuties: boolean
  period: NotificationPeriod | null
  relevantDate: Day
  lastDay?: Day
  reviewDate?: Day
  initialDue?: Day
  noFixedAbode: boolean
  profile: readonly ProfileItem[]
  issuedOn: Day
  settings: RegisterSettings
}

export interface NoticeDuty {
  duty: string
  deadline: string
  provision: string
}

export interface NoticeDocument {
  title: string
  reference: string
  name: string
  dateOfBirth: string
  issuedOn: string
  basis: string
  period: string
  duties: NoticeDuty[]
  whatToTell: { item: string; duty: string; provision: string }[]
  consequences: string[]
  rights: string[]
}

export function describePeriod(period: NotificationPeriod | null, lastDay?: Day): string {
  if (period === null) return 'No notification period applies.'
  if ('indefinite' in period) return 'Indefinitely, subject to review (SOA 2003 s.91A-91F).'
  const until = lastDay === undefined ? '' : ` The last day is ${formatDayLong(lastDay)}.`
  if ('untilEndOfOrder' in period) return `For the length of the order (${period.months} months).${until}`
  // `months` is the whole period (a halved 5 years is 30 months), `years` the same in years.
  const wholeYears = Math.floor(period.months / 12)
  const restMonths = period.months % 12
  const years = wholeYears > 0 ? `${wholeYears} year${wholeYears === 1 ? '' : 's'}` : ''
  const months = restMonths > 0 ? `${restMonths} month${restMonths === 1 ? '' : 's'}` : ''
  return `${[years, months].filter(Boolean).join(' and ')}.${until}`
}

export function buildNotice(input: NoticeInput): NoticeDocument {
  const duties: NoticeDuty[] = []
  if (input.notificationDuties) {
    duties.push({
      duty: 'Go in person to a police station on your force’s list and give the information below.',
      deadline:
        input.initialDue === undefined
          ? 'Within 3 days beginning with the day you are released.'
          : `By the end of ${formatDayLong(input.initialDue)}.`,
      provision: 'SOA 2003 s.83(1), s.87',
    })
    duties.push({
      duty: 'Tell the police of any change to the information below.',
      deadline: 'Within 3 days beginning with the day of the change.',
      provision: 'SOA 2003 s.84(1)',
    })
    duties.push(
      input.noFixedAbode
        ? {
            duty: 'Because you have no fixed address, go to the police station every week to confirm your details.',
            deadline: `Within ${input.settings.noFixedAbodeIntervalDays} days of your last notification, every time.`,
            provision: 'SOA 2003 s.85; SI 2012/1876',
          }
        : {
            duty: 'Confirm all your details in person once a year.',
            deadline: 'Within one year of your last notification, every year.',
            provision: 'SOA 2003 s.85(1)',
          },
    )
    duties.push({
      duty: 'Before any travel outside the UK, tell the police the dates, where you are going and where you will stay.',
      deadline: `At least ${input.settings.travelNoticeDays} days before you leave; if you do not know the details then, as soon as you do and before you leave.`,
      provision: 'SOA 2003 s.86; SI 2004/1220',
    })
  }
  const rights = [
    'You may ask the registrar to explain the decision: it lists the facts and the law it rests on.',
    'You may challenge the decision, or any fact recorded about you, by writing to the registrar; you may seek legal advice.',
  ]
  if (input.period !== null && 'indefinite' in input.period && input.reviewDate !== undefined) {
    rights.push(
      `You may apply to the police for a review of your indefinite requirements from ${formatDayLong(input.reviewDate)} (SOA 2003 s.91A-91B).`,
    )
  }
  return {
    title: 'Notice of registration: what you must do',
    reference: input.reference,
    name: input.name,
    dateOfBirth: formatDayLong(input.dateOfBirth),
    issuedOn: formatDayLong(input.issuedOn),
    basis: `${input.policyTitle} (${input.policySource}), from ${formatDayLong(input.relevantDate)}.`,
    period: describePeriod(input.period, input.lastDay),
    duties,
    whatToTell: input.notificationDuties
      ? input.profile.map((entry) => ({ item: entry.label, duty: entry.duty, provision: entry.provision }))
      : [],
    consequences: input.notificationDuties
      ? [
          'Failing without reasonable excuse to do any of this, or giving false information, is an offence: up to 5 years in prison (SOA 2003 s.91).',
          'If you are in custody or in hospital, the time there does not count towards the 3-day deadlines (SOA 2003 s.83(6), s.84(5)).',
        ]
      : ['You have no duty to notify the police; the register records your case for risk management.'],
    rights,
  }
}

/** The day a retention review of an archived record falls due (MoPI-style, settings). */
export function retentionReviewOn(archivedOn: Day, settings: RegisterSettings): Day {
  return addYears(archivedOn, settings.archiveFirstReviewYears)
}
