import { randomUUID } from 'node:crypto'
import type { Queryable } from '../store/database.ts'
import { type Action, actions, can } from './access.ts'
import type { Actor, Role } from './actor.ts'
import {
  accountById,
  checkNewPassword,
  endUserSessions,
  newToken,
  sha256,
  storePasswordHash,
  subjectOf,
} from './authentication.ts'
import { authenticationRuntime } from './authentication-runtime.ts'
import { audit, authorised, type Call, transact } from './context.ts'
import { createUser } from './directory.ts'
import { Conflict, NotFound, ValidationFailed } from './errors.ts'
import { hashPassword } from './passwords.ts'

// What administrators do to accounts (action "user:administer"): create users
// with a local password, set passwords, disable and enable, end sessions
// (ASVS 7.4.5), reset a second factor, link a force's identity, and issue and
// revoke API tokens. Administrators manage the users of their own organisation;
// a national administrator manages every organisation's. Each change is
// audited as "administration" in the same transaction, never with a password
// or token in it.

export interface NewLocalAccount {
  organisationId: string
  displayName: string
  email: string
  roles: Role[]
  password: string
}

/** The target user, if the administrator's organisation reaches it; otherwise not found, and the refusal audited. */
async function userInReach(tx: Queryable, call: Call, userId: string) {
  // A strict UUID: anything merely shaped like one reached the database as a bad uuid (a 500, found by the fuzz run).
  const account = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)
    ? await accountById(tx, userId)
    : undefined
  if (account === undefined) throw new NotFound('user')
  if (!reachesOrganisation(call.actor, account.organisation_id)) {
    throw new NotFound('user', { type: 'user', id: userId, reason: 'another organisation' })
  }
  return account
}

const reachesOrganisation = (actor: Actor, organisationId: string) =>
  actor.organisationKind === 'national' || actor.organisationId === organisationId

const administration = (tx: Queryable, call: Call, event: string, userId: string, detail: object = {}) =>
  audit(tx, call.actor, 'administration', { type: 'user', id: userId }, { event, ...detail })

export async function createLocalAccount(call: Call, input: NewLocalAccount): Promise<{ userId: string }> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  if (input.roles.includes('system')) {
    throw new ValidationFailed([{ in: 'body', field: '$.roles', message: 'the system role is not for people' }])
  }
  checkNewPassword(runtime.settings, input.password, input)
  const hash = await hashPassword(input.password, runtime.settings.argon2)
  return transact(call, async (tx) => {
    if (!reachesOrganisation(call.actor, input.organisationId)) {
      throw new ValidationFailed([
        { in: 'body', field: '$.organisationId', message: 'you administer the users of your own organisation only' },
      ])
    }
    const organisation = await tx.query('SELECT 1 FROM organisation WHERE id = $1', [input.organisationId])
    if (organisation.length === 0) {
      throw new ValidationFailed([{ in: 'body', field: '$.organisationId', message: 'no such organisation' }])
    }
    const taken = await tx.query('SELECT 1 FROM app_user WHERE email = $1', [input.email.trim().toLowerCase()])
    if (taken.length > 0) throw new Conflict('a user with this e-mail address already exists')
    const user = await createUser(tx, { ...input, email: input.email.trim() })
    await storePasswordHash(tx, runtime, user.userId, hash)
    await administration(tx, call, 'user-created', user.userId, {
      organisationId: input.organisationId,
      roles: input.roles,
      localPassword: true,
    })
    return { userId: user.userId }
  })
}

/** Sets a user's password; their sessions end, and a lockout lifts. */
export async function setPassword(call: Call, userId: string, password: string): Promise<void> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  const account = await transact(call, (tx) => userInReach(tx, call, userId))
  checkNewPassword(runtime.settings, password, { email: account.email, displayName: account.display_name })
  const hash = await hashPassword(password, runtime.settings.argon2)
  await transact(call, async (tx) => {
    await userInReach(tx, call, userId)
    await storePasswordHash(tx, runtime, userId, hash)
    await administration(tx, call, 'password-set', userId)
    await endUserSessions(tx, userId, 'password-changed', runtime, call.actor)
  })
}

/**
 * Disables a user: every session ends and every API token is revoked in the
 * same transaction, so nothing they hold works on the next request (ASVS 7.4.2).
 */
export async function disableUser(
  call: Call,
  userId: string,
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  return transact(call, async (tx) => {
    await userInReach(tx, call, userId)
    if (userId === call.actor.userId) throw new Conflict('you cannot disable your own account')
    await tx.execute('UPDATE app_user SET disabled = true WHERE id = $1', [userId])
    const sessionsEnded = await endUserSessions(tx, userId, 'disabled', runtime, call.actor)
    const tokensRevoked = await tx.execute(
      'UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL',
      [userId, runtime.now()],
    )
    await administration(tx, call, 'user-disabled', userId, { sessionsEnded, tokensRevoked })
    return { sessionsEnded, tokensRevoked }
  })
}

export async function enableUser(call: Call, userId: string): Promise<void> {
  await authorised(call, 'user:administer')
  await transact(call, async (tx) => {
    await userInReach(tx, call, userId)
    await tx.execute('UPDATE app_user SET disabled = false WHERE id = $1', [userId])
    await administration(tx, call, 'user-enabled', userId)
  })
}

/** Ends every session of a user now (ASVS 7.4.5). */
export async function endSessions(call: Call, userId: string): Promise<{ sessionsEnded: number }> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  return transact(call, async (tx) => {
    await userInReach(tx, call, userId)
    const sessionsEnded = await endUserSessions(tx, userId, 'administrator', runtime, call.actor)
    await administration(tx, call, 'sessions-ended', userId, { sessionsEnded })
    return { sessionsEnded }
  })
}

/**
 * Removes a user's TOTP factor (a lost phone); they enrol a new one at their
 * next sign-in, after their password. Their sessions end.
 */
export async function resetSecondFactor(call: Call, userId: string): Promise<void> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  await transact(call, async (tx) => {
    await userInReach(tx, call, userId)
    await tx.execute('DELETE FROM totp_factor WHERE user_id = $1', [userId])
    await administration(tx, call, 'second-factor-reset', userId)
    await endUserSessions(tx, userId, 'administrator', runtime, call.actor)
  })
}

/** Links a force identity provider's (issuer, subject) to a user. */
export async function linkIdentity(
  call: Call,
  userId: string,
  identity: { issuer: string; subject: string },
): Promise<void> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  await transact(call, async (tx) => {
    await userInReach(tx, call, userId)
    const existing = await tx.query<{ user_id: string }>(
      'SELECT user_id FROM oidc_identity WHERE (issuer = $1 AND subject = $2) OR (issuer = $1 AND user_id = $3)',
      [identity.issuer, identity.subject, userId],
    )
    if (existing.length > 0) {
      throw new Conflict('this identity, or another identity from this issuer for this user, is already linked')
    }
    await tx.execute(
      `INSERT INTO oidc_identity (issuer, subject, user_id, linked_at, linked_by) VALUES ($1, $2, $3, $4, 'administrator')`,
      [identity.issuer, identity.subject, userId, runtime.now()],
    )
    await administration(tx, call, 'identity-linked', userId, { issuer: identity.issuer, subject: identity.subject })
  })
}

export interface IssuedToken {
  id: string
  /** Shown once: only its SHA-256 is kept. */
  token: string
  expiresAt: string
  scopes: string[]
}

/**
 * An API token for a system integration, acting as `userId` with no more than
 * the user's roles and no more than its scopes (action names, or "*").
 */
export async function issueApiToken(
  call: Call,
  userId: string,
  input: { label: string; scopes: string[]; validForDays: number },
): Promise<IssuedToken> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  if (input.validForDays > runtime.settings.apiTokenMaxDays) {
    throw new ValidationFailed([
      { in: 'body', field: '$.validForDays', message: `must be at most ${runtime.settings.apiTokenMaxDays}` },
    ])
  }
  return transact(call, async (tx) => {
    const account = await userInReach(tx, call, userId)
    if (account.disabled) throw new Conflict('the user is disabled')
    const id = randomUUID()
    const token = `dasr_${newToken()}`
    const expiresAt = new Date(runtime.now().getTime() + input.validForDays * 86_400_000)
    await tx.execute(
      `INSERT INTO api_token (id, user_id, token_hash, label, scopes, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, userId, sha256(token), input.label, input.scopes, expiresAt, runtime.now()],
    )
    await administration(tx, call, 'token-issued', userId, {
      tokenId: id,
      label: input.label,
      scopes: input.scopes,
      expiresAt: expiresAt.toISOString(),
    })
    return { id, token, expiresAt: expiresAt.toISOString(), scopes: input.scopes }
  })
}

export async function revokeApiToken(call: Call, tokenId: string): Promise<void> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  await transact(call, async (tx) => {
    const rows = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tokenId)
      ? await tx.query<{ user_id: string }>('SELECT user_id FROM api_token WHERE id = $1', [tokenId])
      : []
    const owner = rows[0]
    if (owner === undefined) throw new NotFound('token')
    await userInReach(tx, call, owner.user_id)
    const revoked = await tx.execute('UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
      tokenId,
      runtime.now(),
    ])
    await administration(tx, call, 'token-revoked', owner.user_id, { tokenId, alreadyRevoked: revoked === 0 })
  })
}

// ---------------------------------------------------------------------------
// Seeing the accounts (the administration pages)

export interface UserSummary {
  id: string
  displayName: string
  email: string
  organisationId: string
  organisationName: string
  roles: Role[]
  disabled: boolean
  /** A local password is set (an account may sign in through the force's identity provider only). */
  localPassword: boolean
  /** An authenticator app is set up and confirmed. */
  secondFactor: boolean
  lockedUntil: string | null
  /** Sessions not ended and not expired. */
  liveSessions: number
}

export interface UserListing {
  users: UserSummary[]
  total: number
  /** The organisations whose users the administrator manages, for filters and new accounts. */
  organisations: { id: string; name: string }[]
}

export interface UserFilters {
  organisationId?: string | undefined
  role?: Role | undefined
  /** From 1. */
  page?: number
  pageSize?: number
}

const summarySelect = `
  SELECT u.id, u.display_name, u.email, u.organisation_id, o.name AS organisation_name, u.roles, u.disabled,
         (c.user_id IS NOT NULL) AS local_password, (f.confirmed_at IS NOT NULL) AS second_factor,
         s.locked_until,
         (SELECT count(*)::int FROM user_session us
           WHERE us.user_id = u.id AND us.ended_at IS NULL
             AND us.idle_expires_at > $1 AND us.absolute_expires_at > $1) AS live_sessions
    FROM app_user u
    JOIN organisation o ON o.id = u.organisation_id
    LEFT JOIN local_credential c ON c.user_id = u.id
    LEFT JOIN totp_factor f ON f.user_id = u.id
    LEFT JOIN sign_in_state s ON s.user_id = u.id`

interface SummaryRow extends Record<string, unknown> {
  id: string
  display_name: string
  email: string
  organisation_id: string
  organisation_name: string
  roles: Role[]
  disabled: boolean
  local_password: boolean
  second_factor: boolean
  locked_until: Date | null
  live_sessions: number
}

const summaryOf = (row: SummaryRow, now: Date): UserSummary => ({
  id: row.id,
  displayName: row.display_name,
  email: row.email,
  organisationId: row.organisation_id,
  organisationName: row.organisation_name,
  roles: row.roles,
  disabled: row.disabled,
  localPassword: row.local_password,
  secondFactor: row.second_factor,
  lockedUntil: row.locked_until !== null && row.locked_until > now ? row.locked_until.toISOString() : null,
  liveSessions: row.live_sessions,
})

/**
 * The users the administrator manages (their organisation's; every
 * organisation's for a national administrator), by name, a page at a time.
 * Users are people too: the listing is logged as a consultation, with its
 * filters and the number shown.
 */
export async function listUsers(call: Call, filters: UserFilters = {}): Promise<UserListing> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  const now = runtime.now()
  const pageSize = Math.min(Math.max(Math.trunc(filters.pageSize ?? 50), 1), 200)
  const pageNumber = Math.max(Math.trunc(filters.page ?? 1), 1)
  const national = call.actor.organisationKind === 'national'
  return transact(call, async (tx) => {
    // Numbered from `first`: whether national, their organisation, the organisation and role asked for.
    const conditions = (first: number) =>
      `($${first} OR u.organisation_id = $${first + 1})
       AND ($${first + 2}::text IS NULL OR u.organisation_id = $${first + 2})
       AND ($${first + 3}::text IS NULL OR $${first + 3} = ANY(u.roles))
       AND NOT ('system' = ANY(u.roles))`
    const params = [national, call.actor.organisationId, filters.organisationId ?? null, filters.role ?? null]
    const rows = await tx.query<SummaryRow>(
      `${summarySelect} WHERE ${conditions(2)} ORDER BY lower(u.display_name), u.email LIMIT $6 OFFSET $7`,
      [now, ...params, pageSize, (pageNumber - 1) * pageSize],
    )
    const [counted] = await tx.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM app_user u WHERE ${conditions(1)}`,
      params,
    )
    const organisations = await tx.query<{ id: string; name: string }>(
      'SELECT id, name FROM organisation WHERE $1 OR id = $2 ORDER BY name',
      params.slice(0, 2),
    )
    await audit(
      tx,
      call.actor,
      'consultation',
      { type: 'users' },
      {
        filters: {
          ...(filters.organisationId !== undefined ? { organisationId: filters.organisationId } : {}),
          ...(filters.role !== undefined ? { role: filters.role } : {}),
          page: pageNumber,
        },
        count: rows.length,
      },
      call.justification,
    )
    return { users: rows.map((row) => summaryOf(row, now)), total: counted?.total ?? 0, organisations }
  })
}

export interface UserAccount extends UserSummary {
  /** The actions their roles allow: all an API token acting as them could ever do. */
  actions: Action[]
  /** API tokens, newest first: never the token, which only its holder saw. */
  tokens: { id: string; label: string; scopes: string[]; expiresAt: string; revokedAt: string | null }[]
}

/** One user the administrator manages, with their sessions and tokens; logged as a consultation. */
export async function userAccount(call: Call, userId: string): Promise<UserAccount> {
  await authorised(call, 'user:administer')
  const runtime = authenticationRuntime(call.app)
  const now = runtime.now()
  return transact(call, async (tx) => {
    const account = await userInReach(tx, call, userId)
    const [row] = await tx.query<SummaryRow>(`${summarySelect} WHERE u.id = $2`, [now, userId])
    if (row === undefined) throw new NotFound('user')
    const tokens = await tx.query<{
      id: string
      label: string
      scopes: string[]
      expires_at: Date
      revoked_at: Date | null
    }>('SELECT id, label, scopes, expires_at, revoked_at FROM api_token WHERE user_id = $1 ORDER BY created_at DESC', [
      userId,
    ])
    await audit(tx, call.actor, 'consultation', { type: 'user', id: userId }, {}, call.justification)
    const asThem: Actor = subjectOf(account)
    return {
      ...summaryOf(row, now),
      actions: actions.filter((action) => can(asThem, action)),
      tokens: tokens.map((token) => ({
        id: token.id,
        label: token.label,
        scopes: token.scopes,
        expiresAt: token.expires_at.toISOString(),
        revokedAt: token.revoked_at?.toISOString() ?? null,
      })),
    }
  })
}

/** The organisations whose users the administrator manages (for a new account's organisation). */
export async function organisationsAdministered(call: Call): Promise<{ id: string; name: string }[]> {
  await authorised(call, 'user:administer')
  return call.app.db.query<{ id: string; name: string }>(
    'SELECT id, name FROM organisation WHERE $1 OR id = $2 ORDER BY name',
    [call.actor.organisationKind === 'national', call.actor.organisationId],
  )
}
