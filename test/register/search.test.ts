import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { Actor } from '../../src/app/actor.ts'
import type { Call } from '../../src/app/context.ts'
import { Forbidden, ValidationFailed } from '../../src/app/errors.ts'
import { addFact, createPerson, readPerson, updatePerson } from '../../src/app/people.ts'
import { restrictRecord } from '../../src/app/retention.ts'
import { searchPeople } from '../../src/app/search.ts'
import { openNeedToKnow, shareRecord } from '../../src/app/sharing.ts'
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

// Issue 6, item 3: the search service on every backend. The database's sound
// keys agree with the domain's; a search finds by name (tolerantly) and by
// other details, only among the records the searcher's organisation reaches,
// only on the details their role is shown; it grants no reach; and each
// search is an audited consultation with its reason.

const why = 'Checking a caller’s account (test)'

for (const backend of backends) {
  describe(`the people search on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-05-01')
    const ids: Record<string, string> = {}
    /** A call with the reason for the search; `null` for none at all. */
    const as = (actor: Actor, justification: string | null = why): Call => ({
      app: testApp(store.db, clock),
      actor,
      ...(justification === null ? {} : { justification }),
    })
    const found = async (actor: Actor, query: string, dateOfBirth?: string) =>
      (await searchPeople(as(actor), { query, dateOfBirth })).items

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      const record = async (actor: Actor, person: Record<string, unknown>, facts: Record<string, unknown>[] = []) => {
        const created = await createPerson(as(actor), { ...person, confirmedNotDuplicate: true })
        for (const fact of facts) await addFact(as(actor), created.id, undefined, fact)
        return created.id
      }
      ids.rashid = await record(
        people.registrar,
        { familyName: 'Al-Rashid', givenNames: 'Mohammed', dateOfBirth: '1988-03-14', niNumber: 'AB123456C' },
        [
          { kind: 'name', nameType: 'alias', givenNames: 'Jon', familyName: 'Smyth' },
          { kind: 'vehicle', registration: 'ZZ61 QXT' },
          { kind: 'phone', number: '07700 900777' },
          { kind: 'email', address: 'Jon.Smyth@example.test' },
          { kind: 'online-identity', platform: 'ExampleChat', handle: '@Jonny_S88' },
        ],
      )
      ids.smith = await record(people.registrar, { familyName: 'Smith', givenNames: 'John', dateOfBirth: '1985-01-01' })
      ids.petrov = await record(people.registrar, {
        familyName: 'Petrov',
        givenNames: 'Aleksandr',
        dateOfBirth: '1979-11-02',
      })
      ids.renamed = await record(people.registrar, {
        familyName: 'Oldname',
        givenNames: 'Darren',
        dateOfBirth: '1981-08-08',
      })
      await updatePerson(as(people.registrar), ids.renamed, 1, { familyName: 'Newname', reason: 'Deed poll (test)' })
      ids.restricted = await record(people.registrar, {
        familyName: 'Hiddenworth',
        givenNames: 'Rosa',
        dateOfBirth: '1977-07-07',
      })
      await restrictRecord(
        as(people.registrar),
        { kind: 'person', id: ids.restricted },
        { ground: 'accuracy-contested', rationale: 'The subject contests the record (test)' },
      )
      // Another force's John Smith, shared in full with the probation region.
      ids.elsewhere = await record(people.otherForce, {
        familyName: 'Smith',
        givenNames: 'John',
        dateOfBirth: '1986-06-06',
      })
      await shareRecord(as(people.otherForce), ids.elsewhere, {
        organisationId: 'probation:test-region',
        scope: 'full',
        reason: 'Co-managed with probation on licence (test)',
      })
    })
    after(async () => {
      await store?.drop()
    })

    test('the database keys every name exactly as the domain does', async () => {
      const alphabet = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz' -", 'h', 'c', 'e', 'y', 's', 't')
      const values = fc.sample(fc.string({ unit: alphabet, maxLength: 30 }), { numRuns: 400, seed: 6 })
      values.push("mary-ann o'brien", 'mohammed al-rashid', 'jon smyth', '', '   ', 'hhh ccc yyy')
      const rows = await store.db.query<{ n: number; keys: string[] }>(
        'SELECT n::int, name_sounds(v) AS keys FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n)',
        [values],
      )
      assert.equal(rows.length, values.length)
      for (const row of rows) {
        const value = values[row.n - 1] as string
        assert.deepEqual([...row.keys].sort(), nameSounds(value), JSON.stringify(value))
      }
      // The stored column: every name key carries its sound keys, nothing else does.
      const stored = await store.db.query<{ kind: string; value: string; sounds: string[] | null }>(
        'SELECT kind, value, sounds FROM search_key',
      )
      assert.ok(stored.some((key) => key.kind === 'name') && stored.some((key) => key.kind !== 'name'))
      for (const key of stored) {
        if (key.kind === 'name') assert.deepEqual([...(key.sounds ?? [])].sort(), nameSounds(key.value), key.value)
        else assert.equal(key.sounds, null)
      }
    })

    test('finds by name and alias, tolerant of spelling, order and script, and says why', async () => {
      const smiths = await found(people.officer, 'John Smith')
      assert.deepEqual(
        smiths.map((p) => p.id),
        [ids.smith, ids.rashid],
      )
      assert.deepEqual(smiths[1]?.reasons, [{ kind: 'name', text: 'Alias ‘Jon Smyth’ sounds like ‘John Smith’' }])
      const [petrov] = await found(people.officer, 'Петров Александр')
      assert.equal(petrov?.id, ids.petrov)
      assert.match(petrov?.reasons[0]?.text ?? '', /^Name ‘Aleksandr Petrov’ matches$/)
      assert.equal((await found(people.officer, 'alexander petrov'))[0]?.id, ids.petrov)
      assert.equal((await found(people.officer, 'rashid muhamad al'))[0]?.id, ids.rashid)
      // One slipped key in one word is still found, by its close spelling.
      const slipped = await found(people.officer, 'Snith John')
      assert.equal(slipped[0]?.id, ids.smith)
      assert.match(slipped[0]?.reasons[0]?.text ?? '', /is spelt like ‘Snith John’/)
    })

    test('finds by NI number, vehicle, phone, e-mail and online name, as typed any way', async () => {
      const first = async (query: string) => (await found(people.officer, query))[0]
      assert.equal((await first('ab 12 34 56 c'))?.reasons[0]?.text, 'National Insurance number AB 12 34 56 C')
      assert.equal((await first('AB123456'))?.id, ids.rashid)
      assert.equal((await first('zz61qxt'))?.reasons[0]?.text, 'Vehicle registration ZZ61 QXT')
      assert.equal((await first('+44 7700 900777'))?.id, ids.rashid)
      assert.equal((await first('JON.SMYTH@example.test'))?.reasons[0]?.text, 'Email address jon.smyth@example.test')
      assert.equal((await first('@jonny_s88'))?.reasons[0]?.text, 'Online name ‘jonny_s88’ on ExampleChat')
    })

    test('a name changed is still found by the name it was, as a previous name', async () => {
      const [person] = await found(people.officer, 'Darren Oldname')
      assert.equal(person?.id, ids.renamed)
      assert.equal(person?.familyName, 'Newname')
      assert.deepEqual(person?.reasons, [{ kind: 'name', text: 'Previous name ‘Darren Oldname’ matches' }])
    })

    test('a date of birth ranks those born that day first; alone it finds nobody', async () => {
      const ranked = await found(people.officer, 'John Smith', '1988-03-14')
      assert.equal(ranked[0]?.id, ids.rashid)
      assert.deepEqual(ranked[0]?.reasons.at(-1), { kind: 'date-of-birth', text: 'Date of birth matches' })
      await assert.rejects(searchPeople(as(people.officer), { query: '', dateOfBirth: '1988-03-14' }), ValidationFailed)
    })

    test("only records the searcher's organisation manages or has been shared; a search gives no reach", async () => {
      const home = (await found(people.officer, 'John Smith')).map((p) => p.id)
      assert.ok(!home.includes(ids.elsewhere as string), "another force's record")
      // The probation region it is shared with finds it, and knows whose it is.
      const probation = await found(people.probation, 'John Smith')
      assert.deepEqual(
        probation.map((p) => [p.id, p.reach, p.managingOrganisation.id]),
        [[ids.elsewhere, 'co-managing', 'police:other-shire']],
      )
      // "Need to know" opens one record to one officer for a while; it does not put it in their searches.
      await openNeedToKnow(as(people.officer), ids.elsewhere as string, {
        justification: 'Seen near the home of a victim we protect (test)',
      })
      await readPerson(as(people.officer), ids.elsewhere as string)
      assert.ok(!(await found(people.officer, 'John Smith')).some((p) => p.id === ids.elsewhere))
      // Restricted records are out of normal use, for searching too.
      assert.deepEqual(await found(people.registrar, 'Rosa Hiddenworth'), [])
    })

    test('only on the details the searcher is shown: a victim liaison officer is not shown contact details', async () => {
      assert.equal((await found(people.vlo, 'Mohammed Al-Rashid'))[0]?.id, ids.rashid)
      assert.deepEqual(await found(people.vlo, '07700 900777'), [])
      assert.deepEqual(await found(people.vlo, 'jon.smyth@example.test'), [])
      assert.equal((await found(people.vlo, 'ZZ61 QXT'))[0]?.id, ids.rashid, 'a vehicle is in the description they see')
    })

    test('roles that may not search are refused, and a search without a reason is refused before anything is read', async () => {
      await assert.rejects(searchPeople(as(people.partner), { query: 'John Smith' }), Forbidden)
      await assert.rejects(searchPeople(as(people.analyst), { query: 'John Smith' }), Forbidden)
      const before = await consultations()
      await assert.rejects(searchPeople(as(people.officer, null), { query: 'John Smith' }), (error: unknown) => {
        assert.ok(error instanceof ValidationFailed)
        assert.equal(error.problems[0]?.field, 'X-Justification')
        return true
      })
      await assert.rejects(searchPeople(as(people.officer), { query: '   ' }), ValidationFailed)
      await assert.rejects(searchPeople(as(people.officer), { query: 'J S' }), ValidationFailed)
      assert.equal(await consultations(), before)
    })

    test('each search is one consultation with its reason, naming the people found by id and never what was typed', async () => {
      const before = await headSeq()
      const result = await searchPeople(as(people.officer), { query: 'Jon Smyth', dateOfBirth: '1988-03-14' })
      const entries = await store.db.query<{
        operation: string
        object_type: string
        justification: string
        detail: unknown
      }>('SELECT operation, object_type, justification, detail FROM audit_event WHERE id > $1 ORDER BY id', [before])
      assert.deepEqual(entries, [
        {
          operation: 'consultation',
          object_type: 'person-search',
          justification: why,
          detail: {
            criteria: ['name', 'date-of-birth'],
            count: result.items.length,
            people: result.items.map((p) => p.id),
          },
        },
      ])
      assert.doesNotMatch(JSON.stringify(entries), /smyth|1988/i)
    })

    async function headSeq(): Promise<number> {
      const rows = await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event')
      return rows[0]?.id ?? 0
    }
    async function consultations(): Promise<number> {
      const rows = await store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE operation = 'consultation' AND object_type = 'person-search'`,
      )
      return rows[0]?.n ?? 0
    }
  })
}
