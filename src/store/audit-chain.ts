import { createHash } from 'node:crypto'
import type { Database, Queryable } from './database.ts'

// The audit trail's hash chain (docs/decisions/0006-audit-hash-chain.md):
//
//   h_0 = SHA-256("dasr audit chain v1")
//   h_i = SHA-256(h_{i-1} as 32 bytes || UTF-8 of canonical(entry_i))
//
// where canonical(entry) is the entry as JSON with its keys sorted (at every
// depth), no white space and the time as an ISO 8601 UTC string. The writer
// and the verifier share this module, so there is one definition of the
// canonical form. Values are normalised before they are hashed to exactly what
// the database will give back, so a row read years later hashes the same.

/** DPA 2018 s.62(1) categories, refusals (ASVS 16.3.2), sign-ins (16.3.1) and administration. */
export type AuditOperation =
  | 'collection'
  | 'alteration'
  | 'consultation'
  | 'disclosure'
  | 'combination'
  | 'erasure'
  | 'denied'
  | 'authentication'
  | 'administration'

export const auditOperations: readonly AuditOperation[] = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'denied',
  'authentication',
  'administration',
]

/** An entry as a service logs it. */
export interface AuditEntry {
  actorId: string | null
  organisationId: string | null
  origin: string | null
  operation: AuditOperation
  objectType: string
  objectId: string | null
  personId: string | null
  justification: string | null
  /** Who received the data: required for a disclosure (s.62(3)(b)), absent otherwise. */
  recipients: readonly string[] | null
  detail: Record<string, unknown>
}

/** An entry with its place in the chain: what is hashed. */
export interface ChainedEntry extends AuditEntry {
  seq: number
  /** ISO 8601, UTC, milliseconds ("2026-11-24T19:44:20.074Z"). */
  at: string
}

/** SHA-256 of "dasr audit chain v1"; migration 0002 writes the same value into the head. */
export const genesisHash = createHash('sha256').update('dasr audit chain v1', 'utf8').digest('hex')

/** JSON with sorted keys and no white space (RFC 8785's ordering: UTF-16 code units). */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be written to the audit trail`)
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
      const object = value as Record<string, unknown>
      const keys = Object.keys(object)
        .filter((key) => object[key] !== undefined)
        .sort()
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`
    }
    default:
      throw new TypeError(`a ${typeof value} cannot be written to the audit trail`)
  }
}

/**
 * The canonical entry up to its position: "seq" sorts after every other key,
 * so the canonical JSON is this text, the position, and "}".
 */
export function canonicalPrefix(entry: AuditEntry & { at: string }): string {
  const rest = canonicalJson({
    actorId: entry.actorId,
    at: entry.at,
    detail: entry.detail,
    justification: entry.justification,
    objectId: entry.objectId,
    objectType: entry.objectType,
    operation: entry.operation,
    organisationId: entry.organisationId,
    origin: entry.origin,
    personId: entry.personId,
    recipients: entry.recipients,
  })
  return `${rest.slice(0, -1)},"seq":`
}

/** The text that is hashed for one entry: its canonical JSON. */
export function canonicalEntry(entry: ChainedEntry): string {
  return `${canonicalPrefix(entry)}${entry.seq}}`
}

export function chainHash(previous: string, entry: ChainedEntry): string {
  return createHash('sha256').update(Buffer.from(previous, 'hex')).update(canonicalEntry(entry), 'utf8').digest('hex')
}

// ---------------------------------------------------------------------------
// Normalising to what the database gives back

/**
 * PostgreSQL stores text as UTF-8 and refuses NUL: a lone surrogate would come
 * back as U+FFFD and a NUL would fail the whole transaction. Both become U+FFFD
 * before hashing, so an entry carrying a user's odd input is still written and
 * still verifies (and cannot smuggle control of the log, ASVS 16.4.1).
 */
function cleanText(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

const cleanOrNull = (text: string | null | undefined) =>
  text === null || text === undefined ? null : cleanText(String(text))

/** A UUID as PostgreSQL prints it: lower case, hyphenated. */
function uuidText(value: string | null): string | null {
  if (value === null) return null
  const hex = value.replace(/[{}-]/g, '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`${JSON.stringify(value)} is not a UUID`)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function cleanJson(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value)
  if (Array.isArray(value)) return value.map(cleanJson)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [cleanText(key), cleanJson(inner)]))
  }
  return value
}

/** The entry exactly as the database will store and return it. */
export function normaliseEntry(entry: AuditEntry): AuditEntry {
  // Through JSON first: dates become strings, undefined and functions go, as jsonb would have them.
  const detail = cleanJson(JSON.parse(JSON.stringify(entry.detail ?? {}))) as Record<string, unknown>
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    throw new TypeError('the detail of an audit entry must be an object')
  }
  return {
    actorId: uuidText(entry.actorId),
    organisationId: cleanOrNull(entry.organisationId),
    origin: cleanOrNull(entry.origin),
    operation: entry.operation,
    objectType: cleanText(entry.objectType),
    objectId: cleanOrNull(entry.objectId),
    personId: uuidText(entry.personId),
    justification: cleanOrNull(entry.justification),
    recipients: entry.recipients === null ? null : entry.recipients.map(cleanText),
    detail,
  }
}

// ---------------------------------------------------------------------------
// Appending and sealing (docs/decisions/0011-audit-sealing.md)

export interface ChainHead {
  seq: number
  hash: string
}

/**
 * Writes entries in the caller's transaction (DPA 2018 s.62: in the same
 * transaction as the processing), pending: without a chain position. They
 * take no lock, so audited actions do not queue behind one another; the
 * sealer (`sealAuditEntries`) chains them once they are committed.
 */
export async function appendAuditEntries(tx: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  const normalised = entries.map(normaliseEntry)
  for (const entry of normalised) {
    if ((entry.operation === 'disclosure') !== (entry.recipients !== null && entry.recipients.length > 0)) {
      throw new TypeError(
        entry.operation === 'disclosure'
          ? `a disclosure (${entry.objectType}) is logged with who received it (DPA 2018 s.62(3)(b))`
          : `only a disclosure names recipients, not ${entry.operation}`,
      )
    }
  }
  if (normalised.length === 0) return
  const at = new Date().toISOString()
  if (normalised.length === 1) {
    const entry = normalised[0] as AuditEntry
    await tx.execute(
      `INSERT INTO audit_event (at, actor_id, organisation_id, origin, operation, object_type, object_id,
                                person_id, justification, recipients, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        at,
        entry.actorId,
        entry.organisationId,
        entry.origin,
        entry.operation,
        entry.objectType,
        entry.objectId,
        entry.personId,
        entry.justification,
        entry.recipients,
        JSON.stringify(entry.detail),
      ],
    )
    return
  }
  // One statement whatever the number of entries, in the order given (ids follow it).
  const rows = normalised.map((entry, index) => ({
    n: index,
    at,
    actor_id: entry.actorId,
    organisation_id: entry.organisationId,
    origin: entry.origin,
    operation: entry.operation,
    object_type: entry.objectType,
    object_id: entry.objectId,
    person_id: entry.personId,
    justification: entry.justification,
    recipients: entry.recipients,
    detail: entry.detail,
  }))
  await tx.execute(
    `INSERT INTO audit_event (at, actor_id, organisation_id, origin, operation, object_type, object_id,
                              person_id, justification, recipients, detail)
     SELECT at, actor_id, organisation_id, origin, operation, object_type, object_id,
            person_id, justification, recipients, detail
       FROM jsonb_to_recordset($1::jsonb) AS e(n int, at timestamptz, actor_id uuid, organisation_id text,
            origin text, operation text, object_type text, object_id text, person_id uuid, justification text,
            recipients text[], detail jsonb)
      ORDER BY n`,
    [JSON.stringify(rows)],
  )
}

/** An audit_event row as the database returns it. */
export interface StoredAuditRow {
  id: number
  seq: number | null
  at: Date
  actor_id: string | null
  organisation_id: string | null
  origin: string | null
  operation: AuditOperation
  object_type: string
  object_id: string | null
  person_id: string | null
  justification: string | null
  recipients: string[] | null
  detail: Record<string, unknown>
  hash: string | null
}

export const storedColumns = `id, seq, at, actor_id, organisation_id, origin, operation, object_type, object_id,
                 person_id, justification, recipients, detail, hash`

/** A stored row as the entry that is hashed, at the position given (or its own). */
export function storedEntry(row: StoredAuditRow, seq = row.seq): ChainedEntry {
  if (seq === null) throw new TypeError(`audit entry ${row.id} has no chain position`)
  return {
    seq,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    organisationId: row.organisation_id,
    origin: row.origin,
    operation: row.operation,
    objectType: row.object_type,
    objectId: row.object_id,
    personId: row.person_id,
    justification: row.justification,
    recipients: row.recipients,
    detail: row.detail,
  }
}

export interface Sealing {
  /** Entries given their chain position by this call. */
  sealed: number
  head: ChainHead
}

/**
 * Seals the committed pending entries into the chain, in id order, a batch
 * per transaction, until none is left. Each batch holds the head's row lock,
 * which only sealers take, so two sealers (two app instances) take turns and
 * the chain cannot fork; an entry committed late with a lower id is sealed in
 * a later batch, at a later position. The hash is computed from the row as
 * the database returns it, exactly as the verifier will recompute it.
 */
export async function sealAuditEntries(db: Database, options: { batch?: number } = {}): Promise<Sealing> {
  const batch = options.batch ?? 2_000
  let sealed = 0
  for (;;) {
    const step = await db.transaction(async (tx) => {
      const [head] = await tx.query<{ seq: number; hash: string; unchained_max_id: number }>(
        'SELECT seq, hash, unchained_max_id FROM audit_chain_head FOR UPDATE',
      )
      if (head === undefined) throw new Error('the audit chain has no head: run "dasr migrate"')
      // At READ COMMITTED this statement's snapshot is taken after the lock: it sees every entry an
      // earlier sealer sealed, and every entry committed before it began.
      const rows = await tx.query<StoredAuditRow & Record<string, unknown>>(
        `SELECT ${storedColumns} FROM audit_event WHERE seq IS NULL AND id > $1 ORDER BY id LIMIT $2`,
        [head.unchained_max_id, batch],
      )
      if (rows.length === 0) return { count: 0, head: { seq: head.seq, hash: head.hash } }
      let { seq, hash } = head
      const ids: number[] = []
      const positions: number[] = []
      const hashes: string[] = []
      for (const row of rows) {
        seq += 1
        hash = chainHash(hash, storedEntry(row, seq))
        ids.push(row.id)
        positions.push(seq)
        hashes.push(hash)
      }
      const changed = await tx.execute(
        `UPDATE audit_event SET seq = s.seq, hash = s.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS s(id, seq, hash)
          WHERE audit_event.id = s.id AND audit_event.seq IS NULL`,
        [ids, positions, hashes],
      )
      if (changed !== rows.length) throw new Error(`sealing: ${changed} of ${rows.length} audit entries changed`)
      await tx.execute('UPDATE audit_chain_head SET seq = $1, hash = $2, at = $3', [
        seq,
        hash,
        new Date().toISOString(),
      ])
      return { count: rows.length, head: { seq, hash } }
    })
    sealed += step.count
    if (step.count < batch) return { sealed, head: step.head }
  }
}
