import fastifySwagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import { can } from '../app/access.ts'
import { type AppContext, audit } from '../app/context.ts'
import { fallbackMessages } from '../contracts/explain-input.ts'
import { schemaVersion } from '../store/migrate.ts'
import { authenticate } from './authenticate.ts'
import { problemFor, sendProblem } from './problem.ts'
import type { RouteAccess } from './route-kit.ts'
import { complianceRoutes } from './routes/compliance.ts'
import { peopleRoutes } from './routes/people.ts'
import { registrationRoutes } from './routes/registration.ts'
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

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { app } = options
  const server = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 8 * 1024 * 1024,
    // Request ids in logs and problem documents, never from the client.
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>()

  server.setValidatorCompiler(validatorCompiler as never)
  server.setSerializerCompiler(() => (data) => JSON.stringify(data))
  server.decorateRequest('actor', undefined)

  const declared = new Map<string, RouteAccess | undefined>()
  Object.defineProperty(server, declarations, { value: declared })
  server.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method === 'HEAD') continue
      declared.set(`${method} ${route.url}`, (route.config as { access?: RouteAccess } | undefined)?.access)
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
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  })

  server.setErrorHandler((error, request, reply) => sendProblem(reply, problemFor(error, request)))
  server.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: 'https://dasr.example/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: `${request.method} ${request.url}`,
    }),
  )

  server.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    return payload
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

  server.get('/health', { schema: { hide: true }, config: { access: { public: true } } }, async (_request, reply) => {
    try {
      const started = performance.now()
      const version = await schemaVersion(app.db)
      return {
        status: 'ok',
        database: { kind: app.db.kind, schemaVersion: version, millis: Math.round(performance.now() - started) },
      }
    } catch (error) {
      return reply
        .code(503)
        .send({ status: 'unavailable', database: { kind: app.db.kind, error: (error as Error).message } })
    }
  })
  server.get('/api/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, async () =>
    server.swagger(),
  )

  peopleRoutes(server, app)
  victimRoutes(server, app)
  registrationRoutes(server, app)
  complianceRoutes(server, app)

  return server
}

const routeOf = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? ''}`
