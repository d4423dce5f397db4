import { createHash } from 'node:crypto'
import fastifySwagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Actor } from '../app/actor.ts'
import { decideBreach, listBreaches, myTasks, recordVisit, scan } from '../app/compliance.ts'
import type { AppContext, Call } from '../app/context.ts'
import { actorForToken } from '../app/directory.ts'
import { ValidationFailed } from '../app/errors.ts'
import {
  addFact,
  createPerson,
  listPeople,
  personTimeline,
  readPerson,
  supersedeFact,
  updatePerson,
} from '../app/people.ts'
import { addPhotograph, readPhotograph } from '../app/photographs.ts'
import {
  adjustProfile,
  archiveRegistration,
  determine,
  endRegistration,
  notice,
  readDetermination,
  readRegistration,
  recordNoticeServed,
  recordNotification,
  recordReview,
  refer,
  register,
} from '../app/registration.ts'
import { createVictim, linkVictim, readVictim } from '../app/victims.ts'
import { fallbackMessages } from '../contracts/explain-input.ts'
import * as body from '../contracts/register/requests.ts'
import { schemaVersion } from '../store/migrate.ts'
import { problemFor, sendProblem } from './problem.ts'

// The JSON API under /api/v1. Every route but /health and the OpenAPI document
// needs a bearer token (deny by default); each handler is a thin call to an
// application service, which checks what the actor may do, so the API, the
// pages and the CLI cannot disagree.

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined
  }
}

export interface ServerOptions {
  app: AppContext
  logger?: boolean
  /** Largest request body in bytes (photographs arrive base64 in JSON). */
  bodyLimit?: number
}

const idParams = z.strictObject({ id: z.string() })
const factParams = z.strictObject({ id: z.string(), factId: z.string() })

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

/** "If-Match: "v3"" → 3; absent → undefined; anything else is a problem with the header. */
function ifMatch(request: FastifyRequest): number | undefined {
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

const etag = (version: number) => `"v${version}"`

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

  // Deny by default: everything under /api/v1 needs a valid token.
  server.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/v1/')) return
    const header = request.headers.authorization ?? ''
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    const actor = token === undefined ? undefined : await actorForToken(app.db, token)
    if (actor === undefined) {
      reply.header('www-authenticate', 'Bearer')
      return sendProblem(reply, {
        type: 'https://dasr.example/problems/unauthenticated',
        title: 'Sign in first',
        status: 401,
        detail: 'send a valid API token as "Authorization: Bearer TOKEN"',
      })
    }
    request.actor = actor
  })

  const call = (request: FastifyRequest): Call => ({ app, actor: request.actor as Actor })

  /**
   * A POST whose Idempotency-Key was seen before from the same actor gets the
   * first answer again; the same key with a different body is refused.
   */
  async function idempotent(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    work: () => Promise<unknown>,
  ): Promise<unknown> {
    const key = request.headers['idempotency-key']
    if (key === undefined) return reply.code(status).send(await work())
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
      return reply.code(first.status).header('idempotent-replayed', 'true').send(first.body)
    }
    const result = await work()
    await app.db.execute(
      `INSERT INTO idempotency_key (actor_id, key, request_hash, status, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (actor_id, key) DO NOTHING`,
      [actor.userId, key, hash, status, JSON.stringify(result)],
    )
    return reply.code(status).send(result)
  }

  server.get('/health', { schema: { hide: true } }, async (_request, reply) => {
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
  server.get('/api/openapi.json', { schema: { hide: true } }, async () => server.swagger())

  const tags = (tag: string) => ({ tags: [tag] })

  // People
  server.get('/api/v1/people', { schema: { ...tags('people'), querystring: body.pageQuery } }, async (request) =>
    listPeople(call(request), request.query),
  )
  server.post('/api/v1/people', { schema: { ...tags('people'), body: body.personCreate } }, async (request, reply) =>
    idempotent(request, reply, 201, async () => {
      const created = await createPerson(call(request), request.body)
      reply.header('location', `/api/v1/people/${created.id}`).header('etag', etag(created.version))
      return created
    }),
  )
  server.get(
    '/api/v1/people/:id',
    {
      schema: {
        ...tags('people'),
        params: idParams,
        querystring: z.strictObject({ history: z.enum(['true', 'false']).optional() }),
      },
    },
    async (request, reply) => {
      const justification = request.headers['x-justification']
      const record = await readPerson(call(request), request.params.id, {
        history: request.query.history === 'true',
        ...(typeof justification === 'string' ? { justification } : {}),
      })
      reply.header('etag', etag(record.person.version))
      return record
    },
  )
  server.patch(
    '/api/v1/people/:id',
    { schema: { ...tags('people'), params: idParams, body: body.personUpdate } },
    async (request, reply) => {
      const expected = ifMatch(request)
      if (expected === undefined) {
        return sendProblem(reply, {
          type: 'https://dasr.example/problems/precondition-required',
          title: 'Send If-Match with the ETag you read',
          status: 428,
        })
      }
      const result = await updatePerson(call(request), request.params.id, expected, request.body)
      reply.header('etag', etag(result.version))
      return result
    },
  )
  server.get(
    '/api/v1/people/:id/timeline',
    { schema: { ...tags('people'), params: idParams, querystring: body.pageQuery } },
    async (request) => personTimeline(call(request), request.params.id, request.query),
  )
  server.post(
    '/api/v1/people/:id/facts',
    { schema: { ...tags('people'), params: idParams, body: z.record(z.string(), z.unknown()) } },
    async (request, reply) =>
      idempotent(request, reply, 201, async () => {
        const result = await addFact(call(request), request.params.id, ifMatch(request), request.body)
        reply.header('etag', etag(result.personVersion))
        return result
      }),
  )
  server.post(
    '/api/v1/people/:id/facts/:factId/supersede',
    { schema: { ...tags('people'), params: factParams, body: body.factSupersede } },
    async (request, reply) =>
      idempotent(request, reply, 201, () =>
        supersedeFact(call(request), request.params.id, request.params.factId, ifMatch(request), request.body),
      ),
  )
  server.post(
    '/api/v1/people/:id/photographs',
    { schema: { ...tags('people'), params: idParams, body: body.photographUpload } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => addPhotograph(call(request), request.params.id, request.body)),
  )
  server.get('/api/v1/photographs/:id', { schema: { ...tags('people'), params: idParams } }, async (request, reply) => {
    const photo = await readPhotograph(call(request), request.params.id)
    return reply.type(photo.contentType).send(photo.bytes)
  })
  server.post(
    '/api/v1/people/:id/victims',
    { schema: { ...tags('victims'), params: idParams, body: body.victimLink } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => linkVictim(call(request), request.params.id, request.body)),
  )
  server.post(
    '/api/v1/people/:id/visits',
    { schema: { ...tags('compliance'), params: idParams, body: body.visitCreate } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => recordVisit(call(request), request.params.id, request.body)),
  )

  // Victims
  server.post('/api/v1/victims', { schema: { ...tags('victims'), body: body.victimCreate } }, async (request, reply) =>
    idempotent(request, reply, 201, () => createVictim(call(request), request.body)),
  )
  server.get('/api/v1/victims/:id', { schema: { ...tags('victims'), params: idParams } }, async (request) => {
    const justification = request.headers['x-justification']
    return readVictim(call(request), request.params.id, typeof justification === 'string' ? justification : undefined)
  })

  // Registration lifecycle
  server.post(
    '/api/v1/people/:id/referrals',
    { schema: { ...tags('registration'), params: idParams, body: body.referral } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => refer(call(request), request.params.id, request.body)),
  )
  server.post(
    '/api/v1/people/:id/determinations',
    { schema: { ...tags('registration'), params: idParams, body: body.determinationRequest.optional() } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => determine(call(request), request.params.id, request.body ?? {})),
  )
  server.get('/api/v1/determinations/:id', { schema: { ...tags('registration'), params: idParams } }, async (request) =>
    readDetermination(call(request), request.params.id),
  )
  server.post(
    '/api/v1/people/:id/registrations',
    { schema: { ...tags('registration'), params: idParams, body: body.registrationCreate } },
    async (request, reply) =>
      idempotent(request, reply, 201, async () => {
        const result = await register(call(request), request.params.id, request.body)
        reply.header('location', `/api/v1/registrations/${result.id}`)
        return result
      }),
  )
  server.get(
    '/api/v1/registrations/:id',
    { schema: { ...tags('registration'), params: idParams, querystring: body.asOfQuery } },
    async (request, reply) => {
      const result = await readRegistration(call(request), request.params.id, request.query.asOf)
      reply.header('etag', etag(result.registration.version as number))
      return result
    },
  )
  server.get(
    '/api/v1/registrations/:id/notice',
    {
      schema: {
        ...tags('registration'),
        params: idParams,
        querystring: z.strictObject({ format: z.enum(['json', 'html']).default('json') }),
      },
    },
    async (request, reply) => {
      const document = await notice(call(request), request.params.id)
      if (request.query.format === 'html') {
        const { noticeHtml } = await import('./notice-html.ts')
        return reply.type('text/html; charset=utf-8').send(noticeHtml(document))
      }
      return document
    },
  )
  const registrationWrite = (
    path: string,
    schema: z.ZodType,
    service: (call: Call, id: string, expected: number | undefined, body: unknown) => Promise<unknown>,
  ) =>
    server.post(path, { schema: { ...tags('registration'), params: idParams, body: schema } }, async (request, reply) =>
      idempotent(request, reply, 200, () =>
        service(call(request), (request.params as { id: string }).id, ifMatch(request), request.body),
      ),
    )
  registrationWrite('/api/v1/registrations/:id/notice-served', body.noticeServed, recordNoticeServed)
  registrationWrite('/api/v1/registrations/:id/reviews', body.reviewDecision, recordReview)
  registrationWrite('/api/v1/registrations/:id/end', body.registrationEnd, endRegistration)
  registrationWrite('/api/v1/registrations/:id/archive', body.registrationArchive, archiveRegistration)
  server.post(
    '/api/v1/registrations/:id/notifications',
    { schema: { ...tags('registration'), params: idParams, body: body.notificationCreate } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => recordNotification(call(request), request.params.id, request.body)),
  )
  server.post(
    '/api/v1/registrations/:id/profile-adjustments',
    { schema: { ...tags('registration'), params: idParams, body: body.profileAdjustment } },
    async (request, reply) =>
      idempotent(request, reply, 201, () => adjustProfile(call(request), request.params.id, request.body)),
  )

  // Compliance
  server.post(
    '/api/v1/compliance/scans',
    { schema: { ...tags('compliance'), body: body.scanRequest.optional() } },
    async (request, reply) => idempotent(request, reply, 200, () => scan(call(request), request.body ?? {})),
  )
  server.get(
    '/api/v1/breaches',
    {
      schema: {
        ...tags('compliance'),
        querystring: body.pageQuery.extend({ status: z.enum(['suspected', 'closed']).optional() }),
      },
    },
    async (request) => {
      const { cursor, limit, status } = request.query
      if (cursor !== undefined && !/^[0-9a-f-]{36}$/.test(cursor)) {
        throw new ValidationFailed([{ in: 'query', field: '$.cursor', message: 'is not a cursor this API gave' }])
      }
      return listBreaches(call(request), { limit, cursor, status })
    },
  )
  server.post(
    '/api/v1/breaches/:id/outcome',
    { schema: { ...tags('compliance'), params: idParams, body: body.breachOutcome } },
    async (request, reply) =>
      idempotent(request, reply, 200, () =>
        decideBreach(call(request), request.params.id, ifMatch(request), request.body),
      ),
  )
  server.get('/api/v1/tasks', { schema: { ...tags('compliance'), querystring: body.pageQuery } }, async (request) =>
    myTasks(call(request), request.query.limit),
  )

  return server
}
