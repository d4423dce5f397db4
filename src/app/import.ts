import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { checkShape, formatPath } from '../contracts/explain-input.ts'
import { type FactKind, normaliseName, searchKeysOf } from '../contracts/register/facts.ts'
import { oneOf, optionalText } from '../contracts/register/fields.ts'
import { personCreate } from '../contracts/register/requests.ts'
import { formatDay } from '../domain/dates/day.ts'
import type { Database, Queryable } from '../store/database.ts'
import { canSeeRecord } from './access.ts'
import { type AuditRecord, actorIdFor, auditMany, authorised, type Call, disclosedTo, transact } from './context.ts'
import { ValidationFailed } from './errors.ts'
import { checkFact, identityProblems } from './people.ts'

// Bulk import of people (`dasr import`, docs/import-export.md): rows are
// validated in memory with the same contracts as the API (personCreate, the
// fact kinds, the identity rules), then written a batch at a time with one
// set-based statement (INSERT ... SELECT FROM unnest(...) into each table), all
// in one transaction. While the database writes one batch, the next ones are
// read, validated and prepared (their columns as array literals), and on
// PostgreSQL a second connection looks up their possible duplicates on the
// register (reads only, so the import is still one transaction; the rows this
// import has written, which that connection cannot see, are kept as hashes, and
// a row that may match one is looked up again in the import's transaction).
// Where the time goes, and what was measured: BENCHMARKS.md, "Import".
//
// All or nothing by default: if any row is rejected, the transaction is rolled
// back and nothing is written, but every row is still checked so the report
// names every problem. With `skipBadRows` the good rows are written.
//
// A row that may be someone already on the register (same name and date of
// birth, or same NI number: the rule of possibleDuplicates), or someone
// earlier in the same file, is skipped and reported, never silently
// duplicated, unless it says `confirmedNotDuplicate: true`.

/** One row of the source, as the reader (src/io/) made it. */
export interface ImportRow {
  /** Line number in the file where the row starts. */
  line: number
  /** The row as an import record (the NDJSON object, or the CSV row turned into one). */
  record?: Record<string, unknown>
  /** Problems the reader found (not JSON, wrong number of fields…), each "$.path: message". */
  problems?: string[]
  /** Renames a JSON path to what the file calls it (a CSV column). */
  columnOf?: (path: string) => string
}

export interface ImportOptions {
  /** Write the good rows and report the bad ones (default: nothing is written if any row is bad). */
  skipBadRows?: boolean
  /** The managing organisation of rows that do not name one. */
  organisationId?: string
  /** Where the rows come from (a file name), for the timeline and the audit trail. */
  source?: string
  /** Rows per batch. */
  batchSize?: number
  /** Called after each batch is validated, with the number of rows read so far. */
  onProgress?: (rows: number) => void
  /**
   * Connections the import uses, 1 or 2: by default 2 on PostgreSQL (one writes, in the import's
   * one transaction; the other looks up possible duplicates on the register meanwhile, reading
   * only), 1 on PGlite, which is one connection.
   */
  concurrency?: number
}

export interface RejectedRow {
  line: number
  /** Each "$.field: what is wrong". */
  problems: string[]
}

export interface DuplicateOf {
  /** A person on the register… */
  reference?: string
  /** …or an earlier row of the same import. */
  line?: number
  name: string
  dateOfBirth: string
  matchedOn: string[]
}

export interface SkippedDuplicate {
  line: number
  candidates: DuplicateOf[]
}

export interface ImportReport {
  /** Rows read (blank lines are not rows). */
  rows: number
  /** People written (0 when not committed). */
  imported: number
  facts: number
  rejected: RejectedRow[]
  duplicates: SkippedDuplicate[]
  /** False when nothing was written because a row was rejected (all or nothing). */
  committed: boolean
  millis: number
}

/**
 * One row of an import: personCreate's fields (less the responsible officer,
 * which names a user of this register), optional facts, and what an export of
 * this register writes beside them (its reference and status).
 */
export const importPerson = personCreate.omit({ responsibleOfficerId: true }).extend({
  /** The person's reference where the row came from (an export of a register gives its DA- reference). */
  reference: optionalText(100),
  /** Written by an export; accepted and not applied: a status comes from the register's own lifecycle. */
  status: oneOf(['recorded', 'referred', 'registered', 'ended', 'archived'] as const, 'a person status').optional(),
})
type ImportPerson = z.output<typeof importPerson>

const defaultBatchSize = 10_000
/** The advisory lock createPerson takes, so a person recorded meanwhile is checked against these. */
const personLock = 7_340_002
/** Batches checked and waiting for their turn to be written, besides the one being written. */
const maxQueued = 2
/** Rows checked between two looks at the database's replies. */
const yieldEvery = 500
// Compiling these set-based statements costs more than it saves; the duplicate lookups must use
// the indexes whatever the planner believes about tables this transaction has just filled.
const plannerSettings = `SELECT set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true),
                                set_config('enable_bitmapscan', 'off', true)`

interface CheckedRow {
  line: number
  person: ImportPerson
  org: string
  facts: { kind: FactKind; data: Record<string, unknown> }[]
  columnOf: ((path: string) => string) | undefined
}

/** A batch ready to write: the rows, their normalised names and, for rows confirmed distinct, the earlier rows they resemble. */
interface Batch {
  rows: CheckedRow[]
  names: string[]
  confirmedOf: (string | null)[]
  /** Its rows as the write statement takes them, made while an earlier batch is written. */
  columns?: Columns
}

/** Rows as the write statement takes them: its array parameters $1 to $21, as array literals. */
interface Columns {
  literals: string[]
  /** The line of each row. */
  lines: number[]
  /** Facts in all the rows. */
  facts: number
}

/** The columns of rows to write (their names being their normalised names), with new ids. */
function columnsOf(rows: readonly CheckedRow[], names: readonly string[]): Columns {
  const n = rows.length
  const ids: string[] = new Array(n)
  const orgs: string[] = new Array(n)
  const family: string[] = new Array(n)
  const given: string[] = new Array(n)
  const dob: string[] = new Array(n)
  const ni: (string | null)[] = new Array(n)
  const sex: (string | null)[] = new Array(n)
  const risk: (string | null)[] = new Array(n)
  const lines: number[] = new Array(n)
  const sourceRefs: (string | null)[] = new Array(n)
  const fact = { person: [] as string[], id: [] as string[], kind: [] as string[], data: [] as string[] }
  const factFrom: (string | null)[] = []
  const factTo: (string | null)[] = []
  const key = { person: [] as string[], fact: [] as string[], kind: [] as string[], value: [] as string[] }
  for (let i = 0; i < n; i++) {
    const row = rows[i] as CheckedRow
    const p = row.person
    const id = uuidv7()
    ids[i] = id
    orgs[i] = row.org
    family[i] = p.familyName
    given[i] = p.givenNames
    dob[i] = p.dateOfBirth
    ni[i] = p.niNumber ?? null
    sex[i] = p.sex ?? null
    risk[i] = p.riskLevel ?? null
    lines[i] = row.line
    sourceRefs[i] = p.reference ?? null
    for (const f of row.facts) {
      const factId = uuidv7()
      fact.person.push(id)
      fact.id.push(factId)
      fact.kind.push(f.kind)
      fact.data.push(JSON.stringify(f.data))
      factFrom.push((f.data.validFrom as string | undefined) ?? null)
      factTo.push((f.data.validTo as string | undefined) ?? null)
      for (const k of searchKeysOf(f.kind, f.data)) {
        if (k.value === '') continue
        key.person.push(id)
        key.fact.push(factId)
        key.kind.push(k.kind)
        key.value.push(k.value)
      }
    }
  }
  const literals = [
    ids,
    orgs,
    family,
    given,
    dob,
    ni,
    sex,
    risk,
    names,
    lines,
    sourceRefs,
    fact.person,
    fact.id,
    fact.kind,
    fact.data,
    factFrom,
    factTo,
    key.person,
    key.fact,
    key.kind,
    key.value,
  ].map(arrayLiteral)
  return { literals, lines, facts: fact.id.length }
}

/** A person found by the duplicate look-up for the row at index `n` of its batch. */
type Candidate = {
  n: number
  reference: string
  family_name: string
  given_names: string
  date_of_birth: string
  ni_number: string | null
}

class RolledBack extends Error {}

const ascii = /^[\p{ASCII}]*$/u
/** Lower case without accents or other marks ("İvan" → "ivan"). */
const stripMarks = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()

/**
 * A set of keys (a kind and one or two texts) kept as two independent 32-bit hashes of each, in
 * an open-addressing table of typed arrays: 20 to 40 bytes a key, whatever the texts. `has` is
 * never wrong when it says no, and wrong when it says yes about once in 10^12 looks while it holds
 * a million keys.
 */
// The two hashes of the last key given to hashKey (no allocation per key).
let hashed1 = 0
let hashed2 = 0

/** FNV-1a and djb2 over a key's kind, its text, a separator and its second text, into hashed1 and hashed2. */
function hashKey(kind: number, a: string, b: string): void {
  let h1 = Math.imul(0x811c9dc5 ^ kind, 0x01000193)
  let h2 = (Math.imul(5381, 33) + kind) | 0
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = (Math.imul(h2, 33) + c) | 0
  }
  h1 = Math.imul(h1 ^ 0xffff, 0x01000193)
  h2 = (Math.imul(h2, 33) + 0xffff) | 0
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = (Math.imul(h2, 33) + c) | 0
  }
  hashed1 = h1
  hashed2 = h2
}

/**
 * The rows of one batch by key (a kind and one or two texts), in an open-addressing table of typed
 * arrays: no text is built for a key, and a row found is compared field by field, so it is exact.
 */
class RowsByKey {
  private readonly first: Int32Array
  private readonly second: Int32Array
  /** The row's index + 1; 0 is an empty slot. */
  private readonly row: Int32Array
  private readonly mask: number

  constructor(keys: number) {
    let size = 1024
    while (size < keys * 2) size *= 2
    this.first = new Int32Array(size)
    this.second = new Int32Array(size)
    this.row = new Int32Array(size)
    this.mask = size - 1
  }

  /** The first row added under (kind, a, b) whose own texts are `as[row]` and `bs[row]` (b is '' without bs), or -1. */
  get(kind: number, a: string, b: string, as: readonly string[], bs?: readonly string[]): number {
    hashKey(kind, a, b)
    for (let i = hashed1 & this.mask; this.row[i] !== 0; i = (i + 1) & this.mask) {
      if (this.first[i] !== hashed1 || this.second[i] !== hashed2) continue
      const row = (this.row[i] as number) - 1
      if (as[row] === a && (bs === undefined || bs[row] === b)) return row
    }
    return -1
  }

  /** Adds the row under (kind, a, b): the caller has made sure `get` finds none. */
  add(kind: number, a: string, b: string, row: number): void {
    hashKey(kind, a, b)
    let i = hashed1 & this.mask
    while (this.row[i] !== 0) i = (i + 1) & this.mask
    this.first[i] = hashed1
    this.second[i] = hashed2
    this.row[i] = row + 1
  }
}

class HashedKeys {
  private first = new Int32Array(1 << 16)
  private second = new Int32Array(1 << 16)
  private used = new Uint8Array(1 << 16)
  private count = 0

  get size() {
    return this.count
  }

  add(kind: number, a: string, b = ''): void {
    hashKey(kind, a, b)
    if (this.find() >= 0) return
    if ((this.count + 1) * 2 > this.used.length) this.grow()
    this.put(hashed1, hashed2)
    this.count++
  }

  has(kind: number, a: string, b = ''): boolean {
    hashKey(kind, a, b)
    return this.find() >= 0
  }

  private find(): number {
    const mask = this.used.length - 1
    for (let i = hashed1 & mask; this.used[i] === 1; i = (i + 1) & mask) {
      if (this.first[i] === hashed1 && this.second[i] === hashed2) return i
    }
    return -1
  }

  private put(h1: number, h2: number): void {
    const mask = this.used.length - 1
    let i = h1 & mask
    while (this.used[i] === 1) i = (i + 1) & mask
    this.used[i] = 1
    this.first[i] = h1
    this.second[i] = h2
  }

  private grow(): void {
    const { first, second, used } = this
    this.first = new Int32Array(used.length * 2)
    this.second = new Int32Array(used.length * 2)
    this.used = new Uint8Array(used.length * 2)
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.put(first[i] as number, second[i] as number)
  }
}

/**
 * A PostgreSQL array literal ("{...}", NULL for null): what node-postgres makes of an array
 * parameter, made without its per-element regular expressions (a batch sends hundreds of
 * thousands of elements).
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  const parts: string[] = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null || value === undefined) parts[i] = 'NULL'
    else if (typeof value !== 'string') parts[i] = `"${value}"`
    else if (value.includes('"') || value.includes('\\')) parts[i] = `"${value.replace(/[\\"]/g, '\\$&')}"`
    else parts[i] = `"${value}"`
  }
  return `{${parts.join(',')}}`
}

const plainName = /^[A-Za-z' -]*$/

/**
 * A name's search key: normaliseName, without its Unicode work when the name is of plain letters,
 * spaces, hyphens and apostrophes (most are), where that work changes nothing but the case.
 */
export const nameKeyOf = (text: string): string =>
  plainName.test(text) ? text.toLowerCase().replace(/ {2,}/g, ' ').trim() : normaliseName(text)

/** The kinds of key of a person in HashedKeys. */
const FAMILY = 1
const NAME = 2
const NI = 3

interface LookupConnection extends Queryable {
  /** Runs `work` on the connection, after the work given before it. */
  run<T>(work: (q: Queryable) => Promise<T>): Promise<T>
  /** Ends its transaction once the work given has run. */
  close(): Promise<void>
}

/**
 * A read-only transaction on a connection of its own, running the work it is given one piece
 * after another. It sees what is committed (the register), never what the import is writing.
 */
function lookupConnection(db: Database): LookupConnection {
  const waiting: {
    work: (q: Queryable) => Promise<unknown>
    resolve: (value: unknown) => void
    reject: (error: unknown) => void
  }[] = []
  let wake: (() => void) | undefined
  let closed = false
  let failed: { error: unknown } | undefined
  const done = db
    .transaction(async (q) => {
      await q.query('SET TRANSACTION READ ONLY')
      await q.query(plannerSettings)
      for (;;) {
        const next = waiting.shift()
        if (next === undefined) {
          if (closed) return
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
          continue
        }
        try {
          next.resolve(await next.work(q))
        } catch (error) {
          next.reject(error)
          throw error
        }
      }
    })
    .catch((error: unknown) => {
      failed = { error }
      for (const next of waiting.splice(0)) next.reject(error)
    })
  const run = <T>(work: (q: Queryable) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (failed !== undefined) return reject(failed.error)
      if (closed) return reject(new Error('the look-up connection is closed'))
      waiting.push({ work, resolve: resolve as (value: unknown) => void, reject })
      wake?.()
    })
  return {
    run,
    query: (sql, params) => run((q) => q.query(sql, params)),
    execute: (sql, params) => run((q) => q.execute(sql, params)),
    script: (sql) => run((q) => q.script(sql)),
    async close() {
      closed = true
      wake?.()
      await done
    },
  }
}

let lastMillis = 0
let sequence = 0
/**
 * A time-ordered UUID (version 7, RFC 9562): 48 bits of milliseconds, a 12-bit
 * sequence within the millisecond, then random bits. People imported together
 * get neighbouring ids, so their index entries go to the same index pages
 * rather than to random places all over each index.
 */
export function uuidv7(): string {
  let millis = Date.now()
  if (millis <= lastMillis) {
    millis = lastMillis
    sequence++
    if (sequence > 0xfff) {
      millis++
      sequence = 0
    }
  } else {
    sequence = 0
  }
  lastMillis = millis
  const time = millis.toString(16).padStart(12, '0')
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`
}

export async function importPeople(
  call: Call,
  source: AsyncIterable<ImportRow[]>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  await authorised(call, 'data:import')
  const started = performance.now()
  const todayDay = call.app.today()
  const today = formatDay(todayDay)
  const year = Number(today.slice(0, 4))
  const system = call.actor.roles.includes('system')
  const defaultOrg = options.organisationId ?? (system ? undefined : call.actor.organisationId)
  const batchSize = options.batchSize ?? defaultBatchSize
  const sourceName = options.source ?? 'import'
  const actorId = actorIdFor(call.actor)
  // PGlite is one connection, and so is a PostgreSQL pool of one (DATABASE_POOL_SIZE, src/store/database.ts):
  // a second transaction there would wait for the import's own to end.
  const oneConnection = call.app.db.kind === 'pglite' || Number(process.env.DATABASE_POOL_SIZE ?? 10) < 2
  const concurrency = oneConnection ? 1 : Math.max(1, Math.floor(options.concurrency ?? 2))

  const report: ImportReport = {
    rows: 0,
    imported: 0,
    facts: 0,
    rejected: [],
    duplicates: [],
    committed: false,
    millis: 0,
  }
  const knownOrgs = new Map<string, boolean>()
  let organisationList: string | undefined
  /** Rows not imported as possible duplicates, by line. */
  const skipped = new Map<number, DuplicateOf[]>()
  // Each batch's collection entry, appended to the audit chain with the summary at the end, so the
  // chain head is locked only for the last moments of the import (docs/decisions/0006).
  const batchAudits: AuditRecord[] = []
  // The line of each person this import wrote, by the number of their reference (references are
  // reserved in order while the lock is held), so a duplicate of an earlier row names its line.
  const importedLines: number[] = []
  let firstNumber = -1
  /** The number of the next reference this import gives (once the counter is read). */
  let nextNumber = -1

  function reject(line: number, problems: string[]) {
    report.rejected.push({ line, problems })
  }

  function check(row: ImportRow): CheckedRow | undefined {
    if (row.problems !== undefined && row.problems.length > 0) {
      reject(row.line, row.problems)
      return undefined
    }
    const rename = row.columnOf ?? ((path: string) => path)
    const record = row.record ?? {}
    const fields: Record<string, unknown> = {}
    let rawFacts: unknown
    for (const key in record) {
      const value = record[key]
      if (key === 'facts') rawFacts = value
      else if (key === '__proto__')
        Object.defineProperty(fields, key, { value, enumerable: true }) // refused as unknown
      else if (value !== null) fields[key] = value // null is the same as absent
    }
    const problems: string[] = []
    const shape = checkShape(importPerson, fields)
    for (const p of shape.problems) problems.push(`${rename(formatPath(p.path))}: ${p.message}`)
    const person = shape.value
    // The identity rules need only a valid date of birth, so they are reported beside any other problem.
    const dateOfBirth = typeof fields.dateOfBirth === 'string' ? fields.dateOfBirth : undefined
    for (const p of identityProblems({ dateOfBirth }, todayDay)) problems.push(`${rename(p.field)}: ${p.message}`)
    const facts: CheckedRow['facts'] = []
    if (rawFacts !== undefined && rawFacts !== null) {
      if (!Array.isArray(rawFacts)) problems.push(`${rename('$.facts')}: expected an array of facts`)
      else {
        for (let i = 0; i < rawFacts.length; i++) {
          try {
            facts.push(checkFact(rawFacts[i], `$.facts[${i}]`, today))
          } catch (error) {
            if (!(error instanceof ValidationFailed)) throw error
            for (const p of error.problems) problems.push(`${rename(p.field)}: ${p.message}`)
          }
        }
      }
    }
    const org = person?.managingOrganisationId ?? defaultOrg
    if (person !== undefined && org === undefined) {
      problems.push(
        `${rename('$.managingOrganisationId')}: is required (name the managing organisation in the row, or one for every row with --organisation)`,
      )
    } else if (org !== undefined && !canSeeRecord(call.actor, org)) {
      problems.push(
        `${rename('$.managingOrganisationId')}: ${JSON.stringify(org)} is not your organisation (you can only import people for your own)`,
      )
    }
    if (problems.length > 0 || person === undefined || org === undefined) {
      reject(row.line, problems)
      return undefined
    }
    return { line: row.line, person, org, facts, columnOf: row.columnOf }
  }

  async function checkOrganisations(tx: Queryable, rows: CheckedRow[]): Promise<CheckedRow[]> {
    const unknown = [...new Set(rows.map((r) => r.org).filter((org) => !knownOrgs.has(org)))]
    if (unknown.length > 0) {
      const found = await tx.query<{ id: string }>('SELECT id FROM organisation WHERE id = ANY($1::text[])', [unknown])
      const ids = new Set(found.map((r) => r.id))
      for (const org of unknown) knownOrgs.set(org, ids.has(org))
    }
    if (rows.some((row) => !knownOrgs.get(row.org)) && organisationList === undefined) {
      // Suggest organisations of the same kind as the first unknown one ("police:…").
      const kind = rows.find((row) => !knownOrgs.get(row.org))?.org.split(':')[0] ?? ''
      const some = await tx.query<{ id: string }>(
        `SELECT id FROM organisation ORDER BY (split_part(id, ':', 1) = $1) DESC, id LIMIT 11`,
        [kind],
      )
      organisationList =
        some.length === 0
          ? 'there are none yet'
          : `known: ${some
              .slice(0, 10)
              .map((o) => o.id)
              .join(', ')}${some.length > 10 ? ', …' : ''}`
    }
    return rows.filter((row) => {
      if (knownOrgs.get(row.org)) return true
      const field = (row.columnOf ?? ((p: string) => p))('$.managingOrganisationId')
      reject(row.line, [
        `${field}: ${JSON.stringify(row.org)} is not an organisation on the register (${organisationList})`,
      ])
      return false
    })
  }

  /** In-memory check against the rows of the batch before each (the statement checks the register). */
  function withinBatch(rows: CheckedRow[]): Batch {
    const n = rows.length
    const seen = new RowsByKey(n * 3)
    const lowers: string[] = new Array(n)
    const names: string[] = new Array(n)
    const births: string[] = new Array(n)
    const nis: string[] = new Array(n)
    const batch: Batch = { rows: [], confirmedOf: [], names: [] }
    for (let r = 0; r < n; r++) {
      const row = rows[r] as CheckedRow
      const p = row.person
      const name = nameKeyOf(`${p.givenNames} ${p.familyName}`)
      const lower = p.familyName.toLowerCase()
      const dob = p.dateOfBirth
      const ni = p.niNumber
      lowers[r] = lower
      names[r] = name
      births[r] = dob
      nis[r] = ni ?? ''
      // The same family name and date of birth, the same name and date of birth, the same NI number.
      const found = [
        seen.get(FAMILY, lower, dob, lowers, births),
        seen.get(NAME, name, dob, names, births),
        ni === undefined ? -1 : seen.get(NI, ni, '', nis),
      ]
      let earlier: DuplicateOf[] | undefined
      for (let k = 0; k < found.length; k++) {
        const at = found[k] as number
        if (at < 0) continue
        const other = rows[at] as CheckedRow
        if (earlier?.some((c) => c.line === other.line)) continue
        earlier ??= []
        earlier.push({
          line: other.line,
          name: `${other.person.givenNames} ${other.person.familyName}`,
          dateOfBirth: other.person.dateOfBirth,
          matchedOn: k === 2 ? ['National Insurance number'] : ['name and date of birth'],
        })
      }
      if (earlier !== undefined && p.confirmedNotDuplicate !== true) {
        skipped.set(row.line, earlier)
        continue
      }
      // The first row with a key keeps it.
      if (found[0] === -1) seen.add(FAMILY, lower, dob, r)
      if (found[1] === -1) seen.add(NAME, name, dob, r)
      if (ni !== undefined && found[2] === -1) seen.add(NI, ni, '', r)
      batch.rows.push(row)
      batch.names.push(name)
      batch.confirmedOf.push(earlier === undefined ? null : JSON.stringify(earlier.map((c) => `line ${c.line}`)))
    }
    return batch
  }

  function lineOfReference(reference: string): number | undefined {
    const match = /^DA-(\d{4})-(\d+)$/.exec(reference)
    if (match === null || Number(match[1]) !== year || firstNumber < 0) return undefined
    return importedLines[Number(match[2]) - firstNumber]
  }

  // Keys of the people this import has written, as hashes (a few dozen bytes a person, whatever
  // the size of the file). Only with a separate look-up connection, which cannot see them: a row
  // whose keys are among them is looked up again in the import's own transaction (see decide).
  const writtenKeys = new HashedKeys()

  function remember(row: CheckedRow, name: string): void {
    const p = row.person
    writtenKeys.add(FAMILY, p.familyName.toLowerCase(), p.dateOfBirth)
    // The database lowers the stored name itself: where its lower() may differ from JavaScript's
    // (letters outside ASCII), the name without accents is kept too, so a row that might match is checked.
    if (!ascii.test(p.familyName)) writtenKeys.add(FAMILY, stripMarks(p.familyName), p.dateOfBirth)
    writtenKeys.add(NAME, name, p.dateOfBirth)
    for (const f of row.facts) {
      if (f.kind !== 'name') continue
      for (const k of searchKeysOf(f.kind, f.data)) {
        if (k.kind === 'name' && k.value !== '') writtenKeys.add(NAME, k.value, p.dateOfBirth)
      }
    }
    if (p.niNumber !== undefined) writtenKeys.add(NI, p.niNumber)
  }

  /** Whether a row may resemble someone this import has written (false means it cannot). */
  function mayMatchWritten(row: CheckedRow, name: string): boolean {
    const p = row.person
    const family = p.familyName.toLowerCase()
    if (!ascii.test(family)) return true
    return (
      writtenKeys.has(FAMILY, family, p.dateOfBirth) ||
      writtenKeys.has(NAME, name, p.dateOfBirth) ||
      (p.niNumber !== undefined && writtenKeys.has(NI, p.niNumber))
    )
  }

  /**
   * The possible duplicates of the rows at `at` (indexes into the batch): the same name and date of
   * birth, or the same NI number (possibleDuplicates' rule). LATERAL ... LIMIT keeps each an index
   * lookup; the name is the selective key, so "date_of_birth + 0" keeps the date-of-birth index out of it.
   */
  async function lookup(q: Queryable, batch: Batch, at: readonly number[]): Promise<Candidate[]> {
    const family: string[] = new Array(at.length)
    const dob: string[] = new Array(at.length)
    const name: string[] = new Array(at.length)
    const ni: (string | null)[] = new Array(at.length)
    for (let j = 0; j < at.length; j++) {
      const i = at[j] as number
      const p = (batch.rows[i] as CheckedRow).person
      family[j] = p.familyName.toLowerCase()
      dob[j] = p.dateOfBirth
      name[j] = batch.names[i] as string
      ni[j] = p.niNumber ?? null
    }
    const candidate = 'p.reference, p.family_name, p.given_names, p.date_of_birth, p.ni_number'
    const found = await q.query<Candidate>(
      `WITH t AS MATERIALIZED (
         SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[]) WITH ORDINALITY AS t(family_lower, dob, name, ni, n)
       )
       SELECT t.n, m.* FROM t CROSS JOIN LATERAL (
         SELECT ${candidate} FROM person p
          WHERE lower(p.family_name) = t.family_lower AND p.date_of_birth + 0 = t.dob LIMIT 20
       ) AS m
       UNION ALL
       SELECT t.n, m.* FROM t CROSS JOIN LATERAL (
         SELECT ${candidate} FROM search_key k JOIN person p ON p.id = k.person_id
          WHERE k.kind = 'name' AND k.value = t.name AND p.date_of_birth = t.dob LIMIT 20
       ) AS m
       UNION ALL
       SELECT t.n, m.* FROM t CROSS JOIN LATERAL (
         SELECT ${candidate} FROM person p WHERE p.ni_number = t.ni LIMIT 20
       ) AS m`,
      [arrayLiteral(family), arrayLiteral(dob), arrayLiteral(name), arrayLiteral(ni)],
    )
    // Back to indexes into the batch.
    for (const match of found) match.n = at[match.n - 1] as number
    return found
  }

  const everyRow = (batch: Batch) => Array.from(batch.rows, (_, i) => i)

  /**
   * Decides which rows of a batch are written (not possible duplicates, or confirmed distinct),
   * then writes them in one set-based statement. `looked` holds what the separate look-up
   * connection found on the register; without one, the look-up runs here, in the import's own
   * transaction, which sees the earlier batches too.
   */
  async function decideAndWrite(tx: Queryable, batch: Batch, looked: Promise<Candidate[]> | undefined): Promise<void> {
    const rows = batch.rows
    let found: Candidate[]
    if (looked === undefined) found = await lookup(tx, batch, everyRow(batch))
    else {
      found = await looked
      // A row that may resemble a person written earlier by this import (uncommitted, so unseen by
      // the look-up connection) is looked up again here, where the register and those people are
      // both seen: its candidates are then exactly those of a look-up in this transaction.
      if (writtenKeys.size > 0) {
        const again: number[] = []
        for (let i = 0; i < rows.length; i++) {
          if (mayMatchWritten(rows[i] as CheckedRow, batch.names[i] as string)) again.push(i)
        }
        if (again.length > 0) {
          const redo = new Set(again)
          found = [...found.filter((match) => !redo.has(match.n)), ...(await lookup(tx, batch, again))]
        }
      }
    }
    // Candidates on the register (or written by an earlier batch of this import: named by line).
    const candidates = new Map<number, DuplicateOf[]>()
    const references = new Map<number, Set<string>>()
    const pairs = new Set<string>()
    for (const match of found) {
      const refs = references.get(match.n) ?? new Set<string>()
      refs.add(match.reference)
      references.set(match.n, refs)
      const pair = `${match.n}|${match.reference}`
      if (pairs.has(pair)) continue
      pairs.add(pair)
      const input = (rows[match.n] as CheckedRow).person
      const matchedOn: string[] = []
      if (match.date_of_birth === input.dateOfBirth) matchedOn.push('name and date of birth')
      if (input.niNumber !== undefined && match.ni_number === input.niNumber)
        matchedOn.push('National Insurance number')
      const line = lineOfReference(match.reference)
      const list = candidates.get(match.n) ?? []
      list.push({
        ...(line === undefined ? { reference: match.reference } : { line }),
        name: `${match.given_names} ${match.family_name}`,
        dateOfBirth: match.date_of_birth,
        matchedOn,
      })
      candidates.set(match.n, list)
    }
    const written: number[] = []
    const confirmedOf: (string | null)[] = []
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as CheckedRow
      const confirmed = row.person.confirmedNotDuplicate === true
      const list = candidates.get(i)
      if (list !== undefined && !confirmed) {
        skipped.set(row.line, [...(skipped.get(row.line) ?? []), ...list])
        continue
      }
      written.push(i)
      // Confirmed distinct from the earlier rows it resembles (by line) and the people found (by reference).
      confirmedOf.push(
        confirmed
          ? JSON.stringify([
              ...(batch.confirmedOf[i] === null ? [] : (JSON.parse(batch.confirmedOf[i] as string) as string[])),
              ...[...(references.get(i) ?? [])].sort(),
            ])
          : null,
      )
    }
    if (written.length === 0) return
    const columns =
      written.length === rows.length
        ? (batch.columns ?? columnsOf(rows, batch.names))
        : columnsOf(
            written.map((i) => rows[i] as CheckedRow),
            written.map((i) => batch.names[i] as string),
          )
    const writing = insert(tx, columns, confirmedOf)
    // While the database writes them, the keys of these people are kept for the next batches' turn.
    if (looked !== undefined) for (const i of written) remember(rows[i] as CheckedRow, batch.names[i] as string)
    await writing
  }

  /**
   * Writes a batch's people, numbered in order from the reference counter: person rows, name keys,
   * timelines, facts and fact keys in one set-based statement.
   */
  async function insert(tx: Queryable, columns: Columns, confirmedOf: readonly (string | null)[]): Promise<void> {
    const n = columns.lines.length
    // The references, numbered in order from the year's counter. Its row is read (and locked: this
    // transaction then holds it, so no one else numbers a person until the import ends) before the
    // first batch; each batch's statement adds its people to it.
    if (nextNumber < 0) {
      const [counter] = await tx.query<{ last: number }>(
        `INSERT INTO reference_counter (year, last) VALUES ($1, 0)
         ON CONFLICT (year) DO UPDATE SET last = reference_counter.last
         RETURNING last`,
        [year],
      )
      nextNumber = Number(counter?.last) + 1
    }
    const base = nextNumber - 1
    nextNumber += n
    const references: string[] = new Array(n)
    for (let i = 0; i < n; i++) references[i] = reference(base + i + 1)
    await tx.query(
      `WITH t AS MATERIALIZED (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::int[], $11::text[], $25::text[], $26::text[])
           AS t(id, org, family, given, dob, ni, sex, risk, name, line, source_ref, reference, confirmed_of)
       ),
       p AS (
         INSERT INTO person (id, reference, managing_org_id, family_name, given_names, date_of_birth, ni_number, sex,
                             status, risk_level, created_by)
         SELECT id, reference, org, family, given, dob, ni, sex, 'recorded', risk, $22::uuid FROM t
       ),
       kn AS (INSERT INTO search_key (person_id, kind, value) SELECT id, 'name', name FROM t),
       -- In the file's order (a materialised CTE is read back in the order it was written), so the
       -- timeline's ids follow the references.
       e AS (
         INSERT INTO timeline_event (person_id, kind, summary, data, occurred_on, actor_id)
         SELECT id, 'person-recorded', 'Recorded as ' || reference || ' (imported from ' || $23 || ', line ' || line || ')',
                jsonb_build_object('import', jsonb_build_object('source', $23::text, 'line', line))
                  || CASE WHEN source_ref IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('sourceReference', source_ref) END
                  || CASE WHEN confirmed_of IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('confirmedNotDuplicateOf', confirmed_of::jsonb) END,
                $24::date, $22::uuid
           FROM t
       ),
       f AS (
         INSERT INTO person_fact (id, person_id, kind, data, valid_from, valid_to, recorded_by)
         SELECT id, person_id, kind, data::jsonb, valid_from, valid_to, $22::uuid
           FROM unnest($12::uuid[], $13::uuid[], $14::text[], $15::text[], $16::date[], $17::date[])
                  AS f(person_id, id, kind, data, valid_from, valid_to)
       ),
       fk AS (
         INSERT INTO search_key (person_id, fact_id, kind, value)
         SELECT * FROM unnest($18::uuid[], $19::uuid[], $20::text[], $21::text[])
       )
       UPDATE reference_counter SET last = last + $27 WHERE year = $28`,
      [...columns.literals, actorId, sourceName, today, arrayLiteral(references), arrayLiteral(confirmedOf), n, year],
    )
    if (firstNumber < 0) firstNumber = base + 1
    let first = columns.lines[0] as number
    let last = first
    for (let i = 0; i < n; i++) {
      const line = columns.lines[i] as number
      importedLines[base + i + 1 - firstNumber] = line
      if (line < first) first = line
      if (line > last) last = line
    }
    // DPA 2018 s.62: the collection is logged once per batch, naming the people by their references
    // (each person's timeline also records who recorded them, and when).
    batchAudits.push({
      operation: 'collection',
      object: { type: 'import', id: sourceName },
      detail: { lines: [first, last], references: [references[0], references[n - 1]], people: n },
    })
    report.imported += n
    report.facts += columns.facts
  }

  const reference = (number: number) => `DA-${year}-${String(number).padStart(6, '0')}`

  try {
    await transact(call, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [personLock])
      // Compiling these set-based statements costs more than it saves; the duplicate lookups must use
      // the indexes whatever the planner believes about tables this transaction has just filled.
      await tx.query(plannerSettings)
      // On PostgreSQL a second connection looks up the possible duplicates of the next batches on the
      // register while this one writes (reads only: the import stays one transaction). PGlite is one
      // connection, so there the look-up is part of each batch's turn.
      const reader = concurrency > 1 ? lookupConnection(call.app.db) : undefined
      let writing: Promise<void> = Promise.resolve()
      const state: { failure?: { error: unknown }; stopped?: boolean } = {}
      try {
        // While one batch is written, the next ones are read, checked and looked up; a failed write
        // is rethrown at the next turn.
        const rethrow = () => {
          if (state.failure !== undefined) throw state.failure.error
        }
        const queued: Promise<void>[] = []
        let batch: CheckedRow[] = []
        const flush = async () => {
          const rows = batch
          batch = []
          rethrow()
          options.onProgress?.(report.rows)
          if (rows.length > 0) {
            const known = await checkOrganisations(reader ?? tx, rows)
            const checked = withinBatch(known)
            if (checked.rows.length > 0) {
              checked.columns = columnsOf(checked.rows, checked.names)
              const looked = reader?.run((q) => lookup(q, checked, everyRow(checked)))
              looked?.catch(() => {}) // awaited by its turn to write
              writing = writing.then(() =>
                state.failure === undefined && state.stopped !== true ? decideAndWrite(tx, checked, looked) : undefined,
              )
              writing = writing.catch((error: unknown) => {
                state.failure ??= { error }
              })
              queued.push(writing)
            }
          }
          // At most a few batches wait for their turn, so memory stays bounded whatever the file's size.
          while (queued.length > maxQueued) await queued.shift()
          rethrow()
        }
        let inBatch = 0
        for await (const chunk of source) {
          for (const row of chunk) {
            report.rows++
            inBatch++
            const checked = check(row)
            if (checked !== undefined) batch.push(checked)
            if (inBatch >= batchSize) {
              inBatch = 0
              await flush()
            } else if (inBatch % yieldEvery === 0) {
              // Lets the replies of the database in, so the next batch is written without waiting for this chunk.
              await new Promise<void>((resolve) => setImmediate(resolve))
            }
          }
        }
        await flush()
        await writing
        rethrow()
      } finally {
        // Whatever happened, nothing more is sent on this transaction once it is left.
        state.stopped = true
        await writing
        await reader?.close()
      }
      for (const [line, candidates] of skipped) report.duplicates.push({ line, candidates })
      if (report.rejected.length > 0 && options.skipBadRows !== true) throw new RolledBack()
      await auditMany(tx, call.actor, [
        ...batchAudits,
        {
          operation: 'collection',
          object: { type: 'import', id: sourceName },
          detail: {
            rows: report.rows,
            imported: report.imported,
            facts: report.facts,
            rejected: report.rejected.length,
            duplicatesSkipped: report.duplicates.length,
          },
        },
      ])
    })
    report.committed = true
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error
    report.imported = 0
    report.facts = 0
  }
  // The report names people already on the register: a disclosure, audited
  // whether or not the import was committed.
  const disclosed = [
    ...new Set(
      report.duplicates.flatMap((d) => d.candidates.flatMap((c) => (c.reference === undefined ? [] : [c.reference]))),
    ),
  ]
  if (disclosed.length > 0) {
    await transact(call, (tx) =>
      auditMany(tx, call.actor, [
        {
          operation: 'disclosure',
          object: { type: 'possible-duplicate', id: sourceName },
          detail: { references: disclosed },
          recipients: disclosedTo(call.actor),
        },
      ]),
    )
  }
  report.rejected.sort((a, b) => a.line - b.line)
  report.duplicates.sort((a, b) => a.line - b.line)
  report.millis = Math.round(performance.now() - started)
  return report
}

/** The report as lines for a person to read: one per problem, then one per skipped duplicate. */
export function reportLines(report: ImportReport): string[] {
  const lines: string[] = []
  for (const row of report.rejected) for (const problem of row.problems) lines.push(`line ${row.line}: ${problem}`)
  for (const row of report.duplicates) {
    const who = row.candidates
      .map(
        (c) =>
          `${c.reference === undefined ? `line ${c.line} of this file` : `${c.reference} on the register`} (${c.name}, born ${c.dateOfBirth}; same ${c.matchedOn.join(' and ')})`,
      )
      .join('; ')
    lines.push(
      `line ${row.line}: possible duplicate, not imported: may be the same person as ${who}; if not, set confirmedNotDuplicate to true`,
    )
  }
  return lines
}

export type { ImportPerson }
