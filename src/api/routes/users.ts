import { z } from 'zod'
import { actions } from '../../app/access.ts'
import { roles } from '../../app/actor.ts'
import type { AppContext } from '../../app/context.ts'
import {
  createLocalAccount,
  disableUser,
  enableUser,
  endSessions,
  issueApiToken,
  linkIdentity,
  resetSecondFactor,
  revokeApiToken,
  setPassword,
} from '../../app/user-administration.ts'
import { responses } from '../responses.ts'
import { type ApiServer, callOf } from '../route-kit.ts'

// Administrators' routes (action "user:administer"): accounts, sessions,
// second factors, identities and API tokens. None of them takes an
// Idempotency-Key: a stored answer would keep a new API token in the database.

const tags = ['users']
const access = { action: 'user:administer', personal: false } as const
const idParams = z.strictObject({ id: z.string().max(64) })
const personRoles = roles.filter((role) => role !== 'system') as [string, ...string[]]

const newAccount = z.strictObject({
  organisationId: z.string().min(1).max(200),
  displayName: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  roles: z.array(z.enum(personRoles)).min(1).max(personRoles.length),
  password: z.string().max(1024).describe('At least 12 characters (15 or more advised), at most 128'),
})

const scope = z
  .string()
  .refine(
    (value) => value === '*' || (actions as string[]).includes(value),
    'must be an action such as "person:read", or "*"',
  )
  .describe('An action the token may take (never more than its user’s roles allow), or "*"')

const done = z.strictObject({ done: z.literal(true) })

export function userRoutes(server: ApiServer, app: AppContext): void {
  server.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a user with a local password (they enrol TOTP at their first sign-in)',
        body: newAccount,
        response: responses(201, z.strictObject({ userId: z.string() }), 409, 422),
      },
      config: { access },
    },
    async (request, reply) => {
      const created = await createLocalAccount(callOf(app, request), {
        ...request.body,
        roles: request.body.roles as never,
      })
      reply.code(201)
      return created
    },
  )
  server.post(
    '/api/v1/users/:id/password',
    {
      schema: {
        tags,
        summary: "Set a user's password; their sessions end and any lockout lifts",
        params: idParams,
        body: z.strictObject({ password: z.string().max(1024) }),
        response: responses(200, done, 404, 422),
      },
      config: { access },
    },
    async (request) => {
      await setPassword(callOf(app, request), request.params.id, request.body.password)
      return { done: true as const }
    },
  )
  server.post(
    '/api/v1/users/:id/disable',
    {
      schema: {
        tags,
        summary: 'Disable a user: every session ends and every API token is revoked at once',
        params: idParams,
        response: responses(200, z.strictObject({ sessionsEnded: z.int(), tokensRevoked: z.int() }), 404, 409),
      },
      config: { access },
    },
    async (request) => disableUser(callOf(app, request), request.params.id),
  )
  server.post(
    '/api/v1/users/:id/enable',
    {
      schema: { tags, summary: 'Enable a disabled user', params: idParams, response: responses(200, done, 404) },
      config: { access },
    },
    async (request) => {
      await enableUser(callOf(app, request), request.params.id)
      return { done: true as const }
    },
  )
  server.post(
    '/api/v1/users/:id/end-sessions',
    {
      schema: {
        tags,
        summary: 'End every session of a user now (they must sign in again)',
        params: idParams,
        response: responses(200, z.strictObject({ sessionsEnded: z.int() }), 404),
      },
      config: { access },
    },
    async (request) => endSessions(callOf(app, request), request.params.id),
  )
  server.post(
    '/api/v1/users/:id/second-factor/reset',
    {
      schema: {
        tags,
        summary: "Remove a user's authenticator (lost phone); they enrol a new one at their next sign-in",
        params: idParams,
        response: responses(200, done, 404),
      },
      config: { access },
    },
    async (request) => {
      await resetSecondFactor(callOf(app, request), request.params.id)
      return { done: true as const }
    },
  )
  server.post(
    '/api/v1/users/:id/identities',
    {
      schema: {
        tags,
        summary: "Link an identity from the force's identity provider (issuer and subject) to a user",
        params: idParams,
        body: z.strictObject({ issuer: z.url().max(500), subject: z.string().min(1).max(255) }),
        response: responses(201, done, 404, 409, 422),
      },
      config: { access },
    },
    async (request, reply) => {
      await linkIdentity(callOf(app, request), request.params.id, request.body)
      reply.code(201)
      return { done: true as const }
    },
  )
  server.post(
    '/api/v1/users/:id/tokens',
    {
      schema: {
        tags,
        summary: 'Issue an API token for a system integration acting as this user; the token is shown once',
        params: idParams,
        body: z.strictObject({
          label: z.string().trim().min(1).max(200),
          scopes: z.array(scope).min(1).max(50),
          validForDays: z.int().min(1),
        }),
        response: responses(
          201,
          z.strictObject({ id: z.string(), token: z.string(), expiresAt: z.string(), scopes: z.array(z.string()) }),
          404,
          409,
          422,
        ),
      },
      config: { access },
    },
    async (request, reply) => {
      const issued = await issueApiToken(callOf(app, request), request.params.id, request.body)
      reply.code(201)
      return issued
    },
  )
  server.post(
    '/api/v1/tokens/:id/revoke',
    {
      schema: { tags, summary: 'Revoke an API token', params: idParams, response: responses(200, done, 404) },
      config: { access },
    },
    async (request) => {
      await revokeApiToken(callOf(app, request), request.params.id)
      return { done: true as const }
    },
  )
}
