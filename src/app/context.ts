import type { Day } from '../domain/dates/day.ts'
import type { RegisterSettings } from '../domain/register/settings.ts'
import type { LegalSettings } from '../domain/settings/legal-settings.ts'
import { type AuditOperation, appendAuditEntries } from '../store/audit-chain.ts'
import type { Database, Queryable } from '../store/database.ts'
import { type Action, authorise } from './access.ts'
import type { Actor } from './actor.ts'
import { Conflict, Forbidden, NotFound } from './errors.ts'

// What every application service gets: the database, the settings, the clock
// (as a function, so tests and the scan can move "today") and who is acting.

export interface AppContext {
  db: Database
  settings: RegisterSettings
  legal: LegalSettings
  /** Today in Europe/London. */
  today: () => Day
  softwareVersion: string
}

export interface Call {
  app: AppContext
  actor: Actor
  /** Why the actor is consulting personal data (DPA 2018 s.62(3)(a)); given by the adapter. */
  justification?: string
}

export type { AuditOperation } from '../store/audit-chain.ts'

/** One entry for the audit trail, as a service describes it. */
export interface AuditRecord {
  operation: AuditOperation
  object: { type: string; id?: string | null; personId?: string | null }
  /** Ids, counts and choices only: never the personal data itself (ASVS 16.2.5). */
  detail?: Record<string, unknown>
  justification?: string | undefined
  /** Who received the data: required for a disclosure (DPA 2018 s.62(3)(b)), e.g. `disclosedTo(actor)`. */
  recipients?: readonly string[] | undefined
}

/**
 * DPA 2018 s.62: every processing of personal data is logged, in the same
 * transaction as the processing. The entry is sealed into the hash chain
 * (src/store/audit-chain.ts) once committed, by the sealer (decision 0011),
 * so logging takes no lock.
 */
export async function audit(
  tx: Queryable,
  actor: Actor,
  operation: AuditOperation,
  object: { type: string; id?: string | null; personId?: string | null },
  detail: Record<string, unknown> = {},
  justification?: string,
  recipients?: readonly string[],
): Promise<void> {
  await auditMany(tx, actor, [{ operation, object, detail, justification, recipients }])
}

/** Several entries by one actor, in one statement (imports, exports). */
export async function auditMany(tx: Queryable, actor: Actor, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return
  await appendAuditEntries(
    tx,
    records.map((record) => ({
      actorId: actor.userId,
      organisationId: actor.organisationId,
      origin: actor.origin ?? null,
      operation: record.operation,
      objectType: record.object.type,
      objectId: record.object.id ?? null,
      personId: record.object.personId ?? null,
      justification: record.justification ?? null,
      recipients: record.recipients === undefined || record.recipients.length === 0 ? null : record.recipients,
      detail: record.detail ?? {},
    })),
  )
}

/** The recipient of a disclosure shown to the acting user (a possible duplicate, an export they hold). */
export const disclosedTo = (actor: Actor): readonly string[] => [`user:${actor.userId}`]

/** A step on the person's timeline: what, when, who. */
export async function timeline(
  tx: Queryable,
  actor: Actor,
  personId: string,
  kind: string,
  summary: string,
  occurredOn: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.execute(
    `INSERT INTO timeline_event (person_id, kind, summary, data, occurred_on, actor_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [personId, kind, summary, JSON.stringify(data), occurredOn, actorIdFor(actor)],
  )
}

/** One step of a person's case: audited (DPA 2018 s.62) and on their timeline, in the same transaction. */
export async function recordStep(
  tx: Queryable,
  actor: Actor,
  step: {
    operation: AuditOperation
    object: { type: string; id?: string | null; personId?: string | null }
    detail?: Record<string, unknown>
    /** For a disclosure: who received the data (DPA 2018 s.62(3)(b)). */
    recipients?: readonly string[]
    personId: string
    kind: string
    summary: string
    on: string
    data?: Record<string, unknown>
  },
): Promise<void> {
  await timeline(tx, actor, step.personId, step.kind, step.summary, step.on, step.data ?? {})
  await audit(tx, actor, step.operation, step.object, step.detail ?? {}, undefined, step.recipients)
}

/** The system actor has no user row; its actions are recorded without one. */
export function actorIdFor(actor: Actor): string | null {
  return actor.roles.includes('system') ? null : actor.userId
}

/**
 * Checks the actor may take the action; a refusal is audited (in its own
 * transaction, since the caller's work never starts) and thrown as Forbidden.
 */
export async function authorised(call: Call, action: Action): Promise<void> {
  try {
    authorise(call.actor, action)
  } catch (error) {
    await call.app.db.transaction((tx) => audit(tx, call.actor, 'denied', { type: action }, { reason: 'role' }))
    throw error
  }
}

/**
 * One user action, one transaction. When the work is refused because the
 * record is outside the actor's reach, or the refusal itself shows the user
 * other people's details (possible duplicates), that is audited after the
 * rollback, so it survives it.
 */
export async function transact<T>(call: Call, work: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await call.app.db.transaction(work)
  } catch (error) {
    const denial = error instanceof NotFound ? error.denial : undefined
    if (denial !== undefined) {
      await call.app.db.transaction((tx) =>
        audit(
          tx,
          call.actor,
          'denied',
          { type: denial.type, id: denial.id ?? null, personId: denial.personId ?? null },
          { reason: denial.reason },
        ),
      )
    } else if (error instanceof Conflict && error.disclosedPersonIds.length > 0) {
      const disclosed = error.disclosedPersonIds
      await call.app.db.transaction((tx) =>
        auditMany(
          tx,
          call.actor,
          disclosed.map((personId) => ({
            operation: 'disclosure' as const,
            object: { type: 'possible-duplicate', id: personId, personId },
            recipients: disclosedTo(call.actor),
          })),
        ),
      )
    } else if (error instanceof Forbidden) {
      await call.app.db.transaction((tx) =>
        audit(tx, call.actor, 'denied', { type: error.action ?? 'action' }, { reason: error.message }),
      )
    }
    throw error
  }
}
