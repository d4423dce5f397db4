import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { systemActor } from '../../src/app/actor.ts'
import type { Call } from '../../src/app/context.ts'
import { ensureOrganisation } from '../../src/app/directory.ts'
import { Forbidden } from '../../src/app/errors.ts'
import { type ExportedPerson, exportPeople } from '../../src/app/export.ts'
import {
  arrayLiteral,
  type ImportOptions,
  type ImportRow,
  importPeople,
  nameKeyOf,
  reportLines,
} from '../../src/app/import.ts'
import { createPerson, readPerson } from '../../src/app/people.ts'
import { exportCommand, importCommand } from '../../src/cli/import-export.ts'
import { normaliseName } from '../../src/contracts/register/facts.ts'
import { csvRecords } from '../../src/io/csv.ts'
import { ndjsonLines } from '../../src/io/ndjson.ts'
import { csvImportRows, exportHeader, exportText, ndjsonImportRows } from '../../src/io/people-format.ts'
import { openDatabase } from '../../src/store/database.ts'
import { migrate } from '../../src/store/migrate.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'

// All people here are synthetic.

async function* once(text: string) {
  yield text
}

function rowsOf(text: string, format: 'csv' | 'ndjson'): AsyncIterable<ImportRow[]> {
  return format === 'csv'
    ? csvImportRows(csvRecords(once(text)), (problems) => {
        throw new Error(problems.join('\n'))
      })
    : ndjsonImportRows(ndjsonLines(once(text)))
}

const goodCsv = [
  'familyName,givenNames,dateOfBirth,niNumber,sex,riskLevel,phone,email,vehicle,aliasGivenNames,aliasFamilyName,addressLine1,town,postcode,addressFrom',
  'Testwood,Jane,1980-01-01,AB 12 34 56 C,female,high,07700 900123,jane@example.test,ab12 cde,Janey,Woodtest,"1 High Street, Flat 2",Testtown,te1 1st,2025-06-01',
  'Samplesson,"Robert ""Bob""",1975-05-05,,male,medium,,,,,,,,,',
  '"Exampleford',
  'Two Lines",Carl,1990-03-03,,,,,,,,,,,,',
].join('\r\n')

for (const backend of backends) {
  describe(`import and export on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-03-02')
    const as = (actor: People[keyof People] | typeof systemActor): Call => ({
      app: testApp(store.db, clock),
      actor,
      justification: 'Managing this case (test)',
    })
    const system = () => as(systemActor)
    const org = 'police:test-shire'
    const importText = (text: string, format: 'csv' | 'ndjson', options: ImportOptions = {}) =>
      importPeople(system(), rowsOf(text, format), { organisationId: org, source: `test.${format}`, ...options })
    const count = async (sql: string, params: unknown[] = []) =>
      Number((await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]?.n)
    const exportAll = async (format: 'ndjson' | 'csv' = 'ndjson', call = system()) => {
      const pages: ExportedPerson[][] = []
      let text = exportHeader(format)
      const summary = await exportPeople(call, {
        format,
        withFacts: format === 'ndjson',
        destination: 'test',
        pageSize: 2,
        writePage: (page) => {
          pages.push(page)
          text += exportText(page, format)
        },
      })
      return { summary, text, people: pages.flat() }
    }
    /** The audit trail is append-only (decision 0006): a test reads the entries after its mark. */
    let auditMark = 0
    const markAudit = async () => {
      auditMark = Number(
        (await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM audit_event'))[0]?.id,
      )
    }
    /** Clears the people (and everything about them) between tests. */
    const clear = async () => {
      await store.db.script(
        'DELETE FROM search_key; DELETE FROM person_fact; DELETE FROM timeline_event; DELETE FROM person; DELETE FROM reference_counter',
      )
      await markAudit()
    }

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
    })
    after(async () => {
      await store?.drop()
    })

    test('a good CSV file: every row imported with its facts, name keys, timeline and audit', async () => {
      await clear()
      const report = await importText(goodCsv, 'csv')
      assert.deepEqual(report.rejected, [])
      assert.deepEqual(report.duplicates, [])
      assert.equal(report.committed, true)
      assert.equal(report.rows, 3)
      assert.equal(report.imported, 3)
      assert.equal(report.facts, 5)

      const rows = await store.db.query<{ id: string; reference: string; family_name: string; ni_number: string }>(
        'SELECT id, reference, family_name, given_names, ni_number FROM person ORDER BY reference',
      )
      assert.deepEqual(
        rows.map((r) => [r.reference, r.family_name, r.ni_number]),
        [
          ['DA-2026-000001', 'Testwood', 'AB123456C'],
          ['DA-2026-000002', 'Samplesson', null],
          ['DA-2026-000003', 'Exampleford\r\nTwo Lines', null],
        ],
      )
      const jane = await readPerson(as(people.registrar), rows[0]?.id as string)
      assert.equal(jane.person.givenNames, 'Jane')
      assert.equal(jane.person.riskLevel, 'high')
      assert.deepEqual(Object.keys(jane.facts).sort(), ['address', 'email', 'name', 'phone', 'vehicle'])
      assert.deepEqual(jane.facts.address?.[0]?.data, {
        addressType: 'home',
        line1: '1 High Street, Flat 2',
        town: 'Testtown',
        postcode: 'TE1 1ST',
        validFrom: '2025-06-01',
      })
      assert.equal(jane.facts.address?.[0]?.validFrom, '2025-06-01')
      assert.deepEqual(jane.facts.vehicle?.[0]?.data, { registration: 'AB12CDE' })
      assert.deepEqual(jane.facts.name?.[0]?.data, { nameType: 'alias', givenNames: 'Janey', familyName: 'Woodtest' })

      const keys = await store.db.query<{ kind: string; value: string }>(
        'SELECT kind, value FROM search_key WHERE person_id = $1 ORDER BY kind, value',
        [rows[0]?.id],
      )
      assert.deepEqual(
        keys.map((k) => `${k.kind}:${k.value}`),
        [
          'email:jane@example.test',
          'name:jane testwood',
          'name:janey woodtest',
          'phone:07700900123',
          'vehicle:AB12CDE',
        ],
      )
      const events = await store.db.query<{ kind: string; summary: string; data: Record<string, unknown> }>(
        'SELECT kind, summary, data FROM timeline_event WHERE person_id = $1',
        [rows[1]?.id],
      )
      assert.deepEqual(events, [
        {
          kind: 'person-recorded',
          summary: 'Recorded as DA-2026-000002 (imported from test.csv, line 3)',
          data: { import: { source: 'test.csv', line: 3 } },
        },
      ])
      const audits = await store.db.query<{ operation: string; object_type: string; detail: Record<string, unknown> }>(
        `SELECT operation, object_type, detail FROM audit_event WHERE object_type = 'import' AND id > $1 ORDER BY id`,
        [auditMark],
      )
      assert.deepEqual(audits, [
        {
          operation: 'collection',
          object_type: 'import',
          detail: { lines: [2, 4], references: ['DA-2026-000001', 'DA-2026-000003'], people: 3 },
        },
        {
          operation: 'collection',
          object_type: 'import',
          detail: { rows: 3, imported: 3, facts: 5, rejected: 0, duplicatesSkipped: 0 },
        },
      ])
    })

    const badCsv = [
      'familyName,givenNames,dateOfBirth,niNumber,phone,sex',
      'Goodrow,Anna,1981-04-04,,,female',
      'Badday,Ben,1980-02-30,,,male',
      'Badni,Cleo,1982-01-01,QQ123456Z,not a phone,',
      'Goodrow,Dora,1983-03-03,,,',
      'Tooyoung,Eve,2020-01-01,,,unknown',
      'Short,Row',
    ].join('\n')

    test('rejected rows are reported with their lines and reasons; by default nothing is written', async () => {
      await clear()
      const report = await importText(badCsv, 'csv')
      assert.equal(report.committed, false)
      assert.equal(report.imported, 0)
      assert.equal(report.rows, 6)
      assert.deepEqual(reportLines(report), [
        'line 3: $.dateOfBirth: "1980-02-30" is not a calendar date (expected YYYY-MM-DD)',
        'line 4: $.niNumber: "QQ123456Z" is not a National Insurance number (two letters, six digits, a letter A-D, e.g. "AB123456C")',
        // The phone rule reads the number with its spaces removed, and quotes it so.
        'line 4: $.phone: "notaphone" is not a phone number (7 to 15 digits, optionally starting with +)',
        'line 6: $.sex: "unknown" is not a recorded sex (expected one of: female, male, not-known)',
        'line 6: $.dateOfBirth: the person must be at least 10 years old (CYPA 1933 s.50)',
        'line 7: $: 2 fields, but the header has 6 columns',
      ])
      assert.equal(await count('person'), 0)
      assert.equal(await count('timeline_event'), 0)
      assert.equal(await count(`audit_event WHERE object_type = 'import' AND id > $1`, [auditMark]), 0)
      assert.equal(await count('reference_counter'), 0)
    })

    test('with skipBadRows only the good rows are written, and the bad ones still reported', async () => {
      await clear()
      const report = await importText(badCsv, 'csv', { skipBadRows: true })
      assert.equal(report.committed, true)
      assert.equal(report.imported, 2)
      assert.deepEqual(
        report.rejected.map((r) => r.line),
        [3, 4, 6, 7],
      )
      const names = await store.db.query<{ given_names: string }>('SELECT given_names FROM person ORDER BY reference')
      assert.deepEqual(
        names.map((n) => n.given_names),
        ['Anna', 'Dora'],
      )
    })

    test('NDJSON: facts of any kind, each problem named by its path, lines that are not people', async () => {
      await clear()
      const lines = [
        JSON.stringify({
          familyName: 'Jsonson',
          givenNames: 'Fay',
          dateOfBirth: '1979-09-09',
          niNumber: null,
          facts: [
            { kind: 'online-identity', platform: 'ExampleDate', handle: '@FayJ', datingProfile: true },
            {
              kind: 'civil-order',
              orderType: 'non-molestation-order',
              court: 'Testtown Family Court',
              madeOn: '2025-01-10',
            },
          ],
        }),
        '',
        '{"familyName": "Broken"',
        '[1, 2]',
        JSON.stringify({
          familyName: 'Factless',
          givenNames: 'Gus',
          dateOfBirth: '1970-01-01',
          shoeSize: 9,
          facts: [
            { kind: 'vehicle', registration: '!!' },
            { kind: 'boat' },
            { kind: 'email', address: 'x@example.test', validFrom: '2027-01-01' },
          ],
        }),
      ].join('\n')
      const report = await importText(lines, 'ndjson', { skipBadRows: true })
      assert.equal(report.rows, 4)
      assert.equal(report.imported, 1)
      assert.equal(report.facts, 2)
      const byLine = new Map(report.rejected.map((r) => [r.line, r.problems]))
      assert.deepEqual([...byLine.keys()], [3, 4, 5])
      assert.match(byLine.get(3)?.[0] ?? '', /^\$: not valid JSON \(/)
      assert.deepEqual(byLine.get(4), ['$: expected an object (one person per line), got an array'])
      const problems = byLine.get(5) ?? []
      assert.equal(problems.length, 4)
      assert.match(problems[0] ?? '', /^\$\.shoeSize: unknown key \(allowed here: familyName, givenNames/)
      assert.equal(
        problems[1],
        '$.facts[0].registration: "!!" is not a vehicle registration (2 to 10 letters and digits)',
      )
      assert.match(problems[2] ?? '', /^\$\.facts\[1\]\.kind: "boat" is not a kind of fact/)
      assert.equal(problems[3], '$.facts[2].validFrom: must not be in the future')
      const facts = await store.db.query<{ kind: string }>('SELECT kind FROM person_fact ORDER BY kind')
      assert.deepEqual(
        facts.map((f) => f.kind),
        ['civil-order', 'online-identity'],
      )
      assert.equal(await count(`search_key WHERE kind = 'online' AND value = 'fayj'`), 1)
    })

    test('a possible duplicate, on the register or earlier in the file, is reported and not imported unless confirmed', async () => {
      await clear()
      const existing = await createPerson(as(people.registrar), {
        familyName: 'Duplicate',
        givenNames: 'Hana',
        dateOfBirth: '1985-05-05',
        niNumber: 'CE123456A',
      })
      const csv = [
        'familyName,givenNames,dateOfBirth,niNumber,confirmedNotDuplicate',
        'DUPLICATE,Hana,1985-05-05,,', // same name and date of birth as the person on the register
        'Otherly,Ida,1990-01-01,CE123456A,', // same NI number
        'Twice,Jo,1991-02-02,,',
        'Twice,Jo,1991-02-02,,', // same as the line before
        'Duplicate,Hana,1985-05-05,,yes', // confirmed: someone else
        'Unique,Kit,1992-03-03,,',
      ].join('\n')
      const report = await importText(csv, 'csv')
      assert.deepEqual(report.rejected, [])
      assert.equal(report.committed, true)
      assert.equal(report.imported, 3)
      assert.deepEqual(
        report.duplicates.map((d) => [d.line, d.candidates.map((c) => c.reference ?? `line ${c.line}`)]),
        [
          [2, [existing.reference]],
          [3, [existing.reference]],
          [5, ['line 4']],
        ],
      )
      assert.deepEqual(report.duplicates[1]?.candidates[0]?.matchedOn, ['National Insurance number'])
      const disclosures = await store.db.query<{ detail: { references: string[] } }>(
        `SELECT detail FROM audit_event WHERE operation = 'disclosure' AND object_type = 'possible-duplicate'`,
      )
      assert.deepEqual(
        disclosures.at(-1)?.detail.references,
        [existing.reference],
        'naming a person on the register is audited',
      )
      assert.match(
        reportLines(report)[0] ?? '',
        /^line 2: possible duplicate, not imported: may be the same person as DA-2026-000001 on the register \(Hana Duplicate, born 1985-05-05; same name and date of birth\); if not, set confirmedNotDuplicate to true$/,
      )
      const confirmed = await store.db.query<{ data: Record<string, unknown> }>(
        `SELECT e.data FROM timeline_event e JOIN person p ON p.id = e.person_id
          WHERE p.family_name = 'Duplicate' AND p.id <> $1`,
        [existing.id],
      )
      // Confirmed distinct from the person on the register and from line 2, which resembles both.
      assert.deepEqual(confirmed[0]?.data.confirmedNotDuplicateOf, ['line 2', existing.reference])

      // The same file again: everyone in it is now on the register.
      const again = await importText(csv, 'csv')
      assert.equal(again.imported, 1) // only the confirmed row
      assert.deepEqual(
        again.duplicates.map((d) => d.line),
        [2, 3, 4, 5, 7],
      )
    })

    test('a duplicate of a row in an earlier batch of the same file is named by its line', async () => {
      await clear()
      const csv = [
        'familyName,givenNames,dateOfBirth',
        'Batchone,Lee,1970-07-07',
        'Filler,Max,1971-01-01',
        'Batchone,Lee,1970-07-07',
      ].join('\n')
      const report = await importText(csv, 'csv', { batchSize: 1 })
      assert.equal(report.imported, 2)
      assert.deepEqual(report.duplicates, [
        {
          line: 4,
          candidates: [
            { line: 2, name: 'Lee Batchone', dateOfBirth: '1970-07-07', matchedOn: ['name and date of birth'] },
          ],
        },
      ])
    })

    test('organisations: unknown ones are refused, and a registrar imports only for their own', async () => {
      await clear()
      const csv =
        'familyName,givenNames,dateOfBirth,managingOrganisationId\nNowhere,Ned,1970-01-01,police:nowhere\nMine,Mo,1970-01-02,police:test-shire\nTheirs,Tia,1970-01-03,police:other-shire\n'
      const system = await importPeople(as(systemActor), rowsOf(csv, 'csv'), { skipBadRows: true })
      assert.deepEqual(
        system.rejected.map((r) => r.line),
        [2],
      )
      assert.match(
        system.rejected[0]?.problems[0] ?? '',
        /^\$\.managingOrganisationId: "police:nowhere" is not an organisation on the register \(known: police:/,
      )
      await clear()
      const registrar = await importPeople(as(people.registrar), rowsOf(csv, 'csv'), { skipBadRows: true })
      assert.deepEqual(
        registrar.rejected.map((r) => r.line),
        [2, 4],
      )
      assert.match(registrar.rejected[1]?.problems[0] ?? '', /"police:other-shire" is not your organisation/)
      await assert.rejects(importPeople(as(people.officer), rowsOf(csv, 'csv')), Forbidden)
      await assert.rejects(exportAll('ndjson', as(people.officer)), Forbidden)
    })

    test('export, then import into another fresh register: the same people and facts', async () => {
      await clear()
      await importText(goodCsv, 'csv')
      const first = await exportAll('ndjson')
      assert.equal(first.summary.people, 3)
      assert.equal(first.summary.facts, 5)
      assert.equal(first.text.trimEnd().split('\n').length, 3)

      const other = await freshDatabase(backend)
      try {
        await ensureOrganisation(other.db, { id: org, name: 'Test Shire Police', kind: 'police' })
        const call: Call = { app: testApp(other.db, clock), actor: systemActor }
        const report = await importPeople(call, rowsOf(first.text, 'ndjson'), { source: 'export.ndjson' })
        assert.deepEqual(reportLines(report), [])
        assert.equal(report.imported, 3)
        const second: string[] = []
        await exportPeople(call, {
          format: 'ndjson',
          withFacts: true,
          destination: 'test',
          writePage: (page) => {
            second.push(exportText(page, 'ndjson'))
          },
        })
        assert.equal(second.join(''), first.text)
        const events = await other.db.query<{ data: { sourceReference?: string } }>(
          'SELECT data FROM timeline_event ORDER BY id',
        )
        assert.deepEqual(
          events.map((e) => e.data.sourceReference),
          ['DA-2026-000001', 'DA-2026-000002', 'DA-2026-000003'],
        )
      } finally {
        await other.drop()
      }

      // CSV: the person columns, and they import back too.
      const csv = await exportAll('csv')
      assert.equal(
        csv.text.split('\r\n')[0],
        'reference,managingOrganisationId,status,familyName,givenNames,dateOfBirth,niNumber,sex,riskLevel',
      )
      assert.equal(
        csv.text.split('\r\n')[2],
        'DA-2026-000002,police:test-shire,recorded,Samplesson,"Robert ""Bob""",1975-05-05,,male,medium',
      )
      await clear()
      const back = await importText(csv.text, 'csv')
      assert.deepEqual(reportLines(back), [])
      assert.equal(back.imported, 3)
    })

    // Rows in batches of 4: bad rows, and possible duplicates of every kind within a batch, across
    // batches (of the same family name, the same name or an alias, the same NI number) and on the
    // register, some confirmed distinct.
    const mixedCsv = [
      'familyName,givenNames,dateOfBirth,niNumber,confirmedNotDuplicate,aliasGivenNames,aliasFamilyName,phone',
      'Register,Rae,1970-01-01,,,,,', // 2: on the register
      'Alpha,Ann,1971-01-01,AB111111A,,Annie,Aliasson,07700900001', // 3
      'Bad,Date,1971-02-30,,,,,', // 4: rejected
      'Beta,Ben,1972-02-02,,,,,', // 5
      'ALPHA,Anna,1971-01-01,,,,,', // 6: same family name and birth as line 3 (next batch)
      'Gamma,Gil,1973-03-03,AB111111A,,,,', // 7: same NI number as line 3
      'Aliasson,Annie,1971-01-01,,,,,', // 8: the alias of line 3
      'Beta,Ben,1972-02-02,,yes,,,', // 9: confirmed distinct from line 5
      'Delta,Dee,1974-04-04,,,,,', // 10
      'Register,Rae,1970-01-01,,yes,,,', // 11: confirmed distinct from the person on the register
      'Öztürk,Ela,1975-05-05,,,,,', // 12
      'Too,Young,2024-01-01,,,,,', // 13: rejected
      'ÖZTÜRK,Ela,1975-05-05,,,,,', // 14: same as line 12, in capitals
      'Delta,Dee,1974-04-04,,,,,', // 15: same as line 10
      'Epsilon,Eve,1976-06-06,CE222222B,,,,', // 16
      'Epsilon,Eve,1976-06-06,CE222222B,,,,', // 17: same as line 16, same batch
      'Zeta,Zoe,1977-07-07,,,,,', // 18
    ].join('\n')

    /** Everything an import wrote, without ids and times. */
    const contents = async () => ({
      people: await store.db.query(
        'SELECT reference, family_name, given_names, date_of_birth, ni_number FROM person ORDER BY reference',
      ),
      keys: await store.db.query(
        `SELECT p.reference, k.kind, k.value, k.sounds FROM search_key k JOIN person p ON p.id = k.person_id
          ORDER BY p.reference, k.kind, k.value`,
      ),
      facts: await store.db.query(
        'SELECT p.reference, f.kind, f.data FROM person_fact f JOIN person p ON p.id = f.person_id ORDER BY 1, 2',
      ),
      timeline: await store.db.query(
        `SELECT p.reference, e.summary, e.data FROM timeline_event e JOIN person p ON p.id = e.person_id
          ORDER BY e.id`,
      ),
      audit: await store.db.query(
        `SELECT detail FROM audit_event WHERE object_type IN ('import', 'possible-duplicate') AND id > $1 ORDER BY id`,
        [auditMark],
      ),
      counter: await store.db.query('SELECT year, last FROM reference_counter'),
    })

    test('with a second connection looking up duplicates (PostgreSQL), the report and the rows are the same as with one', async () => {
      const runs = []
      for (const concurrency of [1, 2]) {
        await clear()
        await createPerson(as(people.registrar), {
          familyName: 'Register',
          givenNames: 'Rae',
          dateOfBirth: '1970-01-01',
        })
        const report = await importText(mixedCsv, 'csv', { skipBadRows: true, batchSize: 4, concurrency })
        runs.push({ report: { ...report, millis: 0 }, contents: await contents() })
      }
      const [one, two] = runs
      assert.deepEqual(two, one)
      const report = one?.report
      assert.equal(report?.committed, true)
      assert.deepEqual(
        report?.rejected.map((r) => r.line),
        [4, 13],
      )
      assert.deepEqual(
        report?.duplicates.map((d) => [d.line, d.candidates.map((c) => c.reference ?? `line ${c.line}`)]),
        [
          [2, ['DA-2026-000001']],
          [6, ['line 3']],
          [7, ['line 3']],
          [8, ['line 3']],
          [14, ['line 12']],
          [15, ['line 10']],
          [17, ['line 16']],
        ],
      )
      assert.equal(report?.imported, 8)
      const confirmed = one?.contents.timeline
        .map((e) => (e.data as { confirmedNotDuplicateOf?: string[] }).confirmedNotDuplicateOf)
        .filter((c) => c !== undefined)
      // Line 9 resembles line 5 (an earlier batch: named by its reference); line 11 the person on the register.
      assert.deepEqual(confirmed, [['DA-2026-000003'], ['DA-2026-000001']])
    })

    test('all or nothing with several batches: a bad row in the last batch, and nothing is written', async () => {
      await clear()
      const csv = [
        'familyName,givenNames,dateOfBirth',
        ...Array.from({ length: 9 }, (_, i) => `Many${String.fromCharCode(97 + i)},Max,1980-01-0${i + 1}`),
        'Last,Bad,1980-13-01',
      ].join('\n')
      const report = await importText(csv, 'csv', { batchSize: 2 })
      assert.equal(report.committed, false)
      assert.equal(report.imported, 0)
      assert.deepEqual(
        report.rejected.map((r) => r.line),
        [11],
      )
      for (const table of ['person', 'search_key', 'timeline_event', 'person_fact', 'reference_counter']) {
        assert.equal(await count(table), 0, table)
      }
      assert.equal(await count(`audit_event WHERE object_type = 'import' AND id > $1`, [auditMark]), 0)
    })

    test('a failure while batches are being written leaves nothing written', async () => {
      await clear()
      async function* failing(): AsyncGenerator<ImportRow[]> {
        for (let b = 0; b < 4; b++) {
          yield Array.from({ length: 3 }, (_, i) => ({
            line: b * 3 + i + 2,
            record: { familyName: `Fail${b}x${i}`, givenNames: 'Flo', dateOfBirth: '1981-01-01' },
          }))
        }
        throw new Error('the file could not be read to its end')
      }
      await assert.rejects(
        importPeople(system(), failing(), { organisationId: org, batchSize: 3, skipBadRows: true }),
        /could not be read to its end/,
      )
      for (const table of ['person', 'search_key', 'timeline_event', 'reference_counter']) {
        assert.equal(await count(table), 0, table)
      }
      assert.equal(await count(`audit_event WHERE object_type = 'import' AND id > $1`, [auditMark]), 0)
      // The connections are given back: the next import runs.
      const after = await importText(goodCsv, 'csv')
      assert.equal(after.imported, 3)
    })

    // A pool is PostgreSQL's: PGlite is one connection always.
    const onPostgres = backend === 'postgres' ? test : () => {}
    onPostgres('a pool of one connection: the import looks up duplicates on its own connection', async () => {
      await clear()
      const saved = process.env.DATABASE_POOL_SIZE
      process.env.DATABASE_POOL_SIZE = '1'
      // The same database, through a pool of one.
      const url = new URL(process.env.DATABASE_URL as string)
      const [current] = await store.db.query<{ name: string }>('SELECT current_database() AS name')
      url.pathname = `/${current?.name}`
      const one = await openDatabase({ databaseUrl: url.toString() })
      try {
        const call: Call = { app: testApp(one, clock), actor: systemActor }
        const report = await importPeople(call, rowsOf(goodCsv, 'csv'), { organisationId: org, batchSize: 1 })
        assert.equal(report.imported, 3)
      } finally {
        await one.close()
        if (saved === undefined) delete process.env.DATABASE_POOL_SIZE
        else process.env.DATABASE_POOL_SIZE = saved
      }
    })

    test('array parameters reach the database as they were', async () => {
      const values = [
        'plain',
        'with "quotes"',
        'back\\slash',
        'a,b',
        '{braces}',
        'NULL',
        '',
        ' spaced ',
        'Öztürk',
        null,
      ]
      const [row] = await store.db.query<{ back: (string | null)[] }>('SELECT $1::text[] AS back', [
        arrayLiteral(values),
      ])
      assert.deepEqual(row?.back, values)
    })

    test('an export is an audited disclosure of each person, and of the export as a whole', async () => {
      await clear()
      await importText(goodCsv, 'csv')
      await markAudit()
      await exportPeople(system(), {
        format: 'csv',
        withFacts: false,
        destination: 'people.csv',
        justification: 'transfer to the new force system',
        writePage: () => {},
      })
      const audits = await store.db.query<{
        operation: string
        object_type: string
        person_id: string | null
        justification: string | null
        detail: Record<string, unknown>
      }>('SELECT operation, object_type, person_id, justification, detail FROM audit_event WHERE id > $1 ORDER BY id', [
        auditMark,
      ])
      assert.equal(audits.length, 4)
      assert.ok(audits.every((a) => a.operation === 'disclosure'))
      assert.ok(audits.every((a) => a.justification === 'transfer to the new force system'))
      assert.equal(audits.filter((a) => a.object_type === 'person' && a.person_id !== null).length, 3)
      assert.deepEqual(audits[3]?.detail, { format: 'csv', people: 3, facts: 0 })

      // A registrar exports only their own organisation's people.
      const mine = await exportAll('ndjson', as(people.registrar))
      assert.equal(mine.people.length, 3)
      const theirs = await exportAll('ndjson', as(people.otherForce))
      assert.equal(theirs.people.length, 0)
    })
  })
}

describe('dasr import and dasr export (command line, embedded database)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'dasr-import-cli-'))
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR }
  before(async () => {
    // The command opens the database named by the environment: here, PGlite in the test's own folder.
    delete process.env.DATABASE_URL
    process.env.DATA_DIR = join(folder, 'data')
    const db = await openDatabase({ dataDir: join(folder, 'data') })
    await migrate(db)
    await ensureOrganisation(db, { id: 'police:test-shire', name: 'Test Shire Police', kind: 'police' })
    await db.close()
  })
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    rmSync(folder, { recursive: true, force: true })
  })

  test('a bad row: exit code 2, the report on stderr, nothing written; then --skip-bad-rows', async () => {
    const file = join(folder, 'people.csv')
    writeFileSync(
      file,
      'familyName,givenNames,dateOfBirth\nCliffe,Nora,1980-01-01\n"Multi\nLine",Oli,1980-02-30\nCliffe,Nora,1980-01-01\n',
    )
    const refused = await importCommand([file, '--organisation', 'police:test-shire'])
    assert.equal(refused.code, 2)
    assert.equal(refused.stdout, '')
    assert.equal(
      refused.stderr,
      [
        `${file}: line 3: $.dateOfBirth: "1980-02-30" is not a calendar date (expected YYYY-MM-DD)`,
        `${file}: line 5: possible duplicate, not imported: may be the same person as line 2 of this file (Nora Cliffe, born 1980-01-01; same name and date of birth); if not, set confirmedNotDuplicate to true`,
        `dasr: nothing imported from ${file}: 1 of 3 rows rejected (fix them, or import the others with --skip-bad-rows)`,
        '',
      ].join('\n'),
    )
    const empty = await exportCommand([])
    assert.deepEqual(empty, { code: 0, stdout: '', stderr: '' })

    const imported = await importCommand([file, '--organisation', 'police:test-shire', '--skip-bad-rows'])
    assert.equal(imported.code, 0)
    assert.match(
      imported.stdout,
      /^Imported 1 people \(0 facts\) from .*people\.csv into pglite .*: 3 rows read, 1 rejected, 1 possible duplicates not imported;/,
    )
    assert.match(imported.stderr, /line 3: \$\.dateOfBirth/)

    const out = join(folder, 'export.ndjson')
    const exported = await exportCommand(['--out', out, '--reason', 'test'])
    assert.equal(exported.code, 0)
    assert.match(exported.stdout, /^Exported 1 people \(0 facts\) to .*export\.ndjson as ndjson/)
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), {
      reference: 'DA-2026-000001'.replace('2026', String(new Date().getFullYear())),
      managingOrganisationId: 'police:test-shire',
      status: 'recorded',
      familyName: 'Cliffe',
      givenNames: 'Nora',
      dateOfBirth: '1980-01-01',
      niNumber: null,
      sex: null,
      riskLevel: null,
      facts: [],
    })
    const csv = await exportCommand(['--format', 'csv'])
    assert.equal(csv.stdout.split('\r\n')[1]?.split(',').slice(3, 6).join(','), 'Cliffe,Nora,1980-01-01')
  })

  test('usage: a missing file, an unknown format, a header without the required columns', async () => {
    await assert.rejects(
      importCommand([join(folder, 'missing.csv')]),
      /missing\.csv: cannot read the file \(no such file\)/,
    )
    await assert.rejects(importCommand([join(folder, 'people.txt')]), /cannot tell the format from the name/)
    await assert.rejects(exportCommand(['--format', 'xml']), /"xml" is not an export format/)
    const file = join(folder, 'header.csv')
    writeFileSync(file, 'surname,givenNames\nX,Y\n')
    await assert.rejects(importCommand([file]), (error: Error & { lines?: string[] }) => {
      assert.deepEqual(error.lines, [
        `${file}: line 1: column 1 "surname" is not a column of an import (known: reference, managingOrganisationId, status, familyName, givenNames, dateOfBirth, niNumber, sex, riskLevel, confirmedNotDuplicate, aliasGivenNames, aliasFamilyName, phone, email, vehicle, onlinePlatform, onlineHandle, addressLine1, addressLine2, town, postcode, addressFrom)`,
        `${file}: line 1: the header has no familyName column (it is required)`,
        `${file}: line 1: the header has no dateOfBirth column (it is required)`,
        `${file}: line 1: the header has no managingOrganisationId column (it is required unless --organisation names one for every row)`,
        `dasr: nothing imported from ${file}`,
      ])
      return true
    })
  })
})

test('nameKeyOf gives the search key normaliseName gives', () => {
  const names = [
    'Jane Testwood',
    "  Mary  O'Brien-Smith ",
    'ALEX  SAMPLE',
    "'' -- ''",
    '',
    'José Álvarez',
    'Łukasz Nowak',
    'Александр Пушкин',
    'محمد علي',
    'Ann\tTab',
    'Anne 2nd',
    'Smith, Jane',
    'ǅemal İvan',
  ]
  for (const name of names) assert.equal(nameKeyOf(name), normaliseName(name), JSON.stringify(name))
  // Every name of the letters, spaces, hyphens and apostrophes its shortcut takes, and some it does not.
  const plain = fc.stringMatching(/^[A-Za-z' -]{0,24}$/)
  const mixed = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '-', "'", 'é', 'İ', '\t', '.', 'ß'), maxLength: 16 })
  fc.assert(fc.property(fc.oneof(plain, mixed), (name) => nameKeyOf(name) === normaliseName(name)))
})
