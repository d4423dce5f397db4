// What an application service can refuse with. Adapters turn these into an
// HTTP problem (RFC 9457), a CLI message or a page; a service never knows which.

export interface FieldProblem {
  /** Where: "body", "query", "params", "headers" or "file". */
  in: string
  /** JSON path of the field, "$.dateOfBirth". */
  field: string
  message: string
}

export class ValidationFailed extends Error {
  readonly problems: FieldProblem[]
  constructor(problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '))
    this.name = 'ValidationFailed'
    this.problems = problems
  }
}

/** Not there, or not there for this user (the same answer, so existence does not leak). */
export interface Denial {
  type: string
  id?: string
  personId?: string
  reason: string
}

export class NotFound extends Error {
  /** Set when the thing exists but the actor may not see it: the refusal is audited. */
  readonly denial: Denial | undefined
  constructor(what: string, denial?: Denial) {
    super(`${what} not found`)
    this.name = 'NotFound'
    this.denial = denial
  }
}

export class Forbidden extends Error {
  readonly action: string | undefined
  constructor(message = 'you are not allowed to do this', action?: string) {
    super(message)
    this.name = 'Forbidden'
    this.action = action
  }
}

/** The record changed since the client read it (optimistic concurrency). */
export class StaleWrite extends Error {
  readonly currentVersion: number
  constructor(what: string, currentVersion: number) {
    super(`${what} has changed since you read it (now version ${currentVersion}); read it again and retry`)
    this.name = 'StaleWrite'
    this.currentVersion = currentVersion
  }
}

/** The action conflicts with the state of the record (e.g. registering someone already registered). */
export class Conflict extends Error {
  readonly detail: Record<string, unknown>
  /** People whose details the refusal shows the user: each showing is an audited disclosure. */
  readonly disclosedPersonIds: readonly string[]
  constructor(message: string, detail: Record<string, unknown> = {}, disclosedPersonIds: readonly string[] = []) {
    super(message)
    this.name = 'Conflict'
    this.detail = detail
    this.disclosedPersonIds = disclosedPersonIds
  }
}

export const problem = (field: string, message: string, where = 'body'): FieldProblem => ({
  in: where,
  field,
  message,
})
