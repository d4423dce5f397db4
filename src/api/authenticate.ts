import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../app/actor.ts'
import { actorForSession, type ClientInfo, sameSecret } from '../app/authentication.ts'
import { type AppContext, audit } from '../app/context.ts'
import { actorForToken } from '../app/directory.ts'
import { sendProblem } from './problem.ts'

// Who is calling: an API token ("Authorization: Bearer …") for system
// integrations, or the session cookie of a person signed in through
// /auth/login (docs/authentication.md). Returns undefined for anyone unknown,
// expired, revoked, disabled or half signed in: the caller answers 401
// without saying which.
//
// A request signed in by the cookie that changes state must also carry the
// session's CSRF token (ASVS 3.5.1), in X-CSRF-Token or a `_csrf` form field:
// `csrfGuard` checks it once the body is parsed. A bearer token is not sent by
// browsers on their own, so it needs none.

/** ASVS 3.3.1-3.3.4: the __Host- prefix pins Secure, Path=/ and no Domain. */
export const sessionCookie = '__Host-dasr-session'
/** The OpenID Connect state, for the callback to match (SameSite=Lax: it returns on a cross-site redirect). */
export const oidcStateCookie = '__Host-dasr-oidc'

/** The session's CSRF token, for requests the session cookie signed in. */
const sessionCsrf = new WeakMap<FastifyRequest, string>()

export const clientOf = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
})

/** One cookie's value from the Cookie header; the first one wins, as browsers send the most specific first. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie
  if (typeof header !== 'string') return undefined
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index < 0) continue
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: { sameSite: 'Strict' | 'Lax'; maxAgeSeconds?: number },
): void {
  const attributes = [`${name}=${value}`, 'Path=/', 'Secure', 'HttpOnly', `SameSite=${options.sameSite}`]
  if (options.maxAgeSeconds !== undefined) attributes.push(`Max-Age=${options.maxAgeSeconds}`)
  const existing = reply.getHeader('set-cookie')
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)]
  reply.header('set-cookie', [...list, attributes.join('; ')])
}

export const clearCookie = (reply: FastifyReply, name: string, sameSite: 'Strict' | 'Lax' = 'Strict') =>
  setCookie(reply, name, '', { sameSite, maxAgeSeconds: 0 })

export async function authenticate(app: AppContext, request: FastifyRequest): Promise<Actor | undefined> {
  const header = request.headers.authorization
  if (header !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    if (token === undefined) return undefined
    const actor = await actorForToken(app.db, token)
    return actor === undefined ? undefined : { ...actor, origin: `api ${request.ip}` }
  }
  const cookie = cookieOf(request, sessionCookie)
  if (cookie !== undefined) {
    const session = await actorForSession(app, cookie, clientOf(request))
    if (session === undefined) return undefined
    sessionCsrf.set(request, session.csrfToken)
    return { ...session.actor, origin: `web ${request.ip}` }
  }
  return undefined
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The CSRF token the request carries: the header, or the `_csrf` field of a form (removed from the body). */
export function csrfTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token']
  if (typeof header === 'string') return header
  const body = request.body as Record<string, unknown> | null | undefined
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && '_csrf' in body) {
    const value = body._csrf
    // Route schemas never need to know about it.
    delete body._csrf
    return typeof value === 'string' ? value : undefined
  }
  return undefined
}

/**
 * preValidation hook: a state-changing request signed in by the session
 * cookie without the session's CSRF token is refused (403) and audited.
 */
export async function csrfGuard(app: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const expected = sessionCsrf.get(request)
  if (expected === undefined || safeMethods.has(request.method)) return
  const given = csrfTokenOf(request)
  if (given !== undefined && sameSecret(given, expected)) return
  if (request.actor !== undefined) {
    const actor = request.actor
    await app.db.transaction((tx) =>
      audit(
        tx,
        actor,
        'denied',
        { type: 'csrf' },
        {
          reason: given === undefined ? 'csrf-missing' : 'csrf-wrong',
          route: `${request.method} ${request.routeOptions.url ?? ''}`,
        },
      ),
    )
  }
  return sendProblem(reply, {
    type: 'https://dasr.example/problems/csrf',
    title: 'Not allowed',
    status: 403,
    detail: 'a form or request from a signed-in browser must carry the CSRF token (X-CSRF-Token or _csrf)',
  })
}

/** The session's CSRF token for this request (GET /auth/session shows it), if the cookie signed it in. */
export const csrfOfRequest = (request: FastifyRequest) => sessionCsrf.get(request)
