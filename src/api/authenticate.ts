import type { FastifyRequest } from 'fastify'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { actorForToken } from '../app/directory.ts'

// Who is calling: an API token ("Authorization: Bearer …") for system
// integrations. Sessions (cookies) for people signing in are added beside it.
// Returns undefined for anyone unknown, expired, revoked or disabled: the
// caller answers 401 without saying which.

export async function authenticate(app: AppContext, request: FastifyRequest): Promise<Actor | undefined> {
  const header = request.headers.authorization
  if (header !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    if (token === undefined) return undefined
    const actor = await actorForToken(app.db, token)
    return actor === undefined ? undefined : { ...actor, origin: `api ${request.ip}` }
  }
  return undefined
}
