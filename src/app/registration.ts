import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { parseExplainInput } from '../contracts/explain-input.ts'
import { explanationToJson, type PolicyEvaluationJson } from '../contracts/explain-output.ts'
import {
  determinationRequest,
  noticeServed,
  notificationCreate,
  profileAdjustment,
  referral,
  registrationArchive,
  registrationCreate,
  registrationEnd,
  reviewDecision,
} from '../contracts/register/requests.ts'
import { type Day, day, formatDay, parseDay } from '../domain/dates/day.ts'
import type { NotificationPeriod } from '../domain/explain/evaluation.ts'
import { explainPerson } from '../domain/explain/explain.ts'
import { isPolicyId, policies, policyById } from '../domain/policies/registry.ts'
import {
  expiryRefusal,
  furtherReviewDate,
  initialDueOnRegistration,
  initialDueOnRelease,
  reviewRefusal,
} from '../domain/register/lifecycle.ts'
import { buildNotice, retentionReviewOn } from '../domain/register/notice.ts'
import { obligationsOf, type ReceivedNotification, type RegistrationState } from '../domain/register/obligations.ts'
import {
  type AbuseType,
  isStatutory,
  notificationProfile,
  type ProfileAdjustment,
  profileItemIds,
} from '../domain/register/profiles.ts'
import type { RiskLevel } from '../domain/register/settings.ts'
import type { Queryable } from '../store/database.ts'
import { actorIdFor, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem, StaleWrite } from './errors.ts'
import {
  bumpVersion,
  camelRow,
  checkFact,
  type FactRow,
  isUuid,
  loadPerson,
  loadPersonForSection,
  type PersonRow,
  personSummary,
  recordFact,
} from './people.ts'
import { consult } from './record-access.ts'
import { failIf, parseOrThrow } from './validate.ts'

// The registration lifecycle: referral → determination (the legal core's
// explanation, stored as made) → registration → notice → notifications →
// review → end → archive. Each step is one transaction and one timeline event.

const iso = (d: Day) => formatDay(d)
const dayOf = (text: string | null | undefined): Day | undefined =>
  text === null || text === undefined ? undefined : parseDay(text)

function notFuture(call: Call, field: string, value: string | undefined) {
  return value !== undefined && value > iso(call.app.today()) ? [problem(field, 'must not be in the future')] : []
}

export async function refer(call: Call, personId: string, body: unknown) {
  await authorised(call, 'registration:refer')
  const input = parseOrThrow(referral, body)
  failIf(notFuture(call, '$.referredOn', input.referredOn))
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    if (person.status !== 'recorded' && person.status !== 'ended') {
      throw new Conflict(`cannot refer a person whose status is ${person.status}`)
    }
    await tx.execute(`UPDATE person SET status = 'referred' WHERE id = $1`, [personId])
    const version = await bumpVersion(tx, person, undefined)
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'referral', personId, id: personId },
      personId: personId,
      kind: 'referred',
      summary: `Referred: ${input.reason}`,
      on: input.referredOn ?? iso(call.app.today()),
      data: {
        reason: input.reason,
      },
    })
    return { personId, status: 'referred', version }
  })
}

/** The explain input the legal core reads, assembled from the stored facts. */
async function coreInput(tx: Queryable, person: PersonRow, asOf: string) {
  const facts = await tx.query<FactRow & Record<string, unknown>>(
    `SELECT * FROM person_fact WHERE person_id = $1 AND superseded_by IS NULL
       AND kind IN ('conviction', 'caution', 'incident', 'risk-assessment') ORDER BY recorded_at, id`,
    [person.id],
  )
  const of = (kind: string) => facts.filter((f) => f.kind === kind).map((f) => ({ id: f.id, ...f.data }))
  return {
    asOf,
    person: { id: person.id, dateOfBirth: person.date_of_birth },
    convictions: of('conviction'),
    cautions: of('caution'),
    incidents: of('incident'),
    riskAssessments: of('risk-assessment'),
  }
}

/** Runs every policy on the record as it stands and keeps the explanation exactly as made. */
export async function determine(call: Call, personId: string, body: unknown) {
  await authorised(call, 'registration:determine')
  const input = parseOrThrow(determinationRequest, body ?? {})
  failIf(notFuture(call, '$.asOf', input.asOf))
  const asOf = input.asOf ?? iso(call.app.today())
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const explainInput = await coreInput(tx, person, asOf)
    const parsed = parseExplainInput(explainInput)
    if (!parsed.ok) {
      // Name the stored fact, not an array index the user never saw.
      failIf(
        parsed.problems.map((line) => {
          const match = /^\$\.(convictions|cautions|incidents|riskAssessments)\[(\d+)\](.*?): (.*)$/.exec(line)
          if (match === null) return problem('$', line, 'record')
          const list = explainInput[match[1] as 'convictions'] as { id: string }[]
          return problem(`fact ${list[Number(match[2])]?.id}${match[3]}`, match[4] as string, 'record')
        }),
      )
      throw new Error('unreachable')
    }
    const explanation = explanationToJson(explainPerson(parsed.record))
    const policyVersions = Object.fromEntries(policies.map((p) => [p.id, p.version]))
    const id = randomUUID()
    await tx.execute(
      `INSERT INTO determination (id, person_id, as_of, input, explanation, policy_versions, software_version, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        personId,
        asOf,
        JSON.stringify(explainInput),
        JSON.stringify(explanation),
        JSON.stringify(policyVersions),
        call.app.softwareVersion,
        actorIdFor(call.actor),
      ],
    )
    const summary = explanation.policies.map((p) => `${p.policy}: ${p.outcome}`).join('; ')
    await recordStep(tx, call.actor, {
      operation: 'combination',
      object: { type: 'determination', id, personId },
      personId: personId,
      kind: 'determined',
      summary: `Eligibility determined as of ${asOf}: ${summary}`,
      on: iso(call.app.today()),
      data: {
        determinationId: id,
      },
    })
    return { id, personId, asOf, policyVersions, softwareVersion: call.app.softwareVersion, explanation }
  })
}

export async function readDetermination(call: Call, determinationId: string) {
  await authorised(call, 'person:read')
  if (!isUuid(determinationId)) throw new NotFound('determination')
  return transact(call, async (tx) => {
    const rows = await tx.query<Record<string, unknown> & { person_id: string }>(
      'SELECT * FROM determination WHERE id = $1',
      [determinationId],
    )
    const row = rows[0]
    if (row === undefined) throw new NotFound('determination')
    // A determination sets out the person's offending: shown only to those who see that section.
    await loadPersonForSection(tx, call, row.person_id, 'offending')
    await consult(tx, call, { type: 'determination', id: determinationId, personId: row.person_id })
    return camelRow(row)
  })
}

/**
 * A determination with the person it is about, for a page that shows both
 * (the determination, choosing a policy, checking the answers): one read and
 * one audited consultation naming both records. The person first, so a record
 * out of reach is refused (and audited) before the determination is looked up;
 * a determination of someone else is not found.
 */
export async function viewDetermination(call: Call, personId: string, determinationId: string) {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    // A determination sets out the person's offending: shown only to those who see that section.
    const { person, reach } = await loadPersonForSection(tx, call, personId, 'offending')
    if (!isUuid(determinationId)) throw new NotFound('determination')
    const rows = await tx.query<Record<string, unknown>>(
      'SELECT * FROM determination WHERE id = $1 AND person_id = $2',
      [determinationId, personId],
    )
    const row = rows[0]
    if (row === undefined) throw new NotFound('determination')
    await consult(
      tx,
      call,
      { type: 'determination', id: determinationId, personId },
      {
        records: [`person:${personId}`, `determination:${determinationId}`],
        reach: reach.reach,
        ...(reach.needToKnowId !== undefined ? { needToKnow: reach.needToKnowId, flagged: true } : {}),
      },
    )
    return { person: personSummary(person), determination: camelRow(row) }
  })
}

// ---------------------------------------------------------------------------
// Registration

interface RegistrationRow {
  id: string
  person_id: string
  policy_id: string
  policy_version: string
  status: 'active' | 'ended' | 'archived'
  abuse_type: AbuseType
  mappa_category: number | null
  notification_duties: boolean
  period: NotificationPeriod | null
  relevant_date: string
  last_day: string | null
  review_date: string | null
  initial_due: string | null
  no_fixed_abode: boolean
  in_custody: boolean
  registered_on: string
  notice_served_on: string | null
  ended_on: string | null
  archived_on: string | null
  version: number
}

/**
 * A registration and its person: for a decision, the person must be one the
 * actor's organisation manages or co-manages; for reading, any reach that
 * shows the registration section (a plan that shares it, need to know).
 */
async function loadRegistration(
  tx: Queryable,
  call: Call,
  registrationId: string,
  lock = false,
  purpose: 'write' | 'read' = 'write',
) {
  if (!isUuid(registrationId)) throw new NotFound('registration')
  const rows = await tx.query<RegistrationRow & Record<string, unknown>>(
    `SELECT * FROM registration WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [registrationId],
  )
  const registration = rows[0]
  if (registration === undefined) throw new NotFound('registration')
  const person =
    purpose === 'read'
      ? (await loadPersonForSection(tx, call, registration.person_id, 'registration')).person
      : await loadPerson(tx, call, registration.person_id, lock)
  return { registration, person }
}

function checkRegistrationVersion(registration: RegistrationRow, expected: number | undefined) {
  if (expected !== undefined && expected !== registration.version) {
    throw new StaleWrite('this registration', registration.version)
  }
}

async function bumpRegistration(tx: Queryable, registration: RegistrationRow, sets: string, params: unknown[]) {
  const changed = await tx.execute(
    `UPDATE registration SET ${sets}, version = version + 1 WHERE id = $1 AND version = $2`,
    [registration.id, registration.version, ...params],
  )
  if (changed !== 1) throw new StaleWrite('this registration', registration.version + 1)
  return registration.version + 1
}

export async function register(call: Call, personId: string, body: unknown) {
  await authorised(call, 'registration:decide')
  const input = parseOrThrow(registrationCreate, body)
  failIf(notFuture(call, '$.registeredOn', input.registeredOn))
  if (!isPolicyId(input.policyId)) {
    failIf([
      problem(
        '$.policyId',
        `${JSON.stringify(input.policyId)} is not a policy (known: ${policies.map((p) => p.id).join(', ')})`,
      ),
    ])
  }
  const registeredOn = input.registeredOn ?? iso(call.app.today())
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const rows = await tx.query<{
      person_id: string
      explanation: { policies: PolicyEvaluationJson[] }
      as_of: string
    }>('SELECT person_id, explanation, as_of FROM determination WHERE id = $1', [input.determinationId])
    const determination = rows[0]
    if (determination === undefined || determination.person_id !== personId) {
      failIf([problem('$.determinationId', 'is not a determination of this person')])
      throw new Error('unreachable')
    }
    const evaluation = determination.explanation.policies.find((p) => p.policy === input.policyId)
    if (evaluation === undefined) failIf([problem('$.policyId', 'was not evaluated in this determination')])
    const consequences = evaluation?.consequences
    // Nobody is registered on a guess: only an "eligible" outcome registers.
    if (evaluation?.outcome !== 'eligible' || consequences == null) {
      throw new Conflict(
        `the determination found this person ${evaluation?.outcome ?? 'not evaluated'} under ${input.policyId}; only an eligible outcome can be registered`,
        { outcome: evaluation?.outcome, missing: evaluation?.missing ?? [] },
      )
    }
    const existing = await tx.query(`SELECT id FROM registration WHERE person_id = $1 AND status = 'active'`, [
      personId,
    ])
    if (existing.length > 0)
      throw new Conflict('this person already has an active registration', { registrationId: existing[0]?.id })

    const notificationDuties = consequences.effect === 'notification-requirements'
    const initialDue = initialDueOnRegistration(
      dayOf(consequences.initialNotificationDue),
      day(registeredOn),
      input.inCustody,
      call.app.legal,
    )
    const relevantDate = consequences.periodStart ?? determination.as_of
    const id = randomUUID()
    await tx.execute(
      `INSERT INTO registration (id, person_id, determination_id, policy_id, policy_version, status, abuse_type,
          mappa_category, notification_duties, period, relevant_date, last_day, review_date, initial_due,
          no_fixed_abode, in_custody, registered_on, registered_by)
       VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        id,
        personId,
        input.determinationId,
        input.policyId,
        policyById(input.policyId as never).version,
        input.abuseType,
        consequences.mappaCategory,
        notificationDuties,
        JSON.stringify(consequences.notificationPeriod),
        relevantDate,
        consequences.periodLastDay,
        consequences.earliestReview,
        initialDue === undefined ? null : iso(initialDue),
        input.noFixedAbode,
        input.inCustody,
        registeredOn,
        actorIdFor(call.actor),
      ],
    )
    await tx.execute(`UPDATE person SET status = 'registered' WHERE id = $1`, [personId])
    const version = await bumpVersion(tx, person, undefined)
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'registration', id, personId },
      detail: { policy: input.policyId },
      personId: personId,
      kind: 'registered',
      summary: `Registered under ${input.policyId} (${input.abuseType}); MAPPA category ${consequences.mappaCategory ?? 'none'}`,
      on: registeredOn,
      data: { registrationId: id, determinationId: input.determinationId },
    })
    return { id, personId, personVersion: version, initialDue: initialDue === undefined ? null : iso(initialDue) }
  })
}

async function adjustments(tx: Queryable, registrationId: string): Promise<ProfileAdjustment[]> {
  return tx.query<ProfileAdjustment & Record<string, unknown>>(
    'SELECT item, action, reason FROM profile_adjustment WHERE registration_id = $1 ORDER BY made_at, id',
    [registrationId],
  )
}

function registrationJson(registration: RegistrationRow) {
  return camelRow(registration as unknown as Record<string, unknown>)
}

export async function readRegistration(call: Call, registrationId: string, asOfText?: string) {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    const { registration, person } = await loadRegistration(tx, call, registrationId, false, 'read')
    const profile = notificationProfile(registration.abuse_type, await adjustments(tx, registrationId))
    const obligations = await obligationsFor(tx, call, registration, person, asOfText)
    await consult(tx, call, { type: 'registration', id: registrationId, personId: person.id })
    return { registration: registrationJson(registration), profile, obligations }
  })
}

async function obligationsFor(
  tx: Queryable,
  call: Call,
  registration: RegistrationRow,
  person: PersonRow,
  asOfText?: string,
) {
  const asOf = asOfText === undefined ? call.app.today() : day(asOfText)
  const notifications = await tx.query<{
    id: string
    kind: ReceivedNotification['kind']
    received_on: string
    event_date: string | null
    departure_date: string | null
    details: { shortNotice?: boolean }
  }>('SELECT id, kind, received_on, event_date, departure_date, details FROM notification WHERE registration_id = $1', [
    registration.id,
  ])
  const visits = await tx.query<{ visited_on: string; outcome: 'seen' | 'not-seen' | 'refused-entry' }>(
    'SELECT visited_on, outcome FROM home_visit WHERE person_id = $1 AND visited_on >= $2',
    [person.id, registration.registered_on],
  )
  return obligationsOf({
    registration: registrationState(registration, person.risk_level as RiskLevel | null),
    notifications: notifications.map(receivedNotification),
    visits: visits.map((v) => ({ visitedOn: day(v.visited_on), outcome: v.outcome })),
    asOf,
    settings: call.app.settings,
    legal: call.app.legal,
  }).map(({ metOn, ...o }) => ({ ...o, dueOn: iso(o.dueOn), ...(metOn === undefined ? {} : { metOn: iso(metOn) }) }))
}

/** A registration as the obligations rules read it, its dates already day numbers. */
export interface RegistrationDays {
  registeredOn: Day
  initialDue: Day | null
  lastDay: Day | null
  noFixedAbode: boolean
  inCustody: boolean
  notificationDuties: boolean
  riskLevel: RiskLevel | null
}

export function registrationStateOf(r: RegistrationDays): RegistrationState {
  const state: RegistrationState = {
    registeredOn: r.registeredOn,
    noFixedAbode: r.noFixedAbode,
    inCustody: r.inCustody,
    notificationDuties: r.notificationDuties,
  }
  if (r.initialDue !== null) state.initialDue = r.initialDue
  if (r.lastDay !== null) state.lastDay = r.lastDay
  if (r.riskLevel !== null) state.riskLevel = r.riskLevel
  return state
}

/** A registration row (dates as text) as the obligations rules read it. */
export function registrationState(
  registration: Pick<
    RegistrationRow,
    'registered_on' | 'initial_due' | 'last_day' | 'no_fixed_abode' | 'in_custody' | 'notification_duties'
  >,
  riskLevel: RiskLevel | null,
): RegistrationState {
  return registrationStateOf({
    registeredOn: day(registration.registered_on),
    initialDue: dayOf(registration.initial_due) ?? null,
    lastDay: dayOf(registration.last_day) ?? null,
    noFixedAbode: registration.no_fixed_abode,
    inCustody: registration.in_custody,
    notificationDuties: registration.notification_duties,
    riskLevel,
  })
}

/** A notification as the obligations rules read it, its dates already day numbers. */
export interface NotificationDays {
  id: string
  kind: ReceivedNotification['kind']
  receivedOn: Day
  eventDate: Day | null
  departureDate: Day | null
  shortNotice: boolean | null
}

export function receivedNotificationOf(n: NotificationDays): ReceivedNotification {
  const received: ReceivedNotification = { id: n.id, kind: n.kind, receivedOn: n.receivedOn }
  if (n.eventDate !== null) received.eventDate = n.eventDate
  if (n.departureDate !== null) received.departureDate = n.departureDate
  if (n.shortNotice === true) received.shortNotice = true
  return received
}

/** A notification row (dates as text) as the obligations rules read it. */
export function receivedNotification(n: {
  id: string
  kind: ReceivedNotification['kind']
  received_on: string
  event_date: string | null
  departure_date: string | null
  details: { shortNotice?: boolean }
}): ReceivedNotification {
  return receivedNotificationOf({
    id: n.id,
    kind: n.kind,
    receivedOn: day(n.received_on),
    eventDate: dayOf(n.event_date) ?? null,
    departureDate: dayOf(n.departure_date) ?? null,
    shortNotice: n.details.shortNotice === true,
  })
}

export async function notice(call: Call, registrationId: string) {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    const { registration, person } = await loadRegistration(tx, call, registrationId, false, 'read')
    const document = await noticeOf(tx, call, registration, person)
    await consult(tx, call, { type: 'notice', id: registrationId, personId: person.id })
    return document
  })
}

/**
 * The notice with the registration it is of, for the page that shows the
 * notice and records it served: one read and one audited consultation naming
 * both.
 */
export async function viewNotice(call: Call, registrationId: string) {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    const { registration, person } = await loadRegistration(tx, call, registrationId, false, 'read')
    const document = await noticeOf(tx, call, registration, person)
    await consult(
      tx,
      call,
      { type: 'notice', id: registrationId, personId: person.id },
      { records: [`notice:${registrationId}`, `registration:${registrationId}`] },
    )
    return { notice: document, registration: registrationJson(registration) }
  })
}

/** The notice to the registrant (SOA 2003 s.83 and the profile), as of the registration's record. */
async function noticeOf(tx: Queryable, call: Call, registration: RegistrationRow, person: PersonRow) {
  const policy = policyById(registration.policy_id as never)
  const lastDay = dayOf(registration.last_day)
  const reviewDate = dayOf(registration.review_date)
  const initialDue = dayOf(registration.initial_due)
  return buildNotice({
    reference: person.reference,
    name: `${person.given_names} ${person.family_name}`,
    dateOfBirth: day(person.date_of_birth),
    policyTitle: policy.title,
    policySource: policy.source,
    notificationDuties: registration.notification_duties,
    period: registration.period,
    relevantDate: day(registration.relevant_date),
    ...(lastDay === undefined ? {} : { lastDay }),
    ...(reviewDate === undefined ? {} : { reviewDate }),
    ...(initialDue === undefined ? {} : { initialDue }),
    noFixedAbode: registration.no_fixed_abode,
    profile: notificationProfile(registration.abuse_type, await adjustments(tx, registration.id)),
    issuedOn: day(registration.notice_served_on ?? registration.registered_on),
    settings: call.app.settings,
  })
}

/**
 * A registrar's decision on one registration (notice served, review, end,
 * archive): the role, the body, a date that must not be in the future, the
 * registration loaded and locked, and its version checked, then `work` in the
 * same transaction.
 */
async function registrarDecision<S extends z.ZodType, R>(
  call: Call,
  registrationId: string,
  expected: number | undefined,
  body: unknown,
  schema: S,
  dateField: keyof z.output<S> & string,
  work: (tx: Queryable, registration: RegistrationRow, person: PersonRow, input: z.output<S>) => Promise<R>,
): Promise<R> {
  await authorised(call, 'registration:decide')
  const input = parseOrThrow(schema, body)
  failIf(notFuture(call, `$.${dateField}`, input[dateField] as string))
  return transact(call, async (tx) => {
    const { registration, person } = await loadRegistration(tx, call, registrationId, true)
    checkRegistrationVersion(registration, expected)
    return work(tx, registration, person, input)
  })
}

export function recordNoticeServed(call: Call, registrationId: string, expected: number | undefined, body: unknown) {
  return registrarDecision(
    call,
    registrationId,
    expected,
    body,
    noticeServed,
    'servedOn',
    async (tx, registration, person, input) => {
      if (input.servedOn < registration.registered_on)
        failIf([problem('$.servedOn', 'must not be before the registration')])
      const version = await bumpRegistration(tx, registration, 'notice_served_on = $3', [input.servedOn])
      await recordStep(tx, call.actor, {
        operation: 'disclosure',
        object: { type: 'notice', id: registrationId, personId: person.id },
        detail: { method: input.method },
        // The notice is served on the registered person themself (s.62(3)(b): who received it).
        recipients: [`person:${person.id}`],
        personId: person.id,
        kind: 'notice-served',
        summary: `Notice served (${input.method})`,
        on: input.servedOn,
        data: {
          registrationId,
        },
      })
      return { id: registrationId, version }
    },
  )
}

export async function recordNotification(call: Call, registrationId: string, body: unknown) {
  await authorised(call, 'notification:record')
  const input = parseOrThrow(notificationCreate, body)
  const today = iso(call.app.today())
  const problems = [
    ...notFuture(call, '$.receivedOn', input.receivedOn),
    ...notFuture(call, '$.eventDate', input.eventDate),
  ]
  if ((input.kind === 'change' || input.kind === 'release') && input.eventDate === undefined) {
    problems.push(problem('$.eventDate', `is required for a ${input.kind} notification (the day it happened)`))
  }
  if (input.eventDate !== undefined && input.eventDate > input.receivedOn) {
    problems.push(problem('$.eventDate', 'must not be after the day the notification was received'))
  }
  if (input.kind === 'travel' && input.departureDate === undefined) {
    problems.push(problem('$.departureDate', 'is required for a travel notification'))
  }
  for (const [index, item] of input.items.entries()) {
    if (!profileItemIds.includes(item))
      problems.push(problem(`$.items[${index}]`, `${JSON.stringify(item)} is not a profile item`))
  }
  const facts = input.facts.map((raw, index) => {
    try {
      return checkFact(raw, `$.facts[${index}]`, today)
    } catch (error) {
      if (error instanceof Error && 'problems' in error) {
        problems.push(...(error as unknown as { problems: ReturnType<typeof problem>[] }).problems)
        return undefined
      }
      throw error
    }
  })
  failIf(problems)
  return transact(call, async (tx) => {
    const { registration, person } = await loadRegistration(tx, call, registrationId, true)
    if (registration.status !== 'active') throw new Conflict(`this registration is ${registration.status}`)
    if (input.receivedOn < registration.relevant_date) {
      failIf([problem('$.receivedOn', `must not be before the relevant date ${registration.relevant_date}`)])
    }
    if (input.kind === 'initial') {
      const already = await tx.query(`SELECT 1 FROM notification WHERE registration_id = $1 AND kind = 'initial'`, [
        registrationId,
      ])
      if (already.length > 0)
        throw new Conflict('the initial notification is already recorded; record a change or periodic notification')
    }
    const id = randomUUID()
    const factIds: string[] = []
    // A new home address ends the one before it (s.84(1)(b)): from the day it changed, unless the fact says.
    const startsOn = input.eventDate ?? input.receivedOn
    for (const fact of facts) if (fact) factIds.push(await recordFact(tx, call, person, fact, startsOn))
    await tx.execute(
      `INSERT INTO notification (id, registration_id, person_id, kind, received_on, event_date, departure_date, items, details, station, received_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        registrationId,
        person.id,
        input.kind,
        input.receivedOn,
        input.eventDate ?? null,
        input.departureDate ?? null,
        input.items,
        JSON.stringify({ factIds, ...(input.shortNotice ? { shortNotice: true } : {}) }),
        input.station ?? null,
        actorIdFor(call.actor),
      ],
    )
    const sets: string[] = []
    const params: unknown[] = []
    if (input.noFixedAbode !== undefined) {
      params.push(input.noFixedAbode)
      sets.push(`no_fixed_abode = $${params.length + 2}`)
    }
    if (input.kind === 'release') {
      const due = initialDueOnRelease(day(input.eventDate as string), call.app.legal)
      params.push(false)
      sets.push(`in_custody = $${params.length + 2}`)
      if (registration.initial_due === null) {
        params.push(iso(due))
        sets.push(`initial_due = $${params.length + 2}`)
      }
    }
    const registrationVersion =
      sets.length > 0 ? await bumpRegistration(tx, registration, sets.join(', '), params) : registration.version
    await bumpVersion(tx, person, undefined)
    await recordStep(tx, call.actor, {
      operation: 'collection',
      object: { type: 'notification', id, personId: person.id },
      detail: { kind: input.kind },
      personId: person.id,
      kind: `notification-${input.kind}`,
      summary: `${input.kind} notification received`,
      on: input.receivedOn,
      data: {
        notificationId: id,
        factIds,
      },
    })
    return { id, registrationId, factIds, registrationVersion }
  })
}

export async function adjustProfile(call: Call, registrationId: string, body: unknown) {
  await authorised(call, 'registration:decide')
  const input = parseOrThrow(profileAdjustment, body)
  if (!profileItemIds.includes(input.item))
    failIf([problem('$.item', `${JSON.stringify(input.item)} is not a profile item`)])
  if (input.action === 'remove' && isStatutory(input.item)) {
    failIf([
      problem(
        '$.item',
        `${input.item} is required by law (SOA 2003 Part 2 and SI 2012/1876) and cannot be removed for one person`,
      ),
    ])
  }
  return transact(call, async (tx) => {
    const { registration, person } = await loadRegistration(tx, call, registrationId, true)
    const id = randomUUID()
    await tx.execute(
      'INSERT INTO profile_adjustment (id, registration_id, item, action, reason, made_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, registrationId, input.item, input.action, input.reason, actorIdFor(call.actor)],
    )
    const version = await bumpRegistration(tx, registration, 'registered_on = registered_on', [])
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'profile', id: registrationId, personId: person.id },
      personId: person.id,
      kind: 'profile-adjusted',
      summary: `${input.action === 'add' ? 'Added' : 'Removed'} ${input.item}: ${input.reason}`,
      on: iso(call.app.today()),
      data: {
        registrationId,
      },
    })
    const profile = notificationProfile(registration.abuse_type, await adjustments(tx, registrationId))
    return { id, registrationVersion: version, profile }
  })
}

export function recordReview(call: Call, registrationId: string, expected: number | undefined, body: unknown) {
  return registrarDecision(
    call,
    registrationId,
    expected,
    body,
    reviewDecision,
    'decidedOn',
    async (tx, registration, person, input) => {
      if (registration.status !== 'active') throw new Conflict(`this registration is ${registration.status}`)
      const refusal = reviewRefusal(registration.period, dayOf(registration.review_date), day(input.decidedOn))
      if (refusal?.field === 'period') throw new Conflict(refusal.reason)
      if (refusal !== undefined) failIf([problem('$.decidedOn', `${refusal.reason}: ${registration.review_date}`)])
      let version: number
      if (input.decision === 'continue') {
        const next = iso(furtherReviewDate(day(input.decidedOn)))
        version = await bumpRegistration(tx, registration, 'review_date = $3', [next])
      } else {
        version = await bumpRegistration(
          tx,
          registration,
          `status = 'ended', ended_on = $3, end_reason = 'discharged-on-review'`,
          [input.decidedOn],
        )
        await tx.execute(`UPDATE person SET status = 'ended' WHERE id = $1`, [person.id])
      }
      await bumpVersion(tx, person, undefined)
      await recordStep(tx, call.actor, {
        operation: 'alteration',
        object: { type: 'review', id: registrationId, personId: person.id },
        detail: { decision: input.decision },
        personId: person.id,
        kind: 'reviewed',
        summary: `Review of indefinite requirements: ${input.decision}. ${input.reasons}`,
        on: input.decidedOn,
        data: {
          registrationId,
        },
      })
      return { id: registrationId, version, decision: input.decision }
    },
  )
}

export function endRegistration(call: Call, registrationId: string, expected: number | undefined, body: unknown) {
  return registrarDecision(
    call,
    registrationId,
    expected,
    body,
    registrationEnd,
    'endedOn',
    async (tx, registration, person, input) => {
      if (registration.status !== 'active') throw new Conflict(`this registration is already ${registration.status}`)
      if (input.endedOn < registration.registered_on)
        failIf([problem('$.endedOn', 'must not be before the registration')])
      if (input.reason === 'period-expired') {
        const refusal = expiryRefusal(dayOf(registration.last_day), day(input.endedOn))
        if (refusal?.field === 'reason') failIf([problem('$.reason', refusal.reason)])
        if (refusal !== undefined) failIf([problem('$.endedOn', `${refusal.reason}, ${registration.last_day}`)])
      }
      const version = await bumpRegistration(tx, registration, `status = 'ended', ended_on = $3, end_reason = $4`, [
        input.endedOn,
        input.reason,
      ])
      await tx.execute(`UPDATE person SET status = 'ended' WHERE id = $1`, [person.id])
      await tx.execute(
        `UPDATE task SET status = 'done', done_at = now() WHERE registration_id = $1 AND status = 'open'`,
        [registrationId],
      )
      await bumpVersion(tx, person, undefined)
      await recordStep(tx, call.actor, {
        operation: 'alteration',
        object: { type: 'registration', id: registrationId, personId: person.id },
        detail: { ended: input.reason },
        personId: person.id,
        kind: 'registration-ended',
        summary: `Registration ended: ${input.reason}${input.notes ? `. ${input.notes}` : ''}`,
        on: input.endedOn,
        data: {
          registrationId,
        },
      })
      return { id: registrationId, version, status: 'ended' }
    },
  )
}

export function archiveRegistration(call: Call, registrationId: string, expected: number | undefined, body: unknown) {
  return registrarDecision(
    call,
    registrationId,
    expected,
    body,
    registrationArchive,
    'archivedOn',
    async (tx, registration, person, input) => {
      if (registration.status !== 'ended') throw new Conflict('only an ended registration can be archived')
      if (registration.ended_on !== null && input.archivedOn < registration.ended_on) {
        failIf([problem('$.archivedOn', 'must not be before the registration ended')])
      }
      const reviewOn = iso(retentionReviewOn(day(input.archivedOn), call.app.settings))
      const version = await bumpRegistration(
        tx,
        registration,
        `status = 'archived', archived_on = $3, retention_review_on = $4`,
        [input.archivedOn, reviewOn],
      )
      await tx.execute(`UPDATE person SET status = 'archived' WHERE id = $1`, [person.id])
      await bumpVersion(tx, person, undefined)
      await recordStep(tx, call.actor, {
        operation: 'alteration',
        object: { type: 'registration', id: registrationId, personId: person.id },
        detail: { archived: true },
        personId: person.id,
        kind: 'archived',
        summary: `Archived; retention review due ${reviewOn}`,
        on: input.archivedOn,
        data: {
          registrationId,
        },
      })
      return { id: registrationId, version, status: 'archived', retentionReviewOn: reviewOn }
    },
  )
}
