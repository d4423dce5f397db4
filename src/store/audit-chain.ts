import { createHash } from 'node:crypto'
import type { Queryable } from './database.ts'

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
 * so the canonical JSON is this text, the position, and "}". A single entry is
 * appended in one statement that adds the position under the head's lock.
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
// Appending

export interface ChainHead {
  seq: number
  hash: string
}

/**
 * Appends entries to the chain in the caller's transaction (DPA 2018 s.62: in
 * the same transaction as the processing). The head's row lock is held until
 * that transaction ends, so write audit entries last in a transaction. At
 * REPEATABLE READ or SERIALIZABLE, a head moved by another transaction since the
 * snapshot is a serialisation failure (40001), never a fork.
 */
export async function appendAuditEntries(tx: Queryable, entries: readonly AuditEntry[]): Promise<ChainHead> {
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
  const at = new Date().toISOString()
  if (normalised.length === 1) return appendOne(tx, normalised[0] as AuditEntry, at)
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_chain_head FOR UPDATE')
  if (head === undefined) throw new Error('the audit chain has no head: run "dasr migrate"')
  if (normalised.length === 0) return head
  let { seq, hash } = head
  const rows = normalised.map((entry) => {
    seq += 1
    hash = chainHash(hash, { ...entry, seq, at })
    return {
      seq,
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
      hash,
    }
  })
  // One statement for the entries and the head, whatever the number of entries.
  await tx.execute(
    `WITH entries AS (
       INSERT INTO audit_event (seq, at, actor_id, organisation_id, origin, operation, object_type, object_id,
                                person_id, justification, recipients, detail, hash)
       SELECT seq, at, actor_id, organisation_id, origin, operation, object_type, object_id,
              person_id, justification, recipients, detail, hash
         FROM jsonb_to_recordset($1::jsonb) AS e(seq bigint, at timestamptz, actor_id uuid, organisation_id text,
              origin text, operation text, object_type text, object_id text, person_id uuid, justification text,
              recipients text[], detail jsonb, hash text)
        ORDER BY seq
     )
     UPDATE audit_chain_head SET seq = $2, hash = $3, at = $4`,
    [JSON.stringify(rows), seq, hash, at],
  )
  return { seq, hash }
}

/**
 * One entry, one statement: the UPDATE takes the head's row lock (as SELECT …
 * FOR UPDATE would) and, at READ COMMITTED, re-reads the head another writer
 * has just committed before computing from it. PostgreSQL computes
 * SHA-256(h_{i-1} || canonical prefix || i || "}") with its built-in sha256(),
 * the same bytes chainHash hashes, so the verifier needs nothing from SQL.
 */
async function appendOne(tx: Queryable, entry: AuditEntry, at: string): Promise<ChainHead> {
  const [row] = await tx.query<{ seq: number; hash: string }>(
    `WITH head AS (
       UPDATE audit_chain_head
          SET seq = seq + 1,
              hash = encode(sha256(decode(hash, 'hex') || convert_to($1::text || (seq + 1)::text || '}', 'UTF8')), 'hex'),
              at = $2::timestamptz
       RETURNING seq, hash
     )
     INSERT INTO audit_event (seq, at, actor_id, organisation_id, origin, operation, object_type, object_id,
                              person_id, justification, recipients, detail, hash)
     SELECT head.seq, $2::timestamptz, $3::uuid, $4, $5, $6, $7, $8, $9::uuid, $10, $11::text[], $12::jsonb, head.hash
       FROM head
     RETURNING seq, hash`,
    [
      canonicalPrefix({ ...entry, at }),
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
  if (row === undefined) throw new Error('the audit chain has no head: run "dasr migrate"')
  return row
}
