import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiServer } from '../../api/route-kit.ts'
import { systemActor } from '../../app/actor.ts'
import {
  type AuditEventJson,
  type AuditSearch,
  auditActorNames,
  auditSubjects,
  searchAudit,
  verifyAuditTrail,
} from '../../app/audit-trail.ts'
import type { AppContext } from '../../app/context.ts'
import { addDays, day, formatDay } from '../../domain/dates/day.ts'
import { auditOperations } from '../../store/audit-chain.ts'
import {
  addError,
  dateParts,
  type FormErrors,
  formFields,
  hasErrors,
  noErrors,
  page,
  pageCall,
  readDate,
} from '../page-kit.ts'
import { render } from '../view.ts'

// The audit trail for auditors (issue 6, item 8; DPA 2018 s.62(4)): search it
// by person, user, dates and category, a page at a time, and check its hash
// chain. The page calls the services the API calls (searchAudit,
// verifyAuditTrail), so it shows what an entry holds (ids, categories,
// justification, recipients, origin) and never a person's details, which the
// trail does not hold; each search and each check is itself logged.

const pageSize = 25
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const reference = /^[A-Z]{2,5}-\d{4}-\d{3,8}$/i
const cursorPattern = /^[1-9]\d{0,15}$/

const categoryWords: Record<string, string> = {
  collection: 'Collection: data entered the register',
  alteration: 'Alteration: data changed',
  consultation: 'Consultation: someone read personal data',
  disclosure: 'Disclosure: data given to someone',
  combination: 'Combination: data combined (scans)',
  erasure: 'Erasure: data erased',
  denied: 'Denied: an action or record refused',
  authentication: 'Authentication: signing in and out',
  administration: 'Administration: users and settings',
}

interface SearchForm {
  person: string
  user: string
  from: { day: string; month: string; year: string }
  to: { day: string; month: string; year: string }
  category: string
}

function readSearch(query: Record<string, string>): SearchForm {
  return {
    person: (query.person ?? '').trim(),
    user: (query.user ?? '').trim(),
    from: dateParts(query, 'from'),
    to: dateParts(query, 'to'),
    category: (query.category ?? '').trim(),
  }
}

const filled = (parts: SearchForm['from']) => parts.day !== '' || parts.month !== '' || parts.year !== ''

/** The form as the service's filters, or GOV.UK messages for what cannot be read. */
async function filtersOf(
  call: ReturnType<typeof pageCall>,
  form: SearchForm,
  errors: FormErrors,
): Promise<AuditSearch | undefined> {
  const filters: AuditSearch = {}
  const lookUp: { personReference?: string; userEmail?: string } = {}
  if (form.person !== '') {
    if (uuid.test(form.person)) filters.personId = form.person.toLowerCase()
    else if (reference.test(form.person)) lookUp.personReference = form.person
    else addError(errors, 'person', 'Enter a register reference, like DA-2026-000123, or a person’s id')
  }
  if (form.user !== '') {
    if (uuid.test(form.user)) filters.userId = form.user.toLowerCase()
    else if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.user)) lookUp.userEmail = form.user
    else addError(errors, 'user', 'Enter an email address, like name@example.com, or a user’s id')
  }
  let from: string | undefined
  let to: string | undefined
  if (filled(form.from)) {
    const read = readDate(form.from, 'Date from')
    if ('error' in read) addError(errors, 'from', read.error, 'from-day')
    else from = read.date
  }
  if (filled(form.to)) {
    const read = readDate(form.to, 'Date to')
    if ('error' in read) addError(errors, 'to', read.error, 'to-day')
    else to = read.date
  }
  if (from !== undefined && to !== undefined && to < from) {
    addError(errors, 'to', 'Date to must be the same as or after date from', 'to-day')
  }
  if (form.category !== '' && !(auditOperations as readonly string[]).includes(form.category)) {
    addError(errors, 'category', 'Select a category from the list')
  }
  if (lookUp.personReference !== undefined || lookUp.userEmail !== undefined) {
    const found = await auditSubjects(call, lookUp)
    if (found.personId === null) addError(errors, 'person', `There is no person with the reference ${form.person}`)
    else if (found.personId !== undefined) filters.personId = found.personId
    if (found.userId === null) addError(errors, 'user', `There is no user with the email address ${form.user}`)
    else if (found.userId !== undefined) filters.userId = found.userId
  }
  if (hasErrors(errors)) {
    // The summary lists the problems in the order of the form's fields.
    const order = ['#person', '#user', '#from-day', '#to-day', '#category']
    errors.errorList.sort((a, b) => order.indexOf(a.href) - order.indexOf(b.href))
    return undefined
  }
  // "To" is the last day wanted; the service's bound is exclusive.
  if (from !== undefined) filters.from = from
  if (to !== undefined) filters.to = formatDay(addDays(day(to), 1))
  if (form.category !== '') filters.category = form.category as AuditSearch['category']
  return filters
}

/** The search's own query string, for the pages before and after this one. */
function searchQuery(form: SearchForm, extra: Record<string, string>): string {
  const params = new URLSearchParams()
  if (form.person !== '') params.set('person', form.person)
  if (form.user !== '') params.set('user', form.user)
  for (const [name, parts] of [
    ['from', form.from],
    ['to', form.to],
  ] as const) {
    if (filled(parts)) {
      params.set(`${name}-day`, parts.day)
      params.set(`${name}-month`, parts.month)
      params.set(`${name}-year`, parts.year)
    }
  }
  if (form.category !== '') params.set('category', form.category)
  for (const [key, value] of Object.entries(extra)) if (value !== '') params.set(key, value)
  return params.toString()
}

/** An entry's detail as lines: ids, counts and choices (the trail never holds a person's details). */
function detailLines(detail: Record<string, unknown>): string[] {
  return Object.entries(detail).map(([key, value]) => {
    const shown = typeof value === 'string' ? value : JSON.stringify(value)
    return `${key}: ${shown.length > 200 ? `${shown.slice(0, 199)}…` : shown}`
  })
}

function entryView(entry: AuditEventJson, names: Map<string, string>) {
  const actor =
    entry.actorId === null
      ? 'No user (an unknown account)'
      : entry.actorId === systemActor.userId
        ? systemActor.displayName
        : (names.get(entry.actorId) ?? 'A user no longer in the directory')
  return {
    seq: entry.seq,
    at: entry.at,
    category: entry.category,
    what: entry.objectType,
    objectId: entry.objectId,
    personId: entry.personId,
    actor,
    actorId: entry.actorId,
    organisationId: entry.organisationId,
    origin: entry.origin,
    justification: entry.justification,
    recipients: entry.recipients ?? [],
    detail: detailLines(entry.detail),
  }
}

const categoryItems = (chosen: string) => [
  { value: '', text: 'Any category', selected: chosen === '' },
  ...auditOperations.map((operation) => ({
    value: operation,
    text: categoryWords[operation] ?? operation,
    selected: chosen === operation,
  })),
]

function showSearch(
  request: FastifyRequest,
  reply: FastifyReply,
  form: SearchForm,
  context: Record<string, unknown>,
  status = 200,
) {
  return render(
    request,
    reply,
    'audit/search.njk',
    { pageTitle: 'Audit trail', form, categories: categoryItems(form.category), ...context },
    status,
  )
}

export function auditPages(server: ApiServer, app: AppContext): void {
  // The trail names people and users: every search is a consultation, which searchAudit logs.
  server.get('/audit', page({ action: 'audit:search', personal: true }), async (request, reply) => {
    const query = formFields(request.query)
    const form = readSearch(query)
    const call = pageCall(app, request)
    const errors = noErrors()
    const filters = await filtersOf(call, form, errors)
    if (filters === undefined) return showSearch(request, reply, form, { ...errors }, 422)
    const cursor = cursorPattern.test(query.cursor ?? '') ? (query.cursor as string) : undefined
    // The cursors of the newer pages, so "Newer entries" can go back (keyset pages have no numbers).
    const trail = (query.trail ?? '')
      .split(',')
      .filter((c) => c === '0' || cursorPattern.test(c))
      .slice(-200)
    const found = await searchAudit(call, { ...filters, limit: pageSize, ...(cursor ? { cursor } : {}) })
    const names = await auditActorNames(
      call,
      found.items.flatMap((entry) => (entry.actorId === null ? [] : [entry.actorId])),
    )
    const previous =
      cursor === undefined
        ? undefined
        : `/audit?${searchQuery(form, { cursor: trail.at(-1) === '0' ? '' : (trail.at(-1) ?? ''), trail: trail.slice(0, -1).join(',') })}`
    const next =
      found.next === undefined
        ? undefined
        : `/audit?${searchQuery(form, { cursor: found.next, trail: [...trail, cursor ?? '0'].join(',') })}`
    const searched =
      form.person !== '' || form.user !== '' || filled(form.from) || filled(form.to) || form.category !== ''
    return showSearch(request, reply, form, {
      entries: found.items.map((entry) => entryView(entry, names)),
      searched,
      pageNumber: cursor === undefined ? 1 : trail.length + 1,
      pagination: {
        ...(previous ? { previous: { href: previous, labelText: 'Newer entries' } } : {}),
        ...(next ? { next: { href: next, labelText: 'Older entries' } } : {}),
      },
      hasPagination: previous !== undefined || next !== undefined,
    })
  })

  // Reads every entry and is logged as a consultation of the chain by verifyAuditTrail.
  server.post('/audit/verify', page({ action: 'audit:verify', personal: false }), async (request, reply) => {
    const report = await verifyAuditTrail(pageCall(app, request))
    return render(request, reply, 'audit/verify.njk', {
      pageTitle: report.valid ? 'The audit trail’s chain is intact' : 'The audit trail’s chain is broken',
      report,
      backLink: '/audit',
    })
  })
}
