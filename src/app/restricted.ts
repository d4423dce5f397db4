import { NotFound } from './errors.ts'

// Records out of normal use. A restricted record (DPA 2018 s.47(2)-(3),
// s.45(4)) is kept but hidden; an erased one (s.47(1)) is a tombstone. The
// normal services (reading, listing, searching and changing records) refuse
// both with the same answer as a record that is not there, and the refusal is
// audited; only the retention services (./retention.ts) and subject access
// (./subject-access.ts), for the registrar reviewing, lifting or answering,
// reach them.

export type OutOfUse = 'restricted' | 'erased'

/** The columns migration 0005 adds to person and victim; absent on rows read before it. */
export interface RetentionColumns {
  restricted_on?: unknown
  erased_on?: unknown
}

/** `row`: a person or victim row read whole (`SELECT *`). */
export function outOfUse(row: object): OutOfUse | undefined {
  const { erased_on, restricted_on } = row as RetentionColumns
  if (erased_on !== undefined && erased_on !== null) return 'erased'
  if (restricted_on !== undefined && restricted_on !== null) return 'restricted'
  return undefined
}

/** Refuses a restricted or erased record as not found, with a denial for the audit trail. */
export function refuseIfOutOfUse(row: object, what: 'person' | 'victim', id: string): void {
  const state = outOfUse(row)
  if (state === undefined) return
  throw new NotFound(what, {
    type: what,
    id,
    ...(what === 'person' ? { personId: id } : {}),
    reason: `record ${state}`,
  })
}

/** SQL condition for rows in normal use; `alias` names the person or victim table in the query. */
export function inNormalUse(alias: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not a table alias: ${alias}`)
  return `(${alias}.restricted_on IS NULL AND ${alias}.erased_on IS NULL)`
}
