import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildServer } from '../../src/api/server.ts'
import type { Actor, Role } from '../../src/app/actor.ts'
import { createUser, ensureOrganisation, issueToken } from '../../src/app/directory.ts'
import { formatDay } from '../../src/domain/dates/day.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

// An API fuzz run driven by the OpenAPI document (ASVS 4 "API fuzzing",
// Schemathesis-style): every operation the document lists, whatever routes
// exist when the test runs, gets schema-valid and schema-invalid requests
// (bodies and queries generated from its JSON Schemas with fast-check, then
// fields dropped, added, mistyped, oversized, nested deep; ids of both
// forces' real records, random and malformed ids; hostile headers), sent as
// every seeded role, another force, and with no, forged, expired or disabled
// tokens. Every response must have a documented status and match that
// status's documented schema; none may be a 5xx; and no 2xx may carry a
// record of an organisation other than the caller's.
//
// Deterministic: FUZZ_SEED (default below) and FUZZ_REQUESTS choose the run;
// the seed is printed, and each failure is printed with the request to replay.

const seed = Number(process.env.FUZZ_SEED ?? 0x5eed_da5)
const requestCount = Number(process.env.FUZZ_REQUESTS ?? 12_000)

// ---------------------------------------------------------------------------
// The OpenAPI document, as far as the fuzzer reads it

interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  default?: unknown
  examples?: unknown[]
  [keyword: string]: unknown
}

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: JsonSchema
}

interface Operation {
  method: string
  /** The OpenAPI path, with {params}. */
  path: string
  parameters: Parameter[]
  body?: { schema: JsonSchema; required: boolean }
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>
  tags: string[]
}

function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const out: Operation[] = []
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const requestBody = op.requestBody as
        | { required?: boolean; content: Record<string, { schema: JsonSchema }> }
        | undefined
      const json = requestBody?.content['application/json']
      out.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        ...(json === undefined ? {} : { body: { schema: json.schema, required: requestBody?.required === true } }),
        responses: op.responses as Operation['responses'],
        tags: (op.tags as string[] | undefined) ?? [],
      })
    }
  }
  return out
}

// ---------------------------------------------------------------------------
// Values from JSON Schemas

const isoDay = fc
  .date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

/** Text as a user (or an attacker) might type it: plain, unicode, control characters, lone surrogates. */
const anyText = (maxLength = 60) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "Robert'); DROP TABLE person;--",
        '<script>alert(1)</script>',
        '=HYPERLINK("http://example.test")',
        '../../etc/passwd',
        '\u0000',
        'a\u0000b',
        '\r\nX-Injected: 1',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, meant literally
        '${jndi:ldap://example.test/a}',
        '%s%s%s%n',
        '\uFEFF',
        ' ',
      ),
    },
  )

/** A value the schema accepts, as far as JSON Schema can say (the contracts' own rules may still refuse it). */
function valid(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 6) return fc.constant(null)
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((s) => valid(s, depth + 1)))
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]
  if (types.length > 1) return fc.oneof(...types.map((type) => valid({ ...schema, type }, depth + 1)))
  const examples = schema.examples ?? []
  switch (types[0]) {
    case 'string': {
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern))
      if (schema.format === 'date') return isoDay
      if (schema.format === 'uuid') return fc.uuid()
      if (schema.format === 'email') return fc.emailAddress()
      const maxLength = Math.min(schema.maxLength ?? 40, 40)
      const text = fc.oneof(
        { weight: 3, arbitrary: fc.string({ minLength: schema.minLength ?? 1, maxLength }) },
        { weight: 1, arbitrary: anyText(maxLength) },
      )
      return examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), text) : text
    }
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e9), max: Math.min(schema.maximum ?? 1000, 1e9) })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(valid(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: 3 })
    default: {
      const properties = schema.properties ?? {}
      if (Object.keys(properties).length === 0 && schema.additionalProperties !== false) {
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 5,
        })
      }
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [key, sub] of Object.entries(properties)) model[key] = valid(sub, depth + 1)
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) })
    }
  }
}

/** A value of the wrong type for the schema. */
function wrongType(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const types = new Set(Array.isArray(schema?.type) ? schema.type : [schema?.type])
  const candidates: fc.Arbitrary<unknown>[] = []
  if (!types.has('string')) candidates.push(anyText(20))
  if (!types.has('integer') && !types.has('number'))
    candidates.push(fc.oneof(fc.integer(), fc.double(), fc.constant(1e308)))
  if (!types.has('boolean')) candidates.push(fc.boolean())
  if (!types.has('null')) candidates.push(fc.constant(null))
  if (!types.has('array')) candidates.push(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }))
  if (!types.has('object')) candidates.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }))
  return fc.oneof(...candidates)
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const safeDecode = (part: string) => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/** `arbitrary` in `percent` of cases, undefined in the others. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary })

/** Percent-encodes for a URL; text that is not well-formed UTF-16 is mended first, as a client would have to. */
const encode = (text: string) => encodeURIComponent(text.toWellFormed())

/** Text that is valid JSON but that a database or a log may choke on. */
const hostileText = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'before\u0000after',
    '\ud800',
    'x\udfffy',
    '\u202eevil',
    '\u0007\u001b[31m',
    "'; SELECT pg_sleep(5); --",
    '\\',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '\r\n\r\n',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
)

/** Every path to a string inside a JSON value. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path]
  if (Array.isArray(value)) return value.flatMap((item, i) => stringPaths(item, [...path, i]))
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]))
  }
  return []
}

/** The value with the string at `path` replaced. */
function replaceAt(value: unknown, path: (string | number)[], replacement: string): unknown {
  if (path.length === 0) return replacement
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaceAt(item, rest, replacement) : item))
  const record = value as Record<string, unknown>
  return { ...record, [head]: replaceAt(record[head], rest, replacement) }
}

const nested = (levels: number, leaf: unknown): unknown => {
  let value = leaf
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

interface Body {
  /** The text sent; undefined for no body. */
  payload?: string
  contentType?: string
  /** What was done to it, for the report. */
  variant: string
}

const json = (value: unknown, variant: string): Body => ({
  payload: JSON.stringify(value),
  contentType: 'application/json',
  variant,
})

/** Valid bodies, then every way of breaking one. */
function bodies(schema: JsonSchema, templates: readonly fc.Arbitrary<unknown>[]): fc.Arbitrary<Body> {
  const good =
    templates.length > 0
      ? fc.oneof({ weight: 1, arbitrary: valid(schema) }, { weight: 3, arbitrary: fc.oneof(...templates) })
      : valid(schema)
  const properties = Object.keys(schema.properties ?? {})
  const required = schema.required ?? []
  const asObject = (value: unknown) =>
    (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>
  return fc.oneof(
    { weight: 20, arbitrary: good.map((value) => json(value, 'valid')) },
    {
      // A valid body with one of its strings replaced by hostile text: it passes the schema and reaches the store.
      weight: 4,
      arbitrary: good.chain((value) => {
        const paths = stringPaths(value)
        if (paths.length === 0) return fc.constant(json(value, 'valid'))
        return fc
          .tuple(fc.constantFrom(...paths), hostileText)
          .map(([path, text]) => json(replaceAt(value, path, text), `hostile text at ${path.join('.')}`))
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(good, fc.constantFrom(...(required.length > 0 ? required : ['-']))).map(([value, key]) => {
        const { [key]: _dropped, ...rest } = asObject(value)
        return json(rest, `missing ${key}`)
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(good, fc.constantFrom('role', 'organisationId', 'managingOrgId', 'isAdmin', 'version', 'id', 'zz'))
        .map(([value, key]) => json({ ...asObject(value), [key]: 'police:other-shire' }, `extra ${key}`)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(good, fc.constantFrom(...(properties.length > 0 ? properties : ['-'])))
        .chain(([value, key]) =>
          wrongType(schema.properties?.[key]).map((wrong) =>
            json({ ...asObject(value), [key]: wrong }, `wrong ${key}`),
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(good, fc.constantFrom(...(properties.length > 0 ? properties : ['-'])), fc.constantFrom(5_000, 100_000))
        .map(([value, key, size]) => json({ ...asObject(value), [key]: 'A'.repeat(size) }, `huge ${key}`)),
    },
    { weight: 1, arbitrary: fc.constant(json(nested(40, 1), 'nested 40 deep')) },
    { weight: 1, arbitrary: good.map((value) => json(nested(20, value), 'nested 20 deep')) },
    {
      weight: 1,
      arbitrary: fc.constant({
        payload: JSON.stringify(Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`k${i}`, i]))),
        contentType: 'application/json',
        variant: '12,000 keys',
      }),
    },
    {
      weight: 1,
      arbitrary: good.map((value) => ({
        payload: `{"__proto__":{"isAdmin":true},${JSON.stringify(asObject(value)).slice(1)}`.replace(',}', '}'),
        contentType: 'application/json',
        variant: '__proto__',
      })),
    },
    {
      weight: 1,
      arbitrary: good.map((value) => json({ ...asObject(value), constructor: { prototype: { x: 1 } } }, 'constructor')),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => json(value, 'any JSON')) },
    {
      weight: 1,
      arbitrary: anyText(200).map((text) => ({ payload: text, contentType: 'application/json', variant: 'not JSON' })),
    },
    { weight: 1, arbitrary: fc.constant({ payload: '', contentType: 'application/json', variant: 'empty' }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          good,
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json-patch+json',
            'application/problem+json',
          ),
        )
        .map(([value, contentType]) => ({ payload: JSON.stringify(value), contentType, variant: contentType })),
    },
    {
      weight: 1,
      arbitrary: good.map((value) => ({ payload: JSON.stringify(value), variant: 'no Content-Type' })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({ payload: 'x'.repeat(300 * 1024), contentType: 'application/json', variant: '300 KiB' }),
    },
  )
}

// ---------------------------------------------------------------------------
// The run

interface Caller {
  name: string
  /** The organisation whose records the caller may read; undefined for no valid token. */
  organisationId?: string
  userId?: string
  authorization?: string
  weight: number
}

interface Records {
  /** Ids by the path segment naming them ("people", "registrations"…). */
  ids: Map<string, string[]>
  /** Every id, reference and name that belongs to this organisation, with the person it is about, to look for in other callers' answers. */
  markers: Map<string, string>
  /** [person, fact of that person], for paths naming both. */
  pairs: [string, string][]
}

// A 1×1 PNG.
const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

const conviction = (date: string, victim: string) => ({
  kind: 'conviction',
  date,
  offence: 'PHA1997-s4A',
  domesticAbuse: true,
  victims: [{ id: victim, relationship: 'ex-partner', ageAtOffence: 30 }],
  disposal: { type: 'custody', months: 12, suspended: true },
})

/**
 * Realistic bodies beside the generated ones, so that valid requests get past
 * the contracts' own rules (NI numbers, postcodes, fact kinds) and reach the
 * services. Operations without one are fuzzed from their schema alone.
 */
function templatesFor(seeded: {
  victims: string[]
  determinations: string[]
}): Record<string, fc.Arbitrary<unknown>[]> {
  const one = (...values: unknown[]) => [fc.constantFrom(...values)]
  return {
    'POST /api/v1/people': [
      fc.record({
        familyName: fc.constantFrom('Fuzzed', 'Smith', "O'Brien", 'Ng'),
        givenNames: fc.constantFrom('Fay', 'Jo'),
        dateOfBirth: fc.constantFrom('1981-01-01', '1990-12-31', '1975-06-15'),
        niNumber: fc.constantFrom('AB123456C', 'JG103759A'),
        riskLevel: fc.constantFrom('low', 'high'),
        confirmedNotDuplicate: fc.boolean(),
      }),
    ],
    'POST /api/v1/people/{id}/facts': one(
      conviction('2025-01-01', 'V-Z'),
      { kind: 'address', addressType: 'home', line1: '1 High Street', town: 'Testbury', validFrom: '2025-01-01' },
      { kind: 'risk-assessment', date: '2025-10-01', tool: 'OASys', rosh: 'high' },
      { kind: 'phone', number: '07700900123' },
    ),
    'POST /api/v1/people/{id}/facts/{factId}/supersede': one(
      { validTo: '2026-07-01', reason: 'moved' },
      { reason: 'corrected', replacement: { addressType: 'home', line1: '3 New Road', town: 'Testbury' } },
    ),
    'PATCH /api/v1/people/{id}': one({ riskLevel: 'medium', reason: 'fuzz' }, { sex: 'not-known' }),
    'POST /api/v1/victims': one({
      familyName: 'Vic',
      givenNames: 'Tim',
      address: { line1: '2 Low Road', town: 'Test' },
    }),
    'POST /api/v1/people/{id}/victims': [
      fc.record({ victimId: fc.constantFrom(...seeded.victims), relationship: fc.constantFrom('ex-partner', 'child') }),
    ],
    'POST /api/v1/people/{id}/referrals': one({ reason: 'fuzz' }),
    'POST /api/v1/people/{id}/determinations': one({}, { asOf: '2026-07-01' }),
    'POST /api/v1/people/{id}/registrations': [
      fc.record({
        determinationId: fc.constantFrom(...seeded.determinations),
        policyId: fc.constantFrom('lords-amendment', 'broad', 'current-law'),
        abuseType: fc.constantFrom('intimate-partner', 'stalking', 'family'),
      }),
    ],
    'POST /api/v1/people/{id}/visits': one({ visitedOn: '2026-07-01', outcome: 'seen' }),
    'POST /api/v1/people/{id}/photographs': one({ contentType: 'image/png', data: png }),
    'POST /api/v1/registrations/{id}/notifications': one(
      { kind: 'initial', receivedOn: '2026-06-01', items: ['names'] },
      {
        kind: 'change',
        receivedOn: '2026-07-01',
        eventDate: '2026-06-30',
        facts: [{ kind: 'phone', number: '07700900999' }],
      },
      { kind: 'periodic', receivedOn: '2026-07-20' },
    ),
    'POST /api/v1/registrations/{id}/notice-served': one({ servedOn: '2026-05-02', method: 'in-person' }),
    'POST /api/v1/registrations/{id}/reviews': one({ decidedOn: '2026-07-01', decision: 'continue', reasons: 'fuzz' }),
    'POST /api/v1/registrations/{id}/end': one({ endedOn: '2026-07-01', reason: 'other', notes: 'fuzz' }),
    'POST /api/v1/registrations/{id}/archive': one({ archivedOn: '2026-07-02' }),
    'POST /api/v1/registrations/{id}/profile-adjustments': one(
      { item: 'phone-numbers', action: 'add', reason: 'fuzz' },
      { item: 'date-of-birth', action: 'remove', reason: 'fuzz' },
    ),
    'POST /api/v1/breaches/{id}/outcome': one({ outcome: 'advice', decidedOn: '2026-08-01', notes: 'fuzz' }),
    'POST /api/v1/compliance/scans': one({}, { asOf: '2026-08-01' }),
  }
}

interface Sent {
  caller: Caller
  method: string
  url: string
  headers: Record<string, string>
  body: Body | undefined
  operation: Operation
}

for (const backend of backends) {
  describe(`API fuzz run from the OpenAPI document on ${backend}`, () => {
    let store: TestDatabase
    let server: FastifyInstance
    let people: People
    const clock = new TestClock('2026-05-01')
    const callers: Caller[] = []
    const records = new Map<string, Records>()
    const bystanders = { users: [] as string[], tokens: [] as string[] }

    const send = (authorization: string | undefined, method: string, url: string, body?: unknown) =>
      server.inject({
        method: method as 'GET',
        url,
        headers: authorization === undefined ? {} : { authorization },
        ...(body === undefined ? {} : { payload: body as object }),
      })

    /** A person with a registration, a victim, a photograph, a breach and a task, and a second person, for one force. */
    async function seedForce(authorization: string, organisationId: string, tag: string, officerId: string) {
      const ids = new Map<string, string[]>()
      const markers = new Map<string, string>()
      let current = ''
      const keep = (kind: string, id: string, personId = current) => {
        ids.set(kind, [...(ids.get(kind) ?? []), id])
        markers.set(id, personId)
      }
      const ok = async (response: Promise<LightMyRequestResponse>, status: number) => {
        const answer = await response
        assert.equal(answer.statusCode, status, answer.body)
        return answer.json()
      }
      for (const [index, given] of ['Ann', 'Bea'].entries()) {
        const familyName = `Fuzz${tag}${given}`
        const person = await ok(
          send(authorization, 'POST', '/api/v1/people', {
            familyName,
            givenNames: given,
            dateOfBirth: `198${index}-03-0${index + 1}`,
            responsibleOfficerId: officerId,
          }),
          201,
        )
        current = person.id
        keep('people', person.id)
        markers.set(person.reference, current).set(familyName, current)
        const personUrl = `/api/v1/people/${person.id}`
        for (const fact of [
          conviction('2025-09-01', `V-${tag}-A`),
          conviction('2024-01-10', `V-${tag}-B`),
          { kind: 'risk-assessment', date: '2025-10-01', tool: 'OASys', rosh: 'high' },
          { kind: 'address', addressType: 'home', line1: `${tag} House`, town: 'Testbury', validFrom: '2025-01-01' },
        ]) {
          keep('facts', (await ok(send(authorization, 'POST', `${personUrl}/facts`, fact), 201)).id)
        }
        if (index === 1) continue
        const victim = await ok(
          send(authorization, 'POST', '/api/v1/victims', {
            familyName: `Victim${tag}`,
            givenNames: 'Vee',
            address: { line1: `${tag} Refuge`, town: 'Safeton' },
          }),
          201,
        )
        keep('victims', victim.id)
        markers.set(`Victim${tag}`, current)
        await ok(send(authorization, 'POST', `${personUrl}/victims`, { victimId: victim.id }), 201)
        keep(
          'photographs',
          (
            await ok(
              send(authorization, 'POST', `${personUrl}/photographs`, { contentType: 'image/png', data: png }),
              201,
            )
          ).id,
        )
        await ok(send(authorization, 'POST', `${personUrl}/visits`, { visitedOn: '2026-04-01', outcome: 'seen' }), 201)
        await ok(send(authorization, 'POST', `${personUrl}/referrals`, { reason: 'fuzz seed' }), 201)
        const determination = await ok(send(authorization, 'POST', `${personUrl}/determinations`, {}), 201)
        keep('determinations', determination.id)
        const eligible = determination.explanation.policies.find(
          (p: { outcome: string; consequences: { effect: string } | null }) =>
            p.outcome === 'eligible' && p.consequences?.effect === 'notification-requirements',
        )
        const registration = await ok(
          send(authorization, 'POST', `${personUrl}/registrations`, {
            determinationId: determination.id,
            policyId: eligible.policy,
            abuseType: 'stalking',
          }),
          201,
        )
        keep('registrations', registration.id)
      }
      // Months later, nothing notified: the scan finds breaches and gives the officer tasks.
      clock.set('2026-08-01')
      await ok(send(authorization, 'POST', '/api/v1/compliance/scans', {}), 200)
      clock.set('2026-05-01')
      const pairs: [string, string][] = (ids.get('facts') ?? []).map((factId) => [markers.get(factId) ?? '', factId])
      const found = await store.db.query<{ id: string; person_id: string }>(
        'SELECT b.id, b.person_id FROM breach b JOIN person p ON p.id = b.person_id WHERE p.managing_org_id = $1',
        [organisationId],
      )
      assert.ok(found.length > 0, 'the seed has breaches')
      for (const row of found) keep('breaches', row.id, row.person_id)
      const visits = await store.db.query<{ id: string; person_id: string }>(
        'SELECT v.id, v.person_id FROM home_visit v JOIN person p ON p.id = v.person_id WHERE p.managing_org_id = $1',
        [organisationId],
      )
      for (const row of visits) markers.set(row.id, row.person_id)
      return { ids, markers, pairs }
    }

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      server = await buildServer({
        app: testApp(store.db, clock),
        // The limits stay on, set high enough not to end the run early.
        hardening: { rateLimit: { perIp: 1_000_000, perActor: 1_000_000, windowMs: 60_000 } },
      })
      const bearer = async (userId: string, days = 1) =>
        `Bearer ${await issueToken(store.db, userId, 'fuzz', ['*'], days)}`
      // Every other role of the register, in agencies of their own.
      await ensureOrganisation(store.db, { id: 'mappa:test-area', name: 'Test MAPPA area', kind: 'mappa' })
      await ensureOrganisation(store.db, { id: 'partner:test-health', name: 'Test Health Trust', kind: 'partner' })
      const extra = (organisationId: string, role: Role, name: string) =>
        createUser(store.db, {
          organisationId,
          roles: [role],
          displayName: name,
          email: `${name.replace(/\s/g, '.')}.${process.pid}@example.test`,
        })
      const mappa = await extra('mappa:test-area', 'mappa-coordinator', 'Mo Mappa')
      const partner = await extra('partner:test-health', 'partner-practitioner', 'Pam Partner')
      const auditor = await extra('police:test-shire', 'auditor', 'Aud Itor')
      const administrator = await extra('police:test-shire', 'administrator', 'Adam Admin')
      const disabled = await createUser(store.db, {
        organisationId: 'police:test-shire',
        roles: ['registrar'],
        displayName: 'Dee Disabled',
        email: `dee.${process.pid}@example.test`,
      })
      const disabledToken = await bearer(disabled.userId)
      // Users for the administrators' routes to act on (not the callers themselves, whose tokens the run needs).
      for (const name of ['Bo Bystander', 'Cy Bystander']) {
        const bystander = await extra('police:test-shire', 'offender-manager', name)
        bystanders.users.push(bystander.userId)
        await bearer(bystander.userId)
        const tokens = await store.db.query<{ id: string }>('SELECT id FROM api_token WHERE user_id = $1', [
          bystander.userId,
        ])
        bystanders.tokens.push(...tokens.map((t) => t.id))
      }
      await store.db.execute('UPDATE app_user SET disabled = true WHERE id = $1', [disabled.userId])
      const member = async (name: string, actor: Actor, weight: number): Promise<Caller> => ({
        name,
        organisationId: actor.organisationId,
        userId: actor.userId,
        authorization: await bearer(actor.userId),
        weight,
      })
      callers.push(
        await member('registrar', people.registrar, 6),
        await member('officer', people.officer, 3),
        await member('victim liaison', people.vlo, 2),
        await member('analyst', people.analyst, 1),
        await member('probation', people.probation, 2),
        await member('other force', people.otherForce, 4),
        await member('MAPPA coordinator', mappa, 1),
        await member('partner practitioner', partner, 1),
        await member('auditor', auditor, 1),
        await member('administrator', administrator, 1),
        { name: 'no token', weight: 1 },
        { name: 'forged token', authorization: 'Bearer dasr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', weight: 1 },
        { name: 'expired token', authorization: await bearer(people.registrar.userId, 0), weight: 1 },
        { name: 'disabled account', authorization: disabledToken, weight: 1 },
      )
      const registrar = callers[0]?.authorization as string
      const other = callers[5]?.authorization as string
      records.set('police:test-shire', await seedForce(registrar, 'police:test-shire', 'Home', people.officer.userId))
      records.set('police:other-shire', await seedForce(other, 'police:other-shire', 'Away', people.otherForce.userId))
      // The run happens after the seed's events, so the templates' dates are in the past.
      clock.set('2026-08-01')
    })
    after(async () => {
      await server?.close()
      await store?.drop()
    })

    test(`at least 10,000 requests: no 5xx, nothing outside the documented schemas, no cross-force read (seed ${seed})`, async () => {
      const document = (await server.inject({ method: 'GET', url: '/api/openapi.json' })).json()
      const operations = operationsOf(document)
      assert.ok(operations.length >= 29, `the document lists ${operations.length} operations`)

      const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false })
      const validators = new Map<JsonSchema, ValidateFunction>()
      const validatorOf = (schema: JsonSchema) => {
        let validate = validators.get(schema)
        if (validate === undefined) {
          validate = ajv.compile(schema)
          validators.set(schema, validate)
        }
        return validate
      }

      const allIds = [...records.values()].flatMap((r) => [...r.ids.values()].flat())
      const idsFor = (segment: string) =>
        segment === 'users'
          ? bystanders.users
          : segment === 'tokens'
            ? bystanders.tokens
            : [...records.values()].flatMap((r) => r.ids.get(segment) ?? [])
      const pairs = [...records.values()].flatMap((r) => r.pairs)
      const templates = templatesFor({ victims: idsFor('victims'), determinations: idsFor('determinations') })
      const ownerOf = new Map<string, { organisationId: string; personId: string }>()
      for (const [organisationId, r] of records) {
        for (const id of [...r.ids.values()].flat())
          ownerOf.set(id, { organisationId, personId: r.markers.get(id) ?? '' })
      }
      // A record of another organisation may be read through a share or a "need to know" access,
      // if the run itself opened one: such a read is not a leak.
      const granted = async (caller: Caller, personId: string) => {
        if (caller.organisationId === undefined) return false
        try {
          const rows = await store.db.query(
            `SELECT 1 FROM record_share WHERE person_id = $1 AND organisation_id = $2 AND revoked_on IS NULL
                AND (expires_on IS NULL OR expires_on >= $4::date)
             UNION ALL
             SELECT 1 FROM need_to_know_access WHERE person_id = $1 AND user_id = $3 AND expires_at > now()
                AND review_outcome IS DISTINCT FROM 'not-justified'`,
            [personId, caller.organisationId, caller.userId ?? null, formatDay(clock.today())],
          )
          return rows.length > 0
        } catch {
          return false
        }
      }

      const pathValue = (segment: string) =>
        fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...(idsFor(segment).length > 0 ? idsFor(segment) : allIds)) },
          { weight: 2, arbitrary: fc.constantFrom(...allIds) },
          { weight: 2, arbitrary: fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/)) },
          {
            weight: 2,
            arbitrary: fc.oneof(
              anyText(40),
              fc.constantFrom(
                '',
                '0',
                '-1',
                'null',
                '../people',
                '%00',
                "' OR 1=1 --",
                'A'.repeat(300),
                '00000000-0000-0000-0000-000000000000',
              ),
            ),
          },
        )

      const queryValue = (parameter: Parameter) =>
        fc.oneof(
          {
            weight: 6,
            arbitrary: valid(parameter.schema).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))),
          },
          { weight: 1, arbitrary: anyText(30) },
          { weight: 1, arbitrary: fc.constantFrom('-1', '0', '1e9', 'true', '', 'A'.repeat(3000), '%00') },
          { weight: 1, arbitrary: hostileText },
          // Shaped like the ids and cursors the API gives, but not one of them.
          { weight: 2, arbitrary: fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/), fc.base64String()) },
        )

      const headerArbitrary = fc.record(
        {
          'if-match': fc.oneof(
            fc.constantFrom(
              '"v1"',
              '"v2"',
              '"v3"',
              'W/"v1"',
              '*',
              '"v99999999999999999999"',
              'v1',
              '"v1"\r\nX-Evil: 1',
            ),
            anyText(20),
          ),
          'idempotency-key': fc.oneof(
            fc.stringMatching(/^[A-Za-z0-9-]{8,40}$/),
            fc.constantFrom('short', 'k'.repeat(300), 'key-with-crlf\r\nX-Evil: 1'),
          ),
          'x-justification': fc.oneof(anyText(80), fc.constantFrom('reason\r\nX-Evil: 1', 'j'.repeat(2000))),
          authorization: fc.constantFrom(
            'Basic dXNlcjpwYXNz',
            'Bearer',
            'Bearer a b',
            `Bearer ${'x'.repeat(5000)}`,
            'Bearer dasr_x\r\nX-Evil: 1',
          ),
        },
        { requiredKeys: [] },
      )

      const callerArbitrary = fc.oneof(
        ...callers.map((caller) => ({ weight: caller.weight, arbitrary: fc.constant(caller) })),
      )

      const requestArbitrary = (operation: Operation): fc.Arbitrary<Sent> => {
        const key = `${operation.method} ${operation.path}`
        const pathParameters = operation.parameters.filter((p) => p.in === 'path')
        const queryParameters = operation.parameters.filter((p) => p.in === 'query')
        const independent = fc.tuple(
          ...pathParameters.map((p) => {
            // The collection the id belongs to is the path segment before it.
            const segments = operation.path.split('/')
            const segment = segments[segments.indexOf(`{${p.name}}`) - 1] ?? ''
            return pathValue(segment)
          }),
        )
        // A fact is reached through its person: half the time, a pair that belongs together.
        const pathArbitrary: fc.Arbitrary<unknown[]> = operation.path.includes('/people/{id}/facts/{factId}')
          ? fc.oneof(independent, fc.constantFrom(...pairs))
          : independent
        const queryArbitrary = fc.tuple(
          fc.tuple(...queryParameters.map((p) => sometimes(queryValue(p), 50))),
          sometimes(fc.constantFrom('extra=1', 'limit=1&limit=2', 'cursor[]=a', '__proto__[x]=1'), 8),
        )
        const bodyArbitrary =
          operation.body === undefined
            ? sometimes(fc.constant(json({ a: 1 }, 'unexpected body')), 5)
            : sometimes(bodies(operation.body.schema, templates[key] ?? []), operation.body.required ? 95 : 70)
        // Writes are mostly sent with an ETag the record may have, as a client that read it would.
        const ifMatch =
          operation.method === 'GET' ? fc.constant(undefined) : sometimes(fc.integer({ min: 1, max: 8 }), 40)
        return fc
          .record({
            caller: callerArbitrary,
            path: pathArbitrary,
            query: queryArbitrary,
            body: bodyArbitrary,
            headers: sometimes(headerArbitrary, 15),
            // Most clients give the reason for a consultation (DPA 2018 s.62), as the register asks.
            justify: fc.nat(9).map((n) => n > 0),
            version: ifMatch,
          })
          .map(({ caller, path, query, body, headers, justify, version }) => {
            let url = operation.path
            pathParameters.forEach((p, i) => {
              url = url.replace(`{${p.name}}`, encode(String(path[i])))
            })
            const pairs: string[] = []
            queryParameters.forEach((p, i) => {
              const value = query[0][i]
              if (value !== undefined) pairs.push(`${p.name}=${encode(value)}`)
            })
            if (query[1] !== undefined) pairs.push(query[1])
            if (pairs.length > 0) url += `?${pairs.join('&')}`
            const sentHeaders: Record<string, string> = {}
            if (caller.authorization !== undefined) sentHeaders.authorization = caller.authorization
            if (justify) sentHeaders['x-justification'] = 'fuzz: checking the record'
            if (version !== undefined) sentHeaders['if-match'] = `"v${version}"`
            for (const [name, value] of Object.entries(headers ?? {}))
              if (value !== undefined) sentHeaders[name] = value
            if (body?.contentType !== undefined) sentHeaders['content-type'] = body.contentType
            return { caller, method: operation.method, url, headers: sentHeaders, body, operation }
          })
      }
      const anyRequest = fc.oneof(...operations.map(requestArbitrary))

      const failures: string[] = []
      let serverErrors = 0
      let undocumented = 0
      let crossForceReads = 0
      let crossForceWrites = 0
      const statuses = new Map<number, number>()
      const byOperation = new Map<Operation, Map<number, number>>()
      const undocumentedBy = new Set<string>()
      const successes = new Map<string, number>()
      const started = performance.now()

      const describeRequest = (sent: Sent) =>
        `${sent.caller.name}: ${sent.method} ${sent.url.slice(0, 200)} [${sent.body?.variant ?? 'no body'}] ${JSON.stringify(
          Object.fromEntries(Object.entries(sent.headers).filter(([name]) => name !== 'authorization')),
        ).slice(0, 200)} ${sent.body?.payload?.slice(0, 200) ?? ''}`

      const check = async (sent: Sent, response: LightMyRequestResponse) => {
        const status = response.statusCode
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        const perOperation = byOperation.get(sent.operation) ?? new Map<number, number>()
        perOperation.set(status, (perOperation.get(status) ?? 0) + 1)
        byOperation.set(sent.operation, perOperation)
        const problems: string[] = []
        if (status >= 500) {
          serverErrors++
          problems.push(`5xx`)
        }
        const documented = sent.operation.responses[String(status)] ?? sent.operation.responses.default
        const mediaType =
          String(response.headers['content-type'] ?? '')
            .split(';')[0]
            ?.trim() ?? ''
        if (documented === undefined) {
          undocumented++
          undocumentedBy.add(`${sent.method} ${sent.operation.path}`)
          problems.push(`status ${status} is not documented`)
        } else if (documented.content === undefined) {
          // Documented without a body (a redirect): there must be none.
          if (response.rawPayload.length > 0) {
            undocumented++
            undocumentedBy.add(`${sent.method} ${sent.operation.path}`)
            problems.push(`${status} is documented without a body, but has one`)
          }
        } else {
          const content = documented.content
          const entry = content[mediaType]
          if (entry === undefined) {
            undocumented++
            undocumentedBy.add(`${sent.method} ${sent.operation.path}`)
            problems.push(
              `${status} ${mediaType} is not a documented content type (${Object.keys(content).join(', ')})`,
            )
          } else if (mediaType.endsWith('json') && entry.schema !== undefined) {
            const validate = validatorOf(entry.schema)
            let body: unknown
            try {
              body = response.json()
            } catch {
              body = Symbol('not JSON')
            }
            if (!validate(body)) {
              undocumented++
              undocumentedBy.add(`${sent.method} ${sent.operation.path}`)
              problems.push(`body does not match the ${status} schema: ${ajv.errorsText(validate.errors)}`)
            }
          }
        }
        if (status >= 200 && status < 300) {
          const key = `${sent.method} ${sent.operation.path}`
          successes.set(key, (successes.get(key) ?? 0) + 1)
          const text = response.body
          const foreign = [...records].filter(([organisationId]) => organisationId !== sent.caller.organisationId)
          const leaked: string[] = []
          // The audit trail names records by id by design (auditors read the trail, not the records):
          // there only names, references and addresses count.
          const trail = sent.operation.tags.includes('audit')
          for (const [, r] of foreign) {
            for (const [marker, personId] of r.markers) {
              if (trail && uuidPattern.test(marker)) continue
              if (text.includes(marker) && !(await granted(sent.caller, personId))) leaked.push(marker)
            }
          }
          const targets: string[] = []
          for (const part of sent.url.split('?')[0]?.split('/') ?? []) {
            const owner = ownerOf.get(safeDecode(part))
            if (owner === undefined || owner.organisationId === sent.caller.organisationId) continue
            if (!(await granted(sent.caller, owner.personId))) targets.push(part)
          }
          if (leaked.length > 0 || (sent.method === 'GET' && targets.length > 0)) {
            crossForceReads++
            problems.push(`cross-force read: ${leaked.slice(0, 3).join(', ') || 'a record of another force'}`)
          } else if (targets.length > 0) {
            crossForceWrites++
            problems.push('cross-force write')
          }
        }
        if (problems.length > 0 && failures.length < 25) {
          failures.push(
            `${problems.join('; ')}\n    ${describeRequest(sent)}\n    → ${status} ${response.body.slice(0, 300)}`,
          )
        }
      }

      let sentCount = 0
      const batch = 500
      for (let from = 0; from < requestCount; from += batch) {
        const generated = fc.sample(anyRequest, { seed: seed + from, numRuns: Math.min(batch, requestCount - from) })
        for (const sent of generated) {
          const response = await server.inject({
            method: sent.method as 'GET',
            url: sent.url,
            headers: sent.headers,
            ...(sent.body?.payload === undefined ? {} : { payload: sent.body.payload }),
          })
          sentCount++
          await check(sent, response)
        }
      }
      const seconds = (performance.now() - started) / 1000

      const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`)
      console.log(`Fuzz seed ${seed} (FUZZ_SEED=${seed} to replay) on ${backend}, ${seconds.toFixed(1)} s`)
      console.log(`Fuzz statuses: ${histogram.join(' ')}`)
      console.log(
        `Fuzz: ${successes.size} of ${operations.length} operations answered 2xx at least once (never: ${
          operations
            .filter((op) => !successes.has(`${op.method} ${op.path}`))
            .map((op) => `${op.method} ${op.path}`)
            .join(', ') || 'none'
        })`,
      )
      console.log(
        `Fuzz: ${sentCount.toLocaleString('en-GB')} requests / ${operations.length} operations → ${serverErrors} 5xx, ${undocumented} responses outside the documented schemas, ${crossForceReads} cross-force reads (${crossForceWrites} cross-force writes)`,
      )
      if (process.env.FUZZ_VERBOSE !== undefined) {
        for (const [operation, counts] of byOperation) {
          const line = [...counts].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`)
          console.log(`  ${operation.method} ${operation.path}: ${line.join(' ')}`)
        }
      }
      if (undocumentedBy.size > 0) console.log(`Fuzz: outside the documentation: ${[...undocumentedBy].join(', ')}`)
      for (const failure of failures) console.log(`  ✗ ${failure}`)

      assert.ok(sentCount >= 10_000 || process.env.FUZZ_REQUESTS !== undefined, `${sentCount} requests`)
      assert.equal(serverErrors, 0, 'no 5xx')
      assert.equal(undocumented, 0, 'nothing outside the documented schemas')
      assert.equal(crossForceReads, 0, 'no cross-force read')
      assert.equal(crossForceWrites, 0, 'no cross-force write')
      // The run reached the services, not only the gates in front of them.
      assert.ok((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) > sentCount / 50, 'enough requests succeed')
    })
  })
}
