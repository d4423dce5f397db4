import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
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

// The JSON API end to end through Fastify's inject (no mocks: real services, real database).

// A 1×1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

for (const backend of backends) {
  describe(`JSON API on ${backend}`, () => {
    let store: TestDatabase
    let server: FastifyInstance
    let people: People
    let registrar: string
    let officer: string
    let otherForce: string
    const clock = new TestClock('2026-05-01')

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      server = await buildServer({ app: testApp(store.db, clock) })
      registrar = await issueToken(store.db, people.registrar.userId, 'test', ['*'], 1)
      officer = await issueToken(store.db, people.officer.userId, 'test', ['*'], 1)
      otherForce = await issueToken(store.db, people.otherForce.userId, 'test', ['*'], 1)
    })
    after(async () => {
      await server?.close()
      await store?.drop()
    })

    const request = (
      token: string | undefined,
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) =>
      server.inject({
        method,
        url,
        headers: {
          ...(token ? { authorization: `Bearer ${token}`, 'x-justification': 'Managing this case (test)' } : {}),
          ...headers,
        },
        ...(payload === undefined ? {} : { payload: payload as object }),
      })

    test('health reports the database, and the OpenAPI 3.1 document lists the routes', async () => {
      const health = await request(undefined, 'GET', '/health')
      assert.equal(health.statusCode, 200)
      assert.equal(health.json().database.kind, backend)
      const doc = (await request(undefined, 'GET', '/api/openapi.json')).json()
      assert.equal(doc.openapi, '3.1.0')
      assert.ok(doc.paths['/api/v1/people'].post.requestBody.content['application/json'].schema.properties.niNumber)
      assert.ok(doc.paths['/api/v1/registrations/{id}/notifications'])
    })

    test('every /api/v1 route is denied without a valid token', async () => {
      for (const url of ['/api/v1/people', '/api/v1/breaches', '/api/v1/tasks']) {
        const response = await request(undefined, 'GET', url)
        assert.equal(response.statusCode, 401)
        assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      }
      assert.equal((await request('dasr_not-a-token', 'GET', '/api/v1/people')).statusCode, 401)
    })

    test('bad input is a problem document naming each field and rule, and writes nothing', async () => {
      const response = await request(registrar, 'POST', '/api/v1/people', {
        familyName: 7,
        givenNames: 'A',
        dateOfBirth: '2001-13-01',
        colour: 'blue',
      })
      assert.equal(response.statusCode, 400)
      const problem = response.json()
      assert.deepEqual(problem.errors.map((e: { field: string }) => e.field).sort(), [
        '$.colour',
        '$.dateOfBirth',
        '$.familyName',
      ])
      assert.ok(!JSON.stringify(problem).includes('at '), 'no stack trace')
      const list = (await request(registrar, 'GET', '/api/v1/people')).json()
      assert.equal(list.items.length, 0)
    })

    test('ETag and If-Match: a stale write gets 412 and loses nothing', async () => {
      const created = await request(registrar, 'POST', '/api/v1/people', {
        familyName: 'Etag',
        givenNames: 'Eve',
        dateOfBirth: '1980-01-01',
      })
      assert.equal(created.statusCode, 201)
      const url = created.headers.location as string
      const read = await request(registrar, 'GET', url)
      const tag = read.headers.etag as string
      assert.equal(tag, '"v1"')
      const first = await request(registrar, 'PATCH', url, { riskLevel: 'high', reason: 'OASys' }, { 'if-match': tag })
      assert.equal(first.statusCode, 200)
      const second = await request(officer, 'PATCH', url, { riskLevel: 'low', reason: 'old form' }, { 'if-match': tag })
      assert.equal(second.statusCode, 412)
      assert.equal((await request(registrar, 'PATCH', url, { riskLevel: 'low', reason: 'x' })).statusCode, 428)
      assert.equal((await request(registrar, 'GET', url)).json().person.riskLevel, 'high')
    })

    test('Idempotency-Key: a retried POST gets the first answer and creates nothing new', async () => {
      const body = { familyName: 'Retry', givenNames: 'Rae', dateOfBirth: '1979-09-09' }
      const headers = { 'idempotency-key': 'retry-key-0001' }
      const a = await request(registrar, 'POST', '/api/v1/people', body, headers)
      const b = await request(registrar, 'POST', '/api/v1/people', body, headers)
      assert.equal(a.statusCode, 201)
      assert.equal(b.statusCode, 201)
      assert.equal(b.json().id, a.json().id)
      assert.equal(b.headers['idempotent-replayed'], 'true')
      const reused = await request(registrar, 'POST', '/api/v1/people', { ...body, givenNames: 'Other' }, headers)
      assert.equal(reused.statusCode, 422)
    })

    test('cursor pagination walks every person once', async () => {
      for (let i = 0; i < 5; i++) {
        await request(registrar, 'POST', '/api/v1/people', {
          familyName: `Page${i}`,
          givenNames: 'Pat',
          dateOfBirth: `197${i}-02-02`,
        })
      }
      const seen: string[] = []
      let url = '/api/v1/people?limit=2'
      for (;;) {
        const page = (await request(registrar, 'GET', url)).json()
        seen.push(...page.items.map((p: { id: string }) => p.id))
        if (page.nextCursor === null) break
        url = `/api/v1/people?limit=2&cursor=${page.nextCursor}`
      }
      assert.equal(new Set(seen).size, seen.length)
      assert.ok(seen.length >= 5)
      assert.equal((await request(registrar, 'GET', '/api/v1/people?limit=0')).statusCode, 400)
      assert.equal(
        (await request(otherForce, 'GET', '/api/v1/people')).json().items.length,
        0,
        'another force sees none of them',
      )
    })

    test('a record outside the user’s organisation is not found, and the attempt is audited', async () => {
      const created = (
        await request(registrar, 'POST', '/api/v1/people', {
          familyName: 'Private',
          givenNames: 'Pia',
          dateOfBirth: '1990-03-03',
        })
      ).json()
      const response = await request(otherForce, 'GET', `/api/v1/people/${created.id}`)
      assert.equal(response.statusCode, 404)
      const denied = await store.db.query(`SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = 'denied'`, [
        created.id,
      ])
      assert.equal(denied.length, 1)
    })

    test('photographs: real images only, within limits', async () => {
      const created = (
        await request(registrar, 'POST', '/api/v1/people', {
          familyName: 'Photo',
          givenNames: 'Phil',
          dateOfBirth: '1991-04-04',
        })
      ).json()
      const url = `/api/v1/people/${created.id}/photographs`
      const fake = await request(registrar, 'POST', url, {
        contentType: 'image/png',
        data: Buffer.from('<?php echo 1; ?>').toString('base64'),
      })
      assert.equal(fake.statusCode, 422)
      assert.match(fake.json().errors[0].message, /not a JPEG, PNG or WebP/)
      const liar = await request(registrar, 'POST', url, { contentType: 'image/jpeg', data: png.toString('base64') })
      assert.equal(liar.json().errors[0].field, '$.contentType')
      const ok = await request(registrar, 'POST', url, { contentType: 'image/png', data: png.toString('base64') })
      assert.equal(ok.statusCode, 201)
      assert.deepEqual([ok.json().width, ok.json().height], [1, 1])
      const image = await request(registrar, 'GET', `/api/v1/photographs/${ok.json().id}`)
      assert.equal(image.headers['content-type'], 'image/png')
      assert.deepEqual(image.rawPayload, png)
    })

    test('the notice prints as HTML with each duty and deadline', async () => {
      const created = (
        await request(registrar, 'POST', '/api/v1/people', {
          familyName: 'Notice',
          givenNames: 'Nia',
          dateOfBirth: '1985-06-06',
        })
      ).json()
      const fact = {
        kind: 'conviction',
        date: '2025-09-01',
        offence: 'PHA1997-s4A',
        domesticAbuse: true,
        victims: [{ id: 'V-A', relationship: 'ex-partner', ageAtOffence: 30 }],
        disposal: { type: 'custody', months: 12, suspended: true },
      }
      assert.equal((await request(registrar, 'POST', `/api/v1/people/${created.id}/facts`, fact)).statusCode, 201)
      await request(registrar, 'POST', `/api/v1/people/${created.id}/facts`, {
        ...fact,
        date: '2024-01-10',
        victims: [{ id: 'V-B', relationship: 'partner', ageAtOffence: 28 }],
      })
      await request(registrar, 'POST', `/api/v1/people/${created.id}/facts`, {
        kind: 'risk-assessment',
        date: '2025-10-01',
        tool: 'OASys',
        rosh: 'high',
      })
      const determination = await request(registrar, 'POST', `/api/v1/people/${created.id}/determinations`, {})
      assert.equal(determination.statusCode, 201)
      const outcomes = determination.json().explanation.policies
      const eligible = outcomes.find(
        (p: { outcome: string; consequences: { effect: string } | null }) =>
          p.outcome === 'eligible' && p.consequences?.effect === 'notification-requirements',
      )
      assert.ok(eligible, 'some policy makes this person eligible')
      const registered = await request(registrar, 'POST', `/api/v1/people/${created.id}/registrations`, {
        determinationId: determination.json().id,
        policyId: eligible.policy,
        abuseType: 'stalking',
      })
      assert.equal(registered.statusCode, 201)
      const html = await request(officer, 'GET', `${registered.headers.location}/notice?format=html`)
      assert.equal(html.headers['content-type'], 'text/html; charset=utf-8')
      assert.match(html.body, /What you must do/)
      assert.match(html.body, /Online identities/)
      assert.match(html.body, /SOA 2003 s\.91/)
    })
  })
}
