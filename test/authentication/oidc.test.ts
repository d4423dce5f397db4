import assert from 'node:assert/strict'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import Provider from 'oidc-provider'
import { configureAuthentication, type OidcSettings } from '../../src/app/authentication-runtime.ts'
import { linkIdentity } from '../../src/app/user-administration.ts'
import { backends } from '../support/database.ts'
import {
  authenticationEvents,
  Browser,
  codeAt,
  localUser,
  type Register,
  startRegister,
  type TestUser,
} from './support.ts'

// Signing in with a force's identity provider, end to end: a real OpenID
// provider (panva's oidc-provider) runs in this process on an ephemeral port,
// and the test plays the browser over HTTP: the register's start route, the
// provider's authorization endpoint, its login and consent interactions, and
// back to the register's callback. The register talks to the provider itself
// (discovery, token and userinfo endpoints) with openid-client.

const redirectUri = 'https://register.example/auth/oidc/callback'
const clientId = 'dasr-register'
const clientSecret = randomBytes(32).toString('base64url')

interface IdpAccount {
  email: string
  emailVerified: boolean
}

/** The provider's own users, by subject. */
const idpAccounts = new Map<string, IdpAccount>()

interface Idp {
  issuer: string
  close(): Promise<void>
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

async function startIdp(): Promise<Idp> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] as never },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // Released with the openid scope, as a force's provider is configured to
    // release amr (Entra ID does by default; others need a claim mapping).
    claims: { openid: ['sub', 'amr', 'auth_time'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx, sub) {
      const account = idpAccounts.get(sub)
      if (account === undefined) return undefined
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.email, email_verified: account.emailVerified }),
      }
    },
  })
  const callback = provider.callback()

  // The provider's login and consent pages, as a force's IdP would have them:
  // GET shows the prompt; POST …/login says who signed in and how (amr);
  // POST …/consent grants the scopes asked for.
  server.on('request', async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', issuer)
    const match = /^\/interaction\/([^/]+)(?:\/(login|consent))?$/.exec(url.pathname)
    if (match === null) {
      callback(request, response)
      return
    }
    try {
      const details = await provider.interactionDetails(request, response)
      if (request.method === 'GET') {
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name }))
        return
      }
      if (match[2] === 'login') {
        const form = await readForm(request)
        const mfa = form.get('mfa') === 'yes'
        await provider.interactionFinished(
          request,
          response,
          { login: { accountId: form.get('login') as string, amr: mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'] } },
          { mergeWithLastSubmission: false },
        )
        return
      }
      const grant = new provider.Grant({ accountId: details.session?.accountId as string, clientId })
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
      const grantId = await grant.save()
      await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true })
    } catch (error) {
      response.statusCode = 500
      response.end(String(error))
    }
  })
  return {
    issuer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** The browser's side of the provider: its own cookie jar, redirects followed by hand. */
class IdpBrowser {
  readonly cookies = new Map<string, string>()

  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {}
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded'
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const index = (pair as string).indexOf('=')
      const name = (pair as string).slice(0, index)
      const value = (pair as string).slice(index + 1)
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  /**
   * From the provider's authorization URL to the redirect back to the
   * register: follows redirects, signs in as `subject` on the login prompt and
   * grants consent on the consent prompt. Returns the callback URL.
   */
  async authorize(authorizationUrl: string, subject: string, mfa: boolean): Promise<URL> {
    let url = authorizationUrl
    for (let hops = 0; hops < 20; hops++) {
      if (url.startsWith(redirectUri)) return new URL(url)
      const response = await this.fetch(url)
      if (response.status === 303 || response.status === 302) {
        url = new URL(response.headers.get('location') as string, url).href
        continue
      }
      const text = await response.text()
      assert.equal(response.status, 200, `${url}: ${text}`)
      const { uid, prompt } = JSON.parse(text) as { uid: string; prompt: string }
      const base = new URL(`/interaction/${uid}`, url).href
      const submitted =
        prompt === 'login'
          ? await this.fetch(`${base}/login`, { method: 'POST', form: { login: subject, mfa: mfa ? 'yes' : 'no' } })
          : await this.fetch(`${base}/consent`, { method: 'POST', form: {} })
      assert.equal(submitted.status, 303, await submitted.text())
      url = new URL(submitted.headers.get('location') as string, url).href
    }
    throw new Error('too many redirects')
  }
}

for (const backend of backends) {
  describe(`OpenID Connect sign-in against a real provider on ${backend}`, () => {
    let idp: Idp
    let register: Register
    let officer: TestUser
    let settings: OidcSettings

    before(async () => {
      idp = await startIdp()
      settings = {
        issuer: idp.issuer,
        clientId,
        clientSecret,
        redirectUri,
        postLoginPath: '/',
        trustIdpMfa: true,
        mfaAmrValues: ['mfa'],
        mfaAcrValues: [],
        linkByVerifiedEmail: false,
      }
      register = await startRegister(backend, { oidc: settings })
      officer = await localUser(register, { roles: ['offender-manager'], enrolled: false })
      idpAccounts.set('officer-at-idp', { email: officer.email, emailVerified: true })
      const admin = await localUser(register, { roles: ['administrator'] })
      await linkIdentity({ app: register.app, actor: admin.actor }, officer.actor.userId, {
        issuer: idp.issuer,
        subject: 'officer-at-idp',
      })
    })
    after(async () => {
      await register?.close()
      await idp?.close()
    })

    /** Start at the register, go through the provider, and return to the register's callback. */
    async function signInThroughIdp(subject: string, mfa: boolean) {
      const browser = new Browser(register.server, '203.0.113.7')
      const start = await browser.request('GET', '/auth/oidc/start')
      assert.equal(start.statusCode, 303, start.body)
      const location = new URL(start.headers.location as string)
      assert.equal(location.origin, idp.issuer)
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256')
      assert.match(location.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/)
      assert.ok(location.searchParams.get('state'))
      assert.ok(location.searchParams.get('nonce'))
      assert.equal(location.searchParams.get('redirect_uri'), redirectUri)
      const stateCookie = browser.cookies.get('__Host-dasr-oidc')
      assert.equal(stateCookie, location.searchParams.get('state'))
      const back = await new IdpBrowser().authorize(location.href, subject, mfa)
      const callbackPath = `/auth/oidc/callback${back.search}`
      const callback = await browser.request('GET', callbackPath)
      return { browser, callback, callbackPath, stateCookie: stateCookie as string }
    }

    test('a linked identity whose provider checked a second factor (amr "mfa") is signed in', async () => {
      const { browser, callback } = await signInThroughIdp('officer-at-idp', true)
      assert.equal(callback.statusCode, 200, callback.body)
      assert.match(callback.headers['content-type'] as string, /^text\/html/)
      assert.ok(browser.session, 'a session cookie was set')
      assert.equal(browser.cookies.get('__Host-dasr-oidc'), undefined, 'the state cookie is cleared')
      const session = await browser.request('GET', '/auth/session')
      assert.equal(session.statusCode, 200, session.body)
      assert.equal(session.json().user.id, officer.actor.userId)
      const events = await authenticationEvents(register)
      const success = events.find((e) => e.detail.event === 'success' && e.detail.method === 'oidc')
      assert.ok(success)
      assert.equal(success.actor_id, officer.actor.userId)
      assert.equal(success.detail.factor, 'idp')
    })

    test('without the provider’s MFA, the register’s own TOTP is required (enrolled on first sign-in)', async () => {
      const { browser, callback } = await signInThroughIdp('officer-at-idp', false)
      assert.equal(callback.statusCode, 200, callback.body)
      assert.equal((await browser.request('GET', '/auth/session')).statusCode, 401, 'not signed in yet')
      const stage = await browser.request('GET', '/auth/sign-in')
      assert.equal(stage.json().stage, 'totp-enrol')
      browser.csrf = stage.json().csrfToken
      const enrol = await browser.post('/auth/totp/enrol', {})
      assert.equal(enrol.statusCode, 200, enrol.body)
      const confirmed = await browser.post('/auth/totp/enrol', {
        code: codeAt(enrol.json().secret, register.clock),
      })
      assert.equal(confirmed.statusCode, 200, confirmed.body)
      assert.equal((await browser.request('GET', '/auth/session')).json().user.id, officer.actor.userId)
    })

    test('an identity linked to nobody is refused, and nothing is created for it', async () => {
      idpAccounts.set('stranger-at-idp', { email: 'stranger@example.test', emailVerified: true })
      const { browser, callback } = await signInThroughIdp('stranger-at-idp', true)
      assert.equal(callback.statusCode, 401, callback.body)
      assert.equal(browser.session, undefined)
      const users = await register.store.db.query(`SELECT 1 FROM app_user WHERE email = 'stranger@example.test'`)
      assert.equal(users.length, 0)
      const events = await authenticationEvents(register)
      const refusal = events.find((e) => e.detail.reason === 'unlinked' && e.detail.subject === 'stranger-at-idp')
      assert.ok(refusal)
      assert.equal(refusal.actor_id, null)
    })

    test('a replayed callback (the same state) is refused; so is a state this browser did not start', async () => {
      const { browser, callback, callbackPath, stateCookie } = await signInThroughIdp('officer-at-idp', true)
      assert.equal(callback.statusCode, 200, callback.body)
      const replay = new Browser(register.server, browser.ip)
      replay.cookies.set('__Host-dasr-oidc', stateCookie)
      const again = await replay.request('GET', callbackPath)
      assert.equal(again.statusCode, 401)
      assert.equal(replay.session, undefined)

      // A login started by someone else, finished in this browser (login CSRF).
      const other = await signInThroughIdpWithoutCallback()
      const victim = new Browser(register.server, '203.0.113.8')
      const forced = await victim.request('GET', other)
      assert.equal(forced.statusCode, 401)
      const reasons = (await authenticationEvents(register))
        .filter((e) => e.detail.method === 'oidc' && e.detail.reason === 'state')
        .map((e) => e.detail.problem)
      assert.ok(reasons.includes('unknown or already used'), reasons.join())
      assert.ok(
        reasons.some((r) => String(r).startsWith('state missing')),
        reasons.join(),
      )
    })

    async function signInThroughIdpWithoutCallback(): Promise<string> {
      const attacker = new Browser(register.server, '203.0.113.9')
      const start = await attacker.request('GET', '/auth/oidc/start')
      const back = await new IdpBrowser().authorize(start.headers.location as string, 'officer-at-idp', true)
      return `/auth/oidc/callback${back.search}`
    }

    test('with the setting on, an unknown identity is linked once by a verified e-mail, never by an unverified one', async () => {
      configureAuthentication(register.app, {
        oidc: { ...settings, linkByVerifiedEmail: true },
        now: register.clock.now,
        secretKey: randomBytes(32),
      })
      const analyst = await localUser(register, { roles: ['analyst'], enrolled: false })
      idpAccounts.set('unverified-at-idp', { email: analyst.email, emailVerified: false })
      const unverified = await signInThroughIdp('unverified-at-idp', true)
      assert.equal(unverified.callback.statusCode, 401)

      idpAccounts.set('analyst-at-idp', { email: analyst.email, emailVerified: true })
      const verified = await signInThroughIdp('analyst-at-idp', true)
      assert.equal(verified.callback.statusCode, 200, verified.callback.body)
      assert.equal((await verified.browser.request('GET', '/auth/session')).json().user.id, analyst.actor.userId)
      const links = await register.store.db.query<{ subject: string; linked_by: string }>(
        'SELECT subject, linked_by FROM oidc_identity WHERE user_id = $1',
        [analyst.actor.userId],
      )
      assert.deepEqual(links, [{ subject: 'analyst-at-idp', linked_by: 'verified-email' }])
      // Once: a second identity from the same provider with the same e-mail is not linked.
      idpAccounts.set('impostor-at-idp', { email: analyst.email, emailVerified: true })
      assert.equal((await signInThroughIdp('impostor-at-idp', true)).callback.statusCode, 401)
    })
  })
}
