// Who is acting. Every application service takes one, so access rules live in
// one place (./access.ts) and the API, the pages and the CLI cannot disagree.

export type Role =
  | 'registrar'
  | 'offender-manager'
  | 'victim-liaison-officer'
  | 'mappa-coordinator'
  | 'partner-practitioner'
  | 'analyst'
  | 'auditor'
  | 'administrator'
  | 'system'

export const roles: readonly Role[] = [
  'registrar',
  'offender-manager',
  'victim-liaison-officer',
  'mappa-coordinator',
  'partner-practitioner',
  'analyst',
  'auditor',
  'administrator',
  'system',
]

export type OrganisationKind = 'police' | 'probation' | 'prison' | 'victim-liaison' | 'mappa' | 'partner' | 'national'

export interface Actor {
  userId: string
  organisationId: string
  organisationKind: OrganisationKind
  roles: readonly Role[]
  displayName: string
  /**
   * Where the action came from, for the audit trail (DPA 2018 s.62, ASVS 16.2.1):
   * "api 203.0.113.5", "web 203.0.113.5", "cli". Set by the adapter.
   */
  origin?: string
  /**
   * Set when the actor is an API token: the actions the token was issued for.
   * A token never does more than its user's roles allow, and no more than its scopes.
   */
  scopes?: readonly string[]
}

/** The register's own scheduled jobs (the compliance scan). */
export const systemActor: Actor = {
  userId: '00000000-0000-4000-8000-000000000000',
  organisationId: 'national:register',
  organisationKind: 'national',
  roles: ['system'],
  displayName: 'Register (scheduled job)',
}
