import { z } from 'zod'
import {
  attentionFilters,
  caseloadScopes,
  caseloadSorts,
  defaultPageSize,
  maxPageSize,
  personStatuses,
  readCaseload,
  riskFilters,
  sortOrders,
} from '../../app/caseload.ts'
import type { AppContext } from '../../app/context.ts'
import { defaultSearchLimit, maxSearchLimit, searchPeople } from '../../app/search.ts'
import { isoDate as isoDateInput } from '../../contracts/register/fields.ts'
import { isoDate, responses, uuid } from '../responses.ts'
import { type ApiServer, callOf } from '../route-kit.ts'

// An officer's caseload and the search for a person (issue 6, items 2 and 3),
// for integrations and the pages alike: the pages call the same services with
// the same acting user. Both read personal data, so each answer is an audited
// consultation; a search needs X-Justification (DPA 2018 s.62(3)(a)).

/** A filter given as a comma-separated list: "overdue,breach". */
const listOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z
    .string()
    .max(200)
    .regex(/^[a-z-]+(,[a-z-]+)*$/, `must be a comma-separated list of ${what}: ${values.join(', ')}`)
    .transform((text) => [...new Set(text.split(','))])
    .pipe(z.array(z.enum(values, { error: `must each be one of: ${values.join(', ')}` })))
    .optional()
    .describe(`${what}, comma-separated: ${values.join(', ')}`)

const caseloadQuery = z.strictObject({
  scope: z
    .enum(caseloadScopes)
    .optional()
    .describe(
      'mine: where you are the responsible officer; organisation: everyone your organisation manages or has been shared',
    ),
  attention: listOf(attentionFilters, 'what needs attention'),
  risk: listOf(riskFilters, 'risk levels'),
  status: listOf(personStatuses, 'registration statuses'),
  sort: z.enum(caseloadSorts).optional(),
  order: z.enum(sortOrders).optional(),
  page: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000).default(1),
  pageSize: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(maxPageSize, `must be at most ${maxPageSize}`)
    .default(defaultPageSize),
})

const nextObligation = z.strictObject({
  title: z.string(),
  kind: z.enum([
    'initial-notification',
    'periodic-notification',
    'change-notification',
    'travel-notification',
    'home-visit',
  ]),
  dueOn: isoDate,
  status: z.enum(['upcoming', 'due', 'overdue']),
})

const caseloadBody = z.strictObject({
  scope: z.enum(caseloadScopes),
  asOf: isoDate,
  summary: z
    .strictObject({ people: z.int(), overdue: z.int(), dueSoon: z.int(), suspectedBreaches: z.int() })
    .describe('People in the whole caseload, before filters, needing each kind of attention'),
  filters: z.strictObject({
    attention: z.array(z.enum(attentionFilters)),
    risk: z.array(z.enum(riskFilters)),
    status: z.array(z.enum(personStatuses)),
  }),
  sort: z.enum(caseloadSorts),
  order: z.enum(sortOrders),
  page: z.int(),
  pageSize: z.int(),
  totalItems: z.int(),
  totalPages: z.int(),
  items: z.array(
    z.strictObject({
      id: uuid,
      reference: z.string(),
      givenNames: z.string(),
      familyName: z.string(),
      status: z.enum(personStatuses),
      riskLevel: z.enum(['low', 'medium', 'high', 'very-high']).nullable(),
      reach: z.enum(['managing', 'co-managing', 'plan']),
      responsibleOfficer: z.string().nullable(),
      nextReviewOn: isoDate.nullable().optional().describe('Absent when you are not shown the registration'),
      compliance: z
        .strictObject({
          next: nextObligation.nullable(),
          overdue: z.int(),
          dueSoon: z.int(),
          suspectedBreaches: z.int(),
          nextVisitOn: isoDate.nullable(),
        })
        .optional()
        .describe('Absent when you are not shown the compliance section'),
    }),
  ),
})

const searchQuery = z.strictObject({
  q: z
    .string()
    .max(200, 'must be at most 200 characters')
    .describe('A name or alias, NI number, vehicle registration, phone number, e-mail address or online name'),
  dateOfBirth: isoDateInput.optional().describe('Ranks those born that day first; never finds anyone on its own'),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(maxSearchLimit, `must be at most ${maxSearchLimit}`)
    .default(defaultSearchLimit),
})

const searchBody = z.strictObject({
  items: z.array(
    z.strictObject({
      id: uuid,
      reference: z.string(),
      givenNames: z.string(),
      familyName: z.string(),
      dateOfBirth: isoDate,
      managingOrganisation: z.strictObject({ id: z.string(), name: z.string() }),
      reach: z.enum(['managing', 'co-managing', 'plan']),
      reasons: z
        .array(
          z.strictObject({
            kind: z.enum(['name', 'ni', 'vehicle', 'phone', 'email', 'online', 'date-of-birth']),
            text: z.string(),
          }),
        )
        .describe('Why the person matched, strongest first'),
      score: z.number(),
    }),
  ),
  more: z.boolean().describe('More people matched than are listed: narrow the search'),
})

export function caseloadSearchRoutes(server: ApiServer, app: AppContext): void {
  server.get(
    '/api/v1/caseload',
    {
      schema: { tags: ['caseload'], querystring: caseloadQuery, response: responses(200, caseloadBody, 422) },
      config: { access: { action: 'person:read', personal: true } },
    },
    async (request) => readCaseload(callOf(app, request), request.query),
  )
  server.get(
    '/api/v1/people/search',
    {
      schema: { tags: ['people'], querystring: searchQuery, response: responses(200, searchBody, 422) },
      config: { access: { action: 'person:search', personal: true } },
    },
    async (request) =>
      searchPeople(callOf(app, request), {
        query: request.query.q,
        dateOfBirth: request.query.dateOfBirth,
        limit: request.query.limit,
      }),
  )
}
