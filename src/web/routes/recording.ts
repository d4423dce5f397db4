import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { ApiServer } from '../../api/route-kit.ts'
import type { Action } from '../../app/access.ts'
import { decideBreach, recordVisit } from '../../app/compliance.ts'
import type { AppContext, Call } from '../../app/context.ts'
import { Conflict, StaleWrite } from '../../app/errors.ts'
import { addFact, supersedeFact } from '../../app/people.ts'
import {
  type ActiveRegistration,
  type BreachToDecide,
  breachToDecide,
  type RecordingSubject,
  recordingSubject,
  type SubjectPerson,
} from '../../app/recording-view.ts'
import { recordNotification } from '../../app/registration.ts'
import { formatDay } from '../../domain/dates/day.ts'
import { type FieldLabels, href, oneError, reasonOf, submitted } from '../form-kit.ts'
import {
  addError,
  dateParts,
  type FormErrors,
  formFields,
  formList,
  hasErrors,
  noErrors,
  page,
  pageCall,
  partsOf,
  readDate,
} from '../page-kit.ts'
import { render, ukDate } from '../view.ts'

// Issue 6, item 6: the recording forms. A notification made in person (first
// "what has changed?", then the form for that change), a home visit, the
// outcome of a suspected breach, a risk assessment and a risk management plan.
// Each is checked on the server with GOV.UK messages, then handed to the same
// service as the API, which applies the law's deadlines and checks again; a
// success redirects to the person's obligations page with a confirmation.
// Forms on a versioned record (a breach, the person's facts) carry the version
// they were opened at, so a form someone else has overtaken is refused and
// nothing is overwritten.

/** The confirmations the person's obligations page shows after a redirect here (`?done=key`). */
export const recordingConfirmations: Readonly<Record<string, string>> = {
  notification: 'Notification recorded',
  visit: 'Home visit recorded',
  'breach-outcome': 'Breach outcome recorded',
  'risk-assessment': 'Risk assessment recorded',
  'risk-management-plan': 'Risk management plan recorded',
}

export const staleMessage =
  'Someone else changed this record after you opened it. Nothing you entered was saved. Check the record and try again.'

// ---------------------------------------------------------------------------
// Fields: declared once, checked on the server, shown with the GOV.UK macros.

interface Option {
  value: string
  text: string
  hint?: string
}

interface FieldBase {
  name: string
  /** The question, and the words its messages start with ("Date of departure must be…"). */
  label: string
  hint?: string
  optional?: boolean
  /** The message when it is left empty ("Enter a date of departure"). */
  missing?: string
}

interface TextField extends FieldBase {
  type: 'text'
  width?: string
  autocomplete?: string
  inputmode?: string
  spellcheck?: boolean
  max?: number
  /** The value as stored, or a message saying what is wrong with it. */
  parse?: (value: string) => { value: string } | { error: string }
}

interface TextareaField extends FieldBase {
  type: 'textarea'
  max: number
  rows?: number
}

interface DateField extends FieldBase {
  type: 'date'
  when?: 'past' | 'future'
}

interface RadiosField extends FieldBase {
  type: 'radios'
  options: Option[]
}

/** One box to tick: "yes" or nothing. */
interface CheckboxField extends FieldBase {
  type: 'checkbox'
}

interface CheckboxesField extends FieldBase {
  type: 'checkboxes'
  options: Option[]
}

interface HeadingField {
  type: 'heading'
  name: string
  label: string
  hint?: string
}

type Field = TextField | TextareaField | DateField | RadiosField | CheckboxField | CheckboxesField | HeadingField

/** What the user typed, as they typed it: shown again when the form has problems. */
interface Entered {
  fields: Record<string, string>
  lists: Record<string, string[]>
}

type Values = Record<string, string | undefined>

interface ReadForm {
  values: Values
  lists: Record<string, string[]>
  errors: FormErrors
}

const lowerFirst = (text: string) => `${text[0]?.toLowerCase() ?? ''}${text.slice(1)}`

/** Checks every field and returns the values to send, or the problems. */
function readForm(fields: readonly Field[], entered: Entered, today: string): ReadForm {
  const errors = noErrors()
  const values: Values = {}
  const lists: Record<string, string[]> = {}
  for (const field of fields) {
    if (field.type === 'heading') continue
    const missing = field.missing ?? `Enter ${lowerFirst(field.label)}`
    if (field.type === 'date') {
      const parts = dateParts(entered.fields, field.name)
      if (parts.day === '' && parts.month === '' && parts.year === '') {
        if (!field.optional) addError(errors, field.name, missing)
        continue
      }
      const read = readDate(parts, field.label)
      if ('error' in read) {
        addError(errors, field.name, read.error)
        continue
      }
      if (field.when === 'past' && read.date > today) {
        addError(errors, field.name, `${field.label} must be today or in the past`)
        continue
      }
      if (field.when === 'future' && read.date < today) {
        addError(errors, field.name, `${field.label} must be today or in the future`)
        continue
      }
      values[field.name] = read.date
      continue
    }
    if (field.type === 'checkboxes') {
      const chosen = (entered.lists[field.name] ?? []).filter((value) => field.options.some((o) => o.value === value))
      if (chosen.length === 0 && !field.optional) addError(errors, field.name, missing)
      lists[field.name] = chosen
      continue
    }
    const value = (entered.fields[field.name] ?? '').trim()
    if (field.type === 'checkbox') {
      if (value === 'yes') values[field.name] = 'yes'
      continue
    }
    if (field.type === 'radios') {
      if (value !== '' && field.options.some((option) => option.value === value)) values[field.name] = value
      else if (!field.optional || value !== '') addError(errors, field.name, missing)
      continue
    }
    if (value === '') {
      if (!field.optional) addError(errors, field.name, missing)
      continue
    }
    const max = field.max ?? 200
    if (value.length > max) {
      addError(errors, field.name, `${field.label.replace(/ \(optional\)$/, '')} must be ${max} characters or fewer`)
      continue
    }
    if (field.type === 'text' && field.parse !== undefined) {
      const parsed = field.parse(value)
      if ('error' in parsed) {
        addError(errors, field.name, parsed.error)
        continue
      }
      values[field.name] = parsed.value
      continue
    }
    values[field.name] = value
  }
  return { values, lists, errors }
}

const entered = (body: unknown, fields: readonly Field[]): Entered => ({
  fields: formFields(body),
  lists: Object.fromEntries(
    fields.filter((field) => field.type === 'checkboxes').map((field) => [field.name, formList(body, field.name)]),
  ),
})

const nothingEntered = (fields: Record<string, string> = {}, lists: Record<string, string[]> = {}): Entered => ({
  fields,
  lists,
})

/** A date field's three boxes, filled from an ISO date. */
function dateInto(name: string, iso: string | undefined): Record<string, string> {
  const parts = partsOf(iso)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

interface FieldView {
  type: Field['type']
  params: Record<string, unknown>
}

/** The GOV.UK macro parameters of each field, with what was entered and its message. */
function fieldViews(fields: readonly Field[], shown: Entered, errors: FormErrors): FieldView[] {
  return fields.map((field) => fieldView(field, shown, errors))
}

function fieldView(field: Field, shown: Entered, errors: FormErrors): FieldView {
  if (field.type === 'heading') return { type: 'heading', params: { text: field.label, hint: field.hint } }
  const hint = field.hint === undefined ? undefined : { text: field.hint }
  const errorMessage = errors.errors[field.name]
  const value = shown.fields[field.name] ?? ''
  const legend = { text: field.label, classes: 'govuk-fieldset__legend--s' }
  switch (field.type) {
    case 'text':
      return {
        type: 'text',
        params: {
          id: field.name,
          name: field.name,
          label: { text: field.label, classes: 'govuk-label--s' },
          hint,
          value,
          errorMessage,
          classes: field.width,
          autocomplete: field.autocomplete ?? 'off',
          inputmode: field.inputmode,
          spellcheck: field.spellcheck,
        },
      }
    case 'textarea':
      return {
        type: 'textarea',
        params: {
          id: field.name,
          name: field.name,
          label: { text: field.label, classes: 'govuk-label--s' },
          hint,
          value,
          errorMessage,
          rows: field.rows ?? 4,
        },
      }
    case 'date': {
      const parts = dateParts(shown.fields, field.name)
      return {
        type: 'date',
        params: {
          id: `${field.name}-date`,
          namePrefix: field.name,
          fieldset: { legend },
          hint: { text: [field.hint, 'For example, 27 3 2026'].filter(Boolean).join('. ') },
          errorMessage,
          items: [
            { id: field.name, name: 'day', label: 'Day', value: parts.day },
            { name: 'month', label: 'Month', value: parts.month },
            { name: 'year', label: 'Year', value: parts.year },
          ],
        },
      }
    }
    case 'radios':
      return {
        type: 'radios',
        params: {
          idPrefix: field.name,
          name: field.name,
          fieldset: { legend },
          hint,
          errorMessage,
          items: field.options.map((option) =>
            option.value === '' && option.text === 'or'
              ? { divider: 'or' }
              : {
                  value: option.value,
                  text: option.text,
                  hint: option.hint === undefined ? undefined : { text: option.hint },
                  checked: value === option.value,
                },
          ),
        },
      }
    case 'checkbox':
      return {
        type: 'checkbox',
        params: {
          idPrefix: field.name,
          name: field.name,
          errorMessage,
          items: [{ value: 'yes', text: field.label, hint, checked: value === 'yes' }],
        },
      }
    case 'checkboxes': {
      const chosen = shown.lists[field.name] ?? []
      return {
        type: 'checkboxes',
        params: {
          idPrefix: field.name,
          name: field.name,
          fieldset: { legend },
          hint,
          errorMessage,
          items: field.options.map((option) => ({
            value: option.value,
            text: option.text,
            hint: option.hint === undefined ? undefined : { text: option.hint },
            checked: chosen.includes(option.value),
          })),
        },
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Values a registrant gives: postcodes, countries, phone numbers…

const postcodePattern = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/

function postcode(value: string): { value: string } | { error: string } {
  const compact = value.toUpperCase().replace(/\s+/g, '')
  const spaced = compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact
  return postcodePattern.test(spaced) ? { value: spaced } : { error: 'Enter a real postcode' }
}

/** Country names (and codes) a person might type, to ISO 3166-1 codes: "France" or "FR" → "FR". */
const countryCodes: ReadonlyMap<string, string> = (() => {
  const names = new Intl.DisplayNames(['en-GB'], { type: 'region', fallback: 'code' })
  // Groupings, reserved and withdrawn codes that ICU still names (FX, SU, YU…): never a destination to record.
  const notCountries = new Set(
    'AC AN BU CP CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR ZZ'.split(' '),
  )
  const map = new Map<string, string>()
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b)
      const name = names.of(code)
      if (name === undefined || name === code || notCountries.has(code)) continue
      map.set(code.toLowerCase(), code)
      map.set(countryKey(name), code)
      // "Myanmar (Burma)" is also "Myanmar".
      map.set(countryKey(name.replace(/\(.*\)/, '')), code)
    }
  }
  const aliases: [string, string][] = [
    ['uk', 'GB'],
    ['great britain', 'GB'],
    ['britain', 'GB'],
    ['england', 'GB'],
    ['scotland', 'GB'],
    ['wales', 'GB'],
    ['northern ireland', 'GB'],
    ['usa', 'US'],
    ['america', 'US'],
    ['united states of america', 'US'],
    ['holland', 'NL'],
    ['czech republic', 'CZ'],
    ['turkey', 'TR'],
  ]
  for (const [alias, code] of aliases) map.set(alias, code)
  return map
})()

function countryKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const countryOf = (text: string) => countryCodes.get(countryKey(text))

function countries(value: string): { value: string } | { error: string } {
  const codes: string[] = []
  for (const part of value.split(/[,;\n]/).map((p) => p.trim())) {
    if (part === '') continue
    const code = countryOf(part)
    if (code === undefined)
      return { error: `Enter a real country instead of "${part.slice(0, 40)}", like France or FR` }
    if (!codes.includes(code)) codes.push(code)
  }
  return codes.length === 0 ? { error: 'Enter the countries they are going to' } : { value: codes.join(',') }
}

function country(value: string): { value: string } | { error: string } {
  const code = countryOf(value)
  return code === undefined ? { error: 'Enter a real country, for example France or FR' } : { value: code }
}

function phoneNumber(value: string): { value: string } | { error: string } {
  const compact = value.replace(/[\s()-]/g, '')
  return /^\+?\d{7,15}$/.test(compact)
    ? { value: compact }
    : { error: 'Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192' }
}

function emailAddress(value: string): { value: string } | { error: string } {
  return z.email().safeParse(value).success
    ? { value }
    : { error: 'Enter an email address in the correct format, like name@example.com' }
}

function registrationNumber(value: string): { value: string } | { error: string } {
  const compact = value.replace(/\s+/g, '').toUpperCase()
  return /^[A-Z0-9]{2,10}$/.test(compact)
    ? { value: compact }
    : { error: 'Enter a registration number of 2 to 10 letters and numbers, like AB12 CDE' }
}

const digits4 = (label: string) => (value: string) =>
  /^\d{4}$/.test(value) ? { value } : { error: `${label} must be 4 numbers` }

function sortCode(value: string): { value: string } | { error: string } {
  const compact = value.replace(/[\s-]/g, '')
  return /^\d{6}$/.test(compact)
    ? { value: `${compact.slice(0, 2)}-${compact.slice(2, 4)}-${compact.slice(4)}` }
    : { error: 'Enter a valid sort code like 309430' }
}

function cardExpiry(value: string): { value: string } | { error: string } {
  const match = /^(\d{1,2})\s*\/\s*(\d{4})$/.exec(value)
  const month = Number(match?.[1])
  if (match === null || month < 1 || month > 12) {
    return { error: 'Enter the expiry date as a month and year, like 08/2029' }
  }
  return { value: `${match[2]}-${String(month).padStart(2, '0')}` }
}

// ---------------------------------------------------------------------------
// Notifications: what has changed, and the form for each change.

const addressFields = (what: string): Field[] => [
  {
    type: 'text',
    name: 'line1',
    label: 'Address line 1',
    missing: `Enter address line 1 of the ${what}, typically the building and street`,
    autocomplete: 'address-line1',
  },
  {
    type: 'text',
    name: 'line2',
    label: 'Address line 2 (optional)',
    optional: true,
    autocomplete: 'address-line2',
  },
  {
    type: 'text',
    name: 'town',
    label: 'Town or city',
    missing: `Enter the town or city of the ${what}`,
    width: 'govuk-!-width-two-thirds',
    max: 100,
    autocomplete: 'address-level2',
  },
  {
    type: 'text',
    name: 'postcode',
    label: 'Postcode',
    missing: 'Enter the postcode',
    width: 'govuk-input--width-10',
    autocomplete: 'postal-code',
    max: 10,
    parse: postcode,
  },
]

const address = (v: Values) => ({
  line1: v.line1,
  ...(v.line2 === undefined ? {} : { line2: v.line2 }),
  town: v.town,
  postcode: v.postcode,
})

const changeDate = (label: string, missing: string): DateField => ({
  type: 'date',
  name: 'eventDate',
  label,
  missing,
  when: 'past',
})

const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value })

/** What the notification service is sent, from the checked values. */
interface NotificationBody {
  kind: 'initial' | 'change' | 'periodic' | 'travel' | 'travel-return' | 'release'
  items: string[]
  eventDate?: string
  departureDate?: string
  shortNotice?: boolean
  facts?: Record<string, unknown>[]
  noFixedAbode?: boolean
}

interface NotificationKind {
  id: string
  /** The answer to "What has changed?". */
  choice: string
  hint?: string
  /** The form's heading. */
  title: string
  intro?: string
  fields: Field[]
  /** Offered only when it applies to the registration. */
  applies?: (registration: ActiveRegistration) => boolean
  body: (v: Values, registration: ActiveRegistration) => NotificationBody
}

/** A fact recorded with a change, in force from the day of the change. */
const change = (
  items: string[],
  fact: Record<string, unknown>,
  v: Values,
  extra: Partial<NotificationBody> = {},
): NotificationBody => ({
  kind: 'change',
  items,
  eventDate: v.eventDate as string,
  facts: [{ ...fact, validFrom: v.eventDate }],
  ...extra,
})

const startedUsing = changeDate('Date they started using it', 'Enter the date they started using it')

export const notificationKinds: readonly NotificationKind[] = [
  {
    id: 'name',
    choice: 'A new name',
    hint: 'Including an alias or a nickname',
    title: 'Record a new name',
    fields: [
      { type: 'text', name: 'givenNames', label: 'Given names', missing: 'Enter the given names', spellcheck: false },
      {
        type: 'text',
        name: 'familyName',
        label: 'Family name',
        missing: 'Enter the family name',
        max: 100,
        spellcheck: false,
      },
      {
        type: 'radios',
        name: 'nameType',
        label: 'What kind of name is it?',
        missing: 'Select what kind of name it is',
        options: [
          { value: 'alias', text: 'Another name they use (alias)' },
          { value: 'nickname', text: 'Nickname' },
        ],
      },
      changeDate('Date they first used the name', 'Enter the date they first used the name'),
    ],
    body: (v) =>
      change(['names'], { kind: 'name', nameType: v.nameType, givenNames: v.givenNames, familyName: v.familyName }, v),
  },
  {
    id: 'home-address',
    choice: 'Home address',
    title: 'Record a change of home address',
    intro: 'The current home address stays in the record’s history, ending the day before they moved.',
    fields: [
      ...addressFields('new home address'),
      changeDate('Date they moved to the address', 'Enter the date they moved to the address'),
    ],
    // A home again after no fixed abode: the weekly notification ends.
    body: (v, registration) =>
      change(['home-address'], { kind: 'address', addressType: 'home', ...address(v) }, v, {
        ...(registration.noFixedAbode ? { noFixedAbode: false } : {}),
      }),
  },
  {
    id: 'other-address',
    choice: 'Another address where they stay for 7 days or more',
    hint: '7 days in a row, or 7 days in all within 12 months',
    title: 'Record another address where they stay',
    fields: [
      ...addressFields('address'),
      {
        type: 'date',
        name: 'firstStayed',
        label: 'Date they first stayed there (optional)',
        optional: true,
        when: 'past',
      },
      changeDate('Date they had stayed there for 7 days', 'Enter the date they had stayed there for 7 days'),
    ],
    body: (v) => ({
      kind: 'change',
      items: ['other-addresses'],
      eventDate: v.eventDate as string,
      facts: [{ kind: 'address', addressType: 'other-7-days', ...address(v), ...optional('validFrom', v.firstStayed) }],
    }),
  },
  {
    id: 'no-fixed-abode',
    choice: 'No fixed abode',
    hint: 'They no longer have a home address',
    title: 'Record that they have no fixed abode',
    intro: 'The current home address stays in the record’s history, ending the day before they left it.',
    fields: [
      {
        type: 'textarea',
        name: 'weeklyLocation',
        label: 'Where they can regularly be found',
        hint: 'A place where they can be found each week, for example a hostel, a day centre or a street',
        missing: 'Enter where they can regularly be found',
        max: 500,
        rows: 3,
      },
      changeDate('Date they left their home address', 'Enter the date they left their home address'),
    ],
    body: (v) =>
      change(
        ['home-address'],
        { kind: 'address', addressType: 'no-fixed-abode', weeklyLocation: v.weeklyLocation },
        v,
        {
          noFixedAbode: true,
        },
      ),
  },
  {
    id: 'foreign-travel',
    choice: 'Travel outside the UK',
    title: 'Record travel outside the UK',
    fields: [
      {
        type: 'date',
        name: 'departureDate',
        label: 'Date of departure',
        missing: 'Enter a date of departure',
        when: 'future',
      },
      { type: 'date', name: 'returnDate', label: 'Date of return (optional)', optional: true, when: 'future' },
      {
        type: 'text',
        name: 'destinations',
        label: 'Countries they are going to',
        hint: 'Separate countries with commas, for example France, Spain',
        missing: 'Enter the countries they are going to',
        max: 500,
        parse: countries,
      },
      {
        type: 'text',
        name: 'departurePoint',
        label: 'Where they will leave the UK',
        hint: 'For example, Dover or Heathrow Airport',
        missing: 'Enter where they will leave the UK',
      },
      {
        type: 'text',
        name: 'carrier',
        label: 'How they will travel (optional)',
        hint: 'For example, the airline and flight number, or the ferry company',
        optional: true,
      },
      {
        type: 'textarea',
        name: 'firstNightAccommodation',
        label: 'Where they will stay on the first night (optional)',
        optional: true,
        max: 500,
        rows: 2,
      },
      {
        type: 'checkbox',
        name: 'shortNotice',
        label: 'They did not know these details 7 days before they leave',
        hint: 'For example, a trip arranged at short notice',
      },
    ],
    body: (v) => ({
      kind: 'travel',
      items: ['foreign-travel'],
      departureDate: v.departureDate as string,
      ...(v.shortNotice === 'yes' ? { shortNotice: true } : {}),
      facts: [
        {
          kind: 'foreign-travel',
          departureDate: v.departureDate,
          ...optional('returnDate', v.returnDate),
          destinations: (v.destinations as string).split(','),
          departurePoint: v.departurePoint,
          ...optional('carrier', v.carrier),
          ...optional('firstNightAccommodation', v.firstNightAccommodation),
        },
      ],
    }),
  },
  {
    id: 'travel-return',
    choice: 'Return from travel outside the UK',
    title: 'Record a return from travel outside the UK',
    fields: [changeDate('Date they returned to the UK', 'Enter the date they returned to the UK')],
    body: (v) => ({ kind: 'travel-return', items: ['foreign-travel'], eventDate: v.eventDate as string }),
  },
  {
    id: 'bank-account',
    choice: 'A bank or building society account',
    title: 'Record a bank or building society account',
    fields: [
      {
        type: 'text',
        name: 'institution',
        label: 'Bank or building society',
        missing: 'Enter the bank or building society',
      },
      { type: 'text', name: 'accountName', label: 'Name on the account', missing: 'Enter the name on the account' },
      {
        type: 'text',
        name: 'sortCode',
        label: 'Sort code (optional)',
        hint: 'Must be 6 digits long',
        optional: true,
        width: 'govuk-input--width-5',
        inputmode: 'numeric',
        max: 10,
        parse: sortCode,
      },
      {
        type: 'text',
        name: 'accountNumberLast4',
        label: 'Last 4 digits of the account number (optional)',
        optional: true,
        width: 'govuk-input--width-4',
        inputmode: 'numeric',
        max: 10,
        parse: digits4('Last 4 digits of the account number'),
      },
      { type: 'checkbox', name: 'joint', label: 'It is a joint account' },
      changeDate('Date the account was opened', 'Enter the date the account was opened'),
    ],
    body: (v) =>
      change(
        v.joint === 'yes' ? ['bank-accounts', 'joint-commitments'] : ['bank-accounts'],
        {
          kind: 'bank-account',
          institution: v.institution,
          accountName: v.accountName,
          ...optional('sortCode', v.sortCode),
          ...optional('accountNumberLast4', v.accountNumberLast4),
          joint: v.joint === 'yes',
        },
        v,
      ),
  },
  {
    id: 'card',
    choice: 'A debit, credit or prepaid card',
    title: 'Record a debit, credit or prepaid card',
    fields: [
      {
        type: 'text',
        name: 'issuer',
        label: 'Card issuer',
        hint: 'For example, the bank',
        missing: 'Enter the card issuer',
      },
      {
        type: 'radios',
        name: 'cardType',
        label: 'Type of card',
        missing: 'Select the type of card',
        options: [
          { value: 'debit', text: 'Debit card' },
          { value: 'credit', text: 'Credit card' },
          { value: 'prepaid', text: 'Prepaid card' },
        ],
      },
      {
        type: 'text',
        name: 'last4',
        label: 'Last 4 digits of the card number',
        missing: 'Enter the last 4 digits of the card number',
        width: 'govuk-input--width-4',
        inputmode: 'numeric',
        max: 10,
        parse: digits4('Last 4 digits of the card number'),
      },
      {
        type: 'text',
        name: 'expires',
        label: 'Expiry date (optional)',
        hint: 'Month and year, for example 08/2029',
        optional: true,
        width: 'govuk-input--width-5',
        max: 10,
        parse: cardExpiry,
      },
      changeDate('Date they got the card', 'Enter the date they got the card'),
    ],
    body: (v) =>
      change(
        ['bank-accounts'],
        { kind: 'card', issuer: v.issuer, cardType: v.cardType, last4: v.last4, ...optional('expires', v.expires) },
        v,
      ),
  },
  {
    id: 'identity-document',
    choice: 'A passport or other identity document',
    title: 'Record a passport or other identity document',
    fields: [
      {
        type: 'radios',
        name: 'documentType',
        label: 'Type of document',
        missing: 'Select the type of document',
        options: [
          { value: 'passport', text: 'Passport' },
          { value: 'driving-licence', text: 'Driving licence' },
          { value: 'identity-card', text: 'Identity card' },
          { value: 'residence-permit', text: 'Residence permit' },
          { value: 'other', text: 'Another document that shows their identity' },
        ],
      },
      {
        type: 'text',
        name: 'number',
        label: 'Document number',
        missing: 'Enter the document number',
        max: 50,
        spellcheck: false,
      },
      {
        type: 'text',
        name: 'issuingCountry',
        label: 'Country that issued it',
        hint: 'For example, United Kingdom',
        missing: 'Enter the country that issued it',
        max: 100,
        parse: country,
      },
      { type: 'date', name: 'expiresOn', label: 'Expiry date (optional)', optional: true },
      changeDate('Date they got the document', 'Enter the date they got the document'),
    ],
    body: (v) =>
      change(
        ['identity-documents'],
        {
          kind: 'identity-document',
          documentType: v.documentType,
          number: v.number,
          issuingCountry: v.issuingCountry,
          ...optional('expiresOn', v.expiresOn),
        },
        v,
      ),
  },
  {
    id: 'child-household',
    choice: 'Staying in a household with a child under 18',
    hint: 'For 12 hours or more',
    title: 'Record a stay in a household with a child under 18',
    fields: [
      ...addressFields('household'),
      {
        type: 'textarea',
        name: 'intendedPeriods',
        label: 'How long they intend to stay (optional)',
        hint: 'For example, every weekend, or 12 to 14 March',
        optional: true,
        max: 500,
        rows: 2,
      },
      changeDate(
        'Date they first stayed there for 12 hours or more',
        'Enter the date they first stayed there for 12 hours or more',
      ),
    ],
    body: (v) =>
      change(
        ['child-household'],
        { kind: 'child-household', ...address(v), ...optional('intendedPeriods', v.intendedPeriods) },
        v,
      ),
  },
  {
    id: 'relationship',
    choice: 'A new relationship or household member',
    title: 'Record a new relationship or household member',
    fields: [
      {
        type: 'text',
        name: 'otherPartyName',
        label: 'Name of the other person',
        missing: 'Enter the name of the other person',
        spellcheck: false,
      },
      {
        type: 'radios',
        name: 'relationshipType',
        label: 'What is the relationship?',
        missing: 'Select what the relationship is',
        options: [
          { value: 'partner', text: 'Partner', hint: 'An intimate relationship' },
          { value: 'spouse', text: 'Spouse or civil partner' },
          { value: 'household-member', text: 'Someone who has come to live in their household' },
        ],
      },
      {
        type: 'textarea',
        name: 'jointCommitments',
        label: 'Joint commitments (optional)',
        hint: 'For example, a joint bank account, loan or tenancy',
        optional: true,
        max: 500,
        rows: 2,
      },
      changeDate('Date it started', 'Enter the date it started'),
    ],
    body: (v) =>
      change(
        [
          v.relationshipType === 'household-member' ? 'household-members' : 'new-relationships',
          ...(v.jointCommitments === undefined ? [] : ['joint-commitments']),
        ],
        {
          kind: 'relationship',
          relationshipType: v.relationshipType,
          otherPartyName: v.otherPartyName,
          ...optional('jointCommitments', v.jointCommitments),
        },
        v,
      ),
  },
  {
    id: 'phone',
    choice: 'A phone number',
    title: 'Record a phone number',
    fields: [
      {
        type: 'text',
        name: 'number',
        label: 'Phone number',
        missing: 'Enter the phone number',
        width: 'govuk-input--width-20',
        inputmode: 'tel',
        max: 30,
        parse: phoneNumber,
      },
      startedUsing,
    ],
    body: (v) => change(['phone-numbers'], { kind: 'phone', number: v.number }, v),
  },
  {
    id: 'email',
    choice: 'An email address',
    title: 'Record an email address',
    fields: [
      {
        type: 'text',
        name: 'address',
        label: 'Email address',
        missing: 'Enter the email address',
        spellcheck: false,
        max: 254,
        parse: emailAddress,
      },
      startedUsing,
    ],
    body: (v) => change(['email-addresses'], { kind: 'email', address: v.address }, v),
  },
  {
    id: 'online-identity',
    choice: 'An online identity',
    hint: 'A user name or profile on a website or app, including dating apps',
    title: 'Record an online identity',
    fields: [
      {
        type: 'text',
        name: 'platform',
        label: 'Website or app',
        hint: 'For example, a social network or a dating app',
        missing: 'Enter the website or app',
        max: 100,
      },
      {
        type: 'text',
        name: 'handle',
        label: 'User name or profile name',
        missing: 'Enter the user name or profile name',
        spellcheck: false,
      },
      { type: 'checkbox', name: 'datingProfile', label: 'It is a dating profile' },
      startedUsing,
    ],
    body: (v) =>
      change(
        ['online-identities'],
        { kind: 'online-identity', platform: v.platform, handle: v.handle, datingProfile: v.datingProfile === 'yes' },
        v,
      ),
  },
  {
    id: 'vehicle',
    choice: 'A vehicle they use',
    title: 'Record a vehicle',
    fields: [
      {
        type: 'text',
        name: 'registration',
        label: 'Registration number',
        hint: 'For example, AB12 CDE',
        missing: 'Enter the registration number',
        width: 'govuk-input--width-10',
        max: 20,
        spellcheck: false,
        parse: registrationNumber,
      },
      {
        type: 'text',
        name: 'make',
        label: 'Make (optional)',
        optional: true,
        max: 100,
        width: 'govuk-input--width-20',
      },
      {
        type: 'text',
        name: 'model',
        label: 'Model (optional)',
        optional: true,
        max: 100,
        width: 'govuk-input--width-20',
      },
      {
        type: 'text',
        name: 'colour',
        label: 'Colour (optional)',
        optional: true,
        max: 50,
        width: 'govuk-input--width-20',
      },
      startedUsing,
    ],
    body: (v) =>
      change(
        [],
        {
          kind: 'vehicle',
          registration: v.registration,
          ...optional('make', v.make),
          ...optional('model', v.model),
          ...optional('colour', v.colour),
        },
        v,
      ),
  },
  {
    id: 'periodic',
    choice: 'Periodic notification',
    hint: 'Every year, or every week when they have no fixed abode: they confirm all their details',
    title: 'Record a periodic notification',
    intro: 'They have come in person and confirmed all the details they must notify.',
    fields: [],
    body: () => ({ kind: 'periodic', items: [] }),
  },
  {
    id: 'initial',
    choice: 'Initial notification',
    hint: 'The first notification after registration',
    title: 'Record the initial notification',
    intro: 'They have come in person and given all the details they must notify for the first time.',
    fields: [],
    applies: (registration) => !registration.initialRecorded,
    body: () => ({ kind: 'initial', items: [] }),
  },
  {
    id: 'release',
    choice: 'Release from custody',
    title: 'Record a release from custody',
    fields: [changeDate('Date of release', 'Enter the date of release')],
    applies: (registration) => registration.inCustody,
    body: (v) => ({ kind: 'release', items: [], eventDate: v.eventDate as string }),
  },
]

/** Kinds that are not a change of the registrant's details come after an "or". */
const separateKinds = new Set(['periodic', 'initial', 'release'])

const kindsFor = (registration: ActiveRegistration) =>
  notificationKinds.filter((kind) => kind.applies === undefined || kind.applies(registration))

const notificationDetails: Field[] = [
  {
    type: 'date',
    name: 'receivedOn',
    label: 'Date the notification was made',
    hint: 'The day they told you in person',
    missing: 'Enter the date the notification was made',
    when: 'past',
  },
  {
    type: 'text',
    name: 'station',
    label: 'Police station (optional)',
    hint: 'Where they made the notification',
    optional: true,
  },
]

const chooseField = (registration: ActiveRegistration): RadiosField => {
  const kinds = kindsFor(registration)
  const changes = kinds.filter((kind) => !separateKinds.has(kind.id))
  const others = kinds.filter((kind) => separateKinds.has(kind.id))
  const option = (kind: NotificationKind): Option => ({
    value: kind.id,
    text: kind.choice,
    ...(kind.hint === undefined ? {} : { hint: kind.hint }),
  })
  return {
    type: 'radios',
    name: 'kind',
    label: 'What has changed?',
    hint: 'Choose what the registrant has come in to tell you',
    missing: 'Select what has changed',
    options: [...changes.map(option), { value: '', text: 'or' }, ...others.map(option)],
  }
}

// ---------------------------------------------------------------------------
// The reason for consulting the record, and where a form goes next.

const paramsOf = (request: FastifyRequest) => request.params as { id: string }
const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>

/** The person's obligations page, where every recording ends (with a confirmation) and every form goes back to. */
const obligationsPage = (personId: string, because: string, done?: string) =>
  href(`/people/${personId}/obligations`, { done, because })

/** A risk assessment or plan is read back where it is shown: the record's Risk part. */
const riskPage = (personId: string, because: string, done: string) =>
  href(`/people/${personId}/risk`, { done, because })

/**
 * Without a reason, the page asks for one and comes back to itself with it
 * (the same question for every form, including a breach, whose person is not
 * known until the breach is read with the reason).
 */
function askReason(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0] ?? request.url
  const query = queryOf(request)
  const given = typeof query.because === 'string' ? query.because.trim() : undefined
  const errors = noErrors()
  if (given === '') addError(errors, 'because', 'Enter why you are opening this record')
  else if (given !== undefined)
    addError(errors, 'because', 'Why you are opening this record must be 3 characters or more')
  const keep = Object.entries(query)
    .filter(([name, value]) => name !== 'because' && typeof value === 'string')
    .map(([name, value]) => ({ name, value }))
  return render(
    request,
    reply,
    'recording/reason.njk',
    { pageTitle: 'Why are you opening this record?', action: path, hidden: keep, ...errors },
    given === undefined ? 200 : 422,
  )
}

// ---------------------------------------------------------------------------
// One form page: its routes, how it is shown, how it is saved.

const caption = (person: SubjectPerson) => `${person.name}, ${person.reference}`

/** A form's request once the reader's reason is known, with the service call made as them. */
interface FormVisit {
  request: FastifyRequest
  reply: FastifyReply
  /** The record in the path: the person, or the breach. */
  id: string
  because: string
  call: Call
}

/**
 * The two routes of a form: GET shows it, POST checks and saves it. Both
 * need the reader's reason first: without one, the GET asks for it and the
 * POST goes back to the GET (which asks). Only the GET reads personal data
 * before anything is saved; a POST's page again after a refusal is audited
 * by the service that reads it.
 */
function formRoutes(
  server: ApiServer,
  app: AppContext,
  route: { url: string; action: Action; path: (id: string) => string },
  handlers: { show: (visit: FormVisit) => Promise<unknown>; save: (visit: FormVisit) => Promise<unknown> },
) {
  const visit = (request: FastifyRequest, reply: FastifyReply, because: string): FormVisit => ({
    request,
    reply,
    id: paramsOf(request).id,
    because,
    call: pageCall(app, request, because),
  })
  server.get(route.url, page({ action: route.action, personal: true }), async (request, reply) => {
    const because = reasonOf(request)
    if (because === undefined) return askReason(request, reply)
    return handlers.show(visit(request, reply, because))
  })
  server.post(route.url, page({ action: route.action, personal: false }), async (request, reply) => {
    const because = reasonOf(request)
    if (because === undefined) return reply.redirect(route.path(paramsOf(request).id), 303)
    return handlers.save(visit(request, reply, because))
  })
}

/** What a form is shown with: what was entered, its problems, and the status to send. */
interface Showing {
  shown: Entered
  errors: FormErrors
  status: number
}

/** A form opened afresh, filled with `shown`. */
const fresh = (shown: Entered = nothingEntered()): Showing => ({ shown, errors: noErrors(), status: 200 })

interface FormPage {
  pageTitle: string
  /** Whose record it is: the caption, and the page the form goes back to unless `backLink` says otherwise. */
  person: SubjectPerson
  intro?: string[]
  summary?: { caption: string; rows: { key: { text: string }; value: { text: string } }[] }
  action: string
  /** Sent back with the form, after the reason. */
  hidden?: Record<string, string>
  fields: readonly Field[]
  submitText: string
  backLink?: string
}

function showForm(visit: FormVisit, form: FormPage, { shown, errors, status }: Showing) {
  const hidden = { because: visit.because, ...form.hidden }
  return render(
    visit.request,
    visit.reply,
    'recording/form.njk',
    {
      pageTitle: form.pageTitle,
      caption: caption(form.person),
      intro: form.intro ?? [],
      summary: form.summary,
      action: form.action,
      hidden: Object.entries(hidden).map(([name, value]) => ({ name, value })),
      fieldViews: fieldViews(form.fields, shown, errors),
      submitText: form.submitText,
      backLink: form.backLink ?? obligationsPage(form.person.id, visit.because),
      errorList: errors.errorList,
      errors: errors.errors,
    },
    status,
  )
}

/** A refusal that is not about one field: the record moved on, or is no longer in a state to take this. */
const overtaken = (error: unknown) =>
  error instanceof StaleWrite || error instanceof Conflict ? oneError('form', staleMessage) : undefined

/** Service field names to the form's fields and their words, for messages the page did not catch first. */
function labelsOf(fields: readonly Field[], prefix = '', extra: FieldLabels = {}) {
  const labels: FieldLabels = {}
  for (const field of fields) {
    if (field.type === 'heading') continue
    labels[`${prefix}${field.name}`] = { field: field.name, label: field.label.replace(/ \(optional\)$/, '') }
  }
  return { ...labels, ...extra }
}

/** Saves a checked form: only when it has no problems; a refusal comes back as the form's errors. */
async function save(read: ReadForm, send: () => Promise<unknown>, labels: FieldLabels) {
  if (hasErrors(read.errors)) return { saved: false as const, errors: read.errors, status: 422 }
  return submitted(send, labels, overtaken)
}

/**
 * Saves a form on a versioned record: as `save`, and only at the version it
 * was opened at; a missing or altered one is never taken as current.
 */
async function saveAt(
  read: ReadForm,
  fields: Record<string, string>,
  send: (expected: number) => Promise<unknown>,
  labels: FieldLabels,
) {
  const version = /^\d{1,9}$/.test(fields.version ?? '') ? Number(fields.version) : undefined
  if (hasErrors(read.errors)) return { saved: false as const, errors: read.errors, status: 422 }
  if (version === undefined) return { saved: false as const, errors: oneError('form', staleMessage), status: 409 }
  return submitted(() => send(version), labels, overtaken)
}

const todayOf = (app: AppContext) => formatDay(app.today())

// ---------------------------------------------------------------------------
// The pages

export function recordingPages(server: ApiServer, app: AppContext): void {
  notificationPages(server, app)
  visitPages(server, app)
  breachPages(server, app)
  riskPages(server, app)
}

function notificationPages(server: ApiServer, app: AppContext) {
  const path = (personId: string) => `/people/${personId}/notifications/new`

  const noRegistration = (visit: FormVisit, subject: RecordingSubject, status: number) =>
    render(
      visit.request,
      visit.reply,
      'recording/no-registration.njk',
      {
        pageTitle: `${subject.person.name} has no active registration`,
        caption: caption(subject.person),
        backLink: obligationsPage(subject.person.id, visit.because),
      },
      status,
    )

  const choose = (visit: FormVisit, subject: RecordingSubject, registration: ActiveRegistration, showing: Showing) =>
    showForm(
      visit,
      {
        pageTitle: 'Record a notification',
        person: subject.person,
        intro: registration.notificationDuties
          ? []
          : ['This registration has no notification requirements, but you can still record what they have told you.'],
        action: path(subject.person.id),
        hidden: { step: 'choose' },
        fields: [chooseField(registration)],
        submitText: 'Continue',
      },
      showing,
    )

  const details = (visit: FormVisit, subject: RecordingSubject, kind: NotificationKind, showing: Showing) =>
    showForm(
      visit,
      {
        pageTitle: kind.title,
        person: subject.person,
        intro: kind.intro === undefined ? [] : [kind.intro],
        action: path(subject.person.id),
        hidden: { step: 'record', kind: kind.id },
        fields: [...kind.fields, ...notificationDetails],
        submitText: 'Record notification',
        backLink: href(path(subject.person.id), { because: visit.because }),
      },
      showing,
    )

  formRoutes(
    server,
    app,
    { url: '/people/:id/notifications/new', action: 'notification:record', path },
    {
      show: async (visit) => {
        const subject = await recordingSubject(visit.call, visit.id)
        const registration = subject.registration
        if (registration === null) return noRegistration(visit, subject, 200)
        const kind = kindsFor(registration).find((k) => k.id === queryOf(visit.request).kind)
        if (kind === undefined) return choose(visit, subject, registration, fresh(nothingEntered({ kind: '' })))
        return details(visit, subject, kind, fresh(nothingEntered(dateInto('receivedOn', todayOf(app)))))
      },
      save: async (visit) => {
        const { request, reply, id: personId, because, call } = visit
        const fields = formFields(request.body)
        const subject = await recordingSubject(call, personId)
        const registration = subject.registration
        if (registration === null) return noRegistration(visit, subject, 409)
        const kind = kindsFor(registration).find((k) => k.id === fields.kind)
        if (kind === undefined) {
          const errors = oneError('kind', 'Select what has changed')
          return choose(visit, subject, registration, { shown: nothingEntered({ kind: '' }), errors, status: 422 })
        }
        if (fields.step !== 'record') return reply.redirect(href(path(personId), { kind: kind.id, because }), 303)
        const allFields = [...kind.fields, ...notificationDetails]
        const shown = entered(request.body, allFields)
        const read = readForm(allFields, shown, todayOf(app))
        const eventField = kind.fields.find((field) => field.name === 'eventDate')
        const { receivedOn, eventDate, departureDate, returnDate } = read.values
        if (eventField !== undefined && eventDate !== undefined && receivedOn !== undefined && eventDate > receivedOn) {
          addError(
            read.errors,
            'eventDate',
            `${eventField.label} must be the same as or before the date the notification was made`,
          )
        }
        if (departureDate !== undefined && returnDate !== undefined && returnDate < departureDate) {
          addError(read.errors, 'returnDate', 'Date of return must be the same as or after the date of departure')
        }
        if (read.values.firstStayed !== undefined && eventDate !== undefined && read.values.firstStayed > eventDate) {
          addError(
            read.errors,
            'firstStayed',
            'Date they first stayed there must be the same as or before the date they had stayed there for 7 days',
          )
        }
        const labels = labelsOf(allFields, '', {
          ...labelsOf(kind.fields, 'facts[0].'),
          'facts[0].validFrom': { field: 'eventDate', label: eventField?.label ?? 'Date' },
          facts: { field: 'form', label: 'The details' },
          items: { field: 'form', label: 'The details' },
        })
        const outcome = await save(
          read,
          () =>
            recordNotification(call, registration.id, {
              ...kind.body(read.values, registration),
              receivedOn: receivedOn as string,
              ...optional('station', read.values.station),
            }),
          labels,
        )
        if (outcome.saved) return reply.redirect(obligationsPage(personId, because, 'notification'), 303)
        return details(visit, subject, kind, { shown, ...outcome })
      },
    },
  )
}

// ---------------------------------------------------------------------------

const visitFields: Field[] = [
  {
    type: 'date',
    name: 'visitedOn',
    label: 'Date of the visit',
    missing: 'Enter the date of the visit',
    when: 'past',
  },
  {
    type: 'radios',
    name: 'outcome',
    label: 'Outcome',
    missing: 'Select the outcome of the visit',
    options: [
      { value: 'seen', text: 'Seen at home' },
      { value: 'not-seen', text: 'Not seen', hint: 'Nobody answered, or they were out' },
      { value: 'refused-entry', text: 'Refused entry' },
    ],
  },
  { type: 'textarea', name: 'notes', label: 'Notes (optional)', optional: true, max: 4000, rows: 5 },
]

function visitPages(server: ApiServer, app: AppContext) {
  const path = (personId: string) => `/people/${personId}/visits/new`
  const show = (visit: FormVisit, subject: RecordingSubject, showing: Showing) =>
    showForm(
      visit,
      {
        pageTitle: 'Record a home visit',
        person: subject.person,
        action: path(subject.person.id),
        fields: visitFields,
        submitText: 'Record visit',
      },
      showing,
    )

  formRoutes(
    server,
    app,
    { url: '/people/:id/visits/new', action: 'visit:record', path },
    {
      show: async (visit) =>
        show(
          visit,
          await recordingSubject(visit.call, visit.id),
          fresh(nothingEntered(dateInto('visitedOn', todayOf(app)))),
        ),
      save: async (visit) => {
        const { request, reply, id: personId, because, call } = visit
        const shown = entered(request.body, visitFields)
        const read = readForm(visitFields, shown, todayOf(app))
        const outcome = await save(
          read,
          () =>
            recordVisit(call, personId, {
              visitedOn: read.values.visitedOn,
              outcome: read.values.outcome,
              ...optional('notes', read.values.notes),
            }),
          labelsOf(visitFields),
        )
        if (outcome.saved) return reply.redirect(obligationsPage(personId, because, 'visit'), 303)
        return show(visit, await recordingSubject(call, personId), { shown, ...outcome })
      },
    },
  )
}

// ---------------------------------------------------------------------------

const breachOutcomes: Option[] = [
  { value: 'reasonable-excuse', text: 'Reasonable excuse', hint: 'They had a reasonable excuse for not complying' },
  { value: 'advice', text: 'Advice given' },
  { value: 'caution', text: 'Caution' },
  { value: 'charged', text: 'Charged' },
  { value: 'no-breach', text: 'No breach', hint: 'They did comply, or the requirement did not apply' },
]

const breachFields: Field[] = [
  { type: 'radios', name: 'outcome', label: 'Outcome', missing: 'Select the outcome', options: breachOutcomes },
  {
    type: 'date',
    name: 'decidedOn',
    label: 'Date of the decision',
    missing: 'Enter the date of the decision',
    when: 'past',
  },
  {
    type: 'textarea',
    name: 'notes',
    label: 'Reasons for the outcome',
    hint: 'What they said, what you checked and who decided',
    missing: 'Enter the reasons for the outcome',
    max: 4000,
    rows: 5,
  },
]

const obligationTitles: Record<string, string> = {
  'initial-notification': 'Initial notification',
  'periodic-notification': 'Periodic notification',
  'change-notification': 'Notification of a change',
  'travel-notification': 'Travel notification',
  'home-visit': 'Home visit',
}

function breachSummary(found: BreachToDecide) {
  const { breach, person } = found
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } })
  return {
    caption: 'The suspected breach',
    rows: [
      row('Person', `${person.name} (${person.reference})`),
      row('Requirement', obligationTitles[breach.obligationKind] ?? breach.obligationKind),
      row('Law', breach.provision),
      row('Was due', ukDate(breach.dueOn)),
      row('Found', ukDate(breach.detectedOn)),
      ...(breach.status === 'closed'
        ? [
            row('Outcome', breachOutcomes.find((o) => o.value === breach.outcome)?.text ?? String(breach.outcome)),
            row('Decided', ukDate(breach.outcomeOn)),
            row('Reasons', breach.outcomeNotes ?? ''),
          ]
        : []),
    ],
  }
}

function breachPages(server: ApiServer, app: AppContext) {
  const path = (breachId: string) => `/breaches/${breachId}/outcome`
  const show = (visit: FormVisit, found: BreachToDecide, showing: Showing) => {
    const closed = found.breach.status === 'closed'
    return showForm(
      visit,
      {
        pageTitle: closed ? 'This suspected breach already has an outcome' : 'Record the outcome of a suspected breach',
        person: found.person,
        summary: breachSummary(found),
        action: path(found.breach.id),
        hidden: { version: String(found.breach.version), personId: found.person.id },
        fields: closed ? [] : breachFields,
        submitText: closed ? '' : 'Record outcome',
      },
      showing,
    )
  }

  formRoutes(
    server,
    app,
    { url: '/breaches/:id/outcome', action: 'breach:decide', path },
    {
      show: async (visit) =>
        show(
          visit,
          await breachToDecide(visit.call, visit.id),
          fresh(nothingEntered(dateInto('decidedOn', todayOf(app)))),
        ),
      save: async (visit) => {
        const { request, reply, id: breachId, because, call } = visit
        const shown = entered(request.body, breachFields)
        const read = readForm(breachFields, shown, todayOf(app))
        const outcome = await saveAt(
          read,
          shown.fields,
          (expected) =>
            decideBreach(call, breachId, expected, {
              outcome: read.values.outcome,
              decidedOn: read.values.decidedOn,
              notes: read.values.notes,
            }),
          labelsOf(breachFields),
        )
        if (outcome.saved) {
          return reply.redirect(obligationsPage(shown.fields.personId ?? '', because, 'breach-outcome'), 303)
        }
        return show(visit, await breachToDecide(call, breachId), { shown, ...outcome })
      },
    },
  )
}

// ---------------------------------------------------------------------------

const riskAssessmentFields: Field[] = [
  {
    type: 'date',
    name: 'date',
    label: 'Date of the assessment',
    missing: 'Enter the date of the assessment',
    when: 'past',
  },
  {
    type: 'text',
    name: 'tool',
    label: 'Assessment tool',
    hint: 'For example, OASys, SARA or DASH',
    missing: 'Enter the assessment tool',
    width: 'govuk-input--width-20',
    max: 100,
  },
  {
    type: 'radios',
    name: 'rosh',
    label: 'Risk of serious harm (RoSH)',
    missing: 'Select the risk of serious harm, or that the tool does not give one',
    options: [
      { value: 'low', text: 'Low' },
      { value: 'medium', text: 'Medium' },
      { value: 'high', text: 'High' },
      { value: 'very-high', text: 'Very high' },
      { value: '', text: 'or' },
      { value: 'not-given', text: 'The tool does not give a RoSH level' },
    ],
  },
]

/** The sections of the record a plan may share with partner agencies, as officers name them. */
const shareableSections: Option[] = [
  { value: 'identity', text: 'Identity', hint: 'Names, date of birth and identity documents' },
  { value: 'contact', text: 'Contact details', hint: 'Phone numbers, email addresses and online identities' },
  { value: 'addresses', text: 'Addresses' },
  { value: 'description', text: 'Description', hint: 'Physical description, marks and vehicles' },
  { value: 'orders', text: 'Orders and licence conditions' },
  { value: 'risk', text: 'Risk', hint: 'Risk assessments and this plan' },
  { value: 'registration', text: 'Registration' },
]

const maxActions = 10

function planFields(rows: number, replacing: boolean): Field[] {
  const actions: Field[] = []
  for (let n = 1; n <= rows; n++) {
    actions.push(
      { type: 'text', name: `action${n}`, label: `Action ${n}`, optional: true, max: 1000 },
      {
        type: 'text',
        name: `owner${n}`,
        label: `Who will do action ${n}`,
        optional: true,
        width: 'govuk-!-width-two-thirds',
      },
      { type: 'date', name: `due${n}`, label: `Date action ${n} is due (optional)`, optional: true },
    )
  }
  return [
    {
      type: 'textarea',
      name: 'summary',
      label: 'Summary of the plan',
      hint: 'The risks, and how the agencies will manage them',
      missing: 'Enter a summary of the plan',
      max: 4000,
      rows: 6,
    },
    { type: 'heading', name: 'actions', label: 'Actions', hint: 'Leave blank any you do not need.' },
    ...actions,
    {
      type: 'date',
      name: 'reviewOn',
      label: 'Date of the next review (optional)',
      optional: true,
      when: 'future',
    },
    {
      type: 'checkboxes',
      name: 'sharedWithPartners',
      label: 'Parts of the record shared with partner agencies (optional)',
      hint: 'A partner agency the case is shared with sees only these parts. Finance, offending and victims are never shared.',
      optional: true,
      options: shareableSections,
    },
    ...(replacing
      ? [
          {
            type: 'textarea',
            name: 'reason',
            label: 'Why is the plan changing?',
            missing: 'Enter why the plan is changing',
            max: 1000,
            rows: 3,
          } satisfies TextareaField,
        ]
      : []),
  ]
}

function riskPages(server: ApiServer, app: AppContext) {
  const assessmentPath = (personId: string) => `/people/${personId}/risk-assessments/new`
  const planPath = (personId: string) => `/people/${personId}/risk-management-plans/new`

  const showAssessment = (visit: FormVisit, subject: RecordingSubject, showing: Showing) =>
    showForm(
      visit,
      {
        pageTitle: 'Record a risk assessment',
        person: subject.person,
        action: assessmentPath(subject.person.id),
        hidden: { version: String(subject.person.version) },
        fields: riskAssessmentFields,
        submitText: 'Record risk assessment',
      },
      showing,
    )

  formRoutes(
    server,
    app,
    { url: '/people/:id/risk-assessments/new', action: 'person:write', path: assessmentPath },
    {
      show: async (visit) => showAssessment(visit, await recordingSubject(visit.call, visit.id), fresh()),
      save: async (visit) => {
        const { request, reply, id: personId, because, call } = visit
        const shown = entered(request.body, riskAssessmentFields)
        const read = readForm(riskAssessmentFields, shown, todayOf(app))
        const outcome = await saveAt(
          read,
          shown.fields,
          (expected) =>
            addFact(call, personId, expected, {
              kind: 'risk-assessment',
              date: read.values.date,
              tool: read.values.tool,
              ...(read.values.rosh === 'not-given' ? {} : { rosh: read.values.rosh }),
            }),
          labelsOf(riskAssessmentFields),
        )
        if (outcome.saved) return reply.redirect(riskPage(personId, because, 'risk-assessment'), 303)
        return showAssessment(visit, await recordingSubject(call, personId), { shown, ...outcome })
      },
    },
  )

  const showPlan = (visit: FormVisit, subject: RecordingSubject, rows: number, showing: Showing) => {
    const replacing = subject.plan !== null
    return showForm(
      visit,
      {
        pageTitle: replacing ? 'Update the risk management plan' : 'Record a risk management plan',
        person: subject.person,
        intro: replacing
          ? [
              'The form shows the current plan. Your changes replace it; the current plan is kept in the record’s history.',
            ]
          : [],
        action: planPath(subject.person.id),
        hidden: {
          version: String(subject.person.version),
          rows: String(rows),
          ...(subject.plan === null ? {} : { planId: subject.plan.id }),
        },
        fields: planFields(rows, replacing),
        submitText: 'Save plan',
      },
      showing,
    )
  }

  formRoutes(
    server,
    app,
    { url: '/people/:id/risk-management-plans/new', action: 'person:write', path: planPath },
    {
      show: async (visit) => {
        const subject = await recordingSubject(visit.call, visit.id)
        const plan = subject.plan
        const rows = Math.min(maxActions, Math.max(3, (plan?.actions.length ?? 0) + 1))
        const fields: Record<string, string> = {}
        const lists: Record<string, string[]> = {}
        if (plan !== null) {
          fields.summary = plan.summary
          plan.actions.slice(0, maxActions).forEach((action, index) => {
            fields[`action${index + 1}`] = action.action
            fields[`owner${index + 1}`] = action.owner
            Object.assign(fields, dateInto(`due${index + 1}`, action.dueOn))
          })
          Object.assign(fields, dateInto('reviewOn', plan.reviewOn))
          lists.sharedWithPartners = plan.sharedWithPartners
        }
        return showPlan(visit, subject, rows, fresh(nothingEntered(fields, lists)))
      },
      save: async (visit) => {
        const { request, reply, id: personId, because, call } = visit
        const raw = formFields(request.body)
        const rows = Math.min(maxActions, Math.max(3, Number.parseInt(raw.rows ?? '', 10) || 3))
        const planId = (raw.planId ?? '') === '' ? undefined : raw.planId
        const fields = planFields(rows, planId !== undefined)
        const shown = entered(request.body, fields)
        const read = readForm(fields, shown, todayOf(app))
        const actions: { action: string; owner: string; dueOn?: string }[] = []
        for (let n = 1; n <= rows; n++) {
          const action = read.values[`action${n}`]
          const owner = read.values[`owner${n}`]
          const dueOn = read.values[`due${n}`]
          if (action === undefined && owner === undefined && dueOn === undefined) continue
          if (action === undefined)
            addError(read.errors, `action${n}`, `Enter action ${n}, or clear who will do it and when`)
          else if (owner === undefined) addError(read.errors, `owner${n}`, `Enter who will do action ${n}`)
          else actions.push({ action, owner, ...optional('dueOn', dueOn) })
        }
        const plan = {
          summary: read.values.summary,
          actions,
          sharedWithPartners: read.lists.sharedWithPartners ?? [],
          ...optional('reviewOn', read.values.reviewOn),
        }
        const actionLabels: FieldLabels = {}
        for (let n = 0; n < actions.length; n++) {
          actionLabels[`actions[${n}]`] = { field: `action${n + 1}`, label: `Action ${n + 1}` }
        }
        const labels = labelsOf(fields, '', { ...labelsOf(fields, 'replacement.'), ...actionLabels })
        const outcome = await saveAt(
          read,
          raw,
          (expected) =>
            planId === undefined
              ? addFact(call, personId, expected, { kind: 'risk-management-plan', ...plan })
              : supersedeFact(call, personId, planId, expected, { replacement: plan, reason: read.values.reason }),
          labels,
        )
        if (outcome.saved) return reply.redirect(riskPage(personId, because, 'risk-management-plan'), 303)
        return showPlan(visit, await recordingSubject(call, personId), rows, { shown, ...outcome })
      },
    },
  )
}
