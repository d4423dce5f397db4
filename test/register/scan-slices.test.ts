import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { systemActor } from '../../src/app/actor.ts'
import { linesOf, nextId, scan, slicesBetween } from '../../src/app/compliance.ts'
import type { AppContext } from '../../src/app/context.ts'
import { receivedNotification, registrationState } from '../../src/app/registration.ts'
import { loadPopulation } from '../../src/demo/load.ts'
import { day, formatDay } from '../../src/domain/dates/day.ts'
import { isSuspectedBreach, obligationsOf, type Visit } from '../../src/domain/register/obligations.ts'
import type { RiskLevel } from '../../src/domain/register/settings.ts'
import type { Database } from '../../src/store/database.ts'
import { backends, freshDatabase, TestClock, type TestDatabase, testApp } from '../support/database.ts'

// The compliance scan reads the register in slices of the person id space
// (decision 0010), several at once on a server. Cut anywhere, the slices must
// cover every id exactly once, and a scan in many slices must raise exactly
// what a scan in one slice raises: the same breaches, tasks and timeline
// entries, on a synthetic population with met, late and missed obligations.
// Both must raise what the rules say of each registration read on its own,
// row by row, the way a registration's page reads it (`expected` below): the
// scan reads each slice as one text from covering indexes, and this checks
// that nothing is lost or changed on the way.

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

describe('a slice as text', () => {
  const id = '2bfc5a6a-0000-4000-8305-cad649000000'
  const n1 = '2bfc5a6a-0000-4000-8306-cad649000000'
  const n2 = '2bfc5a6a-0000-4000-8307-cad649000000'
  test('every field, given or not, and several notifications', () => {
    const text = [
      `${id}\t20746\t20748\t22538\tfft\t\t20757\t${n1} initial 20747   f\t`,
      `${id}\t-3\t\t\ttft\tvery-high\t\t${n1} change 20750 20749  f,${n2} travel 20760  20770 t\t${id}:initial ${id}:visit:first`,
      `${id}\t20746\t20748\t\tftf\tlow\t\t\t`,
    ].join('\n')
    assert.deepStrictEqual(linesOf(text), [
      {
        id,
        registration: {
          registeredOn: 20746,
          noFixedAbode: false,
          inCustody: false,
          notificationDuties: true,
          initialDue: 20748,
          lastDay: 22538,
        },
        seen: 20757,
        notifications: [{ id: n1, kind: 'initial', receivedOn: 20747 }],
        raised: '',
      },
      {
        id,
        registration: {
          registeredOn: -3,
          noFixedAbode: true,
          inCustody: false,
          notificationDuties: true,
          riskLevel: 'very-high',
        },
        seen: undefined,
        notifications: [
          { id: n1, kind: 'change', receivedOn: 20750, eventDate: 20749 },
          { id: n2, kind: 'travel', receivedOn: 20760, departureDate: 20770, shortNotice: true },
        ],
        raised: `${id}:initial ${id}:visit:first`,
      },
      {
        id,
        registration: {
          registeredOn: 20746,
          noFixedAbode: false,
          inCustody: true,
          notificationDuties: false,
          initialDue: 20748,
          riskLevel: 'low',
        },
        seen: undefined,
        notifications: [],
        raised: '',
      },
    ])
  })

  test('a line it cannot read stops the scan rather than misread it', () => {
    const good = `${id}\t20746\t20748\t22538\tfft\t\t20757\t${n1} initial 20747   f\t`
    for (const bad of [
      good.replace('20746', '2074x'),
      good.replace('\tfft', '\tff'),
      good.replace('\t\t20757', '\tmoderate\t20757'),
      good.replace('initial', 'birthday'),
      good.replace('20747   f', '20747   y'),
      good.replace(' 20747 ', '  '),
      good.replace('\t20757', '\t-'),
    ]) {
      assert.throws(() => linesOf(bad), /compliance scan: cannot read/, bad)
    }
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

interface RegisteredPerson {
  id: string
  person_id: string
  risk_level: RiskLevel | null
}

/**
 * What the rules say a scan as of `asOf` finds, each registration read on its
 * own, as a registration's page reads it: its suspected breaches
 * ("registration key due"), and the keys of its tasks that are not a breach's.
 */
async function expected(db: Database, asOf: string): Promise<{ breaches: string[]; tasks: string[] }> {
  const app = testApp(db, new TestClock(asOf))
  const breaches: string[] = []
  const tasks: string[] = []
  const registrations = await db.query<
    Parameters<typeof registrationState>[0] & RegisteredPerson & Record<string, unknown>
  >(`SELECT r.*, p.risk_level FROM registration r JOIN person p ON p.id = r.person_id WHERE r.status = 'active'`)
  for (const r of registrations) {
    const notifications = await db.query<Parameters<typeof receivedNotification>[0]>(
      'SELECT id, kind, received_on, event_date, departure_date, details FROM notification WHERE registration_id = $1',
      [r.id],
    )
    const visits = await db.query<{ visited_on: string; outcome: Visit['outcome'] }>(
      'SELECT visited_on, outcome FROM home_visit WHERE person_id = $1 AND visited_on >= $2',
      [r.person_id, r.registered_on],
    )
    const obligations = obligationsOf({
      registration: registrationState(r, r.risk_level),
      notifications: notifications.map(receivedNotification),
      visits: visits.map((v) => ({ visitedOn: day(v.visited_on), outcome: v.outcome })),
      asOf: day(asOf),
      settings: app.settings,
      legal: app.legal,
    })
    for (const o of obligations) {
      if (isSuspectedBreach(o)) breaches.push(`${r.id} ${o.key} ${formatDay(o.dueOn)}`)
      else if (o.holder === 'agency' && o.status === 'overdue') tasks.push(`${r.id}:${o.key}`)
    }
    if (r.last_day !== null && r.last_day < asOf) tasks.push(`${r.id}:end-of-period`)
  }
  return { breaches, tasks }
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
        // Two travel notifications in three were given with details not known 7 days ahead (a shorter
        // notice applies): half of them after departure, half in the week before, in time only at short notice.
        await db.execute(
          `UPDATE notification n
              SET details = n.details || '{"shortNotice": true}',
                  received_on = n.departure_date + CASE WHEN t.i % 3 = 1 THEN 1 ELSE -2 END
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM notification
                    WHERE kind = 'travel' AND departure_date IS NOT NULL) AS t
            WHERE t.id = n.id AND t.i % 3 <> 0`,
        )
        // Some of the rest on the last day in time or the day after, and changes likewise, so that
        // a date read a day out changes what is found.
        await db.execute(
          `UPDATE notification n
              SET received_on = CASE WHEN n.kind = 'change' THEN n.event_date + 2 + (t.i % 2)::int ELSE n.departure_date - 7 + (t.i % 2)::int END
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM notification
                    WHERE (kind = 'change' AND event_date IS NOT NULL)
                       OR (kind = 'travel' AND departure_date IS NOT NULL AND details->>'shortNotice' IS NULL)) AS t
            WHERE t.id = n.id AND t.i % 3 <> 0`,
        )
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
      const [travel] = await whole.db.query<{ short: number; other: number; changes: number }>(
        `SELECT count(*) FILTER (WHERE kind = 'travel' AND details->>'shortNotice' = 'true')::int AS short,
                count(*) FILTER (WHERE kind = 'travel' AND details->>'shortNotice' IS NULL)::int AS other,
                count(*) FILTER (WHERE kind = 'change' AND event_date IS NOT NULL)::int AS changes
           FROM notification`,
      )
      assert.ok(
        travel && travel.short > 0 && travel.other > 0 && travel.changes > 0,
        'travel at short notice and not, changes',
      )
      const foreseen = { breaches: new Set<string>(), tasks: new Set<string>() }
      for (const asOf of ['2026-11-24', '2027-02-01', '2028-06-30']) {
        const a = await scan({ app: one, actor: systemActor }, { asOf }, { registrationsPerSlice: 1_000_000 })
        const b = await scan({ app: many, actor: systemActor }, { asOf }, { registrationsPerSlice: perSlice })
        assert.equal(b.registrations, a.registrations, `registrations scanned as of ${asOf}`)
        assert.equal(b.newBreaches, a.newBreaches, `new breaches as of ${asOf}`)
        assert.equal(b.newTasks, a.newTasks, `new tasks as of ${asOf}`)
        assert.deepEqual(await raised(many), await raised(one), `what was raised as of ${asOf}`)
        // What each scan raised, added up, is what the rules say of each registration read on its own.
        const due = await expected(sliced.db, asOf)
        for (const key of due.breaches) foreseen.breaches.add(key)
        for (const key of due.tasks) foreseen.tasks.add(key)
        const found = await sliced.db.query<{ k: string }>(
          `SELECT registration_id || ' ' || obligation_key || ' ' || due_on AS k FROM breach`,
        )
        assert.deepEqual(found.map((row) => row.k).sort(), [...foreseen.breaches].sort(), `breaches as of ${asOf}`)
        const taskKeys = await sliced.db.query<{ key: string }>(
          'SELECT key FROM task WHERE registration_id IS NOT NULL AND breach_id IS NULL',
        )
        assert.deepEqual(taskKeys.map((row) => row.key).sort(), [...foreseen.tasks].sort(), `tasks as of ${asOf}`)
        // Each raised for the registration's person, and a task to the person's responsible officer.
        const astray = await sliced.db.query(
          `SELECT 1 FROM task t JOIN registration r ON r.id = t.registration_id JOIN person p ON p.id = t.person_id
            WHERE r.person_id <> t.person_id OR t.assignee_id IS DISTINCT FROM p.responsible_officer_id
           UNION ALL
           SELECT 1 FROM breach b JOIN registration r ON r.id = b.registration_id WHERE r.person_id <> b.person_id
           UNION ALL
           SELECT 1 FROM breach b WHERE (SELECT count(*) FROM task t WHERE t.breach_id = b.id) <> 1`,
        )
        assert.equal(astray.length, 0, `breaches and tasks for the right person and officer as of ${asOf}`)
      }
      const short = await sliced.db.query<{ breach: boolean; late: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM breach b WHERE b.obligation_key = 'travel:' || n.id) AS breach,
                n.received_on > n.departure_date AS late
           FROM notification n WHERE n.details->>'shortNotice' = 'true'`,
      )
      assert.ok(short.some((n) => n.late) && short.some((n) => !n.late), 'short notice given late and in time')
      assert.ok(
        short.every((n) => n.breach === n.late),
        'at short notice, travel notified after departure is a breach, and in the week before is not',
      )
      const breaches = await raised(many)
      assert.ok(breaches.breaches.length > 0, 'the population has missed obligations to find')
      // Again, in slices: nothing new.
      const again = await scan({ app: many, actor: systemActor }, { asOf: '2028-06-30' }, { registrationsPerSlice: 5 })
      assert.deepEqual([again.newBreaches, again.newTasks], [0, 0])
    })
  })
}
