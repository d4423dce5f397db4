import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import type { Actor, Role } from '../../src/app/actor.ts'
import { systemActor } from '../../src/app/actor.ts'
import { enrolConfirmedTotp, openSession, storePasswordHash } from '../../src/app/authentication.ts'
import { type AuthenticationRuntime, configureAuthentication } from '../../src/app/authentication-runtime.ts'
import { scan } from '../../src/app/compliance.ts'
import type { AppContext, Call } from '../../src/app/context.ts'
import { createUser, ensureOrganisation, issueToken } from '../../src/app/directory.ts'
import { hashPassword } from '../../src/app/passwords.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { addPhotograph } from '../../src/app/photographs.ts'
import { determine, refer, register } from '../../src/app/registration.ts'
import { openNeedToKnow, shareRecord } from '../../src/app/sharing.ts'
import { askForClarification, recordSubjectAccessRequest } from '../../src/app/subject-access.ts'
import { disableUser } from '../../src/app/user-administration.ts'
import { createVictim, linkVictim } from '../../src/app/victims.ts'
import { timeStep, totp } from '../../src/domain/authentication/totp.ts'
import type { Database } from '../../src/store/database.ts'
import type { People, TestClock } from '../support/database.ts'

// What the authorisation matrix (./authorisation-matrix.test.ts) needs besides
// its expectation table: who calls (principals), the records they call about
// (a world of two forces with every kind of object, seeded through the real
// services), and for every route a fixture saying which id goes in the path
// for each ownership and a body that passes validation, so that the
// object-level check in the service is actually reached.

// ---------------------------------------------------------------------------
// Principals and ownerships

/** The kinds of caller the expectation table speaks of. */
export type Kind =
  | 'registrar'
  | 'police-om'
  | 'probation-om'
  | 'vlo'
  | 'mappa'
  | 'partner'
  | 'analyst'
  | 'auditor'
  | 'administrator'
  | 'logged-out'
  | 'disabled'

export type ForceName = 'home' | 'away'

export interface Principal {
  name: string
  kind: Kind
  /** The force whose records are "own" and "same force" (agencies work with the first force). */
  force: ForceName
  organisationId: string | undefined
  userId: string | undefined
  authorization: string | undefined
}

export type Ownership = 'own case' | 'same force' | 'other force' | 'none' | 'n/a'
export const objectOwnerships: Ownership[] = ['own case', 'same force', 'other force', 'none']

/** Agencies reach the first force's records only through a share. */
export const agencyKinds: ReadonlySet<Kind> = new Set(['probation-om', 'mappa', 'partner'])

/** The sections the risk management plan of the first force's own case shares with partner agencies. */
export const planSections = ['addresses', 'risk'] as const

// ---------------------------------------------------------------------------
// The world: two forces, each with two cases and every kind of object

// A 1×1 PNG.
export const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

export interface CaseIds {
  person: string
  phoneFact: string
  determination: string
  policyId: string
  registration: string
  photograph: string
  victim: string
  breach: string
  /** A full share with an organisation no principal belongs to (for the revoke route). */
  share: string
  /** A "need to know" access opened by an officer of a third force (for the review route). */
  needToKnow: string
}

export interface ForceIds {
  organisationId: string
  registrar: Actor
  /** [own case, same force] */
  cases: [CaseIds, CaseIds]
  /** Records of their own for the destructive routes (restriction, lifting, erasure): [own case, same force]. */
  spare: [{ person: string; victim: string }, { person: string; victim: string }]
  /** Users of the force for the administrators' routes: [own case, same force]. */
  users: [string, string]
  tokens: [string, string]
}

export const organisations = {
  home: 'police:test-shire',
  away: 'police:other-shire',
  probation: 'probation:test-region',
  mappa: 'mappa:test-shire',
  partner: 'partner:test-housing',
  /** A force no principal belongs to: its officer opens the "need to know" accesses the review route reviews. */
  third: 'police:matrix-third-shire',
  /** Where the seeded shares go (revoked by the revoke route). */
  preShared: 'probation:matrix-elsewhere',
  /** Where the share route shares (never an organisation of a principal, so no cell opens a record to another). */
  shareTarget: 'mappa:matrix-elsewhere',
} as const

export interface World {
  app: AppContext
  db: Database
  runtime: AuthenticationRuntime
  clock: TestClock
  home: ForceIds
  away: ForceIds
  /** A victim each organisation whose users may link victims manages (a body for POST /people/{id}/victims). */
  linkableVictims: Map<string, string>
  /** A local account with a password, for POST /auth/login. */
  signer: { email: string; password: string }
  principals: Principal[]
  /** Objects created for one route alone (subject access requests), by route, force and case. */
  cache: Map<string, string>
  counter: { n: number }
}

const seedJustification = 'Seeding the authorisation matrix (test)'
const conviction = (date: string, victim: string) => ({
  kind: 'conviction',
  date,
  offence: 'PHA1997-s4A',
  domesticAbuse: true,
  victims: [{ id: victim, relationship: 'ex-partner', ageAtOffence: 30 }],
  disposal: { type: 'custody', months: 12, suspended: true },
})

/** The ASVS floor t=2, m=19 MiB (Appendix C): a valid setting that keeps the run's sign-ins quick. */
const argon2 = { memory: 19 * 1024, passes: 2, parallelism: 1 }
export const newPassword = 'violet harbour compass 2026'

export async function seedWorld(app: AppContext, clock: TestClock, people: People): Promise<World> {
  const db = app.db
  const runtime = configureAuthentication(app, { secretKey: randomBytes(32), oidc: null, settings: { argon2 } })
  const call = (actor: Actor): Call => ({ app, actor, justification: seedJustification })
  const pid = process.pid
  let n = 0
  const user = async (organisationId: string, roles: Role[], name: string) =>
    createUser(db, { organisationId, roles, displayName: name, email: `matrix.${n++}.${pid}@example.test` })

  await ensureOrganisation(db, { id: organisations.third, name: 'Matrix Third Shire Police', kind: 'police' })
  await ensureOrganisation(db, { id: organisations.preShared, name: 'Matrix Elsewhere Probation', kind: 'probation' })
  await ensureOrganisation(db, { id: organisations.shareTarget, name: 'Matrix Elsewhere MAPPA', kind: 'mappa' })
  const thirdOfficer = await user(organisations.third, ['offender-manager'], 'Theo Third')

  async function seedCase(tag: string, index: number, registrar: Actor, officer: Actor): Promise<CaseIds> {
    const as = call(registrar)
    const person = await createPerson(as, {
      familyName: `Matrix${tag}${index}`,
      givenNames: 'Ann',
      dateOfBirth: `198${index}-03-0${index + 1}`,
      responsibleOfficerId: officer.userId,
    })
    for (const fact of [
      conviction('2025-09-01', `V-${tag}-${index}-A`),
      conviction('2024-01-10', `V-${tag}-${index}-B`),
      { kind: 'risk-assessment', date: '2025-10-01', tool: 'OASys', rosh: 'high' },
      {
        kind: 'address',
        addressType: 'home',
        line1: `${tag} House ${index}`,
        town: 'Testbury',
        validFrom: '2025-01-01',
      },
      { kind: 'risk-management-plan', summary: 'Synthetic plan', sharedWithPartners: [...planSections] },
    ]) {
      await addFact(as, person.id, undefined, fact)
    }
    const phone = await addFact(as, person.id, undefined, { kind: 'phone', number: '07700900111' })
    const victim = await createVictim(as, {
      familyName: `Victim${tag}${index}`,
      givenNames: 'Vee',
      phone: '07700900222',
      address: { line1: `${tag} Refuge ${index}`, town: 'Safeton' },
    })
    await linkVictim(as, person.id, { victimId: victim.id, relationship: 'ex-partner' })
    const photograph = await addPhotograph(as, person.id, { contentType: 'image/png', data: png })
    await refer(as, person.id, { reason: 'Matrix seed' })
    const determination = await determine(as, person.id, {})
    const eligible = determination.explanation.policies.find(
      (p) => p.outcome === 'eligible' && p.consequences?.effect === 'notification-requirements',
    )
    assert.ok(eligible, 'the seeded case is eligible under some policy')
    const registration = await register(as, person.id, {
      determinationId: determination.id,
      policyId: eligible.policy,
      abuseType: 'stalking',
    })
    const share = await shareRecord(as, person.id, {
      organisationId: organisations.preShared,
      scope: 'full',
      reason: 'Seeded share for the revoke route (matrix)',
    })
    const needToKnow = await openNeedToKnow(call(thirdOfficer), person.id, {
      justification: 'Seeded need to know for the review route (matrix test)',
    })
    return {
      person: person.id,
      phoneFact: phone.id,
      determination: determination.id,
      policyId: eligible.policy,
      registration: registration.id,
      photograph: photograph.id,
      victim: victim.id,
      breach: '',
      share: share.id,
      needToKnow: needToKnow.id,
    }
  }

  async function seedForce(tag: string, organisationId: string, registrar: Actor, officer: Actor) {
    const cases: [CaseIds, CaseIds] = [
      await seedCase(tag, 1, registrar, officer),
      await seedCase(tag, 2, registrar, officer),
    ]
    const spare = async (index: number) => ({
      person: (
        await createPerson(call(registrar), {
          familyName: `Spare${tag}${index}`,
          givenNames: 'Sol',
          dateOfBirth: `197${index}-05-0${index + 1}`,
        })
      ).id,
      victim: (await createVictim(call(registrar), { familyName: `SpareVictim${tag}${index}`, givenNames: 'Val' })).id,
    })
    const users: [string, string] = [
      (await user(organisationId, ['offender-manager'], `Bo Bystander ${tag}`)).userId,
      (await user(organisationId, ['offender-manager'], `Cy Bystander ${tag}`)).userId,
    ]
    const tokenOf = async (userId: string) => {
      await issueToken(db, userId, 'matrix bystander', ['*'], 1)
      const rows = await db.query<{ id: string }>('SELECT id FROM api_token WHERE user_id = $1', [userId])
      return (rows[0] as { id: string }).id
    }
    return {
      organisationId,
      registrar,
      cases,
      spare: [await spare(1), await spare(2)],
      users,
      tokens: [await tokenOf(users[0]), await tokenOf(users[1])],
    } satisfies ForceIds
  }

  const home = await seedForce('Home', organisations.home, people.registrar, people.officer)
  const away = await seedForce('Away', organisations.away, people.otherForce, people.otherOfficer)

  // The first force's own case is co-managed by probation and MAPPA, and a plan shares some of it with a partner.
  const own = home.cases[0].person
  for (const [organisationId, scope] of [
    [organisations.probation, 'full'],
    [organisations.mappa, 'full'],
    [organisations.partner, 'plan'],
  ] as const) {
    await shareRecord(call(people.registrar), own, {
      organisationId,
      scope,
      reason: 'Co-managed for the authorisation matrix',
    })
  }

  // Months later, nothing notified: the scan finds breaches. The run happens then.
  clock.set('2026-08-01')
  await scan({ app, actor: systemActor }, {})
  for (const force of [home, away]) {
    for (const c of force.cases) {
      const rows = await db.query<{ id: string }>('SELECT id FROM breach WHERE person_id = $1 ORDER BY id LIMIT 1', [
        c.person,
      ])
      assert.ok(rows[0], 'the seeded case has a breach')
      c.breach = rows[0].id
    }
  }

  const linkableVictims = new Map<string, string>()
  for (const actor of [people.registrar, people.otherForce, people.probation]) {
    const victim = await createVictim(call(actor), { familyName: 'Linkable', givenNames: 'Lee' })
    linkableVictims.set(actor.organisationId, victim.id)
  }

  const signerUser = await user(organisations.home, ['offender-manager'], 'Sid Signer')
  const signer = { email: `matrix.signer.${pid}@example.test`, password: 'granite lantern harbour 7' }
  await db.execute('UPDATE app_user SET email = $2 WHERE id = $1', [signerUser.userId, signer.email])
  const hash = await hashPassword(signer.password, runtime.settings.argon2)
  await db.transaction((tx) => storePasswordHash(tx, runtime, signerUser.userId, hash))

  const bearer = async (actor: Actor) => `Bearer ${await issueToken(db, actor.userId, 'matrix', ['*'], 1)}`
  const principal = async (name: string, kind: Kind, actor: Actor, force: ForceName = 'home'): Promise<Principal> => ({
    name,
    kind,
    force,
    organisationId: actor.organisationId,
    userId: actor.userId,
    authorization: await bearer(actor),
  })
  // A token for a user, then the user disabled through the administrators' service.
  const dee = await user(organisations.home, ['registrar'], 'Dee Disabled')
  const disabled = await principal('disabled account', 'disabled', dee)
  await disableUser(call(people.administrator), dee.userId)

  const principals = [
    await principal('registrar', 'registrar', people.registrar),
    await principal('police offender manager', 'police-om', people.officer),
    await principal('probation offender manager', 'probation-om', people.probation),
    await principal('victim liaison officer', 'vlo', people.vlo),
    await principal('MAPPA coordinator', 'mappa', people.mappa),
    await principal('partner practitioner', 'partner', people.partner),
    await principal('analyst', 'analyst', people.analyst),
    await principal('auditor', 'auditor', people.auditor),
    await principal('administrator', 'administrator', people.administrator),
    await principal('other force registrar', 'registrar', people.otherForce, 'away'),
    await principal('other force offender manager', 'police-om', people.otherOfficer, 'away'),
    {
      name: 'logged out',
      kind: 'logged-out',
      force: 'home',
      organisationId: undefined,
      userId: undefined,
      authorization: undefined,
    } satisfies Principal,
    disabled,
  ]
  return {
    app,
    db,
    runtime,
    clock,
    home,
    away,
    linkableVictims,
    signer,
    principals,
    cache: new Map(),
    counter: { n: 0 },
  }
}

// ---------------------------------------------------------------------------
// Fixtures: what each route is sent, per principal and ownership

export interface Cell {
  world: World
  principal: Principal
  ownership: Ownership
  /** The force and case the ownership names; undefined for "none" and "n/a". */
  target: { force: ForceIds; index: 0 | 1 } | undefined
}

export interface Sent {
  params?: Record<string, string>
  query?: string
  body?: unknown
  headers?: Record<string, string>
}

export interface Fixture {
  /**
   * When the route is sent: reads first, then writes, then the writes that
   * change what later cells could reach (ending, restricting, erasing,
   * disabling), then "need to know" (which opens records to its caller).
   */
  phase: number
  send: (cell: Cell) => Promise<Sent> | Sent
  /** For a public route whose own answer is not a success here; said why, beside it. */
  publicStatus?: number
}

export function targetOf(world: World, principal: Principal, ownership: Ownership): Cell['target'] {
  const own = world[principal.force]
  const other = world[principal.force === 'home' ? 'away' : 'home']
  if (ownership === 'own case') return { force: own, index: 0 }
  if (ownership === 'same force') return { force: own, index: 1 }
  if (ownership === 'other force') return { force: other, index: 0 }
  return undefined
}

/** An id from the target's case, or a random one for "none". */
const caseId =
  (pick: (c: CaseIds) => string) =>
  (cell: Cell): string =>
    cell.target === undefined ? randomUUID() : pick(cell.target.force.cases[cell.target.index])
const person = caseId((c) => c.person)
const registration = caseId((c) => c.registration)
const spareId =
  (pick: 'person' | 'victim') =>
  (cell: Cell): string =>
    cell.target === undefined ? randomUUID() : cell.target.force.spare[cell.target.index][pick]
const userId = (cell: Cell) => (cell.target === undefined ? randomUUID() : cell.target.force.users[cell.target.index])

const next = (cell: Cell) => ++cell.world.counter.n
const ownOrganisation = (cell: Cell) => cell.principal.organisationId ?? organisations.home

/** A subject access request of the target's case, made for this route alone (each route moves it on). */
async function subjectAccessRequest(cell: Cell, route: string, awaiting = false): Promise<string> {
  if (cell.target === undefined) return randomUUID()
  const { force, index } = cell.target
  const key = `${route} ${force.organisationId} ${index}`
  const known = cell.world.cache.get(key)
  if (known !== undefined) return known
  const call: Call = { app: cell.world.app, actor: force.registrar, justification: seedJustification }
  const request = await recordSubjectAccessRequest(call, {
    personId: force.cases[index].person,
    receivedOn: '2026-07-25',
  })
  if (awaiting) await askForClarification(call, request.id, { askedOn: '2026-07-26' })
  cell.world.cache.set(key, request.id)
  return request.id
}

/** A sign-in between the password and the second factor, for the sign-in routes (opened by the sign-in service). */
async function pendingSignIn(cell: Cell, enrolled: boolean) {
  const { world } = cell
  const n = next(cell)
  const user = await createUser(world.db, {
    organisationId: organisations.home,
    roles: ['offender-manager'],
    displayName: `Signing In ${n}`,
    email: `matrix.signing.${n}.${process.pid}@example.test`,
  })
  const secret = randomBytes(20)
  if (enrolled) await enrolConfirmedTotp(world.app, user.userId, secret)
  const step = await world.db.transaction((tx) =>
    openSession(tx, world.runtime, { userId: user.userId, totpConfirmed: enrolled }, 'password', null, {
      ip: '127.0.0.1',
    }),
  )
  return {
    headers: { cookie: `__Host-dasr-session=${step.sessionToken}`, 'x-csrf-token': step.csrfToken },
    code: totp(secret, timeStep(world.runtime.now().getTime() / 1000)),
  }
}

const read: Fixture['phase'] = 1
const write: Fixture['phase'] = 2

export const fixtures: Record<string, Fixture> = {
  // Public: no credentials needed, whoever calls.
  'GET /health': { phase: 0, send: () => ({}) },
  'GET /api/openapi.json': { phase: 0, send: () => ({}) },
  'POST /auth/login': {
    phase: 0,
    send: (cell) => ({ body: { email: cell.world.signer.email, password: cell.world.signer.password } }),
  },
  'POST /auth/totp': {
    phase: 0,
    send: async (cell) => {
      const pending = await pendingSignIn(cell, true)
      return { headers: pending.headers, body: { code: pending.code } }
    },
  },
  'POST /auth/totp/enrol': {
    phase: 0,
    send: async (cell) => ({ headers: (await pendingSignIn(cell, false)).headers, body: {} }),
  },
  'GET /auth/sign-in': { phase: 0, send: async (cell) => ({ headers: (await pendingSignIn(cell, false)).headers }) },
  'POST /auth/logout': {
    phase: 0,
    send: async (cell) => ({ headers: (await pendingSignIn(cell, false)).headers, body: {} }),
  },
  // No identity provider is configured in this test (test/authentication/oidc.test.ts runs a real one):
  // both answer "not found" to everyone alike.
  'GET /auth/oidc/start': { phase: 0, publicStatus: 404, send: () => ({}) },
  'GET /auth/oidc/callback': { phase: 0, publicStatus: 404, send: () => ({ query: 'code=abc&state=def' }) },
  'GET /auth/session': { phase: 0, send: () => ({}) },

  // People
  'GET /api/v1/people': { phase: read, send: () => ({ query: 'limit=10' }) },
  'GET /api/v1/people/:id': { phase: read, send: (cell) => ({ params: { id: person(cell) } }) },
  'GET /api/v1/people/:id/timeline': { phase: read, send: (cell) => ({ params: { id: person(cell) } }) },
  'GET /api/v1/photographs/:id': {
    phase: read,
    send: (cell) => ({ params: { id: caseId((c) => c.photograph)(cell) } }),
  },
  'POST /api/v1/people': {
    phase: write,
    send: (cell) => ({
      // Names differing only by a number are the same name to the duplicate check: the date of birth differs.
      body: (() => {
        const n = next(cell)
        return {
          familyName: 'Newcomer',
          givenNames: 'Nia',
          dateOfBirth: `19${50 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`,
        }
      })(),
    }),
  },
  'PATCH /api/v1/people/:id': {
    phase: write,
    send: async (cell) => {
      const id = person(cell)
      const rows = await cell.world.db.query<{ version: number }>('SELECT version FROM person WHERE id = $1', [id])
      return {
        params: { id },
        headers: { 'if-match': `"v${rows[0]?.version ?? 1}"` },
        body: { riskLevel: 'medium', reason: 'Matrix update' },
      }
    },
  },
  'POST /api/v1/people/:id/facts': {
    phase: write,
    send: (cell) => ({ params: { id: person(cell) }, body: { kind: 'phone', number: '07700900123' } }),
  },
  'POST /api/v1/people/:id/facts/:factId/supersede': {
    phase: write,
    send: (cell) => ({
      params: { id: person(cell), factId: caseId((c) => c.phoneFact)(cell) },
      body: { validTo: '2026-07-01', reason: 'Number no longer in use' },
    }),
  },
  'POST /api/v1/people/:id/photographs': {
    phase: write,
    send: (cell) => ({ params: { id: person(cell) }, body: { contentType: 'image/png', data: png } }),
  },

  // Victims
  'GET /api/v1/victims/:id': { phase: read, send: (cell) => ({ params: { id: caseId((c) => c.victim)(cell) } }) },
  'POST /api/v1/victims': {
    phase: write,
    send: (cell) => ({ body: { familyName: `Newvictim${next(cell)}`, givenNames: 'Vi' } }),
  },
  'POST /api/v1/people/:id/victims': {
    phase: write,
    send: (cell) => ({
      params: { id: person(cell) },
      body: {
        victimId:
          cell.world.linkableVictims.get(ownOrganisation(cell)) ?? cell.world.linkableVictims.values().next().value,
        relationship: 'ex-partner',
      },
    }),
  },

  // Registration
  'GET /api/v1/determinations/:id': {
    phase: read,
    send: (cell) => ({ params: { id: caseId((c) => c.determination)(cell) } }),
  },
  'GET /api/v1/registrations/:id': { phase: read, send: (cell) => ({ params: { id: registration(cell) } }) },
  'GET /api/v1/registrations/:id/notice': { phase: read, send: (cell) => ({ params: { id: registration(cell) } }) },
  'POST /api/v1/people/:id/referrals': {
    phase: write,
    send: (cell) => ({ params: { id: person(cell) }, body: { reason: 'Matrix referral' } }),
  },
  'POST /api/v1/people/:id/determinations': {
    phase: write,
    send: (cell) => ({ params: { id: person(cell) }, body: {} }),
  },
  'POST /api/v1/people/:id/registrations': {
    phase: write,
    send: (cell) => ({
      params: { id: person(cell) },
      body: {
        determinationId: caseId((c) => c.determination)(cell),
        // A real policy for "none" too, so the body passes and the record is looked up.
        policyId: (cell.target?.force ?? cell.world.home).cases[cell.target?.index ?? 0].policyId,
        abuseType: 'stalking',
      },
    }),
  },
  'POST /api/v1/registrations/:id/notice-served': {
    phase: write,
    send: (cell) => ({ params: { id: registration(cell) }, body: { servedOn: '2026-05-02', method: 'in-person' } }),
  },
  'POST /api/v1/registrations/:id/reviews': {
    phase: write,
    send: (cell) => ({
      params: { id: registration(cell) },
      body: { decidedOn: '2026-07-01', decision: 'continue', reasons: 'Matrix review' },
    }),
  },
  'POST /api/v1/registrations/:id/notifications': {
    phase: write,
    send: (cell) => ({
      params: { id: registration(cell) },
      body: { kind: 'initial', receivedOn: '2026-05-02', items: ['names'] },
    }),
  },
  'POST /api/v1/registrations/:id/profile-adjustments': {
    phase: write,
    send: (cell) => ({
      params: { id: registration(cell) },
      body: { item: 'phone-numbers', action: 'add', reason: 'Matrix adjustment' },
    }),
  },
  'POST /api/v1/registrations/:id/end': {
    phase: 3,
    send: (cell) => ({
      params: { id: registration(cell) },
      body: { endedOn: '2026-07-01', reason: 'other', notes: 'Matrix end' },
    }),
  },
  'POST /api/v1/registrations/:id/archive': {
    phase: 4,
    send: (cell) => ({ params: { id: registration(cell) }, body: { archivedOn: '2026-07-02' } }),
  },

  // Compliance
  'GET /api/v1/breaches': { phase: read, send: () => ({ query: 'limit=10' }) },
  'GET /api/v1/tasks': { phase: read, send: () => ({}) },
  'GET /api/v1/caseload': { phase: read, send: () => ({ query: 'scope=organisation' }) },
  'GET /api/v1/people/search': { phase: read, send: () => ({ query: 'q=Ann' }) },
  'POST /api/v1/compliance/scans': { phase: write, send: () => ({ body: {} }) },
  'POST /api/v1/people/:id/visits': {
    phase: write,
    send: (cell) => ({ params: { id: person(cell) }, body: { visitedOn: '2026-07-01', outcome: 'seen' } }),
  },
  'POST /api/v1/breaches/:id/outcome': {
    phase: write,
    send: (cell) => ({
      params: { id: caseId((c) => c.breach)(cell) },
      body: { outcome: 'advice', decidedOn: '2026-08-01', notes: 'Matrix outcome' },
    }),
  },

  // Shares and "need to know"
  'GET /api/v1/people/:id/access': { phase: read, send: (cell) => ({ params: { id: person(cell) } }) },
  'GET /api/v1/need-to-know': { phase: read, send: () => ({}) },
  'POST /api/v1/people/:id/shares': {
    phase: write,
    send: (cell) => ({
      params: { id: person(cell) },
      body: { organisationId: organisations.shareTarget, scope: 'full', reason: 'Managed at MAPPA level 2 (matrix)' },
    }),
  },
  'POST /api/v1/shares/:id/revoke': {
    phase: write,
    send: (cell) => ({
      params: { id: caseId((c) => c.share)(cell) },
      body: { reason: 'Co-management ended (matrix)' },
    }),
  },
  'POST /api/v1/need-to-know/:id/review': {
    phase: write,
    send: (cell) => ({
      params: { id: caseId((c) => c.needToKnow)(cell) },
      body: { outcome: 'justified', note: 'Matrix review of the access' },
    }),
  },
  // Last: it opens the record to its caller, which would change every later cell about it.
  'POST /api/v1/people/:id/need-to-know': {
    phase: 9,
    send: (cell) => ({
      params: { id: person(cell) },
      body: { justification: 'Arrested in our area last night; need risk and licence conditions (matrix)' },
    }),
  },
  'GET /api/v1/statistics': { phase: read, send: () => ({}) },

  // Users (administrators)
  'POST /api/v1/users': {
    phase: write,
    send: (cell) => ({
      body: {
        organisationId: ownOrganisation(cell),
        displayName: 'Matrix New User',
        email: `matrix.new.${next(cell)}.${process.pid}@example.test`,
        roles: ['offender-manager'],
        password: newPassword,
      },
    }),
  },
  'POST /api/v1/users/:id/password': {
    phase: write,
    send: (cell) => ({ params: { id: userId(cell) }, body: { password: newPassword } }),
  },
  'POST /api/v1/users/:id/enable': { phase: write, send: (cell) => ({ params: { id: userId(cell) } }) },
  'POST /api/v1/users/:id/end-sessions': { phase: write, send: (cell) => ({ params: { id: userId(cell) } }) },
  'POST /api/v1/users/:id/second-factor/reset': { phase: write, send: (cell) => ({ params: { id: userId(cell) } }) },
  'POST /api/v1/users/:id/identities': {
    phase: write,
    send: (cell) => ({
      params: { id: userId(cell) },
      body: { issuer: 'https://idp.matrix.example.test', subject: `subject-${next(cell)}` },
    }),
  },
  'POST /api/v1/users/:id/tokens': {
    phase: write,
    send: (cell) => ({
      params: { id: userId(cell) },
      body: { label: 'Matrix integration', scopes: ['person:read'], validForDays: 1 },
    }),
  },
  'POST /api/v1/tokens/:id/revoke': {
    phase: write,
    send: (cell) => ({
      params: { id: cell.target === undefined ? randomUUID() : cell.target.force.tokens[cell.target.index] },
    }),
  },
  'POST /api/v1/users/:id/disable': { phase: 8, send: (cell) => ({ params: { id: userId(cell) } }) },

  // Audit trail
  'GET /api/v1/audit-events': { phase: read, send: () => ({ query: 'limit=5' }) },
  'GET /api/v1/audit-events/verify': { phase: read, send: () => ({}) },

  // Retention
  'GET /api/v1/retention/due': { phase: read, send: () => ({ query: 'limit=10' }) },
  'GET /api/v1/retention/tasks': { phase: read, send: () => ({}) },
  'POST /api/v1/retention/scans': { phase: write, send: () => ({ body: {} }) },
  'GET /api/v1/retention/people/:id': { phase: read, send: (cell) => ({ params: { id: person(cell) } }) },
  'GET /api/v1/retention/victims/:id': {
    phase: read,
    send: (cell) => ({ params: { id: caseId((c) => c.victim)(cell) } }),
  },
  'POST /api/v1/people/:id/retention-reviews': {
    phase: write,
    send: (cell) => ({
      params: { id: person(cell) },
      body: { decision: 'retain', reason: 'Still necessary (matrix)' },
    }),
  },
  'POST /api/v1/victims/:id/retention-reviews': {
    phase: write,
    send: (cell) => ({
      params: { id: caseId((c) => c.victim)(cell) },
      body: { decision: 'retain', reason: 'Still necessary (matrix)' },
    }),
  },
  'POST /api/v1/people/:id/restriction': {
    phase: 5,
    send: (cell) => ({
      params: { id: spareId('person')(cell) },
      body: { ground: 'a', rationale: 'An inquiry is under way (matrix)' },
    }),
  },
  'POST /api/v1/victims/:id/restriction': {
    phase: 5,
    send: (cell) => ({
      params: { id: spareId('victim')(cell) },
      body: { ground: 'e', rationale: 'Protecting the victim (matrix)' },
    }),
  },
  'POST /api/v1/people/:id/restriction/lift': {
    phase: 6,
    send: (cell) => ({ params: { id: spareId('person')(cell) }, body: { reason: 'The inquiry ended (matrix)' } }),
  },
  'POST /api/v1/victims/:id/restriction/lift': {
    phase: 6,
    send: (cell) => ({ params: { id: spareId('victim')(cell) }, body: { reason: 'No longer needed (matrix)' } }),
  },
  'POST /api/v1/people/:id/erasure': {
    phase: 7,
    send: (cell) => ({
      params: { id: spareId('person')(cell) },
      body: { ground: 'no-longer-necessary', reason: 'No longer necessary (matrix)', neededAsEvidence: false },
    }),
  },
  'POST /api/v1/victims/:id/erasure': {
    phase: 7,
    send: (cell) => ({
      params: { id: spareId('victim')(cell) },
      body: { ground: 'no-longer-necessary', reason: 'No longer necessary (matrix)', neededAsEvidence: false },
    }),
  },

  // Subject access
  'POST /api/v1/subject-access-requests': {
    phase: write,
    send: (cell) => ({
      body: { personId: cell.world[cell.principal.force].cases[0].person, receivedOn: '2026-07-25' },
    }),
  },
  'GET /api/v1/subject-access-requests': { phase: read, send: () => ({}) },
  'GET /api/v1/subject-access-requests/:id/answer': {
    phase: read,
    send: async (cell) => ({ params: { id: await subjectAccessRequest(cell, 'answer') } }),
  },
  'POST /api/v1/subject-access-requests/:id/extension': {
    phase: write,
    send: async (cell) => ({
      params: { id: await subjectAccessRequest(cell, 'extension') },
      body: { noticeOn: '2026-08-01', reason: 'Complex request (matrix)' },
    }),
  },
  'POST /api/v1/subject-access-requests/:id/clarification-requested': {
    phase: write,
    send: async (cell) => ({
      params: { id: await subjectAccessRequest(cell, 'clarification-requested') },
      body: { askedOn: '2026-07-28' },
    }),
  },
  'POST /api/v1/subject-access-requests/:id/clarification-received': {
    phase: write,
    send: async (cell) => ({
      params: { id: await subjectAccessRequest(cell, 'clarification-received', true) },
      body: { receivedOn: '2026-07-30' },
    }),
  },
  'POST /api/v1/subject-access-requests/:id/close': {
    phase: write,
    send: async (cell) => ({
      params: { id: await subjectAccessRequest(cell, 'close') },
      body: { outcome: 'withdrawn', on: '2026-08-01', reason: 'Withdrawn by the requester (matrix)' },
    }),
  },
}

// ---------------------------------------------------------------------------
// Answers

export type Outcome = 'allowed' | 'forbidden' | 'hidden' | 'unauthenticated' | 'error'

/** 401 unauthenticated, 403 forbidden, 404 hidden, 5xx an error; anything else (2xx, 409, 412, 422, 428…) allowed. */
export function classify(status: number): Outcome {
  if (status === 401) return 'unauthenticated'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'hidden'
  if (status >= 500) return 'error'
  return 'allowed'
}

export const pathOf = (template: string, params: Record<string, string> = {}) =>
  template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`no value for :${name} in ${template}`)
    return encodeURIComponent(value)
  })
