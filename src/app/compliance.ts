import { randomUUID } from 'node:crypto'
import { breachOutcome, scanRequest, visitCreate } from '../contracts/register/requests.ts'
import { day, formatDay } from '../domain/dates/day.ts'
import { isSuspectedBreach, obligationsOf, type ReceivedNotification } from '../domain/register/obligations.ts'
import type { RiskLevel } from '../domain/register/settings.ts'
import type { Queryable } from '../store/database.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem, StaleWrite } from './errors.ts'
import { bumpVersion, camelRow, isUuid, loadPerson } from './people.ts'
import { receivedNotification, registrationState } from './registration.ts'
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

const batchSize = 5000

export async function scan(call: Call, body: unknown = {}): Promise<ScanResult> {
  await authorised(call, 'compliance:scan')
  const input = parseOrThrow(scanRequest, body ?? {})
  const asOfText = input.asOf ?? formatDay(call.app.today())
  const asOf = day(asOfText)
  const started = performance.now()
  // The scheduled job scans the nation; a force's registrar, only their force's cases.
  const national = call.actor.roles.includes('system')
  const scope = national ? null : call.actor.organisationId
  let registrations = 0
  let newBreaches = 0
  let newTasks = 0
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const batch = await transact(call, async (tx) => {
      const rows = await loadBatch(tx, after, scope)
      if (rows.length === 0) return { rows, breaches: 0, tasks: 0 }
      const breachRows: unknown[][] = []
      const taskRows: unknown[][] = []
      for (const row of rows) {
        const obligations = obligationsOf({
          registration: registrationState(row, row.risk_level),
          notifications: row.notifications.map(receivedNotification),
          visits: row.visits.map((v) => ({ visitedOn: day(v.visited_on), outcome: v.outcome })),
          asOf,
          settings: call.app.settings,
          legal: call.app.legal,
        })
        for (const o of obligations) {
          if (isSuspectedBreach(o)) {
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
            taskRows.push([
              `${row.id}:${o.key}`,
              row.person_id,
              row.officer_id,
              o.kind,
              `${o.title} overdue`,
              formatDay(o.dueOn),
              row.id,
            ])
          }
        }
        if (row.last_day !== null && row.last_day < asOfText) {
          taskRows.push([
            `${row.id}:end-of-period`,
            row.person_id,
            row.officer_id,
            'end-of-period',
            `Notification period ended on ${row.last_day}: end the registration`,
            row.last_day,
            row.id,
          ])
        }
      }
      const breaches = await insertBreaches(tx, breachRows)
      const tasks = await insertTasks(tx, taskRows)
      return { rows, breaches, tasks }
    })
    if (batch.rows.length === 0) break
    registrations += batch.rows.length
    newBreaches += batch.breaches
    newTasks += batch.tasks
    after = (batch.rows.at(-1) as { id: string }).id
    if (batch.rows.length < batchSize) break
  }
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

interface ScanRow {
  id: string
  person_id: string
  registered_on: string
  initial_due: string | null
  last_day: string | null
  no_fixed_abode: boolean
  in_custody: boolean
  notification_duties: boolean
  risk_level: RiskLevel | null
  officer_id: string | null
  notifications: Parameters<typeof receivedNotification>[0][]
  visits: { visited_on: string; outcome: 'seen' | 'not-seen' | 'refused-entry' }[]
}

/** One batch of active registrations with everything the rules need, in one round trip. */
/** `organisationId`: only that organisation's registrations (a force's registrar); null for the national scan. */
async function loadBatch(tx: Queryable, after: string, organisationId: string | null): Promise<ScanRow[]> {
  return tx.query<ScanRow & Record<string, unknown>>(
    `SELECT r.id, r.person_id, r.registered_on, r.initial_due, r.last_day, r.no_fixed_abode, r.in_custody,
            r.notification_duties, p.risk_level, p.responsible_officer_id AS officer_id,
            COALESCE((SELECT json_agg(json_build_object('id', n.id, 'kind', n.kind, 'received_on', n.received_on,
                        'event_date', n.event_date, 'departure_date', n.departure_date, 'details', n.details))
                        FROM notification n WHERE n.registration_id = r.id), '[]') AS notifications,
            COALESCE((SELECT json_agg(json_build_object('visited_on', v.visited_on, 'outcome', v.outcome))
                        FROM home_visit v WHERE v.person_id = r.person_id AND v.visited_on >= r.registered_on), '[]') AS visits
       FROM registration r JOIN person p ON p.id = r.person_id
      WHERE r.status = 'active' AND r.id > $1 AND ($2::text IS NULL OR p.managing_org_id = $2)
      ORDER BY r.id LIMIT ${batchSize}`,
    [after, organisationId],
  )
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
