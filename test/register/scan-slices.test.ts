import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { systemActor } from '../../src/app/actor.ts'
import { nextId, scan, slicesBetween } from '../../src/app/compliance.ts'
import type { AppContext } from '../../src/app/context.ts'
import { loadPopulation } from '../../src/demo/load.ts'
import { backends, freshDatabase, TestClock, type TestDatabase, testApp } from '../support/database.ts'

// The compliance scan reads the register in slices of the person id space
// (decision 0010), several at once on a server. Cut anywhere, the slices must
// cover every id exactly once, and a scan in many slices must raise exactly
// what a scan in one slice raises: the same breaches, tasks and timeline
// entries, on a synthetic population with met, late and missed obligations.

const uuid = fc.uuid({ version: 4 })
const maxId = 'ffffffff-ffff-ffff-ffff-ffffffffffff'

describe('slices of the person id space', () => {
  test('the id after one is one more, in PostgreSQL order', () => {
    assert.equal(nextId('00000000-0000-0000-0000-000000000000'), '00000000-0000-0000-0000-000000000001')
    assert.equal(nextId('2bfc5a6a-0000-4000-80ff-ffffffffffff'), '2bfc5a6a-0000-4000-8100-000000000000')
    assert.equal(nextId('0fffffff-ffff-ffff-ffff-ffffffffffff'), '10000000-0000-0000-0000-000000000000')
  })

  test('cut anywhere, the slices cover every id once, in order, and end at the cuts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(uuid, { maxLength: 40 }), (ids) => {
        const cuts = [...ids].sort()
        const slices = slicesBetween(cuts)
        assert.equal(slices[0]?.[0], '00000000-0000-0000-0000-000000000000')
        assert.equal(slices.at(-1)?.[1], maxId)
        assert.equal(slices.length, cuts.length + 1)
        for (const [i, [from, to]] of slices.entries()) {
          assert.ok(from <= to, `slice ${i} is not empty`)
          if (i < cuts.length) assert.equal(to, cuts[i])
          if (i > 0) assert.equal(from, nextId(slices[i - 1]?.[1] as string))
        }
      }),
    )
  })

  test('a cut at the very last id leaves no slice beyond it', () => {
    assert.deepEqual(slicesBetween([maxId]), [['00000000-0000-0000-0000-000000000000', maxId]])
  })
})

const raisedQueries = {
  breaches: `SELECT registration_id || ' ' || obligation_key || ' ' || due_on || ' ' || detected_on AS k FROM breach ORDER BY 1`,
  tasks: `SELECT coalesce((SELECT b.registration_id || ' ' || b.obligation_key FROM breach b WHERE b.id = t.breach_id), t.key)
                 || ' ' || coalesce(t.assignee_id::text, '-') || ' ' || t.kind || ' ' || t.title || ' ' || t.due_on AS k
            FROM task t ORDER BY 1`,
  timeline: `SELECT person_id || ' ' || summary || ' ' || occurred_on AS k FROM timeline_event
              WHERE kind = 'suspected-breach' ORDER BY 1`,
}

async function raised(app: AppContext): Promise<Record<keyof typeof raisedQueries, string[]>> {
  const out = {} as Record<keyof typeof raisedQueries, string[]>
  for (const [name, sql] of Object.entries(raisedQueries)) {
    out[name as keyof typeof raisedQueries] = (await app.db.query<{ k: string }>(sql)).map((row) => row.k)
  }
  return out
}

for (const backend of backends) {
  describe(`the compliance scan in slices on ${backend}`, () => {
    // Twin registers with the same synthetic population: one scanned whole, one in small slices.
    let whole: TestDatabase
    let sliced: TestDatabase
    const clock = new TestClock('2026-11-24')
    before(async () => {
      ;[whole, sliced] = await Promise.all([freshDatabase(backend), freshDatabase(backend)])
      for (const { db } of [whole, sliced]) {
        await loadPopulation(db, { people: 1200, seed: 424242, asOf: '2026-11-24', softwareVersion: 'test' })
      }
    })
    after(async () => {
      await whole?.drop()
      await sliced?.drop()
    })

    test('many slices at once raise exactly what one slice raises, as the dates move on', async () => {
      const one = testApp(whole.db, clock)
      const many = testApp(sliced.db, clock)
      const active = await whole.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM registration WHERE status = 'active'`,
      )
      const perSlice = 17
      assert.ok((active[0]?.n ?? 0) > perSlice * 4, 'enough registrations for several slices')
      for (const asOf of ['2026-11-24', '2027-02-01', '2028-06-30']) {
        const a = await scan({ app: one, actor: systemActor }, { asOf }, { registrationsPerSlice: 1_000_000 })
        const b = await scan({ app: many, actor: systemActor }, { asOf }, { registrationsPerSlice: perSlice })
        assert.equal(b.registrations, a.registrations, `registrations scanned as of ${asOf}`)
        assert.equal(b.newBreaches, a.newBreaches, `new breaches as of ${asOf}`)
        assert.equal(b.newTasks, a.newTasks, `new tasks as of ${asOf}`)
        assert.deepEqual(await raised(many), await raised(one), `what was raised as of ${asOf}`)
      }
      const breaches = await raised(many)
      assert.ok(breaches.breaches.length > 0, 'the population has missed obligations to find')
      // Again, in slices: nothing new.
      const again = await scan({ app: many, actor: systemActor }, { asOf: '2028-06-30' }, { registrationsPerSlice: 5 })
      assert.deepEqual([again.newBreaches, again.newTasks], [0, 0])
    })
  })
}
