import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { systemActor } from '../../src/app/actor.ts'
import { scan } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { actorFor } from '../../src/app/directory.ts'
import { readPerson } from '../../src/app/people.ts'
import { readRegistration } from '../../src/app/registration.ts'
import { DemoDataConflict, type LoadSummary, loadPopulation } from '../../src/demo/load.ts'
import { backends, freshDatabase, TestClock, type TestDatabase, testApp } from '../support/database.ts'

// Loading a demo population on a fresh database: every table the pages and the
// compliance scan read is filled, consistently, and the scan finds breaches
// exactly once.

const asOf = '2026-11-24'

for (const backend of backends) {
  describe(`demo data on ${backend}`, () => {
    let store: TestDatabase
    let summary: LoadSummary
    const clock = new TestClock(asOf)
    const as = (actor: Call['actor']): Call => ({
      app: testApp(store.db, clock),
      actor,
      justification: 'Managing this case (test)',
    })
    const count = async (sql: string, params: unknown[] = []) =>
      Number((await store.db.query<{ n: number }>(sql, params))[0]?.n)

    before(async () => {
      store = await freshDatabase(backend)
      summary = await loadPopulation(store.db, { people: 300, seed: 11, asOf, batchSize: 120 })
    })
    after(async () => {
      await store?.drop()
    })

    test('writes every person with a reference, facts, search keys, victims and a timeline', async () => {
      assert.equal(summary.people, 300)
      assert.equal(await count('SELECT count(*)::int AS n FROM person'), 300)
      assert.equal(await count('SELECT count(DISTINCT reference)::int AS n FROM person'), 300)
      assert.equal(await count(`SELECT count(*)::int AS n FROM person WHERE reference !~ '^DA-\\d{4}-\\d{6}$'`), 0)
      // The counter carries on from the demo's numbers, so the next person recorded gets a fresh one.
      const behind = await count(
        `SELECT count(*)::int AS n FROM reference_counter c
          WHERE c.last < (SELECT max(substr(reference, 9)::int) FROM person WHERE substr(reference, 4, 4)::int = c.year)`,
      )
      assert.equal(behind, 0)
      assert.equal(await count('SELECT count(*)::int AS n FROM person_fact'), summary.facts)
      assert.equal(
        await count(`SELECT count(*)::int AS n FROM person_fact WHERE kind = 'conviction'`),
        summary.convictions,
      )
      assert.equal(await count(`SELECT count(DISTINCT person_id)::int AS n FROM search_key WHERE kind = 'name'`), 300)
      assert.equal(await count('SELECT count(*)::int AS n FROM victim'), summary.victims)
      assert.equal(await count('SELECT count(*)::int AS n FROM victim_link'), summary.victims)
      assert.equal(
        await count(`SELECT count(DISTINCT person_id)::int AS n FROM timeline_event WHERE kind = 'person-recorded'`),
        300,
      )
      assert.ok(summary.neverConvicted > 150, `never convicted ${summary.neverConvicted} of 300`)
    })

    test('registers eligible persons as register() would, on an eligible determination', async () => {
      assert.ok(summary.registrations > 0)
      assert.equal(await count('SELECT count(*)::int AS n FROM registration'), summary.registrations)
      const rows = await store.db.query<{
        policy_id: string
        outcome: string
        effect: string
        registered_on: string
        initial_due: string | null
        in_custody: boolean
        as_of: string
        person_status: string
        status: string
      }>(
        `SELECT r.policy_id, p.status AS person_status, r.status, r.registered_on, r.initial_due, r.in_custody, d.as_of,
                e->>'outcome' AS outcome, e->'consequences'->>'effect' AS effect
           FROM registration r
           JOIN determination d ON d.id = r.determination_id
           JOIN person p ON p.id = r.person_id
           CROSS JOIN LATERAL jsonb_array_elements(d.explanation->'policies') e
          WHERE e->>'policy' = r.policy_id`,
      )
      assert.equal(rows.length, summary.registrations)
      for (const row of rows) {
        assert.ok(['lords-2024', 'broad-convicted'].includes(row.policy_id))
        assert.equal(row.outcome, 'eligible')
        assert.equal(row.effect, 'notification-requirements')
        assert.ok(row.as_of <= row.registered_on && row.registered_on <= asOf)
        assert.equal(row.person_status, row.status === 'active' ? 'registered' : 'ended')
        // Never due before the 3 days beginning with registration (decision 0004); none while detained.
        if (row.in_custody) assert.equal(row.initial_due, null)
        else assert.ok(row.initial_due !== null && row.initial_due >= row.registered_on)
      }
      assert.equal(await count(`SELECT count(*)::int AS n FROM person WHERE status = 'referred'`), summary.referred)
      assert.ok(summary.notifications > 0 && summary.visits > 0)
    })

    test('the services read a demo record and registration like any other', async () => {
      const [row] = await store.db.query<{ id: string; person_id: string; registered_by: string }>(
        `SELECT id, person_id, registered_by FROM registration WHERE status = 'active' ORDER BY id LIMIT 1`,
      )
      assert.ok(row)
      const registrar = await actorFor(store.db, row.registered_by)
      assert.ok(registrar)
      const person = await readPerson(as(registrar), row.person_id)
      assert.ok(person)
      const registration = await readRegistration(as(registrar), row.id, asOf)
      assert.ok(registration.obligations.length > 0)
    })

    test('the compliance scan finds suspected breaches, exactly once', async () => {
      const first = await scan(as(systemActor), { asOf })
      assert.equal(first.registrations, summary.activeRegistrations)
      assert.ok(first.newBreaches > 0, 'some registrants have missed or late notifications')
      const second = await scan(as(systemActor), { asOf })
      assert.equal(second.newBreaches, 0)
      assert.equal(second.newTasks, 0)
      assert.equal(
        await count('SELECT count(*)::int AS n FROM breach'),
        await count('SELECT count(*)::int AS n FROM (SELECT DISTINCT registration_id, obligation_key FROM breach) b'),
      )
      assert.equal(
        await count(
          `SELECT count(*)::int AS n FROM (SELECT person_id FROM registration WHERE status = 'active' GROUP BY person_id HAVING count(*) > 1) d`,
        ),
        0,
      )
      // Not everyone is in breach: most registrants comply.
      const inBreach = await count('SELECT count(DISTINCT registration_id)::int AS n FROM breach')
      assert.ok(inBreach < summary.activeRegistrations / 2, `${inBreach} of ${summary.activeRegistrations}`)
    })

    test('the same seed twice is refused; another seed adds to the register', async () => {
      await assert.rejects(loadPopulation(store.db, { people: 10, seed: 11, asOf }), DemoDataConflict)
      const more = await loadPopulation(store.db, { people: 20, seed: 12, asOf })
      assert.equal(more.people, 20)
      assert.equal(await count('SELECT count(*)::int AS n FROM person'), 320)
      assert.equal(await count('SELECT count(DISTINCT reference)::int AS n FROM person'), 320)
      // Users are found by e-mail, not duplicated.
      assert.equal(
        await count('SELECT count(*)::int AS n FROM app_user'),
        await count('SELECT count(DISTINCT email)::int AS n FROM app_user'),
      )
    })
  })
}
