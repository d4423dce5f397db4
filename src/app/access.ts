import type { Actor, Role } from './actor.ts'
import { Forbidden } from './errors.ts'

// Deny by default: an action is allowed only if it is listed here for one of
// the actor's roles. Object-level rules (which records) are checked by the
// services with `canSeeRecord`; the issue "Multi-agency access control" adds
// shares and need-to-know access on top of this table, not beside it.

export type Action =
  | 'person:read'
  | 'person:write'
  | 'person:search'
  | 'victim:read'
  | 'victim:write'
  | 'registration:refer'
  | 'registration:determine'
  | 'registration:decide'
  | 'notification:record'
  | 'visit:record'
  | 'breach:read'
  | 'breach:decide'
  | 'compliance:scan'
  | 'task:read'
  | 'data:import'
  | 'data:export'
  // Access control, audit and retention (issue "Multi-agency access control").
  | 'audit:search'
  | 'audit:verify'
  | 'user:administer'
  | 'statistics:read'
  | 'retention:review'
  | 'record:restrict'
  | 'record:erase'
  | 'subject-access:export'
  | 'record:share'
  | 'record:need-to-know'
  | 'need-to-know:review'

const allowed: Record<Action, readonly Role[]> = {
  // Which sections each role sees is decided by src/domain/access/sections.ts.
  'person:read': [
    'registrar',
    'offender-manager',
    'mappa-coordinator',
    'victim-liaison-officer',
    'partner-practitioner',
  ],
  'person:write': ['registrar', 'offender-manager'],
  'person:search': ['registrar', 'offender-manager', 'mappa-coordinator', 'victim-liaison-officer'],
  // Contact details and addresses only to VLOs and the case's police managers (domain/access/sections.ts).
  'victim:read': ['victim-liaison-officer', 'registrar', 'offender-manager', 'mappa-coordinator'],
  'victim:write': ['victim-liaison-officer', 'registrar', 'offender-manager'],
  'registration:refer': ['registrar', 'offender-manager', 'mappa-coordinator'],
  'registration:determine': ['registrar', 'offender-manager'],
  // Opening and ending registrations is for police registrars (VioGén: only police open a case).
  'registration:decide': ['registrar'],
  'notification:record': ['registrar', 'offender-manager'],
  'visit:record': ['registrar', 'offender-manager'],
  'breach:read': ['registrar', 'offender-manager', 'mappa-coordinator'],
  'breach:decide': ['registrar', 'offender-manager'],
  'compliance:scan': ['system', 'registrar'],
  'task:read': ['registrar', 'offender-manager', 'victim-liaison-officer', 'mappa-coordinator'],
  'data:import': ['system', 'registrar'],
  'data:export': ['system', 'registrar'],
  // Auditors read the trail, not the records.
  'audit:search': ['auditor'],
  'audit:verify': ['auditor', 'system'],
  // Administrators manage users and settings, not records.
  'user:administer': ['administrator'],
  // Analysts see aggregate figures only, never a person.
  'statistics:read': ['analyst', 'registrar', 'mappa-coordinator'],
  // Retention reviews (DPA 2018 s.39), restriction and erasure (ss.46-47), subject access (s.45).
  'retention:review': ['registrar', 'system'],
  'record:restrict': ['registrar'],
  'record:erase': ['registrar'],
  'subject-access:export': ['registrar'],
  // Sharing a case with another agency is for those who manage it; the service checks they do.
  'record:share': ['registrar', 'offender-manager'],
  // "Need to know": justified, time-limited, flagged to the managing organisation for review.
  'record:need-to-know': ['registrar', 'offender-manager', 'mappa-coordinator'],
  'need-to-know:review': ['registrar', 'offender-manager'],
}

/** Every action there is: API token scopes must name these (or "*"). */
export const actions = Object.keys(allowed) as Action[]

/** Actions only police may take, whatever the role says (registrars are police). */
const policeOnly: ReadonlySet<Action> = new Set(['registration:decide', 'notification:record'])

/** "Need to know" is for "a police or MAPPA officer elsewhere" (decision 0008), not a probation or other agency's. */
const needToKnowOrganisations: ReadonlySet<string> = new Set(['police', 'mappa'])

export function can(actor: Actor, action: Action): boolean {
  if (actor.scopes !== undefined && !actor.scopes.includes(action) && !actor.scopes.includes('*')) return false
  if (policeOnly.has(action) && actor.organisationKind !== 'police' && !actor.roles.includes('system')) return false
  if (
    action === 'record:need-to-know' &&
    !needToKnowOrganisations.has(actor.organisationKind) &&
    !actor.roles.includes('system')
  )
    return false
  return actor.roles.some((role) => allowed[action].includes(role))
}

export function authorise(actor: Actor, action: Action): void {
  if (!can(actor, action)) throw new Forbidden(`your role does not allow ${action}`, action)
}

/**
 * Object level: a person's record belongs to its managing organisation.
 * The system, and national roles, see every record; others only their own
 * organisation's (shares and need-to-know come with access control).
 */
export function canSeeRecord(actor: Actor, managingOrgId: string): boolean {
  return actor.roles.includes('system') || actor.organisationId === managingOrgId
}
