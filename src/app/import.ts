import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { checkShape, formatPath } from '../contracts/explain-input.ts'
import { type FactKind, normaliseName, searchKeysOf } from '../contracts/register/facts.ts'
import { oneOf, optionalText } from '../contracts/register/fields.ts'
import { personCreate } from '../contracts/register/requests.ts'
import { formatDay } from '../domain/dates/day.ts'
import type { Queryable } from '../store/database.ts'
import { canSeeRecord } from './access.ts'
import { type AuditRecord, actorIdFor, auditMany, authorised, type Call, disclosedTo, transact } from './context.ts'
import { ValidationFailed } from './errors.ts'
import { checkFact, identityProblems } from './people.ts'

// Bulk import of people (`dasr import`, docs/import-export.md): rows are
// validated in memory with the same contracts as the API (personCreate, the
// fact kinds, the identity rules), then written a batch at a time with one
// set-based statement (INSERT ... SELECT FROM unnest(...) into each table, the
// duplicate lookups in the same statement), all in one transaction. While the
// database writes one batch, the next is read and validated.
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
}

class RolledBack extends Error {}

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
    const seen = new Map<string, CheckedRow>()
    const batch: Batch = { rows: [], confirmedOf: [], names: [] }
    for (const row of rows) {
      const p = row.person
      const name = normaliseName(`${p.givenNames} ${p.familyName}`)
      const keys = [`f|${p.dateOfBirth}|${p.familyName.toLowerCase()}`, `n|${p.dateOfBirth}|${name}`]
      if (p.niNumber !== undefined) keys.push(`i|${p.niNumber}`)
      let earlier: DuplicateOf[] | undefined
      for (const key of keys) {
        const other = seen.get(key)
        if (other === undefined || earlier?.some((c) => c.line === other.line)) continue
        earlier ??= []
        earlier.push({
          line: other.line,
          name: `${other.person.givenNames} ${other.person.familyName}`,
          dateOfBirth: other.person.dateOfBirth,
          matchedOn: key.startsWith('i|') ? ['National Insurance number'] : ['name and date of birth'],
        })
      }
      if (earlier !== undefined && p.confirmedNotDuplicate !== true) {
        skipped.set(row.line, earlier)
        continue
      }
      for (const key of keys) if (!seen.has(key)) seen.set(key, row)
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

  /**
   * One statement per batch: the rows that may be someone on the register are
   * looked up (index lookups row by row), the others numbered, and people,
   * name keys, timelines, facts and fact keys written. It returns the
   * candidates found, the number before the first reference it gave and the
   * detail of the batch's audit entry.
   */
  async function write(tx: Queryable, batch: Batch): Promise<void> {
    const rows = batch.rows
    const n = rows.length
    if (n === 0) return
    const ids: string[] = new Array(n)
    const orgs: string[] = new Array(n)
    const family: string[] = new Array(n)
    const familyLower: string[] = new Array(n)
    const given: string[] = new Array(n)
    const dob: string[] = new Array(n)
    const ni: (string | null)[] = new Array(n)
    const sex: (string | null)[] = new Array(n)
    const risk: (string | null)[] = new Array(n)
    const lines: number[] = new Array(n)
    const sourceRefs: (string | null)[] = new Array(n)
    const confirmed: boolean[] = new Array(n)
    const fact = { n: [] as number[], id: [] as string[], kind: [] as string[], data: [] as string[] }
    const factFrom: (string | null)[] = []
    const factTo: (string | null)[] = []
    const key = { n: [] as number[], fact: [] as string[], kind: [] as string[], value: [] as string[] }
    for (let i = 0; i < n; i++) {
      const row = rows[i] as CheckedRow
      const p = row.person
      ids[i] = uuidv7()
      orgs[i] = row.org
      family[i] = p.familyName
      familyLower[i] = p.familyName.toLowerCase()
      given[i] = p.givenNames
      dob[i] = p.dateOfBirth
      ni[i] = p.niNumber ?? null
      sex[i] = p.sex ?? null
      risk[i] = p.riskLevel ?? null
      lines[i] = row.line
      sourceRefs[i] = p.reference ?? null
      confirmed[i] = p.confirmedNotDuplicate === true
      for (const f of row.facts) {
        const factId = uuidv7()
        fact.n.push(i + 1)
        fact.id.push(factId)
        fact.kind.push(f.kind)
        fact.data.push(JSON.stringify(f.data))
        factFrom.push((f.data.validFrom as string | undefined) ?? null)
        factTo.push((f.data.validTo as string | undefined) ?? null)
        for (const k of searchKeysOf(f.kind, f.data)) {
          if (k.value === '') continue
          key.n.push(i + 1)
          key.fact.push(factId)
          key.kind.push(k.kind)
          key.value.push(k.value)
        }
      }
    }
    const candidate = 'p.reference, p.family_name, p.given_names, p.date_of_birth, p.ni_number'
    const result = await tx.query<{
      n: number | null
      reference: string | null
      family_name: string | null
      given_names: string | null
      date_of_birth: string | null
      ni_number: string | null
      base: number | null
      audit: Record<string, unknown> | null
    }>(
      `WITH t AS MATERIALIZED (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
                              $8::text[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[], $14::bool[])
           WITH ORDINALITY AS t(id, org, family, family_lower, given, dob, ni, sex, risk, name, line, source_ref,
                                confirmed_of, confirmed, n)
       ),
       -- Possible duplicates on the register: same name and date of birth, or same NI number
       -- (possibleDuplicates' rule). LATERAL ... LIMIT keeps each an index lookup; the name is the
       -- selective key, so "date_of_birth + 0" keeps the date-of-birth index out of it.
       d AS MATERIALIZED (
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
         ) AS m
       ),
       ok AS MATERIALIZED (
         SELECT t.*, row_number() OVER (ORDER BY t.n) AS k FROM t
          WHERE t.confirmed OR NOT EXISTS (SELECT 1 FROM d WHERE d.n = t.n)
       ),
       c AS (
         INSERT INTO reference_counter (year, last) SELECT $15, count(*) FROM ok HAVING count(*) > 0
         ON CONFLICT (year) DO UPDATE SET last = reference_counter.last + EXCLUDED.last
         RETURNING last
       ),
       base AS (SELECT (SELECT last FROM c) - (SELECT count(*) FROM ok) AS base),
       r AS MATERIALIZED (
         SELECT ok.*, 'DA-' || $15 || '-' || lpad(v.number, greatest(6, length(v.number)), '0') AS reference
           FROM ok CROSS JOIN base CROSS JOIN LATERAL (SELECT (base.base + ok.k)::text AS number) AS v
       ),
       p AS (
         INSERT INTO person (id, reference, managing_org_id, family_name, given_names, date_of_birth, ni_number, sex,
                             status, risk_level, created_by)
         SELECT id, reference, org, family, given, dob, ni, sex, 'recorded', risk, $16::uuid FROM r
       ),
       kn AS (INSERT INTO search_key (person_id, kind, value) SELECT id, 'name', name FROM r),
       e AS (
         INSERT INTO timeline_event (person_id, kind, summary, data, occurred_on, actor_id)
         SELECT id, 'person-recorded', 'Recorded as ' || reference || ' (imported from ' || $17 || ', line ' || line || ')',
                jsonb_build_object('import', jsonb_build_object('source', $17::text, 'line', line))
                  || CASE WHEN source_ref IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('sourceReference', source_ref) END
                  || CASE WHEN NOT confirmed THEN '{}'::jsonb ELSE jsonb_build_object('confirmedNotDuplicateOf',
                       coalesce(confirmed_of::jsonb, '[]'::jsonb)
                         || coalesce((SELECT jsonb_agg(DISTINCT d.reference) FROM d WHERE d.n = r.n), '[]'::jsonb)) END,
                $18::date, $16::uuid
           FROM r ORDER BY k
       ),
       f AS (
         INSERT INTO person_fact (id, person_id, kind, data, valid_from, valid_to, recorded_by)
         SELECT f.id, r.id, f.kind, f.data::jsonb, f.valid_from, f.valid_to, $16::uuid
           FROM unnest($19::int[], $20::uuid[], $21::text[], $22::text[], $23::date[], $24::date[])
                  AS f(n, id, kind, data, valid_from, valid_to)
           JOIN r ON r.n = f.n
       ),
       fk AS (
         INSERT INTO search_key (person_id, fact_id, kind, value)
         SELECT r.id, s.fact_id, s.kind, s.value
           FROM unnest($25::int[], $26::uuid[], $27::text[], $28::text[]) AS s(n, fact_id, kind, value)
           JOIN r ON r.n = s.n
       ),
       -- DPA 2018 s.62: the collection is logged once per batch, naming the people by their references
       -- (each person's timeline also records who recorded them, and when).
       a AS (
         SELECT jsonb_build_object('lines', jsonb_build_array(min(line), max(line)),
                                   'references', jsonb_build_array(min(reference) FILTER (WHERE k = 1),
                                                                   min(reference) FILTER (WHERE k = count)),
                                   'people', count(*)) AS detail
           FROM r CROSS JOIN (SELECT count(*) AS count FROM ok) AS total HAVING count(*) > 0
       )
       SELECT d.n, d.reference, d.family_name, d.given_names, d.date_of_birth, d.ni_number, NULL::bigint AS base,
              NULL::jsonb AS audit
         FROM d
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, NULL, NULL, base, (SELECT detail FROM a) FROM base`,
      [
        ids,
        orgs,
        family,
        familyLower,
        given,
        dob,
        ni,
        sex,
        risk,
        batch.names,
        lines,
        sourceRefs,
        batch.confirmedOf,
        confirmed,
        year,
        actorId,
        sourceName,
        today,
        fact.n,
        fact.id,
        fact.kind,
        fact.data,
        factFrom,
        factTo,
        key.n,
        key.fact,
        key.kind,
        key.value,
      ],
    )
    // Candidates on the register (or written by an earlier batch of this import: named by line).
    const candidates = new Map<number, DuplicateOf[]>()
    const pairs = new Set<string>()
    let base: number | null = null
    for (const match of result) {
      if (match.n === null) {
        base = match.base
        if (match.audit !== null) {
          batchAudits.push({ operation: 'collection', object: { type: 'import', id: sourceName }, detail: match.audit })
        }
        continue
      }
      const pair = `${match.n}|${match.reference}`
      if (pairs.has(pair)) continue
      pairs.add(pair)
      const input = (rows[match.n - 1] as CheckedRow).person
      const matchedOn: string[] = []
      if (match.date_of_birth === input.dateOfBirth) matchedOn.push('name and date of birth')
      if (input.niNumber !== undefined && match.ni_number === input.niNumber)
        matchedOn.push('National Insurance number')
      const reference = match.reference as string
      const line = lineOfReference(reference)
      const list = candidates.get(match.n) ?? []
      list.push({
        ...(line === undefined ? { reference } : { line }),
        name: `${match.given_names} ${match.family_name}`,
        dateOfBirth: match.date_of_birth as string,
        matchedOn,
      })
      candidates.set(match.n, list)
    }
    let written = 0
    let facts = 0
    for (let i = 0; i < n; i++) {
      const row = rows[i] as CheckedRow
      const found = candidates.get(i + 1)
      if (found !== undefined && row.person.confirmedNotDuplicate !== true) {
        skipped.set(row.line, [...(skipped.get(row.line) ?? []), ...found])
        continue
      }
      written++
      facts += row.facts.length
      if (base !== null) {
        if (firstNumber < 0) firstNumber = base + 1
        importedLines[base + written - firstNumber] = row.line
      }
    }
    report.imported += written
    report.facts += facts
  }

  async function persist(tx: Queryable, rows: CheckedRow[]): Promise<void> {
    if (rows.length === 0) return
    const known = await checkOrganisations(tx, rows)
    if (known.length === 0) return
    await write(tx, withinBatch(known))
  }

  try {
    await transact(call, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [personLock])
      // Compiling these set-based statements costs more than it saves; the duplicate lookups must use
      // the indexes whatever the planner believes about tables this transaction has just filled.
      await tx.query(
        `SELECT set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true),
                set_config('enable_bitmapscan', 'off', true)`,
      )
      // While one batch is written the next is read and checked; a failed write is rethrown at the next turn.
      let writing: Promise<void> = Promise.resolve()
      let failure: { error: unknown } | undefined
      let batch: CheckedRow[] = []
      const flush = async () => {
        const rows = batch
        batch = []
        await writing
        if (failure !== undefined) throw failure.error
        options.onProgress?.(report.rows)
        writing = persist(tx, rows).catch((error: unknown) => {
          failure = { error }
        })
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
          }
        }
      }
      await flush()
      await writing
      if (failure !== undefined) throw failure.error
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
