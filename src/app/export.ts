import type { Queryable } from '../store/database.ts'
import { type AuditRecord, auditMany, authorised, type Call, disclosedTo, transact } from './context.ts'

// `dasr export`: the register's people with their current facts, as NDJSON
// (one person per line, facts nested) or CSV (the person columns only). An
// export is a disclosure (DPA 2018 s.62): each person exported is logged, and
// the export as a whole. The read is one snapshot (repeatable read), a page of
// people at a time. The disclosures are logged in a second transaction as soon
// as the read ends (decision 0006 needed that; since decision 0011 it is only
// simpler): the output is complete before the disclosures are committed, and
// only the exported ids are kept in memory (about 50 bytes a person).

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
  /** Who receives the export (DPA 2018 s.62(3)(b)); by default the user who runs it, who holds the output. */
  recipients?: readonly string[]
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
  const disclosed: string[] = []
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
      for (const id of ids) disclosed.push(id)
      summary.people += people.length
      after = (people.at(-1) as PersonPage).reference
      if (people.length < pageSize) break
    }
  })
  const recipients = options.recipients ?? disclosedTo(call.actor)
  await transact(call, async (tx) => {
    for (let from = 0; from < disclosed.length; from += pageSize) {
      await auditMany(
        tx,
        call.actor,
        disclosed.slice(from, from + pageSize).map(
          (id): AuditRecord => ({
            operation: 'disclosure',
            object: { type: 'person', id, personId: id },
            detail: { export: options.format, destination: options.destination },
            justification: options.justification,
            recipients,
          }),
        ),
      )
    }
    await auditMany(tx, call.actor, [
      {
        operation: 'disclosure',
        object: { type: 'export', id: options.destination },
        detail: { format: options.format, people: summary.people, facts: summary.facts },
        justification: options.justification,
        recipients,
      },
    ])
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
