import { z } from 'zod'
import type { AppContext } from '../../app/context.ts'
import { createVictim, linkVictim, readVictim } from '../../app/victims.ts'
import * as body from '../../contracts/register/requests.ts'
import { idempotent } from '../idempotency.ts'
import * as out from '../responses.ts'
import { responses } from '../responses.ts'
import { type ApiServer, callOf } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const tags = ['victims']

export function victimRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/api/v1/victims',
    {
      schema: { tags, body: body.victimCreate, response: responses(201, out.victims.created, 422) },
      config: { access: { action: 'victim:write', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => createVictim(callOf(app, request), request.body)),
  )
  server.get(
    '/api/v1/victims/:id',
    {
      schema: { tags, params: idParams, response: responses(200, out.victims.record, 404, 422) },
      config: { access: { action: 'victim:read', personal: true } },
    },
    async (request) => readVictim(callOf(app, request), request.params.id),
  )
  server.post(
    '/api/v1/people/:id/victims',
    {
      schema: {
        tags,
        params: idParams,
        body: body.victimLink,
        response: responses(201, out.victims.linked, 404, 409, 422),
      },
      config: { access: { action: 'victim:write', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => linkVictim(callOf(app, request), request.params.id, request.body)),
  )
}
