import { z } from 'zod'

// What the API answers, as Zod schemas: the OpenAPI document is generated from
// them, and the fuzz test (test/security/fuzz.test.ts) checks every response
// against them. A route lists its success body and the problems it can answer
// with `responses(...)`, so a status it does not list is a bug either in the
// route or in its documentation.
//
// Rows read back whole from the database (`SELECT *`) are loose objects: the
// fields listed are always there with these types, and a column added by a
// later migration may appear beside them.

// ---------------------------------------------------------------------------
// Problems (RFC 9457)

/** An RFC 9457 problem document: every error the API sends. */
export const problemDocument = z
  .looseObject({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string().optional(),
    /** Bad input: one entry per problem, naming where it is and the rule. */
    errors: z.array(z.strictObject({ in: z.string(), field: z.string(), message: z.string() })).optional(),
    /** The limit a refused request broke (json-depth, header-value…). */
    rule: z.string().optional(),
    /** For a 5xx: the reference to quote; nothing else about the failure is shown. */
    correlationId: z.string().optional(),
  })
  .describe('An RFC 9457 problem document')

const problemMeanings: Record<number, string> = {
  400: 'Bad request: the body, query, path or a header breaks a rule (each named in `errors`, or by `rule`)',
  401: 'Not signed in, or the token is not valid',
  403: "Your role, or your token's scopes, do not allow this",
  404: 'Not found, or not yours to see (the same answer, so existence does not leak)',
  409: 'Conflicts with the state of the record',
  412: 'The record changed since you read it (If-Match)',
  413: 'The request body is too large',
  414: 'The request URL is too long',
  415: 'Only application/json is accepted',
  422: 'The request is well formed but its content is refused (each problem named in `errors`)',
  428: 'Send If-Match with the ETag you read',
  429: 'Too many requests: see Retry-After',
  431: 'Too many request headers',
  500: 'Something went wrong on our side: quote the correlationId',
}

interface ProblemResponse {
  description: string
  content: { 'application/problem+json': { schema: typeof problemDocument } }
}

const problemResponse = (status: number): ProblemResponse => ({
  description: problemMeanings[status] ?? 'A problem',
  content: { 'application/problem+json': { schema: problemDocument } },
})

/** Problems every route can answer with: the request's shape, limits, sign-in, role, and the generic 5xx. */
export const commonProblems = [400, 401, 403, 413, 414, 415, 429, 431, 500] as const
type CommonProblem = (typeof commonProblems)[number]
type ParticularProblem = 404 | 409 | 412 | 422 | 428

/**
 * A route's responses: its success status with the body schema (or a
 * `content` map for a non-JSON body), every common problem, and the problems
 * particular to the route.
 */
export function responses<S extends 200 | 201, B, P extends ParticularProblem = never>(
  status: S,
  body: B,
  ...particular: P[]
): { [K in S]: B } & { [K in CommonProblem | P]: ProblemResponse } {
  // A Zod body without a description of its own is described by its status.
  const described =
    body instanceof z.ZodType && body.description === undefined
      ? body.describe(status === 201 ? 'Created' : 'OK')
      : body
  const out: Record<number, unknown> = { [status]: described }
  for (const code of [...commonProblems, ...particular]) out[code] = problemResponse(code)
  return out as { [K in S]: B } & { [K in CommonProblem | P]: ProblemResponse }
}

/**
 * A response with no body (a redirect, 204): documented by its description
 * only (@fastify/swagger leaves out the content of a `type: null` schema). A
 * plain `{ description }` entry is not a Zod schema, and breaks the OpenAPI
 * generation (fastify-type-provider-zod refuses it), so use this.
 */
export const noBody = (description: string) => z.null().describe(description)

// ---------------------------------------------------------------------------
// Building blocks

// Patterns rather than formats: what the register writes, checked without a format library.
export const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  .describe('A UUID')
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('A date, YYYY-MM-DD')
export const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
  .describe('An instant, ISO 8601 in UTC')
export const anyObject = z.record(z.string(), z.unknown())
const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() })

/**
 * A row the service reads whole and returns as it is (`camelRow`): documented
 * field by field, typed for the handler as a plain record, since the service
 * does not know its columns. The fuzz test checks the fields at run time.
 */
export const row = <S extends z.ZodRawShape>(shape: S) =>
  z.looseObject(shape) as unknown as z.ZodType<Record<string, unknown>>

/** Bytes sent as they are (an image): no JSON, so the schema only names the media type. */
const bytes = (contentType: string) =>
  z.string().meta({ format: 'binary', contentMediaType: contentType }) as unknown as z.ZodType<Buffer>

export const personSummary = z.strictObject({
  id: uuid,
  reference: z.string(),
  familyName: z.string(),
  givenNames: z.string(),
  dateOfBirth: isoDate,
  niNumber: z.string().nullable(),
  sex: z.string().nullable(),
  status: z.string(),
  riskLevel: z.string().nullable(),
  responsibleOfficerId: uuid.nullable(),
  managingOrganisationId: z.string(),
  version: z.int(),
  updatedAt: instant,
})

export const factJson = z.strictObject({
  id: uuid,
  kind: z.string(),
  data: anyObject,
  validFrom: isoDate.nullable(),
  validTo: isoDate.nullable(),
  recordedAt: instant,
  recordedBy: uuid.nullable(),
  supersededBy: uuid.nullable(),
})

const registrationRow = row({
  id: uuid,
  policyId: z.string(),
  policyVersion: z.string(),
  status: z.string(),
  abuseType: z.string(),
  mappaCategory: z.int().nullable(),
  period: anyObject.nullable(),
  relevantDate: isoDate,
  lastDay: isoDate.nullable(),
  reviewDate: isoDate.nullable(),
  initialDue: isoDate.nullable(),
  noFixedAbode: z.boolean(),
  inCustody: z.boolean(),
  registeredOn: isoDate,
  noticeServedOn: isoDate.nullable(),
  endedOn: isoDate.nullable(),
  archivedOn: isoDate.nullable(),
  version: z.int(),
  determinationId: uuid,
})

const profileItem = z.strictObject({ id: z.string(), label: z.string(), duty: z.string(), provision: z.string() })

const obligation = z.strictObject({
  key: z.string(),
  kind: z.string(),
  holder: z.enum(['registrant', 'agency']),
  title: z.string(),
  provision: z.string(),
  dueOn: isoDate,
  status: z.enum(['upcoming', 'due', 'overdue', 'met', 'met-late']),
  metOn: isoDate.optional(),
})

/** The legal core's explanation (src/contracts/explain-output.ts), as `dasr explain --json` prints it. */
const explanation = z.object({
  asOf: isoDate,
  personId: z.string(),
  policies: z.array(
    z.object({
      policy: z.string(),
      outcome: z.string(),
      reasons: z.array(z.unknown()),
      missing: z.array(z.unknown()),
      warnings: z.array(z.unknown()),
      consequences: z
        .object({
          effect: z.string(),
          indexFact: z.string().nullable(),
          notificationPeriod: z.unknown(),
          periodStart: isoDate.nullable(),
          periodLastDay: isoDate.nullable(),
          earliestReview: isoDate.nullable(),
          initialNotificationDue: isoDate.nullable(),
          mappaCategory: z.int().nullable(),
          mappaBasis: z.string(),
          mappaLevelProposed: z.int().nullable(),
          victimContact: z.array(z.unknown()),
          considerRightToKnow: z.boolean(),
          provisions: z.array(z.string()),
        })
        .nullable(),
    }),
  ),
  rehabilitation: z.array(z.unknown()),
})

// ---------------------------------------------------------------------------
// People

export const people = {
  list: page(personSummary),
  created: z.strictObject({
    id: uuid,
    reference: z.string(),
    version: z.int(),
    possibleDuplicatesConfirmedDistinct: z.array(z.string()),
  }),
  record: z.strictObject({
    person: personSummary,
    /** How the caller reaches the record, and the sections withheld from them (issue 4 item 2). */
    access: z.strictObject({
      reach: z.enum(['managing', 'co-managing', 'plan', 'need-to-know']),
      sectionsHidden: z.array(z.string()),
    }),
    facts: z.record(z.string(), z.array(factJson)).describe('Current facts (all with ?history=true), by kind'),
    registrations: z.array(registrationRow),
    victims: z.array(row({ victimId: uuid, relationship: z.string().nullable() })),
    photographs: z.array(
      row({
        id: uuid,
        contentType: z.string(),
        byteSize: z.int(),
        width: z.int(),
        height: z.int(),
        takenOn: isoDate.nullable(),
        caption: z.string().nullable(),
      }),
    ),
    breaches: z.array(
      row({
        id: uuid,
        obligationKey: z.string(),
        obligationKind: z.string(),
        provision: z.string(),
        dueOn: isoDate,
        detectedOn: isoDate,
        status: z.string(),
        outcome: z.string().nullable(),
        outcomeOn: isoDate.nullable(),
        version: z.int(),
      }),
    ),
    visits: z.array(row({ id: uuid, visitedOn: isoDate, outcome: z.string(), notes: z.string().nullable() })),
    notifications: z.array(
      row({
        id: uuid,
        registrationId: uuid,
        kind: z.string(),
        receivedOn: isoDate,
        eventDate: isoDate.nullable(),
        departureDate: isoDate.nullable(),
        items: z.array(z.string()),
        station: z.string().nullable(),
      }),
    ),
  }),
  updated: z.strictObject({ id: uuid, version: z.int() }),
  timeline: page(
    row({
      id: z.int(),
      kind: z.string(),
      summary: z.string(),
      data: anyObject,
      occurredOn: isoDate,
      recordedAt: instant,
      actorId: uuid.nullable(),
    }),
  ),
  factAdded: z.strictObject({ id: uuid, kind: z.string(), personVersion: z.int() }),
  factSuperseded: z.strictObject({ id: uuid, supersedes: uuid, personVersion: z.int() }),
  photographAdded: z.strictObject({
    id: uuid,
    contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    width: z.int(),
    height: z.int(),
    byteSize: z.int(),
  }),
  /** The image itself, in the type it was stored as. */
  photograph: {
    description: 'The photograph, in the type it was uploaded as',
    content: Object.fromEntries(
      ['image/jpeg', 'image/png', 'image/webp'].map((type) => [type, { schema: bytes(type) }]),
    ),
  },
}

// ---------------------------------------------------------------------------
// Victims

export const victims = {
  created: z.strictObject({ id: uuid, version: z.int() }),
  record: row({
    id: uuid,
    managingOrgId: z.string(),
    data: anyObject.describe('The victim record as recorded (name, contact details, Victim Contact Scheme)'),
    version: z.int(),
  }),
  linked: z.strictObject({ personId: uuid, victimId: uuid }),
}

// ---------------------------------------------------------------------------
// Registration

const notice = z.strictObject({
  title: z.string(),
  reference: z.string(),
  name: z.string(),
  dateOfBirth: z.string(),
  issuedOn: z.string(),
  basis: z.string(),
  period: z.string(),
  duties: z.array(z.strictObject({ duty: z.string(), deadline: z.string(), provision: z.string() })),
  whatToTell: z.array(z.strictObject({ item: z.string(), duty: z.string(), provision: z.string() })),
  consequences: z.array(z.string()),
  rights: z.array(z.string()),
})

export const registration = {
  referred: z.strictObject({ personId: uuid, status: z.string().describe('referred'), version: z.int() }),
  determined: z.strictObject({
    id: uuid,
    personId: uuid,
    asOf: isoDate,
    policyVersions: z.record(z.string(), z.string()),
    softwareVersion: z.string(),
    explanation,
  }),
  determination: row({
    id: uuid,
    personId: uuid,
    asOf: isoDate,
    input: anyObject,
    explanation,
    policyVersions: z.record(z.string(), z.string()),
    softwareVersion: z.string(),
    decidedAt: instant,
    decidedBy: uuid.nullable(),
  }),
  registered: z.strictObject({ id: uuid, personId: uuid, personVersion: z.int(), initialDue: isoDate.nullable() }),
  record: z.strictObject({
    registration: registrationRow,
    profile: z.array(profileItem),
    obligations: z.array(obligation),
  }),
  /** The notice as JSON, or with ?format=html as a printable page. */
  notice: {
    description: 'The notice to the registrant: JSON, or with ?format=html a printable page',
    content: {
      'application/json': { schema: notice },
      'text/html': { schema: z.string().meta({ contentMediaType: 'text/html' }) },
    },
  },
  decided: z.strictObject({ id: uuid, version: z.int() }),
  reviewed: z.strictObject({ id: uuid, version: z.int(), decision: z.enum(['continue', 'discharge']) }),
  ended: z.strictObject({ id: uuid, version: z.int(), status: z.string().describe('ended') }),
  archived: z.strictObject({
    id: uuid,
    version: z.int(),
    status: z.string().describe('archived'),
    retentionReviewOn: isoDate,
  }),
  notified: z.strictObject({
    id: uuid,
    registrationId: uuid,
    factIds: z.array(uuid),
    registrationVersion: z.int(),
  }),
  adjusted: z.strictObject({ id: uuid, registrationVersion: z.int(), profile: z.array(profileItem) }),
}

// ---------------------------------------------------------------------------
// Compliance

export const compliance = {
  scanned: z.strictObject({
    asOf: isoDate,
    registrations: z.int(),
    newBreaches: z.int(),
    newTasks: z.int(),
    millis: z.int(),
  }),
  visited: z.strictObject({ id: uuid }),
  breaches: page(
    row({
      id: uuid,
      personId: uuid,
      reference: z.string(),
      obligationKey: z.string(),
      obligationKind: z.string(),
      provision: z.string(),
      dueOn: isoDate,
      detectedOn: isoDate,
      status: z.enum(['suspected', 'closed']),
      outcome: z.string().nullable(),
      version: z.int(),
    }),
  ),
  decided: z.strictObject({ id: uuid, version: z.int(), outcome: z.string() }),
  tasks: z.strictObject({
    items: z.array(
      row({
        id: uuid,
        kind: z.string(),
        title: z.string(),
        dueOn: isoDate,
        status: z.string(),
        personId: uuid,
        reference: z.string(),
        breachId: uuid.nullable(),
      }),
    ),
  }),
}
