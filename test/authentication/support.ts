import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildServer } from '../../src/api/server.ts'
import type { Actor, Role } from '../../src/app/actor.ts'
import { enrolConfirmedTotp, storePasswordHash } from '../../src/app/authentication.ts'
import {
  type AuthenticationOptions,
  type AuthenticationRuntime,
  configureAuthentication,
} from '../../src/app/authentication-runtime.ts'
import type { AppContext } from '../../src/app/context.ts'
import { createUser, ensureOrganisation } from '../../src/app/directory.ts'
import { hashPassword } from '../../src/app/passwords.ts'
import { base32Decode, base32Encode, timeStep, totp } from '../../src/domain/authentication/totp.ts'
import { type Backend, freshDatabase, TestClock, type TestDatabase, testApp } from '../support/database.ts'

// What the authentication tests share: a register with its own instant clock
// (moved by the tests, never slept on), and a browser that keeps its cookies
// and talks to the real server through Fastify's inject.

export class InstantClock {
  current: Date
  constructor(start = new Date()) {
    this.current = new Date(start)
  }
  readonly now = () => new Date(this.current)
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms)
  }
  minutes(n: number) {
    this.advance(n * 60_000)
  }
  /** To the start of the next TOTP step, so a new code is due. */
  nextStep() {
    const step = timeStep(this.current.getTime() / 1000)
    this.current = new Date((step + 1) * 30_000 + 1_000)
  }
}

export interface Register {
  store: TestDatabase
  app: AppContext
  server: FastifyInstance
  clock: InstantClock
  runtime: AuthenticationRuntime
  close(): Promise<void>
}

export async function startRegister(backend: Backend, options: AuthenticationOptions = {}): Promise<Register> {
  const store = await freshDatabase(backend)
  const app = testApp(store.db, new TestClock('2026-05-01'))
  const clock = new InstantClock()
  const runtime = configureAuthentication(app, {
    now: clock.now,
    secretKey: randomBytes(32),
    oidc: null,
    ...options,
  })
  const server = await buildServer({ app })
  return {
    store,
    app,
    server,
    clock,
    runtime,
    async close() {
      await server.close()
      await store.drop()
    },
  }
}

let counter = 0

export interface TestUser {
  actor: Actor
  email: string
  password: string
  /** Base32, when enrolled. */
  secret?: string
}

/** A user with a local password, and (unless `enrolled: false`) a confirmed TOTP factor. */
export async function localUser(
  register: Register,
  options: { roles: Role[]; organisationId?: string; enrolled?: boolean; name?: string },
): Promise<TestUser> {
  const organisationId = options.organisationId ?? 'police:test-shire'
  await ensureOrganisation(register.store.db, { id: organisationId, name: organisationId, kind: 'police' })
  const n = counter++
  const email = `user${n}.${process.pid}@example.test`
  const actor = await createUser(register.store.db, {
    organisationId,
    roles: options.roles,
    displayName: options.name ?? `Test User ${n}`,
    email,
  })
  const password = `mossy granite lantern ${n}`
  const hash = await hashPassword(password, register.runtime.settings.argon2)
  await register.store.db.transaction((tx) => storePasswordHash(tx, register.runtime, actor.userId, hash))
  if (options.enrolled === false) return { actor, email, password }
  const secret = randomBytes(20)
  await enrolConfirmedTotp(register.app, actor.userId, secret)
  return { actor, email, password, secret: base32Encode(secret) }
}

export const codeAt = (secret: string, clock: InstantClock, offsetSteps = 0) =>
  totp(base32Decode(secret), timeStep(clock.current.getTime() / 1000) + offsetSteps)

export interface SetCookie {
  name: string
  value: string
  attributes: string[]
}

export function setCookies(response: LightMyRequestResponse): SetCookie[] {
  const header = response.headers['set-cookie']
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [String(header)]
  return lines.map((line) => {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim())
    const index = (pair as string).indexOf('=')
    return {
      name: (pair as string).slice(0, index),
      value: (pair as string).slice(index + 1),
      attributes: attributes.map((a) => a.toLowerCase()),
    }
  })
}

/** A browser: keeps its cookies (Max-Age=0 deletes one) and its address. */
export class Browser {
  readonly cookies = new Map<string, string>()
  csrf: string | undefined
  readonly server: FastifyInstance
  readonly ip: string
  constructor(server: FastifyInstance, ip = '192.0.2.10') {
    this.server = server
    this.ip = ip
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await this.server.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: { ...(cookie === '' ? {} : { cookie }), 'user-agent': 'test-browser/1.0', ...headers },
      ...(payload === undefined ? {} : { payload }),
    })
    for (const set of setCookies(response)) {
      if (set.attributes.includes('max-age=0')) this.cookies.delete(set.name)
      else this.cookies.set(set.name, set.value)
    }
    return response
  }

  /** A state-changing request with the session's CSRF token. */
  post(url: string, payload: object = {}, headers: Record<string, string> = {}) {
    return this.request('POST', url, payload, { ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}), ...headers })
  }

  get session() {
    return this.cookies.get('__Host-dasr-session')
  }

  async login(email: string, password: string) {
    const response = await this.request('POST', '/auth/login', { email, password })
    if (response.statusCode === 200) this.csrf = response.json().csrfToken
    return response
  }

  /** Password then TOTP: a full sign-in, asserted. */
  async signIn(user: TestUser, clock: InstantClock): Promise<void> {
    clock.nextStep()
    const login = await this.login(user.email, user.password)
    assert.equal(login.statusCode, 200, login.body)
    assert.equal(login.json().stage, 'totp')
    const second = await this.post('/auth/totp', { code: codeAt(user.secret as string, clock) })
    assert.equal(second.statusCode, 200, second.body)
    assert.equal(second.json().stage, 'complete')
    this.csrf = second.json().csrfToken
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** The authentication events of the audit trail, oldest first. */
export async function authenticationEvents(
  register: Register,
): Promise<{ actor_id: string | null; origin: string | null; detail: Record<string, unknown> }[]> {
  return register.store.db.query(
    `SELECT actor_id, origin, detail FROM audit_event WHERE operation = 'authentication' ORDER BY id`,
  )
}
