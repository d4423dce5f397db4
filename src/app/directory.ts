import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Queryable } from '../store/database.ts'
import type { Actor, OrganisationKind, Role } from './actor.ts'

// Organisations, users and API tokens: the minimum the register needs to know
// who is acting. The issue "Multi-agency access control" adds sign-in,
// second factors and administration on top of these tables.

export interface NewUser {
  organisationId: string
  displayName: string
  email: string
  phone?: string
  roles: Role[]
}

export async function ensureOrganisation(
  db: Queryable,
  organisation: { id: string; name: string; kind: OrganisationKind },
): Promise<void> {
  await db.execute('INSERT INTO organisation (id, name, kind) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
    organisation.id,
    organisation.name,
    organisation.kind,
  ])
}

export async function createUser(db: Queryable, user: NewUser): Promise<Actor> {
  const id = randomUUID()
  await db.execute(
    'INSERT INTO app_user (id, organisation_id, display_name, email, phone, roles) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, user.organisationId, user.displayName, user.email.toLowerCase(), user.phone ?? null, user.roles],
  )
  const actor = await actorFor(db, id)
  if (actor === undefined) throw new Error('user not created')
  return actor
}

export async function actorFor(db: Queryable, userId: string): Promise<Actor | undefined> {
  const rows = await db.query<{
    id: string
    organisation_id: string
    kind: OrganisationKind
    roles: Role[]
    display_name: string
    disabled: boolean
  }>(
    `SELECT u.id, u.organisation_id, o.kind, u.roles, u.display_name, u.disabled
       FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1`,
    [userId],
  )
  const row = rows[0]
  if (row === undefined || row.disabled) return undefined
  return {
    userId: row.id,
    organisationId: row.organisation_id,
    organisationKind: row.kind,
    roles: row.roles,
    displayName: row.display_name,
  }
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Issues an API token; only its SHA-256 is stored, so the token is shown once. */
export async function issueToken(
  db: Queryable,
  userId: string,
  label: string,
  scopes: string[],
  validForDays: number,
): Promise<string> {
  const token = `dasr_${randomBytes(32).toString('base64url')}`
  await db.execute(
    `INSERT INTO api_token (id, user_id, token_hash, label, scopes, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6))`,
    [randomUUID(), userId, hashToken(token), label, scopes, validForDays],
  )
  return token
}

/** The actor a bearer token stands for, or undefined (unknown, expired, revoked or disabled). */
export async function actorForToken(db: Queryable, token: string): Promise<Actor | undefined> {
  const rows = await db.query<{ user_id: string; scopes: string[] }>(
    `SELECT user_id, scopes FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [hashToken(token)],
  )
  const row = rows[0]
  if (row === undefined) return undefined
  const actor = await actorFor(db, row.user_id)
  // Scopes name actions ("person:read"), or "*" for everything the user's roles allow.
  return actor === undefined ? undefined : { ...actor, scopes: row.scopes }
}
