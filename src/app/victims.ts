import { randomUUID } from 'node:crypto'
import { victimCreate, victimLink } from '../contracts/register/requests.ts'
import { formatDay } from '../domain/dates/day.ts'
import { canSeeRecord } from './access.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, transact } from './context.ts'
import { Conflict, NotFound, problem } from './errors.ts'
import { bumpVersion, camelRow, isUuid, loadPerson } from './people.ts'
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

export async function readVictim(call: Call, victimId: string, justification?: string) {
  await authorised(call, 'victim:read')
  if (!isUuid(victimId)) throw new NotFound('victim')
  return transact(call, async (tx) => {
    const rows = await tx.query<{
      id: string
      managing_org_id: string
      data: Record<string, unknown>
      version: number
    }>('SELECT id, managing_org_id, data, version FROM victim WHERE id = $1', [victimId])
    const victim = rows[0]
    if (victim === undefined) throw new NotFound('victim')
    if (!canSeeRecord(call.actor, victim.managing_org_id)) {
      throw new NotFound('victim', { type: 'victim', id: victimId, reason: 'outside organisation' })
    }
    await audit(tx, call.actor, 'consultation', { type: 'victim', id: victimId }, {}, justification)
    return camelRow(victim)
  })
}

export async function linkVictim(call: Call, personId: string, body: unknown) {
  await authorised(call, 'victim:write')
  const input = parseOrThrow(victimLink, body)
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const victims = await tx.query<{ managing_org_id: string }>('SELECT managing_org_id FROM victim WHERE id = $1', [
      input.victimId,
    ])
    if (victims[0] === undefined || !canSeeRecord(call.actor, victims[0].managing_org_id)) {
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
