import { z } from 'zod'
import { decideBreach, listBreaches, myTasks, recordVisit, scan } from '../../app/compliance.ts'
import type { AppContext } from '../../app/context.ts'
import { ValidationFailed } from '../../app/errors.ts'
import { isUuid } from '../../app/people.ts'
import * as body from '../../contracts/register/requests.ts'
import { idempotent } from '../idempotency.ts'
import * as out from '../responses.ts'
import { responses } from '../responses.ts'
import { type ApiServer, callOf, ifMatch } from '../route-kit.ts'

const idParams = z.strictObject({ id: z.string() })
const tags = ['compliance']

export function complianceRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/api/v1/compliance/scans',
    {
      schema: { tags, body: body.scanRequest.optional(), response: responses(200, out.compliance.scanned, 422) },
      config: { access: { action: 'compliance:scan', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 200, () => scan(callOf(app, request), request.body ?? {})),
  )
  server.post(
    '/api/v1/people/:id/visits',
    {
      schema: {
        tags,
        params: idParams,
        body: body.visitCreate,
        response: responses(201, out.compliance.visited, 404, 422),
      },
      config: { access: { action: 'visit:record', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => recordVisit(callOf(app, request), request.params.id, request.body)),
  )
  server.get(
    '/api/v1/breaches',
    {
      schema: {
        tags,
        querystring: body.pageQuery.extend({ status: z.enum(['suspected', 'closed']).optional() }),
        response: responses(200, out.compliance.breaches, 422),
      },
      config: { access: { action: 'breach:read', personal: true } },
    },
    async (request) => {
      const { cursor, limit, status } = request.query
      // A breach id: anything merely shaped like one reached the database as a bad uuid (a 500, found by the fuzz run).
      if (cursor !== undefined && !isUuid(cursor)) {
        throw new ValidationFailed([{ in: 'query', field: '$.cursor', message: 'is not a cursor this API gave' }])
      }
      return listBreaches(callOf(app, request), { limit, cursor, status })
    },
  )
  server.post(
    '/api/v1/breaches/:id/outcome',
    {
      schema: {
        tags,
        params: idParams,
        body: body.breachOutcome,
        response: responses(200, out.compliance.decided, 404, 409, 412, 422),
      },
      config: { access: { action: 'breach:decide', personal: false } },
    },
    async (request, reply) =>
      idempotent(app, request, reply, 200, () =>
        decideBreach(callOf(app, request), request.params.id, ifMatch(request), request.body),
      ),
  )
  server.get(
    '/api/v1/tasks',
    {
      schema: { tags, querystring: body.pageQuery, response: responses(200, out.compliance.tasks, 422) },
      config: { access: { action: 'task:read', personal: true } },
    },
    async (request) => myTasks(callOf(app, request), request.query.limit),
  )
}
