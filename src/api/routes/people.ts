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
import { limits } from '../hardening.ts'
import { idempotent } from '../idempotency.ts'
import { sendProblem } from '../problem.ts'
import * as out from '../responses.ts'
import { responses } from '../responses.ts'
import { type ApiServer, callOf, etag, ifMatch } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const factParams = z.strictObject({ id: z.string(), factId: z.string() })
const tags = ['people']

export function peopleRoutes(server: ApiServer, app: AppContext): void {
  server.get(
    '/api/v1/people',
    {
      schema: { tags, querystring: body.pageQuery, response: responses(200, out.people.list, 422) },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request) => listPeople(callOf(app, request), request.query),
  )
  server.post(
    '/api/v1/people',
    {
      schema: { tags, body: body.personCreate, response: responses(201, out.people.created, 409, 422) },
      config: { access: { action: 'person:write', personal: false } },
    },
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
        response: responses(200, out.people.record, 404, 422),
      },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request, reply) => {
      const record = await readPerson(callOf(app, request), request.params.id, {
        history: request.query.history === 'true',
      })
      reply.header('etag', etag(record.person.version))
      return record
    },
  )
  server.patch(
    '/api/v1/people/:id',
    {
      schema: {
        tags,
        params: idParams,
        body: body.personUpdate,
        response: responses(200, out.people.updated, 404, 412, 422, 428),
      },
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
      schema: {
        tags,
        params: idParams,
        querystring: body.pageQuery,
        response: responses(200, out.people.timeline, 404, 422),
      },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request) => personTimeline(callOf(app, request), request.params.id, request.query),
  )
  server.post(
    '/api/v1/people/:id/facts',
    {
      schema: {
        tags,
        params: idParams,
        body: z.record(z.string(), z.unknown()),
        response: responses(201, out.people.factAdded, 404, 412, 422),
      },
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
      schema: {
        tags,
        params: factParams,
        body: body.factSupersede,
        response: responses(201, out.people.factSuperseded, 404, 409, 412, 422),
      },
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
      schema: {
        tags,
        params: idParams,
        body: body.photographUpload,
        response: responses(201, out.people.photographAdded, 404, 422),
      },
      config: { access: { action: 'person:write', personal: false } },
      // The only large body: a photograph arrives base64 in JSON (src/api/hardening.ts).
      bodyLimit: limits.photographBodyBytes,
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => addPhotograph(callOf(app, request), request.params.id, request.body)),
  )
  server.get(
    '/api/v1/photographs/:id',
    {
      schema: { tags, params: idParams, response: responses(200, out.people.photograph, 404, 422) },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request, reply) => {
      const photo = await readPhotograph(callOf(app, request), request.params.id)
      return reply.type(photo.contentType).send(photo.bytes)
    },
  )
}
