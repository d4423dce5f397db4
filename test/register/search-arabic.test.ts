import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { Actor } from '../../src/app/actor.ts'
import type { Call } from '../../src/app/context.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { searchPeople } from '../../src/app/search.ts'
import { normaliseName } from '../../src/contracts/register/facts.ts'
import { nameSounds } from '../../src/domain/search/phonetic.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

// Names written in Arabic script are romanised before they are keyed
// (src/domain/search/normalise.ts), so the database's sound keys, computed by
// name_sounds() from the stored key, stay the TypeScript's, and a name written
// in Arabic script is found by its common Latin spelling and the other way
// round. The names are synthetic (the family names are made up).

const why = 'Checking a caller’s account (Arabic script test)'

for (const backend of backends) {
  describe(`searching names written in Arabic script on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-05-01')
    const ids: Record<string, string> = {}
    const as = (actor: Actor): Call => ({ app: testApp(store.db, clock), actor, justification: why })
    const found = async (query: string) => (await searchPeople(as(people.officer), { query })).items

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      const record = async (person: Record<string, unknown>) =>
        (await createPerson(as(people.registrar), { ...person, confirmedNotDuplicate: true })).id
      ids.arabic = await record({ familyName: 'القرنفلي', givenNames: 'يوسف', dateOfBirth: '1987-09-09' })
      await addFact(as(people.registrar), ids.arabic, undefined, {
        kind: 'name',
        nameType: 'alias',
        givenNames: 'محمد',
        familyName: 'الزعفراني',
      })
      ids.latin = await record({ familyName: 'Marigoldsby', givenNames: 'Mohammed', dateOfBirth: '1990-10-10' })
    })
    after(async () => {
      await store?.drop()
    })

    test('a name in Arabic script is keyed in Latin letters, and the database gives the domain’s sound keys', async () => {
      const keys = await store.db.query<{ value: string; sounds: string[] }>(
        `SELECT value, sounds FROM search_key WHERE person_id = $1 AND kind = 'name' ORDER BY value`,
        [ids.arabic],
      )
      assert.deepEqual(
        keys.map((key) => key.value),
        ['mahamad al-zaafarani', 'yusaf al-qaranafali'],
      )
      for (const key of keys) assert.deepEqual([...key.sounds].sort(), nameSounds(key.value), key.value)
      // Any text in Arabic script, romanised, keyed the same by name_sounds() as by nameSounds().
      const arabic = fc.string({
        unit: fc.oneof(
          fc.integer({ min: 0x0621, max: 0x064a }).map((code) => String.fromCodePoint(code)),
          fc.constantFrom(' ', '-', 'ال', '\u064e', '\u064f', '\u0650', '\u0652', 'ی', 'پ', 'گ'),
        ),
        maxLength: 24,
      })
      const values = fc.sample(arabic, { numRuns: 300, seed: 9 }).map(normaliseName)
      const rows = await store.db.query<{ n: number; keys: string[] }>(
        'SELECT n::int, name_sounds(v) AS keys FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n)',
        [values],
      )
      assert.equal(rows.length, values.length)
      for (const row of rows) {
        const value = values[row.n - 1] as string
        assert.match(value, /^[a-z' -]*$/, 'only Latin letters are keyed')
        assert.deepEqual([...row.keys].sort(), nameSounds(value), JSON.stringify(value))
      }
    })

    test('a name written in Arabic script is found by its Latin spelling, and the other way round', async () => {
      const [byLatin] = await found('Yusuf Al-Qaranfuli')
      assert.equal(byLatin?.id, ids.arabic)
      assert.match(byLatin?.reasons[0]?.text ?? '', /sounds like ‘Yusuf Al-Qaranfuli’/)
      const [byAlias] = await found('Muhammad al Zaafarani')
      assert.equal(byAlias?.id, ids.arabic)
      assert.match(byAlias?.reasons[0]?.text ?? '', /^Alias/)
      const [byArabic] = await found('محمد ماريغولدسبي')
      assert.equal(byArabic?.id, ids.latin, 'Mohammed Marigoldsby, searched for in Arabic script')
      assert.deepEqual(await found('John Smith'), [])
    })
  })
}
