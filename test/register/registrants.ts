import assert from 'node:assert/strict'
import type { Call } from '../../src/app/context.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { determine, refer, register } from '../../src/app/registration.ts'

// A synthetic registrant for the caseload and search tests: recorded, with two
// domestic abuse convictions (a suspended sentence, so not in custody and the
// initial notification falls due three days after registration), referred,
// determined by the legal core and registered under a policy that makes
// notification requirements, all through the register's own services.

export interface Registrant {
  personId: string
  reference: string
  registrationId: string
}

export async function registerSynthetic(
  call: Call,
  person: {
    familyName: string
    givenNames: string
    dateOfBirth: string
    responsibleOfficerId?: string
    riskLevel?: 'low' | 'medium' | 'high' | 'very-high'
  },
): Promise<Registrant> {
  const created = await createPerson(call, { ...person, confirmedNotDuplicate: true })
  const victim = (tag: string) => `synthetic-victim-${created.reference}-${tag}`
  for (const fact of [
    {
      kind: 'conviction',
      date: '2025-09-01',
      offence: 'PHA1997-s4A',
      domesticAbuse: true,
      victims: [{ id: victim('a'), relationship: 'ex-partner', ageAtOffence: 30 }],
      disposal: { type: 'custody', months: 12, suspended: true },
    },
    {
      kind: 'conviction',
      date: '2024-01-10',
      offence: 'PHA1997-s4A',
      domesticAbuse: true,
      victims: [{ id: victim('b'), relationship: 'ex-partner', ageAtOffence: 28 }],
      disposal: { type: 'custody', months: 12, suspended: true },
    },
    { kind: 'risk-assessment', date: '2025-10-01', tool: 'OASys', rosh: 'high' },
  ]) {
    await addFact(call, created.id, undefined, fact)
  }
  await refer(call, created.id, { reason: 'Synthetic test referral' })
  const determination = await determine(call, created.id, {})
  const eligible = determination.explanation.policies.find(
    (p) => p.outcome === 'eligible' && p.consequences?.effect === 'notification-requirements',
  )
  assert.ok(eligible, 'the synthetic registrant is eligible under a policy with notification requirements')
  const registration = await register(call, created.id, {
    determinationId: determination.id,
    policyId: eligible.policy,
    abuseType: 'stalking',
  })
  return { personId: created.id, reference: created.reference, registrationId: registration.id }
}
