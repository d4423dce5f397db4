import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { authenticate, clearCookie, clientOf, cookieOf, sessionCookie, setCookie } from '../../api/authenticate.ts'
import type { ApiServer } from '../../api/route-kit.ts'
import { can } from '../../app/access.ts'
import type { Actor } from '../../app/actor.ts'
import {
  beginEnrolment,
  confirmEnrolment,
  extendSession,
  type PendingSignIn,
  passwordSignIn,
  pendingSignIn,
  SignInRefused,
  type SignInStep,
  sameSecret,
  sessionEndsAt,
  signOut,
  verifySecondFactor,
} from '../../app/authentication.ts'
import { authenticationRuntime } from '../../app/authentication-runtime.ts'
import type { AppContext } from '../../app/context.ts'
import { addError, formFields, noErrors, page } from '../page-kit.ts'
import { render } from '../view.ts'

// Signing in through the pages (docs/authentication.md): e-mail and password,
// then the code from the authenticator app (set up at the first sign-in), or
// the organisation's identity provider when one is configured. The services
// are those of the JSON sign-in routes, so lockout, rate limits, audit and
// sessions are the same. Every refusal of a credential reads the same.
//
// Before there is a session, the sign-in form is protected from cross-site
// posting (login CSRF) by a token in a SameSite=Strict cookie that the form
// must repeat.

const formCookie = '__Host-dasr-form'
const refusedCredentials =
  'Enter a correct email address, password and security code. Your account is locked for a while after 5 wrong attempts.'

/** Where to go after signing in: only a path on this service. */
export function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined
  if (value.startsWith('/sign-in') || value.startsWith('/sign-out')) return undefined
  return value
}

/** The page each role starts on. */
export function homeOf(actor: Actor): string {
  if (can(actor, 'task:read')) return '/caseload'
  if (can(actor, 'audit:search')) return '/audit'
  if (can(actor, 'user:administer')) return '/admin/users'
  return '/impact'
}

const nextOf = (request: FastifyRequest) =>
  safeNext((request.query as Record<string, unknown> | undefined)?.next) ??
  safeNext((request.body as Record<string, unknown> | undefined)?.next)

const withNext = (path: string, next: string | undefined) =>
  next === undefined ? path : `${path}?next=${encodeURIComponent(next)}`

function formToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = cookieOf(request, formCookie)
  if (existing !== undefined && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return existing
  const token = randomBytes(24).toString('base64url')
  setCookie(reply, formCookie, token, { sameSite: 'Strict' })
  return token
}

async function pendingOf(app: AppContext, request: FastifyRequest): Promise<PendingSignIn | undefined> {
  const token = cookieOf(request, sessionCookie)
  return token === undefined ? undefined : pendingSignIn(app, token, clientOf(request))
}

function refusalMessage(error: unknown): string {
  if (error instanceof SignInRefused) {
    if (error.reason === 'rate-limited') {
      return `There have been too many failed sign-ins from your network. Wait ${Math.ceil((error.retryAfterSeconds ?? 60) / 60)} minutes and try again.`
    }
    return refusedCredentials
  }
  throw error
}

function stepTo(reply: FastifyReply, step: SignInStep, next: string | undefined, home: () => string) {
  setCookie(reply, sessionCookie, step.sessionToken, { sameSite: 'Strict' })
  if (step.stage === 'totp') return reply.redirect(withNext('/sign-in/code', next), 303)
  if (step.stage === 'totp-enrol') return reply.redirect(withNext('/sign-in/set-up', next), 303)
  return reply.redirect(next ?? home(), 303)
}

/** What the timeout warning's script is told: whether the session is live, and for how many seconds (rounded up). */
function timeLeft(endsAt: Date | undefined, now: Date): { signedIn: boolean; secondsLeft: number } {
  if (endsAt === undefined) return { signedIn: false, secondsLeft: 0 }
  return { signedIn: true, secondsLeft: Math.max(0, Math.ceil((endsAt.getTime() - now.getTime()) / 1000)) }
}

const wantsJson = (request: FastifyRequest) => String(request.headers.accept ?? '').includes('application/json')

export function signInPages(server: ApiServer, app: AppContext): void {
  const oidcConfigured = () => authenticationRuntime(app).oidc !== undefined

  server.get('/', page({ public: true }), async (request, reply) => {
    const actor = await authenticate(app, request)
    return reply.redirect(actor === undefined ? '/sign-in' : homeOf(actor), 303)
  })

  server.get('/sign-in', page({ public: true }), async (request, reply) => {
    const actor = await authenticate(app, request)
    const next = nextOf(request)
    if (actor !== undefined) return reply.redirect(next ?? homeOf(actor), 303)
    const reason = (request.query as Record<string, unknown> | undefined)?.reason
    return render(request, reply, 'sign-in/password.njk', {
      pageTitle: 'Sign in',
      csrfToken: formToken(request, reply),
      next,
      oidc: oidcConfigured(),
      values: {},
      timedOut: reason === 'timed-out',
    })
  })

  server.post('/sign-in', page({ public: true }), async (request, reply) => {
    const fields = formFields(request.body)
    const next = nextOf(request)
    const expected = cookieOf(request, formCookie)
    const show = (errors: ReturnType<typeof noErrors>, status: number) =>
      render(
        request,
        reply,
        'sign-in/password.njk',
        {
          pageTitle: 'Sign in',
          csrfToken: formToken(request, reply),
          next,
          oidc: oidcConfigured(),
          values: { email: fields.email },
          ...errors,
        },
        status,
      )
    if (expected === undefined || fields._csrf === undefined || !sameSecret(fields._csrf, expected)) {
      return show(addError(noErrors(), 'email', 'Your sign-in page had expired. Enter your details again.'), 403)
    }
    const errors = noErrors()
    if ((fields.email ?? '').trim() === '') addError(errors, 'email', 'Enter your email address')
    if ((fields.password ?? '') === '') addError(errors, 'password', 'Enter your password')
    if (errors.errorList.length > 0) return show(errors, 422)
    try {
      const step = await passwordSignIn(
        app,
        { email: (fields.email ?? '').trim(), password: fields.password ?? '' },
        clientOf(request),
      )
      const previous = cookieOf(request, sessionCookie)
      if (previous !== undefined) await signOut(app, previous, clientOf(request))
      return stepTo(reply, step, next, () => '/')
    } catch (error) {
      return show(addError(noErrors(), 'email', refusalMessage(error)), 401)
    }
  })

  server.get('/sign-in/code', page({ public: true }), async (request, reply) => {
    const pending = await pendingOf(app, request)
    const next = nextOf(request)
    if (pending === undefined) return reply.redirect(withNext('/sign-in', next), 303)
    if (pending.stage === 'totp-enrol') return reply.redirect(withNext('/sign-in/set-up', next), 303)
    return render(request, reply, 'sign-in/code.njk', {
      pageTitle: 'Enter your security code',
      csrfToken: pending.session.csrf_token,
      next,
    })
  })

  server.post('/sign-in/code', page({ public: true }), async (request, reply) => {
    const fields = formFields(request.body)
    const next = nextOf(request)
    const pending = await pendingOf(app, request)
    if (pending === undefined || !sameSecret(fields._csrf ?? '', pending.session.csrf_token)) {
      return reply.redirect(withNext('/sign-in', next), 303)
    }
    const show = (message: string, status: number) =>
      render(
        request,
        reply,
        'sign-in/code.njk',
        {
          pageTitle: 'Enter your security code',
          csrfToken: pending.session.csrf_token,
          next,
          ...addError(noErrors(), 'code', message),
        },
        status,
      )
    const code = (fields.code ?? '').replace(/\s+/g, '')
    if (code === '') return show('Enter the security code from your authenticator app', 422)
    if (!/^\d{6}$/.test(code)) return show('Security code must be 6 numbers', 422)
    try {
      const step = await verifySecondFactor(app, pending, code, clientOf(request))
      return stepTo(reply, step, next, () => '/')
    } catch (error) {
      return show(refusalMessage(error), 401)
    }
  })

  server.get('/sign-in/set-up', page({ public: true }), async (request, reply) => {
    const pending = await pendingOf(app, request)
    const next = nextOf(request)
    if (pending === undefined) return reply.redirect(withNext('/sign-in', next), 303)
    if (pending.stage === 'totp') return reply.redirect(withNext('/sign-in/code', next), 303)
    return render(request, reply, 'sign-in/set-up.njk', {
      pageTitle: 'Set up your authenticator app',
      csrfToken: pending.session.csrf_token,
      next,
    })
  })

  // The secret is shown once, in the answer to this post (never in a URL or a GET).
  server.post('/sign-in/set-up', page({ public: true }), async (request, reply) => {
    const fields = formFields(request.body)
    const next = nextOf(request)
    const pending = await pendingOf(app, request)
    if (pending === undefined || !sameSecret(fields._csrf ?? '', pending.session.csrf_token)) {
      return reply.redirect(withNext('/sign-in', next), 303)
    }
    if (pending.stage === 'totp') return reply.redirect(withNext('/sign-in/code', next), 303)
    const code = (fields.code ?? '').replace(/\s+/g, '')
    const showSecret = async (message: string | undefined, status: number) => {
      const enrolment = await beginEnrolment(app, pending, clientOf(request))
      return render(
        request,
        reply,
        'sign-in/set-up-secret.njk',
        {
          pageTitle: 'Add the register to your authenticator app',
          csrfToken: pending.session.csrf_token,
          next,
          secret: enrolment.secret.replace(/(.{4})/g, '$1 ').trim(),
          otpauthUri: enrolment.otpauthUri,
          ...(message === undefined ? noErrors() : addError(noErrors(), 'code', message)),
        },
        status,
      )
    }
    if (fields.step !== 'confirm') return showSecret(undefined, 200)
    if (!/^\d{6}$/.test(code)) {
      return showSecret(
        code === '' ? 'Enter the security code from your authenticator app' : 'Security code must be 6 numbers',
        422,
      )
    }
    try {
      const step = await confirmEnrolment(app, pending, code, clientOf(request))
      return stepTo(reply, step, next, () => '/')
    } catch (error) {
      // A wrong first code: a new secret, since the one shown may have been mistyped into the app.
      return showSecret(`${refusalMessage(error)} Add the new key below to your app.`, 401)
    }
  })

  server.post('/sign-out', page({ signedIn: true }), async (request, reply) => {
    const token = cookieOf(request, sessionCookie)
    if (token !== undefined) await signOut(app, token, clientOf(request))
    clearCookie(reply, sessionCookie)
    return reply.redirect('/signed-out', 303)
  })

  // The timeout warning (WCAG 2.2.1, the HMRC "service timeout" pattern; the
  // script is assets/timeout-warning.mjs). Before it warns, it asks how long
  // the session has left: the question is not activity, so it is public and
  // never extends the session, and a session kept busy in another tab is not
  // cut short. "Stay signed in" posts with the session's CSRF token.
  server.get('/session/time-left', page({ public: true }), async (request, reply) => {
    const token = cookieOf(request, sessionCookie)
    const endsAt = token === undefined ? undefined : await sessionEndsAt(app, token, clientOf(request))
    return reply.header('cache-control', 'no-store').send(timeLeft(endsAt, authenticationRuntime(app).now()))
  })

  server.post('/session/extend', page({ signedIn: true }), async (request, reply) => {
    const token = cookieOf(request, sessionCookie)
    const endsAt = token === undefined ? undefined : await extendSession(app, token, clientOf(request))
    reply.header('cache-control', 'no-store')
    if (wantsJson(request)) return reply.send(timeLeft(endsAt, authenticationRuntime(app).now()))
    // A browser without the script never sees the warning; a form posted here anyway goes back to its page.
    return reply.redirect(safeNext((request.body as Record<string, unknown> | undefined)?.next) ?? '/', 303)
  })

  server.get('/signed-out', page({ public: true }), async (request, reply) =>
    render(request, reply, 'sign-in/signed-out.njk', { pageTitle: 'You have signed out' }),
  )
}
