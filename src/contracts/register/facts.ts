import { z } from 'zod'
import { partnerShareable } from '../../domain/access/sections.ts'
import { fold } from '../../domain/search/normalise.ts'
import {
  cautionSchema,
  convictionSchema,
  flag,
  idSchema,
  relationshipSchema,
  riskAssessmentSchema,
} from '../explain-input.ts'
import {
  country,
  email,
  isoDate,
  oneOf,
  optionalText,
  phone,
  text,
  ukPostcode,
  vehicleRegistration,
  wrongType,
} from './fields.ts'

// The facts recorded about a person (what ViSOR holds, and the report's lists
// on pp.29-30 and 56), one schema per kind. A fact is never overwritten: a
// change is a new fact with its dates, which supersedes the old one.
//
// Convictions, cautions, incidents and risk assessments use the legal core's
// own input contract, so a determination reads them exactly as `dasr explain`
// would.

const period = {
  validFrom: isoDate.optional(),
  validTo: isoDate.optional(),
}

const address = {
  line1: text(200),
  line2: optionalText(200),
  town: text(100),
  postcode: ukPostcode.optional(),
}

const order = z.strictObject({
  orderType: oneOf(
    [
      'stalking-protection-order',
      'interim-stalking-protection-order',
      'domestic-abuse-protection-order',
      'restraining-order',
      'non-molestation-order',
    ] as const,
    'a civil order type',
  ),
  court: text(200),
  madeOn: isoDate,
  servedOn: isoDate.optional(),
  expiresOn: isoDate.optional(),
  untilFurtherOrder: flag.optional(),
  conditions: z.array(text(1000), { error: wrongType('an array of conditions') }).default([]),
  protectedVictimIds: z.array(z.string(), { error: wrongType('an array of victim ids') }).default([]),
  ...period,
})

/** Every kind of fact, with its data. `id` is assigned by the register. */
export const factKinds = {
  name: z.strictObject({
    nameType: oneOf(['alias', 'previous-name', 'nickname'] as const, 'a name type'),
    familyName: text(100),
    givenNames: text(200),
    ...period,
  }),
  'online-identity': z.strictObject({
    platform: text(100),
    handle: text(200),
    datingProfile: flag.default(false),
    ...period,
  }),
  address: z
    .strictObject({
      addressType: oneOf(['home', 'other-7-days', 'no-fixed-abode'] as const, 'an address type'),
      ...address,
      /** For no fixed abode: where the person can regularly be found each week (SOA 2003 s.83(7)). */
      weeklyLocation: optionalText(500),
      ...period,
    })
    .partial({ line1: true, town: true }),
  'foreign-travel': z.strictObject({
    departureDate: isoDate,
    returnDate: isoDate.optional(),
    destinations: z
      .array(country, { error: wrongType('an array of country codes') })
      .min(1, 'name at least one country'),
    departurePoint: text(200),
    carrier: optionalText(200),
    firstNightAccommodation: optionalText(500),
  }),
  'bank-account': z.strictObject({
    institution: text(200),
    accountName: text(200),
    sortCode: z
      .string()
      .regex(/^\d{2}-?\d{2}-?\d{2}$/, 'must be a sort code such as 12-34-56')
      .optional(),
    accountNumberLast4: z
      .string()
      .regex(/^\d{4}$/, 'must be the last 4 digits')
      .optional(),
    joint: flag.default(false),
    ...period,
  }),
  card: z.strictObject({
    issuer: text(200),
    cardType: oneOf(['debit', 'credit', 'prepaid'] as const, 'a card type'),
    last4: z.string().regex(/^\d{4}$/, 'must be the last 4 digits'),
    expires: z
      .string()
      .regex(/^\d{4}-\d{2}$/, 'must be a month as YYYY-MM')
      .optional(),
    ...period,
  }),
  'identity-document': z.strictObject({
    documentType: oneOf(
      ['passport', 'driving-licence', 'identity-card', 'residence-permit', 'other'] as const,
      'a document type',
    ),
    number: text(50),
    issuingCountry: country,
    expiresOn: isoDate.optional(),
    ...period,
  }),
  'child-household': z.strictObject({
    ...address,
    intendedPeriods: optionalText(500),
    ...period,
  }),
  relationship: z.strictObject({
    relationshipType: oneOf(
      ['partner', 'former-partner', 'spouse', 'former-spouse', 'household-member'] as const,
      'a relationship type',
    ),
    otherPartyName: text(200),
    otherPartyVictimId: z.string().optional(),
    jointCommitments: optionalText(500),
    ...period,
  }),
  vehicle: z.strictObject({
    registration: vehicleRegistration,
    make: optionalText(100),
    model: optionalText(100),
    colour: optionalText(50),
    ...period,
  }),
  phone: z.strictObject({ number: phone, ...period }),
  email: z.strictObject({ address: email, ...period }),
  'physical-description': z.strictObject({
    heightCm: z.number().int().min(50).max(250).optional(),
    build: optionalText(50),
    eyeColour: optionalText(50),
    hair: optionalText(100),
    ethnicAppearance: optionalText(100),
    ...period,
  }),
  mark: z.strictObject({
    markType: oneOf(['scar', 'tattoo', 'mark', 'piercing'] as const, 'a mark type'),
    bodyLocation: text(100),
    description: text(500),
    ...period,
  }),
  'modus-operandi': z.strictObject({
    typology: z
      .array(
        oneOf(
          [
            'coercive-control',
            'physical-violence',
            'sexual-violence',
            'stalking',
            'online-abuse',
            'economic-abuse',
            'serial-partners',
            'threats-to-kill',
            'strangulation',
          ] as const,
          'a typology',
        ),
        { error: wrongType('an array') },
      )
      .default([]),
    description: text(4000),
    ...period,
  }),
  'civil-order': order,
  'licence-condition': z.strictObject({ condition: text(2000), ...period }),
  programme: z.strictObject({
    programme: text(200),
    provider: text(200),
    outcome: oneOf(['attending', 'completed', 'not-completed', 'refused'] as const, 'a programme outcome').optional(),
    ...period,
  }),
  'risk-management-plan': z.strictObject({
    summary: text(4000),
    actions: z
      .array(z.strictObject({ action: text(1000), owner: text(200), dueOn: isoDate.optional() }), {
        error: wrongType('an array of actions'),
      })
      .default([]),
    /** Only these sections of the record are shown to partner agency practitioners the case is shared with. */
    sharedWithPartners: z
      .array(oneOf(partnerShareable as readonly string[] as [string, ...string[]], 'a section a plan may share'), {
        error: wrongType('an array of sections'),
      })
      .default([]),
    reviewOn: isoDate.optional(),
    ...period,
  }),
  conviction: convictionSchema.omit({ id: true }),
  caution: cautionSchema.omit({ id: true }),
  incident: z.strictObject({
    date: isoDate,
    role: oneOf(['perpetrator', 'victim'] as const, 'an incident role').default('perpetrator'),
    victimId: idSchema.optional(),
    perpetratorId: idSchema.optional(),
    relationship: relationshipSchema.optional(),
    domesticAbuse: flag.optional(),
  }),
  'risk-assessment': riskAssessmentSchema.omit({ id: true }),
} as const

export type FactKind = keyof typeof factKinds
export const factKindNames = Object.keys(factKinds) as FactKind[]

/** Kinds whose values the search looks up, and how each is normalised. */
export function searchKeysOf(kind: FactKind, data: Record<string, unknown>): { kind: string; value: string }[] {
  const s = (value: unknown) => (typeof value === 'string' ? value : '')
  switch (kind) {
    case 'name':
      return [{ kind: 'name', value: normaliseName(`${s(data.givenNames)} ${s(data.familyName)}`) }]
    case 'online-identity':
      return [{ kind: 'online', value: s(data.handle).toLowerCase().replace(/^@/, '') }]
    case 'vehicle':
      return [{ kind: 'vehicle', value: s(data.registration) }]
    case 'phone':
      return [{ kind: 'phone', value: s(data.number).replace(/^\+44/, '0') }]
    case 'email':
      return [{ kind: 'email', value: s(data.address).toLowerCase() }]
    default:
      return []
  }
}

/**
 * Lower case, accents removed, one space between words: "José  O'Brien" → "jose o'brien";
 * other alphabets romanised ("Łukasz" → "lukasz", "Александр" → "aleksandr"), so the search finds them.
 */
export function normaliseName(name: string): string {
  return fold(name)
    .replace(/[^a-z' -]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Kinds the legal core reads. They are stored exactly as received (dates as
 * text), since their schemas turn dates into day numbers for the core.
 */
export const coreKinds: ReadonlySet<FactKind> = new Set(['conviction', 'caution', 'incident', 'risk-assessment'])
