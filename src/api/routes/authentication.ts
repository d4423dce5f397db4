import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  actorForSession,
  beginEnrolment,
  confirmEnrolment,
  type PendingSignIn,
  passwordSignIn,
  pendingSignIn,
  SignInRefused,
  type SignInStep,
  sameSecret,
  signOut,
  verifySecondFactor,
} from '../../app/authentication.ts'
import { authenticationRuntime } from '../../app/authentication-runtime.ts'
import type { AppContext } from '../../app/context.ts'
import { finishOidcSignIn, OidcRefused, startOidcSignIn } from '../../app/oidc.ts'
import {
  clearCookie,
  clientOf,
  cookieOf,
  csrfOfRequest,
  csrfTokenOf,
  oidcStateCookie,
  sessionCookie,
  setCookie,
} from '../authenticate.ts'
import { type Problem, sendProblem } from '../problem.ts'
import { responses } from '../responses.ts'
import type { ApiServer } from '../route-kit.ts'

// Signing in and out (docs/authentication.md). The sign-in routes are public
// and read the session cookie themselves; GET /auth/session is for anyone
// signed in. Every refusal of a credential is the same 401 with the same body,
// whatever was wrong (ASVS 6.3.8).

const tags = ['authentication']
const problems = 'https://dasr.example/problems/'

const signInFailed: Problem = {
  type: `${problems}sign-in-failed`,
  title: 'Sign-in failed',
  status: 401,
  detail: 'the e-mail address, password or code is not right, or the account cannot sign in now',
}

const noSignIn: Problem = {
  type: `${problems}unauthenticated`,
  title: 'Sign in first',
  status: 401,
  detail: 'no sign-in in progress in this browser (it may have timed out): start again at POST /auth/login',
}

const badCsrf: Problem = {
  type: `${problems}csrf`,
  title: 'Not allowed',
  status: 403,
  detail: 'a form or request from a signed-in browser must carry the CSRF token (X-CSRF-Token or _csrf)',
}

const step = z.strictObject({
  stage: z.enum(['totp', 'totp-enrol', 'complete']).describe('What the browser must do next'),
  csrfToken: z.string().describe('Send it as X-CSRF-Token (or a _csrf form field) with every state-changing request'),
  expiresAt: z.iso.datetime().describe('When this step, or the session if complete, ends unless used'),
})

const enrolment = z.strictObject({
  secret: z.string().describe('The TOTP secret in base32, to type into an authenticator app; shown once'),
  otpauthUri: z.string().describe('The same as an otpauth:// URI (for a QR code)'),
})

const sessionInfo = z.strictObject({
  user: z.strictObject({
    id: z.string(),
    displayName: z.string(),
    organisationId: z.string(),
    organisationKind: z.string(),
    roles: z.array(z.string()),
  }),
  via: z.enum(['session', 'token']),
  csrfToken: z.string().nullable().describe('For a browser session; null for an API token, which needs none'),
  scopes: z.array(z.string()).nullable(),
})

const code = z.string().min(1).max(16).describe('The 6-digit code from the authenticator app')
const csrfField = z.string().max(128).optional().describe('The CSRF token, for a form post')

const html = {
  description: 'A page that takes the browser on, same-site (so the SameSite=Strict cookie is sent)',
  content: { 'text/html': { schema: z.string().meta({ contentMediaType: 'text/html' }) } },
}

const expiresIn = (at: Date) => at.toISOString()

function sendStep(reply: FastifyReply, result: SignInStep) {
  setCookie(reply, sessionCookie, result.sessionToken, { sameSite: 'Strict' })
  return { stage: result.stage, csrfToken: result.csrfToken, expiresAt: expiresIn(result.expiresAt) }
}

function refusal(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof SignInRefused) {
    if (error.reason === 'rate-limited') {
      reply.header('retry-after', String(error.retryAfterSeconds ?? 60))
      return sendProblem(reply, {
        type: `${problems}too-many-requests`,
        title: 'Too many failed sign-ins from your address',
        status: 429,
        detail: 'wait and try again (see Retry-After)',
      })
    }
    if (error.reason === 'no-sign-in') return sendProblem(reply, noSignIn)
    if (error.reason === 'enrol-first' || error.reason === 'already-enrolled') {
      return sendProblem(reply, {
        type: `${problems}conflict`,
        title: 'Conflict with the sign-in',
        status: 409,
        detail:
          error.reason === 'enrol-first'
            ? 'enrol an authenticator first: POST /auth/totp/enrol'
            : 'an authenticator is already enrolled: POST /auth/totp with its code',
      })
    }
    return sendProblem(reply, signInFailed)
  }
  if (error instanceof OidcRefused) {
    if (error.reason === 'not-configured') {
      return sendProblem(reply, {
        type: `${problems}not-found`,
        title: 'Not found',
        status: 404,
        detail: 'no identity provider is configured',
      })
    }
    return sendProblem(reply, { ...signInFailed, detail: 'signing in with your organisation’s account failed' })
  }
  throw error
}

/** The sign-in in progress in this browser, with its CSRF token checked; a reply already sent if not. */
async function pendingWithCsrf(
  app: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PendingSignIn | FastifyReply> {
  const token = cookieOf(request, sessionCookie)
  const pending = token === undefined ? undefined : await pendingSignIn(app, token, clientOf(request))
  if (pending === undefined) return sendProblem(reply, noSignIn)
  const given = csrfTokenOf(request)
  if (given === undefined || !sameSecret(given, pending.session.csrf_token)) return sendProblem(reply, badCsrf)
  return pending
}

const isReply = (value: PendingSignIn | FastifyReply): value is FastifyReply => !('session' in value)

export function authenticationRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with an e-mail address and password; the second factor follows',
        body: z.strictObject({ email: z.string().max(320), password: z.string().max(1024), _csrf: csrfField }),
        response: responses(200, step, 422),
      },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      try {
        const step = await passwordSignIn(
          app,
          { email: request.body.email, password: request.body.password },
          clientOf(request),
        )
        // The session this browser held before, if any, ends: one browser, one session.
        const previous = cookieOf(request, sessionCookie)
        if (previous !== undefined) await signOut(app, previous, clientOf(request))
        return sendStep(reply, step)
      } catch (error) {
        return refusal(reply, error)
      }
    },
  )

  server.post(
    '/auth/totp',
    {
      schema: {
        tags,
        summary: 'Give the code from the enrolled authenticator; completes the sign-in with a new session token',
        body: z.strictObject({ code, _csrf: csrfField }),
        response: responses(200, step, 409, 422),
      },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      const pending = await pendingWithCsrf(app, request, reply)
      if (isReply(pending)) return pending
      try {
        return sendStep(reply, await verifySecondFactor(app, pending, request.body.code, clientOf(request)))
      } catch (error) {
        return refusal(reply, error)
      }
    },
  )

  server.post(
    '/auth/totp/enrol',
    {
      schema: {
        tags,
        summary:
          'First sign-in: without a code, get a new TOTP secret; with a code from it, confirm it and complete the sign-in',
        body: z.strictObject({ code: code.optional(), _csrf: csrfField }).optional(),
        response: responses(200, z.union([enrolment, step]), 409, 422),
      },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      const pending = await pendingWithCsrf(app, request, reply)
      if (isReply(pending)) return pending
      try {
        const given = request.body?.code
        if (given === undefined) return await beginEnrolment(app, pending, clientOf(request))
        return sendStep(reply, await confirmEnrolment(app, pending, given, clientOf(request)))
      } catch (error) {
        return refusal(reply, error)
      }
    },
  )

  server.get(
    '/auth/sign-in',
    {
      schema: {
        tags,
        summary: 'Where the sign-in in progress in this browser stands (after the password or the identity provider)',
        response: responses(200, step),
      },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      const token = cookieOf(request, sessionCookie)
      const pending = token === undefined ? undefined : await pendingSignIn(app, token, clientOf(request))
      if (pending === undefined) return sendProblem(reply, noSignIn)
      return {
        stage: pending.stage,
        csrfToken: pending.session.csrf_token,
        expiresAt: expiresIn(pending.session.absolute_expires_at),
      }
    },
  )

  server.post(
    '/auth/logout',
    {
      schema: {
        tags,
        summary: 'Sign out: the session ends on the server at once',
        body: z.strictObject({ _csrf: csrfField }).optional(),
        response: responses(200, z.strictObject({ signedOut: z.boolean() })),
      },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      const token = cookieOf(request, sessionCookie)
      if (token === undefined) return { signedOut: false }
      // A cross-site page must not be able to sign anyone out either.
      const live =
        (await actorForSession(app, token, clientOf(request))) ?? (await pendingSignIn(app, token, clientOf(request)))
      if (live !== undefined) {
        const expected = 'csrfToken' in live ? live.csrfToken : live.session.csrf_token
        const given = csrfTokenOf(request)
        if (given === undefined || !sameSecret(given, expected)) return sendProblem(reply, badCsrf)
      }
      clearCookie(reply, sessionCookie)
      return { signedOut: await signOut(app, token, clientOf(request)) }
    },
  )

  server.get(
    '/auth/session',
    {
      schema: {
        tags,
        summary: 'Who is signed in, their roles, and the CSRF token for the browser session',
        response: responses(200, sessionInfo),
      },
      config: { access: { signedIn: true } },
    },
    async (request) => {
      const actor = request.actor
      if (actor === undefined) throw new Error('unreachable: the route requires a signed-in actor')
      const csrf = csrfOfRequest(request)
      return {
        user: {
          id: actor.userId,
          displayName: actor.displayName,
          organisationId: actor.organisationId,
          organisationKind: actor.organisationKind,
          roles: [...actor.roles],
        },
        via: csrf === undefined ? ('token' as const) : ('session' as const),
        csrfToken: csrf ?? null,
        scopes: actor.scopes === undefined ? null : [...actor.scopes],
      }
    },
  )

  server.get(
    '/auth/oidc/start',
    {
      schema: {
        tags,
        summary: "Sign in with your organisation's identity provider (redirects there)",
        response: {
          ...responses(200, html, 404),
          303: z.null().describe("To the identity provider's authorization endpoint (Location)"),
        },
      },
      config: { access: { public: true } },
    },
    async (_request, reply) => {
      try {
        const started = await startOidcSignIn(app)
        setCookie(reply, oidcStateCookie, started.state, { sameSite: 'Lax', maxAgeSeconds: started.maxAgeSeconds })
        return reply.redirect(started.authorizationUrl, 303)
      } catch (error) {
        return refusal(reply, error)
      }
    },
  )

  server.get(
    '/auth/oidc/callback',
    {
      schema: {
        tags,
        summary: 'Where the identity provider sends the browser back (code, state)',
        querystring: z.record(z.string(), z.string()),
        response: responses(200, html, 404),
      },
      config: { access: { public: true } },
    },
    async (request, reply) => {
      clearCookie(reply, oidcStateCookie, 'Lax')
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
      try {
        const result = await finishOidcSignIn(
          app,
          { query, stateCookie: cookieOf(request, oidcStateCookie) },
          clientOf(request),
        )
        setCookie(reply, sessionCookie, result.sessionToken, { sameSite: 'Strict' })
        const next = authenticationRuntime(app).oidc?.postLoginPath ?? '/'
        // A page, not a redirect: a redirect here would still be part of the
        // provider's cross-site navigation, and the browser would withhold the
        // new SameSite=Strict cookie from it.
        const target = escapeHtml(next)
        return reply
          .type('text/html; charset=utf-8')
          .send(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>Signed in</title></head><body><p><a href="${target}">Continue</a></p></body></html>`,
          )
      } catch (error) {
        return refusal(reply, error)
      }
    },
  )
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )
