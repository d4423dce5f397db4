import { z } from 'zod'
import { abuseTypes } from '../../domain/register/profiles.ts'
import { flag } from '../explain-input.ts'
import {
  email,
  isoDate,
  niNumber,
  oneOf,
  optionalText,
  pageLimit,
  phone,
  riskLevel,
  text,
  ukPostcode,
  uuid,
  wrongType,
} from './fields.ts'

// Request bodies of the register's API (and of the CLI and, later, the forms).
// Each is a strict object: an unknown field is an error, never ignored.

export const personCreate = z.strictObject({
  familyName: text(100),
  givenNames: text(200),
  dateOfBirth: isoDate,
  niNumber: niNumber.optional(),
  sex: oneOf(['female', 'male', 'not-known'] as const, 'a recorded sex').optional(),
  riskLevel: riskLevel.optional(),
  responsibleOfficerId: uuid.optional(),
  managingOrganisationId: z.string().optional(),
  /** Set after the user has seen possible duplicates and confirmed this is a different person. */
  confirmedNotDuplicate: flag.optional(),
})
export type PersonCreate = z.output<typeof personCreate>

export const personUpdate = z
  .strictObject({
    familyName: text(100),
    givenNames: text(200),
    dateOfBirth: isoDate,
    niNumber: niNumber.nullable(),
    sex: oneOf(['female', 'male', 'not-known'] as const, 'a recorded sex').nullable(),
    riskLevel: riskLevel.nullable(),
    responsibleOfficerId: uuid.nullable(),
    reason: text(1000),
  })
  .partial()
  .refine((value) => Object.keys(value).some((key) => key !== 'reason'), { error: 'change at least one field' })
export type PersonUpdate = z.output<typeof personUpdate>

export const factSupersede = z.strictObject({
  /** The corrected or changed fact, in full (same kind); omit to only end the fact. */
  replacement: z.record(z.string(), z.unknown()).optional(),
  /** Ends the fact on this date (an address left, an account closed). */
  validTo: isoDate.optional(),
  reason: text(1000),
})

export const victimCreate = z.strictObject({
  familyName: text(100),
  givenNames: text(200),
  dateOfBirth: isoDate.optional(),
  address: z
    .strictObject({ line1: text(200), line2: optionalText(200), town: text(100), postcode: ukPostcode.optional() })
    .optional(),
  phone: phone.optional(),
  email: email.optional(),
  safeContact: optionalText(1000),
  victimContactScheme: oneOf(['opted-in', 'opted-out', 'not-asked'] as const, 'a VCS choice').default('not-asked'),
  notes: optionalText(4000),
})

export const victimLink = z.strictObject({
  victimId: uuid,
  relationship: optionalText(100),
})

export const referral = z.strictObject({
  reason: text(2000),
  referredOn: isoDate.optional(),
})

export const determinationRequest = z.strictObject({
  /** Evaluate as of this date; today by default. */
  asOf: isoDate.optional(),
})

export const registrationCreate = z.strictObject({
  determinationId: uuid,
  policyId: z.string({ error: wrongType('a policy id') }),
  abuseType: oneOf(abuseTypes as ['intimate-partner', 'stalking', 'family'], 'an abuse type'),
  registeredOn: isoDate.optional(),
  noFixedAbode: flag.default(false),
  inCustody: flag.default(false),
})

export const noticeServed = z.strictObject({
  servedOn: isoDate,
  method: oneOf(['in-person', 'post'] as const, 'a service method'),
})

export const notificationCreate = z.strictObject({
  kind: oneOf(['initial', 'change', 'periodic', 'travel', 'travel-return', 'release'] as const, 'a notification kind'),
  receivedOn: isoDate,
  /** For a change or release: the day it happened. */
  eventDate: isoDate.optional(),
  /** For travel: the day of departure. */
  departureDate: isoDate.optional(),
  shortNotice: flag.optional(),
  /** Profile items this notification covers (names, home-address…). */
  items: z.array(z.string(), { error: wrongType('an array of profile item ids') }).default([]),
  station: optionalText(200),
  /** Facts notified, recorded in the same transaction (a new address, a new name…). */
  facts: z.array(z.record(z.string(), z.unknown()), { error: wrongType('an array of facts') }).default([]),
  noFixedAbode: flag.optional(),
})

export const profileAdjustment = z.strictObject({
  item: z.string({ error: wrongType('a profile item id') }),
  action: oneOf(['add', 'remove'] as const, 'add or remove'),
  reason: text(2000),
})

export const reviewDecision = z.strictObject({
  decidedOn: isoDate,
  decision: oneOf(['continue', 'discharge'] as const, 'a review decision'),
  reasons: text(4000),
})

export const registrationEnd = z.strictObject({
  endedOn: isoDate,
  reason: oneOf(
    ['period-expired', 'discharged-on-review', 'conviction-quashed', 'deceased', 'other'] as const,
    'an end reason',
  ),
  notes: optionalText(2000),
})

export const registrationArchive = z.strictObject({ archivedOn: isoDate })

export const visitCreate = z.strictObject({
  visitedOn: isoDate,
  outcome: oneOf(['seen', 'not-seen', 'refused-entry'] as const, 'a visit outcome'),
  notes: optionalText(4000),
})

export const breachOutcome = z.strictObject({
  outcome: oneOf(['reasonable-excuse', 'advice', 'caution', 'charged', 'no-breach'] as const, 'a breach outcome'),
  decidedOn: isoDate,
  notes: text(4000),
})

export const scanRequest = z.strictObject({ asOf: isoDate.optional() })

export const photographUpload = z.strictObject({
  contentType: oneOf(['image/jpeg', 'image/png', 'image/webp'] as const, 'an image type'),
  /** The image, base64-encoded. */
  data: z.string({ error: wrongType('base64 text') }),
  takenOn: isoDate.optional(),
  caption: optionalText(500),
})

export const pageQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: pageLimit(200, 50),
})

export const asOfQuery = z.strictObject({ asOf: isoDate.optional() })
