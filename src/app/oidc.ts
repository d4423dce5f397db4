import * as openid from 'openid-client'
import {
  accountById,
  authenticationEvent,
  type ClientInfo,
  openSession,
  type SignInStep,
  sameSecret,
  sha256,
  subjectOf,
} from './authentication.ts'
import { type AuthenticationRuntime, authenticationRuntime, type OidcSettings } from './authentication-runtime.ts'
import type { AppContext } from './context.ts'

// Signing in with a force's identity provider: OpenID Connect, authorization
// code flow with PKCE (S256), state and nonce (openid-client, a certified
// relying party, does the protocol; this file decides who may come in).
//
// - The state is also set in a short-lived cookie by the start route and must
//   come back in both the cookie and the query, so a login started by an
//   attacker cannot be finished in a victim's browser (login CSRF).
// - The pending login (state hash, nonce, PKCE verifier) is deleted as it is
//   used: a replayed callback finds nothing.
// - An identity (issuer, subject) must be linked to a register user, by an
//   administrator or, when the setting allows, once, by an e-mail address the
//   provider says is verified. An unlinked identity is refused, never created.
// - The second factor is the provider's (amr/acr, when the setting trusts it)
//   or the register's own TOTP, as for a password sign-in.

export class OidcRefused extends Error {
  readonly reason: 'not-configured' | 'state' | 'provider' | 'unlinked' | 'disabled' | 'locked'
  constructor(reason: OidcRefused['reason']) {
    super(reason)
    this.name = 'OidcRefused'
    this.reason = reason
  }
}

const configurationKey = 'oidc-configuration'

function settingsOf(runtime: AuthenticationRuntime): OidcSettings {
  if (runtime.oidc === undefined) throw new OidcRefused('not-configured')
  return runtime.oidc
}

/** The provider's metadata, discovered once and kept; a failed discovery is tried again next time. */
async function configurationFor(runtime: AuthenticationRuntime): Promise<openid.Configuration> {
  const settings = settingsOf(runtime)
  const cached = runtime.cache.get(configurationKey) as Promise<openid.Configuration> | undefined
  if (cached !== undefined) return cached
  const issuer = new URL(settings.issuer)
  // Plain HTTP only for a provider on this machine (tests, a developer's own provider).
  const loopback = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname)
  const discovered = openid.discovery(
    issuer,
    settings.clientId,
    undefined,
    openid.ClientSecretBasic(settings.clientSecret),
    loopback ? { execute: [openid.allowInsecureRequests] } : undefined,
  )
  runtime.cache.set(configurationKey, discovered)
  discovered.catch(() => runtime.cache.delete(configurationKey))
  return discovered
}

export function oidcEnabled(app: AppContext): boolean {
  return authenticationRuntime(app).oidc !== undefined
}

/** Where to send the browser, and the state to set in its cookie. */
export async function startOidcSignIn(
  app: AppContext,
): Promise<{ authorizationUrl: string; state: string; maxAgeSeconds: number }> {
  const runtime = authenticationRuntime(app)
  const settings = settingsOf(runtime)
  const configuration = await configurationFor(runtime)
  const verifier = openid.randomPKCECodeVerifier()
  const state = openid.randomState()
  const nonce = openid.randomNonce()
  const now = runtime.now()
  const expiresAt = new Date(now.getTime() + runtime.settings.oidcLoginMinutes * 60_000)
  await app.db.transaction(async (tx) => {
    await tx.execute('DELETE FROM oidc_login WHERE expires_at <= $1', [now])
    await tx.execute(
      'INSERT INTO oidc_login (state_hash, nonce, code_verifier, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [sha256(state), nonce, verifier, now, expiresAt],
    )
  })
  const url = openid.buildAuthorizationUrl(configuration, {
    redirect_uri: settings.redirectUri,
    scope: 'openid email profile',
    code_challenge: await openid.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  return { authorizationUrl: url.href, state, maxAgeSeconds: runtime.settings.oidcLoginMinutes * 60 }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []

/** Whether the provider's claims show a second factor it checked, and the setting trusts it. */
export function providerMfa(settings: OidcSettings, claims: Readonly<Record<string, unknown>>): boolean {
  if (!settings.trustIdpMfa) return false
  const amr = strings(claims.amr)
  const acr = typeof claims.acr === 'string' ? claims.acr : undefined
  return (
    amr.some((value) => settings.mfaAmrValues.includes(value)) ||
    (acr !== undefined && settings.mfaAcrValues.includes(acr))
  )
}

/** The callback: checks state, exchanges the code (PKCE), validates the ID token (nonce), and opens a session. */
export async function finishOidcSignIn(
  app: AppContext,
  callback: { query: string; stateCookie: string | undefined },
  client: ClientInfo,
): Promise<SignInStep> {
  const runtime = authenticationRuntime(app)
  const settings = settingsOf(runtime)
  const refuse = async (
    reason: OidcRefused['reason'],
    detail: Record<string, unknown> = {},
    who?: Parameters<typeof authenticationEvent>[1],
  ) => {
    await app.db.transaction((tx) =>
      authenticationEvent(tx, who, 'failure', client, { method: 'oidc', reason, ...detail }),
    )
    return new OidcRefused(reason)
  }

  const params = new URLSearchParams(callback.query)
  const state = params.get('state')
  if (state === null || callback.stateCookie === undefined || !sameSecret(state, callback.stateCookie)) {
    throw await refuse('state', { problem: 'state missing or not this browser’s' })
  }
  const now = runtime.now()
  const pending = (
    await app.db.query<{ nonce: string; code_verifier: string; expires_at: Date }>(
      'DELETE FROM oidc_login WHERE state_hash = $1 RETURNING nonce, code_verifier, expires_at',
      [sha256(state)],
    )
  )[0]
  if (pending === undefined) throw await refuse('state', { problem: 'unknown or already used' })
  if (pending.expires_at <= now) throw await refuse('state', { problem: 'expired' })

  const configuration = await configurationFor(runtime)
  const currentUrl = new URL(settings.redirectUri)
  currentUrl.search = params.toString()
  let tokens: Awaited<ReturnType<typeof openid.authorizationCodeGrant>>
  try {
    tokens = await openid.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.code_verifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    })
  } catch (error) {
    // The provider's error code only: its description may echo request data.
    const code = (error as { error?: unknown; code?: unknown }).error ?? (error as { code?: unknown }).code
    throw await refuse('provider', { problem: typeof code === 'string' ? code : 'invalid response' })
  }
  const claims = tokens.claims()
  if (claims === undefined) throw await refuse('provider', { problem: 'no ID token' })
  const issuer = claims.iss
  const subject = claims.sub

  let userId = (
    await app.db.query<{ user_id: string }>('SELECT user_id FROM oidc_identity WHERE issuer = $1 AND subject = $2', [
      issuer,
      subject,
    ])
  )[0]?.user_id
  if (userId === undefined && settings.linkByVerifiedEmail) {
    userId = await linkByVerifiedEmail(app, runtime, configuration, tokens.access_token, { issuer, subject }, client)
  }
  if (userId === undefined) throw await refuse('unlinked', { issuer, subject })

  const account = await accountById(app.db, userId)
  if (account === undefined) throw await refuse('unlinked', { issuer, subject })
  const who = subjectOf(account)
  if (account.disabled) throw await refuse('disabled', { issuer }, who)
  if (account.locked_until !== null && account.locked_until > now) throw await refuse('locked', { issuer }, who)

  const mfa = providerMfa(settings, claims as Readonly<Record<string, unknown>>)
  return app.db.transaction(async (tx) => {
    const step = await openSession(
      tx,
      runtime,
      { userId: account.id, totpConfirmed: account.totp_confirmed_at !== null },
      'oidc',
      mfa ? 'idp' : null,
      client,
    )
    const detail = { method: 'oidc', issuer, amr: strings(claims.amr), acr: claims.acr ?? null }
    if (mfa) await authenticationEvent(tx, who, 'success', client, { ...detail, factor: 'idp' })
    else await authenticationEvent(tx, who, 'first-factor', client, { ...detail, next: step.stage })
    return step
  })
}

/**
 * Links an unknown identity to the user with the same e-mail, once, when the
 * provider vouches for the address (email_verified) and the user has no
 * identity from this provider yet.
 */
async function linkByVerifiedEmail(
  app: AppContext,
  runtime: AuthenticationRuntime,
  configuration: openid.Configuration,
  accessToken: string,
  identity: { issuer: string; subject: string },
  client: ClientInfo,
): Promise<string | undefined> {
  let info: openid.UserInfoResponse
  try {
    info = await openid.fetchUserInfo(configuration, accessToken, identity.subject)
  } catch {
    return undefined
  }
  if (info.email_verified !== true || typeof info.email !== 'string') return undefined
  const email = info.email.trim().toLowerCase()
  return app.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `SELECT u.id FROM app_user u
        WHERE u.email = $1 AND NOT u.disabled
          AND NOT EXISTS (SELECT 1 FROM oidc_identity i WHERE i.user_id = u.id AND i.issuer = $2)`,
      [email, identity.issuer],
    )
    const userId = rows[0]?.id
    if (userId === undefined) return undefined
    await tx.execute(
      `INSERT INTO oidc_identity (issuer, subject, user_id, linked_at, linked_by) VALUES ($1, $2, $3, $4, 'verified-email')`,
      [identity.issuer, identity.subject, userId, runtime.now()],
    )
    const account = await accountById(tx, userId)
    await authenticationEvent(tx, account === undefined ? undefined : subjectOf(account), 'identity-linked', client, {
      issuer: identity.issuer,
      subject: identity.subject,
      by: 'verified-email',
    })
    return userId
  })
}
