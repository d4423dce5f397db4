import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Actor } from '../../src/app/actor.ts'
import type { Call } from '../../src/app/context.ts'
import { StaleWrite } from '../../src/app/errors.ts'
import { addFact, createPerson, readPerson, supersedeFact, updatePerson } from '../../src/app/people.ts'
import { viewPersonRecord } from '../../src/app/person-view.ts'
import { recordNotification, viewDetermination, viewNotice } from '../../src/app/registration.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'
import { registerSynthetic } from './registrants.ts'

// A person's history as the register keeps it: a new home address ends the
// one before it (SOA 2003 s.83(7), s.84(1)(b)), kept as "previous" with its
// "to" date, never overwritten; the newest risk assessment sets the risk
// level, an older one does not; and a page that shows two records reads them
// in one audited consultation. On PGlite, and on PostgreSQL when DATABASE_URL
// is set. The people are synthetic.

const why = 'Managing this case (history test)'

type Fact = { id: string; data: Record<string, unknown>; validFrom: string | null; validTo: string | null }

for (const backend of backends) {
  describe(`a person's history on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-11-24')
    const as = (actor: Actor, justification = why): Call => ({
      app: testApp(store.db, clock),
      actor,
      justification,
    })
    let registrant: { personId: string; registrationId: string }

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      clock.set('2026-01-05')
      registrant = await registerSynthetic(as(people.registrar), {
        familyName: 'Harbourne',
        givenNames: 'Sage',
        dateOfBirth: '1984-02-02',
        responsibleOfficerId: people.officer.userId,
      })
      clock.set('2026-11-24')
    })
    after(async () => {
      await store?.drop()
    })

    /** Every row of the person's addresses, superseded ones too. */
    const addressHistory = async (personId: string) =>
      ((await readPerson(as(people.officer), personId, { history: true })).facts.address ?? []) as (Fact & {
        supersededBy: string | null
      })[]
    const timelineKinds = async (personId: string) =>
      (
        await store.db.query<{ kind: string; summary: string }>(
          'SELECT kind, summary FROM timeline_event WHERE person_id = $1 ORDER BY id',
          [personId],
        )
      ).map((row) => row.kind)

    test('a notified change of home address ends the previous one the day before, and keeps it as previous', async () => {
      const { personId, registrationId } = registrant
      const officer = as(people.officer)
      await addFact(officer, personId, undefined, {
        kind: 'address',
        addressType: 'home',
        line1: '3 Old Mill Court',
        town: 'Sampleford',
        postcode: 'ZZ1 1ZZ',
        validFrom: '2024-12-01',
      })
      await addFact(officer, personId, undefined, {
        kind: 'address',
        addressType: 'other-7-days',
        line1: '9 Weekend Row',
        town: 'Sampleford',
        validFrom: '2025-06-01',
      })
      await recordNotification(officer, registrationId, {
        kind: 'change',
        receivedOn: '2026-11-24',
        eventDate: '2026-11-22',
        items: ['home-address'],
        facts: [
          { kind: 'address', addressType: 'home', line1: '7 Harbour View', town: 'Exampleton', postcode: 'ZZ9 9ZZ' },
        ],
      })

      const rows = await addressHistory(personId)
      const current = rows.filter((row) => row.supersededBy === null)
      const old = rows.find((row) => row.data.line1 === '3 Old Mill Court' && row.validTo === null)
      const ended = rows.find((row) => row.data.line1 === '3 Old Mill Court' && row.validTo !== null)
      assert.ok(old && ended, 'the old row stays, and a row with its end date')
      assert.equal(old.supersededBy, ended.id, 'the old row is superseded by the ended one, not overwritten')
      assert.equal(ended.validTo, '2026-11-21', 'the day before the new home address began')
      assert.equal(ended.validFrom, '2024-12-01')
      assert.deepEqual(
        current.map((row) => [row.data.line1, row.validFrom, row.validTo]).sort(),
        [
          ['3 Old Mill Court', '2024-12-01', '2026-11-21'],
          ['7 Harbour View', null, null],
          ['9 Weekend Row', '2025-06-01', null],
        ],
        'another address where they stay is an addition, not ended',
      )
      const kinds = await timelineKinds(personId)
      assert.ok(kinds.includes('fact-ended'), `the end is on the timeline: ${kinds.join(', ')}`)

      // The record's Addresses part: the old home once, under "previous", with its "to" date.
      const view = await viewPersonRecord(officer, personId, 'addresses')
      const lines = (facts: { data: Record<string, unknown> }[]) => facts.map((f) => f.data.line1).sort()
      assert.deepEqual(lines(view.facts.address?.current ?? []), ['7 Harbour View', '9 Weekend Row'])
      assert.deepEqual(
        (view.facts.address?.previous ?? []).map((f) => [f.data.line1, f.validTo]),
        [['3 Old Mill Court', '2026-11-21']],
      )
    })

    test('no fixed abode ends the home address; a home again ends the no fixed abode', async () => {
      const { personId, registrationId } = registrant
      const officer = as(people.officer)
      await recordNotification(officer, registrationId, {
        kind: 'change',
        receivedOn: '2026-11-24',
        eventDate: '2026-11-23',
        items: ['home-address'],
        noFixedAbode: true,
        facts: [
          { kind: 'address', addressType: 'no-fixed-abode', weeklyLocation: 'Night shelter', validFrom: '2026-11-23' },
        ],
      })
      let current = (await addressHistory(personId)).filter((row) => row.supersededBy === null)
      const harbour = current.find((row) => row.data.line1 === '7 Harbour View')
      assert.equal(harbour?.validTo, '2026-11-22')
      await recordNotification(officer, registrationId, {
        kind: 'change',
        receivedOn: '2026-11-24',
        eventDate: '2026-11-24',
        items: ['home-address'],
        noFixedAbode: false,
        facts: [
          {
            kind: 'address',
            addressType: 'home',
            line1: '1 New Start Lane',
            town: 'Exampleton',
            validFrom: '2026-11-24',
          },
        ],
      })
      current = (await addressHistory(personId)).filter((row) => row.supersededBy === null)
      const open = current.filter((row) => row.validTo === null).map((row) => row.data.line1 ?? row.data.addressType)
      assert.deepEqual(open.sort(), ['1 New Start Lane', '9 Weekend Row'], 'one home address at a time')
      assert.equal(current.find((row) => row.data.addressType === 'no-fixed-abode')?.validTo, '2026-11-23')
    })

    test('a change notified late, after a later one is recorded, fits in before it', async () => {
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Latebird',
        givenNames: 'Ash',
        dateOfBirth: '1979-03-03',
      })
      const fact = (body: Record<string, unknown>) => addFact(as(people.registrar), personId, undefined, body)
      const home = (line1: string, validFrom: string) => ({
        kind: 'address',
        addressType: 'home',
        line1,
        town: 'Sampleford',
        validFrom,
      })
      await fact(home('First House', '2020-01-01'))
      await fact(home('Third House', '2026-06-01'))
      await fact(home('Second House', '2024-03-01'))
      const current = (await addressHistory(personId)).filter((row) => row.supersededBy === null)
      assert.deepEqual(current.map((row) => [row.data.line1, row.validFrom, row.validTo]).sort(), [
        ['First House', '2020-01-01', '2024-02-29'],
        ['Second House', '2024-03-01', '2026-05-31'],
        ['Third House', '2026-06-01', null],
      ])
    })

    test('the newest risk assessment sets the risk level; an older one does not', async () => {
      const { id: personId, version } = await createPerson(as(people.registrar), {
        familyName: 'Levelworth',
        givenNames: 'Kit',
        dateOfBirth: '1982-05-05',
      })
      const registrar = as(people.registrar)
      const level = async () => (await readPerson(registrar, personId)).person
      const assess = (date: string, rosh: string | undefined, expected?: number) =>
        addFact(registrar, personId, expected, {
          kind: 'risk-assessment',
          date,
          tool: 'OASys',
          ...(rosh === undefined ? {} : { rosh }),
        })

      const first = await assess('2026-10-01', 'medium', version)
      assert.equal(first.personVersion, version + 1, 'one version for one action')
      assert.equal((await level()).riskLevel, 'medium')

      // A stale form is refused, and nothing changes.
      await assert.rejects(assess('2026-11-01', 'very-high', version), StaleWrite)
      assert.equal((await level()).riskLevel, 'medium')

      await assess('2026-11-01', 'high')
      assert.equal((await level()).riskLevel, 'high')
      // Back-dated: recorded, but the newer level stands.
      await assess('2025-05-01', 'low')
      assert.equal((await level()).riskLevel, 'high')
      // No RoSH level given: the level stands.
      await assess('2026-11-20', undefined)
      assert.equal((await level()).riskLevel, 'high')

      const steps = await store.db.query<{ summary: string; data: { changes: { riskLevel: unknown } } }>(
        `SELECT summary, data FROM timeline_event WHERE person_id = $1 AND kind = 'risk-level-changed' ORDER BY id`,
        [personId],
      )
      assert.deepEqual(
        steps.map((step) => step.data.changes.riskLevel),
        [
          { from: null, to: 'medium' },
          { from: 'medium', to: 'high' },
        ],
      )
      const altered = await store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE person_id = $1 AND operation = 'alteration'
            AND object_type = 'person' AND detail->'fields' = '["riskLevel"]'::jsonb`,
        [personId],
      )
      assert.equal(altered[0]?.n, 2, 'each change of level is audited')

      // Corrected: the newest assessment's level was wrong, and the correction sets it.
      const newest = (await readPerson(registrar, personId)).facts['risk-assessment']?.find(
        (f) => f.data.date === '2026-11-01',
      )
      assert.ok(newest)
      await supersedeFact(registrar, personId, newest.id, undefined, {
        replacement: { date: '2026-11-01', tool: 'OASys', rosh: 'very-high' },
        reason: 'Level entered wrongly',
      })
      assert.equal((await level()).riskLevel, 'very-high')
    })

    test('a level changed by hand today is not overwritten by an older assessment recorded afterwards', async () => {
      const { id: personId } = await createPerson(as(people.registrar), {
        familyName: 'Handset',
        givenNames: 'Jo',
        dateOfBirth: '1983-06-06',
      })
      const registrar = as(people.registrar)
      await updatePerson(registrar, personId, undefined, { riskLevel: 'very-high', reason: 'MAPPA meeting today' })
      await addFact(registrar, personId, undefined, {
        kind: 'risk-assessment',
        date: '2026-11-20',
        tool: 'SARA',
        rosh: 'low',
      })
      assert.equal((await readPerson(registrar, personId)).person.riskLevel, 'very-high')
      await addFact(registrar, personId, undefined, {
        kind: 'risk-assessment',
        date: '2026-11-24',
        tool: 'SARA',
        rosh: 'high',
      })
      assert.equal((await readPerson(registrar, personId)).person.riskLevel, 'high')
    })

    /** The consultation entries the actor wrote with this justification since `from`. */
    const consultations = async (actor: Actor, justification: string, from: number) =>
      store.db.query<{ object_type: string; object_id: string; person_id: string; detail: { records?: string[] } }>(
        `SELECT object_type, object_id, person_id, detail FROM audit_event
          WHERE id > $1 AND operation = 'consultation' AND actor_id = $2 AND justification = $3 ORDER BY id`,
        [from, actor.userId, justification],
      )
    const lastAuditId = async () =>
      (await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event'))[0]?.id ?? 0

    test('a determination and its person are one consultation, naming both, with the reason', async () => {
      const { personId } = registrant
      const [row] = await store.db.query<{ id: string }>('SELECT id FROM determination WHERE person_id = $1', [
        personId,
      ])
      assert.ok(row)
      const reason = 'Deciding on registration (one read)'
      const from = await lastAuditId()
      const read = await viewDetermination(as(people.registrar, reason), personId, row.id)
      assert.equal(read.person.id, personId)
      assert.equal(read.determination.id, row.id)
      const entries = await consultations(people.registrar, reason, from)
      assert.equal(entries.length, 1)
      assert.equal(entries[0]?.object_type, 'determination')
      assert.equal(entries[0]?.object_id, row.id)
      assert.equal(entries[0]?.person_id, personId)
      assert.deepEqual(entries[0]?.detail.records, [`person:${personId}`, `determination:${row.id}`])
    })

    test('a notice and its registration are one consultation, naming both, with the reason', async () => {
      const { personId, registrationId } = registrant
      const reason = 'Serving the notice (one read)'
      const from = await lastAuditId()
      const read = await viewNotice(as(people.officer, reason), registrationId)
      assert.equal(read.registration.id, registrationId)
      assert.equal(read.registration.personId, personId)
      assert.ok(read.notice.reference)
      const entries = await consultations(people.officer, reason, from)
      assert.equal(entries.length, 1)
      assert.equal(entries[0]?.object_type, 'notice')
      assert.equal(entries[0]?.person_id, personId)
      assert.deepEqual(entries[0]?.detail.records, [`notice:${registrationId}`, `registration:${registrationId}`])
    })
  })
}
