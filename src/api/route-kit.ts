import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Action } from '../app/access.ts'
import type { Actor } from '../app/actor.ts'
import type { AppContext, Call } from '../app/context.ts'
import { ValidationFailed } from '../app/errors.ts'

// What every route file needs. Each route declares its access in
// `config.access`; a route without one is refused for everyone (deny by
// default), and the authorisation matrix test is generated from these
// declarations. The service behind the route still makes the decision about
// records and fields, so the API, the pages and the CLI cannot disagree.

export type ApiServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>

export type RouteAccess =
  /** No sign-in: health, the OpenAPI document, signing in itself. */
  | { public: true }
  /** Any signed-in user, about themselves (their session, their tasks). */
  | { signedIn: true; personal?: false }
  /**
   * The action the service checks. `personal: true` when a successful call
   * reads personal data: such a route must write a consultation entry to the
   * audit trail (checked over every route by test/security).
   */
  | { action: Action; personal: boolean }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
    /**
     * A web page (src/web): signing in is a redirect to /sign-in, and a
     * refusal or an error is a page, not a problem document.
     */
    page?: true
  }
  interface FastifyRequest {
    actor: Actor | undefined
  }
}

export function callOf(app: AppContext, request: FastifyRequest): Call {
  const justification = justificationOf(request)
  return { app, actor: request.actor as Actor, ...(justification !== undefined ? { justification } : {}) }
}

export const etag = (version: number) => `"v${version}"`

/** "If-Match: "v3"" → 3; absent → undefined; anything else is a problem with the header. */
export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match']
  if (header === undefined) return undefined
  const match = /^(?:W\/)?"v(\d+)"$/.exec(String(header).trim())
  if (match === null) {
    throw new ValidationFailed([
      { in: 'headers', field: 'If-Match', message: 'must be an ETag this API gave, such as "v3"' },
    ])
  }
  return Number(match[1])
}

/** The X-Justification header: why the user is consulting personal data (DPA 2018 s.62(3)). */
export function justificationOf(request: FastifyRequest): string | undefined {
  const value = request.headers['x-justification']
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}
