import { randomUUID } from 'node:crypto'
import {
  subjectAccessClarification,
  subjectAccessClarified,
  subjectAccessClose,
  subjectAccessCreate,
  subjectAccessExtension,
  subjectAccessQuery,
} from '../contracts/register/retention.ts'
import { type Day, day, formatDay, formatDayLong, parseDay } from '../domain/dates/day.ts'
import { isPolicyId, policyById } from '../domain/policies/registry.ts'
import { type RightsRestrictionGround, restrictionGrounds } from '../domain/retention/grounds.ts'
import { redactFact, scrubText, scrubValue, type ThirdParty, thirdPartyTerms } from '../domain/retention/redaction.ts'
import { reviewDue } from '../domain/retention/review.ts'
import type { RetentionSettings } from '../domain/retention/settings.ts'
import {
  clarificationDays,
  extensionProblem,
  type SubjectAccessClock,
  subjectAccessDeadline,
} from '../domain/retention/subject-access.ts'
import type { Queryable } from '../store/database.ts'
import { canSeeRecord } from './access.ts'
import { actorIdFor, audit, authorised, type Call, timeline, transact } from './context.ts'
import { Conflict, NotFound, problem } from './errors.ts'
import { camelRow, isUuid } from './people.ts'
import { retentionSettingsOf } from './retention.ts'
import { failIf, parseOrThrow } from './validate.ts'

// Subject access (DPA 2018 s.45): requests tracked against their time limit
// (s.54), and the answer in writing: the data, its purposes and legal basis,
// its recipients (from the audit trail's disclosures), how long it is kept,
// where it came from, and the subject's rights; victims' and other people's
// details withheld (s.45(4)(e), src/domain/retention/redaction.ts). Producing
// the answer is itself a disclosure to the data subject, audited as one.

interface RequestRow {
  id: string
  person_id: string
  managing_org_id: string
  received_on: string
  identity_confirmed_on: string | null
  due_on: string
  extension_notice_on: string | null
  extension_reason: string | null
  clarification_asked_on: string | null
  paused_days: number
  status: 'open' | 'awaiting-clarification' | 'answered' | 'refused' | 'withdrawn'
  withheld_kinds: string[]
  withhold_ground: RightsRestrictionGround | null
  withhold_reason: string | null
  answered_on: string | null
  closed_reason: string | null
  version: number
  created_at: Date
}

const undefinedIfNull = (text: string | null): Day | undefined => (text === null ? undefined : parseDay(text))

function clockOf(row: RequestRow): SubjectAccessClock {
  return {
    receivedOn: day(row.received_on),
    identityConfirmedOn: undefinedIfNull(row.identity_confirmed_on),
    pausedDays: row.paused_days,
    awaitingClarificationSince: undefinedIfNull(row.clarification_asked_on),
    extensionNoticeOn: undefinedIfNull(row.extension_notice_on),
  }
}

function requestJson(row: RequestRow, today: Day, settings: RetentionSettings) {
  const deadline = subjectAccessDeadline(clockOf(row), today, settings)
  const closed = row.status === 'answered' || row.status === 'refused' || row.status === 'withdrawn'
  return {
    id: row.id,
    personId: row.person_id,
    managingOrganisationId: row.managing_org_id,
    status: row.status,
    receivedOn: row.received_on,
    identityConfirmedOn: row.identity_confirmed_on,
    relevantTime: formatDay(deadline.relevantTime),
    firstMonthEndsOn: formatDay(deadline.firstMonthEndsOn),
    dueOn: formatDay(deadline.dueOn),
    extended: deadline.extended,
    extensionNoticeOn: row.extension_notice_on,
    clockStopped: deadline.stopped,
    stoppedDays: deadline.stoppedDays,
    daysLeft: closed ? null : deadline.dueOn - today,
    overdue: !closed && deadline.dueOn < today,
    withheldKinds: row.withheld_kinds,
    withholdGround: row.withhold_ground,
    answeredOn: row.answered_on,
    version: row.version,
  }
}

export type SubjectAccessRequestJson = ReturnType<typeof requestJson>

async function loadRequest(tx: Queryable, call: Call, id: string, lock = false): Promise<RequestRow> {
  if (!isUuid(id)) throw new NotFound('subject access request')
  const rows = await tx.query<RequestRow & Record<string, unknown>>(
    `SELECT * FROM subject_access_request WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  )
  const row = rows[0]
  if (row === undefined) throw new NotFound('subject access request')
  if (!canSeeRecord(call.actor, row.managing_org_id)) {
    throw new NotFound('subject access request', {
      type: 'subject-access-request',
      id,
      personId: row.person_id,
      reason: 'outside organisation',
    })
  }
  return row
}

function notFuture(call: Call, value: string, field: string) {
  return value > formatDay(call.app.today()) ? [problem(field, 'must not be in the future')] : []
}

/** Records a request received; its answer is due one month from the relevant time (s.54). */
export async function recordSubjectAccessRequest(call: Call, body: unknown) {
  await authorised(call, 'subject-access:export')
  const input = parseOrThrow(subjectAccessCreate, body)
  failIf([
    ...notFuture(call, input.receivedOn, '$.receivedOn'),
    ...(input.identityConfirmedOn === undefined
      ? []
      : [
          ...notFuture(call, input.identityConfirmedOn, '$.identityConfirmedOn'),
          ...(input.identityConfirmedOn < input.receivedOn
            ? [problem('$.identityConfirmedOn', 'must not be before the request was received')]
            : []),
        ]),
  ])
  const settings = retentionSettingsOf(call.app)
  const today = call.app.today()
  return transact(call, async (tx) => {
    const people = await tx.query<{ managing_org_id: string; erased_on: string | null }>(
      'SELECT managing_org_id, erased_on FROM person WHERE id = $1',
      [input.personId],
    )
    const person = people[0]
    if (person === undefined || !canSeeRecord(call.actor, person.managing_org_id)) {
      failIf([problem('$.personId', 'is not a record your organisation manages')])
    }
    const managingOrg = (person as { managing_org_id: string }).managing_org_id
    const id = randomUUID()
    const clock: SubjectAccessClock = {
      receivedOn: day(input.receivedOn),
      identityConfirmedOn: input.identityConfirmedOn === undefined ? undefined : day(input.identityConfirmedOn),
      pausedDays: 0,
    }
    const dueOn = formatDay(subjectAccessDeadline(clock, today, settings).dueOn)
    await tx.execute(
      `INSERT INTO subject_access_request (id, person_id, managing_org_id, received_on, identity_confirmed_on, due_on,
                                           withheld_kinds, withhold_ground, withhold_reason, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        input.personId,
        managingOrg,
        input.receivedOn,
        input.identityConfirmedOn ?? null,
        dueOn,
        input.withhold?.factKinds ?? [],
        input.withhold?.ground ?? null,
        input.withhold?.reason ?? null,
        actorIdFor(call.actor),
      ],
    )
    if (person?.erased_on === null) {
      await timeline(
        tx,
        call.actor,
        input.personId,
        'subject-access-request',
        `Subject access request received; answer due by ${dueOn} (DPA 2018 s.54)`,
        input.receivedOn,
        { requestId: id },
      )
    }
    await audit(
      tx,
      call.actor,
      'collection',
      { type: 'subject-access-request', id, personId: input.personId },
      { dueOn, withheldKinds: input.withhold?.factKinds.length ?? 0 },
    )
    const rows = await tx.query<RequestRow & Record<string, unknown>>(
      'SELECT * FROM subject_access_request WHERE id = $1',
      [id],
    )
    return requestJson(rows[0] as RequestRow, today, settings)
  })
}

/** One change to a request's clock, recomputing the due date and auditing the change. */
async function changeRequest(
  call: Call,
  id: string,
  change: (row: RequestRow, today: Day) => { set: Record<string, unknown>; detail: Record<string, unknown> },
) {
  await authorised(call, 'subject-access:export')
  const settings = retentionSettingsOf(call.app)
  const today = call.app.today()
  return transact(call, async (tx) => {
    const row = await loadRequest(tx, call, id, true)
    const { set, detail } = change(row, today)
    const next = { ...row, ...set } as RequestRow
    const dueOn = formatDay(subjectAccessDeadline(clockOf(next), today, settings).dueOn)
    const columns = Object.keys(set)
    await tx.execute(
      `UPDATE subject_access_request SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')},
              due_on = $${columns.length + 2}, version = version + 1 WHERE id = $1`,
      [id, ...columns.map((c) => set[c]), dueOn],
    )
    await audit(
      tx,
      call.actor,
      'alteration',
      { type: 'subject-access-request', id, personId: row.person_id },
      {
        ...detail,
        dueOn,
      },
    )
    return requestJson({ ...next, due_on: dueOn, version: row.version + 1 }, today, settings)
  })
}

const stillOpen = (row: RequestRow) => {
  if (row.status !== 'open' && row.status !== 'awaiting-clarification') {
    throw new Conflict(`this request is ${row.status}`)
  }
}

/** Extends the time limit by two months, by notice given within the first month, with reasons (s.54(3A)-(3B)). */
export function extendSubjectAccess(call: Call, id: string, body: unknown) {
  const input = parseOrThrow(subjectAccessExtension, body)
  failIf(notFuture(call, input.noticeOn, '$.noticeOn'))
  return changeRequest(call, id, (row) => {
    stillOpen(row)
    const wrong = extensionProblem(clockOf(row), day(input.noticeOn), retentionSettingsOf(call.app))
    if (wrong !== undefined) failIf([problem('$.noticeOn', wrong)])
    return {
      set: { extension_notice_on: input.noticeOn, extension_reason: input.reason },
      detail: { extended: true },
    }
  })
}

/** The controller asks for information to identify what is asked for: the clock stops (s.54(3C)). */
export function askForClarification(call: Call, id: string, body: unknown) {
  const input = parseOrThrow(subjectAccessClarification, body)
  failIf(notFuture(call, input.askedOn, '$.askedOn'))
  return changeRequest(call, id, (row) => {
    if (row.status !== 'open') throw new Conflict(`this request is ${row.status}`)
    if (input.askedOn < row.received_on) failIf([problem('$.askedOn', 'must not be before the request was received')])
    return {
      set: { status: 'awaiting-clarification', clarification_asked_on: input.askedOn },
      detail: { clockStopped: true },
    }
  })
}

/** The information arrived: the days from asking to receiving, both included, do not count (s.54(3C)). */
export function clarificationReceived(call: Call, id: string, body: unknown) {
  const input = parseOrThrow(subjectAccessClarified, body)
  failIf(notFuture(call, input.receivedOn, '$.receivedOn'))
  return changeRequest(call, id, (row) => {
    if (row.status !== 'awaiting-clarification') throw new Conflict('this request is not awaiting clarification')
    const asked = row.clarification_asked_on as string
    if (input.receivedOn < asked) failIf([problem('$.receivedOn', 'must not be before it was asked for')])
    const days = clarificationDays(day(asked), day(input.receivedOn))
    return {
      set: { status: 'open', clarification_asked_on: null, paused_days: row.paused_days + days },
      detail: { clockStopped: false, stoppedDays: days },
    }
  })
}

/** Closes a request without an export: refused (with reasons, s.48) or withdrawn. */
export function closeSubjectAccess(call: Call, id: string, body: unknown) {
  const input = parseOrThrow(subjectAccessClose, body)
  failIf(notFuture(call, input.on, '$.on'))
  return changeRequest(call, id, (row) => {
    stillOpen(row)
    if (input.on < row.received_on) failIf([problem('$.on', 'must not be before the request was received')])
    return {
      set: {
        status: input.outcome,
        clarification_asked_on: null,
        closed_reason: input.reason,
        answered_on: input.outcome === 'refused' ? input.on : null,
      },
      detail: { outcome: input.outcome },
    }
  })
}

/** The organisation's requests with their time limits, the earliest due first. */
export async function listSubjectAccessRequests(call: Call, query: unknown = {}) {
  await authorised(call, 'subject-access:export')
  const input = parseOrThrow(subjectAccessQuery, query ?? {}, 'query')
  const settings = retentionSettingsOf(call.app)
  const today = call.app.today()
  return transact(call, async (tx) => {
    const rows = await tx.query<RequestRow & Record<string, unknown>>(
      `SELECT * FROM subject_access_request
        WHERE ($1 OR managing_org_id = $2) AND ($3::text IS NULL OR status = $3)
        ORDER BY due_on, id LIMIT $4`,
      [call.actor.roles.includes('system'), call.actor.organisationId, input.status ?? null, input.limit],
    )
    await audit(tx, call.actor, 'consultation', { type: 'subject-access-list' }, { count: rows.length })
    const items = rows.map((row) => requestJson(row, today, settings))
    items.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0))
    return { items }
  })
}

// ---------------------------------------------------------------------------
// The answer

export interface SubjectAccessDocument {
  title: string
  request: { id: string; receivedOn: string; answeredOn: string }
  controller: { organisation: string }
  /** s.45(1)(a): whether personal data about the subject is processed. */
  confirmation: string
  subject: Record<string, unknown> | null
  responsibleOfficer: string | null
  /** s.45(2)(a). */
  purposes: string[]
  legalBasis: string[]
  /** s.45(2)(b). */
  categories: string[]
  /** s.45(2)(g): the data itself. */
  data: {
    facts: {
      kind: string
      current: boolean
      validFrom: string | null
      validTo: string | null
      recordedOn: string
      data: Record<string, unknown>
    }[]
    registrations: Record<string, unknown>[]
    notifications: Record<string, unknown>[]
    visits: Record<string, unknown>[]
    breaches: Record<string, unknown>[]
    photographs: { takenOn: string | null; caption: string | null; contentType: string; dataUri: string }[]
  }
  /** s.45(2)(c): from the audit trail's disclosures. */
  recipients: string[]
  /** s.45(2)(d). */
  retention: { period: string; nextReviewBy: string | null }
  /** s.45(2)(g): origin. */
  origin: string[]
  /** s.45(2)(e)-(f). */
  rights: string[]
  /** What was withheld and why (s.45(4), s.48). */
  withheld: string[]
}

const roleNames: Record<string, string> = {
  registrar: 'a registrar',
  'offender-manager': 'an offender manager',
  'victim-liaison-officer': 'a victim liaison officer',
  'mappa-coordinator': 'a MAPPA coordinator',
}

// The Commissioner's details for s.45(2)(f), as published by the ICO (ico.org.uk/global/contact-us).
const commissioner =
  "the Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF; telephone 0303 123 1113; ico.org.uk/make-a-complaint"

const factKindNames: Record<string, string> = {
  name: 'other names',
  'online-identity': 'online identities',
  address: 'addresses',
  'foreign-travel': 'foreign travel',
  'bank-account': 'bank accounts',
  card: 'payment cards',
  'identity-document': 'identity documents',
  'child-household': 'households where a child lives',
  relationship: 'relationships',
  vehicle: 'vehicles',
  phone: 'phone numbers',
  email: 'e-mail addresses',
  'physical-description': 'physical description',
  mark: 'scars, marks and tattoos',
  'modus-operandi': 'how offences were committed',
  'civil-order': 'civil orders',
  'licence-condition': 'licence conditions',
  programme: 'programmes',
  'risk-management-plan': 'risk management plans',
  conviction: 'convictions',
  caution: 'cautions',
  incident: 'incidents',
  'risk-assessment': 'risk assessments',
}

async function buildDocument(
  tx: Queryable,
  request: RequestRow,
  today: Day,
  settings: RetentionSettings,
): Promise<{ document: SubjectAccessDocument; erased: boolean }> {
  const personId = request.person_id
  const people = await tx.query<Record<string, unknown> & { managing_org_id: string; erased_on: string | null }>(
    `SELECT p.*, o.name AS organisation_name, p.created_at::date AS recorded_on FROM person p
       JOIN organisation o ON o.id = p.managing_org_id WHERE p.id = $1`,
    [personId],
  )
  const person = people[0] as Record<string, unknown> & { erased_on: string | null }
  const base = {
    title: 'Your personal data: answer to your subject access request (Data Protection Act 2018, section 45)',
    request: { id: request.id, receivedOn: request.received_on, answeredOn: formatDay(today) },
    controller: { organisation: String(person.organisation_name) },
  }
  const rights = [
    'You may ask us to correct personal data that is inaccurate, or complete data that is incomplete (Data Protection Act 2018, section 46).',
    'You may ask us to erase personal data, or to restrict its processing, where keeping it would break the data protection principles; where it must be kept as evidence, or its accuracy cannot be settled, we restrict it instead of erasing it (section 47).',
    `You may complain to the Information Commissioner (section 45(2)(f)): ${commissioner}.`,
    'Where information has been withheld, you may ask the Information Commissioner to check that this was lawful (section 51).',
  ]
  if (person.erased_on !== null) {
    return {
      erased: true,
      document: {
        ...base,
        confirmation: `We hold no personal data about you on the register. Your record was erased on ${formatDayLong(day(person.erased_on))}; only its reference and the record of the erasure are kept.`,
        subject: { reference: person.reference },
        responsibleOfficer: null,
        purposes: [],
        legalBasis: [],
        categories: [],
        data: { facts: [], registrations: [], notifications: [], visits: [], breaches: [], photographs: [] },
        recipients: [],
        retention: { period: 'Erased.', nextReviewBy: null },
        origin: [],
        rights,
        withheld: [],
      },
    }
  }

  const facts = await tx.query<{
    kind: string
    data: Record<string, unknown>
    valid_from: string | null
    valid_to: string | null
    recorded_on: string
    superseded_by: string | null
  }>(
    `SELECT kind, data, valid_from, valid_to, recorded_at::date AS recorded_on, superseded_by
       FROM person_fact WHERE person_id = $1 ORDER BY kind, recorded_at, id`,
    [personId],
  )
  const registrations = await tx.query<Record<string, unknown> & { policy_id: string }>(
    `SELECT policy_id, status, abuse_type, mappa_category, notification_duties, period, relevant_date, last_day,
            review_date, registered_on, notice_served_on, ended_on, end_reason, archived_on
       FROM registration WHERE person_id = $1 ORDER BY registered_on`,
    [personId],
  )
  const notifications = await tx.query(
    `SELECT kind, received_on, event_date, departure_date, items, station, details
       FROM notification WHERE person_id = $1 ORDER BY received_on, received_at`,
    [personId],
  )
  const visits = await tx.query(
    'SELECT visited_on, outcome, notes FROM home_visit WHERE person_id = $1 ORDER BY visited_on',
    [personId],
  )
  const breaches = await tx.query(
    `SELECT obligation_kind, provision, due_on, detected_on, status, outcome, outcome_on, outcome_notes
       FROM breach WHERE person_id = $1 ORDER BY due_on`,
    [personId],
  )
  const photographs = await tx.query<{
    content_type: string
    bytes: Uint8Array
    taken_on: string | null
    caption: string | null
  }>('SELECT content_type, bytes, taken_on, caption FROM photograph WHERE person_id = $1 ORDER BY recorded_at', [
    personId,
  ])
  const victims = await tx.query<{ data: Record<string, unknown> }>(
    'SELECT v.data FROM victim_link l JOIN victim v ON v.id = l.victim_id WHERE l.person_id = $1',
    [personId],
  )
  // Staff who worked on the record, and everyone in the managing organisation: named only by role.
  const staff = await tx.query<{ display_name: string; email: string; phone: string | null }>(
    `SELECT display_name, email, phone FROM app_user
      WHERE organisation_id = $2
         OR id IN (SELECT recorded_by FROM person_fact WHERE person_id = $1
                   UNION SELECT recorded_by FROM home_visit WHERE person_id = $1
                   UNION SELECT actor_id FROM timeline_event WHERE person_id = $1
                   UNION SELECT received_by FROM notification WHERE person_id = $1
                   UNION SELECT outcome_by FROM breach WHERE person_id = $1
                   UNION SELECT registered_by FROM registration WHERE person_id = $1
                   UNION SELECT responsible_officer_id FROM person WHERE id = $1)`,
    [personId, person.managing_org_id],
  )
  const officer = await tx.query<{ roles: string[]; name: string }>(
    `SELECT u.roles, o.name FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1`,
    [person.responsible_officer_id],
  )
  const disclosed = await tx.query<{ recipient: string }>(
    `SELECT DISTINCT unnest(recipients) AS recipient FROM audit_event
      WHERE person_id = $1 AND operation = 'disclosure' AND recipients IS NOT NULL`,
    [personId],
  )
  const origins = await tx.query<{ name: string | null }>(
    `SELECT DISTINCT o.name FROM person_fact f LEFT JOIN app_user u ON u.id = f.recorded_by
       LEFT JOIN organisation o ON o.id = u.organisation_id WHERE f.person_id = $1`,
    [personId],
  )

  const subjectNames = [String(person.given_names), String(person.family_name)]
  const parties: ThirdParty[] = [
    ...victims.map(({ data }) => {
      const address = (data.address ?? {}) as Record<string, string | undefined>
      return {
        familyName: data.familyName as string | undefined,
        givenNames: data.givenNames as string | undefined,
        phone: data.phone as string | undefined,
        email: data.email as string | undefined,
        addressLines: [address.line1, address.line2, address.postcode],
        other: [data.safeContact as string | undefined],
      }
    }),
    ...facts
      .filter((f) => f.kind === 'relationship' && typeof f.data.otherPartyName === 'string')
      .map((f) => ({ fullName: f.data.otherPartyName as string })),
    ...facts
      .filter((f) => f.kind === 'child-household')
      .map((f) => ({
        addressLines: [
          f.data.line1 as string | undefined,
          f.data.line2 as string | undefined,
          f.data.postcode as string | undefined,
        ],
      })),
    ...staff.map((u) => ({ fullName: u.display_name, email: u.email, phone: u.phone ?? undefined, byNamePart: false })),
  ]
  const terms = thirdPartyTerms(parties, subjectNames)
  const withheldKinds = new Set(request.withheld_kinds)
  const scrubRow = (row: Record<string, unknown>) => scrubValue(camelRow(row), terms) as Record<string, unknown>

  const shownFacts = facts
    .filter((f) => !withheldKinds.has(f.kind))
    .map((f) => ({
      kind: f.kind,
      current: f.superseded_by === null,
      validFrom: f.valid_from,
      validTo: f.valid_to,
      recordedOn: f.recorded_on,
      data: redactFact(f.kind, f.data, terms),
    }))

  const organisationNames = new Map<string, string>()
  const recipients = new Set<string>()
  for (const { recipient } of disclosed) {
    const [kind, id] = recipient.split(':', 2) as [string, string | undefined]
    if (kind === 'person' && id === personId) {
      recipients.add('You (notices and earlier answers given to you)')
    } else if (kind === 'user' && id !== undefined && isUuid(id)) {
      const rows = await tx.query<{ name: string }>(
        'SELECT o.name FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1',
        [id],
      )
      recipients.add(rows[0]?.name ?? 'A user of the register')
    } else if (kind === 'organisation' && id !== undefined) {
      if (!organisationNames.has(id)) {
        const rows = await tx.query<{ name: string }>('SELECT name FROM organisation WHERE id = $1', [id])
        organisationNames.set(id, rows[0]?.name ?? id)
      }
      recipients.add(organisationNames.get(id) as string)
    } else {
      recipients.add('Another recipient named in the audit trail')
    }
  }

  const lastReview = await tx.query<{ last: string | null }>(
    'SELECT max(decided_on) AS last FROM retention_review WHERE person_id = $1',
    [personId],
  )
  const archived = await tx.query<{ review_on: string | null }>(
    `SELECT max(retention_review_on) AS review_on FROM registration WHERE person_id = $1 AND status = 'archived'`,
    [personId],
  )
  const nextReview = reviewDue(
    {
      recordedOn: day(String(person.recorded_on)),
      scheduledOn: undefinedIfNull(person.next_review_on as string | null),
      lastReviewedOn: undefinedIfNull(lastReview[0]?.last ?? null),
      dateOfBirth: undefinedIfNull(person.date_of_birth as string | null),
      archiveReviewOn: undefinedIfNull(archived[0]?.review_on ?? null),
      restrictedOn: undefinedIfNull(person.restricted_on as string | null),
    },
    settings,
  )

  const legalBasis = [
    'Data Protection Act 2018, section 35(2)(b): the processing is necessary for a task carried out for a law enforcement purpose by a competent authority.',
    ...[...new Set(registrations.map((r) => r.policy_id))].map((id) =>
      isPolicyId(id)
        ? `Your registration: ${policyById(id).title} (${policyById(id).source}).`
        : `Your registration: ${id}.`,
    ),
  ]
  const categories = [
    'identity (name, date of birth, National Insurance number, sex)',
    ...[...new Set(shownFacts.map((f) => factKindNames[f.kind] ?? f.kind))],
    ...(registrations.length > 0 ? ['registrations'] : []),
    ...(notifications.length > 0 ? ['notifications you gave'] : []),
    ...(visits.length > 0 ? ['home visits'] : []),
    ...(breaches.length > 0 ? ['compliance with notification requirements'] : []),
    ...(photographs.length > 0 ? ['photographs'] : []),
  ]
  const withheld = [
    "Other people's details (victims, partners, household members and staff) are withheld to protect their rights and freedoms (Data Protection Act 2018, section 45(4)(e)).",
    ...(victims.length > 0 ? [`${victims.length} victim record(s) linked to yours: withheld (section 45(4)(e)).`] : []),
    ...(request.withhold_ground !== null && request.withheld_kinds.length > 0
      ? [
          `Withheld: ${request.withheld_kinds.map((k) => factKindNames[k] ?? k).join(', ')}, ${restrictionGrounds[request.withhold_ground].summary} (${restrictionGrounds[request.withhold_ground].provision}).`,
        ]
      : []),
  ]
  const officerRow = officer[0]
  const responsibleOfficer =
    officerRow === undefined
      ? null
      : `${roleNames[officerRow.roles.find((r) => r in roleNames) ?? ''] ?? 'an officer'} at ${officerRow.name}`

  const document: SubjectAccessDocument = {
    ...base,
    confirmation: 'We process personal data about you. It is set out below.',
    subject: {
      reference: person.reference,
      familyName: person.family_name,
      givenNames: person.given_names,
      dateOfBirth: person.date_of_birth,
      niNumber: person.ni_number,
      sex: person.sex,
      status: person.status,
      riskLevel: person.risk_level,
    },
    responsibleOfficer,
    purposes: [
      'Law enforcement purposes (Data Protection Act 2018, section 31): the prevention, investigation, detection or prosecution of criminal offences and the execution of criminal penalties, including safeguarding against and preventing threats to public security.',
      'In particular, managing the risk of domestic abuse and stalking: the notification requirements of a registration, checking they are met, and sharing what is necessary with the agencies that manage that risk with the police.',
    ],
    legalBasis,
    categories,
    data: {
      facts: shownFacts,
      registrations: registrations.map(scrubRow),
      notifications: notifications.map(scrubRow),
      visits: visits.map(scrubRow),
      breaches: breaches.map(scrubRow),
      photographs: photographs.map((p) => ({
        takenOn: p.taken_on,
        caption: p.caption === null ? null : scrubText(p.caption, terms),
        contentType: p.content_type,
        dataUri: `data:${p.content_type};base64,${Buffer.from(p.bytes).toString('base64')}`,
      })),
    },
    recipients: [...recipients].sort(),
    retention: {
      period: `Kept for as long as it is needed for these purposes. It is reviewed at least every ${settings.reviewEveryYears} years, and when you are deemed to be ${settings.retainUntilAge}, and deleted when it is no longer needed (Data Protection Act 2018, section 39; College of Policing, Retention, review and disposal).`,
      nextReviewBy: formatDay(nextReview.on),
    },
    origin: [
      ...origins.map((o) => (o.name === null ? 'Records imported into the register' : `Recorded by ${o.name}`)),
      ...(notifications.length > 0 ? ['You, in the notifications you gave'] : []),
    ],
    rights,
    withheld,
  }
  return { document, erased: false }
}

export type SubjectAccessFormat = 'json' | 'html' | 'text'

export type SubjectAccessAnswer =
  | { format: 'json'; document: SubjectAccessDocument }
  | { format: 'html' | 'text'; document: SubjectAccessDocument; content: string }

/**
 * The written answer to a request, as JSON or a printable page or text.
 * Producing it answers the request and is a disclosure to the data subject
 * (audited with them as the recipient).
 */
export async function subjectAccessExport(
  call: Call,
  id: string,
  format: SubjectAccessFormat = 'json',
  nonce?: string,
): Promise<SubjectAccessAnswer> {
  await authorised(call, 'subject-access:export')
  const settings = retentionSettingsOf(call.app)
  const today = call.app.today()
  return transact(call, async (tx) => {
    const request = await loadRequest(tx, call, id, true)
    if (request.status === 'withdrawn' || request.status === 'refused') {
      throw new Conflict(`this request was ${request.status}`)
    }
    const { document, erased } = await buildDocument(tx, request, today, settings)
    if (request.status !== 'answered') {
      await tx.execute(
        `UPDATE subject_access_request SET status = 'answered', answered_on = $2, clarification_asked_on = NULL,
                version = version + 1 WHERE id = $1`,
        [id, formatDay(today)],
      )
    }
    if (!erased) {
      await timeline(
        tx,
        call.actor,
        request.person_id,
        'subject-access-answered',
        'Subject access request answered',
        formatDay(today),
        {
          requestId: id,
        },
      )
    }
    await audit(
      tx,
      call.actor,
      'disclosure',
      { type: 'subject-access', id, personId: request.person_id },
      { format, withheldKinds: request.withheld_kinds.length },
      call.justification ?? 'subject access request (DPA 2018 s.45)',
      [`person:${request.person_id}`],
    )
    if (format === 'json') return { format, document }
    const { subjectAccessHtml, subjectAccessText } = await import('./subject-access-render.ts')
    return {
      format,
      document,
      content: format === 'html' ? subjectAccessHtml(document, nonce) : subjectAccessText(document),
    }
  })
}
