import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { systemActor } from '../../src/app/actor.ts'
import type { Call } from '../../src/app/context.ts'
import { ensureOrganisation } from '../../src/app/directory.ts'
import { Forbidden } from '../../src/app/errors.ts'
import { type ExportedPerson, exportPeople } from '../../src/app/export.ts'
import { type ImportOptions, type ImportRow, importPeople, reportLines } from '../../src/app/import.ts'
import { createPerson, readPerson } from '../../src/app/people.ts'
import { exportCommand, importCommand } from '../../src/cli/import-export.ts'
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
      auditMark = Number((await store.db.query<{ seq: number }>('SELECT seq FROM audit_chain_head'))[0]?.seq)
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
        `SELECT operation, object_type, detail FROM audit_event WHERE object_type = 'import' AND seq > $1 ORDER BY id`,
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
      assert.equal(await count(`audit_event WHERE object_type = 'import' AND seq > $1`, [auditMark]), 0)
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
      }>(
        'SELECT operation, object_type, person_id, justification, detail FROM audit_event WHERE seq > $1 ORDER BY id',
        [auditMark],
      )
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
