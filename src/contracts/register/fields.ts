import { z } from 'zod'
import { parseDay } from '../../domain/dates/day.ts'
import { describeValue, oneOf, wrongType } from '../explain-input.ts'

// Field schemas shared by the register's API bodies, CLI imports and forms.
// Values stay as the JSON the client sent (dates as "YYYY-MM-DD" strings): the
// store keeps exactly what was recorded, and services turn dates into day
// numbers where rules need them.

export { oneOf, wrongType }

/** A calendar date as "YYYY-MM-DD"; 2025-02-30 is refused. */
export const isoDate = z
  .string({ error: wrongType('a date as "YYYY-MM-DD"') })
  .refine((text) => parseDay(text) !== undefined, {
    error: (issue) => `${describeValue(issue.input)} is not a calendar date (expected YYYY-MM-DD)`,
  })
  .meta({ format: 'date', examples: ['2026-11-24'] })

export const text = (max: number, what = 'text') =>
  z
    .string({ error: wrongType(what) })
    .transform((value) => value.trim())
    .refine((value) => value.length > 0, { error: 'must not be empty' })
    .refine((value) => value.length <= max, { error: `must be at most ${max} characters` })

export const optionalText = (max: number) =>
  z
    .string({ error: wrongType('text') })
    .max(max, { error: `must be at most ${max} characters` })
    .optional()

export const uuid = z.uuid({ error: (issue) => `${describeValue(issue.input)} is not an id (expected a UUID)` })

/**
 * National Insurance number (HMRC NIM39110): two prefix letters (not D, F, I,
 * Q, U or V; the second not O; not BG, GB, KN, NK, NT, TN or ZZ), six digits, a
 * suffix A-D. Spaces are ignored and letters upper-cased.
 */
export const niNumberPattern = /^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/
export const niNumber = z
  .string({ error: wrongType('a National Insurance number such as "AB123456C"') })
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .refine((value) => niNumberPattern.test(value), {
    error: (issue) =>
      `${describeValue(issue.input)} is not a National Insurance number (two letters, six digits, a letter A-D, e.g. "AB123456C")`,
  })
  .meta({ examples: ['AB123456C'] })

export const riskLevel = oneOf(['low', 'medium', 'high', 'very-high'] as const, 'a risk level')

export const ukPostcode = z
  .string({ error: wrongType('a UK postcode') })
  .transform((value) => value.trim().toUpperCase().replace(/\s+/g, ' '))
  .refine((value) => /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/.test(value), {
    error: (issue) => `${describeValue(issue.input)} is not a UK postcode`,
  })

export const email = z.email({ error: (issue) => `${describeValue(issue.input)} is not an email address` })

export const phone = z
  .string({ error: wrongType('a phone number') })
  .transform((value) => value.replace(/[\s()-]/g, ''))
  .refine((value) => /^\+?\d{7,15}$/.test(value), {
    error: (issue) =>
      `${describeValue(issue.input)} is not a phone number (7 to 15 digits, optionally starting with +)`,
  })

/** A vehicle registration mark, upper-cased without spaces (any country's format). */
export const vehicleRegistration = z
  .string({ error: wrongType('a vehicle registration') })
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .refine((value) => /^[A-Z0-9]{2,10}$/.test(value), {
    error: (issue) => `${describeValue(issue.input)} is not a vehicle registration (2 to 10 letters and digits)`,
  })

/** ISO 3166-1 alpha-2 country code. */
export const country = z
  .string({ error: wrongType('a country code such as "FR"') })
  .transform((value) => value.toUpperCase())
  .refine((value) => /^[A-Z]{2}$/.test(value), { error: 'must be a two-letter country code (ISO 3166-1), e.g. "FR"' })

/** A page size from a query string or a flag ("?limit=50"): a whole number from 1 to `max`. */
export const pageLimit = (max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(fallback)
