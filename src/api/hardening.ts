import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../app/actor.ts'
import { type Problem, problemFor, sendProblem } from './problem.ts'
import type { ApiServer } from './route-kit.ts'

// Browser and API hardening (docs/hardening.md): security headers with a
// per-response CSP nonce, strict request parsing and size limits, header
// injection refused, rate limits per IP and per actor, and errors that never
// show a message or a stack. Registered by server.ts before any route, so
// every route, and every route added later, is born inside it.

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonce: a page's inline <script>/<style> carries nonce="…" with it (ASVS 3.4.3). */
    cspNonce: string
  }
  interface FastifyContextConfig {
    /**
     * The route takes HTML form posts (application/x-www-form-urlencoded): the
     * web pages. JSON API routes leave it unset, so a cross-site form cannot
     * post to them (a form needs no CORS preflight).
     */
    forms?: true
    /** A static asset: keeps the Cache-Control it sets. Everything else is `no-store` (ASVS 14.3.2). */
    staticAsset?: true
  }
}

export interface HardeningOptions {
  /** Rate limits; false turns them off (a test that counts its own requests). */
  rateLimit?: RateLimitSettings | false
  /**
   * Records a refused request of a signed-in actor (a body breaking a rule)
   * in the audit trail, as a failed authorisation (ASVS 16.3.2, 16.3.3). A
   * request refused before sign-in is known (a bad header, a bad URL) is
   * logged only: there is no actor to name.
   */
  auditRefusal?: (actor: Actor, detail: { rule: string; route: string }) => Promise<void>
}

export interface RateLimitSettings {
  /** Requests per IP per window, before authentication: everyone behind one force's proxy shares it. */
  perIp: number
  /** Requests per signed-in actor per window. */
  perActor: number
  /** The window in milliseconds. */
  windowMs: number
}

export const limits = {
  /** Deepest JSON nesting accepted (objects and arrays). The deepest real body (a notification's facts) is 5. */
  jsonDepth: 32,
  /** Most object members plus array elements in one body. */
  jsonValues: 10_000,
  /** Largest body for a route that does not set its own (photographs do). */
  bodyBytes: 256 * 1024,
  /** Largest photograph upload: 5 MiB of image as base64, and the rest of the body. */
  photographBodyBytes: 8 * 1024 * 1024,
  /** Longest request target (path and query). */
  urlLength: 2048,
  /** Most request headers, and the largest request head (line and headers) Node reads. */
  headerCount: 64,
  headerBytes: 16 * 1024,
  /** Whole request timeout: a slow sender cannot hold a connection (slowloris). */
  requestTimeoutMs: 30_000,
} as const

export const defaultRateLimit: RateLimitSettings = { perIp: 3000, perActor: 300, windowMs: 60_000 }

const problems = 'https://dasr.example/problems/'

/** A request refused before any route ran; the error handler sends its problem as it is. */
export class RefusedRequest extends Error {
  readonly problem: Problem
  readonly statusCode: number
  constructor(problem: Problem) {
    super(problem.title)
    this.name = 'RefusedRequest'
    this.problem = problem
    this.statusCode = problem.status
  }
}

const invalidBody = (rule: string, message: string) =>
  new RefusedRequest({
    type: `${problems}invalid-body`,
    title: 'The request body breaks a rule of this API',
    status: 400,
    rule,
    errors: [{ in: 'body', field: '$', message }],
  })

/**
 * Counts nesting and values in JSON text without building it, so a hostile
 * body is refused after one linear pass, before any parser recurses into it
 * (ASVS 1.5.2, 15.3 resource limits). Strings are skipped, escapes included.
 */
export function jsonShapeProblem(text: string): RefusedRequest | undefined {
  let depth = 0
  let values = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
      continue
    }
    if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++
      if (depth > limits.jsonDepth) {
        return invalidBody('json-depth', `is nested deeper than ${limits.jsonDepth} levels`)
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
    else if (c === 44 /* , */ || c === 58 /* : */) {
      values++
      if (values > limits.jsonValues) {
        return invalidBody('json-size', `has more than ${limits.jsonValues} members and elements`)
      }
    }
  }
  return undefined
}

/** Keys that would reach an object's prototype if a body were ever merged into another object (ASVS 1.5.2). */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Text the register cannot store faithfully: PostgreSQL refuses NUL in text
 * and jsonb, and an unpaired UTF-16 surrogate has no UTF-8 form. Both are
 * valid JSON, so they are refused here, by rule, instead of failing in the
 * database (found by the fuzz run: they were 500s).
 */
export const unstorableText = (text: string) => text.includes('\u0000') || !text.isWellFormed()

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw invalidBody('json-empty', 'is empty; send a JSON value, or no Content-Type')
  const shape = jsonShapeProblem(text)
  if (shape !== undefined) throw shape
  let forbidden: string | undefined
  let unstorable = false
  let value: unknown
  try {
    value = JSON.parse(text, (key, member) => {
      if (forbiddenKeys.has(key)) forbidden ??= key
      if (unstorableText(key) || (typeof member === 'string' && unstorableText(member))) unstorable = true
      return member
    })
  } catch {
    // The parser's own message quotes the body; the rule is enough.
    throw invalidBody('json-syntax', 'is not valid JSON')
  }
  if (forbidden !== undefined) {
    throw invalidBody('json-forbidden-key', `has a member named ${JSON.stringify(forbidden)}, which is never accepted`)
  }
  if (unstorable) {
    throw invalidBody('json-text', 'has text with a NUL character or an unpaired surrogate, which cannot be stored')
  }
  return value
}

/**
 * An HTML form body, for the routes that declare `config.forms` (the web
 * pages, with their CSRF check). Repeated fields become arrays; the result has
 * no prototype, and the same key rules as JSON apply.
 */
export function parseFormBody(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  let count = 0
  for (const [key, value] of new URLSearchParams(text)) {
    if (++count > limits.jsonValues) {
      throw invalidBody('form-size', `has more than ${limits.jsonValues} fields`)
    }
    if (forbiddenKeys.has(key)) {
      throw invalidBody('form-forbidden-key', `has a field named ${JSON.stringify(key)}, which is never accepted`)
    }
    if (unstorableText(key) || unstorableText(value)) {
      throw invalidBody('form-text', 'has text with a NUL character or an unpaired surrogate, which cannot be stored')
    }
    const before = out[key]
    out[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value]
  }
  return out
}

/** Request headers the API reads, with the longest value each may have. */
const readHeaders: Record<string, { name: string; maxLength: number }> = {
  authorization: { name: 'Authorization', maxLength: 1024 },
  'idempotency-key': { name: 'Idempotency-Key', maxLength: 255 },
  'if-match': { name: 'If-Match', maxLength: 128 },
  'x-justification': { name: 'X-Justification', maxLength: 1000 },
}

// Control characters (CR, LF, NUL, DEL…) and anything outside Latin-1 as Node
// reads it: a value the API copies into a header, a log line or the audit
// trail must not be able to split it (ASVS 16.4.1, header injection).
const hasControlCharacter = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

/** The first header the API reads whose value is unsafe, as a problem; undefined when all are fine. */
export function headerProblem(request: FastifyRequest): Problem | undefined {
  const errors: { in: string; field: string; message: string }[] = []
  for (const [key, { name, maxLength }] of Object.entries(readHeaders)) {
    const value = request.headers[key]
    if (value === undefined) continue
    if (Array.isArray(value)) errors.push({ in: 'headers', field: name, message: 'must be sent once' })
    else if (hasControlCharacter(value))
      errors.push({ in: 'headers', field: name, message: 'must not contain control characters (CR, LF, NUL…)' })
    else if (value.length > maxLength)
      errors.push({ in: 'headers', field: name, message: `must be at most ${maxLength} characters` })
  }
  if (errors.length === 0) return undefined
  return {
    type: `${problems}invalid-header`,
    title: 'A request header breaks a rule of this API',
    status: 400,
    rule: 'header-value',
    errors,
  }
}

/** A path or query value with text the register cannot store (see `unstorableText`), as a problem. */
export function urlTextProblem(request: FastifyRequest): Problem | undefined {
  const errors: { in: string; field: string; message: string }[] = []
  const check = (where: string, values: unknown) => {
    if (typeof values !== 'object' || values === null) return
    for (const [name, value] of Object.entries(values)) {
      const texts = Array.isArray(value) ? value : [value]
      if (texts.some((text) => typeof text === 'string' && unstorableText(text))) {
        errors.push({ in: where, field: name, message: 'must not contain a NUL character or an unpaired surrogate' })
      }
    }
  }
  check('params', request.params)
  check('query', request.query)
  if (errors.length === 0) return undefined
  return {
    type: `${problems}invalid-parameter`,
    title: 'A path or query value breaks a rule of this API',
    status: 400,
    rule: 'url-text',
    errors,
  }
}

/** The Content-Security-Policy of a response (ASVS 3.4.3 L3: a fresh nonce per response; 3.4.6 frame-ancestors). */
export const contentSecurityPolicy = (nonce: string) =>
  [
    "default-src 'self'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ')

/** Browser features the register never uses, switched off for it and anything it might embed. */
const permissionsPolicy = [
  'accelerometer',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'magnetometer',
  'microphone',
  'payment',
  'usb',
  'interest-cohort',
]
  .map((feature) => `${feature}=()`)
  .join(', ')

const fixedHeaders: Record<string, string> = {
  // ASVS 3.4.1: two years, subdomains too (the register is served only over TLS).
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  // ASVS 3.4.4 and 4.1.1: the declared Content-Type is the only reading.
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': permissionsPolicy,
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
}

/** The problem sent for any 5xx: a reference to quote, nothing else (ASVS 16.5.1). */
export const internalProblem = (request: FastifyRequest): Problem => ({
  type: `${problems}internal`,
  title: 'Something went wrong on our side',
  status: 500,
  detail: `Quote reference ${request.id} if you report this.`,
  correlationId: request.id,
})

/**
 * The API's error handler: every error leaves as a problem document, every
 * 5xx as the generic one. It is also the last resort (ASVS 16.5.4): if building
 * the problem fails, a fixed body is sent, so Fastify's own handler, which
 * would show the error's message, is never reached.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  try {
    if (error instanceof RefusedRequest) return sendProblem(reply, error.problem)
    const problem = problemFor(error, request)
    return sendProblem(reply, problem.status >= 500 ? internalProblem(request) : problem)
  } catch (failure) {
    request.log.error({ err: failure }, 'the error handler failed')
    return reply
      .code(500)
      .type('application/problem+json')
      .send(JSON.stringify({ type: `${problems}internal`, title: 'Something went wrong on our side', status: 500 }))
  }
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot read, or a path
 * parameter longer than the router takes, would otherwise be answered by
 * Fastify's own body, without the problem format (and, since no hook runs,
 * without the security headers): this answers them like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No hook runs for these, so the headers are set here.
  secureHeaders(request, reply)
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, {
      type: `${problems}uri-too-long`,
      title: 'The request URL is too long',
      status: 414,
      detail: 'a part of the path is longer than any id this API gives',
    })
  } else if (error.code === 'FST_ERR_BAD_URL') {
    sendProblem(reply, {
      type: `${problems}bad-request`,
      title: 'Bad request',
      status: 400,
      detail: 'the URL is not valid percent-encoded UTF-8',
    })
  } else {
    sendProblem(reply, internalProblem(request))
  }
}

/**
 * Fastify's `clientErrorHandler`: what Node refuses before there is a request
 * (a head over the size limit, a malformed request line, a sender too slow)
 * is answered as a problem document with the same headers, then the
 * connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, reason, title] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request head is too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive']
        : [400, 'Bad Request', 'The request is not valid HTTP']
  const body = JSON.stringify({ type: `${problems}${status === 400 ? 'bad-request' : 'client-error'}`, title, status })
  const headers = {
    ...fixedHeaders,
    'content-security-policy': contentSecurityPolicy(randomNonce()),
    'cache-control': 'no-store',
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  }
  if (socket.writable) {
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n')
    socket.write(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

/** Adds the hardening to the server: call before any route is declared. */
export async function registerHardening(server: ApiServer, options: HardeningOptions = {}): Promise<void> {
  // Node's own limits on the request head and on slow senders. These apply on a
  // real socket; `inject` bypasses them, so the same limits are checked below too.
  server.server.maxHeadersCount = limits.headerCount * 2
  // Node reads this property for each new connection (it is the createServer option of that name).
  ;(server.server as { maxHeaderSize?: number }).maxHeaderSize = limits.headerBytes
  server.server.requestTimeout = limits.requestTimeoutMs
  server.server.headersTimeout = Math.min(limits.requestTimeoutMs, 20_000)

  server.decorateReply('cspNonce', '')

  // Only JSON, and HTML forms on the routes that ask for them: anything else is 415.
  server.removeAllContentTypeParsers()
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (request.routeOptions.config.forms !== true) {
      done(unsupportedMediaType(request.headers['content-type']), undefined)
      return
    }
    try {
      done(null, parseFormBody(body as string))
    } catch (error) {
      done(error as Error, undefined)
    }
  })

  // Every route gets the small body limit unless it sets its own (photographs).
  server.addHook('onRoute', (route) => {
    route.bodyLimit ??= limits.bodyBytes
  })

  server.addHook('onRequest', async (request, reply) => {
    reply.cspNonce = randomBytes(16).toString('base64')
    if (request.url.length > limits.urlLength) {
      return sendProblem(reply, {
        type: `${problems}uri-too-long`,
        title: 'The request URL is too long',
        status: 414,
        detail: `at most ${limits.urlLength} characters`,
      })
    }
    if (request.raw.rawHeaders.length / 2 > limits.headerCount) {
      return sendProblem(reply, {
        type: `${problems}too-many-headers`,
        title: 'The request has too many headers',
        status: 431,
        detail: `at most ${limits.headerCount} headers`,
      })
    }
    const bad = headerProblem(request) ?? urlTextProblem(request)
    if (bad !== undefined) {
      // ASVS 16.3.3: an attempt past input validation is a security event (its values are not logged).
      request.log.warn({ rule: bad.rule, url: request.routeOptions.url }, 'request refused')
      return sendProblem(reply, bad)
    }
    // A body with no Content-Type is not guessed at (ASVS 4.1.1).
    if (request.headers['content-type'] === undefined && hasBody(request)) {
      return sendProblem(reply, unsupportedMediaType(undefined).problem)
    }
  })

  // ASVS 14.3.2 and 3.4: every response, error or not, carries the headers.
  server.addHook('onSend', async (request, reply, payload) => {
    secureHeaders(request, reply)
    return payload
  })

  // A body refused by rule, after sign-in: logged, and audited as a failed authorisation.
  server.addHook('onError', async (request, _reply, error) => {
    const rule =
      error instanceof RefusedRequest
        ? error.problem.rule
        : (error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'body-size'
          : undefined
    if (typeof rule !== 'string') return
    const route = `${request.method} ${request.routeOptions.url ?? ''}`
    request.log.warn({ rule, route }, 'request refused')
    if (request.actor !== undefined && options.auditRefusal !== undefined) {
      await options.auditRefusal(request.actor, { rule, route })
    }
  })

  if (options.rateLimit !== false) await rateLimits(server, options.rateLimit ?? defaultRateLimit)
}

const randomNonce = () => randomBytes(16).toString('base64')

function secureHeaders(request: FastifyRequest, reply: FastifyReply): void {
  for (const [name, value] of Object.entries(fixedHeaders)) reply.header(name, value)
  reply.header('content-security-policy', contentSecurityPolicy(reply.cspNonce || randomNonce()))
  if (request.routeOptions?.config?.staticAsset !== true || !reply.hasHeader('cache-control')) {
    reply.header('cache-control', 'no-store')
  }
  reply.header('x-request-id', request.id)
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  if (length !== undefined) return length !== '0'
  return request.headers['transfer-encoding'] !== undefined
}

function unsupportedMediaType(contentType: string | undefined): RefusedRequest {
  return new RefusedRequest({
    type: `${problems}unsupported-media-type`,
    title: 'Send JSON',
    status: 415,
    detail:
      contentType === undefined
        ? 'the request has a body but no Content-Type; send Content-Type: application/json'
        : 'this route accepts only Content-Type: application/json',
  })
}

/**
 * ASVS 2.4.1 (anti-automation, against bulk extraction) and 6.1.1: a limit per
 * client address before sign-in, and one per actor after it. The counters are
 * in this process's memory (@fastify/rate-limit's store): several instances
 * behind a load balancer each count their own share.
 */
async function rateLimits(server: ApiServer, settings: RateLimitSettings): Promise<void> {
  await server.register(fastifyRateLimit, { global: false })
  const byIp = server.createRateLimit({
    max: settings.perIp,
    timeWindow: settings.windowMs,
    keyGenerator: (request) => `ip:${request.ip}`,
  })
  const byActor = server.createRateLimit({
    max: settings.perActor,
    timeWindow: settings.windowMs,
    keyGenerator: (request) => `actor:${request.actor?.userId}`,
  })
  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    result: { ttlInSeconds: number; max: number },
    who: string,
  ) => {
    request.log.warn({ who, max: result.max }, 'rate limit reached')
    reply.header('retry-after', String(result.ttlInSeconds))
    return sendProblem(reply, {
      type: `${problems}rate-limited`,
      title: 'Too many requests',
      status: 429,
      detail: `at most ${result.max} requests a minute per ${who}; try again in ${result.ttlInSeconds} seconds`,
    })
  }
  server.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return
    const result = await byIp(request)
    if (!result.isAllowed && result.isExceeded) return refuse(request, reply, result, 'address')
  })
  // After authentication (the access hook is an onRequest hook): the actor is known.
  server.addHook('preValidation', async (request, reply) => {
    if (request.actor === undefined) return
    const result = await byActor(request)
    if (!result.isAllowed && result.isExceeded) return refuse(request, reply, result, 'user')
  })
}
