import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Actor } from '../../src/app/actor.ts'
import { systemActor } from '../../src/app/actor.ts'
import { verifyAuditChain } from '../../src/app/audit-trail.ts'
import { recordVisit, scan } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../src/app/errors.ts'
import { addFact, createPerson, listPeople, readPerson, updatePerson } from '../../src/app/people.ts'
import { addPhotograph } from '../../src/app/photographs.ts'
import {
  archiveRegistration,
  determine,
  endRegistration,
  recordNotification,
  refer,
  register,
} from '../../src/app/registration.ts'
import {
  decideRetention,
  dueReviews,
  eraseRecord,
  liftRestriction,
  readForReview,
  restrictRecord,
  retentionScan,
  reviewTasks,
} from '../../src/app/retention.ts'
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

// Retention review, restriction and erasure through the services, on every
// backend (docs/retention.md).

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

const conviction = {
  kind: 'conviction',
  date: '2024-03-01',
  offenceDate: '2023-12-10',
  offence: 'PHA1997-s4A',
  domesticAbuse: true,
  victims: [{ id: 'V-1', relationship: 'ex-partner', ageAtOffence: 31 }],
  disposal: { type: 'custody', months: 18 },
  releasedOn: '2024-12-01',
}
const earlier = {
  kind: 'conviction',
  date: '2022-11-14',
  offence: 'SCA2015-s75A',
  domesticAbuse: true,
  victims: [{ id: 'V-2', relationship: 'partner', ageAtOffence: 29 }],
  disposal: { type: 'custody', months: 8, suspended: true },
}

for (const backend of backends) {
  describe(`retention on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-11-24')
    const as = (actor: Actor): Call => ({
      app: testApp(store.db, clock),
      actor,
      justification: 'Retention review (test)',
    })
    const person = (id: string) => ({ kind: 'person' as const, id })
    const openTasks = async (id: string) =>
      store.db.query<{ key: string; due_on: string }>(
        `SELECT key, due_on FROM task WHERE person_id = $1 AND kind = 'retention-review' AND status = 'open'`,
        [id],
      )
    const denials = async (since: number) =>
      store.db.query<{ object_type: string; detail: { reason?: string } }>(
        `SELECT object_type, detail FROM audit_event WHERE operation = 'denied' AND id > $1 ORDER BY id`,
        [since],
      )
    const lastAuditId = async () =>
      (await store.db.query<{ id: number | null }>('SELECT max(id) AS id FROM audit_event'))[0]?.id ?? 0

    async function registered(
      familyName: string,
      givenNames: string,
      dateOfBirth = '1988-05-06',
      niNumber = 'AB123456C',
    ) {
      const { id } = await createPerson(as(people.registrar), {
        familyName,
        givenNames,
        dateOfBirth,
        niNumber,
        responsibleOfficerId: people.officer.userId,
        riskLevel: 'high',
        confirmedNotDuplicate: true,
      })
      await addFact(as(people.registrar), id, undefined, conviction)
      await addFact(as(people.registrar), id, undefined, earlier)
      await addFact(as(people.registrar), id, undefined, {
        kind: 'risk-assessment',
        date: '2024-11-20',
        tool: 'OASys',
        rosh: 'high',
      })
      await refer(as(people.officer), id, { reason: 'Serial DA perpetrator (test)' })
      const determination = await determine(as(people.officer), id, {})
      const registration = await register(as(people.registrar), id, {
        determinationId: determination.id,
        policyId: 'lords-2024',
        abuseType: 'intimate-partner',
      })
      return { id, registrationId: registration.id }
    }

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
    })
    after(async () => {
      await store?.drop()
    })

    test('every record carries its next review date; a due review becomes one task, however many scans see it', async () => {
      clock.set('2026-11-24')
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Periodic',
        givenNames: 'Pat',
        dateOfBirth: '1985-01-01',
      })
      // Deemed 100 on 1 March 2026: due now, before any periodic review (APP Group 1).
      const { id: elder } = await createPerson(as(people.registrar), {
        familyName: 'Elder',
        givenNames: 'Edna',
        dateOfBirth: '1926-03-01',
      })
      const [row] = await store.db.query<{ next_review_on: string; recorded_on: string }>(
        'SELECT next_review_on, created_at::date AS recorded_on FROM person WHERE id = $1',
        [id],
      )
      assert.ok(row)
      assert.equal(Number(row.next_review_on.slice(0, 4)), Number(row.recorded_on.slice(0, 4)) + 10)

      const first = await retentionScan(as(people.registrar), {})
      assert.equal(first.newTasks >= 1, true)
      assert.equal((await openTasks(elder)).length, 1)
      assert.equal((await openTasks(elder))[0]?.due_on, '2026-03-01')
      assert.equal((await openTasks(id)).length, 0, 'not due for 10 years')
      const again = await retentionScan(as(people.registrar), {})
      assert.equal(again.newTasks, 0)

      // Ten years on (by the stored date): due, raised by the compliance scan as well, once.
      clock.set(row.next_review_on)
      const compliance = await scan({ app: testApp(store.db, clock), actor: systemActor }, {})
      assert.ok(compliance.newTasks >= 1)
      assert.equal((await openTasks(id)).length, 1)
      await scan({ app: testApp(store.db, clock), actor: systemActor }, {})
      await retentionScan(as(people.registrar), {})
      assert.equal((await openTasks(id)).length, 1)

      const due = await dueReviews(as(people.registrar), {})
      const mine = due.items.find((item) => item.id === id)
      assert.equal(mine?.trigger, 'scheduled')
      assert.equal(due.items.find((item) => item.id === elder)?.trigger, 'age-limit')
      const elsewhere = await dueReviews(as(people.otherForce), {})
      assert.equal(
        elsewhere.items.some((item) => item.id === id),
        false,
        'another force sees only its own',
      )
      const queue = await reviewTasks(as(people.registrar))
      assert.ok(queue.items.some((task) => task.personId === id))
    })

    test('archiving brings the review forward to the stored archive review date', async () => {
      clock.set('2026-11-24')
      const { id, registrationId } = await registered('Archivist', 'Arlo')
      clock.set('2027-01-11')
      await endRegistration(as(people.registrar), registrationId, undefined, {
        endedOn: '2027-01-10',
        reason: 'conviction-quashed',
      })
      await archiveRegistration(as(people.registrar), registrationId, undefined, { archivedOn: '2027-01-11' })
      const review = await readForReview(as(people.registrar), person(id))
      assert.deepEqual([review.due?.trigger, review.due?.dueOn], ['archived', '2029-01-11'])
      clock.set('2029-01-10')
      await retentionScan(as(people.registrar), {})
      assert.equal((await openTasks(id)).length, 0)
      clock.set('2029-01-11')
      await retentionScan(as(people.registrar), {})
      assert.deepEqual(
        (await openTasks(id)).map((t) => t.due_on),
        ['2029-01-11'],
      )
    })

    test('each decision is recorded with its reason; "retain" sets the next review and closes the task', async () => {
      clock.set('2026-11-24')
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Oldtimer',
        givenNames: 'Olive',
        dateOfBirth: '1925-06-01',
      })
      await retentionScan(as(people.registrar), {})
      assert.equal((await openTasks(id)).length, 1)

      await assert.rejects(decideRetention(as(people.registrar), person(id), { decision: 'retain' }), ValidationFailed)
      await assert.rejects(
        decideRetention(as(people.registrar), person(id), {
          decision: 'retain',
          reason: 'x',
          nextReviewOn: '2036-11-25',
        }),
        (error: unknown) => error instanceof ValidationFailed && /no later than 10 years/.test(error.message),
      )
      await assert.rejects(
        decideRetention(as(people.registrar), person(id), { decision: 'retain', reason: 'x', ground: 'e' }),
        ValidationFailed,
      )
      const kept = await decideRetention(as(people.registrar), person(id), {
        decision: 'retain',
        reason: 'Still managed under MAPPA; risk to former partners remains (NRAC)',
      })
      // Past 100: the next review is the periodic one, 10 years on.
      assert.equal(kept.nextReviewOn, '2036-11-24')
      const [recorded] = await store.db.query<{
        decision: string
        reason: string
        review_trigger: string
        decided_by: string
      }>('SELECT decision, reason, review_trigger, decided_by FROM retention_review WHERE person_id = $1', [id])
      assert.deepEqual(recorded, {
        decision: 'retain',
        reason: 'Still managed under MAPPA; risk to former partners remains (NRAC)',
        review_trigger: 'age-limit',
        decided_by: people.registrar.userId,
      })
      const [stored] = await store.db.query<{ next_review_on: string }>(
        'SELECT next_review_on FROM person WHERE id = $1',
        [id],
      )
      assert.equal(stored?.next_review_on, '2036-11-24')
      assert.equal((await openTasks(id)).length, 0, 'the decision closes the task')
      await retentionScan(as(people.registrar), {})
      assert.equal((await openTasks(id)).length, 0, 'and the next scan does not raise it again')
      const timeline = await store.db.query<{ kind: string }>(
        `SELECT kind FROM timeline_event WHERE person_id = $1 AND kind = 'retention-review'`,
        [id],
      )
      assert.equal(timeline.length, 1)
      const audited = await store.db.query<{ detail: { decision: string } }>(
        `SELECT detail FROM audit_event WHERE person_id = $1 AND operation = 'alteration' AND object_type = 'person-retention'`,
        [id],
      )
      assert.equal(audited[0]?.detail.decision, 'retain')

      // A decision by a scheduled job, by another role, or by another force is refused, and the refusal audited.
      const since = await lastAuditId()
      await assert.rejects(
        decideRetention({ app: testApp(store.db, clock), actor: systemActor }, person(id), {
          decision: 'retain',
          reason: 'automatic',
        }),
        Forbidden,
      )
      await assert.rejects(
        decideRetention(as(people.officer), person(id), { decision: 'retain', reason: 'x' }),
        Forbidden,
      )
      await assert.rejects(
        decideRetention(as(people.otherForce), person(id), { decision: 'retain', reason: 'x' }),
        NotFound,
      )
      const refused = await denials(since)
      assert.equal(refused.length, 3)
      assert.equal(refused[2]?.detail.reason, 'outside organisation')
    })

    test('a restricted person is hidden from normal reads and lists, and returns when the restriction is lifted', async () => {
      clock.set('2026-11-24')
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Contested',
        givenNames: 'Cora',
        dateOfBirth: '1979-09-09',
      })
      assert.equal((await readPerson(as(people.officer), id)).person.id, id)
      await assert.rejects(
        restrictRecord(as(people.officer), person(id), { ground: 'accuracy-contested', rationale: 'x' }),
        Forbidden,
      )
      await assert.rejects(
        restrictRecord(as(people.registrar), person(id), { ground: 'z', rationale: 'x' }),
        ValidationFailed,
      )
      const restricted = await restrictRecord(as(people.registrar), person(id), {
        ground: 'accuracy-contested',
        rationale: 'The subject contests the 2019 caution; the court record is being checked',
      })
      assert.equal(restricted.provision, 'DPA 2018 s.47(3)')

      const since = await lastAuditId()
      await assert.rejects(readPerson(as(people.officer), id), NotFound)
      await assert.rejects(readPerson(as(people.registrar), id), NotFound)
      await assert.rejects(
        updatePerson(as(people.registrar), id, undefined, { riskLevel: 'low', reason: 'x' }),
        NotFound,
      )
      const refused = await denials(since)
      assert.equal(refused.length, 3)
      assert.ok(refused.every((d) => d.detail.reason === 'record restricted'))
      const listed = await listPeople(as(people.registrar), { limit: 200 })
      assert.equal(
        listed.items.some((p) => p.id === id),
        false,
      )

      // The registrar reviewing it still reaches it, through the retention services only.
      const review = await readForReview(as(people.registrar), person(id))
      assert.equal(review.state, 'restricted')
      assert.equal(review.restriction?.ground, 'accuracy-contested')
      assert.equal(review.due?.trigger, 'restriction')
      assert.equal(review.due?.dueOn, '2027-11-24')
      await assert.rejects(
        restrictRecord(as(people.registrar), person(id), { ground: 'b', rationale: 'again' }),
        Conflict,
      )
      const continued = await decideRetention(as(people.registrar), person(id), {
        decision: 'restrict',
        reason: 'Court record still awaited',
      })
      assert.equal(continued.nextReviewOn, '2036-11-24')
      await liftRestriction(as(people.registrar), person(id), { reason: 'Court confirmed the caution record' })
      assert.equal((await readPerson(as(people.officer), id)).person.id, id)
      assert.ok((await listPeople(as(people.registrar), { limit: 200 })).items.some((p) => p.id === id))
      const history = await store.db.query<{ ground: string; lifted_on: string | null }>(
        'SELECT ground, lifted_on FROM record_restriction WHERE person_id = $1',
        [id],
      )
      assert.deepEqual(history, [{ ground: 'accuracy-contested', lifted_on: '2026-11-24' }])
      await assert.rejects(liftRestriction(as(people.registrar), person(id), { reason: 'again' }), Conflict)

      // Victims' records too.
      const victim = await createVictim(as(people.vlo), { familyName: 'Hidden', givenNames: 'Hana' })
      await restrictRecord(
        as(people.registrar),
        { kind: 'victim', id: victim.id },
        {
          ground: 'e',
          rationale: 'Victim in a refuge: details withheld from normal use',
        },
      )
      await assert.rejects(readVictim(as(people.vlo), victim.id), NotFound)
    })

    test('a restriction or erasure is refused while a registration is active; erasure gives way to restriction for evidence', async () => {
      clock.set('2026-11-24')
      const { id } = await registered('Active', 'Ash')
      await assert.rejects(
        restrictRecord(as(people.registrar), person(id), { ground: 'b', rationale: 'x' }),
        (error: unknown) => error instanceof Conflict && /registration is active/.test(error.message),
      )
      await assert.rejects(
        eraseRecord(as(people.registrar), person(id), {
          ground: 'unlawful-processing',
          reason: 'x',
          neededAsEvidence: false,
        }),
        (error: unknown) => error instanceof Conflict && /registration is active/.test(error.message),
      )
      const { id: other } = await createPerson(as(people.registrar), {
        familyName: 'Evidence',
        givenNames: 'Eve',
        dateOfBirth: '1981-01-01',
      })
      await assert.rejects(
        eraseRecord(as(people.registrar), person(other), {
          ground: 'legal-obligation',
          reason: 'x',
          neededAsEvidence: true,
        }),
        (error: unknown) => error instanceof Conflict && error.detail.restrictInstead === 'evidence',
      )
      await assert.rejects(
        decideRetention(as(people.registrar), person(other), {
          decision: 'delete',
          reason: 'x',
          accuracyContested: true,
        }),
        (error: unknown) => error instanceof Conflict && error.detail.restrictInstead === 'accuracy-contested',
      )
      await assert.rejects(
        eraseRecord(as(people.officer), person(other), {
          ground: 'legal-obligation',
          reason: 'x',
          neededAsEvidence: false,
        }),
        Forbidden,
      )
      // Nothing was changed by the refusals.
      assert.equal((await readPerson(as(people.registrar), other)).person.familyName, 'Evidence')
      assert.equal((await store.db.query('SELECT 1 FROM retention_review WHERE person_id = $1', [other])).length, 0)
    })

    test('erasure removes every personal value from every table, keeps a tombstone, and leaves the audit trail intact', async () => {
      clock.set('2026-11-24')
      const { id, registrationId } = await registered('Quillfeather', 'Zebedee', '1980-02-03', 'JK654321A')
      await updatePerson(as(people.registrar), id, undefined, { givenNames: 'Zebediah', reason: 'Spelling' })
      await addFact(as(people.registrar), id, undefined, {
        kind: 'name',
        nameType: 'alias',
        familyName: 'Quillfeather',
        givenNames: 'Zeb',
      })
      await addFact(as(people.registrar), id, undefined, {
        kind: 'relationship',
        relationshipType: 'partner',
        otherPartyName: 'Rosalind Fairweather',
      })
      await addFact(as(people.registrar), id, undefined, { kind: 'phone', number: '07700 900987' })
      await addFact(as(people.registrar), id, undefined, { kind: 'vehicle', registration: 'QU11 FTH' })
      await addPhotograph(as(people.registrar), id, {
        contentType: 'image/png',
        data: png,
        caption: 'Zebediah Quillfeather, custody photo',
      })
      const victim = await createVictim(as(people.vlo), { familyName: 'Fairweather', givenNames: 'Rosalind' })
      await linkVictim(as(people.registrar), id, { victimId: victim.id, relationship: 'partner' })
      await recordNotification(as(people.officer), registrationId, {
        kind: 'initial',
        receivedOn: '2026-11-24',
        items: ['home-address'],
        facts: [{ kind: 'address', addressType: 'home', line1: '12 Quillfeather Mews', town: 'Testtown' }],
      })
      await recordVisit(as(people.officer), id, {
        visitedOn: '2026-11-24',
        outcome: 'seen',
        notes: 'Zebediah Quillfeather at home',
      })
      await readPerson(as(people.officer), id)
      const auditBefore = await store.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_event WHERE person_id = $1',
        [id],
      )

      clock.set('2027-01-10')
      await endRegistration(as(people.registrar), registrationId, undefined, {
        endedOn: '2027-01-10',
        reason: 'conviction-quashed',
      })
      const erased = await eraseRecord(as(people.registrar), person(id), {
        ground: 'unlawful-processing',
        reason: 'Convictions quashed on appeal: no lawful basis to keep the record',
        neededAsEvidence: false,
      })
      assert.equal(erased.provision, 'DPA 2018 s.47(1)(a)')

      // No personal value of the subject is left in any text, JSON or array column of any table.
      const columns = await store.db.query<{ table_name: string; column_name: string }>(
        `SELECT c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
            AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea')
          ORDER BY c.table_name, c.column_name`,
      )
      assert.ok(columns.some((c) => c.table_name === 'person_fact' && c.column_name === 'data'))
      const values = [
        'Quillfeather',
        'Zebediah',
        'Zebedee',
        'Rosalind',
        '07700900987',
        'QU11FTH',
        '1980-02-03',
        'JK654321A',
      ]
      const found: string[] = []
      for (const { table_name, column_name } of columns) {
        for (const value of values) {
          const hits = await store.db.query(
            `SELECT 1 FROM "${table_name}" WHERE strpos(lower("${column_name}"::text), lower($1)) > 0 LIMIT 1`,
            [value],
          )
          // The victim's own record keeps her own name: she is not the subject erased.
          if (hits.length > 0 && !(table_name === 'victim' && value === 'Rosalind')) {
            found.push(`${table_name}.${column_name}: ${value}`)
          }
        }
      }
      assert.deepEqual(found, [])
      const dates = await store.db.query('SELECT 1 FROM person WHERE date_of_birth = $1', ['1980-02-03'])
      assert.equal(dates.length, 0)

      // The tombstone: the same id and reference, the organisation, the erasure; nothing else.
      const [tombstone] = await store.db.query<Record<string, unknown>>(
        `SELECT reference, managing_org_id, family_name, date_of_birth, ni_number, erased_on, erasure_ground FROM person WHERE id = $1`,
        [id],
      )
      assert.deepEqual(
        { ...tombstone, reference: undefined },
        {
          reference: undefined,
          managing_org_id: 'police:test-shire',
          family_name: '[erased]',
          date_of_birth: null,
          ni_number: null,
          erased_on: '2027-01-10',
          erasure_ground: 'unlawful-processing',
        },
      )
      assert.match(String(tombstone?.reference), /^DA-\d{4}-\d{6}$/)
      for (const table of [
        'person_fact',
        'search_key',
        'photograph',
        'registration',
        'determination',
        'notification',
        'home_visit',
        'victim_link',
      ]) {
        const rows = await store.db.query(`SELECT 1 FROM ${table} WHERE person_id = $1`, [id])
        assert.equal(rows.length, 0, `${table} emptied`)
      }
      const timeline = await store.db.query<{ kind: string }>('SELECT kind FROM timeline_event WHERE person_id = $1', [
        id,
      ])
      assert.deepEqual(timeline, [{ kind: 'erased' }])
      await assert.rejects(readPerson(as(people.registrar), id), NotFound)
      assert.equal((await readForReview(as(people.registrar), person(id))).state, 'erased')
      await assert.rejects(
        eraseRecord(as(people.registrar), person(id), {
          ground: 'unlawful-processing',
          reason: 'again',
          neededAsEvidence: false,
        }),
        Conflict,
      )

      // The audit trail keeps every entry about the person, adds the erasure, and its chain still verifies.
      const auditAfter = await store.db.query<{ operation: string }>(
        'SELECT operation FROM audit_event WHERE person_id = $1 ORDER BY id',
        [id],
      )
      assert.ok(auditAfter.length > (auditBefore[0]?.n ?? 0))
      assert.equal(auditAfter.filter((entry) => entry.operation === 'erasure').length, 1)
      assert.equal((await verifyAuditChain(store.db)).valid, true)
    })

    test('a "delete" decision at a review erases the record and is recorded with its reason', async () => {
      clock.set('2026-11-24')
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Gone',
        givenNames: 'Gideon',
        dateOfBirth: '1990-10-10',
      })
      const decided = await decideRetention(as(people.registrar), person(id), {
        decision: 'delete',
        reason: 'No further police interest; no registration',
        neededAsEvidence: false,
      })
      assert.equal(decided.erased, true)
      const [review] = await store.db.query<{ decision: string; reason: string; next_review_on: string | null }>(
        'SELECT decision, reason, next_review_on FROM retention_review WHERE person_id = $1',
        [id],
      )
      assert.deepEqual(review, {
        decision: 'delete',
        reason: 'No further police interest; no registration',
        next_review_on: null,
      })
      const [row] = await store.db.query<{ erasure_ground: string }>(
        'SELECT erasure_ground FROM person WHERE id = $1',
        [id],
      )
      assert.equal(row?.erasure_ground, 'no-longer-necessary')
      const erasure = await store.db.query(`SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = 'erasure'`, [
        id,
      ])
      assert.equal(erasure.length, 1)
    })

    test('only registrars review, restrict and erase; every other role is refused and the refusal audited', async () => {
      clock.set('2026-11-24')
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Roles',
        givenNames: 'Rory',
        dateOfBirth: '1970-07-07',
      })
      const since = await lastAuditId()
      for (const actor of [people.officer, people.vlo, people.probation, people.analyst]) {
        await assert.rejects(retentionScan(as(actor), {}), Forbidden)
        await assert.rejects(dueReviews(as(actor), {}), Forbidden)
        await assert.rejects(readForReview(as(actor), person(id)), Forbidden)
        await assert.rejects(liftRestriction(as(actor), person(id), { reason: 'x' }), Forbidden)
      }
      const refused = await denials(since)
      assert.equal(refused.length, 16)
      assert.deepEqual([...new Set(refused.map((r) => r.object_type))].sort(), ['record:restrict', 'retention:review'])
    })
  })
}
