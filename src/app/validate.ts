import type { z } from 'zod'
import { checkShape, formatPath } from '../contracts/explain-input.ts'
import { type FieldProblem, ValidationFailed } from './errors.ts'

/** Parses input with a contract schema, or throws every problem at once, each naming its field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, where = 'body'): z.output<T> {
  const { problems, value } = checkShape(schema, input)
  if (problems.length > 0 || value === undefined) {
    throw new ValidationFailed(
      problems.length > 0
        ? problems.map((p) => ({ in: where, field: formatPath(p.path), message: p.message }))
        : [{ in: where, field: '$', message: 'is required' }],
    )
  }
  return value
}

export function failIf(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new ValidationFailed(problems)
}
