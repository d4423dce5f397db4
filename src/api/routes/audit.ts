import { z } from 'zod'
import { auditSearchQuery, searchAudit, verifyAuditTrail } from '../../app/audit-trail.ts'
import type { AppContext } from '../../app/context.ts'
import { responses } from '../responses.ts'
import { type ApiServer, callOf } from '../route-kit.ts'

// The audit trail for auditors (DPA 2018 s.62(4)): the search, and the check
// of the hash chain. Auditors read the trail, not the records; entries hold
// ids, categories and counts, never the personal data itself (ASVS 16.2.5).

const tags = ['audit']

const auditEvent = z.strictObject({
  id: z.number().int(),
  seq: z.number().int().nullable(),
  at: z.string(),
  actorId: z.string().nullable(),
  organisationId: z.string().nullable(),
  origin: z.string().nullable(),
  category: z.string(),
  objectType: z.string(),
  objectId: z.string().nullable(),
  personId: z.string().nullable(),
  justification: z.string().nullable(),
  recipients: z.array(z.string()).nullable(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string().nullable(),
})

const verifyReport = z.strictObject({
  entries: z.number().int(),
  valid: z.boolean(),
  headSeq: z.number().int(),
  head: z.string(),
  firstBroken: z.strictObject({ seq: z.number().int(), reason: z.string() }).optional(),
  checkpoints: z.number().int(),
  unchained: z.number().int(),
  pending: z.number().int(),
})

export function auditRoutes(server: ApiServer, app: AppContext): void {
  server.get(
    '/api/v1/audit-events',
    {
      schema: {
        tags,
        summary: 'Search the audit trail (auditors), newest first',
        querystring: auditSearchQuery,
        response: responses(200, z.strictObject({ items: z.array(auditEvent), next: z.string().optional() })),
      },
      // The trail names people and users: reading it is a consultation, which the search logs.
      config: { access: { action: 'audit:search', personal: true } },
    },
    // The service validates again (it is also the CLI's and the pages'); the query arrives parsed.
    async (request) => searchAudit(callOf(app, request), request.query),
  )
  server.get(
    '/api/v1/audit-events/verify',
    {
      schema: {
        tags,
        summary: 'Recompute the audit hash chain and name the first broken entry',
        response: responses(200, verifyReport),
      },
      config: { access: { action: 'audit:verify', personal: false } },
    },
    async (request) => verifyAuditTrail(callOf(app, request)),
  )
}
