import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Actor } from '../../src/app/actor.ts'
import { recordVisit } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../src/app/errors.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { addPhotograph } from '../../src/app/photographs.ts'
import { eraseRecord, restrictRecord } from '../../src/app/retention.ts'
import {
  askForClarification,
  clarificationReceived,
  closeSubjectAccess,
  extendSubjectAccess,
  listSubjectAccessRequests,
  recordSubjectAccessRequest,
  subjectAccessExport,
} from '../../src/app/subject-access.ts'
import { createVictim, linkVictim } from '../../src/app/victims.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

// Subject access (DPA 2018 s.45, s.54) through the services, on every backend.

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

for (const backend of backends) {
  describe(`subject access on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-03-03')
    const as = (actor: Actor): Call => ({
      app: testApp(store.db, clock),
      actor,
      justification: 'Subject access (test)',
    })

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
    })
    after(async () => {
      await store?.drop()
    })

    /** A perpetrator's record that names a victim, a partner, a child's household and staff. */
    async function subjectWithOthers(): Promise<string> {
      const { id } = await createPerson(as(people.registrar), {
        familyName: 'Wolstenholme',
        givenNames: 'Barnaby',
        dateOfBirth: '1983-04-05',
        niNumber: 'CE123456A',
        responsibleOfficerId: people.officer.userId,
      })
      const victim = await createVictim(as(people.vlo), {
        familyName: 'Thistlewood',
        givenNames: 'Marigold',
        phone: '07700 900123',
        email: 'marigold.t@example.test',
        address: { line1: '7 Lantern Yard', town: 'Testtown', postcode: 'ZZ9 9ZZ' },
        safeContact: 'Ring her sister Hyacinth after 6pm',
      })
      await linkVictim(as(people.registrar), id, { victimId: victim.id, relationship: 'ex-partner' })
      const facts = [
        { kind: 'address', addressType: 'home', line1: '21 Barnaby Terrace', town: 'Testtown', postcode: 'ZZ1 1ZZ' },
        { kind: 'phone', number: '07700 900555' },
        { kind: 'relationship', relationshipType: 'partner', otherPartyName: 'Rosalind Fairweather' },
        { kind: 'child-household', line1: '3 Acorn Close', town: 'Othertown', postcode: 'ZZ3 3ZZ' },
        {
          kind: 'conviction',
          date: '2024-03-01',
          offence: 'PHA1997-s4A',
          domesticAbuse: true,
          victims: [{ id: victim.id, relationship: 'ex-partner', ageAtOffence: 31 }],
          disposal: { type: 'custody', months: 18 },
          releasedOn: '2024-12-01',
        },
        {
          kind: 'civil-order',
          orderType: 'restraining-order',
          court: 'Testtown Crown Court',
          madeOn: '2024-03-01',
          conditions: ['Not to contact Marigold Thistlewood directly or indirectly', 'Not to enter Lantern Yard'],
          protectedVictimIds: [victim.id],
        },
        {
          kind: 'risk-management-plan',
          summary: 'Monitor contact with Rosalind Fairweather; Omar Officer to review monthly',
          actions: [{ action: 'Home visit every 8 weeks', owner: 'PC Dana Constable' }],
        },
      ]
      for (const fact of facts) await addFact(as(people.registrar), id, undefined, fact)
      await recordVisit(as(people.officer), id, {
        visitedOn: '2026-03-02',
        outcome: 'seen',
        notes: 'Barnaby at home; Marigold Thistlewood phoned 07700900123 during the visit. Omar Officer present.',
      })
      await addPhotograph(as(people.registrar), id, { contentType: 'image/png', data: png, takenOn: '2026-03-01' })
      return id
    }

    test("the answer holds the subject's data and none of the victim's or other people's details", async () => {
      clock.set('2026-03-03')
      const personId = await subjectWithOthers()
      // Another force recording the same person is shown the candidate: a disclosure to that force.
      await assert.rejects(
        createPerson(as(people.otherForce), {
          familyName: 'Wolstenholme',
          givenNames: 'Barnaby',
          dateOfBirth: '1983-04-05',
        }),
        Conflict,
      )
      const request = await recordSubjectAccessRequest(as(people.registrar), { personId, receivedOn: '2026-03-03' })
      assert.equal(request.dueOn, '2026-04-02')
      assert.equal(request.status, 'open')

      const json = await subjectAccessExport(as(people.registrar), request.id, 'json')
      const html = await subjectAccessExport(as(people.registrar), request.id, 'html')
      const text = await subjectAccessExport(as(people.registrar), request.id, 'text')
      assert.equal(html.format, 'html')
      const outputs = {
        json: JSON.stringify(json.document),
        html: html.format === 'html' ? html.content : '',
        text: text.format === 'text' ? text.content : '',
      }
      for (const [format, output] of Object.entries(outputs)) {
        // The subject's own data.
        for (const own of [
          'Wolstenholme',
          'Barnaby',
          'CE123456A',
          '21 Barnaby Terrace',
          '07700900555',
          'PHA1997-s4A',
          'Testtown Crown Court',
        ]) {
          assert.ok(output.includes(own), `${format} includes ${own}`)
        }
        // Nobody else's.
        for (const other of [
          'Thistlewood',
          'Marigold',
          '07700900123',
          '07700 900123',
          'marigold.t@example.test',
          'Lantern Yard',
          'ZZ9 9ZZ',
          'Hyacinth',
          'Fairweather',
          'Rosalind',
          'Acorn Close',
          'ZZ3 3ZZ',
          'Omar Officer',
          people.officer.userId,
          'Dana Constable',
          'Rita Registrar',
        ]) {
          assert.equal(output.includes(other), false, `${format} withholds ${other}`)
        }
        assert.match(output, /an offender manager at Test Shire Police/)
        assert.match(output, /45\(4\)\(e\)/)
        assert.match(output, /Information Commissioner/)
      }
      const document = json.document
      assert.equal(document.subject?.familyName, 'Wolstenholme')
      assert.equal(document.data.photographs.length, 1)
      assert.match(document.data.photographs[0]?.dataUri ?? '', /^data:image\/png;base64,/)
      assert.deepEqual(document.recipients, ['Other Shire Police'])
      // Later answers list the earlier ones among the disclosures.
      const again = await subjectAccessExport(as(people.registrar), request.id, 'json')
      assert.deepEqual(again.document.recipients, [
        'Other Shire Police',
        'You (notices and earlier answers given to you)',
      ])
      assert.ok(document.origin.includes('Recorded by Test Shire Police'))
      assert.match(document.retention.period, /every 10 years/)
      const conviction = document.data.facts.find((f) => f.kind === 'conviction')
      assert.deepEqual(conviction?.data.victims, [
        { relationship: 'ex-partner', details: '[withheld: DPA 2018 s.45(4)(e)]' },
      ])
      assert.match(outputs.html, /^<!doctype html>/)
      assert.equal(outputs.html.includes('<script'), false)

      // The answer is recorded, and each export is a disclosure to the data subject.
      const [row] = await store.db.query<{ status: string; answered_on: string }>(
        'SELECT status, answered_on FROM subject_access_request WHERE id = $1',
        [request.id],
      )
      assert.deepEqual(row, { status: 'answered', answered_on: '2026-03-03' })
      const disclosures = await store.db.query<{ recipients: string[]; object_type: string }>(
        `SELECT recipients, object_type FROM audit_event WHERE person_id = $1 AND operation = 'disclosure' ORDER BY id`,
        [personId],
      )
      assert.deepEqual(
        disclosures.filter((d) => d.object_type === 'subject-access').map((d) => d.recipients),
        [[`person:${personId}`], [`person:${personId}`], [`person:${personId}`], [`person:${personId}`]],
      )
      const audited = await store.db.query<{ text: string }>(
        `SELECT detail::text || coalesce(justification, '') AS text FROM audit_event WHERE person_id = $1`,
        [personId],
      )
      assert.equal(
        audited.some((a) => /Wolstenholme|Thistlewood/.test(a.text)),
        false,
        'the audit trail holds no values',
      )
    })

    test('kinds of fact withheld on a ground (s.45(4)) are left out and the subject is told', async () => {
      clock.set('2026-03-03')
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Withheld',
        givenNames: 'Wanda',
        dateOfBirth: '1975-05-05',
      })
      await addFact(as(people.registrar), personId, undefined, {
        kind: 'risk-management-plan',
        summary: 'Covert monitoring of online accounts',
      })
      await addFact(as(people.registrar), personId, undefined, { kind: 'vehicle', registration: 'WA11 NDA' })
      await assert.rejects(
        recordSubjectAccessRequest(as(people.registrar), {
          personId,
          receivedOn: '2026-03-03',
          withhold: { factKinds: ['risk-management-plan'], ground: 'evidence', reason: 'x' },
        }),
        ValidationFailed,
      )
      const request = await recordSubjectAccessRequest(as(people.registrar), {
        personId,
        receivedOn: '2026-03-03',
        withhold: {
          factKinds: ['risk-management-plan'],
          ground: 'b',
          reason: 'Disclosure would prejudice an ongoing investigation',
        },
      })
      const answer = await subjectAccessExport(as(people.registrar), request.id, 'json')
      const output = JSON.stringify(answer.document)
      assert.equal(output.includes('Covert monitoring'), false)
      assert.ok(output.includes('WA11NDA'))
      assert.ok(answer.document.withheld.some((w) => /risk management plans.*s\.45\(4\)\(b\)/.test(w)))
    })

    test('requests are tracked against the s.54 time limit: extension by notice, the clock stopped for clarification', async () => {
      clock.set('2026-03-03')
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Deadline',
        givenNames: 'Dara',
        dateOfBirth: '1970-01-01',
      })
      const request = await recordSubjectAccessRequest(as(people.registrar), { personId, receivedOn: '2026-03-03' })
      assert.equal(request.dueOn, '2026-04-02')
      clock.set('2026-03-10')
      const asked = await askForClarification(as(people.registrar), request.id, { askedOn: '2026-03-10' })
      assert.equal(asked.status, 'awaiting-clarification')
      assert.equal(asked.clockStopped, true)
      clock.set('2026-03-14')
      const resumed = await clarificationReceived(as(people.registrar), request.id, { receivedOn: '2026-03-14' })
      assert.deepEqual([resumed.status, resumed.stoppedDays, resumed.dueOn], ['open', 5, '2026-04-07'])
      await assert.rejects(
        clarificationReceived(as(people.registrar), request.id, { receivedOn: '2026-03-14' }),
        Conflict,
      )
      clock.set('2026-04-10')
      await assert.rejects(
        extendSubjectAccess(as(people.registrar), request.id, { noticeOn: '2026-04-08', reason: 'Volume of records' }),
        (error: unknown) => error instanceof ValidationFailed && /first month/.test(error.message),
      )
      const extended = await extendSubjectAccess(as(people.registrar), request.id, {
        noticeOn: '2026-04-07',
        reason: 'Complex: records held by three agencies',
      })
      assert.deepEqual([extended.extended, extended.dueOn], [true, '2026-06-07'])
      await assert.rejects(
        extendSubjectAccess(as(people.registrar), request.id, { noticeOn: '2026-04-07', reason: 'again' }),
        ValidationFailed,
      )

      const list = await listSubjectAccessRequests(as(people.registrar), { status: 'open' })
      const listed = list.items.find((item) => item.id === request.id)
      assert.deepEqual([listed?.dueOn, listed?.overdue, listed?.daysLeft], ['2026-06-07', false, 58])
      clock.set('2026-06-08')
      const late = (await listSubjectAccessRequests(as(people.registrar), {})).items.find((i) => i.id === request.id)
      assert.equal(late?.overdue, true)

      const closed = await closeSubjectAccess(as(people.registrar), request.id, {
        outcome: 'withdrawn',
        on: '2026-06-08',
        reason: 'Withdrawn by the requester in writing',
      })
      assert.equal(closed.status, 'withdrawn')
      await assert.rejects(subjectAccessExport(as(people.registrar), request.id, 'json'), Conflict)
    })

    test('a restricted record is still answered; an erased one is answered "no data held"', async () => {
      clock.set('2026-03-03')
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Kept',
        givenNames: 'Kit',
        dateOfBirth: '1969-06-06',
      })
      await restrictRecord(
        as(people.registrar),
        { kind: 'person', id: personId },
        {
          ground: 'accuracy-contested',
          rationale: 'Contested',
        },
      )
      const request = await recordSubjectAccessRequest(as(people.registrar), { personId, receivedOn: '2026-03-03' })
      const answer = await subjectAccessExport(as(people.registrar), request.id, 'json')
      assert.equal(answer.document.subject?.familyName, 'Kept')

      const { id: goneId } = await createPerson(as(people.registrar), {
        familyName: 'Vanished',
        givenNames: 'Val',
        dateOfBirth: '1968-08-08',
      })
      const pending = await recordSubjectAccessRequest(as(people.registrar), {
        personId: goneId,
        receivedOn: '2026-03-03',
      })
      await eraseRecord(
        as(people.registrar),
        { kind: 'person', id: goneId },
        {
          ground: 'unlawful-processing',
          reason: 'Recorded in error',
          neededAsEvidence: false,
        },
      )
      const none = await subjectAccessExport(as(people.registrar), pending.id, 'text')
      assert.match(none.document.confirmation, /We hold no personal data about you/)
      assert.equal(none.format === 'text' && none.content.includes('Vanished'), false)
    })

    test("only the managing organisation's registrars handle requests; refusals are audited", async () => {
      clock.set('2026-03-03')
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Guarded',
        givenNames: 'Gus',
        dateOfBirth: '1972-02-02',
      })
      const request = await recordSubjectAccessRequest(as(people.registrar), { personId, receivedOn: '2026-03-03' })
      const [before] = await store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE operation = 'denied'`,
      )
      for (const actor of [people.officer, people.vlo, people.analyst, people.probation]) {
        await assert.rejects(subjectAccessExport(as(actor), request.id, 'json'), Forbidden)
        await assert.rejects(recordSubjectAccessRequest(as(actor), { personId, receivedOn: '2026-03-03' }), Forbidden)
      }
      await assert.rejects(subjectAccessExport(as(people.otherForce), request.id, 'json'), NotFound)
      await assert.rejects(
        recordSubjectAccessRequest(as(people.otherForce), { personId, receivedOn: '2026-03-03' }),
        ValidationFailed,
      )
      const [afterwards] = await store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE operation = 'denied'`,
      )
      assert.equal((afterwards?.n ?? 0) - (before?.n ?? 0), 9)
      const disclosed = await store.db.query(
        `SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = 'disclosure'`,
        [personId],
      )
      assert.equal(disclosed.length, 0, 'nothing was disclosed')
    })
  })
}
