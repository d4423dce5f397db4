import type { Reach } from '../domain/access/sections.ts'
import { formatDay } from '../domain/dates/day.ts'
import type { Queryable } from '../store/database.ts'
import { canSeeRecord } from './access.ts'
import type { Actor } from './actor.ts'
import { audit, type Call } from './context.ts'
import { ValidationFailed } from './errors.ts'

// Object-level access (ASVS 8.2.2): how, if at all, the actor reaches a
// person's record. A record belongs to its managing organisation; anyone else
// reaches it only through a recorded share or a justified, time-limited
// "need to know" access that the managing organisation reviews.

export interface ReachRow {
  reach: Reach
  /** For a plan share: the sections the person's current risk management plans share with partners. */
  planShared: string[]
  needToKnowId?: string
}

/** `canSeeRecord` (the managing reach) in SQL over the person row `alias`, its parameter appended to `params`. */
export const managesSql = (actor: Actor, alias: string, params: unknown[]) =>
  actor.roles.includes('system') ? 'true' : `${alias}.managing_org_id = $${params.push(actor.organisationId)}`

/** How the actor reaches the person's record, or undefined when they do not. */
export async function reachOf(
  tx: Queryable,
  call: Call,
  person: { id: string; managing_org_id: string },
): Promise<ReachRow | undefined> {
  const actor = call.actor
  if (canSeeRecord(actor, person.managing_org_id)) return { reach: 'managing', planShared: [] }
  const rows = await tx.query<{ source: string; scope: string | null; id: string | null }>(
    `SELECT 'share' AS source, scope, NULL::text AS id FROM record_share
      WHERE person_id = $1 AND organisation_id = $2 AND revoked_on IS NULL
        AND (expires_on IS NULL OR expires_on >= $4::date)
     UNION ALL
     SELECT 'need-to-know', NULL, id::text FROM need_to_know_access
      WHERE person_id = $1 AND user_id = $3 AND expires_at > now() AND review_outcome IS DISTINCT FROM 'not-justified'`,
    [person.id, actor.organisationId, actor.userId, formatDay(call.app.today())],
  )
  if (rows.some((row) => row.source === 'share' && row.scope === 'full'))
    return { reach: 'co-managing', planShared: [] }
  if (rows.some((row) => row.source === 'share' && row.scope === 'plan')) {
    return { reach: 'plan', planShared: await planSharedSections(tx, person.id) }
  }
  const needToKnow = rows.find((row) => row.source === 'need-to-know')
  if (needToKnow?.id) return { reach: 'need-to-know', planShared: [], needToKnowId: needToKnow.id }
  return undefined
}

/** The sections the person's current risk management plans share with partner agencies. */
async function planSharedSections(tx: Queryable, personId: string): Promise<string[]> {
  const rows = await tx.query<{ shared: string[] | null }>(
    `SELECT data->'sharedWithPartners' AS shared FROM person_fact
      WHERE person_id = $1 AND kind = 'risk-management-plan' AND superseded_by IS NULL`,
    [personId],
  )
  return [...new Set(rows.flatMap((row) => (Array.isArray(row.shared) ? row.shared : [])))]
}

/**
 * A consultation of personal data (DPA 2018 s.62(1)(c)), audited in the
 * caller's transaction with the actor's justification, which is required
 * unless the register's settings make it optional.
 */
export async function consult(
  tx: Queryable,
  call: Call,
  object: { type: string; id?: string | null; personId?: string | null },
  detail: Record<string, unknown> = {},
): Promise<void> {
  requireJustification(call)
  await audit(tx, call.actor, 'consultation', object, detail, call.justification)
}

/** Refuses, before anything is read, a consultation without the reason the settings require. */
export function requireJustification(call: Call): void {
  if (call.app.settings.consultationJustification !== 'required') return
  if (call.actor.roles.includes('system')) return
  if (call.justification !== undefined && call.justification.trim().length >= 3) return
  throw new ValidationFailed([
    {
      in: 'headers',
      field: 'X-Justification',
      message: 'give the reason you are consulting this personal data (DPA 2018 s.62), at least 3 characters',
    },
  ])
}
