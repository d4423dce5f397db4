import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { ApiServer } from '../../api/route-kit.ts'
import type { Action } from '../../app/access.ts'
import { type Role, roles } from '../../app/actor.ts'
import { authenticationRuntime } from '../../app/authentication-runtime.ts'
import type { AppContext } from '../../app/context.ts'
import { Conflict, ValidationFailed } from '../../app/errors.ts'
import {
  createLocalAccount,
  disableUser,
  enableUser,
  endSessions,
  issueApiToken,
  listUsers,
  organisationsAdministered,
  resetSecondFactor,
  revokeApiToken,
  setPassword,
  type UserAccount,
  userAccount,
} from '../../app/user-administration.ts'
import {
  addError,
  checkForm,
  confirmation,
  type FormErrors,
  formFields,
  formList,
  noErrors,
  page,
  pageCall,
  serviceErrors,
} from '../page-kit.ts'
import { render, ukDateTime } from '../view.ts'

// User administration (issue 6, item 8): administrators list the users they
// manage, add local accounts, disable and enable them, end their sessions,
// reset a lost authenticator, set a password, and issue and revoke API tokens
// for system integrations. Every action is the service the API calls
// (src/app/user-administration.ts), which checks the administrator reaches the
// user and audits the change; a page never shows a password or token it did
// not just make, and shows that one once, in the answer to the post.

const access = { action: 'user:administer', personal: false } as const
const peopleRoles = roles.filter((role) => role !== 'system') as Role[]
const pageSize = 25

export const roleNames: Record<Role, string> = {
  registrar: 'Registrar (police)',
  'offender-manager': 'Offender manager',
  'victim-liaison-officer': 'Victim liaison officer',
  'mappa-coordinator': 'MAPPA coordinator',
  'partner-practitioner': 'Partner agency practitioner',
  analyst: 'Analyst (figures only)',
  auditor: 'Auditor (the audit trail)',
  administrator: 'Administrator (users)',
  system: 'The register’s own jobs',
}

const roleHints: Partial<Record<Role, string>> = {
  registrar: 'Opens and ends registrations; police only.',
  'offender-manager': 'Manages registrants: notifications, visits, breaches.',
  'victim-liaison-officer': 'Sees and records victims’ details.',
  'partner-practitioner': 'Sees the sections of a record shared with their agency.',
  analyst: 'Sees aggregate figures, never a person.',
  auditor: 'Searches the audit trail; sees no records.',
  administrator: 'Manages users; sees no records.',
}

const done: Record<string, string> = {
  created: 'The account has been created. The user sets up their authenticator app when they first sign in.',
  disabled: 'The account has been disabled. Their sessions have ended and their API tokens have been revoked.',
  enabled: 'The account has been enabled. They can sign in again.',
  sessions: 'Their sessions have ended. They must sign in again.',
  'second-factor':
    'Their authenticator app has been removed and their sessions have ended. They set up a new one when they next sign in.',
  password: 'The password has been set. Their sessions have ended; give them the password in a secure way.',
  'token-revoked': 'The API token has been revoked.',
}

// ---------------------------------------------------------------------------
// A new account

const newAccountForm = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, { error: 'Enter the user’s full name' })
    .max(200, { error: 'Full name must be 200 characters or fewer' }),
  email: z
    .string()
    .trim()
    .min(1, { error: 'Enter an email address' })
    .max(320, { error: 'Email address must be 320 characters or fewer' })
    .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.com' })),
  organisationId: z.string().trim().min(1, { error: 'Select an organisation' }),
  roles: z
    .array(z.enum(peopleRoles as [Role, ...Role[]], { error: 'Select roles from the list' }))
    .min(1, { error: 'Select at least one role' }),
  passwordChoice: z.enum(['generate', 'set'], { error: 'Select how to set the first password' }),
  password: z.string().max(1024, { error: 'Password must be 128 characters or fewer' }),
})

/** A first password the user is given once: 120 random bits, in groups a person can read out. */
function generatedPassword(): string {
  const text = randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')
  return text.match(/.{1,5}/g)?.join('-') ?? text
}

const accountLabels = {
  displayName: { field: 'displayName', label: 'Full name' },
  email: { field: 'email', label: 'Email address' },
  organisationId: { field: 'organisationId', label: 'Organisation' },
  roles: { field: 'roles', label: 'Roles' },
  password: { field: 'password', label: 'Password' },
}

function organisationItems(organisations: { id: string; name: string }[], chosen: string) {
  if (organisations.length === 1) {
    const only = organisations[0] as { id: string; name: string }
    return [{ value: only.id, text: only.name, selected: true }]
  }
  return [
    { value: '', text: 'Choose an organisation', selected: chosen === '' },
    ...organisations.map((o) => ({ value: o.id, text: `${o.name} (${o.id})`, selected: o.id === chosen })),
  ]
}

function roleItems(chosen: readonly string[]) {
  return peopleRoles.map((role) => ({
    value: role,
    text: roleNames[role],
    ...(roleHints[role] ? { hint: { text: roleHints[role] } } : {}),
    checked: chosen.includes(role),
  }))
}

async function showNewAccount(
  app: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  values: Record<string, string>,
  chosenRoles: string[],
  errors: FormErrors,
  status = 200,
) {
  const organisations = await organisationsAdministered(pageCall(app, request))
  return render(
    request,
    reply,
    'admin/new-user.njk',
    {
      pageTitle: 'Add a user',
      backLink: '/admin/users',
      values,
      organisations: organisationItems(organisations, values.organisationId ?? ''),
      roles: roleItems(chosenRoles),
      ...errors,
    },
    status,
  )
}

// ---------------------------------------------------------------------------
// A user's page and the actions on it

async function showUser(
  app: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  errors: FormErrors = noErrors(),
  status = 200,
) {
  const call = pageCall(app, request)
  const user = await userAccount(call, userId)
  return render(
    request,
    reply,
    'admin/user.njk',
    {
      pageTitle: user.displayName,
      backLink: '/admin/users',
      user,
      roleNames: user.roles.map((role) => roleNames[role] ?? role),
      isSelf: user.id === call.actor.userId,
      success: confirmation(request, done),
      ...errors,
    },
    status,
  )
}

/** The service refuses an id that is not a user it reaches (a generic page, audited): the page need not check. */
const userIdOf = (request: FastifyRequest) => (request.params as { id: string }).id

/** An action refused because of the account's state: said on the user's page, nothing changed. */
async function refused(app: AppContext, request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof Conflict) {
    const message =
      error.message === 'you cannot disable your own account'
        ? 'You cannot disable your own account. Ask another administrator.'
        : `${error.message[0]?.toUpperCase() ?? ''}${error.message.slice(1)}`
    return showUser(app, request, reply, userIdOf(request), addError(noErrors(), 'actions', message), 409)
  }
  throw error
}

// ---------------------------------------------------------------------------
// An API token for a system integration acting as the user

/** What each action lets a token do, in words: the choices of a token's scopes. */
export const actionNames: Record<Action, string> = {
  'person:read': 'Read people’s records',
  'person:write': 'Add and change people’s details',
  'person:search': 'Search for people',
  'victim:read': 'Read victims’ details',
  'victim:write': 'Record victims’ details',
  'registration:refer': 'Refer people for registration',
  'registration:determine': 'Ask for a determination',
  'registration:decide': 'Open and end registrations',
  'notification:record': 'Record notifications',
  'visit:record': 'Record home visits',
  'breach:read': 'Read suspected breaches',
  'breach:decide': 'Decide suspected breaches',
  'compliance:scan': 'Run the compliance scan',
  'task:read': 'Read tasks',
  'data:import': 'Import records',
  'data:export': 'Export records',
  'audit:search': 'Search the audit trail',
  'audit:verify': 'Check the audit trail’s hash chain',
  'user:administer': 'Administer users',
  'statistics:read': 'Read aggregate figures',
  'retention:review': 'Review records for retention',
  'record:restrict': 'Restrict records',
  'record:erase': 'Erase records',
  'subject-access:export': 'Export records for a subject access request',
  'record:share': 'Share records with other agencies',
  'record:need-to-know': 'Open a record on a need to know',
  'need-to-know:review': 'Review need-to-know access',
}

/** The scope meaning every action the user's roles allow, now and later. */
const everything = '*'

const tokenLabels = {
  label: { field: 'label', label: 'Name of the integration' },
  scopes: { field: 'scopes', label: 'What the token may do' },
  validForDays: { field: 'validForDays', label: 'Number of days' },
}

interface TokenForm {
  label: string
  scopes: string[]
  validForDays: string
}

/** The token form checked as the API's schema checks it, with messages written for people. */
function checkTokenForm(
  form: TokenForm,
  allowed: readonly string[],
  maxDays: number,
): { ok: true; value: { label: string; scopes: string[]; validForDays: number } } | { ok: false; errors: FormErrors } {
  const errors = noErrors()
  const label = form.label.trim()
  if (label === '') addError(errors, 'label', 'Enter the name of the integration')
  else if (label.length > 200) addError(errors, 'label', 'Name of the integration must be 200 characters or fewer')
  // The checkboxes' first box has the group's id, so every message links to it.
  if (form.scopes.length === 0) addError(errors, 'scopes', 'Select what the token may do')
  else if (form.scopes.includes(everything) && form.scopes.length > 1) {
    addError(
      errors,
      'scopes',
      'Select either everything their roles allow, or the actions the token may take, not both',
    )
  } else if (form.scopes.some((scope) => scope !== everything && !allowed.includes(scope))) {
    addError(errors, 'scopes', 'Select actions from the list')
  }
  const days = form.validForDays.trim()
  if (days === '') addError(errors, 'validForDays', 'Enter how many days the token should work for')
  else if (!/^\d+$/.test(days)) addError(errors, 'validForDays', 'Number of days must be a whole number, like 90')
  else if (Number(days) < 1 || Number(days) > maxDays) {
    addError(errors, 'validForDays', `Number of days must be between 1 and ${maxDays}`)
  }
  if (errors.errorList.length > 0) return { ok: false, errors }
  return { ok: true, value: { label, scopes: form.scopes, validForDays: Number(days) } }
}

function scopeItems(user: UserAccount, chosen: readonly string[]) {
  return [
    ...user.actions.map((action) => ({
      value: action,
      text: actionNames[action],
      hint: { text: action },
      checked: chosen.includes(action),
    })),
    ...(user.actions.length > 0 ? [{ divider: 'or' }] : []),
    {
      value: everything,
      text: 'Everything their roles allow',
      hint: { text: 'Now and after any change to their roles (scope “*”)' },
      checked: chosen.includes(everything),
      behaviour: 'exclusive',
    },
  ]
}

async function showTokenForm(
  app: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: TokenForm,
  errors: FormErrors = noErrors(),
  status = 200,
) {
  const user = await userAccount(pageCall(app, request), userIdOf(request))
  return render(
    request,
    reply,
    'admin/new-token.njk',
    {
      pageTitle: `Issue an API token – ${user.displayName}`,
      backLink: `/admin/users/${user.id}`,
      user,
      roleNames: user.roles.map((role) => roleNames[role] ?? role),
      values: form,
      scopes: scopeItems(user, form.scopes),
      maxDays: authenticationRuntime(app).settings.apiTokenMaxDays,
      ...errors,
    },
    status,
  )
}

export function adminPages(server: ApiServer, app: AppContext): void {
  server.get('/admin/users', page(access), async (request, reply) => {
    const query = formFields(request.query)
    const organisation = (query.organisation ?? '').trim()
    const role = (query.role ?? '').trim()
    const pageNumber = /^[1-9]\d{0,5}$/.test(query.page ?? '') ? Number(query.page) : 1
    const listing = await listUsers(pageCall(app, request), {
      organisationId: organisation === '' ? undefined : organisation,
      role: (peopleRoles as string[]).includes(role) ? (role as Role) : undefined,
      page: pageNumber,
      pageSize,
    })
    const pages = Math.max(1, Math.ceil(listing.total / pageSize))
    const link = (n: number) => {
      const params = new URLSearchParams()
      if (organisation !== '') params.set('organisation', organisation)
      if (role !== '') params.set('role', role)
      params.set('page', String(n))
      return `/admin/users?${params.toString()}`
    }
    return render(request, reply, 'admin/users.njk', {
      pageTitle: 'Users',
      users: listing.users.map((user) => ({ ...user, roleNames: user.roles.map((r) => roleNames[r] ?? r) })),
      total: listing.total,
      filters: { organisation, role },
      organisationFilter: [
        { value: '', text: 'All organisations', selected: organisation === '' },
        ...listing.organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === organisation })),
      ],
      roleFilter: [
        { value: '', text: 'All roles', selected: role === '' },
        ...peopleRoles.map((r) => ({ value: r, text: roleNames[r], selected: r === role })),
      ],
      pagination:
        pages > 1
          ? {
              ...(pageNumber > 1 ? { previous: { href: link(pageNumber - 1) } } : {}),
              ...(pageNumber < pages ? { next: { href: link(pageNumber + 1) } } : {}),
              items: Array.from({ length: pages }, (_, i) => ({
                number: i + 1,
                href: link(i + 1),
                current: i + 1 === pageNumber,
              })),
            }
          : undefined,
    })
  })

  server.get('/admin/users/new', page(access), async (request, reply) =>
    showNewAccount(app, request, reply, { passwordChoice: 'generate' }, [], noErrors()),
  )

  server.post('/admin/users/new', page(access), async (request, reply) => {
    const fields = formFields(request.body)
    const chosenRoles = formList(request.body, 'roles')
    const values = {
      displayName: fields.displayName ?? '',
      email: fields.email ?? '',
      organisationId: fields.organisationId ?? '',
      passwordChoice: fields.passwordChoice ?? '',
    }
    const checked = checkForm(newAccountForm, { ...values, roles: chosenRoles, password: fields.password ?? '' })
    const errors = checked.ok ? noErrors() : checked.errors
    if (checked.ok && checked.value.passwordChoice === 'set' && checked.value.password === '') {
      addError(errors, 'password', 'Enter a password for the user')
    }
    if (!checked.ok || errors.errorList.length > 0) {
      return showNewAccount(app, request, reply, values, chosenRoles, errors, 422)
    }
    const input = checked.value
    const password = input.passwordChoice === 'generate' ? generatedPassword() : input.password
    try {
      const { userId } = await createLocalAccount(pageCall(app, request), {
        displayName: input.displayName,
        email: input.email,
        organisationId: input.organisationId,
        roles: input.roles,
        password,
      })
      if (input.passwordChoice === 'set') return reply.redirect(`/admin/users/${userId}?done=created`, 303)
      // The password exists only in this answer: never in a URL, a log or the database.
      reply.header('cache-control', 'no-store')
      return render(request, reply, 'admin/created.njk', {
        pageTitle: 'The account has been created',
        displayName: input.displayName,
        email: input.email.toLowerCase(),
        password,
        userId,
      })
    } catch (error) {
      if (error instanceof ValidationFailed) {
        return showNewAccount(
          app,
          request,
          reply,
          values,
          chosenRoles,
          serviceErrors(error.problems, accountLabels),
          422,
        )
      }
      if (error instanceof Conflict) {
        const taken = addError(noErrors(), 'email', 'A user with this email address already exists')
        return showNewAccount(app, request, reply, values, chosenRoles, taken, 422)
      }
      throw error
    }
  })

  server.get('/admin/users/:id', page(access), async (request, reply) =>
    showUser(app, request, reply, userIdOf(request)),
  )

  const action = (path: string, key: string, run: (request: FastifyRequest, userId: string) => Promise<unknown>) =>
    server.post(`/admin/users/:id/${path}`, page(access), async (request, reply) => {
      const userId = userIdOf(request)
      try {
        await run(request, userId)
      } catch (error) {
        return refused(app, request, reply, error)
      }
      return reply.redirect(`/admin/users/${userId}?done=${key}`, 303)
    })
  action('disable', 'disabled', (request, userId) => disableUser(pageCall(app, request), userId))
  action('enable', 'enabled', (request, userId) => enableUser(pageCall(app, request), userId))
  action('end-sessions', 'sessions', (request, userId) => endSessions(pageCall(app, request), userId))
  action('reset-second-factor', 'second-factor', (request, userId) => resetSecondFactor(pageCall(app, request), userId))

  server.post('/admin/users/:id/password', page(access), async (request, reply) => {
    const userId = userIdOf(request)
    const password = formFields(request.body).password ?? ''
    if (password === '') {
      return showUser(app, request, reply, userId, addError(noErrors(), 'password', 'Enter a new password'), 422)
    }
    try {
      await setPassword(pageCall(app, request), userId, password)
    } catch (error) {
      if (error instanceof ValidationFailed) {
        return showUser(app, request, reply, userId, serviceErrors(error.problems, accountLabels), 422)
      }
      throw error
    }
    return reply.redirect(`/admin/users/${userId}?done=password`, 303)
  })

  server.get('/admin/users/:id/tokens/new', page(access), async (request, reply) =>
    showTokenForm(app, request, reply, { label: '', scopes: [], validForDays: '90' }),
  )

  // The token is shown once, in the answer to this post: never in a URL, a log or the database (only its hash).
  server.post('/admin/users/:id/tokens/new', page(access), async (request, reply) => {
    const userId = userIdOf(request)
    const fields = formFields(request.body)
    const form: TokenForm = {
      label: fields.label ?? '',
      scopes: formList(request.body, 'scopes'),
      validForDays: fields.validForDays ?? '',
    }
    const user = await userAccount(pageCall(app, request), userId)
    const checked = checkTokenForm(form, user.actions, authenticationRuntime(app).settings.apiTokenMaxDays)
    if (!checked.ok) return showTokenForm(app, request, reply, form, checked.errors, 422)
    let issued: Awaited<ReturnType<typeof issueApiToken>>
    try {
      issued = await issueApiToken(pageCall(app, request), userId, checked.value)
    } catch (error) {
      if (error instanceof ValidationFailed) {
        return showTokenForm(app, request, reply, form, serviceErrors(error.problems, tokenLabels), 422)
      }
      return refused(app, request, reply, error)
    }
    reply.header('cache-control', 'no-store')
    return render(request, reply, 'admin/token-issued.njk', {
      pageTitle: 'The API token has been issued',
      user,
      label: checked.value.label,
      token: issued.token,
      expiresAt: ukDateTime(issued.expiresAt),
      scopes: issued.scopes.map((scope) =>
        scope === everything
          ? 'Everything their roles allow (*)'
          : `${actionNames[scope as Action] ?? scope} (${scope})`,
      ),
    })
  })

  server.post('/admin/users/:id/tokens/:token/revoke', page(access), async (request, reply) => {
    const userId = userIdOf(request)
    const token = (request.params as { token: string }).token
    await revokeApiToken(pageCall(app, request), token)
    return reply.redirect(`/admin/users/${userId}?done=token-revoked`, 303)
  })
}
