import { z } from 'zod'
import type { AppContext } from '../../app/context.ts'
import {
  addFact,
  createPerson,
  listPeople,
  personTimeline,
  readPerson,
  supersedeFact,
  updatePerson,
} from '../../app/people.ts'
import { addPhotograph, readPhotograph } from '../../app/photographs.ts'
import * as body from '../../contracts/register/requests.ts'
import { idempotent } from '../idempotency.ts'
import { sendProblem } from '../problem.ts'
import { type ApiServer, callOf, etag, ifMatch, justificationOf } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const factParams = z.strictObject({ id: z.string(), factId: z.string() })
const tags = ['people']

export function peopleRoutes(server: ApiServer, app: AppContext): void {
  server.get(
    '/api/v1/people',
    { schema: { tags, querystring: body.pageQuery }, config: { access: { action: 'person:read', personal: true } } },
    async (request) => listPeople(callOf(app, request), request.query),
  )
  server.post(
    '/api/v1/people',
    { schema: { tags, body: body.personCreate }, config: { access: { action: 'person:write', personal: false } } },
    async (request, reply) =>
      idempotent(app, request, reply, 201, async () => {
        const created = await createPerson(callOf(app, request), request.body)
        reply.header('location', `/api/v1/people/${created.id}`).header('etag', etag(created.version))
        return created
      }),
  )
  server.get(
    '/api/v1/people/:id',
    {
      schema: {
        tags,
        params: idParams,
        querystring: z.strictObject({ history: z.enum(['true', 'false']).optional() }),
      },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request, reply) => {
      const justification = justificationOf(request)
      const record = await readPerson(callOf(app, request), request.params.id, {
        history: request.query.history === 'true',
        ...(justification !== undefined ? { justification } : {}),
      })
      reply.header('etag', etag(record.person.version))
      return record
    },
  )
  server.patch(
    '/api/v1/people/:id',
    {
      schema: { tags, params: idParams, body: body.personUpdate },
      config: { access: { action: 'person:write', personal: false } },
    },
    async (request, reply) => {
      const expected = ifMatch(request)
      if (expected === undefined) {
        return sendProblem(reply, {
          type: 'https://dasr.example/problems/precondition-required',
          title: 'Send If-Match with the ETag you read',
          status: 428,
        })
      }
      const result = await updatePerson(callOf(app, request), request.params.id, expected, request.body)
      reply.header('etag', etag(result.version))
      return result
    },
  )
  server.get(
    '/api/v1/people/:id/timeline',
    {
      schema: { tags, params: idParams, querystring: body.pageQuery },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request) => personTimeline(callOf(app, request), request.params.id, request.query),
  )
  server.post(
    '/api/v1/people/:id/facts',
    {
      schema: { tags, params: idParams, body: z.record(z.string(), z.unknown()) },
      config: { access: { action: 'person:write', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, async () => {
        const result = await addFact(callOf(app, request), request.params.id, ifMatch(request), request.body)
        reply.header('etag', etag(result.personVersion))
        return result
      }),
  )
  server.post(
    '/api/v1/people/:id/facts/:factId/supersede',
    {
      schema: { tags, params: factParams, body: body.factSupersede },
      config: { access: { action: 'person:write', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () =>
        supersedeFact(callOf(app, request), request.params.id, request.params.factId, ifMatch(request), request.body),
      ),
  )
  server.post(
    '/api/v1/people/:id/photographs',
    {
      schema: { tags, params: idParams, body: body.photographUpload },
      config: { access: { action: 'person:write', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => addPhotograph(callOf(app, request), request.params.id, request.body)),
  )
  server.get(
    '/api/v1/photographs/:id',
    { schema: { tags, params: idParams }, config: { access: { action: 'person:read', personal: true } } },
    async (request, reply) => {
      const photo = await readPhotograph(callOf(app, request), request.params.id)
      return reply.type(photo.contentType).send(photo.bytes)
    },
  )
}
