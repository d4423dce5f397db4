import { z } from 'zod'
import type { AppContext } from '../../app/context.ts'
import { createVictim, linkVictim, readVictim } from '../../app/victims.ts'
import * as body from '../../contracts/register/requests.ts'
import { idempotent } from '../idempotency.ts'
import { type ApiServer, callOf, justificationOf } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const tags = ['victims']

export function victimRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/api/v1/victims',
    { schema: { tags, body: body.victimCreate }, config: { access: { action: 'victim:write', personal: false } } },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => createVictim(callOf(app, request), request.body)),
  )
  server.get(
    '/api/v1/victims/:id',
    { schema: { tags, params: idParams }, config: { access: { action: 'victim:read', personal: true } } },
    async (request) => readVictim(callOf(app, request), request.params.id, justificationOf(request)),
  )
  server.post(
    '/api/v1/people/:id/victims',
    {
      schema: { tags, params: idParams, body: body.victimLink },
      config: { access: { action: 'victim:write', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => linkVictim(callOf(app, request), request.params.id, request.body)),
  )
}
