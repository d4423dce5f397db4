import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Actor } from '../../src/app/actor.ts'
import type { Call } from '../../src/app/context.ts'
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../src/app/errors.ts'
import { addFact, createPerson, listPeople, readPerson } from '../../src/app/people.ts'
import {
  needToKnowForReview,
  openNeedToKnow,
  recordAccessList,
  reviewNeedToKnow,
  revokeShare,
  shareRecord,
} from '../../src/app/sharing.ts'
import { registerStatistics } from '../../src/app/statistics.ts'
import { createVictim, linkVictim, readVictim } from '../../src/app/victims.ts'
import { factKindNames } from '../../src/contracts/register/facts.ts'
import { factSection } from '../../src/domain/access/sections.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

// Object- and field-level access (issue 4, item 2): who reaches a record, and
// which of its sections and victims' details they are shown.

test('every kind of fact belongs to a section, so none is shown by default', () => {
  assert.deepEqual(
    factKindNames.filter((kind) => factSection[kind] === undefined),
    [],
  )
})

for (const backend of backends) {
  describe(`multi-agency access on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-03-02')
    const as = (actor: Actor, justification: string | null = 'Managing this case (test)'): Call => ({
      app: testApp(store.db, clock),
      actor,
      ...(justification === null ? {} : { justification }),
    })
    let personId: string
    let victimId: string

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      const created = await createPerson(as(people.registrar), {
        familyName: 'Sectionsby',
        givenNames: 'Quill',
        dateOfBirth: '1984-06-02',
        responsibleOfficerId: people.officer.userId,
      })
      personId = created.id
      const facts = [
        { kind: 'bank-account', institution: 'Synthetic Bank', accountName: 'Q Sectionsby', joint: true },
        { kind: 'address', addressType: 'home', line1: '1 Test Street', town: 'Testtown', postcode: 'TE1 1ST' },
        { kind: 'phone', number: '07700900111' },
        {
          kind: 'risk-management-plan',
          summary: 'Synthetic plan',
          sharedWithPartners: ['addresses', 'risk'],
        },
        { kind: 'licence-condition', condition: 'Not to enter the exclusion zone (synthetic)' },
      ]
      for (const fact of facts) await addFact(as(people.registrar), personId, undefined, fact)
      const victim = await createVictim(as(people.vlo), {
        familyName: 'Victimson',
        givenNames: 'Vee',
        phone: '07700900222',
        address: { line1: '2 Safe Road', town: 'Testtown', postcode: 'TE2 2SF' },
      })
      victimId = victim.id
      await linkVictim(as(people.registrar), personId, { victimId, relationship: 'ex-partner' })
    })
    after(async () => {
      await store?.drop()
    })

    test('the case police managers see every section, finance included', async () => {
      const record = await readPerson(as(people.officer), personId)
      assert.ok(record.facts['bank-account'])
      assert.deepEqual(record.access.sectionsHidden, [])
    })

    test('a record is not reachable by another force, a probation region or a partner until shared', async () => {
      for (const actor of [people.otherForce, people.probation, people.partner, people.mappa]) {
        await assert.rejects(readPerson(as(actor), personId), NotFound)
      }
      const denials = await store.db.query(
        `SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = 'denied' AND detail->>'reason' = 'outside organisation'`,
        [personId],
      )
      assert.equal(denials.length, 4)
    })

    test('only the managing organisation shares, with a reason, as a logged disclosure', async () => {
      await assert.rejects(
        shareRecord(as(people.otherForce), personId, {
          organisationId: 'police:other-shire',
          scope: 'full',
          reason: 'Trying to share myself in',
        }),
        NotFound,
      )
      await assert.rejects(
        shareRecord(as(people.registrar), personId, {
          organisationId: 'partner:test-housing',
          scope: 'full',
          reason: 'Housing needs the whole record',
        }),
        (error: unknown) => error instanceof ValidationFailed && /scope "plan"/.test(error.message),
      )
      await assert.rejects(
        shareRecord(as(people.registrar), personId, {
          organisationId: 'probation:test-region',
          scope: 'full',
          reason: 'x',
        }),
        (error: unknown) => error instanceof ValidationFailed && /\$\.reason/.test(error.message),
      )
      await shareRecord(as(people.registrar), personId, {
        organisationId: 'probation:test-region',
        scope: 'full',
        reason: 'Co-managed on licence with probation',
      })
      await shareRecord(as(people.officer), personId, {
        organisationId: 'partner:test-housing',
        scope: 'plan',
        reason: 'Housing provider named in the risk management plan',
      })
      await shareRecord(as(people.registrar), personId, {
        organisationId: 'mappa:test-shire',
        scope: 'full',
        reason: 'Managed at MAPPA level 2',
      })
      await assert.rejects(
        shareRecord(as(people.registrar), personId, {
          organisationId: 'mappa:test-shire',
          scope: 'full',
          reason: 'Managed at MAPPA level 2 again',
        }),
        Conflict,
      )
      const disclosures = await store.db.query<{ recipients: string[] }>(
        `SELECT recipients FROM audit_event WHERE person_id = $1 AND operation = 'disclosure' AND object_type = 'record-share' ORDER BY id`,
        [personId],
      )
      assert.deepEqual(
        disclosures.map((row) => row.recipients),
        [
          ['organisation:probation:test-region'],
          ['organisation:partner:test-housing'],
          ['organisation:mappa:test-shire'],
        ],
      )
    })

    test('co-managing probation sees the case but not its finances; the partner sees only what the plan shares', async () => {
      const probation = await readPerson(as(people.probation), personId)
      assert.equal(probation.access.reach, 'co-managing')
      assert.equal(probation.facts['bank-account'], undefined)
      assert.ok(probation.facts.phone)
      assert.deepEqual(probation.access.sectionsHidden, ['finance'])

      const partner = await readPerson(as(people.partner), personId)
      assert.equal(partner.access.reach, 'plan')
      assert.deepEqual(Object.keys(partner.facts).sort(), ['address', 'risk-management-plan'])
      assert.deepEqual(partner.victims, [])
      assert.deepEqual(partner.registrations, [])
      assert.ok(partner.access.sectionsHidden.includes('finance'))
      assert.ok(partner.access.sectionsHidden.includes('victims'))

      const list = await listPeople(as(people.probation), { limit: 10 })
      assert.deepEqual(
        list.items.map((p) => p.id),
        [personId],
      )
    })

    test("victims' contact details only to victim liaison and the case's police managers", async () => {
      const vlo = await readVictim(as(people.vlo), victimId)
      assert.equal(vlo.view, 'full')
      assert.equal((vlo.data as { phone?: string }).phone, '07700900222')
      const officer = await readVictim(as(people.officer), victimId)
      assert.equal(officer.view, 'full')
      const probation = await readVictim(as(people.probation), victimId)
      assert.equal(probation.view, 'without-contact')
      assert.equal((probation.data as { familyName?: string }).familyName, 'Victimson')
      for (const field of ['phone', 'address', 'email', 'safeContact', 'notes']) {
        assert.equal(field in probation.data, false, field)
      }
      await assert.rejects(readVictim(as(people.partner), victimId), Forbidden)
      await assert.rejects(readVictim(as(people.otherForce), victimId), NotFound)
      await assert.rejects(readVictim(as(people.analyst), victimId), Forbidden)
    })

    test('a consultation without a justification is refused before anything is read, unless the setting allows it', async () => {
      await assert.rejects(
        readPerson(as(people.officer, null), personId),
        (error: unknown) => error instanceof ValidationFailed && /X-Justification/.test(error.message),
      )
      const relaxed: Call = {
        app: {
          ...testApp(store.db, clock),
          settings: { ...testApp(store.db, clock).settings, consultationJustification: 'optional' },
        },
        actor: people.officer,
      }
      const record = await readPerson(relaxed, personId)
      assert.equal(record.person.id, personId)
    })

    test('revoking a share ends the access at once', async () => {
      const listed = await recordAccessList(as(people.registrar), personId)
      const share = listed.shares.find((s) => s.organisationId === 'mappa:test-shire') as { id: string }
      await revokeShare(as(people.registrar), share.id, { reason: 'MAPPA management ended at review' })
      await assert.rejects(readPerson(as(people.mappa), personId), NotFound)
      await assert.rejects(
        revokeShare(as(people.registrar), share.id, { reason: 'MAPPA management ended twice' }),
        Conflict,
      )
    })

    test('"need to know": justified, limited, flagged on every read, reviewed by the managing force', async () => {
      await assert.rejects(
        openNeedToKnow(as(people.otherOfficer), personId, { justification: 'because' }),
        ValidationFailed,
      )
      await assert.rejects(
        openNeedToKnow(as(people.partner), personId, { justification: 'Partner wants to look at the whole record' }),
        Forbidden,
      )
      const opened = await openNeedToKnow(as(people.otherOfficer), personId, {
        justification: 'Arrested in our area last night for a DA incident; need risk and licence conditions',
      })
      const record = await readPerson(as(people.otherOfficer), personId)
      assert.equal(record.access.reach, 'need-to-know')
      assert.equal(record.facts['bank-account'], undefined)
      assert.equal(record.facts.phone, undefined)
      assert.ok(record.facts['licence-condition'])
      assert.deepEqual(record.victims, [])
      const flagged = await store.db.query(
        `SELECT 1 FROM audit_event WHERE person_id = $1 AND operation = 'consultation' AND detail->>'flagged' = 'true'`,
        [personId],
      )
      assert.equal(flagged.length, 1)
      const tasks = await store.db.query<{ assignee_id: string }>(
        `SELECT assignee_id FROM task WHERE kind = 'need-to-know-review' AND person_id = $1`,
        [personId],
      )
      assert.deepEqual(
        tasks.map((t) => t.assignee_id),
        [people.officer.userId],
      )
      const queue = await needToKnowForReview(as(people.registrar))
      assert.deepEqual(
        queue.items.map((item) => item.id),
        [opened.id],
      )
      await assert.rejects(
        reviewNeedToKnow(as(people.otherForce), opened.id, { outcome: 'justified', note: 'Marking my own homework' }),
        NotFound,
      )
      await reviewNeedToKnow(as(people.registrar), opened.id, {
        outcome: 'not-justified',
        note: 'No incident recorded; referred to professional standards',
      })
      await assert.rejects(readPerson(as(people.otherOfficer), personId), NotFound)
    })

    test('analysts get aggregates with small counts withheld, never a person', async () => {
      const figures = await registerStatistics(as(people.analyst))
      const testShire = figures.forces.find((force) => force.organisationId === 'police:test-shire')
      assert.deepEqual(testShire?.people, { value: null, suppressed: true })
      await assert.rejects(readPerson(as(people.analyst), personId), Forbidden)
      await assert.rejects(listPeople(as(people.auditor), { limit: 5 }), Forbidden)
      await assert.rejects(listPeople(as(people.administrator), { limit: 5 }), Forbidden)
    })
  })
}
