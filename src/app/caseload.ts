import { type Section, visibleSections } from '../domain/access/sections.ts'
import { addDays, type Day, day, formatDay } from '../domain/dates/day.ts'
import { type Obligation, obligationsOf } from '../domain/register/obligations.ts'
import type { RiskLevel } from '../domain/register/settings.ts'
import { authorised, type Call, transact } from './context.ts'
import { problem } from './errors.ts'
import { consult } from './record-access.ts'
import { receivedNotification, registrationState } from './registration.ts'
import { inNormalUse } from './restricted.ts'
import { failIf } from './validate.ts'

// An officer's caseload (issue 6, "My caseload"): the people they are the
// responsible officer for, or every person their organisation manages or has
// been shared, with what is due and overdue for each, so they see at a glance
// where to start. Obligations are computed as the compliance scan computes
// them (domain/register/obligations.ts), as of today, from one set-based read
// of the whole caseload: a caseload of 180 is one query, not 180.
//
// Only what the reader may see of each record is shown: compliance needs the
// compliance section, the review date the registration section
// (domain/access/sections.ts). A filter or a sort never looks at what is
// hidden, so neither can reveal it. Reading the caseload is one audited
// consultation naming the people shown.

export const caseloadScopes = ['mine', 'organisation'] as const
export type CaseloadScope = (typeof caseloadScopes)[number]

export const caseloadSorts = [
  'name',
  'reference',
  'status',
  'risk',
  'nextDue',
  'overdue',
  'breaches',
  'nextVisit',
  'nextReview',
] as const
export type CaseloadSort = (typeof caseloadSorts)[number]

export const sortOrders = ['ascending', 'descending'] as const
export type SortOrder = (typeof sortOrders)[number]

/** What needs attention: something overdue, something due within a week, a suspected breach not yet decided. */
export const attentionFilters = ['overdue', 'due-soon', 'breach'] as const
export type AttentionFilter = (typeof attentionFilters)[number]

export const riskFilters = ['very-high', 'high', 'medium', 'low', 'not-assessed'] as const
export type RiskFilter = (typeof riskFilters)[number]

/** The person's place in the register's lifecycle (person.status). */
export const personStatuses = ['recorded', 'referred', 'registered', 'ended', 'archived'] as const
export type PersonStatus = (typeof personStatuses)[number]

export interface CaseloadQuery {
  /** Default: "mine" for those who can be a responsible officer (registrars and offender managers), else "organisation". */
  scope?: CaseloadScope | undefined
  /** Any of these (a person needing any of them is listed). */
  attention?: readonly AttentionFilter[] | undefined
  risk?: readonly RiskFilter[] | undefined
  status?: readonly PersonStatus[] | undefined
  sort?: CaseloadSort | undefined
  order?: SortOrder | undefined
  page?: number | undefined
  pageSize?: number | undefined
}

/** "Due soon" on the caseload: within a week, the officer's planning horizon. */
export const dueSoonDays = 7
export const defaultPageSize = 25
export const maxPageSize = 100

/** The justification recorded when the caller gives none: the caseload is the officer's own work list. */
export const caseloadJustification = 'Caseload review'

export interface NextObligation {
  title: string
  kind: Obligation['kind']
  dueOn: string
  status: 'upcoming' | 'due' | 'overdue'
}

export interface CaseloadCompliance {
  /** The earliest obligation not yet met (it may be overdue). */
  next: NextObligation | null
  overdue: number
  /** Obligations not yet met whose deadline is within `dueSoonDays` from today. */
  dueSoon: number
  suspectedBreaches: number
  /** The next home visit, while one is due under the registration. */
  nextVisitOn: string | null
}

export interface CaseloadPerson {
  id: string
  reference: string
  givenNames: string
  familyName: string
  status: PersonStatus
  riskLevel: RiskLevel | null
  reach: 'managing' | 'co-managing' | 'plan'
  responsibleOfficer: string | null
  /** Undefined when the reader is not shown the registration section. */
  nextReviewOn?: string | null
  /** Undefined when the reader is not shown the compliance section. */
  compliance?: CaseloadCompliance
}

export interface Caseload {
  scope: CaseloadScope
  asOf: string
  /** People in the whole caseload (before filters) who need each kind of attention. */
  summary: { people: number; overdue: number; dueSoon: number; suspectedBreaches: number }
  filters: { attention: AttentionFilter[]; risk: RiskFilter[]; status: PersonStatus[] }
  sort: CaseloadSort
  order: SortOrder
  page: number
  pageSize: number
  /** After filters. */
  totalItems: number
  totalPages: number
  items: CaseloadPerson[]
}

interface Row {
  id: string
  reference: string
  given_names: string
  family_name: string
  status: PersonStatus
  risk_level: RiskLevel | null
  reach: CaseloadPerson['reach']
  plan_shared: string[] | null
  officer_name: string | null
  registration_id: string | null
  registered_on: string | null
  initial_due: string | null
  last_day: string | null
  review_date: string | null
  no_fixed_abode: boolean | null
  in_custody: boolean | null
  notification_duties: boolean | null
  notifications: Parameters<typeof receivedNotification>[0][]
  visits: { visited_on: string; outcome: 'seen' | 'not-seen' | 'refused-entry' }[]
  open_breaches: number
}

/** Registrars and offender managers are responsible officers; others see their organisation's cases. */
export function defaultScope(call: Call): CaseloadScope {
  return call.actor.roles.some((role) => role === 'registrar' || role === 'offender-manager') ? 'mine' : 'organisation'
}

export async function readCaseload(call: Call, query: CaseloadQuery = {}): Promise<Caseload> {
  await authorised(call, 'person:read')
  const pageSize = query.pageSize ?? defaultPageSize
  const requestedPage = query.page ?? 1
  failIf([
    ...(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= maxPageSize
      ? []
      : [problem('$.pageSize', `must be a whole number from 1 to ${maxPageSize}`, 'query')]),
    ...(Number.isInteger(requestedPage) && requestedPage >= 1
      ? []
      : [problem('$.page', 'must be a whole number from 1', 'query')]),
  ])
  const scope = query.scope ?? defaultScope(call)
  const sort = query.sort ?? 'nextDue'
  const order = query.order ?? 'ascending'
  const filters = {
    attention: [...new Set(query.attention ?? [])],
    risk: [...new Set(query.risk ?? [])],
    status: [...new Set(query.status ?? [])],
  }
  const today = call.app.today()
  const asOf = formatDay(today)
  const soonUntil = addDays(today, dueSoonDays)

  return transact(call, async (tx) => {
    const all = call.actor.roles.includes('system')
    // One read of the whole caseload: each person with their active registration, the
    // notifications and visits the obligations are computed from, and their open breaches.
    const rows = await tx.query<Row & Record<string, unknown>>(
      `SELECT p.id, p.reference, p.given_names, p.family_name, p.status, p.risk_level, u.display_name AS officer_name,
              CASE WHEN $1 OR p.managing_org_id = $2 THEN 'managing'
                   WHEN s.full_share THEN 'co-managing' ELSE 'plan' END AS reach,
              CASE WHEN NOT ($1 OR p.managing_org_id = $2) AND NOT s.full_share THEN
                (SELECT coalesce(jsonb_agg(DISTINCT section), '[]'::jsonb)
                   FROM person_fact f, jsonb_array_elements_text(coalesce(f.data->'sharedWithPartners', '[]'::jsonb)) AS section
                  WHERE f.person_id = p.id AND f.kind = 'risk-management-plan' AND f.superseded_by IS NULL)
              END AS plan_shared,
              r.id AS registration_id, r.registered_on, r.initial_due, r.last_day, r.review_date,
              r.no_fixed_abode, r.in_custody, r.notification_duties,
              CASE WHEN r.id IS NULL THEN '[]'::json ELSE coalesce(
                (SELECT json_agg(json_build_object('id', n.id, 'kind', n.kind, 'received_on', n.received_on,
                          'event_date', n.event_date, 'departure_date', n.departure_date, 'details', n.details))
                   FROM notification n WHERE n.registration_id = r.id), '[]'::json) END AS notifications,
              CASE WHEN r.id IS NULL THEN '[]'::json ELSE coalesce(
                (SELECT json_agg(json_build_object('visited_on', v.visited_on, 'outcome', v.outcome))
                   FROM home_visit v WHERE v.person_id = p.id AND v.visited_on >= r.registered_on), '[]'::json) END AS visits,
              (SELECT count(*)::int FROM breach b WHERE b.person_id = p.id AND b.status = 'suspected') AS open_breaches
         FROM person p
         LEFT JOIN LATERAL (
           SELECT coalesce(bool_or(sh.scope = 'full'), false) AS full_share, count(*) > 0 AS shared
             FROM record_share sh
            WHERE sh.person_id = p.id AND sh.organisation_id = $2 AND sh.revoked_on IS NULL
              AND (sh.expires_on IS NULL OR sh.expires_on >= $3::date)
         ) s ON true
         LEFT JOIN registration r ON r.person_id = p.id AND r.status = 'active'
         LEFT JOIN app_user u ON u.id = p.responsible_officer_id
        WHERE ${inNormalUse('p')}
          AND ($1 OR p.managing_org_id = $2 OR s.shared)
          AND ($4::uuid IS NULL OR p.responsible_officer_id = $4)`,
      [all, call.actor.organisationId, asOf, scope === 'mine' ? call.actor.userId : null],
    )

    const people = rows
      .map((row) => personOf(call, row, today, soonUntil))
      // Someone shared through a plan that shows this reader nothing of them is not on their caseload.
      .filter((person): person is CaseloadPerson => person !== undefined)
    const needs = (person: CaseloadPerson, attention: AttentionFilter) => {
      const c = person.compliance
      if (c === undefined) return false
      if (attention === 'overdue') return c.overdue > 0
      if (attention === 'due-soon') return c.dueSoon > 0
      return c.suspectedBreaches > 0
    }
    const summary = {
      people: people.length,
      overdue: people.filter((p) => needs(p, 'overdue')).length,
      dueSoon: people.filter((p) => needs(p, 'due-soon')).length,
      suspectedBreaches: people.filter((p) => needs(p, 'breach')).length,
    }
    const listed = people
      .filter((p) => filters.attention.length === 0 || filters.attention.some((a) => needs(p, a)))
      .filter((p) => filters.risk.length === 0 || filters.risk.includes(p.riskLevel ?? 'not-assessed'))
      .filter((p) => filters.status.length === 0 || filters.status.includes(p.status))
      .sort(comparator(sort, order))
    const totalPages = Math.max(1, Math.ceil(listed.length / pageSize))
    const page = Math.min(requestedPage, totalPages)
    const items = listed.slice((page - 1) * pageSize, page * pageSize)

    // DPA 2018 s.62: one consultation for the list, naming the people shown by id (never their names).
    await consult(
      tx,
      { ...call, justification: call.justification ?? caseloadJustification },
      { type: 'caseload' },
      { scope, count: items.length, total: listed.length, people: items.map((person) => person.id) },
    )
    return {
      scope,
      asOf,
      summary,
      filters,
      sort,
      order,
      page,
      pageSize,
      totalItems: listed.length,
      totalPages,
      items,
    }
  })
}

function personOf(call: Call, row: Row, today: Day, soonUntil: Day): CaseloadPerson | undefined {
  const shown = visibleSections(call.actor, row.reach, (row.plan_shared ?? []) as Section[])
  if (!shown.has('identity')) return undefined
  const person: CaseloadPerson = {
    id: row.id,
    reference: row.reference,
    givenNames: row.given_names,
    familyName: row.family_name,
    status: row.status,
    riskLevel: row.risk_level,
    reach: row.reach,
    responsibleOfficer: row.officer_name,
  }
  if (shown.has('registration')) person.nextReviewOn = row.review_date
  if (!shown.has('compliance')) return person
  const obligations =
    row.registration_id === null || row.registered_on === null
      ? []
      : obligationsOf({
          registration: registrationState(
            {
              registered_on: row.registered_on,
              initial_due: row.initial_due,
              last_day: row.last_day,
              no_fixed_abode: row.no_fixed_abode ?? false,
              in_custody: row.in_custody ?? false,
              notification_duties: row.notification_duties ?? false,
            },
            row.risk_level,
          ),
          notifications: row.notifications.map(receivedNotification),
          visits: row.visits.map((v) => ({ visitedOn: day(v.visited_on), outcome: v.outcome })),
          asOf: today,
          settings: call.app.settings,
          legal: call.app.legal,
        })
  const open = obligations.filter(
    (o): o is Obligation & { status: NextObligation['status'] } =>
      o.status === 'upcoming' || o.status === 'due' || o.status === 'overdue',
  )
  const next = open[0]
  const visit = open.find((o) => o.kind === 'home-visit')
  person.compliance = {
    next:
      next === undefined
        ? null
        : { title: next.title, kind: next.kind, dueOn: formatDay(next.dueOn), status: next.status },
    overdue: open.filter((o) => o.status === 'overdue').length,
    dueSoon: open.filter((o) => o.status !== 'overdue' && o.dueOn <= soonUntil).length,
    suspectedBreaches: row.open_breaches,
    nextVisitOn: visit === undefined ? null : formatDay(visit.dueOn),
  }
  return person
}

const riskOrder: Record<RiskLevel, number> = { low: 1, medium: 2, high: 3, 'very-high': 4 }

/** The value a column sorts by; undefined (hidden or nothing due) always sorts last. */
function sortValue(person: CaseloadPerson, sort: CaseloadSort): string | number | undefined {
  const c = person.compliance
  switch (sort) {
    case 'name':
      return `${person.familyName.toLowerCase()}\u0000${person.givenNames.toLowerCase()}`
    case 'reference':
      return person.reference
    case 'status':
      return personStatuses.indexOf(person.status)
    case 'risk':
      return person.riskLevel === null ? undefined : riskOrder[person.riskLevel]
    case 'nextDue':
      return c?.next?.dueOn ?? undefined
    case 'overdue':
      return c?.overdue
    case 'breaches':
      return c?.suspectedBreaches
    case 'nextVisit':
      return c?.nextVisitOn ?? undefined
    case 'nextReview':
      return person.nextReviewOn ?? undefined
  }
}

function comparator(sort: CaseloadSort, order: SortOrder) {
  const direction = order === 'ascending' ? 1 : -1
  return (a: CaseloadPerson, b: CaseloadPerson): number => {
    const x = sortValue(a, sort)
    const y = sortValue(b, sort)
    if (x !== y) {
      if (x === undefined) return 1
      if (y === undefined) return -1
      return (x < y ? -1 : 1) * direction
    }
    return (
      a.familyName.localeCompare(b.familyName) ||
      a.givenNames.localeCompare(b.givenNames) ||
      a.reference.localeCompare(b.reference)
    )
  }
}
