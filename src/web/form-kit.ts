import type { FastifyRequest } from 'fastify'
import { ValidationFailed } from '../app/errors.ts'
import { addError, type FormErrors, noErrors, serviceErrors } from './page-kit.ts'

// What the form journeys (registration, recording) share: the reader's
// reason carried from page to page, links that keep it, and the way a
// service's refusal comes back onto the form that was sent.

/** A string with something in it, trimmed; anything else is nothing. */
export const textOf = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined)

/** The justification for consulting the record (DPA 2018 s.62), from the form or the link. */
export function reasonOf(request: FastifyRequest): string | undefined {
  const given =
    textOf((request.body as Record<string, unknown> | undefined)?.because) ??
    textOf((request.query as Record<string, unknown> | undefined)?.because)
  // The services want at least 3 characters; a shorter one is asked for again.
  return given !== undefined && given.length >= 3 ? given : undefined
}

/** A path with its query, leaving out empty values. */
export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, value)
  const text = query.toString()
  return text === '' ? path : `${path}?${text}`
}

/** A form's errors when there is one problem: `field`'s message, linked to `anchor`. */
export const oneError = (field: string, message: string, anchor = field): FormErrors =>
  addError(noErrors(), field, message, anchor)

/** Service field names to the form's fields and the words their messages start with. */
export type FieldLabels = Record<string, { field: string; label: string }>

export type Submitted<T> = { saved: true; value: T } | { saved: false; errors: FormErrors; status: number }

/**
 * Sends a checked form to its service. A refusal comes back as the form's
 * errors: problems with what was sent (422), or a write someone else
 * overtook or the record's state forbids, in the words `overtaken` gives
 * (409). A refusal it has no words for, and every other failure, is the
 * error page's.
 */
export async function submitted<T>(
  send: () => Promise<T>,
  labels: FieldLabels,
  overtaken: (error: unknown) => FormErrors | undefined,
): Promise<Submitted<T>> {
  try {
    return { saved: true, value: await send() }
  } catch (error) {
    if (error instanceof ValidationFailed) {
      return { saved: false, errors: serviceErrors(error.problems, labels), status: 422 }
    }
    const errors = overtaken(error)
    if (errors === undefined) throw error
    return { saved: false, errors, status: 409 }
  }
}
