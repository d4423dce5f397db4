import { z } from 'zod'
import type { AppContext } from '../../app/context.ts'
import {
  needToKnowForReview,
  openNeedToKnow,
  recordAccessList,
  reviewNeedToKnow,
  revokeShare,
  shareRecord,
} from '../../app/sharing.ts'
import { registerStatistics } from '../../app/statistics.ts'
import { needToKnowRequest, needToKnowReview, shareCreate, shareRevoke } from '../../contracts/register/access.ts'
import { pageLimit } from '../../contracts/register/fields.ts'
import { idempotent } from '../idempotency.ts'
import { responses, row } from '../responses.ts'
import { type ApiServer, callOf } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const tags = ['access']

// What these routes answer (decision 0008).
const shareCreated = z.strictObject({
  id: z.uuid(),
  personId: z.uuid(),
  organisationId: z.string(),
  scope: z.enum(['full', 'plan']),
  grantedOn: z.iso.date(),
})
const shareRevoked = z.strictObject({ id: z.uuid(), revokedOn: z.iso.date() })
const accessList = z.strictObject({
  shares: z.array(
    row({
      id: z.uuid(),
      organisationId: z.string(),
      scope: z.enum(['full', 'plan']),
      reason: z.string(),
      grantedOn: z.iso.date(),
      expiresOn: z.iso.date().nullable(),
      revokedOn: z.iso.date().nullable(),
    }),
  ),
  needToKnow: z.array(
    row({
      id: z.uuid(),
      userId: z.uuid(),
      organisationId: z.string(),
      justification: z.string(),
      reviewOutcome: z.enum(['justified', 'not-justified']).nullable(),
    }),
  ),
})
const needToKnowOpened = z.strictObject({ id: z.uuid(), personId: z.uuid(), expiresAt: z.string() })
const needToKnowQueue = z.strictObject({
  items: z.array(row({ id: z.uuid(), personId: z.uuid(), reference: z.string(), justification: z.string() })),
})
const needToKnowReviewed = z.strictObject({ id: z.uuid(), outcome: z.enum(['justified', 'not-justified']) })
const count = z.strictObject({ value: z.int().nullable(), suppressed: z.boolean() })
const statistics = z.strictObject({
  smallCountThreshold: z.int(),
  forces: z.array(
    z.strictObject({ organisationId: z.string(), name: z.string(), people: count, activeRegistrations: count }),
  ),
  registrations: z.array(z.strictObject({ policyId: z.string(), status: z.string(), count })),
  breaches: z.array(z.strictObject({ status: z.string(), outcome: z.string().nullable(), count })),
})

export function sharingRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/api/v1/people/:id/shares',
    {
      schema: { tags, params: idParams, body: shareCreate, response: responses(201, shareCreated, 404, 409, 422) },
      config: { access: { action: 'record:share', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => shareRecord(callOf(app, request), request.params.id, request.body)),
  )
  server.post(
    '/api/v1/shares/:id/revoke',
    {
      schema: { tags, params: idParams, body: shareRevoke, response: responses(200, shareRevoked, 404, 409, 422) },
      config: { access: { action: 'record:share', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 200, () => revokeShare(callOf(app, request), request.params.id, request.body)),
  )
  server.get(
    '/api/v1/people/:id/access',
    {
      schema: { tags, params: idParams, response: responses(200, accessList, 404, 422) },
      config: { access: { action: 'record:share', personal: true } },
    },
    async (request) => recordAccessList(callOf(app, request), request.params.id),
  )
  server.post(
    '/api/v1/people/:id/need-to-know',
    {
      schema: {
        tags,
        params: idParams,
        body: needToKnowRequest,
        response: responses(201, needToKnowOpened, 404, 409, 422),
      },
      config: { access: { action: 'record:need-to-know', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => openNeedToKnow(callOf(app, request), request.params.id, request.body)),
  )
  server.get(
    '/api/v1/need-to-know',
    {
      schema: {
        tags,
        querystring: z.strictObject({ limit: pageLimit(200, 50) }),
        response: responses(200, needToKnowQueue, 422),
      },
      config: { access: { action: 'need-to-know:review', personal: true } },
    },
    async (request) => needToKnowForReview(callOf(app, request), request.query.limit),
  )
  server.post(
    '/api/v1/need-to-know/:id/review',
    {
      schema: {
        tags,
        params: idParams,
        body: needToKnowReview,
        response: responses(200, needToKnowReviewed, 404, 409, 422),
      },
      config: { access: { action: 'need-to-know:review', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 200, () =>
        reviewNeedToKnow(callOf(app, request), request.params.id, request.body),
      ),
  )
  server.get(
    '/api/v1/statistics',
    {
      schema: { tags: ['statistics'], response: responses(200, statistics) },
      config: { access: { action: 'statistics:read', personal: false } },
    },
    async (request) => registerStatistics(callOf(app, request)),
  )
}
