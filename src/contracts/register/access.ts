import { z } from 'zod'
import { isoDate, oneOf, text } from './fields.ts'

// Requests that open a record to another organisation or person. Each needs a
// reason, because each is a disclosure the audit trail must explain.

export const shareCreate = z.strictObject({
  organisationId: text(100),
  scope: oneOf(['full', 'plan'] as const, 'a share scope (full or plan)'),
  reason: text(2000).refine((value) => value.trim().length >= 10, 'give the reason in at least 10 characters'),
  expiresOn: isoDate.optional(),
})

export const shareRevoke = z.strictObject({
  reason: text(2000).refine((value) => value.trim().length >= 10, 'give the reason in at least 10 characters'),
})

export const needToKnowRequest = z.strictObject({
  justification: text(2000).refine(
    (value) => value.trim().length >= 20,
    'explain the need to know in at least 20 characters',
  ),
})

export const needToKnowReview = z.strictObject({
  outcome: oneOf(['justified', 'not-justified'] as const, 'a review outcome (justified or not-justified)'),
  note: text(2000),
})
