// Field-level access to a person's record (ASVS 8.2.3; DPA 2018 s.57(4): only
// what each purpose needs). A record is read in sections; who sees which
// depends on their role and how they reach the record. Pure: the services
// work out the reach and apply the answer.

/** The parts of a person's record, as a probation officer would name them. */
export type Section =
  | 'identity'
  | 'contact'
  | 'addresses'
  | 'travel'
  | 'finance'
  | 'relationships'
  | 'description'
  | 'offending'
  | 'orders'
  | 'risk'
  | 'registration'
  | 'compliance'
  | 'victims'

export const sections: readonly Section[] = [
  'identity',
  'contact',
  'addresses',
  'travel',
  'finance',
  'relationships',
  'description',
  'offending',
  'orders',
  'risk',
  'registration',
  'compliance',
  'victims',
]

/** The section each kind of fact belongs to. */
export const factSection: Readonly<Record<string, Section>> = {
  name: 'identity',
  'identity-document': 'identity',
  'online-identity': 'contact',
  phone: 'contact',
  email: 'contact',
  address: 'addresses',
  'foreign-travel': 'travel',
  'bank-account': 'finance',
  card: 'finance',
  relationship: 'relationships',
  'child-household': 'relationships',
  vehicle: 'description',
  'physical-description': 'description',
  mark: 'description',
  'modus-operandi': 'offending',
  conviction: 'offending',
  caution: 'offending',
  incident: 'offending',
  'civil-order': 'orders',
  'licence-condition': 'orders',
  programme: 'risk',
  'risk-management-plan': 'risk',
  'risk-assessment': 'risk',
}

/**
 * How the viewer reaches the record:
 * - managing: their organisation manages it;
 * - co-managing: it is shared with their organisation in full (probation with police, a force after a move);
 * - plan: a risk management plan shares named sections with their partner agency;
 * - need-to-know: they declared a justified need, time-limited and flagged for review.
 */
export type Reach = 'managing' | 'co-managing' | 'plan' | 'need-to-know'

export interface Viewer {
  roles: readonly string[]
  organisationKind: string
}

/** What a partner agency may ever be shown, whatever a plan says: never finance, victims or offending detail. */
export const partnerShareable: readonly Section[] = [
  'identity',
  'contact',
  'addresses',
  'description',
  'orders',
  'risk',
  'registration',
]

const all = new Set(sections)
const without = (...excluded: Section[]) => new Set(sections.filter((s) => !excluded.includes(s)))

/** Police registrars and offender managers of a force that manages or co-manages the case. */
export function isCasePoliceManager(viewer: Viewer, reach: Reach | undefined): boolean {
  return (
    viewer.organisationKind === 'police' &&
    (reach === 'managing' || reach === 'co-managing') &&
    viewer.roles.some((role) => role === 'registrar' || role === 'offender-manager')
  )
}

/** The sections of the record the viewer may see. */
export function visibleSections(
  viewer: Viewer,
  reach: Reach,
  planShared: readonly Section[] = [],
): ReadonlySet<Section> {
  if (viewer.roles.includes('system')) return all
  const seen = new Set<Section>()
  const add = (list: Iterable<Section>) => {
    for (const section of list) seen.add(section)
  }
  // Financial details only to the case's police managers (issue 4, field-level rules).
  if (isCasePoliceManager(viewer, reach)) return all
  for (const role of viewer.roles) {
    if (reach === 'plan') {
      // A partner sees who the person is and what the plan shares with them, nothing else.
      if (role === 'partner-practitioner') add(['identity', ...planShared.filter((s) => partnerShareable.includes(s))])
      continue
    }
    if (reach === 'need-to-know') {
      // Enough to act on a risk now; not finance, contacts, relationships or victims.
      if (['registrar', 'offender-manager', 'mappa-coordinator'].includes(role)) {
        add(['identity', 'description', 'addresses', 'offending', 'orders', 'risk', 'registration'])
      }
      continue
    }
    if (role === 'offender-manager' || role === 'registrar' || role === 'mappa-coordinator') add(without('finance'))
    if (role === 'victim-liaison-officer') {
      add(['identity', 'description', 'addresses', 'orders', 'risk', 'registration', 'victims'])
    }
  }
  return seen
}

/**
 * What of a victim's record the viewer may see: their contact details and
 * addresses only to victim liaison officers and the case's police managers;
 * co-managing probation and MAPPA staff see who the victim is, not where.
 */
export type VictimView = 'full' | 'without-contact' | 'none'

export function victimView(viewer: Viewer, reach: Reach | undefined): VictimView {
  if (viewer.roles.includes('system')) return 'full'
  if (reach !== 'managing' && reach !== 'co-managing') return 'none'
  if (viewer.roles.includes('victim-liaison-officer') || isCasePoliceManager(viewer, reach)) return 'full'
  if (viewer.roles.some((role) => role === 'offender-manager' || role === 'mappa-coordinator' || role === 'registrar'))
    return 'without-contact'
  return 'none'
}

/** The fields of a victim's record that are contact details or say where they are. */
export const victimContactFields: readonly string[] = ['address', 'phone', 'email', 'safeContact', 'notes']

/** Writes need a record the viewer's organisation manages or co-manages; other reaches are read-only. */
export const canWrite = (reach: Reach | undefined) => reach === 'managing' || reach === 'co-managing'
