import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decideBreach, listBreaches, myTasks, recordVisit, scan } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { Conflict, Forbidden, NotFound, StaleWrite, ValidationFailed } from '../../src/app/errors.ts'
import { addFact, createPerson, readPerson, supersedeFact, updatePerson } from '../../src/app/people.ts'
import {
  archiveRegistration,
  determine,
  endRegistration,
  notice,
  readRegistration,
  recordNotification,
  refer,
  register,
} from '../../src/app/registration.ts'
import { createVictim, linkVictim, readVictim } from '../../src/app/victims.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

const conviction = (victimId: string) => ({
  kind: 'conviction',
  date: '2024-03-01',
  offenceDate: '2023-12-10',
  offence: 'PHA1997-s4A',
  domesticAbuse: true,
  victims: [{ id: victimId, relationship: 'ex-partner', ageAtOffence: 31 }],
  disposal: { type: 'custody', months: 18 },
  releasedOn: '2024-12-01',
})
const earlier = (victimId: string) => ({
  kind: 'conviction',
  date: '2022-11-14',
  offence: 'SCA2015-s75A',
  domesticAbuse: true,
  victims: [{ id: victimId, relationship: 'partner', ageAtOffence: 29 }],
  disposal: { type: 'custody', months: 8, suspended: true },
})

for (const backend of backends) {
  describe(`registration lifecycle on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-01-05')
    const as = (actor: People[keyof People]): Call => ({
      app: testApp(store.db, clock),
      actor,
      justification: 'Managing this case (test)',
    })

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
    })
    after(async () => {
      await store?.drop()
    })

    test('walks a registration from referral to archive with a moving date', async () => {
      clock.set('2026-01-05')
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Testperson',
        givenNames: 'Alex',
        dateOfBirth: '1990-04-01',
        niNumber: 'ab 12 34 56 c',
        responsibleOfficerId: people.officer.userId,
        riskLevel: 'high',
      })
      const v1 = await createVictim(as(people.vlo), { familyName: 'Victim', givenNames: 'One', phone: '07700 900123' })
      const v2 = await createVictim(as(people.vlo), { familyName: 'Victim', givenNames: 'Two' })
      await linkVictim(as(people.registrar), personId, { victimId: v1.id, relationship: 'ex-partner' })
      await addFact(as(people.registrar), personId, undefined, conviction(v1.id))
      await addFact(as(people.registrar), personId, undefined, earlier(v2.id))
      await addFact(as(people.registrar), personId, undefined, {
        kind: 'risk-assessment',
        date: '2024-11-20',
        tool: 'OASys',
        rosh: 'high',
      })
      await addFact(as(people.officer), personId, undefined, {
        kind: 'address',
        addressType: 'home',
        line1: '1 Synthetic Row',
        town: 'Testtown',
        postcode: 'ZZ1 1ZZ',
        validFrom: '2025-01-01',
      })

      await refer(as(people.officer), personId, { reason: 'Serial DA perpetrator, two custodial sentences' })
      const determination = await determine(as(people.officer), personId, {})
      const lords = determination.explanation.policies.find((p) => p.policy === 'lords-2024')
      assert.equal(lords?.outcome, 'eligible')
      assert.equal(determination.policyVersions['lords-2024'] !== undefined, true)

      // Only a registrar (police) opens a registration.
      await assert.rejects(
        register(as(people.officer), personId, {
          determinationId: determination.id,
          policyId: 'lords-2024',
          abuseType: 'intimate-partner',
        }),
        Forbidden,
      )
      // Nobody is registered on an outcome that is not "eligible".
      await assert.rejects(
        register(as(people.registrar), personId, {
          determinationId: determination.id,
          policyId: 'commons-2024-in-lieu',
          abuseType: 'intimate-partner',
        }),
        Conflict,
      )
      const registration = await register(as(people.registrar), personId, {
        determinationId: determination.id,
        policyId: 'lords-2024',
        abuseType: 'intimate-partner',
      })
      // The core's deadline (2024-12-03) is long past: the 3 days run from registration (decision 0004).
      assert.equal(registration.initialDue, '2026-01-07')

      const document = await notice(as(people.officer), registration.id)
      assert.match(document.duties[0]?.deadline ?? '', /7 January 2026/)
      assert.ok(document.whatToTell.some((item) => item.item === 'New relationships'))
      assert.match(document.period, /10 years/)

      // Missed the initial notification: the scan finds one suspected breach, once.
      clock.set('2026-01-09')
      const first = await scan(as(people.registrar), {})
      assert.ok(first.newBreaches >= 1)
      const again = await scan(as(people.registrar), {})
      assert.equal(again.newBreaches, 0)
      const tasks = await myTasks(as(people.officer), 50)
      const breachTask = tasks.items.find((t) => t.personId === personId && t.kind === 'suspected-breach')
      assert.ok(breachTask, 'the responsible officer gets a task')

      await recordNotification(as(people.officer), registration.id, {
        kind: 'initial',
        receivedOn: '2026-01-09',
        items: ['home-address'],
      })
      const afterInitial = await readRegistration(as(people.officer), registration.id)
      const initial = afterInitial.obligations.find((o) => o.key === 'initial')
      assert.equal(initial?.status, 'met-late')
      const breaches = await listBreaches(as(people.officer), { limit: 50, status: 'suspected' })
      const initialBreach = breaches.items.find((b) => b.personId === personId && b.obligationKey === 'initial')
      assert.ok(initialBreach)
      await assert.rejects(
        decideBreach(as(people.officer), initialBreach.id as string, 99, {
          outcome: 'advice',
          decidedOn: '2026-01-09',
          notes: 'x',
        }),
        StaleWrite,
      )
      await decideBreach(as(people.officer), initialBreach.id as string, initialBreach.version as number, {
        outcome: 'reasonable-excuse',
        decidedOn: '2026-01-09',
        notes: 'Hospital admission on 6 January, confirmed by discharge letter.',
      })
      assert.equal(
        (await myTasks(as(people.officer), 50)).items.some((t) => t.breachId === initialBreach.id),
        false,
      )

      // A year on: the annual notification is overdue.
      clock.set('2027-01-20')
      await scan(as(people.registrar), {})
      const overdue = await listBreaches(as(people.officer), { limit: 50, status: 'suspected' })
      assert.ok(overdue.items.some((b) => b.personId === personId && b.obligationKey === 'periodic:2026-01-09'))
      await recordNotification(as(people.officer), registration.id, { kind: 'periodic', receivedOn: '2027-01-20' })
      await recordVisit(as(people.officer), personId, { visitedOn: '2027-01-20', outcome: 'seen' })

      clock.set('2027-03-02')
      const moved = await recordNotification(as(people.officer), registration.id, {
        kind: 'change',
        receivedOn: '2027-03-02',
        eventDate: '2027-03-01',
        items: ['home-address'],
        facts: [
          { kind: 'address', addressType: 'home', line1: '2 Synthetic Row', town: 'Testtown', validFrom: '2027-03-01' },
        ],
      })
      assert.equal(moved.factIds.length, 1)
      clock.set('2027-06-01')
      await recordNotification(as(people.officer), registration.id, {
        kind: 'travel',
        receivedOn: '2027-06-01',
        departureDate: '2027-06-10',
      })
      const midway = await readRegistration(as(people.officer), registration.id)
      assert.equal(midway.obligations.find((o) => o.kind === 'change-notification')?.status, 'met')
      assert.equal(midway.obligations.find((o) => o.kind === 'travel-notification')?.status, 'met')
      assert.equal(
        midway.obligations.find((o) => o.kind === 'periodic-notification' && o.status !== 'met-late')?.dueOn,
        '2028-03-02',
      )

      // The period ends on 28 February 2034; it cannot be ended as expired before then.
      clock.set('2034-03-05')
      await assert.rejects(
        endRegistration(as(people.registrar), registration.id, undefined, {
          endedOn: '2034-02-28',
          reason: 'period-expired',
        }),
        ValidationFailed,
      )
      await endRegistration(as(people.registrar), registration.id, undefined, {
        endedOn: '2034-03-01',
        reason: 'period-expired',
      })
      const archived = await archiveRegistration(as(people.registrar), registration.id, undefined, {
        archivedOn: '2034-03-05',
      })
      assert.equal(archived.retentionReviewOn, '2036-03-05')

      const record = await readPerson(as(people.registrar), personId)
      assert.equal(record.person.status, 'archived')
      assert.equal(record.person.niNumber, 'AB123456C')
      assert.equal(record.facts.address?.length, 2, 'both addresses are kept, each with its dates')
      const kinds = await store.db.query<{ kind: string }>(
        'SELECT DISTINCT kind FROM timeline_event WHERE person_id = $1',
        [personId],
      )
      for (const step of [
        'person-recorded',
        'referred',
        'determined',
        'registered',
        'notification-initial',
        'suspected-breach',
        'breach-outcome',
        'registration-ended',
        'archived',
      ]) {
        assert.ok(
          kinds.some((k) => k.kind === step),
          `timeline has ${step}`,
        )
      }
      // Every read of the record was an audited consultation.
      const reads = await store.db.query('SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = $2', [
        personId,
        'consultation',
      ])
      assert.ok(reads.length >= 3)
    })

    test('victims are restricted records, read only by those who must', async () => {
      clock.set('2026-02-01')
      const victim = await createVictim(as(people.vlo), {
        familyName: 'Hidden',
        givenNames: 'Vic',
        phone: '07700900456',
      })
      const seen = await readVictim(as(people.vlo), victim.id)
      assert.equal((seen.data as { phone: string }).phone, '07700900456')
      await assert.rejects(readVictim(as(people.analyst), victim.id), Forbidden)
      await assert.rejects(readVictim(as(people.otherForce), victim.id), NotFound)
      const denied = await store.db.query(`SELECT 1 FROM audit_event WHERE object_id = $1 AND operation = 'denied'`, [
        victim.id,
      ])
      assert.equal(denied.length, 1)
      const roleDenied = await store.db.query(
        `SELECT 1 FROM audit_event WHERE actor_id = $1 AND operation = 'denied'`,
        [people.analyst.userId],
      )
      assert.equal(roleDenied.length, 1)
    })

    test('a possible duplicate is flagged, never silently created', async () => {
      clock.set('2026-02-01')
      const input = { familyName: 'Duplicate', givenNames: 'Dana', dateOfBirth: '1985-05-05', niNumber: 'AB123456D' }
      await createPerson(as(people.registrar), input)
      const error = await createPerson(as(people.registrar), { ...input, niNumber: undefined }).catch((e) => e)
      assert.ok(error instanceof Conflict)
      assert.equal((error.detail.candidates as unknown[]).length, 1)
      const shown = (error.detail.candidates as { id: string; name?: string }[])[0]
      assert.equal(shown?.name, 'Dana Duplicate')
      const disclosures = await store.db.query(
        `SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = 'disclosure' AND object_type = 'possible-duplicate'`,
        [shown?.id],
      )
      assert.equal(disclosures.length, 1, 'showing a candidate is an audited disclosure')
      // Another force learns only that a record exists, by reference, not whose it is.
      const elsewhere = await createPerson(as(people.otherForce), { ...input, niNumber: undefined }).catch((e) => e)
      assert.ok(elsewhere instanceof Conflict)
      const hidden = (elsewhere.detail.candidates as { name?: string; dateOfBirth?: string; reference: string }[])[0]
      assert.equal(hidden?.name, undefined)
      assert.equal(hidden?.dateOfBirth, undefined)
      assert.match(hidden?.reference ?? '', /^DA-/)
      const byNi = await createPerson(as(people.registrar), {
        familyName: 'Other',
        givenNames: 'Name',
        dateOfBirth: '1970-01-01',
        niNumber: 'AB123456D',
      }).catch((e) => e)
      assert.ok(byNi instanceof Conflict)
      const confirmed = await createPerson(as(people.registrar), {
        ...input,
        niNumber: undefined,
        confirmedNotDuplicate: true,
      })
      assert.deepEqual(confirmed.possibleDuplicatesConfirmedDistinct.length, 1)
    })

    test('bad input names the field and the rule and writes nothing', async () => {
      clock.set('2026-02-01')
      const before = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person')
      const error = await createPerson(as(people.registrar), {
        familyName: '',
        givenNames: 'X',
        dateOfBirth: '2030-02-30',
        niNumber: 'DA123456A',
        shoeSize: 9,
      }).catch((e) => e)
      assert.ok(error instanceof ValidationFailed)
      const fields = error.problems.map((p) => p.field)
      assert.deepEqual(fields.sort(), ['$.dateOfBirth', '$.familyName', '$.niNumber', '$.shoeSize'])
      const future = await createPerson(as(people.registrar), {
        familyName: 'A',
        givenNames: 'B',
        dateOfBirth: '2026-12-01',
      }).catch((e) => e)
      assert.match(future.problems[0].message, /past/)
      const child = await createPerson(as(people.registrar), {
        familyName: 'A',
        givenNames: 'B',
        dateOfBirth: '2020-01-01',
      }).catch((e) => e)
      assert.match(child.problems[0].message, /at least 10/)
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Valid',
        givenNames: 'Val',
        dateOfBirth: '1980-01-01',
      })
      const badFact = await addFact(as(people.registrar), id, undefined, {
        kind: 'conviction',
        date: '2024-01-01',
        offence: 'NOPE-s1',
        victims: [],
        disposal: { type: 'fine' },
      }).catch((e) => e)
      assert.ok(badFact instanceof ValidationFailed)
      assert.equal(badFact.problems[0]?.field, '$.offence')
      const badKind = await addFact(as(people.registrar), id, undefined, { kind: 'horoscope' }).catch((e) => e)
      assert.equal(badKind.problems[0].field, '$.kind')
      const after = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person')
      assert.equal(after[0]?.n, (before[0]?.n ?? 0) + 1)
    })

    test('two writers on one record: one gets a stale-write refusal, nothing is lost', async () => {
      clock.set('2026-02-01')
      const { id, version } = await createPerson(as(people.registrar), {
        familyName: 'Race',
        givenNames: 'Rory',
        dateOfBirth: '1975-07-07',
      })
      const results = await Promise.allSettled([
        updatePerson(as(people.registrar), id, version, { riskLevel: 'high', reason: 'OASys' }),
        updatePerson(as(people.officer), id, version, { riskLevel: 'low', reason: 'mistake' }),
      ])
      const ok = results.filter((r) => r.status === 'fulfilled')
      const stale = results.filter((r) => r.status === 'rejected' && r.reason instanceof StaleWrite)
      assert.equal(ok.length, 1)
      assert.equal(stale.length, 1)
      const record = await readPerson(as(people.registrar), id)
      assert.equal(record.person.version, version + 1)
    })

    test('facts keep their history: a change supersedes, never overwrites', async () => {
      clock.set('2026-03-01')
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'History',
        givenNames: 'Hal',
        dateOfBirth: '1960-06-06',
      })
      const fact = await addFact(as(people.registrar), id, undefined, {
        kind: 'vehicle',
        registration: 'ab12 cde',
        make: 'Synthetic',
      })
      await supersedeFact(as(people.registrar), id, fact.id, undefined, {
        replacement: { registration: 'AB12CDF' },
        reason: 'Typo in registration',
      })
      await assert.rejects(
        supersedeFact(as(people.registrar), id, fact.id, undefined, { validTo: '2026-02-01', reason: 'again' }),
        Conflict,
      )
      const current = await readPerson(as(people.registrar), id)
      assert.equal(current.facts.vehicle?.length, 1)
      assert.equal((current.facts.vehicle?.[0]?.data as { registration: string } | undefined)?.registration, 'AB12CDF')
      const history = await readPerson(as(people.registrar), id, { history: true })
      assert.equal(history.facts.vehicle?.length, 2)
    })

    test('two scans at once never create a duplicate breach', async () => {
      clock.set('2026-04-01')
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Scan',
        givenNames: 'Sam',
        dateOfBirth: '1988-08-08',
        responsibleOfficerId: people.officer.userId,
      })
      const v = await createVictim(as(people.vlo), { familyName: 'V', givenNames: 'W' })
      await addFact(as(people.registrar), personId, undefined, conviction(v.id))
      await addFact(as(people.registrar), personId, undefined, earlier(v.id))
      await addFact(as(people.registrar), personId, undefined, {
        kind: 'risk-assessment',
        date: '2024-11-20',
        tool: 'OASys',
        rosh: 'high',
      })
      const d = await determine(as(people.registrar), personId, {})
      const r = await register(as(people.registrar), personId, {
        determinationId: d.id,
        policyId: 'broad-convicted',
        abuseType: 'stalking',
      })
      clock.set('2026-06-01')
      const [a, b] = await Promise.all([scan(as(people.registrar), {}), scan(as(people.registrar), {})])
      const rows = await store.db.query<{ obligation_key: string }>(
        'SELECT obligation_key FROM breach WHERE registration_id = $1',
        [r.id],
      )
      assert.equal(rows.length, new Set(rows.map((x) => x.obligation_key)).size)
      assert.ok(rows.length >= 1)
      assert.ok(a.newBreaches + b.newBreaches >= rows.length)
      const tasks = await store.db.query('SELECT 1 FROM task WHERE registration_id = $1 AND kind = $2', [
        r.id,
        'suspected-breach',
      ])
      assert.equal(tasks.length, rows.length)
    })
  })
}
