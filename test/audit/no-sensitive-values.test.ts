import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, freshDatabase, type People, seedPeople, TestClock, type TestDatabase } from '../support/database.ts'
import { lifecycle, sensitive, sensitiveValues } from './support.ts'

// ASVS 16.2.5 and 16.3.2 (at L3, sensitive-data access logged "without the
// data"): the audit trail says who did what to which record, by id, and never
// copies the personal data itself, so the trail can be shown to an auditor or
// the ICO (DPA 2018 s.62(5)) without disclosing anyone's details.

for (const backend of backends) {
  describe(`no sensitive values in the audit trail on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    let personId: string
    const clock = new TestClock('2026-01-05')

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      ;({ personId } = await lifecycle(store, people, clock))
    })
    after(async () => {
      await store?.drop()
    })

    test('the values were recorded in the register, so their absence from the trail means something', async () => {
      const [person] = await store.db.query<{ family_name: string; ni_number: string }>(
        'SELECT family_name, ni_number FROM person WHERE id = $1',
        [personId],
      )
      assert.deepEqual(person, { family_name: sensitive.familyName, ni_number: sensitive.niNormalised })
      const facts = await store.db.query<{ data: string }>(
        'SELECT data::text AS data FROM person_fact WHERE person_id = $1',
        [personId],
      )
      assert.ok(facts.some((f) => f.data.includes(sensitive.line1)))
      assert.ok(facts.some((f) => f.data.includes(sensitive.newLine1)))
      const victims = await store.db.query<{ data: string }>('SELECT data::text AS data FROM victim')
      assert.ok(victims.some((v) => v.data.includes(sensitive.victimGiven)))
    })

    test('no audit entry contains a name, NI number, date of birth, address or victim detail', async () => {
      const rows = await store.db.query<{ id: number; text: string }>(
        'SELECT id, row_to_json(a)::text AS text FROM audit_event a ORDER BY id',
      )
      assert.ok(rows.length > 20)
      const leaks = rows.flatMap((row) =>
        sensitiveValues()
          .filter((value) => row.text.toLowerCase().includes(value.toLowerCase()))
          .map((value) => `entry id ${row.id} contains ${JSON.stringify(value)}: ${row.text}`),
      )
      assert.deepEqual(leaks, [])
      // The entries still say which person each one is about.
      assert.ok(rows.filter((row) => row.text.includes(personId)).length >= 10)
    })
  })
}
