import type { FastifyReply, FastifyRequest } from 'fastify'
import { noticeHtml } from '../../api/notice-html.ts'
import type { ApiServer } from '../../api/route-kit.ts'
import { can } from '../../app/access.ts'
import type { AppContext, Call } from '../../app/context.ts'
import { Conflict, StaleWrite, ValidationFailed } from '../../app/errors.ts'
import { addFact, createPerson, readPerson } from '../../app/people.ts'
import {
  determine,
  notice,
  recordNoticeServed,
  refer,
  register,
  viewDetermination,
  viewNotice,
} from '../../app/registration.ts'
import type { ExplanationJson, PolicyEvaluationJson } from '../../contracts/explain-output.ts'
import { niNumberPattern } from '../../contracts/register/fields.ts'
import { birthdayOfAge, formatDay, parseDay } from '../../domain/dates/day.ts'
import type { NotificationPeriod, RegistrationEffect } from '../../domain/explain/evaluation.ts'
import { offenceCatalogue } from '../../domain/offences/catalogue.ts'
import { offence, resolveOffenceCode } from '../../domain/offences/offences.ts'
import { isPolicyId, policies, policyById } from '../../domain/policies/registry.ts'
import { type Relationship, relationshipNames, relationships } from '../../domain/record/relationships.ts'
import { minimumAge, oldEnoughForRegister } from '../../domain/register/lifecycle.ts'
import { href, oneError, reasonOf, submitted, textOf } from '../form-kit.ts'
import {
  actorOf,
  addError,
  confirmation,
  type DateParts,
  dateParts,
  type FormErrors,
  formFields,
  hasErrors,
  noErrors,
  page,
  pageCall,
  partsOf,
  readDate,
  serviceErrors,
} from '../page-kit.ts'
import { render, ukDate } from '../view.ts'

// The registration journey (issue 6, item 5): add a person, record the
// offending the legal core reasons about, refer, run a determination and read
// every policy's explanation side by side, choose a policy and check the
// answers, register, and serve the notice. Every step calls the service the
// API calls, as the signed-in user; the reason for consulting the record
// (`because`) travels with every link and form of the journey.

type Fields = Record<string, string>
type PersonRead = Awaited<ReturnType<typeof readPerson>>
type Query = Record<string, unknown>

const personPath = (personId: string) => `/people/${encodeURIComponent(personId)}`

/** The reasons the journey's readers most often have; "Other" asks for the reader's own words. */
const reasonChoices = [
  { value: 'referring', text: 'Referring this person for registration' },
  { value: 'deciding', text: 'Deciding on registration' },
  { value: 'serving', text: 'Serving the notice of registration' },
  { value: 'managing', text: 'Managing this case' },
] as const

const reasonFields = new Set(['because', 'reason', 'other', 'asked'])

/**
 * Asks why the user is opening the record (DPA 2018 s.62(3)(a)) before a
 * page of the journey reads it, then comes back to the same page with the
 * reason as `because`. Asking reads nothing, so it says nothing about
 * whether the record exists. A form sent without one is asked on `path`, a page.
 */
function askReason(request: FastifyRequest, reply: FastifyReply, path?: string) {
  const url = new URL(request.url, 'http://page.invalid')
  const target = path ?? url.pathname
  const query = request.method === 'GET' ? (request.query as Query) : {}
  const keep = Object.entries(query)
    .filter(([key, value]) => !reasonFields.has(key) && typeof value === 'string')
    .map(([name, value]) => ({ name, value: String(value) }))
  const reason = textOf(query.reason) ?? ''
  const other = textOf(query.other) ?? ''
  const errors = noErrors()
  const asked = query.asked !== undefined
  if (asked) {
    const chosen = reasonChoices.find((choice) => choice.value === reason)
    if (chosen === undefined && reason !== 'other') addError(errors, 'reason', 'Select why you are viewing this record')
    else if (reason === 'other' && other === '') addError(errors, 'other', 'Enter why you are viewing this record')
    else if (reason === 'other' && other.length < 3) {
      addError(errors, 'other', 'Why you are viewing this record must be 3 characters or more')
    } else if (reason === 'other' && other.length > 500) {
      addError(errors, 'other', 'Why you are viewing this record must be 500 characters or fewer')
    }
    if (!hasErrors(errors)) {
      const because = chosen?.text ?? other
      return reply.redirect(
        href(target, { ...Object.fromEntries(keep.map((field) => [field.name, field.value])), because }),
        303,
      )
    }
  }
  return render(
    request,
    reply,
    'registration/reason.njk',
    {
      pageTitle: 'Why are you viewing this record?',
      action: target,
      keep,
      reasons: [
        ...reasonChoices.map((choice) => ({
          value: choice.value,
          text: choice.text,
          checked: choice.value === reason,
        })),
        { value: 'other', text: 'Other', checked: reason === 'other' },
      ],
      other,
      ...errors,
    },
    asked ? 422 : 200,
  )
}

const isJustificationProblem = (error: unknown) =>
  error instanceof ValidationFailed && error.problems.some((problem) => problem.field === 'X-Justification')

const paramsOf = (request: FastifyRequest) => request.params as Record<string, string>

/** A page handler of the journey, given the record in the path (`:id`) and the reader's reason. */
type Handler = (request: FastifyRequest, reply: FastifyReply, id: string, because: string) => Promise<unknown>

/** A page of the journey: the reader's reason first, asked for when there is none. */
const withReason = (show: Handler) => async (request: FastifyRequest, reply: FastifyReply) => {
  const because = reasonOf(request)
  if (because === undefined) return askReason(request, reply)
  return show(request, reply, paramsOf(request).id ?? '', because)
}

/** A page that reads the record with the reason: asks again when the service finds the reason wanting. */
const readingPage = (show: Handler) =>
  withReason(async (request, reply, id, because) => {
    try {
      return await show(request, reply, id, because)
    } catch (error) {
      if (isJustificationProblem(error)) return askReason(request, reply)
      throw error
    }
  })

/**
 * A form of the journey. Sent without a reason (a page left open, a form
 * edited by hand), the reason is asked for on the page `askOn` names, the
 * one the form is sent from, where the reader comes back to.
 */
const formPost =
  (askOn: (id: string) => string, save: Handler) => async (request: FastifyRequest, reply: FastifyReply) => {
    const id = paramsOf(request).id ?? ''
    const because = reasonOf(request)
    if (because === undefined) return askReason(request, reply, askOn(id))
    return save(request, reply, id, because)
  }

const referralPage = (personId: string) => `${personPath(personId)}/referral`
const convictionPage = (personId: string) => `${personPath(personId)}/convictions/new`
const noticePage = (registrationId: string) => `/registrations/${encodeURIComponent(registrationId)}/notice`

/** The version of the record a form was opened at, sent back with it; 0 when it is missing or garbled. */
function versionOf(fields: Fields): number {
  const version = Number.parseInt(fields.version ?? '', 10)
  return Number.isSafeInteger(version) ? version : 0
}

const capitalise = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`

function isoOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return typeof value === 'string' ? value.slice(0, 10) : ''
}

/** Where a date input's error links to: its first empty box, or the day. */
function dateAnchor(name: string, parts: DateParts): string {
  const empty = (['day', 'month', 'year'] as const).find((part) => parts[part] === '')
  const all = parts.day === '' && parts.month === '' && parts.year === ''
  return `${name}-${all || empty === undefined ? 'day' : empty}`
}

/** A required date from a GOV.UK date input; adds the pattern's message when there is a problem. */
function requiredDate(errors: FormErrors, fields: Fields, name: string, label: string): string | undefined {
  const parts = dateParts(fields, name)
  const read = readDate(parts, label)
  if ('error' in read) {
    // "Enter date of birth" reads better as "Enter the date of birth".
    const message = read.error.replace(/^Enter date /, 'Enter the date ')
    addError(errors, name, message, dateAnchor(name, parts))
    return undefined
  }
  return read.date
}

/** An optional date: nothing when all three boxes are empty. */
function optionalDate(errors: FormErrors, fields: Fields, name: string, label: string): string | undefined {
  const parts = dateParts(fields, name)
  if (parts.day === '' && parts.month === '' && parts.year === '') return undefined
  return requiredDate(errors, fields, name, label)
}

function notFuture(errors: FormErrors, name: string, date: string | undefined, today: string, message: string) {
  if (date !== undefined && date > today) addError(errors, name, message, `${name}-day`)
}

const statusLabels: Record<string, string> = {
  recorded: 'Recorded',
  referred: 'Referred',
  registered: 'Registered',
  ended: 'Registration ended',
  archived: 'Archived',
}

const sexLabels: Record<string, string> = { female: 'Female', male: 'Male', 'not-known': 'Not known' }

function personView(record: { person: PersonRead['person'] }) {
  const p = record.person
  return {
    id: p.id,
    reference: p.reference,
    name: `${p.givenNames} ${p.familyName}`,
    dateOfBirth: p.dateOfBirth,
    status: p.status,
    statusLabel: statusLabels[p.status] ?? p.status,
    version: p.version,
  }
}

// ---------------------------------------------------------------------------
// Describing the offending facts in words

type Data = Record<string, unknown>

function offenceTitle(code: unknown): string {
  const resolved = typeof code === 'string' ? resolveOffenceCode(code) : undefined
  if (resolved === undefined) return String(code ?? 'Unknown offence')
  const found = offence(resolved)
  return `${found.title} (${found.statute})`
}

function disposalText(disposal: unknown): string {
  const d = (disposal ?? {}) as Data
  const months = (n: unknown) => `${n} month${n === 1 ? '' : 's'}`
  switch (d.type) {
    case 'custody':
      if (d.life === true) return 'Life imprisonment'
      return `${months(d.months)} in custody${d.suspended === true ? ', suspended' : ''}`
    case 'hospital-order':
      return d.restriction === true ? 'Hospital order with a restriction order' : 'Hospital order'
    case 'community':
      return d.months === undefined ? 'Community order' : `Community order of ${months(d.months)}`
    case 'fine':
      return 'Fine'
    case 'conditional-discharge':
      return `Conditional discharge of ${months(d.months)}`
    case 'absolute-discharge':
      return 'Absolute discharge'
    default:
      return 'Sentence not recorded'
  }
}

const flagText = (value: unknown, yes: string, no: string, unknown?: string) =>
  value === true ? yes : value === false ? no : unknown

interface FactLabels {
  /** Fact and victim ids as the words shown on the page ("Conviction 1", "Victim 2"). */
  labels: Map<string, string>
  facts: { label: string; description: string }[]
  victims: { label: string; description: string }[]
}

/** Names the facts a determination read, in the order it read them, so its explanation can be read. */
function labelFacts(input: Data): FactLabels {
  const labels = new Map<string, string>()
  const facts: FactLabels['facts'] = []
  const victims: FactLabels['victims'] = []
  const list = (key: string) => (Array.isArray(input[key]) ? (input[key] as Data[]) : [])
  const victimLabel = (victim: Data) => {
    const id = String(victim.id)
    const known = labels.get(id)
    if (known !== undefined) return known
    const label = `Victim ${victims.length + 1}`
    labels.set(id, label)
    const relationship = relationships[victim.relationship as Relationship]?.label
    const details = [
      relationship === undefined ? 'relationship not recorded' : relationship,
      typeof victim.ageAtOffence === 'number' ? `aged ${victim.ageAtOffence} at the offence` : undefined,
      isGeneratedId(id) ? undefined : `reference ${id}`,
    ].filter((part) => part !== undefined)
    victims.push({ label, description: capitalise(details.join(', ')) })
    return label
  }
  list('convictions').forEach((c, index) => {
    const label = `Conviction ${index + 1}`
    labels.set(String(c.id), label)
    const who = (Array.isArray(c.victims) ? (c.victims as Data[]) : []).map(victimLabel)
    facts.push({
      label,
      description: [
        `${offenceTitle(c.offence)}, convicted on ${ukDate(c.date)}`,
        c.offenceDate === undefined ? undefined : `offence on ${ukDate(c.offenceDate)}`,
        disposalText(c.disposal),
        c.releasedOn === undefined ? undefined : `released on ${ukDate(c.releasedOn)}`,
        flagText(
          c.domesticAbuse,
          'flagged as domestic abuse',
          'not flagged as domestic abuse',
          'domestic abuse flag not recorded',
        ),
        who.length === 0 ? 'no victim recorded' : `victims: ${who.join(', ')}`,
      ]
        .filter((part) => part !== undefined)
        .join('; '),
    })
  })
  list('cautions').forEach((c, index) => {
    const label = `Caution ${index + 1}`
    labels.set(String(c.id), label)
    const who = (Array.isArray(c.victims) ? (c.victims as Data[]) : []).map(victimLabel)
    facts.push({
      label,
      description: [
        `${offenceTitle(c.offence)}, ${c.conditional === true ? 'conditional caution' : 'caution'} on ${ukDate(c.date)}`,
        flagText(
          c.domesticAbuse,
          'flagged as domestic abuse',
          'not flagged as domestic abuse',
          'domestic abuse flag not recorded',
        ),
        who.length === 0 ? undefined : `victims: ${who.join(', ')}`,
      ]
        .filter((part) => part !== undefined)
        .join('; '),
    })
  })
  list('incidents').forEach((incident, index) => {
    const label = `Incident ${index + 1}`
    labels.set(String(incident.id), label)
    const relationship = relationships[incident.relationship as Relationship]?.label
    facts.push({
      label,
      description: [
        `Reported on ${ukDate(incident.date)}, as the ${incident.role === 'victim' ? 'victim' : 'perpetrator'}`,
        relationship === undefined ? undefined : `other party: ${relationship}`,
        flagText(incident.domesticAbuse, 'flagged as domestic abuse', 'not flagged as domestic abuse'),
      ]
        .filter((part) => part !== undefined)
        .join('; '),
    })
  })
  list('riskAssessments').forEach((assessment, index) => {
    const label = `Risk assessment ${index + 1}`
    labels.set(String(assessment.id), label)
    facts.push({
      label,
      description: `${String(assessment.tool)} on ${ukDate(assessment.date)}: ${
        typeof assessment.rosh === 'string'
          ? `${assessment.rosh.replace('-', ' ')} risk of serious harm`
          : 'no RoSH level'
      }`,
    })
  })
  return { labels, facts, victims }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const isGeneratedId = (id: string) => uuidPattern.test(id)

/** The core's sentences with ids as the page names them and dates as "1 March 2026". */
function readable(text: string, labels: Map<string, string>): string {
  let out = text
  for (const [id, label] of [...labels].sort((a, b) => b[0].length - a[0].length)) out = out.split(id).join(label)
  return out.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (date) => ukDate(date))
}

// ---------------------------------------------------------------------------
// A determination, as the page shows it

const outcomeTags: Record<string, { text: string; classes: string }> = {
  eligible: { text: 'Eligible', classes: 'govuk-tag--green' },
  'not-eligible': { text: 'Not eligible', classes: 'govuk-tag--grey' },
  'needs-review': { text: 'Cannot tell', classes: 'govuk-tag--yellow' },
}

const findingTags = {
  true: { text: 'Met', classes: 'govuk-tag--green' },
  false: { text: 'Not met', classes: 'govuk-tag--grey' },
  null: { text: 'Cannot tell', classes: 'govuk-tag--yellow' },
} as const

const effectLabels: Record<RegistrationEffect, string> = {
  'notification-requirements': 'Notification requirements (as in Sexual Offences Act 2003 Part 2)',
  'register-entry': 'An entry on the register',
  'mappa-management': 'Management under MAPPA',
  'identification-only': 'Identification only, for tasking: no registration duties',
  'public-listing': 'Listing on a public register',
}

/** A policy's short name for a column heading: its title up to the first bracket or colon. */
const shortTitle = (title: string) => title.split(/ \(|: /)[0] ?? title

/** A notification period in words. `months` is the whole period in months (3½ years is 42). */
function periodText(period: NotificationPeriod | null): string {
  if (period === null) return 'None'
  if ('indefinite' in period) return 'Indefinitely, subject to review'
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  if ('untilEndOfOrder' in period) return `For the length of the order (${plural(period.months, 'month')})`
  const years = Math.floor(period.months / 12)
  const months = period.months % 12
  return [years > 0 ? plural(years, 'year') : '', months > 0 ? plural(months, 'month') : '']
    .filter(Boolean)
    .join(' and ')
}

function policyView(evaluation: PolicyEvaluationJson, labels: Map<string, string>) {
  const policy = isPolicyId(evaluation.policy) ? policyById(evaluation.policy) : undefined
  const c = evaluation.consequences
  const words = (text: string) => readable(text, labels)
  const missingLabel = (fact: string) => {
    for (const [id, label] of labels) if (fact === id || fact.startsWith(`${id}.`)) return label
    return undefined
  }
  return {
    id: evaluation.policy,
    title: policy?.title ?? evaluation.policy,
    shortTitle: shortTitle(policy?.title ?? evaluation.policy),
    source: policy?.source ?? '',
    summary: policy?.summary ?? '',
    outcome: evaluation.outcome,
    tag: outcomeTags[evaluation.outcome] ?? { text: evaluation.outcome, classes: '' },
    registrable: evaluation.outcome === 'eligible' && c !== null,
    reasons: evaluation.reasons.map((reason) => ({
      rule: capitalise(reason.rule.replaceAll('-', ' ')),
      provision: reason.provision,
      finding: findingTags[String(reason.holds) as 'true' | 'false' | 'null'],
      facts: reason.facts.map((fact) => labels.get(fact) ?? fact),
      explanation: capitalise(words(reason.explanation)),
    })),
    missing: evaluation.missing.map((missing) => {
      const about = missingLabel(missing.fact)
      return about === undefined ? capitalise(missing.needed) : `${about}: ${missing.needed}`
    }),
    warnings: evaluation.warnings.map((warning) => capitalise(words(warning.message))),
    consequences:
      c === null
        ? null
        : {
            effect: effectLabels[c.effect] ?? c.effect,
            period: periodText(c.notificationPeriod),
            periodStart: c.periodStart,
            lastDay: c.periodLastDay,
            review: c.earliestReview,
            initialDue: c.initialNotificationDue,
            mappaCategory: c.mappaCategory === null ? 'None' : `Category ${c.mappaCategory}`,
            mappaBasis: words(c.mappaBasis),
            mappaLevel: c.mappaLevelProposed === null ? undefined : `Level ${c.mappaLevelProposed} proposed`,
            victimContact: c.victimContact.map((v) => words(v.basis)),
            rightToKnow: c.considerRightToKnow,
            duties: c.provisions.map(words),
          },
  }
}

interface DeterminationRow {
  id: string
  personId: string
  asOf: unknown
  input: Data
  explanation: ExplanationJson
  decidedAt: unknown
}

function determinationView(row: DeterminationRow) {
  const named = labelFacts(row.input)
  const order = new Map(policies.map((p, index) => [p.id as string, index]))
  const evaluated = [...row.explanation.policies].sort(
    (a, b) => (order.get(a.policy) ?? 99) - (order.get(b.policy) ?? 99),
  )
  return {
    id: row.id,
    asOf: isoOf(row.asOf),
    decidedAt: row.decidedAt,
    facts: named.facts,
    victims: named.victims,
    policies: evaluated.map((evaluation) => policyView(evaluation, named.labels)),
  }
}

/**
 * The person and their determination, in one service call (one audited
 * consultation per page view). A determination of someone else, reached
 * through this person's address, is not there.
 */
async function loadDetermination(call: Call, personId: string, determinationId: string) {
  const read = await viewDetermination(call, personId, determinationId)
  return {
    determination: determinationView(read.determination as unknown as DeterminationRow),
    person: personView(read),
  }
}

// ---------------------------------------------------------------------------
// Forms: what each one reads and checks

const offenceOptions = offenceCatalogue.map((o) => ({ value: o.code, text: `${o.title} (${o.statute})` }))
const relationshipOptions = relationshipNames.map((name) => ({
  value: name,
  text: capitalise(relationships[name].label),
}))

const abuseTypeLabels: Record<string, string> = {
  'intimate-partner': 'Intimate partner abuse',
  stalking: 'Stalking',
  family: 'Abuse of a family member',
}

const methodLabels: Record<string, string> = { 'in-person': 'In person', post: 'By post' }

const yesNo = (value: string | undefined) => (value === 'yes' ? 'Yes' : value === 'no' ? 'No' : '')

function checkPerson(fields: Fields, today: string) {
  const errors = noErrors()
  const familyName = (fields.familyName ?? '').trim()
  const givenNames = (fields.givenNames ?? '').trim()
  if (familyName === '') addError(errors, 'familyName', 'Enter the family name')
  else if (familyName.length > 100) addError(errors, 'familyName', 'Family name must be 100 characters or fewer')
  if (givenNames === '') addError(errors, 'givenNames', 'Enter the given names')
  else if (givenNames.length > 200) addError(errors, 'givenNames', 'Given names must be 200 characters or fewer')
  const dateOfBirth = requiredDate(errors, fields, 'dateOfBirth', 'Date of birth')
  if (dateOfBirth !== undefined) {
    const born = parseDay(dateOfBirth)
    const now = parseDay(today)
    if (dateOfBirth >= today) addError(errors, 'dateOfBirth', 'Date of birth must be in the past', 'dateOfBirth-day')
    else if (born !== undefined && now !== undefined && !oldEnoughForRegister(born, now)) {
      addError(errors, 'dateOfBirth', `The person must be at least ${minimumAge} years old`, 'dateOfBirth-day')
    }
  }
  const niNumber = (fields.niNumber ?? '').replace(/\s+/g, '').toUpperCase()
  if (niNumber !== '' && !niNumberPattern.test(niNumber)) {
    addError(errors, 'niNumber', 'Enter a National Insurance number in the correct format, like QQ 12 34 56 C')
  }
  const sex = fields.sex ?? ''
  if (sex !== '' && !Object.hasOwn(sexLabels, sex)) addError(errors, 'sex', 'Select a recorded sex, or leave it blank')
  return {
    errors,
    body: {
      familyName,
      givenNames,
      dateOfBirth: dateOfBirth ?? '',
      ...(niNumber === '' ? {} : { niNumber }),
      ...(sex === '' ? {} : { sex }),
      ...(fields.confirmedNotDuplicate === 'yes' ? { confirmedNotDuplicate: true } : {}),
    },
  }
}

const personLabels = {
  familyName: { field: 'familyName', label: 'Family name' },
  givenNames: { field: 'givenNames', label: 'Given names' },
  dateOfBirth: { field: 'dateOfBirth', label: 'Date of birth' },
  niNumber: { field: 'niNumber', label: 'National Insurance number' },
  sex: { field: 'sex', label: 'Sex' },
}

/** A whole number of months from a box, or the message for it. */
function monthsIn(
  errors: FormErrors,
  fields: Fields,
  name: string,
  what: string,
  required: boolean,
): number | undefined {
  const value = (fields[name] ?? '').trim()
  if (value === '') {
    if (required) addError(errors, name, `Enter the length of the ${what} in months`)
    return undefined
  }
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1200) {
    addError(errors, name, `Length of the ${what} must be a whole number of months, from 1 to 1200`)
    return undefined
  }
  return Number(value)
}

const threeWay = (value: string | undefined) => (value === 'yes' ? true : value === 'no' ? false : undefined)

function checkConviction(fields: Fields, today: string, dateOfBirth: string) {
  const errors = noErrors()
  const code = fields.offence ?? ''
  if (code === '') addError(errors, 'offence', 'Select the offence')
  else if (resolveOffenceCode(code) === undefined) addError(errors, 'offence', 'Select an offence from the list')
  const date = requiredDate(errors, fields, 'convictionDate', 'Date of conviction')
  notFuture(errors, 'convictionDate', date, today, 'Date of conviction must be today or in the past')
  const born = parseDay(dateOfBirth)
  const tenth = born === undefined ? undefined : formatDay(birthdayOfAge(born, 10))
  if (date !== undefined && tenth !== undefined && date < tenth) {
    addError(
      errors,
      'convictionDate',
      `Date of conviction must be on or after the person’s 10th birthday, ${ukDate(tenth)}`,
      'convictionDate-day',
    )
  }
  const offenceDate = optionalDate(errors, fields, 'offenceDate', 'Date of the offence')
  notFuture(errors, 'offenceDate', offenceDate, today, 'Date of the offence must be today or in the past')
  if (offenceDate !== undefined && date !== undefined && offenceDate > date) {
    addError(
      errors,
      'offenceDate',
      'Date of the offence must be the same as or before the date of conviction',
      'offenceDate-day',
    )
  }
  if (offenceDate !== undefined && tenth !== undefined && offenceDate < tenth) {
    addError(
      errors,
      'offenceDate',
      `Date of the offence must be on or after the person’s 10th birthday, ${ukDate(tenth)}`,
      'offenceDate-day',
    )
  }
  const domesticAbuse = fields.domesticAbuse ?? ''
  if (!['yes', 'no', 'not-known'].includes(domesticAbuse)) {
    addError(errors, 'domesticAbuse', 'Select whether the conviction was flagged as domestic abuse')
  }

  const relationship = fields.victimRelationship ?? ''
  if (relationship !== '' && !Object.hasOwn(relationships, relationship)) {
    addError(errors, 'victimRelationship', 'Select the victim’s relationship to the person from the list')
  }
  const ageText = (fields.victimAge ?? '').trim()
  let victimAge: number | undefined
  if (ageText !== '') {
    if (/^\d+$/.test(ageText) && Number(ageText) <= 120) victimAge = Number(ageText)
    else addError(errors, 'victimAge', 'Victim’s age at the offence must be a whole number from 0 to 120')
  }
  const victimReference = (fields.victimReference ?? '').trim()
  if (victimReference.length > 100) {
    addError(errors, 'victimReference', 'Victim reference must be 100 characters or fewer')
  }

  const type = fields.disposal ?? ''
  const suspended = fields.custodySuspended === 'yes'
  const life = fields.custodyLife === 'yes'
  const restriction = fields.hospitalRestriction === 'yes'
  const monthsGiven = (fields.sentenceMonths ?? '').trim() !== ''
  let disposal: Data | undefined
  switch (type) {
    case 'custody': {
      const months = monthsIn(errors, fields, 'sentenceMonths', 'sentence', !life)
      // A life sentence has no length in months; the core reads it as the longest term.
      disposal = {
        type,
        months: months ?? 1200,
        ...(suspended ? { suspended: true } : {}),
        ...(life ? { life: true } : {}),
      }
      if (suspended && life) addError(errors, 'custodySuspended', 'A life sentence cannot be suspended')
      break
    }
    case 'hospital-order':
      disposal = { type, restriction }
      break
    case 'community': {
      const months = monthsIn(errors, fields, 'sentenceMonths', 'sentence', false)
      disposal = { type, ...(months === undefined ? {} : { months }) }
      break
    }
    case 'conditional-discharge': {
      const months = monthsIn(errors, fields, 'sentenceMonths', 'sentence', true)
      disposal = { type, months: months ?? 1 }
      break
    }
    case 'fine':
    case 'absolute-discharge':
      disposal = { type }
      break
    default:
      addError(errors, 'disposal', 'Select the sentence')
  }
  if (type !== '' && monthsGiven && !['custody', 'community', 'conditional-discharge'].includes(type)) {
    addError(errors, 'sentenceMonths', 'Only enter a length for custody, a community order or a conditional discharge')
  }
  if (type !== '' && type !== 'custody' && (suspended || life)) {
    addError(errors, 'custodySuspended', 'Only tick ‘suspended’ or ‘life imprisonment’ for a custodial sentence')
  }
  if (type !== '' && type !== 'hospital-order' && restriction) {
    addError(errors, 'custodySuspended', 'Only tick ‘restriction order’ for a hospital order')
  }
  const resolved = code === '' ? undefined : resolveOffenceCode(code)
  const bar = resolved === undefined ? undefined : offence(resolved).noConditionalDischarge
  if (type === 'conditional-discharge' && bar !== undefined) {
    addError(errors, 'disposal', `A conditional discharge is not available for this offence (${bar.provision})`)
  }

  const releasedOn = optionalDate(errors, fields, 'releasedOn', 'Release date')
  if (releasedOn !== undefined) {
    const detained = (type === 'custody' && !suspended) || type === 'hospital-order'
    if (!detained) {
      addError(
        errors,
        'releasedOn',
        'Only enter a release date for an immediate custodial sentence or a hospital order',
        'releasedOn-day',
      )
    } else if (date !== undefined && releasedOn < date) {
      addError(
        errors,
        'releasedOn',
        'Release date must be the same as or after the date of conviction',
        'releasedOn-day',
      )
    }
  }
  for (const [name, question] of [
    ['weaponUsed', 'Select whether a weapon was used'],
    ['sexualViolence', 'Select whether there was sexual violence'],
  ] as const) {
    if (!['yes', 'no', 'not-known'].includes(fields[name] ?? '')) addError(errors, name, question)
  }

  const victims =
    relationship === '' && victimAge === undefined && victimReference === ''
      ? []
      : [
          {
            // A victim with no reference is a new victim: the register makes an id the page never shows.
            id: victimReference === '' ? crypto.randomUUID() : victimReference,
            ...(relationship === '' ? {} : { relationship }),
            ...(victimAge === undefined ? {} : { ageAtOffence: victimAge }),
          },
        ]
  const context: Data = {}
  const weapon = threeWay(fields.weaponUsed)
  const sexual = threeWay(fields.sexualViolence)
  if (weapon !== undefined) context.weaponUsed = weapon
  if (sexual !== undefined) context.sexualViolence = sexual
  if (fields.violentResistance === 'yes') context.violentResistance = true
  const flagged = threeWay(domesticAbuse)
  return {
    errors,
    fact: {
      kind: 'conviction',
      date,
      ...(offenceDate === undefined ? {} : { offenceDate }),
      offence: resolved ?? code,
      ...(flagged === undefined ? {} : { domesticAbuse: flagged }),
      victims,
      disposal,
      ...(releasedOn === undefined ? {} : { releasedOn }),
      context,
    },
  }
}

const convictionLabels = {
  offence: { field: 'offence', label: 'Offence' },
  date: { field: 'convictionDate', label: 'Date of conviction' },
  offenceDate: { field: 'offenceDate', label: 'Date of the offence' },
  releasedOn: { field: 'releasedOn', label: 'Release date' },
  disposal: { field: 'disposal', label: 'Sentence' },
  victims: { field: 'victimRelationship', label: 'Victim' },
  domesticAbuse: { field: 'domesticAbuse', label: 'Domestic abuse flag' },
}

interface RegisterAnswers {
  determination: string
  policy: string
  abuseType: string
  registeredOn: string
  inCustody: string
  noFixedAbode: string
}

const answersFrom = (values: Query): RegisterAnswers => {
  const value = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '')
  return {
    determination: value('determination'),
    policy: value('policy'),
    abuseType: value('abuseType'),
    registeredOn: value('registeredOn'),
    inCustody: value('inCustody'),
    noFixedAbode: value('noFixedAbode'),
  }
}

function checkAnswers(
  answers: RegisterAnswers,
  registrable: ReadonlySet<string>,
  today: string,
  fields?: Fields,
): FormErrors {
  const errors = noErrors()
  if (!registrable.has(answers.policy)) addError(errors, 'policy', 'Select the policy to register under')
  if (!Object.hasOwn(abuseTypeLabels, answers.abuseType)) addError(errors, 'abuseType', 'Select the type of abuse')
  if (fields !== undefined) {
    const date = requiredDate(errors, fields, 'registeredOn', 'Date of registration')
    if (date !== undefined) answers.registeredOn = date
  } else if (parseDay(answers.registeredOn) === undefined) {
    addError(errors, 'registeredOn', 'Enter the date of registration', 'registeredOn-day')
  }
  if (errors.errors.registeredOn === undefined) {
    notFuture(errors, 'registeredOn', answers.registeredOn, today, 'Date of registration must be today or in the past')
  }
  if (answers.inCustody !== 'yes' && answers.inCustody !== 'no') {
    addError(errors, 'inCustody', 'Select whether the person is in custody')
  }
  if (answers.noFixedAbode !== 'yes' && answers.noFixedAbode !== 'no') {
    addError(errors, 'noFixedAbode', 'Select whether the person has no fixed address')
  }
  return errors
}

// ---------------------------------------------------------------------------

export function registrationPages(server: ApiServer, app: AppContext): void {
  const today = () => formatDay(app.today())

  // -- Add a person ----------------------------------------------------------

  const showNewPerson = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Fields,
    errors: FormErrors,
    status: number,
    duplicates?: unknown[],
  ) =>
    render(
      request,
      reply,
      'registration/person-new.njk',
      {
        pageTitle: 'Add a person',
        values,
        dateOfBirth: dateParts(values, 'dateOfBirth'),
        duplicates: (duplicates ?? []).map((d) => {
          const candidate = d as Data
          return {
            reference: candidate.reference,
            name: candidate.name,
            dateOfBirth: candidate.dateOfBirth,
            matchedOn: Array.isArray(candidate.matchedOn) ? (candidate.matchedOn as string[]).join(' and ') : '',
            href: candidate.name === undefined ? undefined : personPath(String(candidate.id)),
          }
        }),
        ...errors,
      },
      status,
    )

  server.get('/people/new', page({ action: 'person:write', personal: false }), async (request, reply) =>
    showNewPerson(request, reply, {}, noErrors(), 200),
  )

  // Personal: a refusal may show the records this person could be (audited as disclosures by the service).
  server.post('/people/new', page({ action: 'person:write', personal: true }), async (request, reply) => {
    const fields = formFields(request.body)
    const { errors, body } = checkPerson(fields, today())
    if (hasErrors(errors)) return showNewPerson(request, reply, fields, errors, 422)
    try {
      const created = await createPerson(pageCall(app, request), body)
      return reply.redirect(href(personPath(created.id), { done: 'person-added' }), 303)
    } catch (error) {
      if (error instanceof Conflict && Array.isArray(error.detail.candidates)) {
        const shown = oneError(
          'confirmedNotDuplicate',
          'This person may already be on the register: check the records below, then confirm this is a different person',
        )
        return showNewPerson(
          request,
          reply,
          { ...fields, confirmedNotDuplicate: '' },
          shown,
          409,
          error.detail.candidates,
        )
      }
      if (error instanceof ValidationFailed) {
        return showNewPerson(request, reply, fields, serviceErrors(error.problems, personLabels), 422)
      }
      throw error
    }
  })

  // -- Referral: the offending, the referral, the determination ---------------

  const showReferral = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    because: string,
    options: { values?: Fields; errors?: FormErrors; status?: number } = {},
  ) => {
    const call = pageCall(app, request, because)
    const record = await readPerson(call, personId)
    const person = personView(record)
    const actor = actorOf(request)
    const convictions = (record.facts.conviction ?? []).map((fact) => ({
      offence: offenceTitle(fact.data.offence),
      date: fact.data.date,
      sentence: disposalText(fact.data.disposal),
    }))
    const other = {
      cautions: record.facts.caution?.length ?? 0,
      incidents: record.facts.incident?.length ?? 0,
      riskAssessments: record.facts['risk-assessment']?.length ?? 0,
    }
    const active = record.registrations.find((r) => r.status === 'active')
    const referred = person.status === 'referred'
    const mayRefer = person.status === 'recorded' || person.status === 'ended'
    const values = options.values ?? {}
    return render(
      request,
      reply,
      'registration/referral.njk',
      {
        pageTitle: `Refer ${person.name} for registration`,
        person,
        because,
        convictions,
        other,
        mayRefer,
        referred,
        mayDetermine: can(actor, 'registration:determine') && person.status !== 'registered',
        mayAddConviction: can(actor, 'person:write'),
        activeRegistration: active === undefined ? undefined : href(`/registrations/${active.id}/notice`, { because }),
        addConviction: href(convictionPage(personId), { because }),
        values,
        referredOn: values['referredOn-day'] === undefined ? partsOf(today()) : dateParts(values, 'referredOn'),
        success: confirmation(request, {
          referred: `${person.name} has been referred for registration`,
          'conviction-added': 'The conviction has been added',
        }),
        ...(options.errors ?? noErrors()),
      },
      options.status ?? 200,
    )
  }

  server.get(
    '/people/:id/referral',
    page({ action: 'registration:refer', personal: true }),
    readingPage((request, reply, personId, because) => showReferral(request, reply, personId, because)),
  )

  server.post(
    '/people/:id/referral',
    page({ action: 'registration:refer', personal: true }),
    formPost(referralPage, async (request, reply, personId, because) => {
      const fields = formFields(request.body)
      const errors = noErrors()
      const reason = (fields.reason ?? '').trim()
      if (reason === '') addError(errors, 'reason', 'Enter the reason for the referral')
      else if (reason.length > 2000)
        addError(errors, 'reason', 'Reason for the referral must be 2000 characters or fewer')
      const referredOn = requiredDate(errors, fields, 'referredOn', 'Date of referral')
      notFuture(errors, 'referredOn', referredOn, today(), 'Date of referral must be today or in the past')
      const again = (shown: FormErrors, status: number) =>
        showReferral(request, reply, personId, because, { values: fields, errors: shown, status })
      if (hasErrors(errors)) return again(errors, 422)
      const outcome = await submitted(
        () => refer(pageCall(app, request), personId, { reason, referredOn }),
        {
          reason: { field: 'reason', label: 'Reason for the referral' },
          referredOn: { field: 'referredOn', label: 'Date of referral' },
        },
        (error) =>
          error instanceof Conflict
            ? oneError('reason', 'This person has already been referred, or is registered')
            : undefined,
      )
      if (!outcome.saved) return again(outcome.errors, outcome.status)
      return reply.redirect(href(referralPage(personId), { done: 'referred', because }), 303)
    }),
  )

  server.post(
    '/people/:id/determinations',
    page({ action: 'registration:determine', personal: true }),
    formPost(referralPage, async (request, reply, personId, because) => {
      try {
        const made = await determine(pageCall(app, request), personId, {})
        return reply.redirect(
          href(`${personPath(personId)}/determinations/${made.id}`, { done: 'determined', because }),
          303,
        )
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error
        // A stored fact the core cannot read: say which, so it can be corrected.
        const errors = noErrors()
        for (const problem of error.problems) {
          addError(errors, 'determine', `A recorded fact cannot be used: ${problem.message}`)
        }
        return showReferral(request, reply, personId, because, { errors, status: 422 })
      }
    }),
  )

  // -- Add a conviction ------------------------------------------------------

  const showConviction = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    because: string,
    options: { values?: Fields; errors?: FormErrors; status?: number } = {},
  ) => {
    const record = await readPerson(pageCall(app, request, because), personId)
    const person = personView(record)
    const values = options.values ?? {}
    const next = safeNextFor(personId, values.next ?? textOf((request.query as Query).next))
    return render(
      request,
      reply,
      'registration/conviction-new.njk',
      {
        pageTitle: `Add a conviction for ${person.name}`,
        person,
        because,
        next,
        backLink: next === undefined ? href(referralPage(personId), { because }) : href(next, { because }),
        values,
        convictionDate: dateParts(values, 'convictionDate'),
        offenceDate: dateParts(values, 'offenceDate'),
        releasedOn: dateParts(values, 'releasedOn'),
        // A form sent again after a stale write carries the version the user has now seen.
        version: person.version,
        offences: [{ value: '', text: 'Select an offence' }, ...offenceOptions].map((o) => ({
          ...o,
          selected: o.value === (values.offence ?? ''),
        })),
        relationshipsList: [{ value: '', text: 'Not known' }, ...relationshipOptions].map((o) => ({
          ...o,
          selected: o.value === (values.victimRelationship ?? ''),
        })),
        ...(options.errors ?? noErrors()),
      },
      options.status ?? 200,
    )
  }

  server.get(
    '/people/:id/convictions/new',
    page({ action: 'person:write', personal: true }),
    readingPage((request, reply, personId, because) => showConviction(request, reply, personId, because)),
  )

  server.post(
    '/people/:id/convictions/new',
    page({ action: 'person:write', personal: true }),
    formPost(convictionPage, async (request, reply, personId, because) => {
      const fields = formFields(request.body)
      const record = await readPerson(pageCall(app, request), personId)
      const { errors, fact } = checkConviction(fields, today(), record.person.dateOfBirth)
      const again = (shown: FormErrors, status: number) =>
        showConviction(request, reply, personId, because, { values: fields, errors: shown, status })
      if (hasErrors(errors)) return again(errors, 422)
      const outcome = await submitted(
        () => addFact(pageCall(app, request), personId, versionOf(fields), fact),
        convictionLabels,
        (error) =>
          error instanceof StaleWrite
            ? oneError(
                'offence',
                'Someone else changed this person’s record after you opened this page, so the conviction was not saved. Check the record has not already got this conviction, then send the form again.',
              )
            : undefined,
      )
      if (!outcome.saved) return again(outcome.errors, outcome.status)
      const next = safeNextFor(personId, fields.next)
      return reply.redirect(
        next === undefined
          ? href(referralPage(personId), { done: 'conviction-added', because })
          : href(next, { because }),
        303,
      )
    }),
  )

  // -- The determination: every policy side by side --------------------------

  server.get(
    '/people/:id/determinations/:determinationId',
    page({ action: 'person:read', personal: true }),
    readingPage(async (request, reply, personId, because) => {
      const call = pageCall(app, request, because)
      const { determination, person } = await loadDetermination(call, personId, paramsOf(request).determinationId ?? '')
      const actor = actorOf(request)
      const registrable = determination.policies.filter((p) => p.registrable)
      return render(request, reply, 'registration/determination.njk', {
        pageTitle: `Eligibility of ${person.name} under every policy`,
        person,
        because,
        determination,
        registrable,
        mayDecide: can(actor, 'registration:decide'),
        registered: person.status === 'registered',
        registerLink: href(`${personPath(personId)}/register`, { determination: determination.id, because }),
        referralLink: href(referralPage(personId), { because }),
        backLink: href(referralPage(personId), { because }),
        success: confirmation(request, { determined: 'Eligibility has been checked against every policy' }),
      })
    }),
  )

  // -- Choose a policy, check the answers, register --------------------------

  const registerContext = async (
    request: FastifyRequest,
    personId: string,
    because: string,
    determinationId: string,
  ) => {
    // The person first: a record out of reach is refused (and audited) before the determination is looked up.
    return loadDetermination(pageCall(app, request, because), personId, determinationId)
  }

  const showChoose = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    because: string,
    answers: RegisterAnswers,
    errors: FormErrors,
    status: number,
    dateBoxes?: DateParts,
  ) => {
    const { determination, person } = await registerContext(request, personId, because, answers.determination)
    const registrable = determination.policies.filter((p) => p.registrable)
    return render(
      request,
      reply,
      'registration/choose.njk',
      {
        pageTitle: `Register ${person.name}`,
        person,
        because,
        determination,
        registrable,
        policyItems: registrable.map((p) => ({
          value: p.id,
          text: p.title,
          hint: {
            text:
              p.consequences === null
                ? p.summary
                : `${p.consequences.effect}. Notification period: ${p.consequences.period}.`,
          },
        })),
        answers,
        registeredOn: dateBoxes ?? partsOf(answers.registeredOn === '' ? today() : answers.registeredOn),
        backLink: href(`${personPath(personId)}/determinations/${determination.id}`, { because }),
        ...errors,
      },
      status,
    )
  }

  // Only a registrar opens a registration: others reach the generic page (audited by the access hook),
  // and the eligibility page tells them so before they get here.
  server.get(
    '/people/:id/register',
    page({ action: 'registration:decide', personal: true }),
    readingPage((request, reply, personId, because) =>
      showChoose(request, reply, personId, because, answersFrom(request.query as Query), noErrors(), 200),
    ),
  )

  server.post(
    '/people/:id/register',
    page({ action: 'registration:decide', personal: true }),
    formPost(referralPage, async (request, reply, personId, because) => {
      const fields = formFields(request.body)
      const answers = answersFrom(fields)
      const { determination } = await registerContext(request, personId, because, answers.determination)
      const registrable = new Set(determination.policies.filter((p) => p.registrable).map((p) => p.id as string))
      const errors = checkAnswers(answers, registrable, today(), fields)
      if (hasErrors(errors)) {
        return showChoose(request, reply, personId, because, answers, errors, 422, dateParts(fields, 'registeredOn'))
      }
      return reply.redirect(href(`${personPath(personId)}/register/check`, { ...answers, because }), 303)
    }),
  )

  const showCheck = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    because: string,
    answers: RegisterAnswers,
    errors: FormErrors,
    status: number,
  ) => {
    const { determination, person } = await registerContext(request, personId, because, answers.determination)
    const chosen = determination.policies.find((p) => p.id === answers.policy && p.registrable)
    const registrable = new Set(determination.policies.filter((p) => p.registrable).map((p) => p.id as string))
    if (chosen === undefined || hasErrors(checkAnswers({ ...answers }, registrable, today()))) {
      // Answers that no longer hold (a link edited by hand): back to the questions.
      return reply.redirect(href(`${personPath(personId)}/register`, { ...answers, because }), 303)
    }
    const change = (anchor: string) => `${href(`${personPath(personId)}/register`, { ...answers, because })}#${anchor}`
    return render(
      request,
      reply,
      'registration/check.njk',
      {
        pageTitle: 'Check your answers before registering',
        person,
        because,
        answers,
        chosen,
        determination,
        labels: {
          abuseType: abuseTypeLabels[answers.abuseType],
          inCustody: yesNo(answers.inCustody),
          noFixedAbode: yesNo(answers.noFixedAbode),
        },
        change: {
          policy: change('policy'),
          abuseType: change('abuseType'),
          registeredOn: change('registeredOn-day'),
          inCustody: change('inCustody'),
          noFixedAbode: change('noFixedAbode'),
        },
        determinationLink: href(`${personPath(personId)}/determinations/${determination.id}`, { because }),
        backLink: href(`${personPath(personId)}/register`, { ...answers, because }),
        ...errors,
      },
      status,
    )
  }

  server.get(
    '/people/:id/register/check',
    page({ action: 'registration:decide', personal: true }),
    readingPage((request, reply, personId, because) =>
      showCheck(request, reply, personId, because, answersFrom(request.query as Query), noErrors(), 200),
    ),
  )

  server.post(
    '/people/:id/register/check',
    page({ action: 'registration:decide', personal: true }),
    formPost(referralPage, async (request, reply, personId, because) => {
      const answers = answersFrom(formFields(request.body))
      const outcome = await submitted(
        () =>
          register(pageCall(app, request), personId, {
            determinationId: answers.determination,
            policyId: answers.policy,
            abuseType: answers.abuseType,
            registeredOn: answers.registeredOn,
            inCustody: answers.inCustody === 'yes',
            noFixedAbode: answers.noFixedAbode === 'yes',
          }),
        {
          policyId: { field: 'register', label: 'The policy' },
          abuseType: { field: 'register', label: 'The type of abuse' },
          registeredOn: { field: 'register', label: 'The date of registration' },
          determinationId: { field: 'register', label: 'The determination' },
        },
        (error) =>
          error instanceof Conflict
            ? oneError(
                'register',
                error.detail.registrationId !== undefined
                  ? 'This person already has an active registration, so nothing was saved'
                  : 'The determination does not allow registration under this policy. Check eligibility again.',
              )
            : undefined,
      )
      if (!outcome.saved) return showCheck(request, reply, personId, because, answers, outcome.errors, outcome.status)
      return reply.redirect(href(`/registrations/${outcome.value.id}/notice`, { done: 'registered', because }), 303)
    }),
  )

  // -- The notice to the registrant ------------------------------------------

  const showNotice = async (
    request: FastifyRequest,
    reply: FastifyReply,
    registrationId: string,
    because: string,
    options: { values?: Fields; errors?: FormErrors; status?: number } = {},
  ) => {
    // The notice and its registration in one call: one audited consultation per view.
    const { notice: document, registration } = await viewNotice(pageCall(app, request, because), registrationId)
    const actor = actorOf(request)
    const values = options.values ?? {}
    const personId = String(registration.personId)
    return render(
      request,
      reply,
      'registration/notice.njk',
      {
        pageTitle: `${document.title}: ${document.reference}`,
        notice: document,
        because,
        registrationId,
        registration: {
          version: registration.version,
          status: registration.status,
          registeredOn: isoOf(registration.registeredOn),
          noticeServedOn: registration.noticeServedOn === null ? undefined : isoOf(registration.noticeServedOn),
          policy: isPolicyId(String(registration.policyId))
            ? policyById(registration.policyId as never).title
            : registration.policyId,
        },
        mayRecordServed:
          can(actor, 'registration:decide') && registration.status === 'active' && registration.noticeServedOn === null,
        values,
        servedOn: values['servedOn-day'] === undefined ? partsOf(today()) : dateParts(values, 'servedOn'),
        methodLabels,
        printLink: href(`/registrations/${registrationId}/notice/print`, { because }),
        referralLink: href(referralPage(personId), { because }),
        personLink: href(personPath(personId), { because }),
        success: confirmation(request, {
          registered: 'The person has been registered. Serve this notice on them.',
          served: 'The notice has been recorded as served',
        }),
        ...(options.errors ?? noErrors()),
      },
      options.status ?? 200,
    )
  }

  // The notice pages show a refused reason as the error page, not the question again.
  server.get(
    '/registrations/:id/notice',
    page({ action: 'person:read', personal: true }),
    withReason((request, reply, registrationId, because) => showNotice(request, reply, registrationId, because)),
  )

  server.get(
    '/registrations/:id/notice/print',
    page({ action: 'person:read', personal: true }),
    withReason(async (request, reply, registrationId, because) => {
      const document = await notice(pageCall(app, request, because), registrationId)
      return reply.type('text/html; charset=utf-8').send(noticeHtml(document, reply.cspNonce))
    }),
  )

  server.post(
    '/registrations/:id/notice-served',
    page({ action: 'registration:decide', personal: true }),
    formPost(noticePage, async (request, reply, registrationId, because) => {
      const fields = formFields(request.body)
      const errors = noErrors()
      const servedOn = requiredDate(errors, fields, 'servedOn', 'Date the notice was served')
      notFuture(errors, 'servedOn', servedOn, today(), 'Date the notice was served must be today or in the past')
      const method = fields.method ?? ''
      if (!Object.hasOwn(methodLabels, method)) addError(errors, 'method', 'Select how the notice was served')
      const again = (shown: FormErrors, status: number) =>
        showNotice(request, reply, registrationId, because, { values: fields, errors: shown, status })
      if (hasErrors(errors) || servedOn === undefined) return again(errors, 422)
      const outcome = await submitted(
        () => recordNoticeServed(pageCall(app, request), registrationId, versionOf(fields), { servedOn, method }),
        {
          servedOn: { field: 'servedOn', label: 'Date the notice was served' },
          method: { field: 'method', label: 'How the notice was served' },
        },
        (error) =>
          error instanceof StaleWrite
            ? oneError(
                'stale',
                'Someone else changed this registration after you opened this page, so nothing was saved. Check the notice below, then record it as served again if it is still needed.',
                'notice-status',
              )
            : undefined,
      )
      if (!outcome.saved) return again(outcome.errors, outcome.status)
      return reply.redirect(href(`/registrations/${registrationId}/notice`, { done: 'served', because }), 303)
    }),
  )
}

/** A page of the same person's record to go back to after adding a conviction; nothing else. */
function safeNextFor(personId: string, next: string | undefined): string | undefined {
  if (next === undefined) return undefined
  const prefix = `${personPath(personId)}/`
  if (!next.startsWith(prefix) && next !== personPath(personId)) return undefined
  if (next.includes('//') || next.includes('\\') || next.includes('?') || next.includes('#')) return undefined
  return next
}
