import { z } from 'zod'
import { erasureGroundCodes, restrictionGroundCodes, rightsRestrictionGrounds } from '../../domain/retention/grounds.ts'
import { flag } from '../explain-input.ts'
import { factKindNames } from './facts.ts'
import { isoDate, oneOf, pageLimit, text, uuid, wrongType } from './fields.ts'

// Request bodies for retention reviews, restriction, erasure and subject access
// (docs/retention.md). Strict objects: an unknown field is an error.

const restrictionGround = oneOf(
  restrictionGroundCodes as [string, ...string[]],
  'a restriction ground (a-e of DPA 2018 s.45(4), "evidence" or "accuracy-contested")',
)
const erasureGround = oneOf(erasureGroundCodes as [string, ...string[]], 'an erasure ground')

export const retentionDecision = z.strictObject({
  decision: oneOf(['retain', 'delete', 'restrict'] as const, 'a retention decision'),
  /** Recorded with the decision (APP: every decision to retain is recorded with its rationale). */
  reason: text(4000),
  decidedOn: isoDate.optional(),
  /** retain, restrict: the next review (by default the latest the settings allow). */
  nextReviewOn: isoDate.optional(),
  /** restrict: the ground (kept if the record is already restricted). */
  ground: restrictionGround.optional(),
  /** delete: the data must be kept as evidence (s.47(2)): then it is refused, restrict instead. */
  neededAsEvidence: flag.optional(),
  /** delete: the subject contests its accuracy and it cannot be settled (s.47(3)). */
  accuracyContested: flag.optional(),
})

export const restrictionCreate = z.strictObject({
  ground: restrictionGround,
  rationale: text(4000),
  restrictedOn: isoDate.optional(),
})

export const restrictionLift = z.strictObject({
  reason: text(4000),
  liftedOn: isoDate.optional(),
})

export const erasureRequest = z.strictObject({
  ground: erasureGround,
  reason: text(4000),
  /** Required, so that whoever erases has considered s.47(2). */
  neededAsEvidence: flag,
  accuracyContested: flag.optional(),
  erasedOn: isoDate.optional(),
})

export const retentionScanRequest = z.strictObject({ asOf: isoDate.optional() })

export const dueReviewsQuery = z.strictObject({
  asOf: isoDate.optional(),
  limit: pageLimit(1000, 200),
})

export const subjectAccessCreate = z.strictObject({
  personId: uuid,
  receivedOn: isoDate,
  /** When the information asked for to confirm the requester's identity arrived (s.52(4), s.54(3)(b)). */
  identityConfirmedOn: isoDate.optional(),
  /** s.45(4): kinds of fact withheld from the answer, on one ground, with the reason (recorded; the subject is told, s.48). */
  withhold: z
    .strictObject({
      factKinds: z
        .array(oneOf(factKindNames as [string, ...string[]], 'a kind of fact'), {
          error: wrongType('an array of kinds of fact'),
        })
        .min(1, 'name at least one kind of fact'),
      ground: oneOf(rightsRestrictionGrounds, 'a ground (a-e) of DPA 2018 s.45(4)'),
      reason: text(4000),
    })
    .optional(),
})

export const subjectAccessExtension = z.strictObject({
  noticeOn: isoDate,
  /** s.54(3A): complexity or number of requests; s.54(3B)(b): the notice states the reasons. */
  reason: text(2000),
})

export const subjectAccessClarification = z.strictObject({
  /** The day the controller asked for the information (s.54(3C)). */
  askedOn: isoDate,
})

export const subjectAccessClarified = z.strictObject({
  /** The day the information arrived: the clock starts again the next day (s.54(3C)). */
  receivedOn: isoDate,
})

export const subjectAccessClose = z.strictObject({
  outcome: oneOf(['refused', 'withdrawn'] as const, 'refused or withdrawn'),
  on: isoDate,
  /** s.48(1)(b): a refusal gives reasons (unless s.48(3) applies); the answer also names the ICO. */
  reason: text(4000),
})

export const subjectAccessQuery = z.strictObject({
  status: oneOf(
    ['open', 'awaiting-clarification', 'answered', 'refused', 'withdrawn'] as const,
    'a request status',
  ).optional(),
  limit: pageLimit(500, 100),
})

export const subjectAccessExportQuery = z.strictObject({
  format: z.enum(['json', 'html', 'text']).default('json'),
})
