import type { FastifyRequest } from 'fastify'
import type { ApiServer } from '../../api/route-kit.ts'
import { can } from '../../app/access.ts'
import type { Actor } from '../../app/actor.ts'
import type { AppContext } from '../../app/context.ts'
import {
  type FactView,
  isRecordPart,
  type ObligationView,
  type PersonRecordView,
  type RecordPart,
  viewPersonRecord,
} from '../../app/person-view.ts'
import { readPhotograph } from '../../app/photographs.ts'
import { offence, resolveOffenceCode } from '../../domain/offences/offences.ts'
import { isPolicyId, policyById } from '../../domain/policies/registry.ts'
import { allItems } from '../../domain/register/profiles.ts'
import { addError, confirmation, hasErrors, noErrors, page, pageCall } from '../page-kit.ts'
import { render, ukDate } from '../view.ts'

// A person's record (issue 6, item 4): a header with who they are and how
// their case stands, and the record in parts, each its own page. Reading a
// record is a consultation that needs a reason (DPA 2018 s.62(3)(a)): a
// record opened without one goes first to "Why are you viewing this record?",
// and the reason then travels on every link as `because=`. What each reader
// sees, and the audit entry for each view, come from the service
// (src/app/person-view.ts); this file only words and lays it out.

const partNames: Record<RecordPart, string> = {
  summary: 'Summary',
  obligations: 'Obligations',
  addresses: 'Addresses and travel',
  identity: 'Identity and finance',
  relationships: 'Relationships and households',
  convictions: 'Convictions and orders',
  risk: 'Risk',
  victims: 'Victims',
  timeline: 'Timeline',
  documents: 'Documents',
}

const partPath = (personId: string, part: RecordPart) =>
  `/people/${encodeURIComponent(personId)}${part === 'summary' ? '' : `/${part}`}`

/** The reasons most views have; "Other" asks for the reader's own words. */
const reasons = [
  { value: 'managing', text: 'Managing this case' },
  { value: 'recording', text: 'Recording a notification or visit' },
  { value: 'responding', text: 'Responding to a risk or incident' },
  { value: 'mappa', text: 'Preparing for a MAPPA meeting' },
] as const

/** Confirmations the recording pages may ask a part of the record to show after their redirect. */
const confirmations: Record<string, string> = {
  notification: 'Notification recorded',
  visit: 'Home visit recorded',
  'risk-assessment': 'Risk assessment recorded',
  'risk-management-plan': 'Risk management plan recorded',
  'breach-outcome': 'Breach outcome recorded',
  'person-added': 'Person added to the register',
  referral: 'Referred for registration',
  registered: 'Registration recorded',
  notice: 'Notice served recorded',
}

const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>
const paramsOf = (request: FastifyRequest) => request.params as Record<string, string>
const textOf = (value: unknown) => (typeof value === 'string' ? value.trim() : '')

export function personPages(server: ApiServer, app: AppContext): void {
  const reading = page({ action: 'person:read', personal: true })
  const justificationRequired = () => app.settings.consultationJustification === 'required'

  // Asking why reads nothing about the person, so it says nothing about whether they exist.
  server.get('/people/:id/why', page({ action: 'person:read', personal: false }), async (request, reply) => {
    const personId = paramsOf(request).id ?? ''
    const query = queryOf(request)
    const next = textOf(query.next)
    const part: RecordPart = isRecordPart(next) ? next : 'summary'
    const reason = textOf(query.reason)
    const other = textOf(query.other)
    // A confirmation from the page that sent the user here survives the question.
    const done = textOf(query.done) in confirmations ? textOf(query.done) : ''
    const errors = noErrors()
    if (query.asked !== undefined) {
      const chosen = reasons.find((r) => r.value === reason)
      if (chosen === undefined && reason !== 'other')
        addError(errors, 'reason', 'Select why you are viewing this record')
      else if (reason === 'other' && other === '') addError(errors, 'other', 'Enter why you are viewing this record')
      else if (reason === 'other' && other.length < 3)
        addError(errors, 'other', 'Why you are viewing this record must be 3 characters or more')
      else if (reason === 'other' && other.length > 500)
        addError(errors, 'other', 'Why you are viewing this record must be 500 characters or fewer')
      if (!hasErrors(errors)) {
        const because = chosen?.text ?? other
        const then = done === '' ? '' : `&done=${encodeURIComponent(done)}`
        return reply.redirect(`${partPath(personId, part)}?because=${encodeURIComponent(because)}${then}`, 303)
      }
    }
    return render(
      request,
      reply,
      'person/why.njk',
      {
        pageTitle: 'Why are you viewing this record?',
        action: `/people/${encodeURIComponent(personId)}/why`,
        next: part,
        done,
        reasons: [
          ...reasons.map((r) => ({ value: r.value, text: r.text, checked: r.value === reason })),
          { value: 'other', text: 'Other', checked: reason === 'other' },
        ],
        other,
        ...errors,
      },
      hasErrors(errors) ? 422 : 200,
    )
  })

  for (const part of Object.keys(partNames) as RecordPart[]) {
    const path = part === 'summary' ? '/people/:id' : `/people/:id/${part}`
    server.get(path, reading, async (request, reply) => {
      const personId = paramsOf(request).id ?? ''
      const query = queryOf(request)
      const because = textOf(query.because)
      if (justificationRequired() && because.length < 3) {
        const done = textOf(query.done) in confirmations ? `&done=${encodeURIComponent(textOf(query.done))}` : ''
        return reply.redirect(`/people/${encodeURIComponent(personId)}/why?next=${part}${done}`, 303)
      }
      const before = textOf(query.before)
      const olderThan = /^\d{1,18}$/.test(before) ? Number(before) : undefined
      const view = await viewPersonRecord(pageCall(app, request), personId, part, {
        ...(olderThan === undefined ? {} : { olderThan }),
      })
      const actor = request.actor as Actor
      return render(request, reply, `person/${part}.njk`, {
        pageTitle: `${partNames[part]} – ${view.header.givenNames} ${view.header.familyName}`,
        success: confirmation(request, confirmations),
        olderPage: olderThan !== undefined,
        ...recordContext(view, actor, because),
      })
    })
  }

  // Photographs are read one at a time through the same service as the API, each an audited consultation.
  server.get('/people/:id/photographs/:photographId', reading, async (request, reply) => {
    const { id, photographId } = paramsOf(request)
    const photo = await readPhotograph(pageCall(app, request), photographId ?? '', id ?? '')
    return reply
      .type(photo.contentType)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'inline')
      .send(photo.bytes)
  })
}

/** Everything a part's template needs: the header, the links (each keeping the reason) and the part's tables. */
function recordContext(view: PersonRecordView, actor: Actor, because: string) {
  const header = view.header
  const personId = header.id
  const q = because === '' ? '' : `?because=${encodeURIComponent(because)}`
  const withReason = (path: string) => `${path}${q}`
  const name = `${header.givenNames} ${header.familyName}`
  const registration = header.registration
  const active = registration?.status === 'active'
  const writable = view.canWrite
  const actions = [
    {
      text: 'Record a notification',
      href: `/people/${personId}/notifications/new`,
      show: writable && active && can(actor, 'notification:record'),
    },
    {
      text: 'Record a home visit',
      href: `/people/${personId}/visits/new`,
      show: writable && can(actor, 'visit:record'),
    },
    {
      text: 'Record a risk assessment',
      href: `/people/${personId}/risk-assessments/new`,
      show: writable && can(actor, 'person:write'),
    },
    {
      text: 'Record a risk management plan',
      href: `/people/${personId}/risk-management-plans/new`,
      show: writable && can(actor, 'person:write'),
    },
    {
      text: 'Refer for registration',
      href: `/people/${personId}/referral`,
      show: writable && (header.status === 'recorded' || header.status === 'ended') && can(actor, 'registration:refer'),
    },
  ]
    .filter((action) => action.show)
    .map(({ text, href }) => ({ text, href: withReason(href) }))
  const decideBreaches = writable && can(actor, 'breach:decide')

  const facts = Object.fromEntries(
    Object.entries(view.facts).map(([kind, lists]) => [kind, factTables(kind, lists)]),
  ) as Record<string, FactTables>

  return {
    person: header,
    name,
    because,
    q,
    part: view.part,
    partTitle: partNames[view.part],
    reach: view.reach,
    subNavigation: view.parts.map((part) => ({
      text: partNames[part],
      href: withReason(partPath(personId, part)),
      active: part === view.part,
    })),
    headerRows: headerRows(header, view),
    keyDetails: view.part === 'summary' ? keyDetails(view) : [],
    actions,
    facts,
    hiddenSections: view.sectionsHidden.map(sectionName),
    sectionShown: Object.fromEntries(view.sectionsShown.map((section) => [section, true])),
    identity: view.identity,
    photograph:
      view.photograph === null || view.photograph === undefined
        ? undefined
        : photographOf(view.photograph, personId, name, withReason),
    compliance: view.obligations === undefined ? undefined : complianceOf(view, decideBreaches, withReason),
    victims: view.victims?.map((victim) => victimRows(victim)),
    victimsWithheld: view.victims?.some((victim) => victim.view === 'without-contact') ?? false,
    timeline: view.timeline === undefined ? undefined : timelineOf(view, withReason),
    documents:
      view.documents === undefined
        ? undefined
        : {
            notices: view.documents.registrations.map((r) => [
              { text: policyName(String(r.policyId)) },
              { text: ukDate(r.registeredOn) },
              { text: r.noticeServedOn ? ukDate(r.noticeServedOn) : 'Not yet served' },
              { text: humanise(String(r.status)) },
              {
                html: link(
                  withReason(`/registrations/${r.id}/notice`),
                  'View notice',
                  `registered ${ukDate(r.registeredOn)}`,
                ),
              },
            ]),
            determinations: view.documents.determinations.map((d) => [
              { text: ukDate(d.asOf) },
              { text: ukDate(String(d.decidedAt).slice(0, 10)) },
              {
                html: link(
                  withReason(`/people/${personId}/determinations/${d.id}`),
                  'View determination',
                  `as of ${ukDate(d.asOf)}`,
                ),
              },
            ]),
            photographs: view.documents.photographs.map((p) => photographOf(p, personId, name, withReason)),
          },
  }
}

// ---------------------------------------------------------------------------
// The header

function headerRows(header: PersonRecordView['header'], view: PersonRecordView) {
  const rows: { key: { text: string }; value: { text?: string; html?: string } }[] = []
  const row = (key: string, value: { text?: string; html?: string }) => rows.push({ key: { text: key }, value })
  row('Date of birth', { text: `${ukDate(header.dateOfBirth)} (age ${header.age})` })
  const registration = header.registration
  row('Registration', {
    html: registration
      ? `${tag(statusTag(header.status))} ${escapeHtml(registration.policyTitle)}`
      : tag(statusTag(header.status)),
  })
  if (registration !== null) {
    row('MAPPA', {
      text: [
        registration.mappaCategory === null ? 'No MAPPA category' : `Category ${registration.mappaCategory}`,
        registration.mappaLevelProposed === null
          ? 'level not proposed'
          : `level ${registration.mappaLevelProposed} (proposed)`,
      ].join(', '),
    })
  }
  row('Risk level', { html: header.riskLevel === null ? 'Not assessed' : tag(riskTag(header.riskLevel)) })
  const officer = header.responsibleOfficer
  row('Responsible officer', {
    html:
      officer === null
        ? 'None assigned'
        : [
            escapeHtml(officer.name),
            `<a class="govuk-link" href="mailto:${escapeHtml(officer.email)}">${escapeHtml(officer.email)}</a>`,
            ...(officer.phone ? [escapeHtml(officer.phone)] : []),
          ].join('<br>'),
  })
  row('Managed by', { text: header.managingOrganisation.name })
  if (view.reach !== 'managing') row('Your access', { text: reachName[view.reach] })
  return rows
}

/** The summary's key facts: where they live, other names, phones, the latest risk assessment, the registration's dates. */
function keyDetails(view: PersonRecordView) {
  const rows: { key: { text: string }; value: { text: string } }[] = []
  const row = (key: string, value: string) => rows.push({ key: { text: key }, value: { text: value } })
  const current = (kind: string) => view.facts[kind]?.current ?? []
  if (view.facts.address !== undefined) {
    const home = current('address').find((f) => f.data.addressType !== 'other-7-days')
    row(
      'Home address',
      home === undefined
        ? 'Not recorded'
        : home.data.addressType === 'no-fixed-abode'
          ? `No fixed abode: ${s(home.data.weeklyLocation)}`
          : addressOf(home.data),
    )
  }
  if (view.facts.name !== undefined) {
    const names = current('name').map((f) => `${s(f.data.givenNames)} ${s(f.data.familyName)}`)
    row('Other names', names.length > 0 ? names.join(', ') : 'None recorded')
  }
  if (view.facts.phone !== undefined) {
    const phones = current('phone').map((f) => s(f.data.number))
    row('Phone', phones.length > 0 ? phones.join(', ') : 'None recorded')
  }
  if (view.facts['risk-assessment'] !== undefined) {
    const latest = [...current('risk-assessment')].sort((a, b) => s(b.data.date).localeCompare(s(a.data.date)))[0]
    row(
      'Latest risk assessment',
      latest === undefined
        ? 'None recorded'
        : `${latest.data.rosh ? humanise(s(latest.data.rosh)) : 'No level given'} (${s(latest.data.tool)}, ${ukDate(latest.data.date)})`,
    )
  }
  const registration = view.header.registration
  if (registration !== null) {
    row('Registered on', ukDate(registration.registeredOn))
    row('Notice served', registration.noticeServedOn ? ukDate(registration.noticeServedOn) : 'Not yet served')
    if (registration.status === 'active') {
      row(
        'Requirements end',
        registration.lastDay
          ? ukDate(registration.lastDay)
          : `Indefinite${registration.reviewDate ? `; review from ${ukDate(registration.reviewDate)}` : ''}`,
      )
      if (!registration.notificationDuties) row('Notification', 'This policy sets no notification requirements')
      if (registration.inCustody) row('Custody', 'In custody: the 3-day periods run from release')
      if (registration.noFixedAbode) row('No fixed abode', 'Weekly notification')
    } else {
      row('Ended on', ukDate(registration.endedOn))
    }
  }
  return rows
}

const reachName: Record<PersonRecordView['reach'], string> = {
  managing: 'Your organisation manages this record',
  'co-managing': 'Shared with your organisation in full (co-managing)',
  plan: 'Shared with your organisation by a risk management plan',
  'need-to-know': 'Need to know (time-limited, reviewed by the managing organisation)',
}

const sectionNames: Record<string, string> = {
  identity: 'identity',
  contact: 'contact details',
  addresses: 'addresses',
  travel: 'travel',
  finance: 'financial details',
  relationships: 'relationships and households',
  description: 'description and photographs',
  offending: 'offending',
  orders: 'orders and licence conditions',
  risk: 'risk',
  registration: 'registration',
  compliance: 'obligations and compliance',
  victims: 'victims',
}
const sectionName = (section: string) => sectionNames[section] ?? section

interface Tag {
  text: string
  colour: string
}
const tag = (t: Tag) => `<strong class="govuk-tag govuk-tag--${t.colour}">${escapeHtml(t.text)}</strong>`

function statusTag(status: string): Tag {
  const colours: Record<string, string> = {
    recorded: 'grey',
    referred: 'blue',
    registered: 'green',
    ended: 'grey',
    archived: 'grey',
  }
  return { text: humanise(status), colour: colours[status] ?? 'grey' }
}

function riskTag(level: string): Tag {
  const colours: Record<string, string> = { low: 'green', medium: 'yellow', high: 'orange', 'very-high': 'red' }
  return { text: humanise(level), colour: colours[level] ?? 'grey' }
}

const obligationTags: Record<ObligationView['status'], Tag> = {
  overdue: { text: 'Overdue', colour: 'red' },
  due: { text: 'Due soon', colour: 'yellow' },
  upcoming: { text: 'Upcoming', colour: 'grey' },
  met: { text: 'Met', colour: 'green' },
  'met-late': { text: 'Met late', colour: 'orange' },
}

// ---------------------------------------------------------------------------
// Obligations, notifications, visits and suspected breaches

const obligationKinds: Record<string, string> = {
  'initial-notification': 'Initial notification',
  'periodic-notification': 'Periodic notification',
  'change-notification': 'Notification of a change',
  'travel-notification': 'Travel notification',
  'home-visit': 'Home visit',
}

const notificationKinds: Record<string, string> = {
  initial: 'Initial',
  change: 'Change of details',
  periodic: 'Periodic',
  travel: 'Travel abroad',
  'travel-return': 'Return from travel',
  release: 'Release from custody',
}

const outcomes: Record<string, string> = {
  'reasonable-excuse': 'Reasonable excuse',
  advice: 'Advice given',
  caution: 'Cautioned',
  charged: 'Charged',
  'no-breach': 'No breach',
}

const itemLabels = new Map(allItems.map((item) => [item.id, item.label]))

function complianceOf(view: PersonRecordView, decideBreaches: boolean, withReason: (path: string) => string) {
  const obligations = view.obligations ?? []
  const obligationRow = (o: ObligationView) => [
    { text: o.title },
    { text: o.holder === 'registrant' ? 'Registrant' : 'Managing agency' },
    { text: ukDate(o.dueOn) },
    { html: tag(obligationTags[o.status]) },
    { text: o.provision },
  ]
  const metRow = (o: ObligationView) => [
    { text: o.title },
    { text: ukDate(o.dueOn) },
    { text: o.metOn ? ukDate(o.metOn) : '' },
    { html: tag(obligationTags[o.status]) },
    { text: o.provision },
  ]
  const breaches = view.breaches ?? []
  const breachRow = (b: Record<string, unknown>) => [
    { text: obligationKinds[String(b.obligationKind)] ?? humanise(String(b.obligationKind)) },
    { text: ukDate(b.dueOn) },
    { text: ukDate(b.detectedOn) },
    { text: String(b.provision) },
    b.status === 'suspected'
      ? decideBreaches
        ? {
            html: link(
              withReason(`/breaches/${b.id}/outcome`),
              'Record outcome',
              `for the ${obligationKinds[String(b.obligationKind)]?.toLowerCase() ?? 'obligation'} due ${ukDate(b.dueOn)}`,
            ),
          }
        : { html: tag({ text: 'Open', colour: 'red' }) }
      : { text: `${outcomes[String(b.outcome)] ?? 'Closed'}${b.outcomeOn ? ` (${ukDate(b.outcomeOn)})` : ''}` },
  ]
  const overdue = obligations.filter((o) => o.status === 'overdue')
  const due = obligations.filter((o) => o.status === 'due' || o.status === 'upcoming')
  const met = obligations.filter((o) => o.status === 'met' || o.status === 'met-late')
  return {
    counts: {
      overdue: overdue.length,
      dueSoon: obligations.filter((o) => o.status === 'due').length,
      openBreaches: breaches.filter((b) => b.status === 'suspected').length,
    },
    nextDue: due[0] === undefined ? undefined : { title: due[0].title, dueOn: ukDate(due[0].dueOn) },
    overdue: overdue.map(obligationRow),
    due: due.map(obligationRow),
    met: met.map(metRow),
    openBreaches: breaches.filter((b) => b.status === 'suspected').map(breachRow),
    closedBreaches: breaches.filter((b) => b.status !== 'suspected').map(breachRow),
    notifications: (view.notifications ?? []).map((n) => [
      { text: ukDate(n.receivedOn) },
      { text: notificationKinds[String(n.kind)] ?? humanise(String(n.kind)) },
      { text: n.eventDate ? ukDate(n.eventDate) : n.departureDate ? `Departs ${ukDate(n.departureDate)}` : '' },
      { text: ((n.items as string[] | null) ?? []).map((item) => itemLabels.get(item) ?? humanise(item)).join(', ') },
      { text: String(n.station ?? n.receivedBy ?? '') },
    ]),
    visits: (view.visits ?? []).map((v) => [
      { text: ukDate(v.visitedOn) },
      { text: humanise(String(v.outcome)) },
      { text: String(v.notes ?? '') },
      { text: String(v.recordedBy ?? '') },
    ]),
  }
}

// ---------------------------------------------------------------------------
// Facts: one table of current facts and one of previous ones per kind

interface Column {
  label: string
  value: (data: Record<string, unknown>) => string
}

interface FactSpec {
  /** Plural, for the table caption: "Addresses". */
  title: string
  columns: Column[]
  /** The kind has a period of its own (valid from, valid to). */
  period: boolean
}

interface FactTables {
  title: string
  head: { text: string }[]
  current: { text: string }[][]
  previous: { text: string }[][]
  previousHead: { text: string }[]
}

const s = (value: unknown) => (value === undefined || value === null ? '' : String(value))
const yesNo = (value: unknown) => (value === true ? 'Yes' : value === false ? 'No' : '')
const addressOf = (data: Record<string, unknown>) =>
  [data.line1, data.line2, data.town, data.postcode]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(', ')
const regionNames = new Intl.DisplayNames(['en-GB'], { type: 'region' })
const countryName = (code: unknown) => {
  try {
    return regionNames.of(String(code)) ?? String(code)
  } catch {
    return String(code)
  }
}
const offenceName = (code: unknown) => {
  const resolved = resolveOffenceCode(String(code))
  return resolved === undefined ? s(code) : offence(resolved).title
}

function disposalOf(disposal: unknown): string {
  const d = (disposal ?? {}) as Record<string, unknown>
  const months = typeof d.months === 'number' ? `, ${d.months} months` : ''
  switch (d.type) {
    case 'custody':
      if (d.life === true) return 'Life imprisonment'
      return `${d.suspended === true ? 'Suspended sentence' : 'Custody'}${months}`
    case 'hospital-order':
      return d.restriction === true ? 'Hospital order with restriction' : 'Hospital order'
    case 'community':
      return `Community order${months}`
    case 'fine':
      return 'Fine'
    case 'conditional-discharge':
      return `Conditional discharge${months}`
    case 'absolute-discharge':
      return 'Absolute discharge'
    default:
      return humanise(s(d.type))
  }
}

const factSpecs: Record<string, FactSpec> = {
  address: {
    title: 'Addresses',
    period: true,
    columns: [
      {
        label: 'Type',
        value: (d) =>
          ({ home: 'Home', 'other-7-days': 'Other address (7 days or more)', 'no-fixed-abode': 'No fixed abode' })[
            s(d.addressType)
          ] ?? humanise(s(d.addressType)),
      },
      { label: 'Address', value: (d) => addressOf(d) || s(d.weeklyLocation) },
    ],
  },
  'foreign-travel': {
    title: 'Travel abroad',
    period: false,
    columns: [
      { label: 'Departs', value: (d) => ukDate(d.departureDate) },
      { label: 'Returns', value: (d) => (d.returnDate ? ukDate(d.returnDate) : 'Not given') },
      { label: 'Destinations', value: (d) => ((d.destinations as string[]) ?? []).map(countryName).join(', ') },
      { label: 'Leaving from', value: (d) => s(d.departurePoint) },
      { label: 'Carrier', value: (d) => s(d.carrier) },
      { label: 'First night', value: (d) => s(d.firstNightAccommodation) },
    ],
  },
  name: {
    title: 'Other names',
    period: true,
    columns: [
      { label: 'Type', value: (d) => humanise(s(d.nameType)) },
      { label: 'Name', value: (d) => `${s(d.givenNames)} ${s(d.familyName)}` },
    ],
  },
  'identity-document': {
    title: 'Identity documents',
    period: true,
    columns: [
      { label: 'Document', value: (d) => humanise(s(d.documentType)) },
      { label: 'Number', value: (d) => s(d.number) },
      { label: 'Issued by', value: (d) => countryName(d.issuingCountry) },
      { label: 'Expires', value: (d) => ukDate(d.expiresOn) },
    ],
  },
  phone: { title: 'Phone numbers', period: true, columns: [{ label: 'Number', value: (d) => s(d.number) }] },
  email: { title: 'Email addresses', period: true, columns: [{ label: 'Address', value: (d) => s(d.address) }] },
  'online-identity': {
    title: 'Online names',
    period: true,
    columns: [
      { label: 'Platform', value: (d) => s(d.platform) },
      { label: 'Name', value: (d) => s(d.handle) },
      { label: 'Dating profile', value: (d) => yesNo(d.datingProfile) },
    ],
  },
  'physical-description': {
    title: 'Physical description',
    period: true,
    columns: [
      { label: 'Height', value: (d) => (typeof d.heightCm === 'number' ? `${d.heightCm} cm` : '') },
      { label: 'Build', value: (d) => s(d.build) },
      { label: 'Eyes', value: (d) => s(d.eyeColour) },
      { label: 'Hair', value: (d) => s(d.hair) },
      { label: 'Appearance', value: (d) => s(d.ethnicAppearance) },
    ],
  },
  mark: {
    title: 'Scars, marks and tattoos',
    period: true,
    columns: [
      { label: 'Type', value: (d) => humanise(s(d.markType)) },
      { label: 'Where', value: (d) => s(d.bodyLocation) },
      { label: 'Description', value: (d) => s(d.description) },
    ],
  },
  vehicle: {
    title: 'Vehicles',
    period: true,
    columns: [
      { label: 'Registration', value: (d) => s(d.registration) },
      { label: 'Make and model', value: (d) => [d.make, d.model].filter(Boolean).join(' ') },
      { label: 'Colour', value: (d) => s(d.colour) },
    ],
  },
  'bank-account': {
    title: 'Bank accounts',
    period: true,
    columns: [
      { label: 'Bank', value: (d) => s(d.institution) },
      { label: 'Account name', value: (d) => s(d.accountName) },
      { label: 'Sort code', value: (d) => s(d.sortCode) },
      { label: 'Account ending', value: (d) => s(d.accountNumberLast4) },
      { label: 'Joint', value: (d) => yesNo(d.joint) },
    ],
  },
  card: {
    title: 'Cards',
    period: true,
    columns: [
      { label: 'Issuer', value: (d) => s(d.issuer) },
      { label: 'Type', value: (d) => humanise(s(d.cardType)) },
      { label: 'Card ending', value: (d) => s(d.last4) },
      { label: 'Expires', value: (d) => s(d.expires) },
    ],
  },
  relationship: {
    title: 'Relationships',
    period: true,
    columns: [
      { label: 'Relationship', value: (d) => humanise(s(d.relationshipType)) },
      { label: 'With', value: (d) => s(d.otherPartyName) },
      { label: 'Joint commitments', value: (d) => s(d.jointCommitments) },
    ],
  },
  'child-household': {
    title: 'Households with a child',
    period: true,
    columns: [
      { label: 'Address', value: addressOf },
      { label: 'When', value: (d) => s(d.intendedPeriods) },
    ],
  },
  conviction: {
    title: 'Convictions',
    period: false,
    columns: [
      { label: 'Convicted', value: (d) => ukDate(d.date) },
      { label: 'Offence', value: (d) => offenceName(d.offence) },
      { label: 'Sentence', value: (d) => disposalOf(d.disposal) },
      { label: 'Domestic abuse', value: (d) => yesNo(d.domesticAbuse) },
      { label: 'Released', value: (d) => ukDate(d.releasedOn) },
    ],
  },
  caution: {
    title: 'Cautions',
    period: false,
    columns: [
      { label: 'Cautioned', value: (d) => ukDate(d.date) },
      { label: 'Offence', value: (d) => offenceName(d.offence) },
      { label: 'Conditional', value: (d) => yesNo(d.conditional) },
      { label: 'Domestic abuse', value: (d) => yesNo(d.domesticAbuse) },
    ],
  },
  incident: {
    title: 'Incidents',
    period: false,
    columns: [
      { label: 'Date', value: (d) => ukDate(d.date) },
      { label: 'Role', value: (d) => humanise(s(d.role)) },
      { label: 'Relationship', value: (d) => humanise(s(d.relationship)) },
      { label: 'Domestic abuse', value: (d) => yesNo(d.domesticAbuse) },
    ],
  },
  'modus-operandi': {
    title: 'How they offend',
    period: true,
    columns: [
      { label: 'Pattern', value: (d) => ((d.typology as string[]) ?? []).map(humanise).join(', ') },
      { label: 'Description', value: (d) => s(d.description) },
    ],
  },
  'civil-order': {
    title: 'Orders',
    period: false,
    columns: [
      { label: 'Order', value: (d) => humanise(s(d.orderType)) },
      { label: 'Court', value: (d) => s(d.court) },
      { label: 'Made', value: (d) => ukDate(d.madeOn) },
      {
        label: 'Until',
        value: (d) => (d.expiresOn ? ukDate(d.expiresOn) : d.untilFurtherOrder === true ? 'Further order' : ''),
      },
      { label: 'Conditions', value: (d) => ((d.conditions as string[]) ?? []).join('; ') },
    ],
  },
  'licence-condition': {
    title: 'Licence conditions',
    period: true,
    columns: [{ label: 'Condition', value: (d) => s(d.condition) }],
  },
  'risk-assessment': {
    title: 'Risk assessments',
    period: false,
    columns: [
      { label: 'Assessed', value: (d) => ukDate(d.date) },
      { label: 'Tool', value: (d) => s(d.tool) },
      { label: 'Risk of serious harm', value: (d) => (d.rosh ? humanise(s(d.rosh)) : 'Not given') },
    ],
  },
  'risk-management-plan': {
    title: 'Risk management plans',
    period: true,
    columns: [
      { label: 'Plan', value: (d) => s(d.summary) },
      {
        label: 'Actions',
        value: (d) =>
          ((d.actions as { action: string; owner: string; dueOn?: string }[]) ?? [])
            .map((a) => `${a.action} (${a.owner}${a.dueOn ? `, by ${ukDate(a.dueOn)}` : ''})`)
            .join('; '),
      },
      {
        label: 'Shared with partners',
        value: (d) => ((d.sharedWithPartners as string[]) ?? []).map(sectionName).join(', ') || 'Nothing',
      },
      { label: 'Review', value: (d) => ukDate(d.reviewOn) },
    ],
  },
  programme: {
    title: 'Programmes',
    period: true,
    columns: [
      { label: 'Programme', value: (d) => s(d.programme) },
      { label: 'Provider', value: (d) => s(d.provider) },
      { label: 'Outcome', value: (d) => humanise(s(d.outcome)) },
    ],
  },
}

function factTables(kind: string, lists: { current: FactView[]; previous: FactView[] }): FactTables {
  const spec = factSpecs[kind] ?? { title: humanise(kind), period: true, columns: [] }
  const cells = (fact: FactView) => spec.columns.map((column) => ({ text: column.value(fact.data) }))
  const period = (fact: FactView) =>
    spec.period
      ? [
          { text: fact.validFrom ? ukDate(fact.validFrom) : 'Not known' },
          { text: fact.validTo ? ukDate(fact.validTo) : '' },
        ]
      : []
  const head = [
    ...spec.columns.map((c) => ({ text: c.label })),
    ...(spec.period ? [{ text: 'From' }, { text: 'To' }] : []),
  ]
  return {
    title: spec.title,
    head,
    current: lists.current.map((fact) => [...cells(fact), ...period(fact)]),
    previous: lists.previous.map((fact) => [
      ...cells(fact),
      ...period(fact),
      { text: fact.supersededAt ? ukDate(fact.supersededAt.slice(0, 10)) : '' },
    ]),
    previousHead: [...head, { text: 'Replaced on' }],
  }
}

// ---------------------------------------------------------------------------
// Victims, the timeline and documents

function victimRows(victim: NonNullable<PersonRecordView['victims']>[number]) {
  const d = victim.data
  const rows: { key: { text: string }; value: { text: string } }[] = []
  const row = (key: string, value: string) => {
    if (value !== '') rows.push({ key: { text: key }, value: { text: value } })
  }
  row('Relationship to them', humanise(s(victim.relationship)))
  row('Date of birth', ukDate(d.dateOfBirth))
  row('Victim Contact Scheme', humanise(s(d.victimContactScheme)))
  if (victim.view === 'full') {
    row('Address', d.address ? addressOf(d.address as Record<string, unknown>) : 'Not recorded')
    row('Phone', s(d.phone) || 'Not recorded')
    row('Email', s(d.email))
    row('Safe contact', s(d.safeContact))
    row('Notes', s(d.notes))
  }
  return { name: `${s(d.givenNames)} ${s(d.familyName)}`, full: victim.view === 'full', rows }
}

const timelineKinds: Record<string, string> = {
  'person-recorded': 'Recorded on the register',
  'person-updated': 'Details changed',
  'fact-recorded': 'Information recorded',
  'fact-superseded': 'Information changed',
  'fact-ended': 'Information ended',
  'risk-level-changed': 'Risk level changed',
  referred: 'Referred for registration',
  determined: 'Eligibility determined',
  registered: 'Registered',
  'notice-served': 'Notice served',
  'notification-initial': 'Initial notification received',
  'notification-change': 'Notification of a change received',
  'notification-periodic': 'Periodic notification received',
  'notification-travel': 'Travel notification received',
  'notification-travel-return': 'Return from travel notified',
  'notification-release': 'Release from custody notified',
  'profile-adjusted': 'Notification profile changed',
  reviewed: 'Indefinite requirements reviewed',
  'registration-ended': 'Registration ended',
  archived: 'Archived',
  photograph: 'Photograph added',
  'victim-linked': 'Victim linked',
  'record-shared': 'Record shared',
  'record-share-revoked': 'Share revoked',
  'need-to-know-opened': 'Need-to-know access opened',
  'need-to-know-reviewed': 'Need-to-know access reviewed',
  'home-visit': 'Home visit',
  'suspected-breach': 'Suspected breach',
  'breach-outcome': 'Breach outcome recorded',
  'restriction-lifted': 'Restriction lifted',
}

function timelineOf(view: PersonRecordView, withReason: (path: string) => string) {
  const timeline = view.timeline as NonNullable<PersonRecordView['timeline']>
  const base = withReason(`/people/${view.header.id}/timeline`)
  return {
    items: timeline.items.map((item) => ({
      title: timelineKinds[String(item.kind)] ?? humanise(String(item.kind)),
      by: item.actorName ? String(item.actorName) : 'the register',
      date: String(item.occurredOn),
      // A recorded fact's summary names its kind as stored ("Recorded bank-account"): say it in words.
      summary:
        item.kind === 'fact-recorded' && typeof item.factKind === 'string'
          ? `Recorded ${humanise(item.factKind).toLowerCase()}`
          : capitalFirst(String(item.summary)),
    })),
    older:
      timeline.olderThan === null ? undefined : `${base}${base.includes('?') ? '&' : '?'}before=${timeline.olderThan}`,
    newest: base,
  }
}

function photographOf(
  photo: Record<string, unknown>,
  personId: string,
  name: string,
  withReason: (path: string) => string,
) {
  const taken = photo.takenOn
    ? `taken on ${ukDate(photo.takenOn)}`
    : `recorded on ${ukDate(String(photo.recordedAt).slice(0, 10))}`
  return {
    src: withReason(`/people/${personId}/photographs/${photo.id}`),
    alt: `Photograph of ${name}, ${taken}`,
    caption: photo.caption ? String(photo.caption) : `Photograph ${taken}`,
    width: photo.width,
    height: photo.height,
  }
}

const policyName = (id: string) => (isPolicyId(id) ? policyById(id).title : id)

// ---------------------------------------------------------------------------
// Words

const capitalFirst = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`

/** "very-high" → "Very high". */
function humanise(value: string): string {
  if (value === '') return ''
  const words = value.replace(/[-_]/g, ' ')
  return `${words[0]?.toUpperCase() ?? ''}${words.slice(1)}`
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** A link whose purpose is clear out of context: the visible words, then the rest for screen readers. */
const link = (href: string, text: string, hidden: string) =>
  `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}<span class="govuk-visually-hidden"> ${escapeHtml(hidden)}</span></a>`
