import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Actor } from '../../src/app/actor.ts'
import { systemActor } from '../../src/app/actor.ts'
import { type Caseload, type CaseloadQuery, readCaseload } from '../../src/app/caseload.ts'
import { scan } from '../../src/app/compliance.ts'
import type { AppContext, Call } from '../../src/app/context.ts'
import { Forbidden, ValidationFailed } from '../../src/app/errors.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { shareRecord } from '../../src/app/sharing.ts'
import type { Database, Queryable } from '../../src/store/database.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'
import { type Registrant, registerSynthetic } from './registrants.ts'

// Issue 6, item 2: the caseload service on every backend. Who is listed (the
// officer's cases, or everything the organisation reaches), what is computed
// for each (obligations as the compliance scan computes them, as of today),
// what each reader is shown of it, filters, sorting and pages, the audit of
// the reading, and that a caseload of 180 is read in the same few queries as
// a caseload of one.

/** The database, counting the statements run through it. */
function counting(db: Database): { db: Database; count: () => number } {
  let statements = 0
  const wrap = (target: Queryable): Queryable => ({
    query: (sql, params) => {
      statements++
      return target.query(sql, params)
    },
    execute: (sql, params) => {
      statements++
      return target.execute(sql, params)
    },
    script: (sql) => target.script(sql),
  })
  return {
    db: {
      ...wrap(db),
      kind: db.kind,
      location: db.location,
      close: () => db.close(),
      transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    },
    count: () => statements,
  }
}

for (const backend of backends) {
  describe(`the caseload on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    let app: AppContext
    const clock = new TestClock('2026-05-01')
    let registrant: Registrant
    const ids: Record<string, string> = {}
    const as = (actor: Actor, justification?: string): Call => ({
      app,
      actor,
      ...(justification === undefined ? {} : { justification }),
    })
    const caseload = (actor: Actor, query: CaseloadQuery = {}) => readCaseload(as(actor), query)
    const listed = (result: Caseload) => result.items.map((person) => person.id)

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      app = testApp(store.db, clock)
      const registrar = as(people.registrar, 'Caseload test set-up')
      registrant = await registerSynthetic(registrar, {
        familyName: 'Registeredson',
        givenNames: 'Rex',
        dateOfBirth: '1983-04-05',
        responsibleOfficerId: people.officer.userId,
        riskLevel: 'high',
      })
      const record = async (actor: Actor, person: Record<string, unknown>) =>
        (await createPerson(as(actor, 'Caseload test set-up'), { ...person, confirmedNotDuplicate: true })).id
      ids.low = await record(people.registrar, {
        familyName: 'Alderley',
        givenNames: 'Amy',
        dateOfBirth: '1990-01-01',
        responsibleOfficerId: people.officer.userId,
        riskLevel: 'low',
      })
      ids.unassessed = await record(people.registrar, {
        familyName: 'Zimmer',
        givenNames: 'Zak',
        dateOfBirth: '1991-01-01',
        responsibleOfficerId: people.officer.userId,
      })
      ids.registrars = await record(people.registrar, {
        familyName: 'Mainwaring',
        givenNames: 'May',
        dateOfBirth: '1992-01-01',
        responsibleOfficerId: people.registrar.userId,
      })
      // Another force's case, shared in full with probation and through a plan with the partner agency.
      ids.elsewhere = await record(people.otherForce, {
        familyName: 'Faraway',
        givenNames: 'Fred',
        dateOfBirth: '1980-02-02',
        responsibleOfficerId: people.otherOfficer.userId,
        riskLevel: 'medium',
      })
      const other = as(people.otherForce, 'Caseload test set-up')
      await addFact(other, ids.elsewhere, undefined, {
        kind: 'risk-management-plan',
        summary: 'Synthetic plan',
        sharedWithPartners: ['addresses'],
      })
      await shareRecord(other, ids.elsewhere, {
        organisationId: 'probation:test-region',
        scope: 'full',
        reason: 'Co-managed on licence (test)',
      })
      await shareRecord(other, ids.elsewhere, {
        organisationId: 'partner:test-housing',
        scope: 'plan',
        reason: 'Housing support under the plan (test)',
      })
    })
    after(async () => {
      await store?.drop()
    })

    test("an officer's caseload is the people they are responsible for, with what is due computed for each", async () => {
      const mine = await caseload(people.officer)
      assert.equal(mine.scope, 'mine')
      assert.deepEqual(new Set(listed(mine)), new Set([registrant.personId, ids.low, ids.unassessed]))
      const rex = mine.items.find((person) => person.id === registrant.personId)
      assert.equal(rex?.status, 'registered')
      assert.equal(rex?.riskLevel, 'high')
      assert.equal(rex?.reach, 'managing')
      assert.deepEqual(rex?.compliance?.next, {
        title: 'Initial notification',
        kind: 'initial-notification',
        dueOn: '2026-05-03',
        status: 'due',
      })
      assert.equal(rex?.compliance?.overdue, 0)
      assert.equal(rex?.compliance?.dueSoon, 1)
      assert.equal(rex?.compliance?.nextVisitOn, '2026-05-29')
      assert.ok(rex !== undefined && 'nextReviewOn' in rex, 'the review date is shown (null: none set)')
      const amy = mine.items.find((person) => person.id === ids.low)
      assert.deepEqual(amy?.compliance, { next: null, overdue: 0, dueSoon: 0, suspectedBreaches: 0, nextVisitOn: null })
      assert.deepEqual(mine.summary, { people: 3, overdue: 0, dueSoon: 1, suspectedBreaches: 0 })
      // The organisation's: everyone the force manages, and no other force's case.
      const force = await caseload(people.officer, { scope: 'organisation' })
      assert.ok(listed(force).includes(ids.registrars as string))
      assert.ok(!listed(force).includes(ids.elsewhere as string))
      assert.ok(
        !listed(await caseload(people.registrar)).includes(registrant.personId),
        "the registrar's own are theirs",
      )
    })

    test('filters, sorting and pages are the service’s: hidden or missing values sort last', async () => {
      const byRisk = await caseload(people.officer, { sort: 'risk', order: 'descending' })
      assert.deepEqual(listed(byRisk), [registrant.personId, ids.low, ids.unassessed])
      const byRiskUp = await caseload(people.officer, { sort: 'risk', order: 'ascending' })
      assert.deepEqual(
        listed(byRiskUp),
        [ids.low, registrant.personId, ids.unassessed],
        'not assessed is last either way',
      )
      const byName = await caseload(people.officer, { sort: 'name' })
      assert.deepEqual(listed(byName), [ids.low, registrant.personId, ids.unassessed])
      assert.deepEqual(
        listed(await caseload(people.officer, { risk: ['not-assessed', 'low'] })).sort(),
        [ids.low, ids.unassessed].sort(),
      )
      assert.deepEqual(listed(await caseload(people.officer, { status: ['registered'] })), [registrant.personId])
      assert.deepEqual(listed(await caseload(people.officer, { attention: ['due-soon'] })), [registrant.personId])
      assert.deepEqual(listed(await caseload(people.officer, { attention: ['breach'] })), [])
      const page2 = await caseload(people.officer, { sort: 'name', pageSize: 2, page: 2 })
      assert.deepEqual([page2.page, page2.totalPages, page2.totalItems], [2, 2, 3])
      assert.deepEqual(listed(page2), [ids.unassessed])
      assert.equal(
        (await caseload(people.officer, { pageSize: 2, page: 9 })).page,
        2,
        'a page past the end is the last',
      )
      await assert.rejects(caseload(people.officer, { pageSize: 0 }), ValidationFailed)
      await assert.rejects(caseload(people.officer, { page: 0 }), ValidationFailed)
    })

    test('an obligation let go overdue: on a later date, after the scan, the suspected breach is on the caseload', async () => {
      try {
        clock.set('2026-05-20')
        await scan({ app, actor: systemActor })
        const mine = await caseload(people.officer, { attention: ['breach'] })
        assert.deepEqual(listed(mine), [registrant.personId])
        const rex = mine.items[0]
        assert.equal(rex?.compliance?.suspectedBreaches, 1)
        assert.equal(rex?.compliance?.overdue, 1)
        assert.deepEqual(rex?.compliance?.next, {
          title: 'Initial notification',
          kind: 'initial-notification',
          dueOn: '2026-05-03',
          status: 'overdue',
        })
        assert.equal(mine.summary.suspectedBreaches, 1)
        assert.equal(mine.summary.overdue, 1)
        assert.equal(mine.asOf, '2026-05-20')
        const sorted = await caseload(people.officer, { sort: 'breaches', order: 'descending' })
        assert.equal(sorted.items[0]?.id, registrant.personId)
      } finally {
        clock.set('2026-05-01')
      }
    })

    test('each reader sees what their role and reach show: compliance, review dates, or the identity alone', async () => {
      // A victim liaison officer: their organisation's cases, without compliance.
      const vlo = await caseload(people.vlo)
      assert.equal(vlo.scope, 'organisation')
      const rex = vlo.items.find((person) => person.id === registrant.personId)
      assert.equal(rex?.compliance, undefined)
      assert.ok(rex !== undefined && 'nextReviewOn' in rex, 'the registration section is shown to them')
      assert.deepEqual(vlo.summary, { people: vlo.items.length, overdue: 0, dueSoon: 0, suspectedBreaches: 0 })
      assert.deepEqual(
        listed(await caseload(people.vlo, { attention: ['due-soon'] })),
        [],
        'a filter never sees what is hidden',
      )
      // Probation, co-managing another force's case shared with it in full.
      const probation = await caseload(people.probation)
      assert.equal(probation.scope, 'mine')
      assert.deepEqual(listed(probation), [])
      const shared = await caseload(people.probation, { scope: 'organisation' })
      assert.deepEqual(listed(shared), [ids.elsewhere])
      assert.equal(shared.items[0]?.reach, 'co-managing')
      assert.ok(shared.items[0]?.compliance !== undefined)
      // A partner agency through the plan: who the person is, nothing of the registration or compliance.
      const partner = await caseload(people.partner)
      assert.deepEqual(listed(partner), [ids.elsewhere])
      assert.equal(partner.items[0]?.reach, 'plan')
      assert.equal(partner.items[0]?.compliance, undefined)
      assert.ok(!('nextReviewOn' in (partner.items[0] ?? {})))
      // Roles with no caseload are refused.
      await assert.rejects(caseload(people.analyst), Forbidden)
      await assert.rejects(caseload(people.auditor), Forbidden)
    })

    test('reading a caseload is one consultation, "Caseload review" unless the caller says why, naming people by id', async () => {
      const before = await headSeq()
      const result = await caseload(people.officer, { pageSize: 2 })
      await readCaseload(as(people.officer, 'Preparing for supervision (test)'), { scope: 'organisation' })
      const entries = await store.db.query<{
        object_type: string
        justification: string
        detail: Record<string, unknown>
      }>(
        `SELECT object_type, justification, detail FROM audit_event WHERE id > $1 AND operation = 'consultation' ORDER BY id`,
        [before],
      )
      assert.equal(entries.length, 2)
      assert.deepEqual(entries[0], {
        object_type: 'caseload',
        justification: 'Caseload review',
        detail: { scope: 'mine', count: 2, total: 3, people: listed(result) },
      })
      assert.equal(entries[1]?.justification, 'Preparing for supervision (test)')
      assert.doesNotMatch(JSON.stringify(entries), /Registeredson|Alderley|Zimmer/)
    })

    test('a caseload of 180 is read in the same few statements as a caseload of one', async () => {
      const officer = people.registrar
      const measure = async () => {
        const counted = counting(store.db)
        const started = performance.now()
        const result = await readCaseload({ app: { ...app, db: counted.db }, actor: officer }, {})
        return { statements: counted.count(), millis: performance.now() - started, total: result.totalItems }
      }
      const one = await measure()
      assert.equal(one.total, 1)
      const registrar = as(people.registrar, 'Caseload test set-up')
      for (let n = 0; n < 29; n++) {
        await registerSynthetic(registrar, {
          familyName: `Loadregistrant${n}`,
          givenNames: 'Lee',
          dateOfBirth: `1970-${String(1 + (n % 12)).padStart(2, '0')}-${String(n + 1).padStart(2, '0')}`,
          responsibleOfficerId: officer.userId,
          riskLevel: 'medium',
        })
      }
      for (let n = 0; n < 150; n++) {
        await createPerson(registrar, {
          familyName: `Loadcase${n}`,
          givenNames: 'Lou',
          dateOfBirth: `1975-0${1 + (n % 9)}-${String(1 + (n % 28)).padStart(2, '0')}`,
          responsibleOfficerId: officer.userId,
          riskLevel: (['low', 'medium', 'high', 'very-high'] as const)[n % 4],
          confirmedNotDuplicate: true,
        })
      }
      const many = await measure()
      assert.equal(many.total, 180)
      assert.equal(many.statements, one.statements, 'no statement per case')
      assert.ok(many.statements <= 4, `${many.statements} statements`)
      console.log(`  caseload of 180 on ${backend}: ${many.statements} statements, ${many.millis.toFixed(0)} ms`)
      assert.ok(many.millis < 3000, `${many.millis.toFixed(0)} ms for 180 cases`)
    })

    async function headSeq(): Promise<number> {
      const rows = await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event')
      return rows[0]?.id ?? 0
    }
  })
}
