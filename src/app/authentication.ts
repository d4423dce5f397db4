import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { passwordProblemMessages, passwordProblems } from '../domain/authentication/password-rules.ts'
import type { AuthenticationSettings } from '../domain/authentication/settings.ts'
import { base32Encode, matchTotp, otpauthUri, timeStep } from '../domain/authentication/totp.ts'
import { appendAuditEntries } from '../store/audit-chain.ts'
import type { Queryable } from '../store/database.ts'
import type { Actor, OrganisationKind, Role } from './actor.ts'
import { type AuthenticationRuntime, authenticationRuntime } from './authentication-runtime.ts'
import { type AppContext, audit } from './context.ts'
import { actorFor } from './directory.ts'
import { ValidationFailed } from './errors.ts'
import { hashPassword, needsRehash, verifyPassword } from './passwords.ts'

// Signing in to the register (docs/authentication.md, decision 0007).
//
// A password (or a force's identity provider, src/app/oidc.ts) opens a
// session that grants nothing until the second factor is passed: the
// register's TOTP, enrolled on the first sign-in, or the provider's own MFA
// where it is trusted. TOTP is required of every local account, not only the
// roles that can see a person: one rule is simpler to get right, and an
// administrator or auditor account is as valuable to an attacker (ASVS 6.3.3).
//
// Sessions live in the database (only a SHA-256 of the 256-bit token), so
// logging out, idle and absolute timeouts, disabling a user and an
// administrator ending sessions take effect on the very next request
// (ASVS 7.3.1, 7.3.2, 7.4.1, 7.4.2, 7.4.5). Every authentication event is
// audited as "authentication", never with a password, code, secret or token
// in it (ASVS 16.3.1, 16.2.5).

export interface ClientInfo {
  ip: string
  userAgent?: string | undefined
}

/** Where a sign-in stands: a second factor to give, a factor to enrol, or done. */
export type SignInStage = 'totp' | 'totp-enrol' | 'complete'

export interface SignInStep {
  /** The session token for the cookie: new at every step that raises the session's level (ASVS 7.2.4). */
  sessionToken: string
  csrfToken: string
  stage: SignInStage
  expiresAt: Date
}

/**
 * A sign-in refused. `credentials` is the one answer for a wrong password, an
 * unknown e-mail, a locked or disabled account or a wrong code, so the answer
 * never tells which (ASVS 6.3.8); `rate-limited` is about the address, not the account.
 */
export class SignInRefused extends Error {
  readonly reason: 'credentials' | 'rate-limited' | 'no-sign-in' | 'enrol-first' | 'already-enrolled'
  readonly retryAfterSeconds: number | undefined
  constructor(reason: SignInRefused['reason'], retryAfterSeconds?: number) {
    super(reason)
    this.name = 'SignInRefused'
    this.reason = reason
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
/** 256 bits from the CSPRNG (ASVS 7.2.3 asks ≥ 128). */
export const newToken = () => randomBytes(32).toString('base64url')
const tokenShape = /^[A-Za-z0-9_-]{43}$/

const minutes = (n: number) => n * 60_000
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms)

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

// ---------------------------------------------------------------------------
// The audit trail

interface Subject {
  userId: string
  organisationId: string
  organisationKind: OrganisationKind
  roles: Role[]
  displayName: string
}

/**
 * One authentication event (ASVS 16.3.1): who, what, from where; never a
 * credential (ASVS 16.2.5). Someone not (yet) known, such as a sign-in with an
 * unknown e-mail or an unlinked identity, is recorded with no user.
 */
export async function authenticationEvent(
  tx: Queryable,
  who: Subject | Actor | undefined,
  event: string,
  client: ClientInfo | undefined,
  detail: Record<string, unknown> = {},
  object: { type: string; id?: string | null } = { type: 'account', id: who?.userId ?? null },
): Promise<void> {
  const origin = client === undefined ? 'cli' : `web ${client.ip}`
  const entry = { event, ...(client === undefined ? {} : { ip: client.ip }), ...detail }
  if (who !== undefined) {
    await audit(tx, { ...who, origin }, 'authentication', object, entry)
    return
  }
  await appendAuditEntries(tx, [
    {
      actorId: null,
      organisationId: null,
      origin,
      operation: 'authentication',
      objectType: object.type,
      objectId: object.id ?? null,
      personId: null,
      justification: null,
      recipients: null,
      detail: entry,
    },
  ])
}

// ---------------------------------------------------------------------------
// Accounts as the sign-in sees them

interface AccountRow extends Record<string, unknown> {
  id: string
  organisation_id: string
  kind: OrganisationKind
  roles: Role[]
  display_name: string
  email: string
  disabled: boolean
  password_hash: string | null
  locked_until: Date | null
  totp_confirmed_at: Date | null
}

const accountSelect = `
  SELECT u.id, u.organisation_id, o.kind, u.roles, u.display_name, u.email, u.disabled,
         c.password_hash, s.locked_until, f.confirmed_at AS totp_confirmed_at
    FROM app_user u
    JOIN organisation o ON o.id = u.organisation_id
    LEFT JOIN local_credential c ON c.user_id = u.id
    LEFT JOIN sign_in_state s ON s.user_id = u.id
    LEFT JOIN totp_factor f ON f.user_id = u.id`

export async function accountByEmail(db: Queryable, email: string): Promise<AccountRow | undefined> {
  return (await db.query<AccountRow>(`${accountSelect} WHERE u.email = $1`, [email.trim().toLowerCase()]))[0]
}

export async function accountById(db: Queryable, userId: string): Promise<AccountRow | undefined> {
  return (await db.query<AccountRow>(`${accountSelect} WHERE u.id = $1`, [userId]))[0]
}

export const subjectOf = (row: AccountRow): Subject => ({
  userId: row.id,
  organisationId: row.organisation_id,
  organisationKind: row.kind,
  roles: row.roles,
  displayName: row.display_name,
})

const isLocked = (row: AccountRow, now: Date) => row.locked_until !== null && row.locked_until > now

// ---------------------------------------------------------------------------
// Failures, lockout and the per-address limit (ASVS 6.1.1, 6.3.1)

/** Seconds the address must wait, or 0 when it may try. */
export async function addressWait(db: Queryable, ip: string, runtime: AuthenticationRuntime): Promise<number> {
  const { settings } = runtime
  const now = runtime.now()
  const since = plus(now, -minutes(settings.ipWindowMinutes))
  const rows = await db.query<{ n: number; oldest: Date | null }>(
    'SELECT count(*)::int AS n, min(at) AS oldest FROM sign_in_failure WHERE ip = $1 AND at > $2',
    [ip, since],
  )
  const row = rows[0]
  if (row === undefined || row.n < settings.ipMaxFailures || row.oldest === null) return 0
  return Math.max(1, Math.ceil((row.oldest.getTime() + minutes(settings.ipWindowMinutes) - now.getTime()) / 1000))
}

async function addressFailed(tx: Queryable, ip: string, runtime: AuthenticationRuntime): Promise<void> {
  const now = runtime.now()
  await tx.execute('DELETE FROM sign_in_failure WHERE ip = $1 AND at <= $2', [
    ip,
    plus(now, -minutes(runtime.settings.ipWindowMinutes)),
  ])
  await tx.execute('INSERT INTO sign_in_failure (ip, at) VALUES ($1, $2)', [ip, now])
}

/** Counts a failure against the account; locks it at the limit. Returns whether this failure locked it. */
async function accountFailed(
  tx: Queryable,
  subject: Subject,
  runtime: AuthenticationRuntime,
  client: ClientInfo,
): Promise<boolean> {
  const now = runtime.now()
  const rows = await tx.query<{ failed_attempts: number }>(
    `INSERT INTO sign_in_state (user_id, failed_attempts, last_failed_at) VALUES ($1, 1, $2)
     ON CONFLICT (user_id) DO UPDATE SET failed_attempts = sign_in_state.failed_attempts + 1, last_failed_at = $2
     RETURNING failed_attempts`,
    [subject.userId, now],
  )
  if ((rows[0]?.failed_attempts ?? 0) < runtime.settings.lockoutAfterFailures) return false
  // The count starts again when the lock is set, so after it lifts the account
  // gets the same number of tries again: N tries per M minutes at most.
  const until = plus(now, minutes(runtime.settings.lockoutMinutes))
  await tx.execute('UPDATE sign_in_state SET failed_attempts = 0, locked_until = $2 WHERE user_id = $1', [
    subject.userId,
    until,
  ])
  await authenticationEvent(tx, subject, 'lockout', client, {
    failures: runtime.settings.lockoutAfterFailures,
    lockedUntil: until.toISOString(),
  })
  return true
}

async function accountSucceeded(tx: Queryable, userId: string): Promise<void> {
  await tx.execute(
    'UPDATE sign_in_state SET failed_attempts = 0, locked_until = NULL WHERE user_id = $1 AND failed_attempts > 0',
    [userId],
  )
}

// ---------------------------------------------------------------------------
// Sessions

export interface SessionRow extends Record<string, unknown> {
  id: string
  user_id: string
  auth_method: 'password' | 'oidc'
  second_factor: 'totp' | 'idp' | null
  csrf_token: string
  last_seen_at: Date
  idle_expires_at: Date
  absolute_expires_at: Date
  ended_at: Date | null
}

export type EndReason =
  | 'logout'
  | 'idle'
  | 'absolute'
  | 'disabled'
  | 'administrator'
  | 'password-changed'
  | 'locked'
  | 'second-factor-timeout'

/** A session after the first factor: it grants nothing until the second factor is passed. */
export async function openSession(
  tx: Queryable,
  runtime: AuthenticationRuntime,
  user: { userId: string; totpConfirmed: boolean },
  method: 'password' | 'oidc',
  secondFactor: 'idp' | null,
  client: ClientInfo,
): Promise<SignInStep> {
  const now = runtime.now()
  const { settings } = runtime
  const token = newToken()
  const csrf = newToken()
  const complete = secondFactor !== null
  const absolute = complete
    ? plus(now, settings.sessionAbsoluteHours * 3_600_000)
    : plus(now, minutes(settings.secondFactorMinutes))
  const idle = complete ? earlier(plus(now, minutes(settings.sessionIdleMinutes)), absolute) : absolute
  await tx.execute(
    `INSERT INTO user_session (id, token_hash, user_id, auth_method, second_factor, csrf_token, created_at,
                               last_seen_at, idle_expires_at, absolute_expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11)`,
    [
      randomUUID(),
      sha256(token),
      user.userId,
      method,
      secondFactor,
      csrf,
      now,
      idle,
      absolute,
      client.ip,
      client.userAgent?.slice(0, 512) ?? null,
    ],
  )
  return {
    sessionToken: token,
    csrfToken: csrf,
    stage: complete ? 'complete' : user.totpConfirmed ? 'totp' : 'totp-enrol',
    expiresAt: idle,
  }
}

const earlier = (a: Date, b: Date) => (a < b ? a : b)

/** Raises a session to fully signed in, with a new token and CSRF token (ASVS 7.2.4). */
async function completeSession(
  tx: Queryable,
  runtime: AuthenticationRuntime,
  sessionId: string,
  factor: 'totp' | 'idp',
): Promise<SignInStep> {
  const now = runtime.now()
  const { settings } = runtime
  const token = newToken()
  const csrf = newToken()
  const absolute = plus(now, settings.sessionAbsoluteHours * 3_600_000)
  const idle = earlier(plus(now, minutes(settings.sessionIdleMinutes)), absolute)
  const raised = await tx.execute(
    `UPDATE user_session SET token_hash = $2, csrf_token = $3, second_factor = $4, last_seen_at = $5,
            idle_expires_at = $6, absolute_expires_at = $7
      WHERE id = $1 AND ended_at IS NULL AND second_factor IS NULL`,
    [sessionId, sha256(token), csrf, factor, now, idle, absolute],
  )
  // Ended meanwhile (an administrator, a lockout from another browser): the caller's work rolls back.
  if (raised !== 1) throw new SignInRefused('no-sign-in')
  return { sessionToken: token, csrfToken: csrf, stage: 'complete', expiresAt: idle }
}

async function sessionByToken(db: Queryable, token: string): Promise<SessionRow | undefined> {
  // A cookie that is not even the shape of a token costs no query.
  if (!tokenShape.test(token)) return undefined
  return (
    await db.query<SessionRow>(
      `SELECT id, user_id, auth_method, second_factor, csrf_token, last_seen_at, idle_expires_at,
              absolute_expires_at, ended_at
         FROM user_session WHERE token_hash = $1`,
      [sha256(token)],
    )
  )[0]
}

/** Ends one session if it is still live; audits it once, whoever gets there first. */
export async function endSession(
  tx: Queryable,
  session: { id: string; user_id: string },
  reason: EndReason,
  runtime: AuthenticationRuntime,
  client: ClientInfo | undefined,
  who?: Subject | Actor,
): Promise<boolean> {
  const ended = await tx.execute(
    'UPDATE user_session SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL',
    [session.id, runtime.now(), reason],
  )
  if (ended === 0) return false
  const subject = who ?? (await subjectFor(tx, session.user_id))
  const event = reason === 'logout' ? 'logout' : reason === 'idle' || reason === 'absolute' ? 'expiry' : 'session-ended'
  await authenticationEvent(tx, subject, event, client, { reason }, { type: 'session', id: session.id })
  return true
}

/** Ends every live session of a user; returns how many. */
export async function endUserSessions(
  tx: Queryable,
  userId: string,
  reason: EndReason,
  runtime: AuthenticationRuntime,
  by: Actor | undefined,
  client?: ClientInfo,
): Promise<number> {
  const ended = await tx.execute(
    'UPDATE user_session SET ended_at = $2, end_reason = $3 WHERE user_id = $1 AND ended_at IS NULL',
    [userId, runtime.now(), reason],
  )
  if (ended > 0) {
    await authenticationEvent(
      tx,
      by ?? (await subjectFor(tx, userId)),
      'sessions-ended',
      client,
      { reason, sessions: ended, userId },
      { type: 'account', id: userId },
    )
  }
  return ended
}

async function subjectFor(db: Queryable, userId: string): Promise<Subject | undefined> {
  const row = await accountById(db, userId)
  return row === undefined ? undefined : subjectOf(row)
}

/**
 * Checks a session's clocks; ends it (audited as an expiry) if either has run
 * out. Returns the session if it is live.
 */
async function liveSession(
  app: AppContext,
  runtime: AuthenticationRuntime,
  session: SessionRow | undefined,
  client: ClientInfo,
): Promise<SessionRow | undefined> {
  if (session === undefined || session.ended_at !== null) return undefined
  const now = runtime.now()
  const reason: EndReason | undefined =
    now >= session.absolute_expires_at
      ? session.second_factor === null
        ? 'second-factor-timeout'
        : 'absolute'
      : now >= session.idle_expires_at
        ? 'idle'
        : undefined
  if (reason !== undefined) {
    await app.db.transaction((tx) => endSession(tx, session, reason, runtime, client))
    return undefined
  }
  return session
}

export interface SessionIdentity {
  actor: Actor
  sessionId: string
  csrfToken: string
  expiresAt: Date
}

/**
 * The actor a session cookie stands for: a live, fully signed-in session of
 * an enabled user, or undefined. "Last seen" (and with it the idle deadline)
 * is written at most once a minute, not on every request.
 */
export async function actorForSession(
  app: AppContext,
  token: string,
  client: ClientInfo,
): Promise<SessionIdentity | undefined> {
  const runtime = authenticationRuntime(app)
  const session = await liveSession(app, runtime, await sessionByToken(app.db, token), client)
  if (session === undefined || session.second_factor === null) return undefined
  const actor = await actorFor(app.db, session.user_id)
  if (actor === undefined) {
    // Disabling ends sessions at once; this is the backstop if a row was changed by hand.
    await app.db.transaction((tx) => endSession(tx, session, 'disabled', runtime, client))
    return undefined
  }
  const now = runtime.now()
  let expiresAt = session.idle_expires_at
  if (now.getTime() - session.last_seen_at.getTime() >= runtime.settings.lastSeenEverySeconds * 1000) {
    expiresAt = earlier(plus(now, minutes(runtime.settings.sessionIdleMinutes)), session.absolute_expires_at)
    await app.db.execute(
      'UPDATE user_session SET last_seen_at = $2, idle_expires_at = $3 WHERE id = $1 AND ended_at IS NULL',
      [session.id, now, expiresAt],
    )
  }
  return { actor, sessionId: session.id, csrfToken: session.csrf_token, expiresAt }
}

/**
 * When a signed-in session will end, without counting the question as
 * activity (the pages' timeout warning asks before it warns, so a session
 * kept busy in another tab is not cut short). Undefined when it is not live.
 */
export async function sessionEndsAt(app: AppContext, token: string, client: ClientInfo): Promise<Date | undefined> {
  const runtime = authenticationRuntime(app)
  const session = await liveSession(app, runtime, await sessionByToken(app.db, token), client)
  if (session === undefined || session.second_factor === null) return undefined
  return earlier(session.idle_expires_at, session.absolute_expires_at)
}

/**
 * "Stay signed in" (WCAG 2.2.1): restarts the idle clock of a live, signed-in
 * session now, never past its absolute end. Returns the new end, or undefined
 * when the session is not live.
 */
export async function extendSession(app: AppContext, token: string, client: ClientInfo): Promise<Date | undefined> {
  const runtime = authenticationRuntime(app)
  const session = await liveSession(app, runtime, await sessionByToken(app.db, token), client)
  if (session === undefined || session.second_factor === null) return undefined
  const now = runtime.now()
  const endsAt = earlier(plus(now, minutes(runtime.settings.sessionIdleMinutes)), session.absolute_expires_at)
  const extended = await app.db.execute(
    'UPDATE user_session SET last_seen_at = $2, idle_expires_at = $3 WHERE id = $1 AND ended_at IS NULL',
    [session.id, now, endsAt],
  )
  return extended === 1 ? endsAt : undefined
}

export interface PendingSignIn {
  session: SessionRow
  account: AccountRow
  stage: Exclude<SignInStage, 'complete'>
}

/** A session between the first and second factor, or undefined. */
export async function pendingSignIn(
  app: AppContext,
  token: string,
  client: ClientInfo,
): Promise<PendingSignIn | undefined> {
  const runtime = authenticationRuntime(app)
  const session = await liveSession(app, runtime, await sessionByToken(app.db, token), client)
  if (session === undefined || session.second_factor !== null) return undefined
  const account = await accountById(app.db, session.user_id)
  if (account === undefined) return undefined
  return { session, account, stage: account.totp_confirmed_at === null ? 'totp-enrol' : 'totp' }
}

// ---------------------------------------------------------------------------
// Signing in with a password

export async function passwordSignIn(
  app: AppContext,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<SignInStep> {
  const runtime = authenticationRuntime(app)
  const wait = await addressWait(app.db, client.ip, runtime)
  if (wait > 0) {
    await app.db.transaction((tx) =>
      authenticationEvent(tx, undefined, 'rate-limited', client, { retryAfterSeconds: wait }),
    )
    throw new SignInRefused('rate-limited', wait)
  }
  const account = await accountByEmail(app.db, input.email)
  // The same work for every e-mail, known or not: one argon2id verification.
  const stored = account?.password_hash ?? null
  const matches = await verifyPassword(input.password, stored ?? (await runtime.decoyHash()))
  const now = runtime.now()

  if (account === undefined || stored === null || account.disabled || isLocked(account, now) || !matches) {
    await app.db.transaction(async (tx) => {
      await addressFailed(tx, client.ip, runtime)
      if (account === undefined) return authenticationEvent(tx, undefined, 'failure', client, { reason: 'unknown' })
      const subject = subjectOf(account)
      if (stored === null)
        return authenticationEvent(tx, subject, 'failure', client, { method: 'password', reason: 'no-password' })
      if (account.disabled)
        return authenticationEvent(tx, subject, 'failure', client, { method: 'password', reason: 'disabled' })
      if (isLocked(account, now))
        return authenticationEvent(tx, subject, 'failure', client, { method: 'password', reason: 'locked' })
      await authenticationEvent(tx, subject, 'failure', client, { method: 'password', reason: 'wrong-password' })
      await accountFailed(tx, subject, runtime, client)
    })
    throw new SignInRefused('credentials')
  }

  // A stronger setting takes effect for each user at their next sign-in.
  const rehashed = needsRehash(stored, runtime.settings.argon2)
    ? await hashPassword(input.password, runtime.settings.argon2)
    : undefined
  return app.db.transaction(async (tx) => {
    if (rehashed !== undefined) {
      await tx.execute('UPDATE local_credential SET password_hash = $2 WHERE user_id = $1', [account.id, rehashed])
    }
    const step = await openSession(
      tx,
      runtime,
      { userId: account.id, totpConfirmed: account.totp_confirmed_at !== null },
      'password',
      null,
      client,
    )
    await authenticationEvent(tx, subjectOf(account), 'first-factor', client, {
      method: 'password',
      next: step.stage,
    })
    return step
  })
}

// ---------------------------------------------------------------------------
// The second factor: TOTP

interface FactorRow extends Record<string, unknown> {
  secret_encrypted: string
  confirmed_at: Date | null
  last_used_step: number | null
}

const factorBinding = (userId: string) => `totp:${userId}`

async function factorOf(db: Queryable, userId: string): Promise<FactorRow | undefined> {
  return (
    await db.query<FactorRow>(
      'SELECT secret_encrypted, confirmed_at, last_used_step FROM totp_factor WHERE user_id = $1',
      [userId],
    )
  )[0]
}

/** The second step of a sign-in: a code from the enrolled authenticator. */
export async function verifySecondFactor(
  app: AppContext,
  pending: PendingSignIn,
  code: string,
  client: ClientInfo,
): Promise<SignInStep> {
  if (pending.stage === 'totp-enrol') throw new SignInRefused('enrol-first')
  return checkCode(app, pending, code, client, 'sign-in')
}

/** Starts (or restarts) enrolment: a new secret, shown once, to put in an authenticator app. */
export async function beginEnrolment(
  app: AppContext,
  pending: PendingSignIn,
  client: ClientInfo,
): Promise<{ secret: string; otpauthUri: string }> {
  const runtime = authenticationRuntime(app)
  // Replacing a confirmed factor is an administrator's reset, never a signed-out user's.
  if (pending.stage !== 'totp-enrol') throw new SignInRefused('already-enrolled')
  const secret = randomBytes(20) // 160 bits, RFC 4226's recommended length for SHA-1
  const sealed = runtime.secrets().seal(secret, factorBinding(pending.account.id))
  await app.db.transaction(async (tx) => {
    await tx.execute(
      `INSERT INTO totp_factor (user_id, secret_encrypted, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = $2, created_at = $3, last_used_step = NULL
        WHERE totp_factor.confirmed_at IS NULL`,
      [pending.account.id, sealed, runtime.now()],
    )
    await authenticationEvent(tx, subjectOf(pending.account), 'enrolment-started', client, { factor: 'totp' })
  })
  return {
    secret: base32Encode(secret),
    otpauthUri: otpauthUri(secret, pending.account.email, runtime.settings.totpIssuer),
  }
}

/** Confirms enrolment with a first code, which also completes the sign-in. */
export async function confirmEnrolment(
  app: AppContext,
  pending: PendingSignIn,
  code: string,
  client: ClientInfo,
): Promise<SignInStep> {
  if (pending.stage !== 'totp-enrol') throw new SignInRefused('already-enrolled')
  return checkCode(app, pending, code, client, 'enrolment')
}

async function checkCode(
  app: AppContext,
  pending: PendingSignIn,
  code: string,
  client: ClientInfo,
  purpose: 'sign-in' | 'enrolment',
): Promise<SignInStep> {
  const runtime = authenticationRuntime(app)
  const { account, session } = pending
  const subject = subjectOf(account)
  const wait = await addressWait(app.db, client.ip, runtime)
  if (wait > 0) {
    await app.db.transaction((tx) =>
      authenticationEvent(tx, subject, 'rate-limited', client, { retryAfterSeconds: wait }),
    )
    throw new SignInRefused('rate-limited', wait)
  }
  const factor = await factorOf(app.db, account.id)
  if (factor === undefined) throw new SignInRefused('enrol-first')
  const now = runtime.now()
  const secret = runtime.secrets().open(factor.secret_encrypted, factorBinding(account.id))
  const step = timeStep(now.getTime() / 1000)
  const window = runtime.settings.totpWindowSteps
  const matched = matchTotp(secret, code.trim(), step, { window, lastUsedStep: factor.last_used_step })
  const locked = isLocked(account, now)

  const outcome = await app.db.transaction(async (tx) => {
    // The step is claimed in the same statement that checks it, so two requests
    // racing with one code cannot both pass (ASVS 6.5.1).
    const claimed =
      matched !== undefined &&
      !locked &&
      account.disabled === false &&
      (await tx.execute(
        `UPDATE totp_factor SET last_used_step = $2${purpose === 'enrolment' ? ', confirmed_at = $3' : ''}
          WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)`,
        purpose === 'enrolment' ? [account.id, matched, now] : [account.id, matched],
      )) === 1
    if (claimed) {
      await accountSucceeded(tx, account.id)
      const done = await completeSession(tx, runtime, session.id, 'totp')
      if (purpose === 'enrolment') {
        await authenticationEvent(tx, subject, 'enrolment-confirmed', client, { factor: 'totp' })
      }
      await authenticationEvent(
        tx,
        subject,
        'success',
        client,
        { method: session.auth_method, factor: 'totp' },
        { type: 'session', id: session.id },
      )
      return done
    }
    await addressFailed(tx, client.ip, runtime)
    const reason = account.disabled
      ? 'disabled'
      : locked
        ? 'locked'
        : matched !== undefined || matchTotp(secret, code.trim(), step, { window }) !== undefined
          ? 'replayed'
          : 'wrong-code'
    await authenticationEvent(tx, subject, 'failure', client, { method: session.auth_method, factor: 'totp', reason })
    if (!locked && !account.disabled && (await accountFailed(tx, subject, runtime, client))) {
      await endSession(tx, session, 'locked', runtime, client, subject)
    }
    return undefined
  })
  if (outcome === undefined) throw new SignInRefused('credentials')
  return outcome
}

/** Logging out ends the session on the server (ASVS 7.4.1); the cookie alone is worth nothing after. */
export async function signOut(app: AppContext, token: string, client: ClientInfo): Promise<boolean> {
  const runtime = authenticationRuntime(app)
  const session = await sessionByToken(app.db, token)
  if (session === undefined || session.ended_at !== null) return false
  return app.db.transaction((tx) => endSession(tx, session, 'logout', runtime, client))
}

// ---------------------------------------------------------------------------
// Passwords set by administrators and the demo

/** Checks a new password against the rules; throws ValidationFailed naming each problem. */
export function checkNewPassword(
  settings: AuthenticationSettings,
  password: string,
  context: { email?: string; displayName?: string },
  field = '$.password',
): void {
  const problems = passwordProblems(password, context, settings.password)
  if (problems.length > 0) {
    throw new ValidationFailed(
      problems.map((problem) => ({ in: 'body', field, message: passwordProblemMessages[problem](settings.password) })),
    )
  }
}

/**
 * Stores a password hash (from `hashPassword`, computed before the
 * transaction so the ~170 ms of argon2id holds no connection) and lifts any
 * lockout; the caller audits and ends sessions as it sees fit.
 */
export async function storePasswordHash(
  tx: Queryable,
  runtime: AuthenticationRuntime,
  userId: string,
  hash: string,
): Promise<void> {
  await tx.execute(
    `INSERT INTO local_credential (user_id, password_hash, password_changed_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET password_hash = $2, password_changed_at = $3`,
    [userId, hash, runtime.now()],
  )
  await tx.execute('UPDATE sign_in_state SET failed_attempts = 0, locked_until = NULL WHERE user_id = $1', [userId])
}

/**
 * Enrols a TOTP factor directly, already confirmed: for the demo account
 * (`dasr serve`) and tests, never reachable from the API.
 */
export async function enrolConfirmedTotp(app: AppContext, userId: string, secret: Uint8Array): Promise<void> {
  const runtime = authenticationRuntime(app)
  const sealed = runtime.secrets().seal(secret, factorBinding(userId))
  const now = runtime.now()
  await app.db.execute(
    `INSERT INTO totp_factor (user_id, secret_encrypted, created_at, confirmed_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = $2, created_at = $3, confirmed_at = $3, last_used_step = NULL`,
    [userId, sealed, now],
  )
}

/** The confirmed TOTP secret of a user, for the demo account's printout only (`dasr serve` on the embedded register). */
export async function readConfirmedTotpSecret(app: AppContext, userId: string): Promise<Uint8Array | undefined> {
  const factor = await factorOf(app.db, userId)
  if (factor === undefined || factor.confirmed_at === null) return undefined
  try {
    return authenticationRuntime(app).secrets().open(factor.secret_encrypted, factorBinding(userId))
  } catch {
    // Sealed under another key (DASR_SECRET_KEY changed): the caller enrols a new one.
    return undefined
  }
}
