import { randomUUID } from 'node:crypto'
import { riskLevel } from '../contracts/register/fields.ts'
import { breachOutcome, notificationCreate, scanRequest, visitCreate } from '../contracts/register/requests.ts'
import { type Day, day, formatDay } from '../domain/dates/day.ts'
import {
  isSuspectedBreach,
  obligationsOf,
  type ReceivedNotification,
  type RegistrationState,
  visitThatCounts,
} from '../domain/register/obligations.ts'
import type { RiskLevel } from '../domain/register/settings.ts'
import type { Queryable } from '../store/database.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem, StaleWrite } from './errors.ts'
import { bumpVersion, camelRow, isUuid, loadPerson } from './people.ts'
import { receivedNotificationOf, registrationStateOf } from './registration.ts'
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
// cut at person ids, each in its own transaction (decision 0010). A slice is
// one statement: each active registration with, merged in by person id, its
// person's risk level, the latest visit that counts, its notifications and
// the keys earlier scans raised for the person, all read from covering indexes
// (migration 0010). On a server slices run side by side, so one is worked out
// while the next is read. Within a slice new rows go in in key order, so two
// scans at once insert the same keys in the same order and wait for each
// other rather than deadlock.
const registrationsPerSlice = 8000
const slicesAtOnce = { postgres: 3, pglite: 1 } as const

/** How a scan is cut up: tests need many slices from a small register, bench/scan.ts tries other sizes. */
export interface ScanOptions {
  registrationsPerSlice?: number
  slicesAtOnce?: number
}

export async function scan(call: Call, body: unknown = {}, options: ScanOptions = {}): Promise<ScanResult> {
  await authorised(call, 'compliance:scan')
  const input = parseOrThrow(scanRequest, body ?? {})
  const asOfText = input.asOf ?? formatDay(call.app.today())
  const asOf = day(asOfText)
  const started = performance.now()
  // The scheduled job scans the nation; a force's registrar, only their force's cases.
  const national = call.actor.roles.includes('system')
  const scope = national ? null : call.actor.organisationId
  const { registrations, newBreaches, ...raised } = await scanRegistrations(call, scope, asOf, asOfText, options)
  // Retention reviews due (DPA 2018 s.39) become tasks in the national scan.
  const newTasks = raised.newTasks + (national ? await raiseRetentionReviewTasks(call, asOf) : 0)
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

/** Every active registration in scope (null: the nation's), slice by slice, several at once. */
async function scanRegistrations(
  call: Call,
  scope: string | null,
  asOf: Day,
  asOfText: string,
  options: ScanOptions,
): Promise<SliceResult> {
  const totals = { registrations: 0, newBreaches: 0, newTasks: 0 }
  const queue = await slicesOf(call, scope, options.registrationsPerSlice ?? registrationsPerSlice)
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
  await Promise.all(Array.from({ length: options.slicesAtOnce ?? slicesAtOnce[call.app.db.kind] }, worker))
  if (failure !== undefined) throw failure.error
  return totals
}

/** A slice of the person id space, both ends inclusive. */
type Slice = readonly [from: string, to: string]

const firstId = '00000000-0000-0000-0000-000000000000'
const lastId = 'ffffffff-ffff-ffff-ffff-ffffffffffff'

/**
 * Slices covering every person id, cut after every `perSlice`-th
 * active registration in person order, so they hold about as many whatever
 * the ids look like. Nationally each cut is found by skipping `perSlice`
 * entries of the active registrations' index from the last (an index-only
 * walk, with no numbering of every row); a force's scan numbers its own.
 */
async function slicesOf(call: Call, organisationId: string | null, perSlice: number): Promise<Slice[]> {
  const cuts =
    organisationId === null
      ? await call.app.db.query<{ person_id: string }>(
          `WITH RECURSIVE cut (person_id) AS (
             (SELECT person_id FROM registration WHERE status = 'active' ORDER BY person_id OFFSET $1 - 1 LIMIT 1)
             UNION ALL
             SELECT (SELECT r.person_id FROM registration r
                      WHERE r.status = 'active' AND r.person_id > cut.person_id
                      ORDER BY r.person_id OFFSET $1 - 1 LIMIT 1)
               FROM cut WHERE cut.person_id IS NOT NULL
           )
           SELECT person_id FROM cut WHERE person_id IS NOT NULL`,
          [perSlice],
        )
      : await call.app.db.query<{ person_id: string }>(
          `SELECT person_id FROM (
             SELECT r.person_id, row_number() OVER (ORDER BY r.person_id) AS n
               FROM registration r
              WHERE r.status = 'active' AND r.person_id IN (SELECT id FROM person WHERE managing_org_id = $2)
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

// Dates come back as day numbers (date - 1970-01-01, which is what a Day is:
// src/domain/dates/day.ts), so nothing is parsed twice.
const dayNumber = (column: string) => `(${column} - DATE '1970-01-01')`

/**
 * One statement reads a slice. Every part is a range scan of a covering index
 * on person_id (migration 0010), in person order, so PostgreSQL merges them
 * without a lookup per registration and without reading the tables:
 * - the active registrations, with the columns the rules read;
 * - the person's risk level (people without one are not in that index);
 * - the latest visit at which the person was seen (`visitThatCounts`);
 * - the registration's notifications;
 * - the keys earlier scans raised for the person (breaches and tasks).
 * A force's scan keeps to its own people in every part.
 *
 * The slice comes back as one text, one line per registration (`SliceLines`
 * reads it): 8,000 rows of a dozen values each cost node-postgres more to
 * take apart than the rules cost to work out. No value holds a tab, a new
 * line, a comma or a space (ids, day numbers, kinds, risk levels and keys:
 * uuids and the rules' own keys), so these separate them; an empty field is a
 * null.
 */
function sliceStatement(scoped: boolean): string {
  const inScope = (column: string) =>
    scoped ? `AND ${column} IN (SELECT id FROM person WHERE managing_org_id = $3 AND id BETWEEN $1 AND $2)` : ''
  const flag = (column: string) => `CASE WHEN ${column} THEN 't' ELSE 'f' END`
  return `SELECT string_agg(line, E'\\n') AS lines FROM (
     SELECT concat_ws(E'\\t', r.id, ${dayNumber('r.registered_on')}, coalesce(${dayNumber('r.initial_due')}::text, ''),
              coalesce(${dayNumber('r.last_day')}::text, ''),
              ${flag('r.no_fixed_abode')} || ${flag('r.in_custody')} || ${flag('r.notification_duties')},
              coalesce(p.risk_level, ''), coalesce(v.seen::text, ''), coalesce(n.notifications, ''),
              concat_ws(' ', b.breaches, t.tasks)) AS line
       FROM registration r
       LEFT JOIN person p ON p.id = r.person_id AND p.risk_level IS NOT NULL AND p.id BETWEEN $1 AND $2
       LEFT JOIN (
         SELECT x.person_id, ${dayNumber('max(x.visited_on)')} AS seen
           FROM home_visit x
          WHERE x.outcome = '${visitThatCounts}' AND x.person_id BETWEEN $1 AND $2 ${inScope('x.person_id')}
          GROUP BY x.person_id
       ) v ON v.person_id = r.person_id
       LEFT JOIN (
         SELECT x.person_id, x.registration_id,
                string_agg(concat_ws(' ', x.id, x.kind, ${dayNumber('x.received_on')},
                             coalesce(${dayNumber('x.event_date')}::text, ''), coalesce(${dayNumber('x.departure_date')}::text, ''),
                             CASE WHEN x.id IN (
                               SELECT s.id FROM notification s
                                WHERE (s.details->>'shortNotice') = 'true' AND s.person_id BETWEEN $1 AND $2
                             ) THEN 't' ELSE 'f' END), ',') AS notifications
           FROM notification x
          WHERE x.person_id BETWEEN $1 AND $2 ${inScope('x.person_id')}
          GROUP BY x.person_id, x.registration_id
       ) n ON n.person_id = r.person_id AND n.registration_id = r.id
       LEFT JOIN (
         SELECT x.person_id, string_agg(x.registration_id || ':' || x.obligation_key, ' ') AS breaches
           FROM breach x WHERE x.person_id BETWEEN $1 AND $2 ${inScope('x.person_id')}
          GROUP BY x.person_id
       ) b ON b.person_id = r.person_id
       LEFT JOIN (
         SELECT x.person_id, string_agg(x.key, ' ') AS tasks
           FROM task x
          WHERE x.registration_id IS NOT NULL AND x.breach_id IS NULL AND x.person_id BETWEEN $1 AND $2 ${inScope('x.person_id')}
          GROUP BY x.person_id
       ) t ON t.person_id = r.person_id
      WHERE r.status = 'active' AND r.person_id BETWEEN $1 AND $2 ${inScope('r.person_id')}
      ORDER BY r.person_id
   ) AS registrations`
}

const nationalSlice = sliceStatement(false)
const forceSlice = sliceStatement(true)

/** An active registration as a slice's line gives it. */
export interface ScanLine {
  id: string
  registration: RegistrationState
  /** The latest visit at which the person was seen, at any time. */
  seen: Day | undefined
  notifications: readonly ReceivedNotification[]
  /** What earlier scans raised for the person, separated by spaces: "registration id:obligation key" of breaches, and task keys. */
  raised: string
}

const none: never[] = []
const riskLevels: readonly RiskLevel[] = riskLevel.options
const kinds: readonly ReceivedNotification['kind'][] = notificationCreate.shape.kind.options

/**
 * A slice's text (`sliceStatement`), one registration at a time, read in one
 * pass without cutting it into lines and fields first. A line is, by tabs:
 * id, registered, initial notification due, last day, three flags ("t" or
 * "f": no fixed abode, in custody, notification duties), risk level, latest
 * visit seen, notifications, keys raised. Notifications are separated by
 * commas, each "id kind received event departure short-notice" by spaces.
 * Days are day numbers; an empty field is none. Anything else stops the scan.
 */
export class SliceLines {
  private readonly source: string
  private at = 0
  constructor(source: string) {
    this.source = source
  }

  /** The next registration; undefined after the last. */
  next(): ScanLine | undefined {
    if (this.at >= this.source.length) return undefined
    const id = this.text('\t')
    const registeredOn = this.day('\t') ?? this.fail('a registration')
    const initialDue = this.day('\t')
    const lastDay = this.day('\t')
    const flags = this.text('\t')
    if (flags.length !== 3) this.fail('a registration')
    const risk = this.text('\t')
    const registration = registrationStateOf({
      registeredOn,
      initialDue: initialDue ?? null,
      lastDay: lastDay ?? null,
      noFixedAbode: flags[0] === 't',
      inCustody: flags[1] === 't',
      notificationDuties: flags[2] === 't',
      riskLevel: risk === '' ? null : this.oneOf(riskLevels, risk),
    })
    const seen = this.day('\t')
    let notifications: ReceivedNotification[] = none
    if (!this.passes('\t')) {
      notifications = []
      do notifications.push(this.notification())
      while (this.passes(','))
      if (!this.passes('\t')) this.fail('the notifications')
    }
    return { id, registration, seen, notifications, raised: this.text('\n') }
  }

  private notification(): ReceivedNotification {
    const id = this.text(' ')
    const kind = this.oneOf(kinds, this.text(' '))
    const receivedOn = this.day(' ') ?? this.fail('a notification')
    const eventDate = this.day(' ') ?? null
    const departureDate = this.day(' ') ?? null
    const shortNotice = this.passes('t') || (this.passes('f') ? false : this.fail('a notification'))
    return receivedNotificationOf({ id, kind, receivedOn, eventDate, departureDate, shortNotice })
  }

  /** Passes `character` if it is next. */
  private passes(character: string): boolean {
    if (this.source.charCodeAt(this.at) !== character.charCodeAt(0)) return false
    this.at++
    return true
  }

  /** The text up to `separator` (or the end), passing both. */
  private text(separator: string): string {
    let end = this.source.indexOf(separator, this.at)
    if (end < 0) end = this.source.length
    const value = this.source.slice(this.at, end)
    this.at = end + 1
    return value
  }

  /** A day number up to `separator` (or the end), passing both; undefined for an empty field. */
  private day(separator: string): Day | undefined {
    const { source } = this
    let i = this.at
    const negative = source.charCodeAt(i) === 45 // "-"
    if (negative) i++
    const first = i
    let value = 0
    for (let c = source.charCodeAt(i); c >= 48 && c <= 57; c = source.charCodeAt(++i)) value = value * 10 + (c - 48)
    if (i < source.length && source.charCodeAt(i) !== separator.charCodeAt(0)) this.fail('a day')
    this.at = i + 1
    if (i === first) return negative ? this.fail('a day') : undefined
    return (negative ? -value : value) as Day
  }

  private oneOf<T extends string>(values: readonly T[], value: string): T {
    return values.includes(value as T) ? (value as T) : this.fail(`a value (${JSON.stringify(value)})`)
  }

  private fail(what: string): never {
    throw new Error(`compliance scan: cannot read ${what} at character ${this.at} of a slice`)
  }
}

/** Every registration of a slice's text. */
export function linesOf(text: string): ScanLine[] {
  const lines: ScanLine[] = []
  const read = new SliceLines(text)
  for (let line = read.next(); line !== undefined; line = read.next()) lines.push(line)
  return lines
}

/** Whether an earlier scan raised this key (`raised` as in `ScanLine`). */
const raisedIn = (raised: string, key: string) => raised !== '' && raised.split(' ').includes(key)

async function scanSlice(
  call: Call,
  tx: Queryable,
  [from, to]: Slice,
  organisationId: string | null,
  asOf: Day,
  asOfText: string,
): Promise<SliceResult> {
  // The statement is cheaper than PostgreSQL's just-in-time compilation of it,
  // and slices already run side by side, so no parallel workers either.
  await tx.query(`SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`)
  const [slice] = await tx.query<{ lines: string | null }>(
    organisationId === null ? nationalSlice : forceSlice,
    organisationId === null ? [from, to] : [from, to, organisationId],
  )
  // No active registration in the slice: no text at all.
  const text = slice?.lines ?? null
  if (text === null) return { registrations: 0, newBreaches: 0, newTasks: 0 }
  const breaches: NewBreach[] = []
  const tasks: NewTask[] = []
  const { settings, legal } = call.app
  // One registration at a time, each worked out as it is read.
  const lines = new SliceLines(text)
  let registrations = 0
  for (let row = lines.next(); row !== undefined; row = lines.next()) {
    registrations++
    const { id, registration, seen } = row
    const obligations = obligationsOf({
      registration,
      notifications: row.notifications,
      // Visits count from the day of this registration.
      visits:
        seen !== undefined && seen >= registration.registeredOn
          ? [{ visitedOn: seen, outcome: visitThatCounts }]
          : none,
      asOf,
      settings,
      legal,
    })
    for (const o of obligations) {
      if (isSuspectedBreach(o)) {
        // What earlier scans raised is not sent again (the unique keys still decide, for a scan beside this one).
        if (raisedIn(row.raised, `${id}:${o.key}`)) continue
        breaches.push({
          registrationId: id,
          key: o.key,
          kind: o.kind,
          provision: o.provision,
          dueOn: formatDay(o.dueOn),
          title: o.title,
          late: o.status === 'met-late',
        })
      } else if (o.holder === 'agency' && o.status === 'overdue') {
        const key = `${id}:${o.key}`
        if (raisedIn(row.raised, key)) continue
        tasks.push({ key, registrationId: id, kind: o.kind, title: `${o.title} overdue`, dueOn: formatDay(o.dueOn) })
      }
    }
    if (registration.lastDay !== undefined && registration.lastDay < asOf) {
      const key = `${id}:end-of-period`
      if (raisedIn(row.raised, key)) continue
      const lastDay = formatDay(registration.lastDay)
      tasks.push({
        key,
        registrationId: id,
        kind: 'end-of-period',
        title: `Notification period ended on ${lastDay}: end the registration`,
        dueOn: lastDay,
      })
    }
  }
  // In key order, whatever order the lines came in: two scans at once insert the same keys
  // in the same order, and so one waits for the other rather than deadlock.
  breaches.sort((a, b) => compareText(a.registrationId, b.registrationId) || compareText(a.key, b.key))
  tasks.sort((a, b) => compareText(a.key, b.key))
  return {
    registrations,
    newBreaches: await insertBreaches(tx, breaches, asOfText),
    newTasks: await insertTasks(tx, tasks),
  }
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

interface NewBreach {
  registrationId: string
  key: string
  kind: string
  provision: string
  dueOn: string
  title: string
  /** Met late rather than missed. */
  late: boolean
}

interface NewTask {
  key: string
  registrationId: string
  kind: string
  title: string
  dueOn: string
}

// The slice's statement reads neither the person nor their officer: rows go
// in with the registration's person, and a task to the person's responsible
// officer as they are when it is written. Scalar subqueries, not joins, so
// rows go in in the order given.
const personOf = (registrationId: string) => `(SELECT r.person_id FROM registration r WHERE r.id = ${registrationId})`
const officerOf = (personId: string) => `(SELECT p.responsible_officer_id FROM person p WHERE p.id = ${personId})`

async function insertBreaches(tx: Queryable, rows: NewBreach[], detectedOn: string): Promise<number> {
  if (rows.length === 0) return 0
  // New breaches only; a task for each, for the responsible officer, due the day it was found.
  const inserted = await tx.query<{ id: string }>(
    `WITH input AS (
       SELECT t.*, ${personOf('t.registration_id')} AS person_id
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::boolean[])
           AS t(registration_id, obligation_key, obligation_kind, provision, due_on, title, late)
     ), added AS (
       INSERT INTO breach (id, registration_id, person_id, obligation_key, obligation_kind, provision, due_on, detected_on)
       SELECT gen_random_uuid(), registration_id, person_id, obligation_key, obligation_kind, provision, due_on, $8::date FROM input
       ON CONFLICT (registration_id, obligation_key) DO NOTHING
       RETURNING id, registration_id, person_id, obligation_key
     ), tasks AS (
       INSERT INTO task (id, key, person_id, assignee_id, kind, breach_id, registration_id, title, due_on)
       SELECT gen_random_uuid(), 'breach:' || a.id, a.person_id, ${officerOf('a.person_id')}, 'suspected-breach', a.id, a.registration_id,
              'Suspected breach: ' || i.title || CASE WHEN i.late THEN ' (late)' ELSE ' (missed)' END, $8::date
         FROM added a JOIN input i ON i.registration_id = a.registration_id AND i.obligation_key = a.obligation_key
       ON CONFLICT (key) DO NOTHING
     ), events AS (
       INSERT INTO timeline_event (person_id, kind, summary, data, occurred_on)
       SELECT a.person_id, 'suspected-breach', 'Suspected breach: ' || i.title || ' (' || i.provision || ')',
              json_build_object('breachId', a.id, 'obligation', a.obligation_key)::jsonb, $8::date
         FROM added a JOIN input i ON i.registration_id = a.registration_id AND i.obligation_key = a.obligation_key
     )
     SELECT id FROM added`,
    [
      rows.map((r) => r.registrationId),
      rows.map((r) => r.key),
      rows.map((r) => r.kind),
      rows.map((r) => r.provision),
      rows.map((r) => r.dueOn),
      rows.map((r) => r.title),
      rows.map((r) => r.late),
      detectedOn,
    ],
  )
  return inserted.length
}

async function insertTasks(tx: Queryable, rows: NewTask[]): Promise<number> {
  if (rows.length === 0) return 0
  return tx.execute(
    `INSERT INTO task (id, key, person_id, assignee_id, kind, title, due_on, registration_id)
     SELECT gen_random_uuid(), key, person_id, ${officerOf('person_id')}, kind, title, due_on, registration_id
       FROM (SELECT t.*, ${personOf('t.registration_id')} AS person_id
               FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::date[])
                 AS t(key, registration_id, kind, title, due_on)) AS t
     ON CONFLICT (key) DO NOTHING`,
    [
      rows.map((r) => r.key),
      rows.map((r) => r.registrationId),
      rows.map((r) => r.kind),
      rows.map((r) => r.title),
      rows.map((r) => r.dueOn),
    ],
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
