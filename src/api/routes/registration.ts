import { z } from 'zod'
import type { Action } from '../../app/access.ts'
import type { AppContext, Call } from '../../app/context.ts'
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
} from '../../app/registration.ts'
import * as body from '../../contracts/register/requests.ts'
import { idempotent } from '../idempotency.ts'
import * as out from '../responses.ts'
import { responses } from '../responses.ts'
import { type ApiServer, callOf, etag, ifMatch } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const tags = ['registration']
const writes = (action: Action) => ({ access: { action, personal: false } })
const reads = { access: { action: 'person:read' as const, personal: true } }

export function registrationRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/api/v1/people/:id/referrals',
    {
      schema: {
        tags,
        params: idParams,
        body: body.referral,
        response: responses(201, out.registration.referred, 404, 409, 422),
      },
      config: writes('registration:refer'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => refer(callOf(app, request), request.params.id, request.body)),
  )
  server.post(
    '/api/v1/people/:id/determinations',
    {
      schema: {
        tags,
        params: idParams,
        body: body.determinationRequest.optional(),
        response: responses(201, out.registration.determined, 404, 422),
      },
      config: writes('registration:determine'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () =>
        determine(callOf(app, request), request.params.id, request.body ?? {}),
      ),
  )
  server.get(
    '/api/v1/determinations/:id',
    {
      schema: { tags, params: idParams, response: responses(200, out.registration.determination, 404, 422) },
      config: reads,
    },
    async (request) => readDetermination(callOf(app, request), request.params.id),
  )
  server.post(
    '/api/v1/people/:id/registrations',
    {
      schema: {
        tags,
        params: idParams,
        body: body.registrationCreate,
        response: responses(201, out.registration.registered, 404, 409, 422),
      },
      config: writes('registration:decide'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, async () => {
        const result = await register(callOf(app, request), request.params.id, request.body)
        reply.header('location', `/api/v1/registrations/${result.id}`)
        return result
      }),
  )
  server.get(
    '/api/v1/registrations/:id',
    {
      schema: {
        tags,
        params: idParams,
        querystring: body.asOfQuery,
        response: responses(200, out.registration.record, 404, 422),
      },
      config: reads,
    },
    async (request, reply) => {
      const result = await readRegistration(callOf(app, request), request.params.id, request.query.asOf)
      reply.header('etag', etag(result.registration.version as number))
      return result
    },
  )
  server.get(
    '/api/v1/registrations/:id/notice',
    {
      schema: {
        tags,
        params: idParams,
        querystring: z.strictObject({ format: z.enum(['json', 'html']).default('json') }),
        response: responses(200, out.registration.notice, 404, 422),
      },
      config: reads,
    },
    async (request, reply) => {
      const document = await notice(callOf(app, request), request.params.id)
      if (request.query.format === 'html') {
        const { noticeHtml } = await import('../notice-html.ts')
        // The page's inline styles carry this response's CSP nonce (src/api/hardening.ts).
        return reply.type('text/html; charset=utf-8').send(noticeHtml(document, reply.cspNonce))
      }
      return document
    },
  )

  // The registrar's decisions on a registration share one shape: If-Match, a dated body.
  const decision = <R>(
    path: string,
    schema: z.ZodType,
    result: z.ZodType<R>,
    service: (call: Call, id: string, expected: number | undefined, body: unknown) => Promise<R>,
  ) =>
    server.post(
      path,
      {
        schema: {
          tags,
          params: idParams,
          body: schema,
          response: responses(200, result as z.ZodType, 404, 409, 412, 422),
        },
        config: writes('registration:decide'),
      },
      // R ties each service's answer to its documented schema where `decision` is called.
      async (request, reply) =>
        idempotent(app, request, reply, 200, () =>
          service(callOf(app, request), (request.params as { id: string }).id, ifMatch(request), request.body),
        ),
    )
  decision('/api/v1/registrations/:id/notice-served', body.noticeServed, out.registration.decided, recordNoticeServed)
  decision('/api/v1/registrations/:id/reviews', body.reviewDecision, out.registration.reviewed, recordReview)
  decision('/api/v1/registrations/:id/end', body.registrationEnd, out.registration.ended, endRegistration)
  decision(
    '/api/v1/registrations/:id/archive',
    body.registrationArchive,
    out.registration.archived,
    archiveRegistration,
  )

  server.post(
    '/api/v1/registrations/:id/notifications',
    {
      schema: {
        tags,
        params: idParams,
        body: body.notificationCreate,
        response: responses(201, out.registration.notified, 404, 409, 412, 422),
      },
      config: writes('notification:record'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () =>
        recordNotification(callOf(app, request), request.params.id, request.body),
      ),
  )
  server.post(
    '/api/v1/registrations/:id/profile-adjustments',
    {
      schema: {
        tags,
        params: idParams,
        body: body.profileAdjustment,
        response: responses(201, out.registration.adjusted, 404, 412, 422),
      },
      config: writes('registration:decide'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => adjustProfile(callOf(app, request), request.params.id, request.body)),
  )
}
