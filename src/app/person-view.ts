import { isDeepStrictEqual } from 'node:util'
import type { ExplanationJson } from '../contracts/explain-output.ts'
import {
  sections as allSections,
  canWrite,
  factSection,
  type Reach,
  type Section,
  type VictimView,
  victimContactFields,
  victimView,
  visibleSections,
} from '../domain/access/sections.ts'
import { ageOn, day, formatDay } from '../domain/dates/day.ts'
import type { PolicyId } from '../domain/explain/evaluation.ts'
import { isPolicyId, policyById } from '../domain/policies/registry.ts'
import { obligationsOf } from '../domain/register/obligations.ts'
import type { RiskLevel } from '../domain/register/settings.ts'
import type { Queryable } from '../store/database.ts'
import { authorised, type Call, transact } from './context.ts'
import { NotFound } from './errors.ts'
import { camelRow, type FactRow, loadPersonToRead, type PersonRow } from './people.ts'
import { consult, requireJustification } from './record-access.ts'
import { receivedNotification, registrationState } from './registration.ts'
import { outOfUse } from './restricted.ts'

// A person's record as the pages show it: the header every part of the
// record carries (who, registration, MAPPA, risk, who manages them), and one
// part of the record at a time, as far as the reader's role and reach allow
// (domain/access/sections.ts). One call is one audited consultation, with the
// reader's justification, naming the part read; each victim shown is a
// consultation of that victim's record too.

/** The parts of a record, each a page. */
export type RecordPart =
  | 'summary'
  | 'obligations'
  | 'addresses'
  | 'identity'
  | 'relationships'
  | 'convictions'
  | 'risk'
  | 'victims'
  | 'timeline'
  | 'documents'

export const recordParts: readonly RecordPart[] = [
  'summary',
  'obligations',
  'addresses',
  'identity',
  'relationships',
  'convictions',
  'risk',
  'victims',
  'timeline',
  'documents',
]

export const isRecordPart = (value: string): value is RecordPart => (recordParts as readonly string[]).includes(value)

/** The sections a part shows: a part is open to a reader who sees at least one of them. */
const partSections: Record<Exclude<RecordPart, 'summary' | 'timeline'>, readonly Section[]> = {
  obligations: ['compliance'],
  addresses: ['addresses', 'travel'],
  identity: ['identity', 'contact', 'description', 'finance'],
  relationships: ['relationships'],
  convictions: ['offending', 'orders'],
  risk: ['risk'],
  victims: ['victims'],
  documents: ['registration', 'offending', 'description'],
}

/** The kinds of fact each part lists. */
const partKinds: Partial<Record<RecordPart, readonly string[]>> = {
  addresses: ['address', 'foreign-travel'],
  identity: [
    'name',
    'identity-document',
    'phone',
    'email',
    'online-identity',
    'physical-description',
    'mark',
    'vehicle',
    'bank-account',
    'card',
  ],
  relationships: ['relationship', 'child-household'],
  convictions: ['conviction', 'caution', 'incident', 'modus-operandi', 'civil-order', 'licence-condition'],
  risk: ['risk-assessment', 'risk-management-plan', 'programme'],
  summary: ['address', 'name', 'phone', 'risk-assessment'],
}

/** Which parts a reader sees: the timeline as the API's (a record they manage or co-manage). */
export function partsOpen(shown: ReadonlySet<Section>, reach: Reach): RecordPart[] {
  return recordParts.filter((part) => {
    if (part === 'summary') return true
    if (part === 'timeline') return canWrite(reach)
    return partSections[part].some((section) => shown.has(section))
  })
}

export interface FactView {
  id: string
  kind: string
  data: Record<string, unknown>
  validFrom: string | null
  validTo: string | null
  recordedAt: string
  /** When a later fact replaced this one (a correction or a change recorded as such). */
  supersededAt: string | null
}

export interface RecordHeader {
  id: string
  reference: string
  givenNames: string
  familyName: string
  dateOfBirth: string
  age: number
  status: string
  riskLevel: string | null
  version: number
  managingOrganisation: { id: string; name: string }
  responsibleOfficer: { name: string; email: string; phone: string | null; organisation: string } | null
  /** The current registration (the latest if none is active), when the reader sees that section. */
  registration: {
    id: string
    status: string
    policyId: string
    policyTitle: string
    abuseType: string
    mappaCategory: number | null
    /** Proposed by the determination the registration was made on; a MAPPA meeting decides. */
    mappaLevelProposed: number | null
    registeredOn: string
    noticeServedOn: string | null
    lastDay: string | null
    reviewDate: string | null
    endedOn: string | null
    inCustody: boolean
    noFixedAbode: boolean
    notificationDuties: boolean
  } | null
}

export interface ObligationView {
  key: string
  kind: string
  holder: 'registrant' | 'agency'
  title: string
  provision: string
  dueOn: string
  status: 'upcoming' | 'due' | 'overdue' | 'met' | 'met-late'
  metOn?: string
}

export interface VictimShown {
  id: string
  relationship: string | null
  view: VictimView
  /** Contact fields removed unless the reader sees them. */
  data: Record<string, unknown>
}

export interface PersonRecordView {
  header: RecordHeader
  part: RecordPart
  reach: Reach
  /** The parts this reader may open (the sub-navigation). */
  parts: RecordPart[]
  sectionsShown: Section[]
  sectionsHidden: Section[]
  /** The reader's organisation manages or co-manages the record, so may record things on it. */
  canWrite: boolean
  /** Current and previous facts of the part's kinds, by kind (only kinds whose section is shown). */
  facts: Record<string, { current: FactView[]; previous: FactView[] }>
  obligations?: ObligationView[]
  notifications?: Record<string, unknown>[]
  visits?: Record<string, unknown>[]
  breaches?: Record<string, unknown>[]
  victims?: VictimShown[]
  timeline?: { items: Record<string, unknown>[]; olderThan: number | null }
  documents?: {
    registrations: Record<string, unknown>[]
    determinations: Record<string, unknown>[]
    photographs: Record<string, unknown>[]
  }
  /** On the identity part, when the reader sees that section. */
  identity?: { niNumber: string | null; sex: string | null }
  /** The most recent photograph, on the summary, when the reader sees the description. */
  photograph?: Record<string, unknown> | null
}

const timelinePage = 50

/**
 * One part of a person's record with its header. A part the reader may not
 * open is "not found", and the refusal is audited, as for a record outside
 * their reach. `olderThan` pages the timeline back.
 */
export async function viewPersonRecord(
  call: Call,
  personId: string,
  part: RecordPart,
  options: { olderThan?: number } = {},
): Promise<PersonRecordView> {
  await authorised(call, 'person:read')
  // Nothing is read without the reason (DPA 2018 s.62(3)(a)).
  requireJustification(call)
  return transact(call, async (tx) => {
    const { person, reach } = await loadPersonToRead(tx, call, personId)
    const shown = visibleSections(call.actor, reach.reach, reach.planShared as Section[])
    const show = (section: Section) => shown.has(section)
    const parts = partsOpen(shown, reach.reach)
    if (!parts.includes(part)) {
      throw new NotFound(part, { type: `record-${part}`, id: personId, personId, reason: `part ${part} not shown` })
    }
    const header = await headerOf(tx, call, person, show('registration'))
    const view: PersonRecordView = {
      header,
      part,
      reach: reach.reach,
      parts,
      sectionsShown: allSections.filter(show),
      sectionsHidden: allSections.filter((section) => !show(section)),
      canWrite: canWrite(reach.reach),
      facts: await factsOf(tx, call, personId, part, shown),
    }
    const audited: Record<string, unknown> = {}

    if (part === 'identity' && show('identity')) view.identity = { niNumber: person.ni_number, sex: person.sex }
    if ((part === 'obligations' || part === 'summary') && show('compliance')) {
      Object.assign(view, await complianceOf(tx, call, person, header))
    }
    if (part === 'summary' && show('description')) {
      const rows = await tx.query(
        `SELECT id, content_type, width, height, taken_on, caption, recorded_at FROM photograph
          WHERE person_id = $1 ORDER BY recorded_at DESC LIMIT 1`,
        [personId],
      )
      view.photograph = rows[0] === undefined ? null : camelRow(rows[0])
    }
    if (part === 'victims') {
      view.victims = await victimsOf(tx, call, personId, reach.reach)
      audited.victims = view.victims.length
    }
    if (part === 'timeline') {
      const rows = await tx.query<{ id: number } & Record<string, unknown>>(
        `SELECT e.id, e.kind, e.summary, e.data->>'kind' AS fact_kind, e.occurred_on, e.recorded_at,
                u.display_name AS actor_name
           FROM timeline_event e LEFT JOIN app_user u ON u.id = e.actor_id
          WHERE e.person_id = $1 AND ($2::bigint IS NULL OR e.id < $2) ORDER BY e.id DESC LIMIT $3`,
        [personId, options.olderThan ?? null, timelinePage + 1],
      )
      const items = rows.slice(0, timelinePage)
      view.timeline = {
        items: items.map(camelRow),
        olderThan: rows.length > timelinePage ? Number(items.at(-1)?.id) : null,
      }
    }
    if (part === 'documents') {
      view.documents = {
        registrations: show('registration')
          ? (
              await tx.query(
                `SELECT id, policy_id, status, registered_on, notice_served_on, ended_on FROM registration
                  WHERE person_id = $1 ORDER BY registered_on DESC`,
                [personId],
              )
            ).map(camelRow)
          : [],
        // A determination sets out the person's offending: listed only to those who see that section.
        determinations: show('offending')
          ? (
              await tx.query(
                'SELECT id, as_of, decided_at FROM determination WHERE person_id = $1 ORDER BY decided_at DESC',
                [personId],
              )
            ).map(camelRow)
          : [],
        photographs: show('description')
          ? (
              await tx.query(
                `SELECT id, content_type, width, height, taken_on, caption, recorded_at FROM photograph
                  WHERE person_id = $1 ORDER BY recorded_at DESC`,
                [personId],
              )
            ).map(camelRow)
          : [],
      }
    }

    // Reads under "need to know" are flagged, so the managing organisation's review can find them.
    await consult(
      tx,
      call,
      { type: 'person', id: personId, personId },
      {
        part,
        reach: reach.reach,
        ...audited,
        ...(view.sectionsHidden.length > 0 ? { sectionsHidden: view.sectionsHidden } : {}),
        ...(reach.needToKnowId !== undefined ? { needToKnow: reach.needToKnowId, flagged: true } : {}),
      },
    )
    for (const victim of view.victims ?? []) {
      await consult(
        tx,
        call,
        { type: 'victim', id: victim.id },
        { via: personId, ...(victim.view === 'full' ? {} : { fieldsWithheld: 'contact' }) },
      )
    }
    return view
  })
}

async function headerOf(
  tx: Queryable,
  call: Call,
  person: PersonRow,
  registrationShown: boolean,
): Promise<RecordHeader> {
  const organisations = await tx.query<{ name: string }>('SELECT name FROM organisation WHERE id = $1', [
    person.managing_org_id,
  ])
  const officers =
    person.responsible_officer_id === null
      ? []
      : await tx.query<{ display_name: string; email: string; phone: string | null; organisation: string }>(
          `SELECT u.display_name, u.email, u.phone, o.name AS organisation
             FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1`,
          [person.responsible_officer_id],
        )
  const officer = officers[0]
  return {
    id: person.id,
    reference: person.reference,
    givenNames: person.given_names,
    familyName: person.family_name,
    dateOfBirth: person.date_of_birth,
    age: ageOn(day(person.date_of_birth), call.app.today()),
    status: person.status,
    riskLevel: person.risk_level,
    version: person.version,
    managingOrganisation: { id: person.managing_org_id, name: organisations[0]?.name ?? person.managing_org_id },
    responsibleOfficer:
      officer === undefined
        ? null
        : {
            name: officer.display_name,
            email: officer.email,
            phone: officer.phone,
            organisation: officer.organisation,
          },
    registration: registrationShown ? await currentRegistration(tx, person.id) : null,
  }
}

interface RegistrationRow {
  id: string
  status: string
  policy_id: string
  abuse_type: string
  mappa_category: number | null
  notification_duties: boolean
  registered_on: string
  notice_served_on: string | null
  initial_due: string | null
  last_day: string | null
  review_date: string | null
  ended_on: string | null
  in_custody: boolean
  no_fixed_abode: boolean
  explanation: ExplanationJson | null
}

async function currentRegistration(tx: Queryable, personId: string): Promise<RecordHeader['registration']> {
  const rows = await tx.query<RegistrationRow & Record<string, unknown>>(
    `SELECT r.id, r.status, r.policy_id, r.abuse_type, r.mappa_category, r.notification_duties, r.registered_on,
            r.notice_served_on, r.initial_due, r.last_day, r.review_date, r.ended_on, r.in_custody, r.no_fixed_abode,
            d.explanation
       FROM registration r LEFT JOIN determination d ON d.id = r.determination_id
      WHERE r.person_id = $1 ORDER BY (r.status = 'active') DESC, r.registered_on DESC LIMIT 1`,
    [personId],
  )
  const row = rows[0]
  if (row === undefined) return null
  const evaluation = row.explanation?.policies.find((p) => p.policy === row.policy_id)
  return {
    id: row.id,
    status: row.status,
    policyId: row.policy_id,
    policyTitle: isPolicyId(row.policy_id) ? policyById(row.policy_id as PolicyId).title : row.policy_id,
    abuseType: row.abuse_type,
    mappaCategory: row.mappa_category,
    mappaLevelProposed: evaluation?.consequences?.mappaLevelProposed ?? null,
    registeredOn: row.registered_on,
    noticeServedOn: row.notice_served_on,
    lastDay: row.last_day,
    reviewDate: row.review_date,
    endedOn: row.ended_on,
    inCustody: row.in_custody,
    noFixedAbode: row.no_fixed_abode,
    notificationDuties: row.notification_duties,
  }
}

/**
 * The facts a part lists, current and previous. History is kept: a changed
 * fact is a new row superseding the old, and a fact whose period has ended
 * stays; both are "previous".
 */
async function factsOf(
  tx: Queryable,
  call: Call,
  personId: string,
  part: RecordPart,
  shown: ReadonlySet<Section>,
): Promise<PersonRecordView['facts']> {
  const kinds = (partKinds[part] ?? []).filter((kind) => {
    const section = factSection[kind]
    return section !== undefined && shown.has(section)
  })
  if (kinds.length === 0) return {}
  const rows = await tx.query<FactRow & Record<string, unknown>>(
    `SELECT * FROM person_fact WHERE person_id = $1 AND kind = ANY($2::text[])
      ORDER BY valid_from DESC NULLS LAST, recorded_at DESC`,
    [personId, kinds],
  )
  const today = formatDay(call.app.today())
  const out: PersonRecordView['facts'] = {}
  for (const kind of kinds) out[kind] = { current: [], previous: [] }
  const byId = new Map(rows.map((row) => [row.id, row]))
  for (const row of rows) {
    // A fact ended by a later row that only adds its "to" date is shown once, as the ended row.
    const successor = row.superseded_by === null ? undefined : byId.get(row.superseded_by)
    if (successor !== undefined && onlyEnded(row, successor)) continue
    const fact: FactView = {
      id: row.id,
      kind: row.kind,
      data: row.data,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      recordedAt: row.recorded_at.toISOString(),
      supersededAt: row.superseded_at === null ? null : row.superseded_at.toISOString(),
    }
    const ended = fact.validTo !== null && fact.validTo < today
    const list = out[row.kind]
    if (list === undefined) continue
    if (row.superseded_by !== null || ended) list.previous.push(fact)
    else list.current.push(fact)
  }
  return out
}

/** Whether `next` is `fact` with an end date and nothing else changed (how a fact is ended, not corrected). */
function onlyEnded(fact: FactRow, next: FactRow): boolean {
  if (next.kind !== fact.kind || next.valid_to === null || next.valid_to === fact.valid_to) return false
  const { validTo: _before, ...was } = fact.data
  const { validTo: _after, ...now } = next.data
  return isDeepStrictEqual(was, now)
}

/** What is due and overdue on the current registration, what was received, visits and suspected breaches. */
async function complianceOf(tx: Queryable, call: Call, person: PersonRow, header: RecordHeader) {
  const registration = header.registration
  let obligations: ObligationView[] = []
  if (registration !== null && registration.status === 'active') {
    const rows = await tx.query<{
      registered_on: string
      initial_due: string | null
      last_day: string | null
      no_fixed_abode: boolean
      in_custody: boolean
      notification_duties: boolean
    }>(
      `SELECT registered_on, initial_due, last_day, no_fixed_abode, in_custody, notification_duties
         FROM registration WHERE id = $1`,
      [registration.id],
    )
    const received = await tx.query<Parameters<typeof receivedNotification>[0] & Record<string, unknown>>(
      'SELECT id, kind, received_on, event_date, departure_date, details FROM notification WHERE registration_id = $1',
      [registration.id],
    )
    const seen = await tx.query<{ visited_on: string; outcome: 'seen' | 'not-seen' | 'refused-entry' }>(
      'SELECT visited_on, outcome FROM home_visit WHERE person_id = $1 AND visited_on >= $2',
      [person.id, registration.registeredOn],
    )
    const row = rows[0]
    if (row !== undefined) {
      obligations = obligationsOf({
        registration: registrationState(row, person.risk_level as RiskLevel | null),
        notifications: received.map(receivedNotification),
        visits: seen.map((v) => ({ visitedOn: day(v.visited_on), outcome: v.outcome })),
        asOf: call.app.today(),
        settings: call.app.settings,
        legal: call.app.legal,
      }).map(({ metOn, dueOn, ...o }) => ({
        ...o,
        dueOn: formatDay(dueOn),
        ...(metOn === undefined ? {} : { metOn: formatDay(metOn) }),
      }))
    }
  }
  const notifications = await tx.query(
    `SELECT n.id, n.kind, n.received_on, n.event_date, n.departure_date, n.items, n.station, u.display_name AS received_by
       FROM notification n LEFT JOIN app_user u ON u.id = n.received_by
      WHERE n.person_id = $1 ORDER BY n.received_on DESC, n.received_at DESC`,
    [person.id],
  )
  const visits = await tx.query(
    `SELECT v.id, v.visited_on, v.outcome, v.notes, u.display_name AS recorded_by
       FROM home_visit v LEFT JOIN app_user u ON u.id = v.recorded_by
      WHERE v.person_id = $1 ORDER BY v.visited_on DESC`,
    [person.id],
  )
  const breaches = await tx.query(
    `SELECT id, obligation_key, obligation_kind, provision, due_on, detected_on, status, outcome, outcome_notes,
            outcome_on, version
       FROM breach WHERE person_id = $1 ORDER BY (status = 'suspected') DESC, due_on DESC`,
    [person.id],
  )
  return {
    obligations,
    notifications: notifications.map(camelRow),
    visits: visits.map(camelRow),
    breaches: breaches.map(camelRow),
  }
}

/**
 * The victims linked to the person, as far as the reader may see each:
 * contact details and addresses only to victim liaison officers and the
 * case's police managers. A restricted or erased victim record is left out.
 */
async function victimsOf(tx: Queryable, call: Call, personId: string, reach: Reach): Promise<VictimShown[]> {
  const rows = await tx.query<{
    victim_id: string
    relationship: string | null
    managing_org_id: string
    data: Record<string, unknown>
    restricted_on: unknown
    erased_on: unknown
  }>(
    `SELECT l.victim_id, l.relationship, v.managing_org_id, v.data, v.restricted_on, v.erased_on
       FROM victim_link l JOIN victim v ON v.id = l.victim_id
      WHERE l.person_id = $1 ORDER BY l.created_at, l.victim_id`,
    [personId],
  )
  const rank: Record<VictimView, number> = { none: 0, 'without-contact': 1, full: 2 }
  const shown: VictimShown[] = []
  for (const row of rows) {
    if (outOfUse(row) !== undefined) continue
    // The best of how the reader reaches the victim: through this case, or by managing the victim's record.
    const throughCase = victimView(call.actor, reach)
    const asManager =
      call.actor.organisationId === row.managing_org_id ? victimView(call.actor, 'managing') : ('none' as const)
    const view = rank[asManager] > rank[throughCase] ? asManager : throughCase
    if (view === 'none') continue
    const data = { ...row.data }
    if (view === 'without-contact') for (const field of victimContactFields) delete data[field]
    shown.push({ id: row.victim_id, relationship: row.relationship, view, data })
  }
  return shown
}
