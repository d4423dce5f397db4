import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/api/server.ts'
import type { Actor } from '../../src/app/actor.ts'
import { type AuditEventJson, searchAudit, verifyAuditChain } from '../../src/app/audit-trail.ts'
import type { Call } from '../../src/app/context.ts'
import { createUser, ensureOrganisation, issueToken } from '../../src/app/directory.ts'
import { Forbidden, ValidationFailed } from '../../src/app/errors.ts'
import { sealAuditEntries } from '../../src/store/audit-chain.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'
import { lifecycle } from './support.ts'

// The auditors' search (DPA 2018 s.62(4)): by person, user, date, category and
// object type, a page at a time; only auditors may search, every refusal is
// logged (ASVS 16.3.2), and every search is itself logged as a consultation.

for (const backend of backends) {
  describe(`audit trail search on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    let auditor: Actor
    let forceAuditor: Actor
    let administrator: Actor
    let personId: string
    let server: FastifyInstance
    const clock = new TestClock('2026-01-05')
    const call = (actor: Actor): Call => ({ app: testApp(store.db, clock), actor: { ...actor, origin: 'cli' } })

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      await ensureOrganisation(store.db, { id: 'national:audit', name: 'Register audit', kind: 'national' })
      auditor = await createUser(store.db, {
        organisationId: 'national:audit',
        roles: ['auditor'],
        displayName: 'Audrey Auditor',
        email: `audrey.${backend}@example.test`,
      })
      forceAuditor = await createUser(store.db, {
        organisationId: 'police:other-shire',
        roles: ['auditor'],
        displayName: 'Otto Auditor',
        email: `otto.${backend}@example.test`,
      })
      administrator = await createUser(store.db, {
        organisationId: 'national:audit',
        roles: ['administrator'],
        displayName: 'Ada Admin',
        email: `ada.${backend}@example.test`,
      })
      ;({ personId } = await lifecycle(store, people, clock))
      await sealAuditEntries(store.db)
      server = await buildServer({ app: testApp(store.db, clock) })
    })
    after(async () => {
      await server?.close()
      await store?.drop()
    })

    /** Every page of a search, following the cursor. */
    const all = async (actor: Actor, filters: Record<string, unknown>) => {
      const items: AuditEventJson[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await searchAudit(call(actor), { ...filters, ...(cursor === undefined ? {} : { cursor }) })
        items.push(...page.items)
        cursor = page.next
        pages += 1
      } while (cursor !== undefined)
      return { items, pages }
    }

    test('by person: every entry about them, newest first, across pages without gaps or repeats', async () => {
      const expected = await store.db.query<{ id: number }>(
        'SELECT id FROM audit_event WHERE person_id = $1 ORDER BY id DESC',
        [personId],
      )
      assert.ok(expected.length >= 10)
      const { items, pages } = await all(auditor, { personId, limit: 4 })
      assert.deepEqual(
        items.map((item) => item.id),
        expected.map((row) => row.id),
      )
      assert.equal(pages, Math.ceil(expected.length / 4) + (expected.length % 4 === 0 ? 1 : 0))
      assert.ok(items.every((item) => item.personId === personId && item.hash?.length === 64))
    })

    test('by user, category, object type and date range', async () => {
      const byUser = await all(auditor, { userId: people.officer.userId })
      assert.ok(byUser.items.length > 0)
      assert.ok(byUser.items.every((item) => item.actorId === people.officer.userId))

      const disclosures = await all(auditor, { category: 'disclosure' })
      assert.ok(disclosures.items.length >= 3)
      assert.ok(disclosures.items.every((item) => item.category === 'disclosure' && (item.recipients?.length ?? 0) > 0))

      const exports = await all(auditor, { category: 'disclosure', objectType: 'export' })
      assert.equal(exports.items.length, 1)
      assert.equal(exports.items[0]?.justification, 'Transfer to the new force system (test)')

      const [first] = await store.db.query<{ at: Date }>('SELECT min(at) AS at FROM audit_event')
      assert.ok(first)
      const from = first.at.toISOString()
      const inRange = await all(auditor, { from, to: new Date(Date.parse(from) + 1).toISOString() })
      assert.ok(inRange.items.length >= 1)
      assert.ok(inRange.items.every((item) => item.at === from))
      const none = await searchAudit(call(auditor), { to: '2000-01-01' })
      assert.deepEqual(none.items, [])
    })

    test('the search is itself logged, with its filters and not the results', async () => {
      await searchAudit(call(auditor), { personId, category: 'consultation', limit: 2 })
      const [logged] = await store.db.query<{ operation: string; object_type: string; detail: unknown }>(
        `SELECT operation, object_type, detail FROM audit_event WHERE actor_id = $1 ORDER BY id DESC LIMIT 1`,
        [auditor.userId],
      )
      assert.deepEqual(logged, {
        operation: 'consultation',
        object_type: 'audit-trail',
        detail: { filters: { personId, category: 'consultation' }, count: 2 },
      })
    })

    test('an auditor outside a national body sees only their organisation and its people', async () => {
      assert.deepEqual((await searchAudit(call(forceAuditor), {})).items, [], 'nothing of theirs yet')
      const theirs = await all(forceAuditor, {})
      assert.ok(theirs.items.length > 0, 'their own searches at least')
      assert.ok(theirs.items.every((item) => item.organisationId === 'police:other-shire'))
      assert.deepEqual((await all(forceAuditor, { personId })).items, [])
    })

    test('bad filters name the field', async () => {
      await assert.rejects(searchAudit(call(auditor), { personId: 'nobody' }), (error: unknown) => {
        assert.ok(error instanceof ValidationFailed)
        assert.equal(error.problems[0]?.field, '$.personId')
        return true
      })
      await assert.rejects(searchAudit(call(auditor), { from: '2026-02-30' }), ValidationFailed)
      await assert.rejects(searchAudit(call(auditor), { category: 'gossip' }), ValidationFailed)
      await assert.rejects(searchAudit(call(auditor), { cursor: "1'; --" }), ValidationFailed)
    })

    test('other roles may not search, and each refusal is logged', async () => {
      for (const actor of [people.registrar, people.officer, people.analyst, administrator]) {
        await assert.rejects(searchAudit(call(actor), {}), Forbidden)
        const denied = await store.db.query(
          `SELECT 1 FROM audit_event WHERE actor_id = $1 AND operation = 'denied' AND object_type = 'audit:search'`,
          [actor.userId],
        )
        assert.equal(denied.length, 1, `the refusal of ${actor.displayName} is logged`)
      }
    })

    test('the API: auditors search and verify; a registrar is refused and the refusal logged', async () => {
      const auditorToken = await issueToken(store.db, auditor.userId, 'test', ['*'], 1)
      const registrarToken = await issueToken(store.db, people.registrar.userId, 'test', ['*'], 1)
      const get = (token: string, url: string) =>
        server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })

      const page = await get(auditorToken, `/api/v1/audit-events?personId=${personId}&limit=3`)
      assert.equal(page.statusCode, 200, page.body)
      const body = page.json() as { items: AuditEventJson[]; next?: string }
      assert.equal(body.items.length, 3)
      assert.ok(body.next)
      const next = await get(auditorToken, `/api/v1/audit-events?personId=${personId}&limit=3&cursor=${body.next}`)
      assert.ok((next.json() as { items: AuditEventJson[] }).items.every((item) => item.id < Number(body.next) + 1))
      const [searched] = await store.db.query<{ origin: string }>(
        `SELECT origin FROM audit_event WHERE actor_id = $1 AND object_type = 'audit-trail' ORDER BY id DESC LIMIT 1`,
        [auditor.userId],
      )
      assert.match(searched?.origin ?? '', /^api /, 'where the search came from is logged')

      const bad = await get(auditorToken, '/api/v1/audit-events?category=gossip')
      assert.equal(bad.statusCode, 400)

      const verified = await get(auditorToken, '/api/v1/audit-events/verify')
      assert.equal(verified.statusCode, 200, verified.body)
      const report = verified.json() as { valid: boolean; entries: number; head: string }
      assert.equal(report.valid, true)
      await sealAuditEntries(store.db)
      assert.equal(report.entries, (await verifyAuditChain(store.db)).entries - 1, 'the check itself is logged after')

      const refused = await get(registrarToken, '/api/v1/audit-events')
      assert.equal(refused.statusCode, 403)
      const denied = await store.db.query(
        `SELECT 1 FROM audit_event WHERE actor_id = $1 AND operation = 'denied' AND object_type = 'audit:search'`,
        [people.registrar.userId],
      )
      assert.equal(denied.length, 2, 'the earlier service refusal and this one')
      assert.equal((await get(registrarToken, '/api/v1/audit-events/verify')).statusCode, 403)
    })
  })
}
