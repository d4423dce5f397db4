import { disclosableCount, smallCountThreshold } from '../domain/access/disclosure-control.ts'
import { audit, authorised, type Call, transact } from './context.ts'

// Aggregate figures for analysts and decision-makers: never a person, and no
// cell small enough to point at one (domain/access/disclosure-control.ts).

export async function registerStatistics(call: Call) {
  await authorised(call, 'statistics:read')
  return transact(call, async (tx) => {
    const byForce = await tx.query<{ organisation_id: string; name: string; people: number; active: number }>(
      `SELECT o.id AS organisation_id, o.name,
              (SELECT count(*) FROM person p WHERE p.managing_org_id = o.id)::int AS people,
              (SELECT count(*) FROM registration r JOIN person p ON p.id = r.person_id
                WHERE p.managing_org_id = o.id AND r.status = 'active')::int AS active
         FROM organisation o WHERE o.kind = 'police' ORDER BY o.id`,
    )
    const byPolicy = await tx.query<{ policy_id: string; status: string; n: number }>(
      'SELECT policy_id, status, count(*)::int AS n FROM registration GROUP BY policy_id, status ORDER BY policy_id, status',
    )
    const breaches = await tx.query<{ status: string; outcome: string | null; n: number }>(
      'SELECT status, outcome, count(*)::int AS n FROM breach GROUP BY status, outcome ORDER BY status, outcome',
    )
    await audit(tx, call.actor, 'consultation', { type: 'statistics' }, { aggregate: true })
    return {
      smallCountThreshold,
      forces: byForce
        .filter((row) => row.people > 0)
        .map((row) => ({
          organisationId: row.organisation_id,
          name: row.name,
          people: disclosableCount(row.people),
          activeRegistrations: disclosableCount(row.active),
        })),
      registrations: byPolicy.map((row) => ({
        policyId: row.policy_id,
        status: row.status,
        count: disclosableCount(row.n),
      })),
      breaches: breaches.map((row) => ({ status: row.status, outcome: row.outcome, count: disclosableCount(row.n) })),
    }
  })
}
