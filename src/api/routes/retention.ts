import { z } from 'zod'
import type { Action } from '../../app/access.ts'
import type { AppContext, Call } from '../../app/context.ts'
import {
  decideRetention,
  dueReviews,
  eraseRecord,
  liftRestriction,
  readForReview,
  restrictRecord,
  retentionScan,
  reviewTasks,
  type SubjectKind,
} from '../../app/retention.ts'
import {
  askForClarification,
  clarificationReceived,
  closeSubjectAccess,
  extendSubjectAccess,
  listSubjectAccessRequests,
  recordSubjectAccessRequest,
  type SubjectAccessDocument,
  type SubjectAccessRequestJson,
  subjectAccessExport,
} from '../../app/subject-access.ts'
import * as body from '../../contracts/register/retention.ts'
import { idempotent } from '../idempotency.ts'
import { anyObject, isoDate, responses, row, uuid } from '../responses.ts'
import { type ApiServer, callOf } from '../route-kit.ts'

// Retention review, restriction, erasure and subject access (docs/retention.md).
// Registrars of the managing organisation only (app/access.ts); the services
// decide, these routes only carry the request.

const idParams = z.strictObject({ id: z.string() })
const tags = ['retention']
const writes = (action: Action) => ({ access: { action, personal: false } })
const reads = (action: Action) => ({ access: { action, personal: true } })

// What the routes answer (checked against every response by test/security/fuzz.test.ts).
const trigger = z.enum(['age-limit', 'archived', 'restriction', 'scheduled', 'periodic'])
const due = z.strictObject({ dueOn: isoDate, trigger, rule: z.string(), source: z.string() })

const out = {
  due: z.strictObject({
    asOf: isoDate,
    total: z.int().describe('How many are due; `items` holds the first `limit` of them'),
    items: z.array(
      z.strictObject({
        subject: z.enum(['person', 'victim']),
        id: uuid,
        reference: z.string().nullable(),
        managingOrganisationId: z.string(),
        restricted: z.boolean(),
        ...due.shape,
      }),
    ),
  }),
  tasks: z.strictObject({
    items: z.array(
      row({
        id: uuid,
        title: z.string(),
        dueOn: isoDate,
        personId: uuid.nullable(),
        victimId: uuid.nullable(),
        reference: z.string().nullable(),
      }),
    ),
  }),
  scan: z.strictObject({ asOf: isoDate, newTasks: z.int(), millis: z.int() }),
  review: z.strictObject({
    subject: z.enum(['person', 'victim']),
    id: uuid,
    reference: z.string().nullable(),
    managingOrganisationId: z.string(),
    version: z.int(),
    state: z.enum(['in-use', 'restricted', 'erased']),
    restriction: z
      .strictObject({ ground: z.string(), provision: z.string(), rationale: z.string(), since: isoDate })
      .nullable(),
    erasure: z.strictObject({ on: isoDate, ground: z.string(), provision: z.string() }).nullable(),
    scheduledReviewOn: isoDate,
    due: due.nullable(),
    activeRegistration: z.boolean(),
    openSuspectedBreaches: z.int(),
    reviews: z.array(anyObject),
    restrictions: z.array(anyObject),
    contents: anyObject,
  }),
  decided: z.strictObject({
    id: uuid,
    decision: z.enum(['retain', 'delete', 'restrict']),
    nextReviewOn: isoDate.nullable(),
    erased: z.boolean(),
  }),
  restricted: z.strictObject({
    id: uuid,
    restricted: z.literal(true),
    ground: z.string(),
    provision: z.string(),
    restrictedOn: isoDate,
  }),
  lifted: z.strictObject({ id: uuid, restricted: z.literal(false), liftedOn: isoDate }),
  erased: z.strictObject({
    id: uuid,
    erased: z.literal(true),
    erasedOn: isoDate,
    ground: z.string(),
    provision: z.string(),
  }),
  request: z.strictObject({
    id: uuid,
    personId: uuid,
    managingOrganisationId: z.string(),
    status: z.enum(['open', 'awaiting-clarification', 'answered', 'refused', 'withdrawn']),
    receivedOn: isoDate,
    identityConfirmedOn: isoDate.nullable(),
    relevantTime: isoDate,
    firstMonthEndsOn: isoDate,
    dueOn: isoDate,
    extended: z.boolean(),
    extensionNoticeOn: isoDate.nullable(),
    clockStopped: z.boolean(),
    stoppedDays: z.int(),
    daysLeft: z.int().nullable(),
    overdue: z.boolean(),
    withheldKinds: z.array(z.string()),
    withholdGround: z.string().nullable(),
    answeredOn: isoDate.nullable(),
    version: z.int(),
  }),
}
const requestList = z.strictObject({ items: z.array(out.request) })
const answerDocument = z
  .looseObject({
    title: z.string(),
    confirmation: z.string(),
    subject: anyObject.nullable(),
    purposes: z.array(z.string()),
    legalBasis: z.array(z.string()),
    categories: z.array(z.string()),
    data: anyObject,
    recipients: z.array(z.string()),
    retention: anyObject,
    origin: z.array(z.string()),
    rights: z.array(z.string()),
    withheld: z.array(z.string()),
  })
  .describe(
    'The answer to a subject access request (DPA 2018 s.45(1)-(2))',
  ) as unknown as z.ZodType<SubjectAccessDocument>
const answer = {
  description: 'The written answer: JSON, or with ?format=html a printable page, or ?format=text plain text',
  content: {
    'application/json': { schema: answerDocument },
    'text/html': { schema: z.string().meta({ contentMediaType: 'text/html' }) },
    'text/plain': { schema: z.string().meta({ contentMediaType: 'text/plain' }) },
  },
}

export function retentionRoutes(server: ApiServer, app: AppContext): void {
  server.get(
    '/api/v1/retention/due',
    {
      schema: { tags, querystring: body.dueReviewsQuery, response: responses(200, out.due, 422) },
      config: reads('retention:review'),
    },
    async (request) => dueReviews(callOf(app, request), request.query),
  )
  server.get(
    '/api/v1/retention/tasks',
    {
      schema: {
        tags,
        querystring: z.strictObject({ limit: body.dueReviewsQuery.shape.limit }),
        response: responses(200, out.tasks),
      },
      config: reads('retention:review'),
    },
    async (request) => reviewTasks(callOf(app, request), request.query.limit),
  )
  server.post(
    '/api/v1/retention/scans',
    {
      schema: { tags, body: body.retentionScanRequest.optional(), response: responses(200, out.scan, 422) },
      config: writes('retention:review'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 200, () => retentionScan(callOf(app, request), request.body ?? {})),
  )

  // The same operations on a perpetrator's record and on a victim's.
  const subjects: [SubjectKind, string][] = [
    ['person', '/api/v1/people/:id'],
    ['victim', '/api/v1/victims/:id'],
  ]
  for (const [kind, base] of subjects) {
    const subject = (id: string) => ({ kind, id })
    server.get(
      `/api/v1/retention/${kind === 'person' ? 'people' : 'victims'}/:id`,
      {
        schema: { tags, params: idParams, response: responses(200, out.review, 404) },
        config: reads('retention:review'),
      },
      async (request) => readForReview(callOf(app, request), subject(request.params.id)),
    )
    // A registrar's decision on the record: one shape, four decisions.
    const decision = (
      path: string,
      status: 200 | 201,
      schema: z.ZodType,
      response: z.ZodType,
      action: Action,
      service: (call: Call, subject: { kind: SubjectKind; id: string }, body: unknown) => Promise<unknown>,
    ) =>
      server.post(
        `${base}${path}`,
        {
          schema: { tags, params: idParams, body: schema, response: responses(status, response, 404, 409, 422) },
          config: writes(action),
        },
        async (request, reply) =>
          idempotent(app, request, reply, status, () =>
            service(callOf(app, request), subject((request.params as { id: string }).id), request.body),
          ),
      )
    decision('/retention-reviews', 201, body.retentionDecision, out.decided, 'retention:review', decideRetention)
    decision('/restriction', 200, body.restrictionCreate, out.restricted, 'record:restrict', restrictRecord)
    decision('/restriction/lift', 200, body.restrictionLift, out.lifted, 'record:restrict', liftRestriction)
    decision('/erasure', 200, body.erasureRequest, out.erased, 'record:erase', eraseRecord)
  }

  // Subject access requests (DPA 2018 s.45) and their time limits (s.54).
  server.post(
    '/api/v1/subject-access-requests',
    {
      schema: { tags, body: body.subjectAccessCreate, response: responses(201, out.request, 422) },
      config: writes('subject-access:export'),
    },
    async (request, reply) =>
      idempotent(app, request, reply, 201, () => recordSubjectAccessRequest(callOf(app, request), request.body)),
  )
  server.get(
    '/api/v1/subject-access-requests',
    {
      schema: { tags, querystring: body.subjectAccessQuery, response: responses(200, requestList, 422) },
      config: reads('subject-access:export'),
    },
    async (request) => listSubjectAccessRequests(callOf(app, request), request.query),
  )
  const change = (
    path: string,
    schema: z.ZodType,
    service: (call: ReturnType<typeof callOf>, id: string, body: unknown) => Promise<SubjectAccessRequestJson>,
  ) =>
    server.post(
      `/api/v1/subject-access-requests/:id/${path}`,
      {
        schema: { tags, params: idParams, body: schema, response: responses(200, out.request, 404, 409, 422) },
        config: writes('subject-access:export'),
      },
      async (request, reply) =>
        idempotent(app, request, reply, 200, () =>
          service(callOf(app, request), (request.params as { id: string }).id, request.body),
        ),
    )
  change('extension', body.subjectAccessExtension, extendSubjectAccess)
  change('clarification-requested', body.subjectAccessClarification, askForClarification)
  change('clarification-received', body.subjectAccessClarified, clarificationReceived)
  change('close', body.subjectAccessClose, closeSubjectAccess)
  server.get(
    '/api/v1/subject-access-requests/:id/answer',
    {
      schema: {
        tags,
        params: idParams,
        querystring: body.subjectAccessExportQuery,
        response: responses(200, answer, 404, 409),
      },
      // A disclosure to the data subject, audited as one by the service.
      config: reads('subject-access:export'),
    },
    async (request, reply) => {
      const result = await subjectAccessExport(
        callOf(app, request),
        request.params.id,
        request.query.format,
        reply.cspNonce,
      )
      if (result.format === 'json') return result.document
      return reply
        .type(result.format === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
        .send(result.content)
    },
  )
}
