import { randomUUID } from 'node:crypto'
import { breachOutcome, scanRequest, visitCreate } from '../contracts/register/requests.ts'
import { type Day, day, formatDay } from '../domain/dates/day.ts'
import {
  isSuspectedBreach,
  obligationsOf,
  type ReceivedNotification,
  visitThatCounts,
} from '../domain/register/obligations.ts'
import type { Queryable } from '../store/database.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem, StaleWrite } from './errors.ts'
import { bumpVersion, camelRow, isUuid, loadPerson } from './people.ts'
import {
  type NotificationDays,
  type RegistrationDays,
  receivedNotificationOf,
  registrationStateOf,
} from './registration.ts'
import { raiseRetentionReviewTasks } from './retention.ts'
import { failIf, parseOrThrow } from './validate.ts'

// Compliance: the scan that turns missed obligations into suspected breaches
// with a task for the responsible officer, home visits, and breach outcomes.
//
// The scan is idempotent and safe on several instances at once: a breach is
// unique per (registration, obligation key) and a task per key, and inserts
// use ON CONFLICT DO NOTHING, so a second scan, or a concurrent one, finds
// nothing new to add.

export interface ScanResult {
  asOf: string
  registrations: number
  newBreaches: number
  newTasks: number
  millis: number
}

// The scan reads the register in slices of about 8,000 active registrations,
// cut at person ids, each in its own transaction: a slice's registrations,
// notifications, visits and what the scan already raised come back as flat
// range scans of the indexes on person_id, so the database does no lookup per
// registration; on a server, slices run side by side, so one is worked out
// while the next is read. Within a slice rows are taken in person order, so
// two scans at once insert the same keys in the same order and wait for each
// other rather than deadlock.
const registrationsPerSlice = 8000
const slicesAtOnce = { postgres: 3, pglite: 1 } as const

/** `registrationsPerSlice`: for tests that need many slices from a small register. */
export async function scan(
  call: Call,
  body: unknown = {},
  { registrationsPerSlice: perSlice = registrationsPerSlice }: { registrationsPerSlice?: number } = {},
): Promise<ScanResult> {
  await authorised(call, 'compliance:scan')
  const input = parseOrThrow(scanRequest, body ?? {})
  const asOfText = input.asOf ?? formatDay(call.app.today())
  const asOf = day(asOfText)
  const started = performance.now()
  // The scheduled job scans the nation; a force's registrar, only their force's cases.
  const national = call.actor.roles.includes('system')
  const scope = national ? null : call.actor.organisationId
  const totals = { registrations: 0, newBreaches: 0, newTasks: 0 }
  const queue = await slicesOf(call, scope, perSlice)
  // A slice that fails stops the others taking more; the scan then fails with its error
  // (the slices already written stand: each is whole, and a rerun adds only what is missing).
  let failure: { error: unknown } | undefined
  const worker = async () => {
    for (let slice = queue.shift(); slice !== undefined && failure === undefined; slice = queue.shift()) {
      const range = slice
      try {
        const done = await transact(call, (tx) => scanSlice(call, tx, range, scope, asOf, asOfText))
        totals.registrations += done.registrations
        totals.newBreaches += done.newBreaches
        totals.newTasks += done.newTasks
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: slicesAtOnce[call.app.db.kind] }, worker))
  if (failure !== undefined) throw failure.error
  const { registrations, newBreaches } = totals
  let { newTasks } = totals
  // Retention reviews due (DPA 2018 s.39) become tasks in the national scan.
  if (national) newTasks += await raiseRetentionReviewTasks(call, asOf)
  await transact(call, (tx) =>
    audit(
      tx,
      call.actor,
      'combination',
      { type: 'compliance-scan' },
      { asOf: asOfText, registrations, newBreaches, newTasks },
    ),
  )
  return { asOf: asOfText, registrations, newBreaches, newTasks, millis: Math.round(performance.now() - started) }
}

/** A slice of the person id space, both ends inclusive. */
type Slice = readonly [from: string, to: string]

const firstId = '00000000-0000-0000-0000-000000000000'
const lastId = 'ffffffff-ffff-ffff-ffff-ffffffffffff'

/**
 * Slices covering every person id, cut after every `perSlice`-th
 * active registration in person order (one index-only pass), so they hold
 * about as many whatever the ids look like.
 */
async function slicesOf(call: Call, organisationId: string | null, perSlice: number): Promise<Slice[]> {
  const cuts = await call.app.db.query<{ person_id: string }>(
    `SELECT person_id FROM (
       SELECT r.person_id, row_number() OVER (ORDER BY r.person_id) AS n
         FROM registration r
        WHERE r.status = 'active'
          AND ($2::text IS NULL OR r.person_id IN (SELECT id FROM person WHERE managing_org_id = $2))
     ) AS ordered
     WHERE n % $1 = 0 ORDER BY person_id`,
    [perSlice, organisationId],
  )
  return slicesBetween(cuts.map((cut) => cut.person_id))
}

/** The slices that end at each cut, and one from the last cut to the end of the id space. */
export function slicesBetween(cuts: readonly string[]): Slice[] {
  const slices: Slice[] = []
  let from = firstId
  for (const cut of cuts) {
    if (cut === lastId) break
    slices.push([from, cut])
    from = nextId(cut)
  }
  slices.push([from, lastId])
  return slices
}

/** The UUID after this one, in PostgreSQL's order (its 128 bits as a number). */
export function nextId(id: string): string {
  const hex = (BigInt(`0x${id.replaceAll('-', '')}`) + 1n).toString(16).padStart(32, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

interface SliceResult {
  registrations: number
  newBreaches: number
  newTasks: number
}

// Dates come back from the slice's queries as day numbers (date - 1970-01-01,
// which is what a Day is: src/domain/dates/day.ts), so nothing is parsed twice.
const dayNumber = (column: string) => `(${column} - DATE '1970-01-01')`

async function scanSlice(
  call: Call,
  tx: Queryable,
  [from, to]: Slice,
  organisationId: string | null,
  asOf: Day,
  asOfText: string,
): Promise<SliceResult> {
  // Each statement here is cheaper than PostgreSQL's just-in-time compilation of
  // it, and slices already run side by side, so no parallel workers either.
  await tx.execute('SET LOCAL jit = off')
  await tx.execute('SET LOCAL max_parallel_workers_per_gather = 0')
  const registrations = await tx.query<ScanRegistration & Record<string, unknown>>(
    `SELECT r.id, r.person_id, ${dayNumber('r.registered_on')} AS "registeredOn",
            ${dayNumber('r.initial_due')} AS "initialDue", ${dayNumber('r.last_day')} AS "lastDay",
            r.no_fixed_abode AS "noFixedAbode", r.in_custody AS "inCustody", r.notification_duties AS "notificationDuties",
            p.risk_level AS "riskLevel", p.responsible_officer_id AS officer_id
       FROM registration r JOIN person p ON p.id = r.person_id
      WHERE r.status = 'active' AND r.person_id BETWEEN $1 AND $2 AND p.id BETWEEN $1 AND $2
        AND ($3::text IS NULL OR p.managing_org_id = $3)
      ORDER BY r.person_id`,
    [from, to, organisationId],
  )
  if (registrations.length === 0) return { registrations: 0, newBreaches: 0, newTasks: 0 }
  // A force's scan reads only its own people's rows.
  const ofScope =
    organisationId === null
      ? ''
      : `AND x.person_id IN (SELECT id FROM person WHERE managing_org_id = $3 AND id BETWEEN $1 AND $2)`
  const scoped = organisationId === null ? [from, to] : [from, to, organisationId]
  const notifications = await tx.query<ScanNotification & Record<string, unknown>>(
    `SELECT x.registration_id, x.id, x.kind, ${dayNumber('x.received_on')} AS "receivedOn",
            ${dayNumber('x.event_date')} AS "eventDate", ${dayNumber('x.departure_date')} AS "departureDate",
            (x.details->>'shortNotice') = 'true' AS "shortNotice"
       FROM notification x WHERE x.person_id BETWEEN $1 AND $2 ${ofScope}`,
    scoped,
  )
  // Of a person's visits the rules need only the latest that counts (visitThatCounts).
  const visits = await tx.query<ScanVisit & Record<string, unknown>>(
    `SELECT x.person_id, ${dayNumber('max(x.visited_on)')} AS visited_on
       FROM home_visit x WHERE x.person_id BETWEEN $1 AND $2 AND x.outcome = $${scoped.length + 1} ${ofScope}
      GROUP BY x.person_id`,
    [...scoped, visitThatCounts],
  )
  // What earlier scans raised is not sent again (the unique keys still decide, for a scan running beside this one).
  const raised = await tx.query<{ key: string }>(
    `SELECT x.registration_id || ':' || x.obligation_key AS key FROM breach x
      WHERE x.person_id BETWEEN $1 AND $2 ${ofScope}
     UNION ALL
     SELECT x.key FROM task x WHERE x.person_id BETWEEN $1 AND $2 AND x.registration_id IS NOT NULL ${ofScope}`,
    scoped,
  )
  const known = new Set(raised.map((row) => row.key))

  const byRegistration = new Map<string, ReceivedNotification[]>()
  for (const n of notifications) {
    const received = receivedNotificationOf(n)
    const list = byRegistration.get(n.registration_id)
    if (list === undefined) byRegistration.set(n.registration_id, [received])
    else list.push(received)
  }
  const lastVisit = new Map<string, Day>()
  for (const v of visits) lastVisit.set(v.person_id, v.visited_on)

  const breachRows: unknown[][] = []
  const taskRows: unknown[][] = []
  const none: never[] = []
  for (const row of registrations) {
    // Visits count from the day of this registration.
    const visitedOn = lastVisit.get(row.person_id)
    const obligations = obligationsOf({
      registration: registrationStateOf(row),
      notifications: byRegistration.get(row.id) ?? none,
      visits:
        visitedOn !== undefined && visitedOn >= row.registeredOn ? [{ visitedOn, outcome: visitThatCounts }] : none,
      asOf,
      settings: call.app.settings,
      legal: call.app.legal,
    })
    for (const o of obligations) {
      if (isSuspectedBreach(o)) {
        if (known.has(`${row.id}:${o.key}`)) continue
        breachRows.push([
          row.id,
          row.person_id,
          o.key,
          o.kind,
          o.provision,
          formatDay(o.dueOn),
          asOfText,
          row.officer_id,
          o.title,
          o.status,
        ])
      } else if (o.holder === 'agency' && o.status === 'overdue') {
        const key = `${row.id}:${o.key}`
        if (known.has(key)) continue
        taskRows.push([key, row.person_id, row.officer_id, o.kind, `${o.title} overdue`, formatDay(o.dueOn), row.id])
      }
    }
    if (row.lastDay !== null && row.lastDay < asOf) {
      const key = `${row.id}:end-of-period`
      if (known.has(key)) continue
      const lastDay = formatDay(row.lastDay)
      taskRows.push([
        key,
        row.person_id,
        row.officer_id,
        'end-of-period',
        `Notification period ended on ${lastDay}: end the registration`,
        lastDay,
        row.id,
      ])
    }
  }
  return {
    registrations: registrations.length,
    newBreaches: await insertBreaches(tx, breachRows),
    newTasks: await insertTasks(tx, taskRows),
  }
}

interface ScanRegistration extends RegistrationDays {
  id: string
  person_id: string
  officer_id: string | null
}

interface ScanNotification extends NotificationDays {
  registration_id: string
}

interface ScanVisit {
  person_id: string
  visited_on: Day
}

async function insertBreaches(tx: Queryable, rows: unknown[][]): Promise<number> {
  if (rows.length === 0) return 0
  const column = (i: number) => rows.map((r) => r[i])
  // New breaches only; a task for each, for the responsible officer, due the day it was found.
  const inserted = await tx.query<{ id: string; person_id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::uuid[], $9::text[], $10::text[])
         AS t(registration_id, person_id, obligation_key, obligation_kind, provision, due_on, detected_on, officer_id, title, status)
     ), added AS (
       INSERT INTO breach (id, registration_id, person_id, obligation_key, obligation_kind, provision, due_on, detected_on)
       SELECT gen_random_uuid(), registration_id, person_id, obligation_key, obligation_kind, provision, due_on, detected_on FROM input
       ON CONFLICT (registration_id, obligation_key) DO NOTHING
       RETURNING id, registration_id, person_id, obligation_key
     ), tasks AS (
       INSERT INTO task (id, key, person_id, assignee_id, kind, breach_id, registration_id, title, due_on)
       SELECT gen_random_uuid(), 'breach:' || a.id, a.person_id, i.officer_id, 'suspected-breach', a.id, a.registration_id,
              'Suspected breach: ' || i.title || CASE WHEN i.status = 'met-late' THEN ' (late)' ELSE ' (missed)' END, i.detected_on
         FROM added a JOIN input i ON i.registration_id = a.registration_id AND i.obligation_key = a.obligation_key
       ON CONFLICT (key) DO NOTHING
     ), events AS (
       INSERT INTO timeline_event (person_id, kind, summary, data, occurred_on)
       SELECT a.person_id, 'suspected-breach', 'Suspected breach: ' || i.title || ' (' || i.provision || ')',
              json_build_object('breachId', a.id, 'obligation', a.obligation_key)::jsonb, i.detected_on
         FROM added a JOIN input i ON i.registration_id = a.registration_id AND i.obligation_key = a.obligation_key
     )
     SELECT id, person_id FROM added`,
    [column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7), column(8), column(9)],
  )
  return inserted.length
}

async function insertTasks(tx: Queryable, rows: unknown[][]): Promise<number> {
  if (rows.length === 0) return 0
  const column = (i: number) => rows.map((r) => r[i])
  return tx.execute(
    `INSERT INTO task (id, key, person_id, assignee_id, kind, title, due_on, registration_id)
     SELECT gen_random_uuid(), key, person_id, assignee_id, kind, title, due_on, registration_id
       FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::date[], $7::uuid[])
         AS t(key, person_id, assignee_id, kind, title, due_on, registration_id)
     ON CONFLICT (key) DO NOTHING`,
    [column(0), column(1), column(2), column(3), column(4), column(5), column(6)],
  )
}

// ---------------------------------------------------------------------------

export async function recordVisit(call: Call, personId: string, body: unknown) {
  await authorised(call, 'visit:record')
  const input = parseOrThrow(visitCreate, body)
  if (input.visitedOn > formatDay(call.app.today())) failIf([problem('$.visitedOn', 'must not be in the future')])
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const active = await tx.query<{ id: string }>(
      `SELECT id FROM registration WHERE person_id = $1 AND status = 'active'`,
      [personId],
    )
    const id = randomUUID()
    await tx.execute(
      `INSERT INTO home_visit (id, person_id, registration_id, visited_on, outcome, notes, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, personId, active[0]?.id ?? null, input.visitedOn, input.outcome, input.notes ?? '', actorIdFor(call.actor)],
    )
    // A visit done closes any overdue-visit task for this person.
    if (input.outcome === 'seen') {
      await tx.execute(
        `UPDATE task SET status = 'done', done_at = now() WHERE person_id = $1 AND kind = 'home-visit' AND status = 'open'`,
        [personId],
      )
    }
    await bumpVersion(tx, person, undefined)
    await recordStep(tx, call.actor, {
      operation: 'collection',
      object: { type: 'home-visit', id, personId },
      personId: personId,
      kind: 'home-visit',
      summary: `Home visit: ${input.outcome}`,
      on: input.visitedOn,
      data: {
        visitId: id,
      },
    })
    return { id }
  })
}

export async function decideBreach(call: Call, breachId: string, expected: number | undefined, body: unknown) {
  await authorised(call, 'breach:decide')
  const input = parseOrThrow(breachOutcome, body)
  if (input.decidedOn > formatDay(call.app.today())) failIf([problem('$.decidedOn', 'must not be in the future')])
  if (!isUuid(breachId)) throw new NotFound('breach')
  return transact(call, async (tx) => {
    const rows = await tx.query<{
      id: string
      person_id: string
      status: string
      version: number
      detected_on: string
    }>('SELECT id, person_id, status, version, detected_on FROM breach WHERE id = $1 FOR UPDATE', [breachId])
    const breach = rows[0]
    if (breach === undefined) throw new NotFound('breach')
    await loadPerson(tx, call, breach.person_id)
    if (expected !== undefined && expected !== breach.version) throw new StaleWrite('this breach', breach.version)
    if (breach.status === 'closed') throw new Conflict('this breach already has an outcome')
    if (input.decidedOn < breach.detected_on)
      failIf([problem('$.decidedOn', 'must not be before the breach was found')])
    await tx.execute(
      `UPDATE breach SET status = 'closed', outcome = $2, outcome_notes = $3, outcome_on = $4, outcome_by = $5, version = version + 1 WHERE id = $1`,
      [breachId, input.outcome, input.notes, input.decidedOn, actorIdFor(call.actor)],
    )
    await tx.execute(`UPDATE task SET status = 'done', done_at = now() WHERE breach_id = $1`, [breachId])
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'breach', id: breachId, personId: breach.person_id },
      detail: { outcome: input.outcome },
      personId: breach.person_id,
      kind: 'breach-outcome',
      summary: `Breach outcome: ${input.outcome}. ${input.notes}`,
      on: input.decidedOn,
      data: {
        breachId,
      },
    })
    return { id: breachId, version: breach.version + 1, outcome: input.outcome }
  })
}

export async function listBreaches(
  call: Call,
  options: { status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  await authorised(call, 'breach:read')
  return transact(call, async (tx) => {
    const rows = await tx.query<Record<string, unknown> & { id: string }>(
      `SELECT b.id, b.person_id, p.reference, b.obligation_key, b.obligation_kind, b.provision, b.due_on, b.detected_on,
              b.status, b.outcome, b.version
         FROM breach b JOIN person p ON p.id = b.person_id
        WHERE ($1::text IS NULL OR b.status = $1) AND ($2 OR p.managing_org_id = $3) AND b.id > $4
        ORDER BY b.id LIMIT $5`,
      [
        options.status ?? null,
        call.actor.roles.includes('system'),
        call.actor.organisationId,
        options.cursor ?? '00000000-0000-0000-0000-000000000000',
        options.limit + 1,
      ],
    )
    const items = rows.slice(0, options.limit)
    await audit(tx, call.actor, 'consultation', { type: 'breach-list' }, { count: items.length }, call.justification)
    return { items: items.map(camelRow), nextCursor: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null }
  })
}

/** The signed-in officer's open tasks, earliest first. */
export async function myTasks(call: Call, limit: number) {
  await authorised(call, 'task:read')
  return transact(call, async (tx) => {
    const rows = await tx.query(
      `SELECT t.id, t.kind, t.title, t.due_on, t.status, t.person_id, p.reference, t.breach_id
         FROM task t JOIN person p ON p.id = t.person_id
        WHERE t.assignee_id = $1 AND t.status = 'open' ORDER BY t.due_on, t.id LIMIT $2`,
      [call.actor.userId, limit],
    )
    await audit(tx, call.actor, 'consultation', { type: 'task-list' }, { count: rows.length }, call.justification)
    return { items: rows.map(camelRow) }
  })
}

export type { ReceivedNotification }
