import { randomUUID } from 'node:crypto'
import { needToKnowRequest, needToKnowReview, shareCreate, shareRevoke } from '../contracts/register/access.ts'
import { formatDay } from '../domain/dates/day.ts'
import type { Queryable } from '../store/database.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem } from './errors.ts'
import { camelRow, isUuid, loadPersonToRead } from './people.ts'
import { refuseIfOutOfUse } from './restricted.ts'
import { failIf, parseOrThrow } from './validate.ts'

// Opening a record beyond its managing organisation. Agencies do not share
// when they fear they may not (the report, and the inspections it cites); a
// share here is explicit, has a recorded reason, is a logged disclosure to the
// receiving organisation (DPA 2018 s.62(3)(b)), and can be revoked. "Need to
// know" lets an officer elsewhere act on a risk now, for a limited time, with
// every such access flagged to the managing organisation for review.

/** Shares a person's record with another organisation: in full (co-management) or as a plan shares it (partners). */
export async function shareRecord(call: Call, personId: string, body: unknown) {
  await authorised(call, 'record:share')
  const input = parseOrThrow(shareCreate, body)
  const today = formatDay(call.app.today())
  if (input.expiresOn !== undefined && input.expiresOn < today) {
    failIf([problem('$.expiresOn', 'must be today or in the future')])
  }
  return transact(call, async (tx) => {
    const { person, reach } = await loadPersonToRead(tx, call, personId, true)
    if (reach.reach !== 'managing') {
      throw new NotFound('person', {
        type: 'person',
        id: personId,
        personId,
        reason: 'only the managing organisation shares',
      })
    }
    const organisations = await tx.query<{ id: string; kind: string; disabled: boolean }>(
      'SELECT id, kind, disabled FROM organisation WHERE id = $1',
      [input.organisationId],
    )
    const organisation = organisations[0]
    if (organisation === undefined || organisation.disabled) {
      failIf([problem('$.organisationId', 'is not an organisation on the register')])
    }
    if (organisation?.id === person.managing_org_id) {
      failIf([problem('$.organisationId', 'already manages this record')])
    }
    // A partner agency (health, children's services, housing) sees only what a plan shares with it.
    if (organisation?.kind === 'partner' && input.scope !== 'plan') {
      failIf([
        problem('$.scope', 'a partner agency can be given only what a risk management plan shares (scope "plan")'),
      ])
    }
    const existing = await tx.query(
      `SELECT 1 FROM record_share WHERE person_id = $1 AND organisation_id = $2 AND revoked_on IS NULL
          AND (expires_on IS NULL OR expires_on >= $3::date)`,
      [personId, input.organisationId, today],
    )
    if (existing.length > 0) throw new Conflict('this record is already shared with that organisation; revoke it first')
    const id = randomUUID()
    await tx.execute(
      `INSERT INTO record_share (id, person_id, organisation_id, scope, reason, granted_by, granted_on, expires_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        personId,
        input.organisationId,
        input.scope,
        input.reason,
        actorIdFor(call.actor),
        today,
        input.expiresOn ?? null,
      ],
    )
    await recordStep(tx, call.actor, {
      operation: 'disclosure',
      object: { type: 'record-share', id, personId },
      detail: { scope: input.scope, expiresOn: input.expiresOn ?? null },
      recipients: [`organisation:${input.organisationId}`],
      personId,
      kind: 'record-shared',
      summary: `Record shared (${input.scope}) with ${input.organisationId}`,
      on: today,
    })
    return { id, personId, organisationId: input.organisationId, scope: input.scope, grantedOn: today }
  })
}

export async function revokeShare(call: Call, shareId: string, body: unknown) {
  await authorised(call, 'record:share')
  const input = parseOrThrow(shareRevoke, body)
  if (!isUuid(shareId)) throw new NotFound('share')
  const today = formatDay(call.app.today())
  return transact(call, async (tx) => {
    const share = await loadShare(tx, shareId)
    const { reach } = await loadPersonToRead(tx, call, share.person_id, true)
    if (reach.reach !== 'managing') {
      throw new NotFound('share', {
        type: 'record-share',
        id: shareId,
        personId: share.person_id,
        reason: 'not managing',
      })
    }
    if (share.revoked_on !== null) throw new Conflict('this share was already revoked')
    await tx.execute('UPDATE record_share SET revoked_on = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1', [
      shareId,
      today,
      actorIdFor(call.actor),
      input.reason,
    ])
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'record-share', id: shareId, personId: share.person_id },
      detail: { revoked: true },
      personId: share.person_id,
      kind: 'record-share-revoked',
      summary: `Share with ${share.organisation_id} revoked`,
      on: today,
    })
    return { id: shareId, revokedOn: today }
  })
}

type ShareRow = {
  id: string
  person_id: string
  organisation_id: string
  scope: string
  revoked_on: string | null
} & Record<string, unknown>

async function loadShare(tx: Queryable, shareId: string): Promise<ShareRow> {
  const rows = await tx.query<ShareRow>(
    'SELECT id, person_id, organisation_id, scope, revoked_on FROM record_share WHERE id = $1 FOR UPDATE',
    [shareId],
  )
  const share = rows[0]
  if (share === undefined) throw new NotFound('share')
  return share
}

/** Who the record is open to beyond its managing organisation: shares and need-to-know accesses. */
export async function recordAccessList(call: Call, personId: string) {
  await authorised(call, 'record:share')
  return transact(call, async (tx) => {
    const { reach } = await loadPersonToRead(tx, call, personId)
    if (reach.reach !== 'managing') {
      throw new NotFound('person', { type: 'person', id: personId, personId, reason: 'not managing' })
    }
    const shares = await tx.query(
      `SELECT id, organisation_id, scope, reason, granted_by, granted_on, expires_on, revoked_on, revoke_reason
         FROM record_share WHERE person_id = $1 ORDER BY granted_on DESC, created_at DESC`,
      [personId],
    )
    const needToKnow = await tx.query(
      `SELECT n.id, n.user_id, u.display_name, n.organisation_id, n.justification, n.opened_at, n.expires_at,
              n.review_outcome, n.review_note, n.reviewed_at
         FROM need_to_know_access n JOIN app_user u ON u.id = n.user_id
        WHERE n.person_id = $1 ORDER BY n.opened_at DESC`,
      [personId],
    )
    await audit(
      tx,
      call.actor,
      'consultation',
      { type: 'record-access', id: personId, personId },
      {},
      call.justification,
    )
    return { shares: shares.map(camelRow), needToKnow: needToKnow.map(camelRow) }
  })
}

/**
 * Opens a record the actor's organisation does not manage, for the settings'
 * hours, on a stated need to know (DPA 2018 s.57(5): access beyond those who
 * manage the case needs an intervention). The person is found by id, e.g.
 * from a duplicate check or a national search that shows references only.
 */
export async function openNeedToKnow(call: Call, personId: string, body: unknown) {
  await authorised(call, 'record:need-to-know')
  const input = parseOrThrow(needToKnowRequest, body)
  if (!isUuid(personId)) throw new NotFound('person')
  return transact(call, async (tx) => {
    const rows = await tx.query<{
      id: string
      managing_org_id: string
      responsible_officer_id: string | null
      restricted_on: string | null
      erased_on: string | null
    }>('SELECT id, managing_org_id, responsible_officer_id, restricted_on, erased_on FROM person WHERE id = $1', [
      personId,
    ])
    const person = rows[0]
    if (person === undefined) throw new NotFound('person')
    // A restricted or erased record answers as if it were not there (docs/retention.md).
    refuseIfOutOfUse(person, 'person', personId)
    if (person.managing_org_id === call.actor.organisationId) {
      throw new Conflict('your organisation manages this record: open it directly')
    }
    const id = randomUUID()
    const hours = call.app.settings.needToKnowHours
    const opened = await tx.query<{ expires_at: Date }>(
      `INSERT INTO need_to_know_access (id, person_id, user_id, organisation_id, justification, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6)) RETURNING expires_at`,
      [id, personId, call.actor.userId, call.actor.organisationId, input.justification, hours],
    )
    const today = formatDay(call.app.today())
    // Flagged for review: a task for the case's responsible officer (or the managing organisation's registrars' list).
    await tx.execute(
      `INSERT INTO task (id, key, person_id, assignee_id, kind, title, due_on)
       VALUES ($1, $2, $3, $4, 'need-to-know-review', $5, $6) ON CONFLICT (key) DO NOTHING`,
      [
        randomUUID(),
        `need-to-know:${id}`,
        personId,
        person.responsible_officer_id,
        `Review "need to know" access by ${call.actor.displayName} (${call.actor.organisationId})`,
        today,
      ],
    )
    await recordStep(tx, call.actor, {
      operation: 'disclosure',
      object: { type: 'need-to-know', id, personId },
      detail: { hours, flagged: true },
      recipients: [`user:${call.actor.userId}`, `organisation:${call.actor.organisationId}`],
      personId,
      kind: 'need-to-know-opened',
      summary: `"Need to know" access opened by ${call.actor.organisationId}`,
      on: today,
    })
    const expiresAt = opened[0]?.expires_at
    return { id, personId, expiresAt: expiresAt instanceof Date ? expiresAt.toISOString() : String(expiresAt) }
  })
}

/** "Need to know" accesses to the organisation's records still awaiting review, oldest first. */
export async function needToKnowForReview(call: Call, limit = 50) {
  await authorised(call, 'need-to-know:review')
  return transact(call, async (tx) => {
    const rows = await tx.query<{ person_id: string } & Record<string, unknown>>(
      `SELECT n.id, n.person_id, p.reference, n.user_id, u.display_name, n.organisation_id, n.justification,
              n.opened_at, n.expires_at
         FROM need_to_know_access n JOIN person p ON p.id = n.person_id JOIN app_user u ON u.id = n.user_id
        WHERE p.managing_org_id = $1 AND n.review_outcome IS NULL
        ORDER BY n.opened_at LIMIT $2`,
      [call.actor.organisationId, limit],
    )
    await audit(
      tx,
      call.actor,
      'consultation',
      { type: 'need-to-know-list' },
      { people: rows.map((row) => row.person_id) },
      call.justification,
    )
    return { items: rows.map(camelRow) }
  })
}

/** The managing organisation's decision on a "need to know" access; "not justified" ends it at once. */
export async function reviewNeedToKnow(call: Call, accessId: string, body: unknown) {
  await authorised(call, 'need-to-know:review')
  const input = parseOrThrow(needToKnowReview, body)
  if (!isUuid(accessId)) throw new NotFound('need-to-know access')
  return transact(call, async (tx) => {
    const rows = await tx.query<{ person_id: string; review_outcome: string | null; user_id: string }>(
      'SELECT person_id, review_outcome, user_id FROM need_to_know_access WHERE id = $1 FOR UPDATE',
      [accessId],
    )
    const access = rows[0]
    if (access === undefined) throw new NotFound('need-to-know access')
    const { reach } = await loadPersonToRead(tx, call, access.person_id)
    if (reach.reach !== 'managing') {
      throw new NotFound('need-to-know access', {
        type: 'need-to-know',
        id: accessId,
        personId: access.person_id,
        reason: 'not managing',
      })
    }
    if (access.review_outcome !== null) throw new Conflict('this access was already reviewed')
    await tx.execute(
      `UPDATE need_to_know_access SET review_outcome = $2, review_note = $3, reviewed_by = $4, reviewed_at = now(),
              expires_at = CASE WHEN $2 = 'not-justified' THEN LEAST(expires_at, now()) ELSE expires_at END
        WHERE id = $1`,
      [accessId, input.outcome, input.note, call.actor.userId],
    )
    await tx.execute(`UPDATE task SET status = 'done', done_at = now() WHERE key = $1`, [`need-to-know:${accessId}`])
    const today = formatDay(call.app.today())
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'need-to-know', id: accessId, personId: access.person_id },
      detail: { outcome: input.outcome, user: access.user_id },
      personId: access.person_id,
      kind: 'need-to-know-reviewed',
      summary: `"Need to know" access reviewed: ${input.outcome}`,
      on: today,
    })
    return { id: accessId, outcome: input.outcome }
  })
}
