import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { RouteAccess } from '../api/route-kit.ts'
import type { Actor } from '../app/actor.ts'
import type { AppContext, Call } from '../app/context.ts'
import type { FieldProblem } from '../app/errors.ts'
import { daysInMonth } from '../domain/dates/day.ts'

// What every page route needs: its options (hidden from the OpenAPI document,
// declared access, HTML forms accepted), the acting user as a service call,
// and GOV.UK form errors: an error summary whose links jump to the fields,
// and the message beside each field.

/** Route options of a page: access declared as for the API, forms accepted, not in the OpenAPI document. */
export const page = (access: RouteAccess) => ({
  schema: { hide: true },
  config: { access, page: true as const, forms: true as const },
})

/** The signed-in user of a page route (the access hook has made sure of one). */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === undefined) throw new Error('unreachable: the page requires a signed-in user')
  return request.actor
}

/**
 * The service call of a page. A page that shows personal data asks the user
 * why (DPA 2018 s.62(3)(a)) once per visit to a record: the reason travels
 * with the links as `because=`, and the services refuse a consultation without one.
 */
export function pageCall(app: AppContext, request: FastifyRequest, justification?: string): Call {
  const query = request.query as Record<string, unknown> | undefined
  const body = request.body as Record<string, unknown> | undefined
  const given = justification ?? text(body?.because) ?? text(query?.because)
  return { app, actor: actorOf(request), ...(given !== undefined ? { justification: given } : {}) }
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined)

/** A form's fields as strings: a repeated field keeps its last value, a missing one is "". */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (body === null || typeof body !== 'object') return out
  for (const [key, value] of Object.entries(body)) {
    out[key] = Array.isArray(value) ? String(value.at(-1) ?? '') : String(value ?? '')
  }
  return out
}

/** A form field's values as a list (checkboxes). */
export function formList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map(String)
}

export interface FormErrors {
  /** For govukErrorSummary: one entry per problem, linking to its field. */
  errorList: { text: string; href: string }[]
  /** For each component's errorMessage: `errors.fieldName`. */
  errors: Record<string, { text: string }>
}

export const noErrors = (): FormErrors => ({ errorList: [], errors: {} })

/** Adds a problem with one field (the first problem with a field is the one shown beside it). */
export function addError(into: FormErrors, field: string, message: string, anchor = field): FormErrors {
  into.errorList.push({ text: message, href: `#${anchor}` })
  into.errors[field] ??= { text: message }
  return into
}

export const hasErrors = (errors: FormErrors) => errors.errorList.length > 0

/**
 * A form checked with a Zod schema whose messages are written for people
 * ("Enter a date of departure"). Field names are the schema's top-level keys.
 */
export function checkForm<T extends z.ZodType>(
  schema: T,
  fields: unknown,
): { ok: true; value: z.output<T> } | { ok: false; errors: FormErrors } {
  const result = schema.safeParse(fields)
  if (result.success) return { ok: true, value: result.data }
  const errors = noErrors()
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    addError(errors, field, issue.message, anchorOf(field))
  }
  return { ok: false, errors }
}

/** A date input's anchor is its first box. */
const anchorOf = (field: string) => field

/**
 * Problems a service found with what the page sent (field "$.body.x" or
 * "$.x"), as form errors. `labels` turns a field into the words on the page;
 * an unknown field is put on the form as a whole.
 */
export function serviceErrors(
  problems: readonly FieldProblem[],
  labels: Record<string, { field: string; label: string }>,
): FormErrors {
  const errors = noErrors()
  for (const problem of problems) {
    const path = problem.field.replace(/^\$\.?/, '')
    const key = Object.keys(labels)
      .sort((a, b) => b.length - a.length)
      .find((candidate) => path === candidate || path.startsWith(`${candidate}.`) || path.startsWith(`${candidate}[`))
    const target = key === undefined ? undefined : labels[key]
    if (target === undefined)
      addError(errors, 'form', `${problem.message[0]?.toUpperCase() ?? ''}${problem.message.slice(1)}`)
    else addError(errors, target.field, `${target.label} ${problem.message}`)
  }
  return errors
}

export interface DateParts {
  day: string
  month: string
  year: string
}

/** The three boxes of a GOV.UK date input named `name`: name-day, name-month, name-year. */
export function dateParts(fields: Record<string, string>, name: string): DateParts {
  return {
    day: (fields[`${name}-day`] ?? '').trim(),
    month: (fields[`${name}-month`] ?? '').trim(),
    year: (fields[`${name}-year`] ?? '').trim(),
  }
}

/**
 * A GOV.UK date input read as an ISO date, or the message the design
 * system's pattern gives ("Date of departure must include a month", "…must
 * be a real date"). `label` is the question in sentence case.
 */
export function readDate(parts: DateParts, label: string): { date: string } | { error: string } {
  const missing = (['day', 'month', 'year'] as const).filter((part) => parts[part] === '')
  if (missing.length === 3) return { error: `Enter ${lowerFirst(label)}` }
  if (missing.length > 0) return { error: `${label} must include a ${missing.join(' and a ')}` }
  if (![parts.day, parts.month, parts.year].every((part) => /^\d+$/.test(part))) {
    return { error: `${label} must be a real date` }
  }
  const day = Number(parts.day)
  const month = Number(parts.month)
  const year = Number(parts.year)
  if (parts.year.length !== 4) return { error: 'Year must include 4 numbers' }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return { error: `${label} must be a real date` }
  return { date: `${parts.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` }
}

/** "2026-11-24" → the three boxes, to fill a date input again. */
export function partsOf(date: string | null | undefined): DateParts {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '')
  if (match === null) return { day: '', month: '', year: '' }
  return { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1] as string }
}

const lowerFirst = (text: string) => `${text[0]?.toLowerCase() ?? ''}${text.slice(1)}`

/**
 * After a successful post, the page it redirects to shows one of a fixed set
 * of confirmations, named in the query (`?done=visit`): never text from the URL.
 */
export function confirmation(request: FastifyRequest, messages: Record<string, string>): string | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done
  return typeof done === 'string' ? messages[done] : undefined
}
