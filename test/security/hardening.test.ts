import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { limits } from '../../src/api/hardening.ts'
import { buildServer } from '../../src/api/server.ts'
import { issueToken } from '../../src/app/directory.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

// Browser and API hardening (src/api/hardening.ts, docs/hardening.md), end to
// end through Fastify with real services and a real database.

const problemType = 'application/problem+json; charset=utf-8'

/** The headers every response carries, success or error (ASVS 3.4.x, 14.3.2). */
function assertHardenedHeaders(response: LightMyRequestResponse, what: string) {
  const h = response.headers
  const csp = String(h['content-security-policy'])
  assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/]{22}=='/, `${what}: CSP nonce`)
  for (const directive of [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "img-src 'self' data:",
  ]) {
    assert.ok(csp.includes(directive), `${what}: CSP has ${directive}`)
  }
  const maxAge = Number(/max-age=(\d+)/.exec(String(h['strict-transport-security']))?.[1])
  assert.ok(maxAge >= 31_536_000, `${what}: HSTS at least a year`)
  assert.equal(h['x-content-type-options'], 'nosniff', what)
  assert.equal(h['referrer-policy'], 'no-referrer', what)
  assert.equal(h['cross-origin-opener-policy'], 'same-origin', what)
  assert.equal(h['cross-origin-resource-policy'], 'same-origin', what)
  assert.match(String(h['permissions-policy']), /camera=\(\).*geolocation=\(\)/, what)
  assert.equal(h['cache-control'], 'no-store', `${what}: no-store`)
  assert.equal(h['x-frame-options'], 'DENY', what)
  assert.match(String(h['x-request-id']), /^[0-9a-f-]{36}$/, `${what}: correlation id`)
}

for (const backend of backends) {
  describe(`API hardening on ${backend}`, () => {
    let store: TestDatabase
    let server: FastifyInstance
    let people: People
    let token: string
    const clock = new TestClock('2026-05-01')

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      server = await buildServer({
        app: testApp(store.db, clock),
        hardening: { rateLimit: { perIp: 100_000, perActor: 100_000, windowMs: 60_000 } },
      })
      // Routes that exist only in this test, to reach what the real routes never do on purpose.
      server.get('/test/page', { config: { access: { public: true } } }, async (_request, reply) =>
        reply.type('text/html; charset=utf-8').send(`<script nonce="${reply.cspNonce}">1</script>`),
      )
      server.get('/test/crash', { config: { access: { public: true } } }, async () => {
        throw new Error('connect ECONNREFUSED db.internal:5432 password=hunter2')
      })
      server.get('/test/crash-harder', { config: { access: { public: true } } }, async () => {
        // An error whose every property throws: building the problem itself fails.
        throw new Proxy(new Error('x'), {
          get() {
            throw new Error('secret in a getter')
          },
          getPrototypeOf() {
            throw new Error('secret in a getter')
          },
        })
      })
      server.post('/test/form', { config: { access: { public: true }, forms: true } }, async (request) => ({
        body: request.body,
      }))
      token = `Bearer ${await issueToken(store.db, people.registrar.userId, 'test', ['*'], 1)}`
    })
    after(async () => {
      await server?.close()
      await store?.drop()
    })

    const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
      server.inject({
        method: 'POST',
        url,
        payload,
        headers: { authorization: token, 'content-type': 'application/json', ...headers },
      })

    test('every response carries the security headers: success, refusal, not found, bad input, crash', async () => {
      const cases: [string, Promise<LightMyRequestResponse>][] = [
        ['200 health', server.inject({ method: 'GET', url: '/health' })],
        [
          '200 API',
          server.inject({
            method: 'GET',
            url: '/api/v1/people',
            headers: { authorization: token, 'x-justification': 'hardening test' },
          }),
        ],
        ['401', server.inject({ method: 'GET', url: '/api/v1/people' })],
        ['404', server.inject({ method: 'GET', url: '/nowhere' })],
        ['400', post('/api/v1/people', '{"familyName": 7}')],
        ['414 from the router', server.inject({ method: 'GET', url: `/api/v1/people/${'a'.repeat(200)}` })],
        ['400 from the router', server.inject({ method: 'GET', url: '/api/v1/people/%E0%A4%A' })],
        ['500', server.inject({ method: 'GET', url: '/test/crash' })],
        ['200 page', server.inject({ method: 'GET', url: '/test/page' })],
      ]
      for (const [what, pending] of cases) {
        const response = await pending
        assertHardenedHeaders(response, what)
        if (response.statusCode >= 400) assert.equal(response.headers['content-type'], problemType, what)
      }
    })

    test('the CSP nonce is fresh for every response, and the page gets the same one', async () => {
      const nonces = new Set<string>()
      for (let i = 0; i < 20; i++) {
        const page = await server.inject({ method: 'GET', url: '/test/page' })
        const nonce = /'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))?.[1] as string
        assert.ok(page.body.includes(`nonce="${nonce}"`), 'the page carries the header’s nonce')
        nonces.add(nonce)
      }
      assert.equal(nonces.size, 20)
    })

    test('JSON nested too deep, too big, or with prototype keys is refused with 400 naming the rule', async () => {
      const deep = `${'['.repeat(limits.jsonDepth + 1)}${']'.repeat(limits.jsonDepth + 1)}`
      const wide = JSON.stringify(Object.fromEntries(Array.from({ length: limits.jsonValues + 1 }, (_, i) => [i, 1])))
      const cases: [string, string][] = [
        ['json-depth', deep],
        ['json-depth', `{"a":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`],
        ['json-size', wide],
        [
          'json-forbidden-key',
          '{"familyName":"A","givenNames":"B","dateOfBirth":"1980-01-01","__proto__":{"role":"x"}}',
        ],
        ['json-forbidden-key', '{"a":{"constructor":{"prototype":{"isAdmin":true}}}}'],
        ['json-forbidden-key', '{"\\u005f_proto__":{}}'],
        ['json-text', '{"familyName":"A\\u0000B","givenNames":"C","dateOfBirth":"1980-01-01"}'],
        ['json-text', '{"familyName":"A\\ud800","givenNames":"C","dateOfBirth":"1980-01-01"}'],
        ['json-syntax', '{"familyName":'],
        ['json-empty', ''],
      ]
      for (const [rule, payload] of cases) {
        const response = await post('/api/v1/people', payload)
        assert.equal(response.statusCode, 400, `${rule}: ${payload.slice(0, 60)}`)
        assert.equal(response.headers['content-type'], problemType)
        assert.equal(response.json().rule, rule, payload.slice(0, 60))
      }
      // Nesting at the limit is fine as far as the parser goes (the route's schema then refuses it).
      const atLimit = await post('/api/v1/people', `${'['.repeat(limits.jsonDepth)}${']'.repeat(limits.jsonDepth)}`)
      assert.notEqual(atLimit.json().rule, 'json-depth')
      const written = await store.db.query('SELECT 1 FROM person')
      assert.equal(written.length, 0, 'nothing was written')
      // Each refusal of the signed-in registrar is in the audit trail as a failed authorisation.
      const denied = await store.db.query<{ reason: string }>(
        `SELECT detail->>'reason' AS reason FROM audit_event WHERE operation = 'denied' AND actor_id = $1`,
        [people.registrar.userId],
      )
      for (const [rule] of cases)
        assert.ok(
          denied.some((row) => row.reason === rule),
          `${rule} audited`,
        )
    })

    test('a body over the limit is 413; only the photograph route takes a large one', async () => {
      const big = JSON.stringify({
        familyName: 'x'.repeat(limits.bodyBytes),
        givenNames: 'A',
        dateOfBirth: '1980-01-01',
      })
      const refused = await post('/api/v1/people', big)
      assert.equal(refused.statusCode, 413)
      assert.equal(refused.json().type, 'https://dasr.example/problems/too-large')
      const audited = await store.db.query(
        `SELECT 1 FROM audit_event WHERE operation = 'denied' AND actor_id = $1 AND detail->>'reason' = 'body-size'`,
        [people.registrar.userId],
      )
      assert.equal(audited.length, 1, 'the oversized body is audited as a failed authorisation')
      const photo = JSON.stringify({ contentType: 'image/png', data: 'A'.repeat(1024 * 1024) })
      const person = await post(
        '/api/v1/people',
        JSON.stringify({ familyName: 'Big', givenNames: 'Body', dateOfBirth: '1980-01-01' }),
      )
      assert.equal(person.statusCode, 201)
      const accepted = await post(`/api/v1/people/${person.json().id}/photographs`, photo)
      assert.equal(accepted.statusCode, 422, 'read, then refused by the image check, not by size')
      const tooBig = await post(
        `/api/v1/people/${person.json().id}/photographs`,
        JSON.stringify({ contentType: 'image/png', data: 'A'.repeat(limits.photographBodyBytes) }),
      )
      assert.equal(tooBig.statusCode, 413)
    })

    test('only JSON is accepted: anything else, or a body without a type, is 415', async () => {
      const body = JSON.stringify({ familyName: 'A', givenNames: 'B', dateOfBirth: '1980-01-01' })
      for (const type of [
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
      ]) {
        const response = await post('/api/v1/people', body, { 'content-type': type })
        assert.equal(response.statusCode, 415, type)
        assert.equal(response.headers['content-type'], problemType)
      }
      const untyped = await server.inject({
        method: 'POST',
        url: '/api/v1/people',
        payload: body,
        headers: { authorization: token, 'content-length': String(body.length) },
      })
      assert.equal(untyped.statusCode, 415)
      assert.equal(
        (await post('/api/v1/people', body, { 'content-type': 'application/json; charset=utf-8' })).statusCode,
        201,
      )
    })

    test('HTML form posts reach only the routes that take them, parsed without a prototype', async () => {
      const form = await server.inject({
        method: 'POST',
        url: '/test/form',
        payload: 'a=1&b=2&b=3',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      assert.equal(form.statusCode, 200)
      assert.deepEqual(form.json().body, { a: '1', b: ['2', '3'] })
      const poisoned = await server.inject({
        method: 'POST',
        url: '/test/form',
        payload: '__proto__=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      assert.equal(poisoned.statusCode, 400)
      assert.equal(poisoned.json().rule, 'form-forbidden-key')
    })

    test('a 5xx shows only a correlation id: no message, no stack; the last resort holds when the handler fails', async () => {
      for (const url of ['/test/crash', '/test/crash-harder']) {
        const response = await server.inject({ method: 'GET', url })
        assert.equal(response.statusCode, 500, url)
        assert.equal(response.headers['content-type'], problemType)
        assert.ok(!/hunter2|ECONNREFUSED|secret|at |\.ts/.test(response.body), `${url}: ${response.body}`)
        const problem = response.json()
        if (url === '/test/crash') {
          assert.deepEqual(Object.keys(problem).sort(), ['correlationId', 'detail', 'status', 'title', 'type'])
          assert.equal(problem.correlationId, response.headers['x-request-id'])
        } else {
          assert.deepEqual(Object.keys(problem).sort(), ['status', 'title', 'type'])
        }
      }
    })

    test('header injection and oversized values in the headers the API reads are refused with 400', async () => {
      const cases: [string, string, string][] = [
        ['x-justification', 'checking\r\nX-Admin: yes', 'X-Justification'],
        ['x-justification', 'j'.repeat(1001), 'X-Justification'],
        ['idempotency-key', 'key-0001\nSet-Cookie: a=b', 'Idempotency-Key'],
        ['idempotency-key', 'k'.repeat(256), 'Idempotency-Key'],
        ['if-match', '"v1"\r\n', 'If-Match'],
        ['if-match', `"v${'1'.repeat(200)}"`, 'If-Match'],
        ['authorization', `${token}\u0000`, 'Authorization'],
        ['authorization', `Bearer ${'x'.repeat(2000)}`, 'Authorization'],
      ]
      for (const [name, value, field] of cases) {
        const response = await server.inject({
          method: 'GET',
          url: '/api/v1/people',
          headers: { authorization: token, 'x-justification': 'hardening test', [name]: value },
        })
        assert.equal(response.statusCode, 400, `${name}: ${JSON.stringify(value.slice(0, 30))}`)
        const problem = response.json()
        assert.equal(problem.rule, 'header-value')
        assert.deepEqual(
          problem.errors.map((e: { field: string }) => e.field),
          [field],
        )
        assert.ok(
          !response.body.includes('X-Admin') && !response.body.includes('Set-Cookie'),
          'the value is not echoed',
        )
      }
    })

    test('a URL too long is 414, and NUL in a path or query value is 400, before any route runs', async () => {
      const long = await server.inject({ method: 'GET', url: `/api/v1/people?cursor=${'a'.repeat(limits.urlLength)}` })
      assert.equal(long.statusCode, 414)
      assert.equal(long.headers['content-type'], problemType)
      const nul = await server.inject({
        method: 'GET',
        url: '/api/v1/people?cursor=%00',
        headers: { authorization: token, 'x-justification': 'hardening test' },
      })
      assert.equal(nul.statusCode, 400)
      assert.equal(nul.json().rule, 'url-text')
    })

    test('on a real socket, Node refuses an oversized head, and too many headers are refused', async () => {
      await server.listen({ host: '127.0.0.1', port: 0 })
      const { port } = server.server.address() as AddressInfo
      // A connection each: the server closes one it refused.
      const send = (headers: Record<string, string>) =>
        new Promise<{ status: number; body: string; csp: string }>((resolve, reject) => {
          const options = { host: '127.0.0.1', port, path: '/health', headers, agent: false }
          const request = httpRequest(options, (response) => {
            let body = ''
            response.on('data', (chunk) => {
              body += chunk
            })
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                body,
                csp: String(response.headers['content-security-policy']),
              }),
            )
          })
          request.on('error', reject)
          request.end()
        })
      assert.equal((await send({})).status, 200)
      const oversized = await send({ 'x-padding': 'p'.repeat(limits.headerBytes + 1) })
      assert.equal(oversized.status, 431)
      assert.equal(JSON.parse(oversized.body).status, 431, 'a problem document')
      assert.match(oversized.csp, /frame-ancestors 'none'/)
      assert.equal((await send({ 'x-padding': 'p'.repeat(limits.headerBytes / 2) })).status, 200)
      const many = Object.fromEntries(Array.from({ length: limits.headerCount + 1 }, (_, i) => [`x-h${i}`, '1']))
      const refused = await send(many)
      assert.equal(refused.status, 431)
      assert.equal(JSON.parse(refused.body).type, 'https://dasr.example/problems/too-many-headers')
    })
  })

  describe(`rate limits and health on ${backend}`, () => {
    let store: TestDatabase
    let server: FastifyInstance
    let people: People

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      server = await buildServer({
        app: testApp(store.db, new TestClock('2026-05-01')),
        hardening: { rateLimit: { perIp: 30, perActor: 5, windowMs: 60_000 } },
      })
    })
    after(async () => {
      await server?.close()
      await store?.drop()
    })

    test('each actor, and each address, gets a limited number of requests a minute: then 429 with Retry-After', async () => {
      const token = `Bearer ${await issueToken(store.db, people.registrar.userId, 'test', ['*'], 1)}`
      const other = `Bearer ${await issueToken(store.db, people.officer.userId, 'test', ['*'], 1)}`
      const get = (authorization: string) =>
        server.inject({
          method: 'GET',
          url: '/api/v1/people',
          headers: { authorization, 'x-justification': 'rate limit test' },
        })
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) statuses.push((await get(token)).statusCode)
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429])
      const limited = await get(token)
      assert.equal(limited.statusCode, 429)
      assert.equal(limited.headers['content-type'], problemType)
      assert.ok(Number(limited.headers['retry-after']) > 0)
      assert.equal(limited.json().type, 'https://dasr.example/problems/rate-limited')
      assertHardenedHeaders(limited, '429')
      // Another actor still has their own allowance…
      assert.equal((await get(other)).statusCode, 200)
      // …until the address as a whole runs out, signed in or not.
      let last = 0
      for (let i = 0; i < 30 && last !== 429; i++)
        last = (await server.inject({ method: 'GET', url: '/health' })).statusCode
      assert.equal(last, 429)
    })

    test('when the database is down, /health says so without its error message', async () => {
      const fresh = await freshDatabase(backend)
      const healthServer = await buildServer({
        app: testApp(fresh.db, new TestClock('2026-05-01')),
        hardening: { rateLimit: false },
      })
      assert.equal((await healthServer.inject({ method: 'GET', url: '/health' })).statusCode, 200)
      await fresh.db.close()
      const down = await healthServer.inject({ method: 'GET', url: '/health' })
      assert.equal(down.statusCode, 503)
      const body = down.json()
      assert.equal(body.status, 'unavailable')
      assert.equal(body.correlationId, down.headers['x-request-id'])
      assert.ok(!/error|closed|Error/.test(JSON.stringify(body.database)), JSON.stringify(body))
      await healthServer.close()
      await fresh.drop().catch(() => undefined)
    })
  })
}
