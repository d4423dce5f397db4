import { randomUUID } from 'node:crypto'
import { victimCreate, victimLink } from '../contracts/register/requests.ts'
import { type VictimView, victimContactFields, victimView } from '../domain/access/sections.ts'
import { formatDay } from '../domain/dates/day.ts'
import type { Queryable } from '../store/database.ts'
import { canSeeRecord } from './access.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem } from './errors.ts'
import { bumpVersion, isUuid, loadPerson } from './people.ts'
import { consult, reachOf } from './record-access.ts'
import { inNormalUse, refuseIfOutOfUse } from './restricted.ts'
import { failIf, parseOrThrow } from './validate.ts'

// Victims are separate, restricted records. Their details are read only
// through these services, by the roles allowed victim:read, and each read is an
// audited consultation. A perpetrator's record holds only the link.

export async function createVictim(call: Call, body: unknown) {
  await authorised(call, 'victim:write')
  const input = parseOrThrow(victimCreate, body)
  if (input.dateOfBirth !== undefined && input.dateOfBirth > formatDay(call.app.today())) {
    failIf([problem('$.dateOfBirth', 'must be in the past')])
  }
  return transact(call, async (tx) => {
    const id = randomUUID()
    await tx.execute('INSERT INTO victim (id, managing_org_id, data, created_by) VALUES ($1, $2, $3, $4)', [
      id,
      call.actor.organisationId,
      JSON.stringify(input),
      actorIdFor(call.actor),
    ])
    await audit(tx, call.actor, 'collection', { type: 'victim', id })
    return { id, version: 1 }
  })
}

/**
 * A victim's record, as far as the reader may see it: contact details and
 * addresses only for victim liaison officers and the case's police managers.
 * The reader reaches a victim through the organisation managing the victim's
 * record or through a perpetrator's case linked to them.
 */
export async function readVictim(call: Call, victimId: string) {
  await authorised(call, 'victim:read')
  if (!isUuid(victimId)) throw new NotFound('victim')
  return transact(call, async (tx) => {
    const rows = await tx.query<{
      id: string
      managing_org_id: string
      data: Record<string, unknown>
      version: number
    }>('SELECT id, managing_org_id, data, version, restricted_on, erased_on FROM victim WHERE id = $1', [victimId])
    const victim = rows[0]
    if (victim === undefined) throw new NotFound('victim')
    const view = await victimViewFor(tx, call, victim)
    if (view === 'none') throw new NotFound('victim', { type: 'victim', id: victimId, reason: 'no reach' })
    refuseIfOutOfUse(victim, 'victim', victimId)
    await consult(tx, call, { type: 'victim', id: victimId }, view === 'full' ? {} : { fieldsWithheld: 'contact' })
    const data = { ...victim.data }
    if (view === 'without-contact') for (const field of victimContactFields) delete data[field]
    return { id: victim.id, managingOrgId: victim.managing_org_id, data, version: victim.version, view }
  })
}

/** The best view the actor has of the victim, over every way they reach them. */
async function victimViewFor(
  tx: Queryable,
  call: Call,
  victim: { id: string; managing_org_id: string },
): Promise<VictimView> {
  if (call.actor.roles.includes('system') || call.actor.organisationId === victim.managing_org_id) {
    return victimView(call.actor, 'managing')
  }
  const linked = await tx.query<{ id: string; managing_org_id: string }>(
    `SELECT p.id, p.managing_org_id FROM victim_link l JOIN person p ON p.id = l.person_id WHERE l.victim_id = $1`,
    [victim.id],
  )
  const rank: Record<VictimView, number> = { none: 0, 'without-contact': 1, full: 2 }
  let best: VictimView = 'none'
  for (const person of linked) {
    const reach = await reachOf(tx, call, person)
    const view = victimView(call.actor, reach?.reach)
    if (rank[view] > rank[best]) best = view
  }
  return best
}

export async function linkVictim(call: Call, personId: string, body: unknown) {
  await authorised(call, 'victim:write')
  const input = parseOrThrow(victimLink, body)
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const victims = await tx.query<{ managing_org_id: string; out_of_use: boolean }>(
      `SELECT managing_org_id, NOT ${inNormalUse('v')} AS out_of_use FROM victim v WHERE id = $1`,
      [input.victimId],
    )
    // A restricted or erased victim record is out of normal use (DPA 2018 ss.46-47): it cannot be linked.
    if (victims[0] === undefined || victims[0].out_of_use || !canSeeRecord(call.actor, victims[0].managing_org_id)) {
      failIf([problem('$.victimId', 'is not a victim record you can link')])
    }
    const done = await tx.execute(
      'INSERT INTO victim_link (person_id, victim_id, relationship) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [personId, input.victimId, input.relationship ?? null],
    )
    if (done === 0) throw new Conflict('this victim is already linked to this person')
    await bumpVersion(tx, person, undefined)
    await recordStep(tx, call.actor, {
      operation: 'combination',
      object: { type: 'victim-link', id: input.victimId, personId },
      personId: personId,
      kind: 'victim-linked',
      summary: 'A victim was linked to this record',
      on: formatDay(call.app.today()),
    })
    return { personId, victimId: input.victimId }
  })
}
