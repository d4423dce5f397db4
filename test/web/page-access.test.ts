import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { RouteAccess } from '../../src/api/route-kit.ts'
import { buildServer, pageRoutes, routeAccess } from '../../src/api/server.ts'
import { can } from '../../src/app/access.ts'
import type { Actor, Role } from '../../src/app/actor.ts'
import { systemActor } from '../../src/app/actor.ts'
import { scan } from '../../src/app/compliance.ts'
import { createUser, ensureOrganisation, issueToken } from '../../src/app/directory.ts'
import { loadPopulation } from '../../src/demo/load.ts'
import { freshDatabase, TestClock, type TestDatabase, testApp } from '../support/database.ts'

// Issue 6, "direct URL access to a page or record outside the user's rights
// shows a generic page and is audited": every page route the server declares
// (generated from the declarations, so a new page is covered the day it is
// added), sent to a principal of every role and to nobody, and:
// - signed out: a page sends the browser to sign in (a public page answers);
// - a role that may not take the page's declared action gets the generic page
//   (403, HTML, the same words as a missing record) and a 'denied' audit entry;
// - a role that may take it is not refused for its role;
// - a record of another force, opened by a URL, is the same generic page as a
//   record that does not exist, and the refusal is audited with the person.
// The API's authorisation matrix (test/security) checks the services' rules;
// this checks the pages are born inside the same access hook.

const genericPage = /Page not found or not available to you/

interface Principal {
  name: string
  actor: Actor
  token: string
}

describe('pages: every page route × every role, and records out of reach', () => {
  let store: TestDatabase
  let server: FastifyInstance
  const principals: Principal[] = []
  let declared: Map<string, RouteAccess | undefined>
  let pages: string[] = []
  let ours: { personId: string; registrationId: string; breachId: string; determinationId: string }
  let theirs: { personId: string; registrationId: string; breachId: string; determinationId: string }

  before(async () => {
    store = await freshDatabase('pglite')
    const app = testApp(store.db, new TestClock('2026-11-24'))
    await loadPopulation(store.db, { people: 200, seed: 3, asOf: '2026-11-24', softwareVersion: 'test' })
    await scan({ app, actor: systemActor })
    await ensureOrganisation(store.db, { id: 'partner:page-test', name: 'Page Test Housing', kind: 'partner' })
    // Two registrants with a suspected breach, managed by two different forces:
    // the principals belong to the first force; the second force's record is out of their reach.
    type Row = {
      managing_org_id: string
      person_id: string
      registration_id: string
      breach_id: string
      determination_id: string
    }
    const registrants = await store.db.query<Row>(
      `SELECT DISTINCT ON (p.managing_org_id) p.managing_org_id, r.person_id, r.id AS registration_id,
              b.id AS breach_id, r.determination_id
         FROM registration r JOIN person p ON p.id = r.person_id JOIN breach b ON b.registration_id = r.id
        WHERE p.managing_org_id LIKE 'police:%'
        ORDER BY p.managing_org_id, r.id`,
    )
    assert.ok(registrants.length >= 2, 'the population has registrants with a suspected breach in two forces')
    const recordOf = (row: Row) => ({
      personId: row.person_id,
      registrationId: row.registration_id,
      breachId: row.breach_id,
      determinationId: row.determination_id,
    })
    const [first, second] = registrants as [Row, Row]
    const force = first.managing_org_id
    ours = recordOf(first)
    theirs = recordOf(second)
    const roles: [Role, string][] = [
      ['registrar', force],
      ['offender-manager', force],
      ['offender-manager', 'probation:east-of-england'],
      ['victim-liaison-officer', force],
      ['mappa-coordinator', 'mappa:avon-and-somerset'],
      ['partner-practitioner', 'partner:page-test'],
      ['analyst', force],
      ['auditor', force],
      ['administrator', force],
    ]
    for (const [role, organisationId] of roles) {
      const actor = await createUser(store.db, {
        organisationId,
        roles: [role],
        displayName: `${role} of ${organisationId}`,
        email: `${role}.${organisationId.replace(':', '.')}@page-access.example.test`,
      })
      principals.push({
        name: `${role} (${organisationId})`,
        actor,
        token: await issueToken(store.db, actor.userId, 'page access test', ['*'], 1),
      })
    }
    server = await buildServer({ app, hardening: { rateLimit: false } })
    await server.ready()
    declared = routeAccess(server)
    pages = [...pageRoutes(server)].sort()
  })
  after(async () => {
    await server?.close()
    await store?.drop()
  })

  const pathFor = (url: string, record: typeof ours) =>
    url
      .replace(/^\/registrations\/:id/, `/registrations/${record.registrationId}`)
      .replace(/^\/breaches\/:id/, `/breaches/${record.breachId}`)
      .replace(':determinationId', record.determinationId)
      .replace(':id', record.personId)
      .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000')
      .replace('*', 'govuk-frontend.min.css')

  const send = (method: string, url: string, token?: string) =>
    server.inject({
      method: method as 'GET',
      url: `${url}${url.includes('?') ? '&' : '?'}because=${encodeURIComponent('Page access test')}`,
      headers: {
        accept: 'text/html',
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { payload: 'because=Page+access+test' } : {}),
    })

  const deniedCount = async (actor: Actor, personId?: string) =>
    (
      await store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE operation = 'denied' AND actor_id = $1
           AND ($2::uuid IS NULL OR person_id = $2::uuid)`,
        [actor.userId, personId ?? null],
      )
    )[0]?.n ?? 0

  test('the server declares page routes, each with its access', () => {
    assert.ok(pages.length >= 20, `${pages.length} page routes`)
    for (const route of pages) assert.notEqual(declared.get(route), undefined, `${route} declares its access`)
  })

  test('signed out, every page that is not public sends the browser to sign in', async () => {
    for (const route of pages) {
      const [method, url] = route.split(' ') as [string, string]
      const access = declared.get(route)
      const response = await send(method, pathFor(url, ours))
      if (access !== undefined && 'public' in access) {
        assert.notEqual(response.statusCode, 401, route)
        continue
      }
      assert.equal(response.statusCode, 303, `${route} signed out`)
      assert.match(String(response.headers.location), /^\/sign-in/, route)
    }
  })

  test('a role the page is not for gets the generic page and the refusal is audited; a role it is for is let in', async () => {
    let refused = 0
    let admitted = 0
    for (const route of pages) {
      const [method, url] = route.split(' ') as [string, string]
      const access = declared.get(route)
      if (access === undefined || 'public' in access) continue
      for (const principal of principals) {
        const before = await deniedCount(principal.actor)
        const response = await send(method, pathFor(url, ours), principal.token)
        const label = `${route} as ${principal.name}: ${response.statusCode}`
        assert.ok(response.statusCode < 500, `${label} ${response.body.slice(0, 200)}`)
        if ('action' in access && !can(principal.actor, access.action)) {
          refused++
          assert.equal(response.statusCode, 403, label)
          assert.match(String(response.headers['content-type']), /^text\/html/, label)
          assert.match(response.body, genericPage, label)
          assert.equal(await deniedCount(principal.actor), before + 1, `${label}: audited`)
        } else {
          admitted++
          const refusedForRole = response.statusCode === 403 && (await deniedCount(principal.actor)) > before
          if (refusedForRole) {
            // Let in by the route, refused by the service: only about the record (reach, a section), never the role.
            const last = (
              await store.db.query<{ detail: { reason?: string } }>(
                'SELECT detail FROM audit_event WHERE actor_id = $1 ORDER BY id DESC LIMIT 1',
                [principal.actor.userId],
              )
            )[0]
            assert.notEqual(last?.detail.reason, 'role', `${label}: refused for the role by the service`)
          }
        }
      }
    }
    assert.ok(refused > 0 && admitted > 0, `${refused} refusals, ${admitted} admissions`)
  })

  test('pages written for one kind of user are refused to everyone else (a table from the issue, not from access.ts)', async () => {
    // Issue 4: auditors read the trail, administrators manage users, only police registrars
    // register; a partner agency practitioner never sees victims; an analyst never a person.
    const only: [string, (p: Principal) => boolean][] = [
      ['/audit', (p) => p.actor.roles.includes('auditor')],
      ['/admin/users', (p) => p.actor.roles.includes('administrator')],
      [`/people/${ours.personId}/register`, (p) => p.actor.roles.includes('registrar')],
      [
        `/people/${ours.personId}/victims`,
        (p) => !p.actor.roles.some((r) => ['partner-practitioner', 'analyst', 'auditor', 'administrator'].includes(r)),
      ],
      [
        `/people/${ours.personId}`,
        (p) => !p.actor.roles.some((r) => ['analyst', 'auditor', 'administrator'].includes(r)),
      ],
      [
        '/search',
        (p) => !p.actor.roles.some((r) => ['analyst', 'auditor', 'administrator', 'partner-practitioner'].includes(r)),
      ],
    ]
    for (const [url, allowed] of only) {
      for (const principal of principals) {
        const response = await send('GET', url, principal.token)
        const label = `${url} as ${principal.name}: ${response.statusCode}`
        if (allowed(principal)) continue
        assert.ok([403, 404].includes(response.statusCode), label)
        assert.match(response.body, genericPage, label)
      }
    }
  })

  test("another force's record opened by its URL is the generic page, like a record that does not exist, and is audited", async () => {
    const registrar = principals[0] as Principal
    let checked = 0
    for (const route of pages) {
      const [method, url] = route.split(' ') as [string, string]
      const access = declared.get(route)
      if (method !== 'GET' || access === undefined || !('action' in access) || !access.personal) continue
      if (!/:id/.test(url) || !can(registrar.actor, access.action)) continue
      // A photograph's own id is not in this world; the record pages around it are.
      if (/:(?!id\b|determinationId\b)[A-Za-z]+/.test(url)) continue
      const before = await deniedCount(registrar.actor, theirs.personId)
      const response = await send('GET', pathFor(url, theirs), registrar.token)
      const label = `${route}: ${response.statusCode}`
      assert.ok([403, 404].includes(response.statusCode), label)
      assert.match(response.body, genericPage, label)
      assert.ok((await deniedCount(registrar.actor, theirs.personId)) > before, `${label}: audited with the person`)
      const missing = await send(
        'GET',
        pathFor(url, {
          ...theirs,
          personId: '00000000-0000-4000-8000-00000000abcd',
          registrationId: '00000000-0000-4000-8000-00000000abcd',
          breachId: '00000000-0000-4000-8000-00000000abcd',
          determinationId: '00000000-0000-4000-8000-00000000abcd',
        }),
        registrar.token,
      )
      assert.equal(missing.statusCode, response.statusCode, `${route}: a missing record answers the same`)
      checked++
    }
    assert.ok(checked >= 5, `${checked} record pages checked`)
  })
})
