import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { ValidationFailed } from '../app/errors.ts'

/**
 * A POST whose Idempotency-Key was seen before from the same actor gets the
 * first answer again; the same key with a different body is refused
 * (draft-ietf-httpapi-idempotency-key-header).
 */
export async function idempotent<T>(
  app: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  work: () => Promise<T>,
): Promise<T> {
  // The answer is returned, not sent, so the route's documented response type checks it.
  const key = request.headers['idempotency-key']
  if (key === undefined) {
    const result = await work()
    reply.code(status)
    return result
  }
  if (typeof key !== 'string' || key.length < 8 || key.length > 200) {
    throw new ValidationFailed([{ in: 'headers', field: 'Idempotency-Key', message: 'must be 8 to 200 characters' }])
  }
  const actor = request.actor as Actor
  const hash = createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex')
  const seen = await app.db.query<{ request_hash: string; status: number; body: unknown }>(
    'SELECT request_hash, status, body FROM idempotency_key WHERE actor_id = $1 AND key = $2',
    [actor.userId, key],
  )
  const first = seen[0]
  if (first !== undefined) {
    if (first.request_hash !== hash) {
      throw new ValidationFailed([
        { in: 'headers', field: 'Idempotency-Key', message: 'was already used for a different request' },
      ])
    }
    reply.code(first.status).header('idempotent-replayed', 'true')
    return first.body as T
  }
  const result = await work()
  await app.db.execute(
    `INSERT INTO idempotency_key (actor_id, key, request_hash, status, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (actor_id, key) DO NOTHING`,
    [actor.userId, key, hash, status, JSON.stringify(result)],
  )
  reply.code(status)
  return result
}
