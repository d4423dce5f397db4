import assert from 'node:assert/strict'
import { decideBreach, listBreaches, recordVisit, scan } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { Conflict } from '../../src/app/errors.ts'
import { exportPeople } from '../../src/app/export.ts'
import { addFact, createPerson, readPerson, supersedeFact } from '../../src/app/people.ts'
import {
  archiveRegistration,
  determine,
  endRegistration,
  notice,
  readRegistration,
  recordNoticeServed,
  recordNotification,
  refer,
  register,
} from '../../src/app/registration.ts'
import { createVictim, linkVictim, readVictim } from '../../src/app/victims.ts'
import type { Queryable } from '../../src/store/database.ts'
import type { People, TestClock, TestDatabase } from '../support/database.ts'
import { testApp } from '../support/database.ts'

// A person's whole case, run through the services as users run it, with
// values distinctive enough that finding one of them in the audit trail
// cannot be a coincidence. Every value is invented.

export const sensitive = {
  familyName: 'Quorrington',
  givenNames: 'Zebediah',
  niNumber: 'JX 91 73 52 B',
  niNormalised: 'JX917352B',
  dateOfBirth: '1987-09-23',
  line1: '77 Quibblethorn Lane',
  town: 'Vexhampton',
  postcode: 'ZX9 8QW',
  newLine1: '3 Marrowvale Court',
  victimFamily: 'Blandthwaite',
  victimGiven: 'Ottilene',
  victimPhone: '07700 900987',
  victimPhoneNormalised: '07700900987',
  secondVictimGiven: 'Peregrina',
  referralReason: 'Pattern of coercive control across Glimmerdale relationships',
  breachNotes: 'Admitted to Snorrowby Infirmary, discharge letter seen',
} as const

export const sensitiveValues = (): string[] => [
  sensitive.familyName,
  sensitive.givenNames,
  sensitive.niNumber,
  sensitive.niNormalised,
  sensitive.dateOfBirth,
  sensitive.line1,
  sensitive.town,
  sensitive.postcode,
  sensitive.newLine1,
  sensitive.victimFamily,
  sensitive.victimGiven,
  sensitive.victimPhone,
  sensitive.victimPhoneNormalised,
  sensitive.secondVictimGiven,
  // Distinctive words of the free texts, in case they are copied in part.
  'Glimmerdale',
  'Snorrowby',
  'Marrowvale',
]

/** The calls every audit test makes: each actor with a justification, from a named origin. */
export function caller(store: TestDatabase, clock: TestClock) {
  return (actor: People[keyof People]): Call => ({
    app: testApp(store.db, clock),
    actor: { ...actor, origin: 'api 203.0.113.9' },
    justification: 'Managing this case (test)',
  })
}

/** Runs one person from recording to archive, touching every category the services log. */
export async function lifecycle(
  store: TestDatabase,
  people: People,
  clock: TestClock,
): Promise<{ personId: string; victimIds: string[] }> {
  const as = caller(store, clock)
  clock.set('2026-01-05')
  const { id: personId } = await createPerson(as(people.registrar), {
    familyName: sensitive.familyName,
    givenNames: sensitive.givenNames,
    dateOfBirth: sensitive.dateOfBirth,
    niNumber: sensitive.niNumber,
    responsibleOfficerId: people.officer.userId,
    riskLevel: 'high',
  })
  // The same name and date of birth again: refused, and showing the candidate is a disclosure.
  await assert.rejects(
    createPerson(as(people.registrar), {
      familyName: sensitive.familyName,
      givenNames: sensitive.givenNames,
      dateOfBirth: sensitive.dateOfBirth,
    }),
    Conflict,
  )
  const v1 = await createVictim(as(people.vlo), {
    familyName: sensitive.victimFamily,
    givenNames: sensitive.victimGiven,
    phone: sensitive.victimPhone,
  })
  const v2 = await createVictim(as(people.vlo), { familyName: sensitive.victimFamily, givenNames: 'Peregrina' })
  await readVictim(as(people.vlo), v1.id)
  await linkVictim(as(people.registrar), personId, { victimId: v1.id, relationship: 'ex-partner' })
  await addFact(as(people.registrar), personId, undefined, {
    kind: 'conviction',
    date: '2024-03-01',
    offenceDate: '2023-12-10',
    offence: 'PHA1997-s4A',
    domesticAbuse: true,
    victims: [{ id: v1.id, relationship: 'ex-partner', ageAtOffence: 31 }],
    disposal: { type: 'custody', months: 18 },
    releasedOn: '2024-12-01',
  })
  await addFact(as(people.registrar), personId, undefined, {
    kind: 'conviction',
    date: '2022-11-14',
    offence: 'SCA2015-s75A',
    domesticAbuse: true,
    victims: [{ id: v2.id, relationship: 'partner', ageAtOffence: 29 }],
    disposal: { type: 'custody', months: 8, suspended: true },
  })
  await addFact(as(people.registrar), personId, undefined, {
    kind: 'risk-assessment',
    date: '2024-11-20',
    tool: 'OASys',
    rosh: 'high',
  })
  const address = await addFact(as(people.officer), personId, undefined, {
    kind: 'address',
    addressType: 'home',
    line1: sensitive.line1,
    town: sensitive.town,
    postcode: sensitive.postcode,
    validFrom: '2025-01-01',
  })
  await refer(as(people.officer), personId, { reason: sensitive.referralReason })
  const determination = await determine(as(people.officer), personId, {})
  const registration = await register(as(people.registrar), personId, {
    determinationId: determination.id,
    policyId: 'lords-2024',
    abuseType: 'intimate-partner',
  })
  await notice(as(people.officer), registration.id)
  await recordNoticeServed(as(people.registrar), registration.id, undefined, {
    servedOn: '2026-01-05',
    method: 'in-person',
  })
  clock.set('2026-01-09')
  await scan(as(people.registrar), {})
  await recordNotification(as(people.officer), registration.id, {
    kind: 'initial',
    receivedOn: '2026-01-09',
    items: ['home-address'],
  })
  const breaches = await listBreaches(as(people.officer), { limit: 50, status: 'suspected' })
  const breach = breaches.items.find((b) => b.personId === personId && b.obligationKey === 'initial')
  assert.ok(breach, 'the missed initial notification is a suspected breach')
  await decideBreach(as(people.officer), breach.id as string, breach.version as number, {
    outcome: 'reasonable-excuse',
    decidedOn: '2026-01-09',
    notes: sensitive.breachNotes,
  })
  await recordVisit(as(people.officer), personId, { visitedOn: '2026-01-09', outcome: 'seen' })
  await supersedeFact(as(people.officer), personId, address.id, undefined, {
    reason: 'Moved house, confirmed at the Marrowvale visit',
    replacement: {
      kind: 'address',
      addressType: 'home',
      line1: sensitive.newLine1,
      town: sensitive.town,
      validFrom: '2026-01-08',
    },
  })
  await readRegistration(as(people.officer), registration.id)
  await readPerson(as(people.registrar), personId)
  await exportPeople(as(people.registrar), {
    format: 'ndjson',
    withFacts: true,
    destination: 'audit-test.ndjson',
    justification: 'Transfer to the new force system (test)',
    writePage: () => {},
  })
  clock.set('2034-03-05')
  await endRegistration(as(people.registrar), registration.id, undefined, {
    endedOn: '2034-03-01',
    reason: 'period-expired',
  })
  await archiveRegistration(as(people.registrar), registration.id, undefined, { archivedOn: '2034-03-05' })
  return { personId, victimIds: [v1.id, v2.id] }
}

/**
 * Runs `tamper` as a database administrator could, behind the append-only
 * triggers (session_replication_role = replica stops them firing, on PGlite and
 * PostgreSQL alike), then `inspect`, then rolls everything back, so the next
 * test starts from the untouched chain.
 */
export async function tampered<T>(
  store: TestDatabase,
  tamper: (tx: Queryable) => Promise<unknown>,
  inspect: (tx: Queryable) => Promise<T>,
): Promise<T> {
  let result: T | undefined
  const rollback = new Error('rollback')
  await store.db
    .transaction(async (tx) => {
      await tx.execute("SELECT set_config('session_replication_role', 'replica', true)")
      await tamper(tx)
      await tx.execute("SELECT set_config('session_replication_role', 'origin', true)")
      result = await inspect(tx)
      throw rollback
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error
    })
  return result as T
}
