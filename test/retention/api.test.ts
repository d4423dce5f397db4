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

// The retention and subject access routes over HTTP: each declares its access,
// answers in its documented shapes, and hides a restricted record from the
// normal routes.

for (const backend of backends) {
  describe(`retention API on ${backend}`, () => {
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

    const request = (token: string | undefined, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      server.inject({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}`, 'x-justification': 'Retention review (test)' } : {},
        ...(payload === undefined ? {} : { payload: payload as object }),
      })

    test('the retention routes are in the OpenAPI document and need sign-in', async () => {
      const doc = (await request(undefined, 'GET', '/api/openapi.json')).json()
      for (const path of [
        '/api/v1/retention/due',
        '/api/v1/retention/scans',
        '/api/v1/retention/people/{id}',
        '/api/v1/people/{id}/retention-reviews',
        '/api/v1/victims/{id}/restriction',
        '/api/v1/people/{id}/erasure',
        '/api/v1/subject-access-requests',
        '/api/v1/subject-access-requests/{id}/answer',
      ]) {
        assert.ok(doc.paths[path], path)
      }
      for (const url of ['/api/v1/retention/due', '/api/v1/retention/tasks', '/api/v1/subject-access-requests']) {
        assert.equal((await request(undefined, 'GET', url)).statusCode, 401)
      }
      // A role without the action is refused before anything is read.
      assert.equal((await request(officer, 'GET', '/api/v1/retention/due')).statusCode, 403)
    })

    test('restrict, hide, review, lift; a subject access answer as a printable page', async () => {
      const created = await request(registrar, 'POST', '/api/v1/people', {
        familyName: 'Httpson',
        givenNames: 'Hal',
        dateOfBirth: '1977-07-07',
      })
      assert.equal(created.statusCode, 201)
      const id = created.json().id as string

      assert.equal(
        (await request(officer, 'POST', `/api/v1/people/${id}/restriction`, { ground: 'b', rationale: 'x' }))
          .statusCode,
        403,
      )
      const restricted = await request(registrar, 'POST', `/api/v1/people/${id}/restriction`, {
        ground: 'evidence',
        rationale: 'Needed for a pending prosecution file',
      })
      assert.equal(restricted.statusCode, 200)
      assert.equal(restricted.json().provision, 'DPA 2018 s.47(2)')
      assert.equal((await request(officer, 'GET', `/api/v1/people/${id}`)).statusCode, 404)
      assert.equal((await request(registrar, 'GET', `/api/v1/people/${id}`)).statusCode, 404)
      const review = await request(registrar, 'GET', `/api/v1/retention/people/${id}`)
      assert.equal(review.statusCode, 200)
      assert.equal(review.json().state, 'restricted')
      assert.equal((await request(otherForce, 'GET', `/api/v1/retention/people/${id}`)).statusCode, 404)

      const decided = await request(registrar, 'POST', `/api/v1/people/${id}/retention-reviews`, {
        decision: 'restrict',
        reason: 'Prosecution file still open',
      })
      assert.equal(decided.statusCode, 201)
      const lifted = await request(registrar, 'POST', `/api/v1/people/${id}/restriction/lift`, {
        reason: 'Prosecution concluded',
      })
      assert.equal(lifted.statusCode, 200)
      assert.equal((await request(officer, 'GET', `/api/v1/people/${id}`)).statusCode, 200)

      const sar = await request(registrar, 'POST', '/api/v1/subject-access-requests', {
        personId: id,
        receivedOn: '2026-05-01',
      })
      assert.equal(sar.statusCode, 201)
      assert.equal(sar.json().dueOn, '2026-05-31')
      const page = await request(
        registrar,
        'GET',
        `/api/v1/subject-access-requests/${sar.json().id}/answer?format=html`,
      )
      assert.equal(page.statusCode, 200)
      assert.match(String(page.headers['content-type']), /^text\/html/)
      assert.match(page.body, /Httpson/)
      const nonce = /nonce="([^"]+)"/.exec(page.body)?.[1]
      assert.ok(nonce && String(page.headers['content-security-policy']).includes(`'nonce-${nonce}'`))
      assert.equal(
        (await request(otherForce, 'GET', `/api/v1/subject-access-requests/${sar.json().id}/answer`)).statusCode,
        404,
      )
      const list = await request(registrar, 'GET', '/api/v1/subject-access-requests?status=answered')
      assert.equal(list.statusCode, 200)
      assert.ok(list.json().items.some((item: { id: string }) => item.id === sar.json().id))

      const erased = await request(registrar, 'POST', `/api/v1/people/${id}/erasure`, {
        ground: 'legal-obligation',
        reason: 'Court order to erase',
        neededAsEvidence: false,
      })
      assert.equal(erased.statusCode, 200)
      assert.equal((await request(registrar, 'GET', `/api/v1/people/${id}`)).statusCode, 404)
      const again = await request(registrar, 'POST', `/api/v1/people/${id}/erasure`, {
        ground: 'legal-obligation',
        reason: 'again',
        neededAsEvidence: false,
      })
      assert.equal(again.statusCode, 409)
    })
  })
}
