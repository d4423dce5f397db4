import type { Day } from '../domain/dates/day.ts'
import type { RegisterSettings } from '../domain/register/settings.ts'
import type { LegalSettings } from '../domain/settings/legal-settings.ts'
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
}

export type AuditOperation =
  | 'collection'
  | 'alteration'
  | 'consultation'
  | 'disclosure'
  | 'combination'
  | 'erasure'
  | 'denied'

/** DPA 2018 s.62: every processing of personal data is logged, in the same transaction as the processing. */
export async function audit(
  tx: Queryable,
  actor: Actor,
  operation: AuditOperation,
  object: { type: string; id?: string | null; personId?: string | null },
  detail: Record<string, unknown> = {},
  justification?: string,
): Promise<void> {
  await tx.execute(
    `INSERT INTO audit_event (actor_id, organisation_id, operation, object_type, object_id, person_id, justification, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      actor.userId,
      actor.organisationId,
      operation,
      object.type,
      object.id ?? null,
      object.personId ?? null,
      justification ?? null,
      JSON.stringify(detail),
    ],
  )
}

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
    personId: string
    kind: string
    summary: string
    on: string
    data?: Record<string, unknown>
  },
): Promise<void> {
  await audit(tx, actor, step.operation, step.object, step.detail ?? {})
  await timeline(tx, actor, step.personId, step.kind, step.summary, step.on, step.data ?? {})
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
      await call.app.db.transaction(async (tx) => {
        for (const personId of disclosed) {
          await audit(tx, call.actor, 'disclosure', { type: 'possible-duplicate', id: personId, personId })
        }
      })
    } else if (error instanceof Forbidden) {
      await call.app.db.transaction((tx) =>
        audit(tx, call.actor, 'denied', { type: error.action ?? 'action' }, { reason: error.message }),
      )
    }
    throw error
  }
}
