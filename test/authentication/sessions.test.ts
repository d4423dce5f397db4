import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { issueToken } from '../../src/app/directory.ts'
import { base32Decode, timeStep, totp } from '../../src/domain/authentication/totp.ts'
import { backends } from '../support/database.ts'
import {
  authenticationEvents,
  Browser,
  bearer,
  codeAt,
  localUser,
  type Register,
  setCookies,
  startRegister,
  type TestUser,
} from './support.ts'

// Signing in with a password and TOTP, and sessions, end to end through the
// HTTP server on a real database (no mocks). The clock is the register's
// injectable instant clock: the tests move it; nothing sleeps.

const lockoutAfterFailures = 3
const lockoutMinutes = 15
const ipMaxFailures = 8

for (const backend of backends) {
  describe(`password, TOTP and sessions on ${backend}`, () => {
    let register: Register
    let admin: TestUser
    let adminToken: string
    let registrar: TestUser
    let ipCounter = 0
    const freshIp = () => `198.51.100.${++ipCounter}`

    before(async () => {
      register = await startRegister(backend, {
        settings: { lockoutAfterFailures, lockoutMinutes, ipMaxFailures, ipWindowMinutes: 15 },
      })
      admin = await localUser(register, { roles: ['administrator'] })
      adminToken = await issueToken(register.store.db, admin.actor.userId, 'test', ['*'], 1)
      registrar = await localUser(register, { roles: ['registrar'] })
    })
    after(async () => {
      await register?.close()
    })

    const browser = () => new Browser(register.server, freshIp())

    test('first sign-in: password, enrolment of an authenticator confirmed by a code, then the session', async () => {
      const created = await register.server.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(adminToken),
        payload: {
          organisationId: 'police:test-shire',
          displayName: 'Nina Newcomer',
          email: 'nina.newcomer@example.test',
          roles: ['offender-manager'],
          password: 'quiet harbour at dawn',
        },
      })
      assert.equal(created.statusCode, 201, created.body)
      const b = browser()
      const login = await b.login('nina.newcomer@example.test', 'quiet harbour at dawn')
      assert.equal(login.statusCode, 200, login.body)
      assert.equal(login.json().stage, 'totp-enrol')
      const pending = b.session as string

      // Half signed in grants nothing.
      assert.equal((await b.request('GET', '/auth/session')).statusCode, 401)
      assert.equal((await b.request('GET', '/api/v1/tasks')).statusCode, 401)
      assert.equal((await b.request('GET', '/auth/sign-in')).json().stage, 'totp-enrol')
      // The sign-in's own steps need its CSRF token too.
      assert.equal((await b.request('POST', '/auth/totp/enrol', {})).statusCode, 403)
      // TOTP before enrolling is a conflict, not a guess.
      assert.equal((await b.post('/auth/totp', { code: '123456' })).statusCode, 409)

      const enrol = await b.post('/auth/totp/enrol', {})
      assert.equal(enrol.statusCode, 200, enrol.body)
      const { secret, otpauthUri } = enrol.json()
      assert.match(secret, /^[A-Z2-7]{32}$/)
      assert.ok(otpauthUri.startsWith('otpauth://totp/DASR:'))
      const wrong = await b.post('/auth/totp/enrol', { code: totp(base32Decode(secret), 1) })
      assert.equal(wrong.statusCode, 401)
      const confirmed = await b.post('/auth/totp/enrol', { code: codeAt(secret, register.clock) })
      assert.equal(confirmed.statusCode, 200, confirmed.body)
      assert.equal(confirmed.json().stage, 'complete')
      // ASVS 7.2.4: completing the sign-in gives a new token.
      assert.notEqual(b.session, pending)
      b.csrf = confirmed.json().csrfToken

      const session = await b.request('GET', '/auth/session')
      assert.equal(session.statusCode, 200, session.body)
      assert.equal(session.json().user.displayName, 'Nina Newcomer')
      assert.deepEqual(session.json().user.roles, ['offender-manager'])
      assert.equal(session.json().via, 'session')
      assert.equal(session.json().csrfToken, b.csrf)

      // The pending token is worth nothing now.
      const old = new Browser(register.server, b.ip)
      old.cookies.set('__Host-dasr-session', pending)
      assert.equal((await old.request('GET', '/auth/session')).statusCode, 401)
      // Enrolment cannot be repeated by a signed-out user to replace the factor.
      const again = browser()
      register.clock.nextStep()
      assert.equal((await again.login('nina.newcomer@example.test', 'quiet harbour at dawn')).json().stage, 'totp')
      assert.equal((await again.post('/auth/totp/enrol', {})).statusCode, 409)
    })

    test('the session cookie is __Host-, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain; a new token at every sign-in', async () => {
      const tokens = new Set<string>()
      for (let i = 0; i < 3; i++) {
        const b = browser()
        register.clock.nextStep()
        const login = await b.login(registrar.email, registrar.password)
        const [first] = setCookies(login)
        tokens.add(first?.value as string)
        const second = await b.post('/auth/totp', { code: codeAt(registrar.secret as string, register.clock) })
        assert.equal(second.statusCode, 200, second.body)
        const cookies = setCookies(second)
        assert.equal(cookies.length, 1)
        const cookie = cookies[0]
        assert.ok(cookie)
        assert.equal(cookie.name, '__Host-dasr-session')
        assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url')
        for (const attribute of ['secure', 'httponly', 'samesite=strict', 'path=/']) {
          assert.ok(cookie.attributes.includes(attribute), `${attribute} in ${cookie.attributes.join('; ')}`)
        }
        assert.ok(!cookie.attributes.some((a) => a.startsWith('domain')))
        tokens.add(cookie.value)
        assert.equal((await b.request('GET', '/auth/session')).statusCode, 200)
      }
      assert.equal(tokens.size, 6, 'every step of every sign-in had a token of its own')
      // Only hashes are stored.
      const stored = await register.store.db.query<{ token_hash: string }>('SELECT token_hash FROM user_session')
      for (const token of tokens) assert.ok(!stored.some((row) => row.token_hash === token))
    })

    test('signing in again in the same browser ends the session it held', async () => {
      const b = browser()
      await b.signIn(registrar, register.clock)
      const before = b.session as string
      await b.signIn(registrar, register.clock)
      assert.notEqual(b.session, before)
      const old = new Browser(register.server, b.ip)
      old.cookies.set('__Host-dasr-session', before)
      assert.equal((await old.request('GET', '/auth/session')).statusCode, 401)
      assert.equal((await b.request('GET', '/auth/session')).statusCode, 200)
    })

    test('a wrong password, an unknown e-mail and a locked account get the same status and body', async () => {
      const victim = await localUser(register, { roles: ['registrar'] })
      const b = browser()
      const answers: { status: number; body: string }[] = []
      const record = async (email: string, password: string) => {
        const response = await b.login(email, password)
        answers.push({ status: response.statusCode, body: response.body })
        assert.equal(response.headers['set-cookie'], undefined)
      }
      await record(victim.email, 'not the password at all')
      await record('nobody.at.all@example.test', 'not the password at all')
      for (let i = 1; i < lockoutAfterFailures; i++) await record(victim.email, 'still not the password')
      // Locked now: even the right password gets the same answer.
      await record(victim.email, victim.password)
      const first = answers[0]
      assert.equal(first?.status, 401)
      for (const answer of answers) assert.deepEqual(answer, first)
    })

    test(`lockout after ${lockoutAfterFailures} failures, lifted after ${lockoutMinutes} minutes`, async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      const b = browser()
      for (let i = 0; i < lockoutAfterFailures; i++) {
        assert.equal((await b.login(user.email, `wrong password ${i}!`)).statusCode, 401)
      }
      assert.equal((await b.login(user.email, user.password)).statusCode, 401, 'locked')
      register.clock.minutes(lockoutMinutes - 1)
      assert.equal((await b.login(user.email, user.password)).statusCode, 401, 'still locked')
      register.clock.minutes(1)
      await b.signIn(user, register.clock)
      const events = (await authenticationEvents(register)).filter((e) => e.actor_id === user.actor.userId)
      assert.equal(events.filter((e) => e.detail.event === 'lockout').length, 1)
      assert.deepEqual(
        events.filter((e) => e.detail.event === 'failure').map((e) => e.detail.reason),
        [...Array(lockoutAfterFailures).fill('wrong-password'), 'locked', 'locked'],
      )
    })

    test('wrong TOTP codes count towards the lockout, which ends the half-open sign-in', async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      const b = browser()
      register.clock.nextStep()
      assert.equal((await b.login(user.email, user.password)).statusCode, 200)
      const right = codeAt(user.secret as string, register.clock)
      const wrong = right === '000000' ? '000001' : '000000'
      for (let i = 0; i < lockoutAfterFailures; i++) {
        assert.equal((await b.post('/auth/totp', { code: wrong })).statusCode, 401)
      }
      // The sign-in is over: even the right code is refused.
      assert.equal((await b.post('/auth/totp', { code: right })).statusCode, 401)
      assert.equal((await b.login(user.email, user.password)).statusCode, 401, 'and the account is locked')
    })

    test('a TOTP code is good once: the same code in the same step is refused (ASVS 6.5.1)', async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      register.clock.nextStep()
      const code = codeAt(user.secret as string, register.clock)
      const first = browser()
      assert.equal((await first.login(user.email, user.password)).statusCode, 200)
      assert.equal((await first.post('/auth/totp', { code })).statusCode, 200)
      const second = browser()
      assert.equal((await second.login(user.email, user.password)).statusCode, 200)
      assert.equal((await second.post('/auth/totp', { code })).statusCode, 401)
      // The next step's code works.
      register.clock.nextStep()
      assert.equal(
        (await second.post('/auth/totp', { code: codeAt(user.secret as string, register.clock) })).statusCode,
        200,
      )
      const reasons = (await authenticationEvents(register))
        .filter((e) => e.actor_id === user.actor.userId && e.detail.event === 'failure')
        .map((e) => e.detail.reason)
      assert.deepEqual(reasons, ['replayed'])
    })

    test(`per-address limit: ${ipMaxFailures} failures from one address, then 429 for it alone`, async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      const attacker = browser()
      for (let i = 0; i < ipMaxFailures; i++) {
        // Different accounts, so no account lockout is involved.
        assert.equal((await attacker.login(`guess${i}@example.test`, 'Summer2026!!x')).statusCode, 401)
      }
      const limited = await attacker.login(user.email, user.password)
      assert.equal(limited.statusCode, 429)
      assert.ok(Number(limited.headers['retry-after']) > 0)
      // Someone else is not affected.
      await browser().signIn(user, register.clock)
      register.clock.minutes(16)
      assert.equal((await attacker.login(user.email, user.password)).statusCode, 200)
    })

    test('idle timeout (30 min) and absolute timeout (12 h) end the session; activity defers only the first', async () => {
      const idle = browser()
      await idle.signIn(registrar, register.clock)
      register.clock.minutes(29)
      assert.equal((await idle.request('GET', '/auth/session')).statusCode, 200)
      register.clock.minutes(29)
      assert.equal((await idle.request('GET', '/auth/session')).statusCode, 200, 'the last request kept it alive')
      register.clock.minutes(31)
      assert.equal((await idle.request('GET', '/auth/session')).statusCode, 401, 'idle for 31 minutes')

      const busy = browser()
      await busy.signIn(registrar, register.clock)
      for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
        register.clock.minutes(20)
        assert.equal((await busy.request('GET', '/auth/session')).statusCode, 200, `after ${minutes + 20} minutes`)
      }
      register.clock.minutes(21)
      assert.equal((await busy.request('GET', '/auth/session')).statusCode, 401, 'past 12 hours')

      const reasons = (await authenticationEvents(register))
        .filter((e) => e.detail.event === 'expiry')
        .map((e) => e.detail.reason)
      assert.ok(reasons.includes('idle') && reasons.includes('absolute'), reasons.join())
    })

    test('a half-finished sign-in expires after 5 minutes', async () => {
      const b = browser()
      register.clock.nextStep()
      assert.equal((await b.login(registrar.email, registrar.password)).statusCode, 200)
      register.clock.minutes(6)
      const code = codeAt(registrar.secret as string, register.clock)
      assert.equal((await b.post('/auth/totp', { code })).statusCode, 401)
    })

    test('logging out ends the session on the server at once; it needs the CSRF token', async () => {
      const b = browser()
      await b.signIn(registrar, register.clock)
      const cookie = b.session as string
      assert.equal((await b.request('POST', '/auth/logout', {})).statusCode, 403, 'no CSRF token')
      const out = await b.post('/auth/logout')
      assert.equal(out.statusCode, 200)
      assert.equal(out.json().signedOut, true)
      assert.equal(b.session, undefined, 'the cookie is cleared')
      const replay = new Browser(register.server, b.ip)
      replay.cookies.set('__Host-dasr-session', cookie)
      assert.equal((await replay.request('GET', '/auth/session')).statusCode, 401)
    })

    test('disabling a user ends every session and revokes every API token at once; enabling does not revive them', async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      const phone = browser()
      const laptop = browser()
      await phone.signIn(user, register.clock)
      await laptop.signIn(user, register.clock)
      const token = await issueToken(register.store.db, user.actor.userId, 'integration', ['*'], 1)
      const tokenRequest = () => register.server.inject({ method: 'GET', url: '/auth/session', headers: bearer(token) })
      assert.equal((await tokenRequest()).statusCode, 200)

      const disabled = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${user.actor.userId}/disable`,
        headers: bearer(adminToken),
      })
      assert.equal(disabled.statusCode, 200, disabled.body)
      assert.deepEqual(disabled.json(), { sessionsEnded: 2, tokensRevoked: 1 })
      assert.equal((await phone.request('GET', '/auth/session')).statusCode, 401)
      assert.equal((await laptop.request('GET', '/auth/session')).statusCode, 401)
      assert.equal((await tokenRequest()).statusCode, 401, 'a token of a disabled user is refused')
      assert.equal((await browser().login(user.email, user.password)).statusCode, 401)

      const enabled = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${user.actor.userId}/enable`,
        headers: bearer(adminToken),
      })
      assert.equal(enabled.statusCode, 200)
      assert.equal((await phone.request('GET', '/auth/session')).statusCode, 401)
      assert.equal((await tokenRequest()).statusCode, 401)
      await browser().signIn(user, register.clock)
    })

    test('an administrator can end a user’s sessions (ASVS 7.4.5)', async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      const b = browser()
      await b.signIn(user, register.clock)
      const adminBrowser = browser()
      await adminBrowser.signIn(admin, register.clock)
      const ended = await adminBrowser.post(`/api/v1/users/${user.actor.userId}/end-sessions`)
      assert.equal(ended.statusCode, 200, ended.body)
      assert.equal(ended.json().sessionsEnded, 1)
      assert.equal((await b.request('GET', '/auth/session')).statusCode, 401)
    })

    test('a forged, tampered or malformed cookie is 401', async () => {
      const b = browser()
      await b.signIn(registrar, register.clock)
      const real = b.session as string
      const flip = (c: string) => (c === 'A' ? 'B' : 'A')
      for (const forged of [
        'A'.repeat(43),
        `${flip(real[0] as string)}${real.slice(1)}`,
        `${real.slice(0, 42)}${flip(real[42] as string)}`,
        `${real}x`,
        real.slice(1),
        '',
        "'; DROP TABLE user_session; --",
      ]) {
        const other = new Browser(register.server, b.ip)
        other.cookies.set('__Host-dasr-session', forged)
        const response = await other.request('GET', '/auth/session')
        assert.equal(response.statusCode, 401, forged)
        assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      }
      assert.equal((await b.request('GET', '/auth/session')).statusCode, 200)
    })

    test('CSRF: a cookie-authenticated POST without the token, or with a wrong one, is 403; bearer tokens need none', async () => {
      const target = await localUser(register, { roles: ['analyst'] })
      const b = browser()
      await b.signIn(admin, register.clock)
      const url = `/api/v1/users/${target.actor.userId}/end-sessions`
      const missing = await b.request('POST', url, {})
      assert.equal(missing.statusCode, 403)
      assert.equal(missing.json().type, 'https://dasr.example/problems/csrf')
      assert.equal((await b.request('POST', url, {}, { 'x-csrf-token': 'A'.repeat(43) })).statusCode, 403)
      assert.equal((await b.request('POST', url, { _csrf: 'A'.repeat(43) })).statusCode, 403)
      // Another session's token is no good either.
      const other = browser()
      await other.signIn(admin, register.clock)
      assert.equal((await b.request('POST', url, {}, { 'x-csrf-token': other.csrf as string })).statusCode, 403)
      // The right token, as a header or a form field (removed before the body is validated).
      assert.equal((await b.post(url)).statusCode, 200)
      const asField = await b.request('POST', `/api/v1/users/${target.actor.userId}/password`, {
        _csrf: b.csrf,
        password: 'copper kettle whistling',
      })
      assert.equal(asField.statusCode, 200, asField.body)
      // Reads need no token.
      assert.equal((await b.request('GET', '/auth/session')).statusCode, 200)
      // A bearer token needs none.
      const byToken = await register.server.inject({ method: 'POST', url, headers: bearer(adminToken) })
      assert.equal(byToken.statusCode, 200)
      const denied = await register.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE operation = 'denied' AND object_type = 'csrf' AND actor_id = $1`,
        [admin.actor.userId],
      )
      assert.equal(denied[0]?.n, 4)
    })

    test('token scopes restrict actions to those named; "*" allows what the roles allow', async () => {
      const readHeaders = (token: string) => ({ ...bearer(token), 'x-justification': 'scope test' })
      const issue = (scopes: string[]) =>
        register.server.inject({
          method: 'POST',
          url: `/api/v1/users/${registrar.actor.userId}/tokens`,
          headers: bearer(adminToken),
          payload: { label: 'integration', scopes, validForDays: 30 },
        })
      const readOnly = await issue(['person:read'])
      assert.equal(readOnly.statusCode, 201, readOnly.body)
      const { token, id, expiresAt } = readOnly.json()
      assert.match(token, /^dasr_/)
      assert.ok(Date.parse(expiresAt) > Date.now() + 29 * 86_400_000)
      const person = { familyName: 'Scope', givenNames: 'Test', dateOfBirth: '1980-01-01' }
      assert.equal(
        (await register.server.inject({ method: 'GET', url: '/api/v1/people', headers: readHeaders(token) }))
          .statusCode,
        200,
      )
      const write = await register.server.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: bearer(token),
        payload: person,
      })
      assert.equal(write.statusCode, 403)
      const all = (await issue(['*'])).json().token
      const allowed = await register.server.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: bearer(all),
        payload: person,
      })
      assert.equal(allowed.statusCode, 201, allowed.body)
      // Revoked: refused at once.
      const revoked = await register.server.inject({
        method: 'POST',
        url: `/api/v1/tokens/${id}/revoke`,
        headers: bearer(adminToken),
      })
      assert.equal(revoked.statusCode, 200)
      assert.equal(
        (await register.server.inject({ method: 'GET', url: '/api/v1/people', headers: readHeaders(token) }))
          .statusCode,
        401,
      )
      assert.equal((await issue(['person:read', 'not an action'])).statusCode, 400)
      const tooLong = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${registrar.actor.userId}/tokens`,
        headers: bearer(adminToken),
        payload: { label: 'x', scopes: ['*'], validForDays: 366 },
      })
      assert.equal(tooLong.statusCode, 422)
    })

    test('only administrators administer users, and only their own organisation’s', async () => {
      const registrarToken = await issueToken(register.store.db, registrar.actor.userId, 'test', ['*'], 1)
      const asRegistrar = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${admin.actor.userId}/disable`,
        headers: bearer(registrarToken),
      })
      assert.equal(asRegistrar.statusCode, 403)
      const elsewhere = await localUser(register, { roles: ['registrar'], organisationId: 'police:other-shire' })
      const crossForce = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${elsewhere.actor.userId}/disable`,
        headers: bearer(adminToken),
      })
      assert.equal(crossForce.statusCode, 404)
      const self = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${admin.actor.userId}/disable`,
        headers: bearer(adminToken),
      })
      assert.equal(self.statusCode, 409)
      const weak = await register.server.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(adminToken),
        payload: {
          organisationId: 'police:test-shire',
          displayName: 'Weak Password',
          email: 'weak@example.test',
          roles: ['analyst'],
          password: 'password1234',
        },
      })
      assert.equal(weak.statusCode, 422)
      assert.match(weak.json().errors[0].message, /commonly used/)
      const system = await register.server.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(adminToken),
        payload: {
          organisationId: 'police:test-shire',
          displayName: 'Not A Person',
          email: 'system@example.test',
          roles: ['system'],
          password: 'quiet harbour at dawn',
        },
      })
      assert.equal(system.statusCode, 400)
    })

    test('an administrator setting a password lifts a lockout and ends sessions', async () => {
      const user = await localUser(register, { roles: ['registrar'] })
      const b = browser()
      await b.signIn(user, register.clock)
      for (let i = 0; i < lockoutAfterFailures; i++) await browser().login(user.email, 'wrong wrong wrong')
      const set = await register.server.inject({
        method: 'POST',
        url: `/api/v1/users/${user.actor.userId}/password`,
        headers: bearer(adminToken),
        payload: { password: 'brand new passphrase here' },
      })
      assert.equal(set.statusCode, 200, set.body)
      assert.equal((await b.request('GET', '/auth/session')).statusCode, 401)
      await browser().signIn({ ...user, password: 'brand new passphrase here' }, register.clock)
    })

    test('the OpenAPI document lists the sign-in and administration routes', async () => {
      const doc = (await register.server.inject({ method: 'GET', url: '/api/openapi.json' })).json()
      for (const path of ['/auth/login', '/auth/totp', '/auth/totp/enrol', '/auth/logout', '/auth/session']) {
        assert.ok(doc.paths[path], path)
      }
      assert.ok(doc.paths['/auth/oidc/start'].get.responses['303'])
      assert.ok(doc.paths['/api/v1/users/{id}/tokens'].post)
    })

    test('OpenID Connect is off when no provider is configured', async () => {
      assert.equal((await browser().request('GET', '/auth/oidc/start')).statusCode, 404)
    })

    test('every authentication event is audited, with where from, and never a password, code, secret or token', async () => {
      const events = await authenticationEvents(register)
      const kinds = new Set(events.map((e) => e.detail.event))
      for (const kind of [
        'first-factor',
        'success',
        'failure',
        'lockout',
        'rate-limited',
        'logout',
        'expiry',
        'enrolment-started',
        'enrolment-confirmed',
        'sessions-ended',
      ]) {
        assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(', ')}`)
      }
      for (const event of events) assert.match(String(event.origin), /^(web \d+\.\d+\.\d+\.\d+|api .*|cli)$/)
      // An unknown e-mail is recorded with no user.
      assert.ok(events.some((e) => e.actor_id === null && e.detail.reason === 'unknown'))
      const trail = JSON.stringify(await register.store.db.query('SELECT * FROM audit_event'))
      const secrets = await register.store.db.query<{ token_hash: string; csrf_token: string }>(
        'SELECT token_hash, csrf_token FROM user_session',
      )
      for (const needle of [
        registrar.password,
        admin.password,
        'quiet harbour at dawn',
        'not the password at all',
        registrar.secret as string,
        ...secrets.flatMap((s) => [s.token_hash, s.csrf_token]),
      ]) {
        assert.ok(!trail.includes(needle), `the audit trail must not contain ${needle.slice(0, 6)}…`)
      }
      // And a sample code of the current step.
      const code = totp(base32Decode(registrar.secret as string), timeStep(register.clock.current.getTime() / 1000))
      assert.ok(!trail.includes(`"${code}"`))
    })
  })
}
