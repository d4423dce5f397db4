import { randomUUID } from 'node:crypto'
import {
  dueReviewsQuery,
  erasureRequest,
  restrictionCreate,
  restrictionLift,
  retentionDecision,
  retentionScanRequest,
} from '../contracts/register/retention.ts'
import { addDays, addYears, type Day, day, formatDay, parseDay } from '../domain/dates/day.ts'
import {
  type ErasureGround,
  erasureGrounds,
  erasureRefusal,
  type RecordState,
  type RestrictionGround,
  restrictionGrounds,
  restrictionRefusal,
} from '../domain/retention/grounds.ts'
import {
  latestNextReview,
  nextReviewProblem,
  type ReviewDue,
  type ReviewState,
  reviewDue,
} from '../domain/retention/review.ts'
import { defaultRetentionSettings, type RetentionSettings } from '../domain/retention/settings.ts'
import type { Queryable } from '../store/database.ts'
import { can, canSeeRecord } from './access.ts'
import { type AppContext, actorIdFor, audit, authorised, type Call, timeline, transact } from './context.ts'
import { Conflict, Forbidden, NotFound, problem } from './errors.ts'
import { camelRow, isUuid } from './people.ts'
import { failIf, parseOrThrow } from './validate.ts'

// Retention review, restriction and erasure of the register's records
// (DPA 2018 s.39, ss.46-48; College of Policing APP "Retention, review and
// disposal"). The rules are in src/domain/retention; docs/retention.md says
// what each step keeps and removes. Only the managing organisation's
// registrars act here (access.ts), and only here are restricted and erased
// records reached; every other service refuses them (./restricted.ts).

/** The retention settings of this deployment: `app.retention` when the composition root sets one. */
export function retentionSettingsOf(app: AppContext): RetentionSettings {
  return (app as AppContext & { retention?: RetentionSettings }).retention ?? defaultRetentionSettings
}

export type SubjectKind = 'person' | 'victim'
export interface Subject {
  kind: SubjectKind
  id: string
}

interface SubjectRow {
  id: string
  reference: string | null
  managing_org_id: string
  date_of_birth: string | null
  next_review_on: string
  recorded_on: string
  status: string | null
  restriction_ground: RestrictionGround | null
  restriction_rationale: string | null
  restricted_on: string | null
  erased_on: string | null
  erasure_ground: ErasureGround | null
  version: number
}

// Table and column names come from this map only, never from input.
const tables = {
  person: { table: 'person', column: 'person_id' },
  victim: { table: 'victim', column: 'victim_id' },
} as const

const subjectColumns = `id, managing_org_id, next_review_on, created_at::date AS recorded_on,
  restriction_ground, restriction_rationale, restricted_on, erased_on, erasure_ground, version`

/** A record in any state (restricted, erased) for the managing organisation, or NotFound. */
async function loadSubject(tx: Queryable, call: Call, subject: Subject, lock = false): Promise<SubjectRow> {
  if (!isUuid(subject.id)) throw new NotFound(subject.kind)
  const sql =
    subject.kind === 'person'
      ? `SELECT reference, date_of_birth, status, ${subjectColumns} FROM person WHERE id = $1`
      : `SELECT NULL::text AS reference, NULL::date AS date_of_birth, NULL::text AS status, ${subjectColumns} FROM victim WHERE id = $1`
  const rows = await tx.query<SubjectRow & Record<string, unknown>>(`${sql}${lock ? ' FOR UPDATE' : ''}`, [subject.id])
  const row = rows[0]
  if (row === undefined) throw new NotFound(subject.kind)
  if (!canSeeRecord(call.actor, row.managing_org_id)) {
    throw new NotFound(subject.kind, {
      type: subject.kind,
      id: subject.id,
      ...(subject.kind === 'person' ? { personId: subject.id } : {}),
      reason: 'outside organisation',
    })
  }
  return row
}

const dayOrUndefined = (text: string | null | undefined): Day | undefined =>
  text === null || text === undefined ? undefined : parseDay(text)

async function reviewStateOf(tx: Queryable, subject: Subject, row: SubjectRow): Promise<ReviewState> {
  const { column } = tables[subject.kind]
  const reviewed = await tx.query<{ last: string | null }>(
    `SELECT max(decided_on) AS last FROM retention_review WHERE ${column} = $1`,
    [subject.id],
  )
  const archived =
    subject.kind === 'person'
      ? await tx.query<{ review_on: string | null }>(
          `SELECT max(retention_review_on) AS review_on FROM registration WHERE person_id = $1 AND status = 'archived'`,
          [subject.id],
        )
      : []
  return {
    recordedOn: day(row.recorded_on),
    scheduledOn: dayOrUndefined(row.next_review_on),
    lastReviewedOn: dayOrUndefined(reviewed[0]?.last),
    dateOfBirth: dayOrUndefined(row.date_of_birth),
    archiveReviewOn: dayOrUndefined(archived[0]?.review_on),
    restrictedOn: dayOrUndefined(row.restricted_on),
  }
}

async function recordStateOf(
  tx: Queryable,
  subject: Subject,
  row: SubjectRow,
  declared: { neededAsEvidence?: boolean | undefined; accuracyContested?: boolean | undefined },
): Promise<RecordState> {
  let activeRegistration = false
  let openSuspectedBreaches = 0
  if (subject.kind === 'person') {
    const rows = await tx.query<{ active: number; suspected: number }>(
      `SELECT (SELECT count(*)::int FROM registration WHERE person_id = $1 AND status = 'active') AS active,
              (SELECT count(*)::int FROM breach WHERE person_id = $1 AND status = 'suspected') AS suspected`,
      [subject.id],
    )
    activeRegistration = (rows[0]?.active ?? 0) > 0
    openSuspectedBreaches = rows[0]?.suspected ?? 0
  }
  return {
    erased: row.erased_on !== null,
    restricted: row.restricted_on !== null,
    activeRegistration,
    openSuspectedBreaches,
    neededAsEvidence: declared.neededAsEvidence === true,
    accuracyContested: declared.accuracyContested === true,
  }
}

const dueJson = (due: ReviewDue) => ({
  dueOn: formatDay(due.on),
  trigger: due.trigger,
  rule: due.rule,
  source: due.source,
})

/** A date given in a request: not in the future; today when absent. */
function dateGiven(call: Call, value: string | undefined, field: string): string {
  const today = formatDay(call.app.today())
  if (value === undefined) return today
  if (value > today) failIf([problem(field, 'must not be in the future')])
  return value
}

/** The system actor may scan, never decide; the refusal is audited like a role's. */
async function refuseScheduledJob(call: Call, action: string): Promise<void> {
  if (!call.actor.roles.includes('system')) return
  await call.app.db.transaction((tx) =>
    audit(tx, call.actor, 'denied', { type: action }, { reason: 'a scheduled job does not decide' }),
  )
  throw new Forbidden('a retention decision is made and recorded by a person, not by a scheduled job', action)
}

async function closeReviewTasks(tx: Queryable, subject: Subject): Promise<void> {
  await tx.execute(
    `UPDATE task SET status = 'done', done_at = now()
      WHERE kind = 'retention-review' AND status = 'open' AND ${tables[subject.kind].column} = $1`,
    [subject.id],
  )
}

// ---------------------------------------------------------------------------
// Due reviews and their tasks

const batchSize = 2000

interface Candidate {
  id: string
  reference: string | null
  managing_org_id: string
  date_of_birth: string | null
  next_review_on: string
  recorded_on: string
  restricted_on: string | null
  last_reviewed_on: string | null
  archive_review_on: string | null
}

/**
 * One batch of records that may be due by `asOf`, in id order after `after`:
 * a superset the domain rule then decides on (each date condition is widened
 * by a day, so the 29 February cases are never missed).
 */
async function candidates(
  tx: Queryable,
  kind: SubjectKind,
  after: string,
  asOf: Day,
  settings: RetentionSettings,
  organisationId: string | null,
): Promise<Candidate[]> {
  // Dates before year 1 cannot be written in SQL; nothing is that old.
  const earliest = day('0001-01-01')
  const cutoff = (years: number) => formatDay(Math.max(addDays(addYears(asOf, -years), 1), earliest) as Day)
  const periodicCutoff = cutoff(settings.reviewEveryYears)
  const ageCutoff = cutoff(settings.retainUntilAge)
  const params = [after, organisationId, formatDay(asOf), periodicCutoff]
  // Each way a record falls due is one branch, found by its own index
  // (migration 0008); "made on or before the cutoff" is "made before the day
  // after it", so the creation time's index serves.
  if (kind === 'person') {
    return tx.query<Candidate & Record<string, unknown>>(
      `WITH due AS (
         SELECT id FROM person WHERE erased_on IS NULL AND id > $1 AND next_review_on <= $3::date
         UNION SELECT id FROM person WHERE erased_on IS NULL AND id > $1 AND restricted_on IS NOT NULL
         UNION SELECT id FROM person WHERE erased_on IS NULL AND id > $1 AND date_of_birth <= $5::date
         UNION SELECT id FROM person p WHERE erased_on IS NULL AND id > $1 AND created_at < ($4::date + 1)::timestamptz
                 AND NOT EXISTS (SELECT 1 FROM retention_review r WHERE r.person_id = p.id AND r.decided_on > $4::date)
         UNION SELECT person_id FROM registration WHERE status = 'archived' AND person_id > $1
                 AND retention_review_on <= $3::date
       )
       SELECT p.id, p.reference, p.managing_org_id, p.date_of_birth, p.next_review_on, p.created_at::date AS recorded_on,
              p.restricted_on,
              (SELECT max(r.decided_on) FROM retention_review r WHERE r.person_id = p.id) AS last_reviewed_on,
              (SELECT max(g.retention_review_on) FROM registration g
                WHERE g.person_id = p.id AND g.status = 'archived') AS archive_review_on
         FROM person p
        WHERE p.id IN (SELECT id FROM due) AND p.erased_on IS NULL AND ($2::text IS NULL OR p.managing_org_id = $2)
        ORDER BY p.id LIMIT ${batchSize}`,
      [...params, ageCutoff],
    )
  }
  return tx.query<Candidate & Record<string, unknown>>(
    `WITH due AS (
       SELECT id FROM victim WHERE erased_on IS NULL AND id > $1 AND next_review_on <= $3::date
       UNION SELECT id FROM victim WHERE erased_on IS NULL AND id > $1 AND restricted_on IS NOT NULL
       UNION SELECT id FROM victim v WHERE erased_on IS NULL AND id > $1 AND created_at < ($4::date + 1)::timestamptz
               AND NOT EXISTS (SELECT 1 FROM retention_review r WHERE r.victim_id = v.id AND r.decided_on > $4::date)
     )
     SELECT v.id, NULL::text AS reference, v.managing_org_id, NULL::date AS date_of_birth, v.next_review_on,
            v.created_at::date AS recorded_on, v.restricted_on,
            (SELECT max(r.decided_on) FROM retention_review r WHERE r.victim_id = v.id) AS last_reviewed_on,
            NULL::date AS archive_review_on
       FROM victim v
      WHERE v.id IN (SELECT id FROM due) AND v.erased_on IS NULL AND ($2::text IS NULL OR v.managing_org_id = $2)
      ORDER BY v.id LIMIT ${batchSize}`,
    params,
  )
}

function dueOf(candidate: Candidate, settings: RetentionSettings): ReviewDue {
  return reviewDue(
    {
      recordedOn: day(candidate.recorded_on),
      scheduledOn: dayOrUndefined(candidate.next_review_on),
      lastReviewedOn: dayOrUndefined(candidate.last_reviewed_on),
      dateOfBirth: dayOrUndefined(candidate.date_of_birth),
      archiveReviewOn: dayOrUndefined(candidate.archive_review_on),
      restrictedOn: dayOrUndefined(candidate.restricted_on),
    },
    settings,
  )
}

/** Every record due for review by `asOf`, a batch at a time (in its own transaction each). */
async function eachDue(
  call: Call,
  asOf: Day,
  organisationId: string | null,
  visit: (tx: Queryable, kind: SubjectKind, due: { candidate: Candidate; due: ReviewDue }[]) => Promise<boolean>,
): Promise<void> {
  const settings = retentionSettingsOf(call.app)
  for (const kind of ['person', 'victim'] as const) {
    let after = '00000000-0000-0000-0000-000000000000'
    for (;;) {
      const more = await transact(call, async (tx) => {
        const batch = await candidates(tx, kind, after, asOf, settings, organisationId)
        if (batch.length === 0) return false
        const due = batch
          .map((candidate) => ({ candidate, due: dueOf(candidate, settings) }))
          .filter((entry) => entry.due.on <= asOf)
        const goOn = await visit(tx, kind, due)
        after = (batch.at(-1) as Candidate).id
        return goOn && batch.length === batchSize
      })
      if (!more) break
    }
  }
}

/**
 * Raises a task for each record whose review is due by `asOf`: one task per
 * record per review cycle (the key names the last review), so however many
 * scans see it, on however many instances, it is raised once. The task is for
 * the managing organisation's registrars (no single assignee: see
 * `reviewTasks`). Returns the number of new tasks. The compliance scan calls
 * this; an actor whose role or token does not cover retention reviews raises
 * none.
 */
export async function raiseRetentionReviewTasks(call: Call, asOf: Day): Promise<number> {
  if (!can(call.actor, 'retention:review')) return 0
  let newTasks = 0
  await eachDue(call, asOf, null, async (tx, kind, due) => {
    if (due.length === 0) return true
    const keys = due.map(
      ({ candidate }) => `retention:${kind}:${candidate.id}:${candidate.last_reviewed_on ?? 'first'}`,
    )
    newTasks += await tx.execute(
      `INSERT INTO task (id, key, person_id, victim_id, assignee_id, kind, title, due_on)
       SELECT gen_random_uuid(), key, person_id, victim_id, NULL, 'retention-review', title, due_on
         FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::date[])
           AS t(key, person_id, victim_id, title, due_on)
       ON CONFLICT (key) DO NOTHING`,
      [
        keys,
        due.map(({ candidate }) => (kind === 'person' ? candidate.id : null)),
        due.map(({ candidate }) => (kind === 'victim' ? candidate.id : null)),
        due.map(({ due }) => `Retention review due (DPA 2018 s.39): ${due.rule}`),
        due.map(({ due }) => formatDay(due.on)),
      ],
    )
    return true
  })
  return newTasks
}

export interface RetentionScanResult {
  asOf: string
  newTasks: number
  millis: number
}

/** `dasr retention scan` and POST /retention/scans: raise the review tasks due by a date (today by default). */
export async function retentionScan(call: Call, body: unknown = {}): Promise<RetentionScanResult> {
  await authorised(call, 'retention:review')
  const input = parseOrThrow(retentionScanRequest, body ?? {})
  const asOfText = input.asOf ?? formatDay(call.app.today())
  const started = performance.now()
  const newTasks = await raiseRetentionReviewTasks(call, day(asOfText))
  await transact(call, (tx) =>
    audit(tx, call.actor, 'combination', { type: 'retention-scan' }, { asOf: asOfText, newTasks }),
  )
  return { asOf: asOfText, newTasks, millis: Math.round(performance.now() - started) }
}

export interface DueReview {
  subject: SubjectKind
  id: string
  reference: string | null
  managingOrganisationId: string
  restricted: boolean
  dueOn: string
  trigger: ReviewDue['trigger']
  rule: string
  source: string
}

/** The reviews due by a date for the actor's organisation (every organisation for the system), earliest first. */
export async function dueReviews(
  call: Call,
  query: unknown = {},
): Promise<{ asOf: string; total: number; items: DueReview[] }> {
  await authorised(call, 'retention:review')
  const input = parseOrThrow(dueReviewsQuery, query ?? {}, 'query')
  const asOfText = input.asOf ?? formatDay(call.app.today())
  const organisationId = call.actor.roles.includes('system') ? null : call.actor.organisationId
  const items: DueReview[] = []
  await eachDue(call, day(asOfText), organisationId, async (_tx, kind, due) => {
    for (const entry of due) {
      items.push({
        subject: kind,
        id: entry.candidate.id,
        reference: entry.candidate.reference,
        managingOrganisationId: entry.candidate.managing_org_id,
        restricted: entry.candidate.restricted_on !== null,
        ...dueJson(entry.due),
      })
    }
    return true
  })
  items.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.id < b.id ? -1 : 1))
  const shown = items.slice(0, input.limit)
  await transact(call, (tx) =>
    audit(
      tx,
      call.actor,
      'consultation',
      { type: 'retention-due-list' },
      { asOf: asOfText, count: shown.length },
      call.justification ?? 'retention review',
    ),
  )
  return { asOf: asOfText, total: items.length, items: shown }
}

/** The open review tasks of the actor's organisation (every organisation for the system), earliest first. */
export async function reviewTasks(call: Call, limit = 100) {
  await authorised(call, 'retention:review')
  return transact(call, async (tx) => {
    const rows = await tx.query(
      `SELECT t.id, t.title, t.due_on, t.person_id, t.victim_id, p.reference, t.status
         FROM task t LEFT JOIN person p ON p.id = t.person_id LEFT JOIN victim v ON v.id = t.victim_id
        WHERE t.kind = 'retention-review' AND t.status = 'open'
          AND ($1 OR coalesce(p.managing_org_id, v.managing_org_id) = $2)
        ORDER BY t.due_on, t.id LIMIT $3`,
      [call.actor.roles.includes('system'), call.actor.organisationId, limit],
    )
    await audit(
      tx,
      call.actor,
      'consultation',
      { type: 'retention-task-list' },
      { count: rows.length },
      call.justification ?? 'retention review',
    )
    return { items: rows.map(camelRow) }
  })
}

// ---------------------------------------------------------------------------
// Reading a record for its review

/**
 * What the reviewer needs to decide: the record's state, why and when its
 * review is due, its reviews and restrictions so far, and its contents in
 * outline. Reaches restricted and erased records (for their registrar only).
 */
export async function readForReview(call: Call, subject: Subject) {
  await authorised(call, 'retention:review')
  return transact(call, async (tx) => {
    const row = await loadSubject(tx, call, subject)
    const settings = retentionSettingsOf(call.app)
    const { column } = tables[subject.kind]
    const state = await reviewStateOf(tx, subject, row)
    const due = row.erased_on === null ? dueJson(reviewDue(state, settings)) : null
    const reviews = await tx.query(
      `SELECT id, decision, reason, review_trigger, due_on, decided_on, decided_by, next_review_on
         FROM retention_review WHERE ${column} = $1 ORDER BY decided_on, recorded_at`,
      [subject.id],
    )
    const restrictions = await tx.query(
      `SELECT id, ground, rationale, restricted_on, restricted_by, lifted_on, lifted_by, lift_reason
         FROM record_restriction WHERE ${column} = $1 ORDER BY restricted_on, id`,
      [subject.id],
    )
    const holds = await recordStateOf(tx, subject, row, {})
    let contents: Record<string, unknown>
    if (subject.kind === 'person') {
      const identity = await tx.query(
        'SELECT reference, family_name, given_names, date_of_birth, status FROM person WHERE id = $1',
        [subject.id],
      )
      const registrations = await tx.query(
        `SELECT id, policy_id, status, registered_on, ended_on, end_reason, archived_on, retention_review_on
           FROM registration WHERE person_id = $1 ORDER BY registered_on`,
        [subject.id],
      )
      const facts = await tx.query<{ kind: string; count: number }>(
        `SELECT kind, count(*)::int AS count FROM person_fact WHERE person_id = $1 GROUP BY kind ORDER BY kind`,
        [subject.id],
      )
      contents = {
        identity: identity.map(camelRow)[0],
        registrations: registrations.map(camelRow),
        factCounts: Object.fromEntries(facts.map((f) => [f.kind, f.count])),
      }
    } else {
      const victim = await tx.query<{ data: unknown }>('SELECT data FROM victim WHERE id = $1', [subject.id])
      const links = await tx.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM victim_link WHERE victim_id = $1',
        [subject.id],
      )
      contents = { data: victim[0]?.data ?? {}, linkedPeople: links[0]?.count ?? 0 }
    }
    await audit(
      tx,
      call.actor,
      'consultation',
      { type: subject.kind, id: subject.id, ...(subject.kind === 'person' ? { personId: subject.id } : {}) },
      { purpose: 'retention-review' },
      call.justification ?? 'retention review',
    )
    return {
      subject: subject.kind,
      id: row.id,
      reference: row.reference,
      managingOrganisationId: row.managing_org_id,
      version: row.version,
      state: (row.erased_on !== null ? 'erased' : row.restricted_on !== null ? 'restricted' : 'in-use') as
        | 'erased'
        | 'restricted'
        | 'in-use',
      restriction:
        row.restricted_on === null
          ? null
          : {
              // Set together with restricted_on (migration 0005 checks it).
              ground: row.restriction_ground as RestrictionGround,
              provision: restrictionGrounds[row.restriction_ground as RestrictionGround].provision,
              rationale: row.restriction_rationale as string,
              since: row.restricted_on,
            },
      erasure:
        row.erased_on === null
          ? null
          : {
              on: row.erased_on,
              ground: row.erasure_ground as ErasureGround,
              provision: erasureGrounds[row.erasure_ground as ErasureGround].provision,
            },
      scheduledReviewOn: row.next_review_on,
      due,
      activeRegistration: holds.activeRegistration,
      openSuspectedBreaches: holds.openSuspectedBreaches,
      reviews: reviews.map(camelRow),
      restrictions: restrictions.map(camelRow),
      contents,
    }
  })
}

// ---------------------------------------------------------------------------
// Decisions

async function applyRestriction(
  tx: Queryable,
  call: Call,
  subject: Subject,
  ground: RestrictionGround,
  rationale: string,
  on: string,
): Promise<void> {
  const { table, column } = tables[subject.kind]
  await tx.execute(
    `UPDATE ${table} SET restriction_ground = $2, restriction_rationale = $3, restricted_on = $4, restricted_by = $5,
            version = version + 1, updated_at = now() WHERE id = $1`,
    [subject.id, ground, rationale, on, actorIdFor(call.actor)],
  )
  await tx.execute(
    `INSERT INTO record_restriction (id, ${column}, ground, rationale, restricted_on, restricted_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), subject.id, ground, rationale, on, actorIdFor(call.actor)],
  )
}

/** The audit entry's object for a subject: a victim's entry names no person. */
const objectOf = (subject: Subject, type?: string) => ({
  type: type ?? subject.kind,
  id: subject.id,
  ...(subject.kind === 'person' ? { personId: subject.id } : {}),
})

/**
 * Records a retention review's decision with its reason: retain (with the next
 * review), restrict (kept, hidden from normal use, on a ground), or delete
 * (erasure, refused where the law says to restrict instead).
 */
export async function decideRetention(call: Call, subject: Subject, body: unknown) {
  await authorised(call, 'retention:review')
  await refuseScheduledJob(call, 'retention:review')
  const input = parseOrThrow(retentionDecision, body)
  if (input.decision === 'delete') await authorised(call, 'record:erase')
  if (input.decision === 'restrict') await authorised(call, 'record:restrict')
  const decidedOn = dateGiven(call, input.decidedOn, '$.decidedOn')
  const problems = []
  if (input.decision === 'delete' && input.nextReviewOn !== undefined) {
    problems.push(problem('$.nextReviewOn', 'is set only when the record is kept'))
  }
  if (input.decision !== 'restrict' && input.ground !== undefined) {
    problems.push(problem('$.ground', 'is given only with the decision "restrict"'))
  }
  if (input.decision !== 'delete' && (input.neededAsEvidence !== undefined || input.accuracyContested !== undefined)) {
    problems.push(problem('$.decision', 'neededAsEvidence and accuracyContested are given only with "delete"'))
  }
  failIf(problems)
  const settings = retentionSettingsOf(call.app)
  return transact(call, async (tx) => {
    const row = await loadSubject(tx, call, subject, true)
    if (row.erased_on !== null) throw new Conflict('this record has been erased')
    const due = reviewDue(await reviewStateOf(tx, subject, row), settings)
    const dob = dayOrUndefined(row.date_of_birth)
    let nextReviewOn: string | null = null
    if (input.decision !== 'delete') {
      nextReviewOn = input.nextReviewOn ?? formatDay(latestNextReview(day(decidedOn), dob, settings))
      const wrong = nextReviewProblem(day(nextReviewOn), day(decidedOn), dob, settings)
      if (wrong !== undefined) failIf([problem('$.nextReviewOn', wrong)])
    }
    let ground = row.restriction_ground
    if (input.decision === 'restrict') {
      if (row.restricted_on !== null) {
        if (input.ground !== undefined && input.ground !== row.restriction_ground) {
          failIf([
            problem(
              '$.ground',
              `the record is restricted on ground ${row.restriction_ground}: lift it to change ground`,
            ),
          ])
        }
      } else {
        if (input.ground === undefined) failIf([problem('$.ground', 'is required to restrict the record')])
        refuseRestriction(restrictionRefusal(await recordStateOf(tx, subject, row, {})))
        ground = input.ground as RestrictionGround
        await applyRestriction(tx, call, subject, ground, input.reason, decidedOn)
      }
    }
    if (input.decision === 'delete') {
      refuseErasure(erasureRefusal(await recordStateOf(tx, subject, row, input)))
    }
    const reviewId = randomUUID()
    const { table, column } = tables[subject.kind]
    await tx.execute(
      `INSERT INTO retention_review (id, ${column}, decision, reason, review_trigger, due_on, decided_on, decided_by, next_review_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        reviewId,
        subject.id,
        input.decision,
        input.reason,
        due.trigger,
        formatDay(due.on),
        decidedOn,
        actorIdFor(call.actor),
        nextReviewOn,
      ],
    )
    await closeReviewTasks(tx, subject)
    if (input.decision === 'delete') {
      const removed = await eraseSubject(tx, call, subject, 'no-longer-necessary', decidedOn)
      await audit(tx, call.actor, 'erasure', objectOf(subject), {
        ground: 'no-longer-necessary',
        reviewId,
        removed,
      })
      return { id: reviewId, decision: input.decision, nextReviewOn, erased: true }
    }
    await tx.execute(
      `UPDATE ${table} SET next_review_on = $2, version = version + 1, updated_at = now() WHERE id = $1`,
      [subject.id, nextReviewOn],
    )
    if (subject.kind === 'person') {
      await timeline(
        tx,
        call.actor,
        subject.id,
        'retention-review',
        input.decision === 'retain'
          ? `Retention review: kept; next review by ${nextReviewOn}`
          : `Retention review: kept restricted (${restrictionGrounds[ground as RestrictionGround].provision}); next review by ${nextReviewOn}`,
        decidedOn,
        { reviewId, decision: input.decision, reason: input.reason, trigger: due.trigger },
      )
    }
    await audit(tx, call.actor, 'alteration', objectOf(subject, `${subject.kind}-retention`), {
      decision: input.decision,
      reviewId,
      trigger: due.trigger,
      nextReviewOn,
      ...(input.decision === 'restrict' ? { ground } : {}),
    })
    return { id: reviewId, decision: input.decision, nextReviewOn, erased: false }
  })
}

/** Restricts a record: kept, hidden from normal use, on a recorded ground with its rationale. */
export async function restrictRecord(call: Call, subject: Subject, body: unknown) {
  await authorised(call, 'record:restrict')
  const input = parseOrThrow(restrictionCreate, body)
  const restrictedOn = dateGiven(call, input.restrictedOn, '$.restrictedOn')
  const ground = input.ground as RestrictionGround
  return transact(call, async (tx) => {
    const row = await loadSubject(tx, call, subject, true)
    refuseRestriction(restrictionRefusal(await recordStateOf(tx, subject, row, {})))
    await applyRestriction(tx, call, subject, ground, input.rationale, restrictedOn)
    if (subject.kind === 'person') {
      await timeline(
        tx,
        call.actor,
        subject.id,
        'restricted',
        `Restricted (${restrictionGrounds[ground].provision}): kept, but hidden from normal use`,
        restrictedOn,
        { ground, rationale: input.rationale },
      )
    }
    await audit(tx, call.actor, 'alteration', objectOf(subject, `${subject.kind}-restriction`), {
      restricted: true,
      ground,
    })
    return {
      id: subject.id,
      restricted: true as const,
      ground,
      provision: restrictionGrounds[ground].provision,
      restrictedOn,
    }
  })
}

/** Lifts a restriction, with the reason; the record returns to normal use. */
export async function liftRestriction(call: Call, subject: Subject, body: unknown) {
  await authorised(call, 'record:restrict')
  const input = parseOrThrow(restrictionLift, body)
  const liftedOn = dateGiven(call, input.liftedOn, '$.liftedOn')
  return transact(call, async (tx) => {
    const row = await loadSubject(tx, call, subject, true)
    if (row.erased_on !== null) throw new Conflict('this record has been erased')
    if (row.restricted_on === null) throw new Conflict('this record is not restricted')
    if (liftedOn < row.restricted_on) failIf([problem('$.liftedOn', 'must not be before the restriction')])
    const { table, column } = tables[subject.kind]
    await tx.execute(
      `UPDATE ${table} SET restriction_ground = NULL, restriction_rationale = NULL, restricted_on = NULL,
              restricted_by = NULL, version = version + 1, updated_at = now() WHERE id = $1`,
      [subject.id],
    )
    await tx.execute(
      `UPDATE record_restriction SET lifted_on = $2, lifted_by = $3, lift_reason = $4
        WHERE ${column} = $1 AND lifted_on IS NULL`,
      [subject.id, liftedOn, actorIdFor(call.actor), input.reason],
    )
    if (subject.kind === 'person') {
      await timeline(tx, call.actor, subject.id, 'restriction-lifted', 'Restriction lifted', liftedOn, {
        reason: input.reason,
      })
    }
    await audit(tx, call.actor, 'alteration', objectOf(subject, `${subject.kind}-restriction`), {
      restricted: false,
      ground: row.restriction_ground,
    })
    return { id: subject.id, restricted: false as const, liftedOn }
  })
}

/**
 * Erases a record (DPA 2018 s.47(1)): refused while a registration is active;
 * where the data must be kept as evidence or its accuracy cannot be settled,
 * refused with the ground to restrict on instead (s.47(2)-(3)). The decision
 * is recorded as a retention review "delete" with its reason.
 */
export async function eraseRecord(call: Call, subject: Subject, body: unknown) {
  await authorised(call, 'record:erase')
  const input = parseOrThrow(erasureRequest, body)
  const erasedOn = dateGiven(call, input.erasedOn, '$.erasedOn')
  const ground = input.ground as ErasureGround
  return transact(call, async (tx) => {
    const row = await loadSubject(tx, call, subject, true)
    refuseErasure(erasureRefusal(await recordStateOf(tx, subject, row, input)))
    const reviewId = randomUUID()
    await tx.execute(
      `INSERT INTO retention_review (id, ${tables[subject.kind].column}, decision, reason, review_trigger, decided_on, decided_by)
       VALUES ($1, $2, 'delete', $3, 'request', $4, $5)`,
      [reviewId, subject.id, input.reason, erasedOn, actorIdFor(call.actor)],
    )
    const removed = await eraseSubject(tx, call, subject, ground, erasedOn)
    await audit(tx, call.actor, 'erasure', objectOf(subject), { ground, reviewId, removed })
    return { id: subject.id, erased: true as const, erasedOn, ground, provision: erasureGrounds[ground].provision }
  })
}

/**
 * Removes every personal value of the record and keeps a tombstone: the row
 * with its id, reference and organisation, so that references, reviews,
 * subject access requests and the audit trail still resolve. The audit trail
 * itself is never touched (it holds no personal values). Returns what was
 * removed, as counts, for the audit entry.
 */
async function eraseSubject(
  tx: Queryable,
  call: Call,
  subject: Subject,
  ground: ErasureGround,
  on: string,
): Promise<Record<string, number>> {
  const by = actorIdFor(call.actor)
  const removed: Record<string, number> = {}
  const run = async (name: string, sql: string, params: unknown[] = [subject.id]) => {
    removed[name] = await tx.execute(sql, params)
  }
  if (subject.kind === 'person') {
    const registrations = `SELECT id FROM registration WHERE person_id = $1`
    await run('searchKeys', 'DELETE FROM search_key WHERE person_id = $1')
    await run('photographs', 'DELETE FROM photograph WHERE person_id = $1')
    await run('tasks', 'DELETE FROM task WHERE person_id = $1')
    await run('profileAdjustments', `DELETE FROM profile_adjustment WHERE registration_id IN (${registrations})`)
    await run('notifications', `DELETE FROM notification WHERE person_id = $1 OR registration_id IN (${registrations})`)
    await run('visits', 'DELETE FROM home_visit WHERE person_id = $1')
    await run('breaches', 'DELETE FROM breach WHERE person_id = $1')
    await run('registrations', 'DELETE FROM registration WHERE person_id = $1')
    await run('determinations', 'DELETE FROM determination WHERE person_id = $1')
    await run('facts', 'DELETE FROM person_fact WHERE person_id = $1')
    await run('victimLinks', 'DELETE FROM victim_link WHERE person_id = $1')
    await run('timelineEvents', 'DELETE FROM timeline_event WHERE person_id = $1')
    // Shares and need-to-know access end with the record; their rows stay as the record of who had access.
    await run(
      'sharesRevoked',
      `UPDATE record_share SET revoked_on = $2, revoked_by = $3, revoke_reason = 'record erased (DPA 2018 s.47)'
        WHERE person_id = $1 AND revoked_on IS NULL`,
      [subject.id, on, by],
    )
    await run(
      'needToKnowEnded',
      'UPDATE need_to_know_access SET expires_at = now() WHERE person_id = $1 AND expires_at > now()',
    )
    await tx.execute(
      `UPDATE person SET family_name = '[erased]', given_names = '[erased]', date_of_birth = NULL, ni_number = NULL,
              sex = NULL, risk_level = NULL, responsible_officer_id = NULL,
              restriction_ground = NULL, restriction_rationale = NULL, restricted_on = NULL, restricted_by = NULL,
              erased_on = $2, erased_by = $3, erasure_ground = $4, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [subject.id, on, by, ground],
    )
  } else {
    await run('victimLinks', 'DELETE FROM victim_link WHERE victim_id = $1')
    await run('tasks', 'DELETE FROM task WHERE victim_id = $1')
    await tx.execute(
      `UPDATE victim SET data = '{}'::jsonb,
              restriction_ground = NULL, restriction_rationale = NULL, restricted_on = NULL, restricted_by = NULL,
              erased_on = $2, erased_by = $3, erasure_ground = $4, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [subject.id, on, by, ground],
    )
  }
  // A stored API answer that names the record is personal data kept for replay: it goes too.
  await run('storedResponses', 'DELETE FROM idempotency_key WHERE strpos(body::text, $1) > 0')
  if (subject.kind === 'person') {
    await timeline(
      tx,
      call.actor,
      subject.id,
      'erased',
      `Personal data erased (${erasureGrounds[ground].provision}); this entry and the audit trail remain`,
      on,
      { ground },
    )
  }
  return removed
}

/** A restriction the rules refuse (an active registration needs the record in use), with its provision. */
function refuseRestriction(refusal: ReturnType<typeof restrictionRefusal>): void {
  if (refusal !== undefined) throw new Conflict(refusal.reason, { provision: refusal.provision })
}

/** DPA 2018 s.47(2)-(3): an erasure the law does not allow is refused with its provision (and "restrict instead" where that applies). */
function refuseErasure(refusal: ReturnType<typeof erasureRefusal>): void {
  if (refusal === undefined) return
  throw new Conflict(refusal.reason, {
    provision: refusal.provision,
    ...(refusal.restrictInstead ? { restrictInstead: refusal.restrictInstead } : {}),
  })
}
