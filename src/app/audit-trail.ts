import { mkdir, open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { uuid } from '../contracts/register/fields.ts'
import { parseDay } from '../domain/dates/day.ts'
import {
  type AuditOperation,
  auditOperations,
  chainHash,
  genesisHash,
  type StoredAuditRow,
  sealAuditEntries,
  storedColumns,
  storedEntry,
} from '../store/audit-chain.ts'
import type { Database, Queryable } from '../store/database.ts'
import { audit, authorised, type Call, transact } from './context.ts'
import { parseOrThrow } from './validate.ts'

// The audit trail as evidence (DPA 2018 s.62(4): verifying lawfulness,
// self-monitoring, integrity and security; ASVS 16.4.2 and 16.4.3):
// verifying the hash chain, exporting checkpoints of its head to a separate
// store, and the auditors' search. See docs/audit-trail.md.

/** The file, in the checkpoint directory, that checkpoints are appended to (one JSON object a line). */
export const checkpointFile = 'audit-checkpoints.jsonl'

const hexHash = /^[0-9a-f]{64}$/

export interface VerifyOptions {
  /** A directory holding exported checkpoints (audit-checkpoints.jsonl), the anchor kept outside the database. */
  checkpointsDir?: string | undefined
  /** Entries read at a time (memory stays constant whatever the length of the chain). */
  pageSize?: number
}

export interface VerifyReport {
  /** Chained entries recomputed and found as written. */
  entries: number
  valid: boolean
  /** The chain position and hash up to which the chain was found valid. */
  headSeq: number
  head: string
  /** The earliest problem: the entry edited, missing, inserted or moved, or the checkpoint contradicted. */
  firstBroken?: { seq: number; reason: string }
  /** Checkpoints the chain was checked against (exported ones and those recorded in the database). */
  checkpoints: number
  /** Rows written before the chain began (migration 0002), which carry no hash. */
  unchained: number
  /** Entries written since the last sealing, not yet in the chain (decision 0011). */
  pending: number
}

interface Checkpoint {
  seq: number
  hash: string
  at: string
  source: string
}

const checkpointLine = z.strictObject({
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(hexHash),
  at: z.string(),
})

/** The exported checkpoints could not be read: the check cannot be made, which is not a pass. */
export class CheckpointsUnreadable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CheckpointsUnreadable'
  }
}

async function readCheckpointFile(dir: string): Promise<Checkpoint[]> {
  const file = join(dir, checkpointFile)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw new CheckpointsUnreadable(`${file}: cannot read the checkpoints (${code ?? (error as Error).message})`)
  }
  const checkpoints: Checkpoint[] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw new CheckpointsUnreadable(`${file}, line ${index + 1}: not JSON`)
    }
    const parsed = checkpointLine.safeParse(value)
    if (!parsed.success) throw new CheckpointsUnreadable(`${file}, line ${index + 1}: not a checkpoint {seq, hash, at}`)
    checkpoints.push({ ...parsed.data, source: `${file}, line ${index + 1}` })
  }
  return checkpoints
}

export type { StoredAuditRow } from '../store/audit-chain.ts'
export { storedEntry }

const columns = storedColumns

/**
 * Recomputes the chain from the genesis value, a page at a time in chain
 * order, and names the first entry that is not as it was written: edited (its
 * hash no longer matches), deleted (a gap in the positions), inserted or moved
 * (its hash does not follow from its predecessor's), or beyond the head.
 * Checkpoints show a truncated tail or a chain rewritten from some point on,
 * which the chain alone cannot. Entries not yet sealed are counted as pending:
 * seal first (`sealAuditEntries`) to verify everything written so far.
 */
export async function verifyAuditChain(db: Queryable, options: VerifyOptions = {}): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 5_000
  const problems: { seq: number; reason: string }[] = []
  // The highest position first, then the head: the head is committed with its entries, so any entry
  // found beyond it cannot be a writer's that committed in between.
  const [highest] = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM audit_event')
  const [head] = await db.query<{ seq: number; hash: string; unchained_rows: number; unchained_max_id: number }>(
    'SELECT seq, hash, unchained_rows, unchained_max_id FROM audit_chain_head',
  )
  const checkpoints = [
    ...(options.checkpointsDir === undefined ? [] : await readCheckpointFile(options.checkpointsDir)),
    ...(
      await db.query<{ seq: number; hash: string; at: Date; id: number }>(
        'SELECT id, seq, hash, at FROM audit_checkpoint ORDER BY id',
      )
    ).map((row) => ({
      seq: row.seq,
      hash: row.hash,
      at: row.at.toISOString(),
      source: `checkpoint ${row.id} recorded in the database`,
    })),
  ]
  if (head === undefined) {
    return {
      entries: 0,
      valid: false,
      headSeq: 0,
      head: genesisHash,
      firstBroken: { seq: 1, reason: 'the chain head row is missing (deleted behind the triggers)' },
      checkpoints: checkpoints.length,
      unchained: 0,
      pending: 0,
    }
  }
  const bySeq = new Map<number, Checkpoint[]>()
  for (const checkpoint of checkpoints) bySeq.set(checkpoint.seq, [...(bySeq.get(checkpoint.seq) ?? []), checkpoint])
  const contradicts = (seq: number, hash: string) => bySeq.get(seq)?.find((checkpoint) => checkpoint.hash !== hash)

  // Rows without a position: those from before the chain began must all still be there; later
  // ones are pending, written since the last sealing (decision 0011), and are counted, not judged.
  const [unchained] = await db.query<{ old: number; pending: number }>(
    `SELECT count(*) FILTER (WHERE id <= $1)::int AS old, count(*) FILTER (WHERE id > $1)::int AS pending
       FROM audit_event WHERE seq IS NULL`,
    [head.unchained_max_id],
  )
  const oldRows = unchained?.old ?? 0
  if (oldRows !== head.unchained_rows) {
    problems.push({
      seq: 0,
      reason: `${head.unchained_rows} rows were written before the chain began, ${oldRows} remain (deleted)`,
    })
  }

  let previous = genesisHash
  let expected = 1
  let entries = 0
  let chainBroken = false
  const zero = contradicts(0, genesisHash)
  if (zero !== undefined) problems.push({ seq: 0, reason: `${zero.source} does not record the genesis value` })
  chain: for (;;) {
    const rows = await db.query<StoredAuditRow & Record<string, unknown>>(
      `SELECT ${columns} FROM audit_event WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
      [expected, head.seq, pageSize],
    )
    for (const row of rows) {
      if (row.seq !== expected) {
        problems.push({
          seq: expected,
          reason: `entry ${expected} is missing (deleted): the chain goes from ${expected - 1} to ${row.seq}`,
        })
        chainBroken = true
        break chain
      }
      const hash = chainHash(previous, storedEntry(row))
      if (row.hash !== hash) {
        problems.push({
          seq: row.seq,
          reason: `entry ${row.seq} (row id ${row.id}) does not match its hash: edited, inserted or moved`,
        })
        chainBroken = true
        break chain
      }
      const checkpoint = contradicts(row.seq, hash)
      if (checkpoint !== undefined) {
        problems.push({
          seq: row.seq,
          reason: `entry ${row.seq} differs from ${checkpoint.source} (exported ${checkpoint.at}): the chain was rewritten`,
        })
        chainBroken = true
        break chain
      }
      previous = hash
      expected += 1
      entries += 1
    }
    if (rows.length < pageSize) break
  }
  const verifiedTo = expected - 1
  // After a break nothing later can be trusted, so the tail is judged only on an unbroken chain.
  if (!chainBroken) {
    if (verifiedTo < head.seq) {
      problems.push({
        seq: expected,
        reason: `entries ${expected} to ${head.seq} are missing: the chain head records ${head.seq} (tail deleted)`,
      })
    } else if (previous !== head.hash) {
      problems.push({ seq: head.seq, reason: `the chain head's hash is not that of entry ${head.seq}` })
    }
    if ((highest?.seq ?? 0) > head.seq) {
      problems.push({
        seq: head.seq + 1,
        reason: `entry ${head.seq + 1} lies beyond the chain head (${head.seq}): inserted`,
      })
    }
    const later = checkpoints.filter((checkpoint) => checkpoint.seq > verifiedTo).sort((a, b) => a.seq - b.seq)[0]
    if (later !== undefined) {
      problems.push({
        seq: verifiedTo + 1,
        reason: `${later.source} (exported ${later.at}) records entry ${later.seq}, but the chain ends at ${verifiedTo}: truncated or rewritten`,
      })
    }
  }
  problems.sort((a, b) => a.seq - b.seq)
  const firstBroken = problems[0]
  return {
    entries,
    valid: firstBroken === undefined,
    headSeq: verifiedTo,
    head: previous,
    ...(firstBroken === undefined ? {} : { firstBroken }),
    checkpoints: checkpoints.length,
    unchained: oldRows,
    pending: unchained?.pending ?? 0,
  }
}

export interface ExportedCheckpoint {
  seq: number
  hash: string
  at: string
  file: string
}

/**
 * Appends the chain head `{seq, hash, at}` as one JSON line to
 * `dir/audit-checkpoints.jsonl` (flushed to disk before anything else), then
 * records that it did. The directory should be on another system than the
 * database (ASVS 16.4.3): whoever can rewrite the database cannot rewrite it.
 */
export async function exportCheckpoint(db: Database, dir: string): Promise<ExportedCheckpoint> {
  // Everything written so far goes into the chain first, so the checkpoint covers it.
  await sealAuditEntries(db)
  const [head] = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_chain_head')
  if (head === undefined) throw new Error('the audit chain has no head: run "dasr migrate"')
  const at = new Date().toISOString()
  await mkdir(dir, { recursive: true })
  const file = join(dir, checkpointFile)
  const handle = await open(file, 'a', 0o640)
  try {
    await handle.appendFile(`${JSON.stringify({ seq: head.seq, hash: head.hash, at })}\n`, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  await db.execute('INSERT INTO audit_checkpoint (seq, hash, at, destination) VALUES ($1, $2, $3, $4)', [
    head.seq,
    head.hash,
    at,
    file,
  ])
  return { seq: head.seq, hash: head.hash, at, file }
}

/**
 * Verification by a user (an auditor, or the register's own job): the check
 * reads every entry, so it is itself recorded, as a consultation of the
 * audit trail, after the chain has been read (and is sealed at the next sealing).
 */
export async function verifyAuditTrail(call: Call, options: VerifyOptions = {}): Promise<VerifyReport> {
  await authorised(call, 'audit:verify')
  // Everything written so far is sealed first, so the check covers it. A chain too broken to seal
  // onto (its head row gone) is still verified: the report names what is wrong.
  await sealAuditEntries(call.app.db).catch(() => undefined)
  const report = await verifyAuditChain(call.app.db, options)
  const recording = transact(call, (tx) =>
    audit(
      tx,
      call.actor,
      'consultation',
      { type: 'audit-chain' },
      {
        verified: report.entries,
        valid: report.valid,
        ...(report.firstBroken === undefined ? {} : { firstBrokenSeq: report.firstBroken.seq }),
        checkpoints: report.checkpoints,
      },
    ),
  )
  // A chain broken badly enough (its head row gone) cannot take the record of its own check; the
  // finding is then what matters. A valid chain that cannot be written to is a failure.
  await recording.catch((error: unknown) => {
    if (report.valid) throw error
  })
  return report
}

// ---------------------------------------------------------------------------
// Search

const utc = (text: string) => (text.length === 10 ? `${text}T00:00:00Z` : text)

/** An instant, or a date (taken as midnight UTC, as the trail's times are). */
const instant = z
  .string()
  .refine((text) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text), {
    error: 'is not a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ)',
  })
  // The calendar check is the register's own (Date.parse takes 30 February for 2 March).
  .refine((text) => parseDay(text.slice(0, 10)) !== undefined && !Number.isNaN(Date.parse(utc(text))), {
    error: 'is not a real date or time',
  })
  .transform((text) => new Date(utc(text)).toISOString())

export const auditSearchQuery = z.strictObject({
  /** Entries about this person (every collection, consultation, disclosure…). */
  personId: uuid.optional(),
  /** Entries by this user. */
  userId: uuid.optional(),
  /** From this instant (inclusive). */
  from: instant.optional(),
  /** Before this instant (exclusive). */
  to: instant.optional(),
  category: z.enum(auditOperations as [AuditOperation, ...AuditOperation[]]).optional(),
  objectType: z.string().min(1).max(100).optional(),
  /** The `next` of the previous page. */
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, { error: 'is not a cursor this API gave' })
    .optional(),
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
})
export type AuditSearch = z.input<typeof auditSearchQuery>

export interface AuditEventJson {
  id: number
  seq: number | null
  at: string
  actorId: string | null
  organisationId: string | null
  origin: string | null
  category: AuditOperation
  objectType: string
  objectId: string | null
  personId: string | null
  justification: string | null
  recipients: string[] | null
  detail: Record<string, unknown>
  hash: string | null
}

export interface AuditPage {
  items: AuditEventJson[]
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string
}

/**
 * The auditors' search (DPA 2018 s.62(4)), newest first, a page at a time
 * (keyset on the row id, so a page costs the same however deep). An auditor of
 * a national body sees every entry; any other auditor sees the entries of
 * their organisation's users and those about the people it manages. The
 * search is itself logged: a consultation of the audit trail, with its filters.
 */
export async function searchAudit(call: Call, filters: unknown): Promise<AuditPage> {
  await authorised(call, 'audit:search')
  const query = parseOrThrow(auditSearchQuery, filters, 'query')
  const national = call.actor.organisationKind === 'national'
  return transact(call, async (tx) => {
    const rows = await tx.query<StoredAuditRow & Record<string, unknown>>(
      `SELECT ${columns} FROM audit_event a
        WHERE ($1::uuid IS NULL OR a.person_id = $1)
          AND ($2::uuid IS NULL OR a.actor_id = $2)
          AND ($3::timestamptz IS NULL OR a.at >= $3)
          AND ($4::timestamptz IS NULL OR a.at < $4)
          AND ($5::text IS NULL OR a.operation = $5)
          AND ($6::text IS NULL OR a.object_type = $6)
          AND ($7::bigint IS NULL OR a.id < $7)
          AND ($8 OR a.organisation_id = $9
               OR a.person_id IN (SELECT p.id FROM person p WHERE p.managing_org_id = $9))
        ORDER BY a.id DESC LIMIT $10`,
      [
        query.personId ?? null,
        query.userId ?? null,
        query.from ?? null,
        query.to ?? null,
        query.category ?? null,
        query.objectType ?? null,
        query.cursor === undefined ? null : Number(query.cursor),
        national,
        call.actor.organisationId,
        query.limit + 1,
      ],
    )
    const page = rows.slice(0, query.limit)
    const filtersUsed = Object.fromEntries(
      Object.entries({ ...query, limit: undefined }).filter(([, value]) => value !== undefined),
    )
    // The filters are ids, dates and categories: nothing sensitive is copied into the trail.
    await audit(tx, call.actor, 'consultation', { type: 'audit-trail' }, { filters: filtersUsed, count: page.length })
    return {
      items: page.map((row) => ({
        id: row.id,
        seq: row.seq,
        at: row.at.toISOString(),
        actorId: row.actor_id,
        organisationId: row.organisation_id,
        origin: row.origin,
        category: row.operation,
        objectType: row.object_type,
        objectId: row.object_id,
        personId: row.person_id,
        justification: row.justification,
        recipients: row.recipients,
        detail: row.detail,
        hash: row.hash,
      })),
      ...(rows.length > query.limit ? { next: String(page.at(-1)?.id) } : {}),
    }
  })
}

// ---------------------------------------------------------------------------
// What an auditor types, as the ids the trail holds

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The ids behind a person's register reference ("DA-2026-000123") and a
 * user's e-mail address, for the auditors' search on the pages: null when
 * there is none. Only identifiers are read, never a record; the search that
 * follows is logged with the ids.
 */
export async function auditSubjects(
  call: Call,
  given: { personReference?: string; userEmail?: string },
): Promise<{ personId?: string | null; userId?: string | null }> {
  await authorised(call, 'audit:search')
  const db = call.app.db
  const found: { personId?: string | null; userId?: string | null } = {}
  if (given.personReference !== undefined) {
    const rows = await db.query<{ id: string }>('SELECT id FROM person WHERE reference = $1', [
      given.personReference.trim().toUpperCase(),
    ])
    found.personId = rows[0]?.id ?? null
  }
  if (given.userEmail !== undefined) {
    const rows = await db.query<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [
      given.userEmail.trim().toLowerCase(),
    ])
    found.userId = rows[0]?.id ?? null
  }
  return found
}

/** The names of the users an auditor sees in entries (the trail holds their ids), by id. */
export async function auditActorNames(call: Call, userIds: readonly string[]): Promise<Map<string, string>> {
  await authorised(call, 'audit:search')
  const ids = [...new Set(userIds.filter((id) => uuidPattern.test(id)))]
  if (ids.length === 0) return new Map()
  const rows = await call.app.db.query<{ id: string; display_name: string }>(
    'SELECT id, display_name FROM app_user WHERE id = ANY($1::uuid[])',
    [ids],
  )
  return new Map(rows.map((row) => [row.id, row.display_name]))
}
