import fastifySwagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import { can } from '../app/access.ts'
import { type AppContext, audit } from '../app/context.ts'
import { fallbackMessages } from '../contracts/explain-input.ts'
import { schemaVersion } from '../store/migrate.ts'
import { webPages } from '../web/pages.ts'
import { authenticate, csrfGuard } from './authenticate.ts'
import {
  clientErrorHandler,
  errorHandler,
  frameworkErrors,
  type HardeningOptions,
  registerHardening,
} from './hardening.ts'
import { sendProblem } from './problem.ts'
import type { RouteAccess } from './route-kit.ts'
import { auditRoutes } from './routes/audit.ts'
import { authenticationRoutes } from './routes/authentication.ts'
import { caseloadSearchRoutes } from './routes/caseload-search.ts'
import { complianceRoutes } from './routes/compliance.ts'
import { peopleRoutes } from './routes/people.ts'
import { registrationRoutes } from './routes/registration.ts'
import { retentionRoutes } from './routes/retention.ts'
import { sharingRoutes } from './routes/sharing.ts'
import { userRoutes } from './routes/users.ts'
import { victimRoutes } from './routes/victims.ts'

// The JSON API. Every route declares its access (src/api/route-kit.ts): a
// route without a declaration is refused for everyone, a route that is not
// public needs a signed-in actor, and a route naming an action is refused
// early to roles that may not take it. The service behind each route checks
// again, with the records and fields in view, so the API, the pages and the
// CLI cannot disagree.

export interface ServerOptions {
  app: AppContext
  logger?: boolean
  /** Largest request body in bytes (photographs arrive base64 in JSON). */
  bodyLimit?: number
  /** Addresses of trusted reverse proxies (DASR_TRUST_PROXY, comma-separated). */
  trustProxy?: string[]
  /** Rate limits and the like (src/api/hardening.ts); the defaults suit production. */
  hardening?: HardeningOptions
  /** The web pages (src/web); on unless false. */
  pages?: boolean
}

/** Zod validation with the contracts' messages, and one entry per unknown key. */
const validatorCompiler =
  ({ schema }: { schema: z.ZodType }) =>
  (data: unknown) => {
    const result = schema.safeParse(data, { error: fallbackMessages })
    if (result.success) return { value: result.data }
    const entries = result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ message: issue.message, params: { path: [...issue.path, key] } }))
        : [{ message: issue.message, params: { path: issue.path } }],
    )
    const error = new Error('validation failed') as Error & { validation: unknown }
    error.validation = entries
    return { error }
  }

/** Every route's declared access, by "METHOD /url", for the authorisation matrix. */
export function routeAccess(server: FastifyInstance): Map<string, RouteAccess | undefined> {
  return (server as unknown as { [declarations]: Map<string, RouteAccess | undefined> })[declarations]
}
const declarations = Symbol('route declarations')

/** The "METHOD /url" of every web page route (config.page), for the pages' own access test. */
export function pageRoutes(server: FastifyInstance): Set<string> {
  return (server as unknown as { [pages]: Set<string> })[pages]
}
const pages = Symbol('page routes')

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { app } = options
  const server = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 8 * 1024 * 1024,
    // Request ids in logs and problem documents, never from the client.
    genReqId: () => crypto.randomUUID(),
    frameworkErrors,
    clientErrorHandler,
    // Behind a reverse proxy, its address (or addresses): then request.ip is the
    // client's, for the audit trail and the per-address limits. Never "true",
    // which would let any client name its own address (ASVS 4.1.3).
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  }).withTypeProvider<ZodTypeProvider>()

  server.setValidatorCompiler(validatorCompiler as never)
  server.setSerializerCompiler(() => (data) => JSON.stringify(data))
  server.decorateRequest('actor', undefined)
  server.decorate('problemPage', null)

  const declared = new Map<string, RouteAccess | undefined>()
  const pageSet = new Set<string>()
  Object.defineProperty(server, declarations, { value: declared })
  Object.defineProperty(server, pages, { value: pageSet })
  server.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const config = route.config as { access?: RouteAccess; page?: true } | undefined
    for (const method of methods) {
      if (method === 'HEAD') continue
      declared.set(`${method} ${route.url}`, config?.access)
      if (config?.page === true) pageSet.add(`${method} ${route.url}`)
    }
  })

  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Domestic abuse and stalking register API',
        version: app.softwareVersion,
        description:
          'The register of domestic abuse and stalking perpetrators (England and Wales). Errors are RFC 9457 problem documents; writes honour If-Match and Idempotency-Key.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token for a system integration' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: '__Host-dasr-session',
            description: 'A signed-in session; state-changing requests also send X-CSRF-Token',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  })

  server.setErrorHandler(errorHandler)
  server.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: 'https://dasr.example/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: `${request.method} ${request.url}`,
    }),
  )

  await registerHardening(server, {
    ...options.hardening,
    auditRefusal: (actor, detail) =>
      app.db.transaction((tx) => audit(tx, actor, 'denied', { type: 'request' }, { reason: detail.rule, ...detail })),
  })

  // Deny by default: the route's declaration decides who may call it.
  server.addHook('onRequest', async (request, reply) => {
    if (request.is404) return
    const access = request.routeOptions.config.access
    if (access !== undefined && 'public' in access) return
    const actor = access === undefined ? undefined : await authenticate(app, request)
    if (access === undefined) {
      return sendProblem(reply, {
        type: 'https://dasr.example/problems/forbidden',
        title: 'Not allowed',
        status: 403,
        detail: 'this route declares no access, so nobody may call it',
      })
    }
    if (actor === undefined) {
      // A page sends the browser to sign in, and back here afterwards.
      if (request.routeOptions.config.page === true) {
        const back = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : ''
        return reply.redirect(`/sign-in${back}`, 303)
      }
      reply.header('www-authenticate', 'Bearer')
      return sendProblem(reply, {
        type: 'https://dasr.example/problems/unauthenticated',
        title: 'Sign in first',
        status: 401,
        detail: 'sign in, or send a valid API token as "Authorization: Bearer TOKEN"',
      })
    }
    request.actor = actor
    if ('action' in access && !can(actor, access.action)) {
      // ASVS 16.3.2: a failed authorisation is logged (without the request's data).
      await app.db.transaction((tx) =>
        audit(tx, actor, 'denied', { type: access.action }, { reason: 'role', route: routeOf(request) }),
      )
      return sendProblem(reply, {
        type: 'https://dasr.example/problems/forbidden',
        title: 'Not allowed',
        status: 403,
        detail: `your role does not allow ${access.action}`,
      })
    }
  })

  server.get('/health', { schema: { hide: true }, config: { access: { public: true } } }, async (request, reply) => {
    try {
      const started = performance.now()
      // schemaVersion answers 0 when it cannot read, so a database that is down needs its own probe.
      await app.db.query('SELECT 1')
      const version = await schemaVersion(app.db)
      return {
        status: 'ok',
        database: { kind: app.db.kind, schemaVersion: version, millis: Math.round(performance.now() - started) },
      }
    } catch (error) {
      // The message stays in the log (it may name hosts or users); the caller gets a reference (ASVS 16.5.1).
      request.log.error({ err: error }, 'health check failed')
      return reply.code(503).send({ status: 'unavailable', database: { kind: app.db.kind }, correlationId: request.id })
    }
  })
  server.get('/api/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, async () =>
    server.swagger(),
  )

  peopleRoutes(server, app)
  victimRoutes(server, app)
  registrationRoutes(server, app)
  complianceRoutes(server, app)
  caseloadSearchRoutes(server, app)
  sharingRoutes(server, app)

  // Authentication (docs/authentication.md): signing in and out, and the
  // administrators' user routes.
  authenticationRoutes(server, app)
  userRoutes(server, app)

  // CSRF (ASVS 3.5.1): once the body is parsed, a state-changing request that
  // the session cookie signed in must carry the session's CSRF token
  // (X-CSRF-Token or a _csrf form field). Bearer tokens need none.
  server.addHook('preValidation', async (request, reply) => csrfGuard(app, request, reply))

  auditRoutes(server, app)
  retentionRoutes(server, app)

  // The practitioners' pages, on the same services and inside the same access hook.
  if (options.pages !== false) await webPages(server, app)
  return server
}

const routeOf = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? ''}`
