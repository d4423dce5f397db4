import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { RouteAccess } from '../../src/api/route-kit.ts'
import { buildServer, pageRoutes, routeAccess } from '../../src/api/server.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'
import {
  agencyKinds,
  type Cell,
  classify,
  fixtures,
  type Kind,
  type Outcome,
  type Ownership,
  objectOwnerships,
  type Principal,
  pathOf,
  planSections,
  seedWorld,
  targetOf,
  type World,
} from './matrix-support.ts'

// Issue 4, "Tests that must exist":
//
// 1. An authorisation matrix generated from the route declarations: every
//    principal × every declared route × ownership (own case, same force, other
//    force, none; logged out and a disabled account as principals), sent over
//    HTTP to the real server and database, and checked against the expectation
//    table below. The table is written from issue 4 and decision 0008 (and
//    docs/retention.md, docs/authentication.md), not from src/app/access.ts.
// 2. Every route that reads personal data writes an audit entry: checked on
//    every cell with a 2xx answer, for every route the server declares, not a
//    hand-picked list; and every 2xx of any other non-public route writes one
//    too.
//
// A declared route without an expectation or a fixture fails the test, naming
// it: every later route must be added here. MATRIX_VERBOSE=1 prints, per
// route, the statuses of the cells expected to be allowed (to see that the
// fixtures reach the services: 2xx, or a conflict with the record's state).

// ---------------------------------------------------------------------------
// The expectation table

/** How a caller must reach the record the path names. */
type ObjectRule =
  /** Any reach: managing, co-managing (a full share) or a plan share. */
  | 'any reach'
  /** Any reach that shows the section: a plan share only when the plan names it (0008 §3). */
  | { section: 'description' | 'registration' }
  /** The offending section: never through a plan, and never to a victim liaison officer (0008 §3). */
  | { section: 'offending' }
  /** Managing or co-managing: writes (0008 §2 "Only managing and co-managing reaches may write"), and reads that show the whole case. */
  | 'case'
  /** Only the organisation that manages it (shares, need-to-know reviews, retention, subject access, its users). */
  | 'managing'
  /** A record managed elsewhere: "need to know" is for records out of the caller's reach (0008 §2); any record that exists. */
  | 'exists'

type Rule =
  | { public: true }
  | { signedIn: true }
  | {
      /** The kinds of caller allowed; everyone else is refused (deny by default). */
      kinds: readonly Kind[]
      /** For a route naming a record: how the caller must reach it, else "not found". */
      object?: ObjectRule
    }

// Who is who (issue 4, "What to build" 1): registrar (police: opens and ends
// registrations); offender manager (police or probation); victim liaison
// officer; MAPPA coordinator; partner practitioner (only the fields a plan
// shares); analyst (aggregates, never a person); auditor (the audit trail, not
// the records); administrator (users and settings, not records).
const readers: Kind[] = ['registrar', 'police-om', 'probation-om', 'vlo', 'mappa', 'partner']
/** Those who work a case: record and change what is known of the person (0008: co-managers write). */
const caseWorkers: Kind[] = ['registrar', 'police-om', 'probation-om']
/** Victims' records: never a partner (0008 §3); co-managers see who, not where. */
const victimReaders: Kind[] = ['vlo', 'registrar', 'police-om', 'probation-om', 'mappa']
const victimWriters: Kind[] = ['vlo', 'registrar', 'police-om', 'probation-om']
/** Police registrars only: opening, changing and ending registrations (issue 4; VioGén: only police open a case). */
const registrars: Kind[] = ['registrar']
/** Shares are "recorded by the managing organisation" (0008 §2): by those who manage the case there. */
const sharers: Kind[] = ['registrar', 'police-om', 'probation-om']
/** "a police or MAPPA officer elsewhere states a justification" (0008 §2). */
const needToKnowOpeners: Kind[] = ['registrar', 'police-om', 'mappa']
/** "the managing organisation reviews it (a task for the responsible officer…)" (0008 §2). */
const needToKnowReviewers: Kind[] = ['registrar', 'police-om', 'probation-om']

const expectations: Record<string, Rule> = {
  // Signing in is open to everyone (docs/authentication.md), as are health and the API's description.
  'GET /health': { public: true },
  'GET /api/openapi.json': { public: true },
  'POST /auth/login': { public: true },
  'POST /auth/totp': { public: true },
  'POST /auth/totp/enrol': { public: true },
  'GET /auth/sign-in': { public: true },
  'POST /auth/logout': { public: true },
  'GET /auth/oidc/start': { public: true },
  'GET /auth/oidc/callback': { public: true },
  // Who is signed in: anyone who is.
  'GET /auth/session': { signedIn: true },

  // A person's record: read by those who work cases and through shares; a list shows what the caller reaches.
  'GET /api/v1/people': { kinds: readers },
  'GET /api/v1/people/:id': { kinds: readers, object: 'any reach' },
  // The timeline tells every step of the case (facts, victims linked, finance recorded): the whole case.
  'GET /api/v1/people/:id/timeline': { kinds: readers, object: 'case' },
  'GET /api/v1/photographs/:id': { kinds: readers, object: { section: 'description' } },
  'POST /api/v1/people': { kinds: caseWorkers },
  'PATCH /api/v1/people/:id': { kinds: caseWorkers, object: 'case' },
  'POST /api/v1/people/:id/facts': { kinds: caseWorkers, object: 'case' },
  'POST /api/v1/people/:id/facts/:factId/supersede': { kinds: caseWorkers, object: 'case' },
  'POST /api/v1/people/:id/photographs': { kinds: caseWorkers, object: 'case' },

  // Victims: the victim liaison officer's records; through a case its managers and co-managers (0008 §3).
  'GET /api/v1/victims/:id': { kinds: victimReaders, object: 'case' },
  'POST /api/v1/victims': { kinds: victimWriters },
  'POST /api/v1/people/:id/victims': { kinds: victimWriters, object: 'case' },

  // Registration. A referral may come from MAPPA; the determination is the case workers'; the decisions are the registrar's.
  'POST /api/v1/people/:id/referrals': { kinds: [...caseWorkers, 'mappa'], object: 'case' },
  'POST /api/v1/people/:id/determinations': { kinds: caseWorkers, object: 'case' },
  // A determination explains the offending: never shown to a partner, whatever a plan says, nor to a
  // victim liaison officer, whose sections leave offending out (0008 §3).
  'GET /api/v1/determinations/:id': { kinds: readers, object: { section: 'offending' } },
  'GET /api/v1/registrations/:id': { kinds: readers, object: { section: 'registration' } },
  'GET /api/v1/registrations/:id/notice': { kinds: readers, object: { section: 'registration' } },
  'POST /api/v1/people/:id/registrations': { kinds: registrars, object: 'case' },
  'POST /api/v1/registrations/:id/notice-served': { kinds: registrars, object: 'case' },
  'POST /api/v1/registrations/:id/reviews': { kinds: registrars, object: 'case' },
  'POST /api/v1/registrations/:id/end': { kinds: registrars, object: 'case' },
  'POST /api/v1/registrations/:id/archive': { kinds: registrars, object: 'case' },
  'POST /api/v1/registrations/:id/profile-adjustments': { kinds: registrars, object: 'case' },
  // Notifications are made to the police (a police station), and recorded there.
  'POST /api/v1/registrations/:id/notifications': { kinds: ['registrar', 'police-om'], object: 'case' },

  // Compliance.
  'POST /api/v1/compliance/scans': { kinds: registrars },
  'POST /api/v1/people/:id/visits': { kinds: caseWorkers, object: 'case' },
  'GET /api/v1/breaches': { kinds: [...caseWorkers, 'mappa'] },
  'POST /api/v1/breaches/:id/outcome': { kinds: caseWorkers, object: 'case' },
  'GET /api/v1/tasks': { kinds: [...caseWorkers, 'vlo', 'mappa'] },
  // A caseload lists what the caller reaches, each record shown as far as their sections allow (issue 6).
  'GET /api/v1/caseload': { kinds: readers },
  // Searching people is for those who find people for a case; partners see only what a plan shares with them.
  'GET /api/v1/people/search': { kinds: ['registrar', 'police-om', 'probation-om', 'vlo', 'mappa'] },

  // Shares and "need to know" (0008 §2).
  'POST /api/v1/people/:id/shares': { kinds: sharers, object: 'managing' },
  'POST /api/v1/shares/:id/revoke': { kinds: sharers, object: 'managing' },
  'GET /api/v1/people/:id/access': { kinds: sharers, object: 'managing' },
  'POST /api/v1/people/:id/need-to-know': { kinds: needToKnowOpeners, object: 'exists' },
  'GET /api/v1/need-to-know': { kinds: needToKnowReviewers },
  'POST /api/v1/need-to-know/:id/review': { kinds: needToKnowReviewers, object: 'managing' },
  // Aggregates: the analysts' (0008), and those who plan the work of a force or a MAPPA area.
  'GET /api/v1/statistics': { kinds: ['analyst', 'registrar', 'mappa'] },

  // Administrators manage the users of their own organisation (docs/authentication.md).
  'POST /api/v1/users': { kinds: ['administrator'] },
  'POST /api/v1/users/:id/password': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/users/:id/disable': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/users/:id/enable': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/users/:id/end-sessions': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/users/:id/second-factor/reset': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/users/:id/identities': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/users/:id/tokens': { kinds: ['administrator'], object: 'managing' },
  'POST /api/v1/tokens/:id/revoke': { kinds: ['administrator'], object: 'managing' },

  // Auditors read the trail, not the records.
  'GET /api/v1/audit-events': { kinds: ['auditor'] },
  'GET /api/v1/audit-events/verify': { kinds: ['auditor'] },

  // Retention, restriction, erasure and subject access: registrars of the managing organisation (docs/retention.md).
  'GET /api/v1/retention/due': { kinds: registrars },
  'GET /api/v1/retention/tasks': { kinds: registrars },
  'POST /api/v1/retention/scans': { kinds: registrars },
  'GET /api/v1/retention/people/:id': { kinds: registrars, object: 'managing' },
  'POST /api/v1/people/:id/retention-reviews': { kinds: registrars, object: 'managing' },
  'POST /api/v1/people/:id/restriction': { kinds: registrars, object: 'managing' },
  'POST /api/v1/people/:id/restriction/lift': { kinds: registrars, object: 'managing' },
  'POST /api/v1/people/:id/erasure': { kinds: registrars, object: 'managing' },
  'GET /api/v1/retention/victims/:id': { kinds: registrars, object: 'managing' },
  'POST /api/v1/victims/:id/retention-reviews': { kinds: registrars, object: 'managing' },
  'POST /api/v1/victims/:id/restriction': { kinds: registrars, object: 'managing' },
  'POST /api/v1/victims/:id/restriction/lift': { kinds: registrars, object: 'managing' },
  'POST /api/v1/victims/:id/erasure': { kinds: registrars, object: 'managing' },
  'POST /api/v1/subject-access-requests': { kinds: registrars },
  'GET /api/v1/subject-access-requests': { kinds: registrars },
  'POST /api/v1/subject-access-requests/:id/extension': { kinds: registrars, object: 'managing' },
  'POST /api/v1/subject-access-requests/:id/clarification-requested': { kinds: registrars, object: 'managing' },
  'POST /api/v1/subject-access-requests/:id/clarification-received': { kinds: registrars, object: 'managing' },
  'POST /api/v1/subject-access-requests/:id/close': { kinds: registrars, object: 'managing' },
  'GET /api/v1/subject-access-requests/:id/answer': { kinds: registrars, object: 'managing' },
}

type Reach = 'managing' | 'co-managing' | 'plan'

/**
 * How the principal reaches the record an ownership names: their force's
 * records they manage; the first force's own case is shared in full with
 * probation and MAPPA (co-managing) and through a plan with the partner; the
 * same force's other case is not shared with any agency; the other force's
 * record with nobody; "none" does not exist.
 */
function reachOf(principal: Principal, ownership: Ownership): Reach | undefined {
  if (ownership === 'own case') {
    if (principal.kind === 'partner') return 'plan'
    return agencyKinds.has(principal.kind) ? 'co-managing' : 'managing'
  }
  if (ownership === 'same force') return agencyKinds.has(principal.kind) ? undefined : 'managing'
  return undefined
}

type Expected = Outcome | 'public'

function expected(rule: Rule, principal: Principal, ownership: Ownership): Expected {
  if ('public' in rule) return 'public'
  if (principal.kind === 'logged-out' || principal.kind === 'disabled') return 'unauthenticated'
  if ('signedIn' in rule) return 'allowed'
  if (!rule.kinds.includes(principal.kind)) return 'forbidden'
  const object = rule.object
  if (object === undefined || ownership === 'n/a') return 'allowed'
  if (ownership === 'none') return 'hidden'
  if (object === 'exists') return 'allowed'
  const reach = reachOf(principal, ownership)
  if (reach === undefined) return 'hidden'
  if (object === 'any reach') return 'allowed'
  if (object === 'managing') return reach === 'managing' ? 'allowed' : 'hidden'
  if (object === 'case') return reach === 'plan' ? 'hidden' : 'allowed'
  if (object.section === 'offending') return reach === 'plan' || principal.kind === 'vlo' ? 'hidden' : 'allowed'
  // A section: whole to managers and co-managers, through a plan only when the plan names it.
  return reach !== 'plan' || (planSections as readonly string[]).includes(object.section) ? 'allowed' : 'hidden'
}

// ---------------------------------------------------------------------------
// The run

interface Result {
  principal: Principal
  route: string
  ownership: Ownership
  expected: Expected
  got: Outcome
  status: number
  detail: string
  /** Audit entries written while the request ran: by the caller, and in all. */
  entries: { actor: string | null; operation: string; justification: string | null }[]
}

const isSuccess = (status: number) => status >= 200 && status < 300
const justification = 'Authorisation matrix (test)'

for (const backend of backends) {
  describe(`authorisation matrix on ${backend}`, () => {
    let store: TestDatabase
    let server: FastifyInstance
    let people: People
    let world: World
    let declared: Map<string, RouteAccess | undefined>
    const results: Result[] = []
    const unknown: string[] = []
    const clock = new TestClock('2026-05-01')
    let millis = 0
    let seeded = 0

    before(async () => {
      const started = performance.now()
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      const app = testApp(store.db, clock)
      world = await seedWorld(app, clock, people)
      seeded = performance.now() - started
      server = await buildServer({
        app,
        // The limits stay on, set high enough not to end the run early.
        hardening: { rateLimit: { perIp: 1_000_000, perActor: 1_000_000, windowMs: 60_000 } },
      })
      await server.ready()
      // The web pages call the same services behind the same access hook; their
      // own test (test/web/page-access.test.ts) sends every page to every role.
      const pages = pageRoutes(server)
      declared = new Map([...routeAccess(server)].filter(([route]) => !pages.has(route)))

      const routes = [...declared.keys()]
      for (const route of routes) {
        if (fixtures[route] === undefined)
          unknown.push(`${route}: no fixture (add one to test/security/matrix-support.ts)`)
        if (expectations[route] === undefined) unknown.push(`${route}: no expectation (add one to the table)`)
      }
      for (const route of new Set([...Object.keys(fixtures), ...Object.keys(expectations)])) {
        if (!declared.has(route))
          unknown.push(`${route}: a fixture or expectation for a route the server does not declare`)
      }
      const runnable = routes
        .filter((route) => fixtures[route] !== undefined && expectations[route] !== undefined)
        .sort((a, b) => (fixtures[a]?.phase ?? 0) - (fixtures[b]?.phase ?? 0))
      for (const route of runnable) {
        const fixture = fixtures[route] as (typeof fixtures)[string]
        const rule = expectations[route] as Rule
        const [method, template] = route.split(' ') as [string, string]
        const ownerships: Ownership[] = template.includes(':') ? objectOwnerships : ['n/a']
        for (const principal of world.principals) {
          for (const ownership of ownerships) {
            const cell: Cell = { world, principal, ownership, target: targetOf(world, principal, ownership) }
            const sent = await fixture.send(cell)
            // After the fixture's own work (it may write entries), so only the request's entries are counted.
            const mark = await lastEntryId()
            const response = await server.inject({
              method: method as 'GET',
              url: `${pathOf(template, sent.params)}${sent.query === undefined ? '' : `?${sent.query}`}`,
              headers: {
                'x-justification': justification,
                ...(principal.authorization === undefined ? {} : { authorization: principal.authorization }),
                ...sent.headers,
              },
              ...(sent.body === undefined ? {} : { payload: sent.body as object }),
            })
            const entries = await store.db.query<Result['entries'][number]>(
              'SELECT actor_id AS actor, operation, justification FROM audit_event WHERE id > $1 ORDER BY id',
              [mark],
            )
            let outcome = classify(response.statusCode)
            let want = expected(rule, principal, ownership)
            if (want === 'public') {
              // Whoever calls, the route answers: a success, or (said beside its fixture) its own answer here.
              const ok =
                fixture.publicStatus === undefined
                  ? outcome === 'allowed'
                  : response.statusCode === fixture.publicStatus
              want = 'allowed'
              if (ok) outcome = 'allowed'
              else if (outcome === 'allowed') outcome = 'error'
            }
            results.push({
              principal,
              route,
              ownership,
              expected: want,
              got: outcome,
              status: response.statusCode,
              detail: detailOf(response.body),
              entries,
            })
          }
        }
      }
      millis = performance.now() - started
    })
    after(async () => {
      await server?.close()
      await store?.drop()
    })

    async function lastEntryId(): Promise<number> {
      const rows = await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event')
      return rows[0]?.id ?? 0
    }

    test('every principal × every declared route × ownership answers as the expectation table says', () => {
      assert.deepEqual(unknown, [], `routes outside the matrix:\n${unknown.join('\n')}`)
      const principals = new Set(results.map((r) => r.principal.name)).size
      const routes = new Set(results.map((r) => r.route)).size
      assert.equal(routes, declared.size, 'every declared route was sent')
      const wrong = results.filter((r) => r.got !== r.expected)
      const asExpected = results.length - wrong.length
      for (const r of wrong) {
        console.log(
          `  unexpected: ${r.principal.name} | ${r.route} | ${r.ownership} | expected ${r.expected}, got ${r.got} (${r.status}) | ${r.detail}`,
        )
      }
      console.log(
        `Authz: ${principals} principals × ${routes} routes × ${objectOwnerships.length} ownerships = ${results.length} cells, ${asExpected} as expected`,
      )
      console.log(
        `  (routes without an id in the path have the one ownership "n/a"; ${(seeded / 1000).toFixed(1)} s to seed, ${((millis - seeded) / 1000).toFixed(1)} s to send, on ${backend})`,
      )
      // Every kind of answer the table foresees was seen, so no rule is vacuous.
      const seen = new Set(results.map((r) => r.got))
      for (const outcome of ['allowed', 'forbidden', 'hidden', 'unauthenticated'] as const) {
        assert.ok(seen.has(outcome), `no cell answered ${outcome}`)
      }
      if (process.env.MATRIX_VERBOSE) {
        for (const route of new Set(results.map((r) => r.route))) {
          const counts = new Map<string, number>()
          for (const r of results.filter((x) => x.route === route && x.expected === 'allowed')) {
            counts.set(`${r.status}`, (counts.get(`${r.status}`) ?? 0) + 1)
          }
          console.log(`  ${route}: ${[...counts].map(([status, n]) => `${status}×${n}`).join(' ')}`)
        }
      }
      assert.equal(wrong.length, 0, `${wrong.length} cells not as expected (listed above)`)
    })

    test('every route that reads personal data writes an audit entry on every success, as does every other route naming an action', () => {
      const personal = [...declared].filter(
        ([, access]) => access !== undefined && 'action' in access && access.personal,
      )
      const failures: string[] = []
      let covered = 0
      for (const [route] of personal) {
        const successes = results.filter((r) => r.route === route && isSuccess(r.status))
        if (successes.length === 0) failures.push(`${route}: no cell succeeded, so nothing shows it audits`)
        const categories = new Set<string>()
        const reasons = new Set<string>()
        let audited = true
        for (const r of successes) {
          const own = r.entries.filter((e) => e.actor === r.principal.userId)
          for (const e of own) {
            categories.add(e.operation)
            reasons.add(e.justification === justification ? "the caller's" : (e.justification ?? 'no'))
          }
          if (own.length === 0) {
            audited = false
            failures.push(`${route} as ${r.principal.name} (${r.ownership}): ${r.status} with no audit entry`)
          }
        }
        if (audited && successes.length > 0) covered++
        console.log(
          `  ${route}: ${successes.length} successes, audited as ${[...categories].sort().join(', ')} with ${[...reasons].sort().join(' / ')} justification`,
        )
      }
      // Every other route naming an action changes or reads register data: each success is audited too.
      const others = [...declared].filter(
        ([, access]) => access !== undefined && 'action' in access && !access.personal,
      )
      let otherSuccesses = 0
      for (const [route] of others) {
        for (const r of results.filter((x) => x.route === route && isSuccess(x.status))) {
          otherSuccesses++
          if (!r.entries.some((e) => e.actor === r.principal.userId)) {
            failures.push(`${route} as ${r.principal.name} (${r.ownership}): ${r.status} with no audit entry`)
          }
        }
      }
      // Routes for anyone signed in are about the caller themselves (src/api/route-kit.ts): reported, not required.
      for (const [route] of [...declared].filter(([, access]) => access !== undefined && 'signedIn' in access)) {
        const successes = results.filter((r) => r.route === route && isSuccess(r.status))
        const audited = successes.filter((r) => r.entries.some((e) => e.actor === r.principal.userId)).length
        console.log(`  ${route}: ${successes.length} successes about the caller themselves, ${audited} audited`)
      }
      // Refusals of a signed-in caller about something that exists are audited as failed authorisations.
      const refusals = results.filter(
        (r) =>
          r.principal.userId !== undefined &&
          r.principal.kind !== 'disabled' &&
          r.ownership !== 'none' &&
          (r.status === 403 || r.status === 404) &&
          expectations[r.route] !== undefined &&
          !('public' in (expectations[r.route] as Rule)),
      )
      for (const r of refusals) {
        if (!r.entries.some((e) => e.actor === r.principal.userId && e.operation === 'denied')) {
          failures.push(`${r.route} as ${r.principal.name} (${r.ownership}): ${r.status} not audited as denied`)
        }
      }
      for (const failure of failures) console.log(`  audit: ${failure}`)
      console.log(
        `Audit: ${personal.length} routes reading personal data, ${covered} wrote an audit entry on every 2xx`,
      )
      console.log(
        `  (and ${otherSuccesses} successes of ${others.length} other routes naming an action; ${refusals.length} refusals about existing records checked for a "denied" entry)`,
      )
      assert.deepEqual(failures, [])
      assert.equal(covered, personal.length)
    })
  })
}

function detailOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { title?: unknown; detail?: unknown }
    const text = [parsed.title, parsed.detail].filter((part) => typeof part === 'string').join(': ')
    return text.slice(0, 200)
  } catch {
    return body.slice(0, 80)
  }
}
