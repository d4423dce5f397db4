import type { Queryable } from '../store/database.ts'
import { audit, authorised, type Call, transact } from './context.ts'

// `dasr export`: the register's people with their current facts, as NDJSON
// (one person per line, facts nested) or CSV (the person columns only). An
// export is a disclosure (DPA 2018 s.62): each person exported is logged, and
// the export as a whole, in the same transaction that reads them. The read is
// one snapshot (repeatable read), a page of people at a time, so a register of
// any size is exported in constant memory.

export type ExportFormat = 'ndjson' | 'csv'
export const exportFormats: readonly ExportFormat[] = ['ndjson', 'csv']

/** One exported person: what the import reads back (docs/import-export.md). */
export interface ExportedPerson {
  reference: string
  managingOrganisationId: string
  status: string
  familyName: string
  givenNames: string
  dateOfBirth: string
  niNumber: string | null
  sex: string | null
  riskLevel: string | null
  facts: Record<string, unknown>[]
}

export interface ExportOptions {
  /** The format being written (for the audit trail); facts are read only when `withFacts`. */
  format: ExportFormat
  withFacts: boolean
  /** Receives the people a page at a time, in reference order; awaited, so a slow file holds the reading back. */
  writePage: (people: ExportedPerson[]) => void | Promise<void>
  /** Where the export goes (a file name, or "stdout"), for the audit trail. */
  destination: string
  /** Why the data is disclosed, recorded with each disclosure. */
  justification?: string
  pageSize?: number
}

export interface ExportSummary {
  people: number
  facts: number
  millis: number
}

interface PersonPage {
  id: string
  reference: string
  managing_org_id: string
  status: string
  family_name: string
  given_names: string
  date_of_birth: string
  ni_number: string | null
  sex: string | null
  risk_level: string | null
}

/** Writes every person the actor may see; the output is complete before the disclosure is committed. */
export async function exportPeople(call: Call, options: ExportOptions): Promise<ExportSummary> {
  await authorised(call, 'data:export')
  const started = performance.now()
  const pageSize = options.pageSize ?? 5_000
  const all = call.actor.roles.includes('system')
  const summary: ExportSummary = { people: 0, facts: 0, millis: 0 }
  await transact(call, async (tx) => {
    await tx.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
    let after = ''
    for (;;) {
      const people = await tx.query<PersonPage & Record<string, unknown>>(
        `SELECT id, reference, managing_org_id, status, family_name, given_names, date_of_birth, ni_number, sex, risk_level
           FROM person WHERE reference > $1 AND ($2 OR managing_org_id = $3) ORDER BY reference LIMIT $4`,
        [after, all, call.actor.organisationId, pageSize],
      )
      if (people.length === 0) break
      const ids = people.map((p) => p.id)
      const facts = options.withFacts ? await currentFacts(tx, ids) : new Map<string, Record<string, unknown>[]>()
      const page: ExportedPerson[] = people.map((p) => {
        const own = facts.get(p.id) ?? []
        summary.facts += own.length
        return {
          reference: p.reference,
          managingOrganisationId: p.managing_org_id,
          status: p.status,
          familyName: p.family_name,
          givenNames: p.given_names,
          dateOfBirth: p.date_of_birth,
          niNumber: p.ni_number,
          sex: p.sex,
          riskLevel: p.risk_level,
          facts: own,
        }
      })
      await options.writePage(page)
      await tx.execute(
        `INSERT INTO audit_event (actor_id, organisation_id, operation, object_type, object_id, person_id, justification, detail)
         SELECT $2, $3, 'disclosure', 'person', id::text, id, $4, $5::jsonb FROM unnest($1::uuid[]) AS t(id)`,
        [
          ids,
          call.actor.userId,
          call.actor.organisationId,
          options.justification ?? null,
          JSON.stringify({ export: options.format, destination: options.destination }),
        ],
      )
      summary.people += people.length
      after = (people.at(-1) as PersonPage).reference
      if (people.length < pageSize) break
    }
    await audit(
      tx,
      call.actor,
      'disclosure',
      { type: 'export', id: options.destination },
      { format: options.format, people: summary.people, facts: summary.facts },
      options.justification,
    )
  })
  summary.millis = Math.round(performance.now() - started)
  return summary
}

/** Current (not superseded) facts of these people, as {kind, ...data}, in a stable order. */
async function currentFacts(tx: Queryable, ids: string[]): Promise<Map<string, Record<string, unknown>[]>> {
  const rows = await tx.query<{ person_id: string; kind: string; data: Record<string, unknown> }>(
    `SELECT person_id, kind, data FROM person_fact
      WHERE person_id = ANY($1::uuid[]) AND superseded_by IS NULL
      ORDER BY person_id, kind, valid_from NULLS FIRST, recorded_at, id`,
    [ids],
  )
  const out = new Map<string, Record<string, unknown>[]>()
  for (const row of rows) {
    const list = out.get(row.person_id) ?? []
    list.push({ kind: row.kind, ...row.data })
    out.set(row.person_id, list)
  }
  return out
}
