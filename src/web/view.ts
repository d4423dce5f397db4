import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import nunjucks from 'nunjucks'
import { csrfOfRequest } from '../api/authenticate.ts'
import { can } from '../app/access.ts'
import type { Actor } from '../app/actor.ts'
import { authenticationRuntime } from '../app/authentication-runtime.ts'
import type { AppContext } from '../app/context.ts'
import { formatDayLong, parseDay } from '../domain/dates/day.ts'

// Pages are Nunjucks templates on the GOV.UK and MoJ design systems, rendered
// on the server. Every page gets the same frame: who is signed in, the
// navigation their roles open, the CSRF token for its forms and the CSP nonce
// for its one inline script, and the session's timings for the timeout
// warning. Autoescaping is on; `| safe` is used only on HTML the templates
// build themselves.

const require = createRequire(import.meta.url)
const searchPaths = [
  join(import.meta.dirname, 'views'),
  join(dirname(require.resolve('govuk-frontend/package.json')), 'dist'),
  dirname(require.resolve('@ministryofjustice/frontend/package.json')),
]

export const serviceName = 'Domestic abuse and stalking register'

let environment: nunjucks.Environment | undefined

export function views(): nunjucks.Environment {
  if (environment !== undefined) return environment
  environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(searchPaths, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  })
  environment.addFilter('ukDate', ukDate)
  environment.addFilter('ukDateTime', ukDateTime)
  return environment
}

/** "2026-11-24" → "24 November 2026" (the GOV.UK style); anything else as it is. */
export function ukDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value)
  const parsed = parseDay(text.slice(0, 10))
  return parsed === undefined ? text : formatDayLong(parsed)
}

/** A moment, in London time: "24 November 2026 at 3:05pm". */
export function ukDateTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  const date = value instanceof Date ? value : new Date(String(value))
  if (Number.isNaN(date.getTime())) return String(value)
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${String(parts.dayPeriod).toLowerCase()}`
}

export interface NavigationItem {
  text: string
  href: string
  active: boolean
}

/** The primary navigation: only what the signed-in user's roles open. */
export function navigationFor(actor: Actor | undefined, path: string): NavigationItem[] {
  if (actor === undefined) return []
  const items: { text: string; href: string; show: boolean }[] = [
    { text: 'Caseload', href: '/caseload', show: can(actor, 'person:read') },
    { text: 'Search', href: '/search', show: can(actor, 'person:search') },
    { text: 'Add a person', href: '/people/new', show: can(actor, 'person:write') },
    { text: 'Impact assessment', href: '/impact', show: true },
    { text: 'Audit trail', href: '/audit', show: can(actor, 'audit:search') },
    { text: 'Users', href: '/admin/users', show: can(actor, 'user:administer') },
  ]
  return items
    .filter((item) => item.show)
    .map(({ text, href }) => ({ text, href, active: path === href || path.startsWith(`${href}/`) }))
}

/** "30 minutes", "1 minute", "45 seconds", "12 hours": a length of time in words. */
export function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  const [amount, unit] =
    whole % 3600 === 0 && whole > 0
      ? [whole / 3600, 'hour']
      : whole % 60 === 0 && whole > 0
        ? [whole / 60, 'minute']
        : whole >= 120
          ? [Math.round(whole / 60), 'minute']
          : [whole, 'second']
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`
}

/** Seconds before the end of a session that the warning appears: 2 minutes, and never less than 20 seconds (WCAG 2.2.1). */
export const warningSecondsFor = (idleSeconds: number) => Math.min(120, Math.max(20, Math.floor(idleSeconds / 2)))

/** The application behind each server's pages, for the settings every page shows (the session's timings). */
const applications = new WeakMap<object, AppContext>()

export function pagesOf(server: object, app: AppContext): void {
  applications.set(server, app)
}

/**
 * The session's timings, from the sign-in settings: in words for every page
 * (which works without JavaScript), and in seconds for the timeout warning's
 * script on a page a session signed in.
 */
function sessionTimings(request: FastifyRequest) {
  const app = applications.get(request.server)
  if (app === undefined) return {}
  const { settings } = authenticationRuntime(app)
  const idleSeconds = Math.round(settings.sessionIdleMinutes * 60)
  const signedInBySession = request.actor !== undefined && csrfOfRequest(request) !== undefined
  return {
    sessionLimits: {
      idle: duration(idleSeconds),
      absolute: duration(settings.sessionAbsoluteHours * 3600),
      warning: duration(warningSecondsFor(idleSeconds)),
    },
    timeoutWarning: signedInBySession
      ? {
          idleSeconds,
          warningSeconds: warningSecondsFor(idleSeconds),
          // "Last seen" is written at most this often, so a session may end this much sooner than the page thinks.
          slackSeconds: settings.lastSeenEverySeconds,
        }
      : undefined,
  }
}

export interface PageContext {
  [key: string]: unknown
}

/** Renders a page into the reply, with the frame every page shares. */
export function render(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  context: PageContext = {},
  status = 200,
): FastifyReply {
  const actor = request.actor
  const path = request.url.split('?')[0] ?? '/'
  const html = views().render(template, {
    serviceName,
    cspNonce: reply.cspNonce,
    csrfToken: csrfOfRequest(request) ?? context.csrfToken,
    actor,
    navigation: navigationFor(actor, path),
    currentPath: path,
    ...sessionTimings(request),
    ...context,
  })
  return reply.code(status).type('text/html; charset=utf-8').send(html)
}
