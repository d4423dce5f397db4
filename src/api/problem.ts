import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Conflict, type FieldProblem, Forbidden, NotFound, StaleWrite, ValidationFailed } from '../app/errors.ts'
import { formatPath } from '../contracts/explain-input.ts'

// Every error leaves the API as an RFC 9457 problem document
// (application/problem+json): a type, a title a person can read, the status,
// and for bad input one entry per problem naming the field and the rule.
// Never a stack trace.

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  errors?: FieldProblem[]
  [extension: string]: unknown
}

const base = 'https://dasr.example/problems/'

/** Renders a problem as a page, for the web pages (set by src/web/pages.ts; the API does not know pages). */
export type ProblemPage = (reply: FastifyReply, problem: Problem) => FastifyReply

declare module 'fastify' {
  interface FastifyInstance {
    problemPage: ProblemPage | null
  }
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const page = reply.server.problemPage
  if (page !== null && page !== undefined && wantsPage(reply.request)) return page(reply, problem)
  return reply.code(problem.status).type('application/problem+json').send(problem)
}

/** A web page's route, or a browser asking for a URL that is neither the API's nor a page's. */
function wantsPage(request: FastifyRequest): boolean {
  if (request.routeOptions?.config?.page === true) return true
  if (!request.is404) return false
  const path = request.url
  if (path.startsWith('/api/') || path.startsWith('/auth/') || path === '/health') return false
  return String(request.headers.accept ?? '').includes('text/html')
}

interface ValidationEntry {
  instancePath?: string
  message?: string
  params?: { path?: PropertyKey[] }
}

function pathOf(entry: ValidationEntry): PropertyKey[] {
  if (entry.params?.path !== undefined) return entry.params.path
  return (entry.instancePath ?? '').split('/').filter((part) => part !== '')
}

/** Turns anything thrown by a route into a problem document. */
export function problemFor(error: unknown, request: FastifyRequest): Problem {
  if (error instanceof ValidationFailed) {
    return {
      type: `${base}invalid-input`,
      title: 'Your request has problems; each is listed with its field',
      status: 422,
      errors: error.problems,
    }
  }
  const fastifyError = error as FastifyError & { validation?: ValidationEntry[]; validationContext?: string }
  if (Array.isArray(fastifyError.validation)) {
    const where = fastifyError.validationContext ?? 'body'
    return {
      type: `${base}invalid-input`,
      title: 'Your request has problems; each is listed with its field',
      status: 400,
      errors: fastifyError.validation.map((entry) => ({
        in: where,
        field: formatPath(pathOf(entry)),
        message: entry.message ?? 'is not valid',
      })),
    }
  }
  if (error instanceof NotFound) {
    return {
      type: `${base}not-found`,
      title: 'Not found',
      status: 404,
      detail: `${error.message}, or not yours to see`,
    }
  }
  if (error instanceof Forbidden)
    return { type: `${base}forbidden`, title: 'Not allowed', status: 403, detail: error.message }
  if (error instanceof StaleWrite) {
    return {
      type: `${base}stale-write`,
      title: 'The record changed since you read it',
      status: 412,
      detail: error.message,
      currentVersion: error.currentVersion,
    }
  }
  if (error instanceof Conflict) {
    return {
      type: `${base}conflict`,
      title: 'Conflict with the record',
      status: 409,
      detail: error.message,
      ...error.detail,
    }
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500
  if (status === 413)
    return { type: `${base}too-large`, title: 'The request is too large', status, detail: fastifyError.message }
  if (status === 415)
    return { type: `${base}unsupported-media-type`, title: 'Send JSON', status, detail: fastifyError.message }
  if (status >= 400 && status < 500) {
    return { type: `${base}bad-request`, title: 'Bad request', status, detail: fastifyError.message }
  }
  request.log.error({ err: error }, 'internal error')
  return {
    type: `${base}internal`,
    title: 'Something went wrong on our side',
    status: 500,
    detail: `reference ${request.id}`,
  }
}
