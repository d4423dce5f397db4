import { randomBytes } from 'node:crypto'
import { appendFileSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { systemActor } from '../src/app/actor.ts'
import type { Call } from '../src/app/context.ts'
import { ensureOrganisation } from '../src/app/directory.ts'
import { type ImportRow, importPeople, uuidv7 } from '../src/app/import.ts'
import { importCommand } from '../src/cli/import-export.ts'
import { day } from '../src/domain/dates/day.ts'
import { mulberry32 } from '../src/domain/random/mulberry32.ts'
import { defaultRegisterSettings } from '../src/domain/register/settings.ts'
import { defaultLegalSettings } from '../src/domain/settings/legal-settings.ts'
import { csvLine, csvRecords } from '../src/io/csv.ts'
import { ndjsonLines } from '../src/io/ndjson.ts'
import { csvImportRows, ndjsonImportRows } from '../src/io/people-format.ts'
import { type Database, openDatabase, type Queryable } from '../src/store/database.ts'
import { migrate } from '../src/store/migrate.ts'
import { positive } from './args.ts'

// npm run bench:import [-- --rows N --runs N --formats csv,ndjson --facts --no-append --note TEXT --phases]
//
// `dasr import` against a plain `COPY person (...) FROM STDIN` of the same
// people, side by side on PostgreSQL (DATABASE_URL, by default the local
// server). Each run gets a fresh database of its own (created here and dropped
// afterwards; nothing is written to the admin database itself), migrated, with
// the managing organisation in place:
//
// - import: the whole `dasr import FILE` command (importCommand: read and parse
//   the file, validate every row with the contracts, look for duplicates, write
//   person, name search key and timeline rows set-based in batches, one audit
//   record per batch, one transaction), timed from the call to its return;
// - COPY: the same people as COPY's CSV (with ids and references of the kind
//   the register assigns: time-ordered UUIDs, DA- references) streamed from a
//   file into `COPY person (...) FROM STDIN` with pg-copy-streams, one
//   transaction, timed the same way.
//
// Runs alternate (import, COPY, import, COPY…); the median of each is
// reported. With --phases, where the time goes is measured first, for each
// file: reading and parsing it alone; the whole import against a database that
// answers at once (the work in Node: checking every row, the duplicate checks
// within the file, preparing the batches); then a real import and a COPY, with
// the CPU time of this process and of each server process serving them (read
// from /proc, so only with the server on this machine). All people are synthetic: names are made of syllables, NI numbers
// follow the format, dates of birth are drawn from a seeded generator.

const TARGET_ROWS_PER_SECOND = 50_000
const TARGET_SHARE_OF_COPY = 0.5

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '200000' },
    runs: { type: 'string', default: '3' },
    formats: { type: 'string', default: 'csv,ndjson' },
    /** Also measure rows with a phone and a home address (two facts each). */
    facts: { type: 'boolean', default: false },
    seed: { type: 'string', default: '20261124' },
    'no-append': { type: 'boolean', default: false },
    note: { type: 'string' },
    phases: { type: 'boolean', default: false },
  },
})

const rows = positive('rows', args.rows)
const runs = positive('runs', args.runs)
const seed = positive('seed', args.seed)
const formats = args.formats.split(',').map((f) => f.trim())
for (const f of formats) {
  if (f !== 'csv' && f !== 'ndjson') {
    console.error(`--formats: ${JSON.stringify(f)} is not csv or ndjson`)
    process.exit(2)
  }
}
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const organisation = 'police:bench-shire'
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })

// ---------------------------------------------------------------------------
// Synthetic people

/** A seeded generator, so every run reads the same people. */
const random = mulberry32

const syllables = 'ka lo mi ra te su no vi da pe ri go ha ne bo lu sa fi re to ma ki du ze ya co wen bri dal tor'.split(
  ' ',
)
const givenNames = 'Alex Sam Jordan Casey Robin Morgan Jamie Taylor Drew Charlie Avery Rowan Quinn Riley Skyler'.split(
  ' ',
)
const prefixes = 'AB CE GH JK LM NP RS TW XY ZA'.split(' ')
const towns = 'Testtown Samplebury Exampleford Mockley Dummington'.split(' ')

/** A family name unique to the index (base-30 syllables), so no two rows are possible duplicates. */
function familyName(i: number): string {
  let n = i
  let name = ''
  for (let k = 0; k < 4 || n > 0; k++) {
    name += syllables[n % 30]
    n = Math.floor(n / 30)
  }
  return name.charAt(0).toUpperCase() + name.slice(1)
}

interface SyntheticPerson {
  familyName: string
  givenNames: string
  dateOfBirth: string
  niNumber: string
  sex: string
  riskLevel: string
  phone: string
  addressLine1: string
  town: string
  postcode: string
}

function person(i: number, next: () => number): SyntheticPerson {
  const year = 1950 + Math.floor(next() * 56)
  const month = 1 + Math.floor(next() * 12)
  const dayOfMonth = 1 + Math.floor(next() * 28)
  return {
    familyName: familyName(i),
    givenNames: givenNames[Math.floor(next() * givenNames.length)] as string,
    dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`,
    niNumber: `${prefixes[Math.floor(i / 1_000_000) % prefixes.length]}${String(i % 1_000_000).padStart(6, '0')}${'ABCD'[i % 4]}`,
    sex: next() < 0.85 ? 'male' : 'female',
    riskLevel: (['low', 'medium', 'high', 'very-high'] as const)[Math.floor(next() * 4)] as string,
    phone: `07700${String(900000 + (i % 100000)).padStart(6, '0')}`,
    addressLine1: `${1 + (i % 200)} ${syllables[i % 30]}ton Road`,
    town: towns[i % towns.length] as string,
    postcode: `TE${1 + (i % 9)} ${i % 10}AB`,
  }
}

const columns = ['familyName', 'givenNames', 'dateOfBirth', 'niNumber', 'sex', 'riskLevel'] as const
const factColumns = ['phone', 'addressLine1', 'town', 'postcode'] as const

const folder = mkdtempSync(join(tmpdir(), 'dasr-bench-import-'))
process.on('exit', () => rmSync(folder, { recursive: true, force: true }))

/** Writes the import files and COPY's file for the same people; returns their paths. */
function writeFiles(withFacts: boolean) {
  const next = random(seed)
  const csv: string[] = [csvLine([...columns, ...(withFacts ? factColumns : [])])]
  const ndjson: string[] = []
  const copy: string[] = []
  const year = new Date().getUTCFullYear()
  for (let i = 0; i < rows; i++) {
    const p = person(i, next)
    csv.push(csvLine([...columns.map((c) => p[c]), ...(withFacts ? factColumns.map((c) => p[c]) : [])]))
    const facts = withFacts
      ? [
          { kind: 'phone', number: p.phone },
          { kind: 'address', addressType: 'home', line1: p.addressLine1, town: p.town, postcode: p.postcode },
        ]
      : undefined
    const record: Record<string, unknown> = {}
    for (const c of columns) record[c] = p[c]
    if (facts) record.facts = facts
    ndjson.push(`${JSON.stringify(record)}\n`)
    copy.push(
      csvLine([uuidv7(), `DA-${year}-${String(i + 1).padStart(6, '0')}`, organisation, ...columns.map((c) => p[c])]),
    )
  }
  const name = withFacts ? 'people-with-facts' : 'people'
  const paths = {
    csv: join(folder, `${name}.csv`),
    ndjson: join(folder, `${name}.ndjson`),
    copy: join(folder, `${name}.copy.csv`),
  }
  writeFileSync(paths.csv, csv.join(''))
  writeFileSync(paths.ndjson, ndjson.join(''))
  writeFileSync(paths.copy, copy.join(''))
  return paths
}

// ---------------------------------------------------------------------------
// Fresh databases

async function withFreshDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `dasr_bench_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  try {
    const db = await openDatabase({ databaseUrl: url.toString() })
    await migrate(db)
    await ensureOrganisation(db, { id: organisation, name: 'Bench Shire Police (synthetic)', kind: 'police' })
    await db.close()
    return await work(url.toString())
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

async function timeImport(file: string): Promise<number> {
  return withFreshDatabase(async (url) => {
    process.env.DATABASE_URL = url
    const start = performance.now()
    const result = await importCommand([file, '--organisation', organisation])
    const ms = performance.now() - start
    if (result.code !== 0 || !result.stdout.includes(`Imported ${fmt(rows)} people`)) {
      throw new Error(`import did not import every row: ${result.stdout}${result.stderr.slice(0, 2000)}`)
    }
    return ms
  })
}

async function timeCopyInto(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const start = performance.now()
    await client.query('BEGIN')
    const copy = client.query(
      copyFrom(
        `COPY person (id, reference, managing_org_id, family_name, given_names, date_of_birth, ni_number, sex, risk_level)
         FROM STDIN WITH (FORMAT csv)`,
      ),
    )
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy)
    await client.query('COMMIT')
    const ms = performance.now() - start
    if (copy.rowCount !== rows) throw new Error(`COPY loaded ${copy.rowCount} rows, expected ${rows}`)
    return ms
  } finally {
    await client.end()
  }
}

async function timeCopy(file: string): Promise<number> {
  return withFreshDatabase((url) => timeCopyInto(url, file))
}

// ---------------------------------------------------------------------------
// Where the time goes (--phases)

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

function importRows(file: string, format: 'csv' | 'ndjson'): AsyncIterable<ImportRow[]> {
  const text = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>
  return format === 'csv'
    ? csvImportRows(csvRecords(text), (problems) => {
        throw new Error(problems.join('; '))
      })
    : ndjsonImportRows(ndjsonLines(text))
}

/** The import with a database that answers every statement at once: the work done in Node alone. */
async function importWithoutDatabase(file: string, format: 'csv' | 'ndjson'): Promise<void> {
  const answer: Queryable = {
    async query<T>(sql: string) {
      if (sql.includes('FROM organisation')) return [{ id: organisation }] as T[]
      if (sql.includes('audit_chain_head')) return [{ seq: 0, hash: '0'.repeat(64) }] as T[]
      if (sql.includes('RETURNING last')) return [{ last: 0 }] as T[]
      return [] as T[]
    },
    execute: async () => 0,
    script: async () => {},
  }
  // As PostgreSQL, so the import takes its second connection (here the same answers) and keeps the keys it writes.
  const db: Database = {
    kind: 'postgres',
    location: 'none',
    ...answer,
    transaction: (work) => work(answer),
    close: async () => {},
  }
  const today = day(new Date().toISOString().slice(0, 10))
  const call: Call = {
    app: {
      db,
      settings: defaultRegisterSettings,
      legal: defaultLegalSettings,
      today: () => today,
      softwareVersion: 'bench',
    },
    actor: systemActor,
  }
  const report = await importPeople(call, importRows(file, format), { organisationId: organisation, source: 'bench' })
  if (report.imported !== rows) throw new Error(`the import without a database took ${report.imported} rows`)
}

/** CPU time (ms) of the server processes serving the database named, while `work` runs (polled every 50 ms). */
async function serverCpu<T>(database: string, work: () => Promise<T>): Promise<{ result: T; byProcess: number[] }> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const seen = new Map<number, { first: number; last: number }>()
  const cpuOf = (pid: number) => {
    try {
      return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
    } catch {
      return undefined
    }
  }
  let polling = true
  const poll = (async () => {
    while (polling) {
      const { rows: backends } = await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      )
      for (const { pid } of backends) {
        const cpu = cpuOf(pid)
        if (cpu === undefined) continue
        const known = seen.get(pid)
        if (known === undefined) seen.set(pid, { first: cpu, last: cpu })
        else known.last = cpu
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  try {
    const result = await work()
    return { result, byProcess: [...seen.values()].map((s) => s.last - s.first).sort((a, b) => b - a) }
  } finally {
    polling = false
    await poll
    await admin.end()
  }
}

async function phases(paths: { csv: string; ndjson: string; copy: string }, format: 'csv' | 'ndjson') {
  const file = paths[format]
  let start = process.cpuUsage()
  let wall = performance.now()
  let read = 0
  for await (const chunk of importRows(file, format)) read += chunk.length
  const parse = { wall: performance.now() - wall, cpu: cpuMs(process.cpuUsage(start)) }
  start = process.cpuUsage()
  wall = performance.now()
  await importWithoutDatabase(file, format)
  const alone = { wall: performance.now() - wall, cpu: cpuMs(process.cpuUsage(start)) }
  const real = await withFreshDatabase(async (url) => {
    process.env.DATABASE_URL = url
    const cpu = process.cpuUsage()
    const started = performance.now()
    const { byProcess } = await serverCpu(new URL(url).pathname.slice(1), () =>
      importCommand([file, '--organisation', organisation]),
    )
    return { wall: performance.now() - started, node: cpuMs(process.cpuUsage(cpu)), byProcess }
  })
  const copy = await withFreshDatabase(async (url) => {
    const { result, byProcess } = await serverCpu(new URL(url).pathname.slice(1), () => timeCopyInto(url, paths.copy))
    return { wall: result, byProcess }
  })
  const ms = (n: number) => `${fmt(n)} ms`
  console.log(
    [
      `phases, ${format}, ${fmt(read)} rows:`,
      `  reading and parsing the file: ${ms(parse.wall)} (Node CPU ${ms(parse.cpu)})`,
      `  the whole import without a database (checking, duplicate checks within the file, preparing batches): ${ms(alone.wall)} (Node CPU ${ms(alone.cpu)})`,
      `  import: ${ms(real.wall)}; Node CPU ${ms(real.node)}; server CPU by process ${real.byProcess.map(ms).join(', ')}`,
      `  COPY: ${ms(copy.wall)}; server CPU ${copy.byProcess.map(ms).join(', ')}`,
    ].join('\n'),
  )
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

interface Line {
  variant: string
  importMs: number[]
  copyMs: number[]
}

const lines: Line[] = []
for (const withFacts of args.facts ? [false, true] : [false]) {
  const started = performance.now()
  const paths = writeFiles(withFacts)
  console.log(
    `generated ${fmt(rows)} people${withFacts ? ' with facts' : ''} in ${fmt(performance.now() - started)} ms`,
  )
  for (const format of formats as ('csv' | 'ndjson')[]) {
    if (args.phases) await phases(paths, format)
    const line: Line = { variant: `${format}${withFacts ? ', phone + home address' : ''}`, importMs: [], copyMs: [] }
    // One warm-up import (not counted): the first run pays for loading the modules and the JIT.
    await timeImport(paths[format])
    for (let run = 0; run < runs; run++) {
      line.importMs.push(await timeImport(paths[format]))
      line.copyMs.push(await timeCopy(paths.copy))
      console.log(
        `${line.variant} run ${run + 1}: import ${fmt(line.importMs.at(-1) as number)} ms, COPY ${fmt(line.copyMs.at(-1) as number)} ms`,
      )
    }
    lines.push(line)
  }
}

// ---------------------------------------------------------------------------
// Report

const server = await (async () => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version
  await client.end()
  return `PostgreSQL ${version}`
})()

const table = [
  '| File | Import median ms | Import rows/s | COPY median ms | COPY rows/s | Import / COPY | Targets |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
]
let allMet = true
for (const line of lines) {
  const importMs = median(line.importMs)
  const copyMs = median(line.copyMs)
  const importRate = rows / (importMs / 1000)
  const copyRate = rows / (copyMs / 1000)
  const share = importRate / copyRate
  const met = importRate >= TARGET_ROWS_PER_SECOND && share >= TARGET_SHARE_OF_COPY
  if (!line.variant.includes('address')) allMet &&= met
  table.push(
    `| ${line.variant} | ${fmt(importMs)} | ${fmt(importRate)} | ${fmt(copyMs)} | ${fmt(copyRate)} | ${fmt(share * 100)}% | ${met ? 'met' : '**not met**'} |`,
  )
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
const section = [
  '',
  `## Import — ${new Date().toISOString().slice(0, 10)}, ${fmt(rows)} rows`,
  '',
  `\`npm run bench:import\` (bench/import.ts): \`dasr import FILE\` (importCommand) against a plain`,
  '`COPY person (...) FROM STDIN` (pg-copy-streams) of the same people, each run into a fresh database,',
  `alternating, median of ${runs} runs after a warm-up import. Targets: at least ${fmt(TARGET_ROWS_PER_SECOND)} rows/s and at`,
  `least ${TARGET_SHARE_OF_COPY * 100}% of COPY's speed: **${allMet ? 'met' : 'not met'}**. The import also writes each person's name search key and`,
  'timeline entry and an audit record per batch, checks every row against the contracts and looks for possible duplicates;',
  'COPY writes the person rows only (same ids and references). Rows with facts (phone and home address: two facts and one more search key each) are shown for',
  'scale, against COPY of their person columns.',
  `${process.version} on ${cpu} (${cpus().length} cores), ${server} on the same machine; run at ${new Date().toISOString()}.`,
  ...(args.note ? [`Changed since the previous entry: ${args.note}`] : []),
  '',
  ...table,
  '',
].join('\n')

console.log(section)
if (!args['no-append']) {
  const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  appendFileSync(target, section)
  console.log(`appended to ${target}`)
}
