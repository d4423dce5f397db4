import { randomBytes } from 'node:crypto'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { systemActor } from '../src/app/actor.ts'
import { type ScanResult, scan } from '../src/app/compliance.ts'
import { appContext, softwareVersion } from '../src/cli/register-commands.ts'
import { type LoadSummary, loadPopulation } from '../src/demo/load.ts'
import { formatDay } from '../src/domain/dates/day.ts'
import { todayInLondon } from '../src/platform/today.ts'
import { type Database, openDatabase } from '../src/store/database.ts'
import { migrate } from '../src/store/migrate.ts'
import { positive } from './args.ts'
import { fmt, log, met, type ReadFigures, readOverHttp, readRunRows, row, TARGET_READ_P99_MS } from './read-load.ts'

// npm run bench:register [-- --people N --convictions N --pglite-people N --pglite-convictions N
//                           --rate N --seconds N --warmup N --read-runs N --seed S --batch N --keep --no-append --note TEXT]
//
// The register itself at the issue's scale (issue 3, "Performance"), on
// PostgreSQL (DATABASE_URL's server, by default the local one) and on PGlite:
//
// 1. load: `dasr demo-data --people N --convictions N` — the same code
//    (migrate, then loadPopulation of src/demo/load.ts with the options the
//    command passes: seed, as-of today in London, batch, software version) into
//    a fresh database made for the run (PostgreSQL: a new database on the
//    server, never the admin database itself; PGlite: a data directory under
//    the system's temporary folder). Then VACUUM (ANALYZE), timed on its own, as
//    autovacuum would have done on a register in service, so the measurements
//    after it do not race the server's own background work.
// 2. scan: the full compliance scan (`scan` of src/app/compliance.ts as the
//    system actor, as `dasr scan` runs it), twice: the first run records the
//    suspected breaches and tasks, the second finds nothing new (idempotent).
// 3. read: the real HTTP server (buildServer, listening on a port of
//    127.0.0.1) over the same database; an API token (scope "*") for the
//    registrar of the force with the most active registrations; a worker thread
//    drives `GET /api/v1/people/:id` (X-Justification: benchmark) over random
//    active registrants of that force at a fixed arrival rate (open model:
//    requests start on schedule whether or not earlier ones have answered),
//    --read-runs times, each after a warm-up at the same rate that is not
//    counted. Latency is from the moment a request was due to the last byte of
//    its body. Beside it: the server's event-loop delay and GC pauses, and on
//    PostgreSQL the blocks read from outside shared buffers and the WAL syncs,
//    with their time, so a slow tail can be told apart. The server's rate
//    limits (300 a minute per user by default) are raised for the run, so they
//    are in the path but never refuse.
//
// The database or data directory is removed at the end unless --keep is given.
// Every person is synthetic (src/demo/population.ts).

const TARGET_SCAN_MS = 2_000

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: process.env.BENCH_PEOPLE ?? '1000000' },
    /** Default: 3 per person (the issue's 3,000,000 for 1,000,000). */
    convictions: { type: 'string' },
    'pglite-people': { type: 'string', default: '100000' },
    'pglite-convictions': { type: 'string' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    /** Read runs, one after another, each with its warm-up and its own draw of registrants. */
    'read-runs': { type: 'string', default: '3' },
    seed: { type: 'string', default: '20261124' },
    batch: { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    'no-append': { type: 'boolean', default: false },
    note: { type: 'string' },
  },
})

// 0 skips a database.
const people = positive('people', args.people, true)
const convictions = args.convictions === undefined ? people * 3 : positive('convictions', args.convictions, true)
const pglitePeople = positive('pglite-people', args['pglite-people'], true)
const pgliteConvictions =
  args['pglite-convictions'] === undefined
    ? pglitePeople * 3
    : positive('pglite-convictions', args['pglite-convictions'], true)
const rate = positive('rate', args.rate)
const seconds = positive('seconds', args.seconds)
const warmup = positive('warmup', args.warmup, true)
const readRuns = positive('read-runs', args['read-runs'])
const seed = positive('seed', args.seed, true)
const batchSize = positive('batch', args.batch)
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

// ---------------------------------------------------------------------------
// One database: load, scan twice, read over HTTP

interface Timed<T> {
  result: T
  ms: number
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const start = performance.now()
  const result = await work()
  return { result, ms: performance.now() - start }
}

interface Figures {
  kind: 'postgres' | 'pglite'
  people: number
  convictionsAsked: number
  load: Timed<LoadSummary>
  rows: Record<string, number>
  activeRegistrations: number
  sizeBytes: number
  vacuumMs: number
  scans: Timed<ScanResult>[]
  read: ReadFigures
}

const tables = [
  'person',
  'person_fact',
  'search_key',
  'victim',
  'victim_link',
  'determination',
  'registration',
  'notification',
  'home_visit',
  'record_share',
  'timeline_event',
  'audit_event',
] as const

async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: number }>(sql, params))[0]?.n ?? 0)
}

async function measure(
  db: Database,
  kind: Figures['kind'],
  n: number,
  convictionsAsked: number,
  size: () => Promise<number>,
): Promise<Figures> {
  const asOf = formatDay(todayInLondon())
  log(`${kind}: loading ${fmt(n)} persons, about ${fmt(convictionsAsked)} convictions, as of ${asOf}`)
  let lastReport = performance.now()
  const version = await softwareVersion()
  // What `dasr demo-data` does: migrate, then loadPopulation with these options.
  const load = await timed(async () => {
    await migrate(db)
    return loadPopulation(db, {
      people: n,
      seed,
      asOf,
      convictions: convictionsAsked,
      batchSize,
      softwareVersion: version,
      onProgress: (done, total) => {
        if (performance.now() - lastReport < 15_000 && done < total) return
        lastReport = performance.now()
        log(`${kind}: ${fmt(done)} / ${fmt(total)} persons written`)
      },
    })
  })
  log(`${kind}: loaded in ${fmt(load.ms / 1000, 1)} s; ${fmt(load.result.activeRegistrations)} active registrations`)

  const vacuum = await timed(() => db.execute('VACUUM (ANALYZE)'))
  log(`${kind}: VACUUM (ANALYZE) in ${fmt(vacuum.ms / 1000, 1)} s`)

  const rows: Record<string, number> = {}
  for (const table of tables) rows[table] = await count(db, `SELECT count(*)::int AS n FROM ${table}`)
  rows['person_fact (conviction)'] = await count(
    db,
    `SELECT count(*)::int AS n FROM person_fact WHERE kind = 'conviction'`,
  )
  const activeRegistrations = await count(db, `SELECT count(*)::int AS n FROM registration WHERE status = 'active'`)
  const sizeBytes = await size()
  log(`${kind}: ${fmt(activeRegistrations)} active registrations stored; ${fmt(sizeBytes / 2 ** 30, 2)} GiB`)

  const app = await appContext(db)
  const scans: Timed<ScanResult>[] = []
  for (let run = 1; run <= 2; run++) {
    const result = await timed(() => scan({ app, actor: systemActor }))
    scans.push(result)
    const s = result.result
    log(
      `${kind}: scan ${run}: ${fmt(s.millis)} ms (${fmt(result.ms)} ms with the call), ${fmt(s.registrations)} registrations, ${fmt(s.newBreaches)} new breaches, ${fmt(s.newTasks)} new tasks`,
    )
  }

  const read = await readOverHttp(db, app, kind, {
    rate,
    seconds,
    warmup,
    runs: readRuns,
    seed,
    tokenLabel: 'bench/register.ts',
  })
  return {
    kind,
    people: n,
    convictionsAsked,
    load,
    rows,
    activeRegistrations,
    sizeBytes,
    vacuumMs: vacuum.ms,
    scans,
    read,
  }
}

// ---------------------------------------------------------------------------
// PostgreSQL and PGlite, each fresh

async function onPostgres(): Promise<Figures & { server: string }> {
  const name = `dasr_bench_register_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  log(`postgres: database ${name} created`)
  // Time spent reading blocks and syncing WAL, for "where the time goes" (superuser settings; skipped if refused).
  await admin
    .query(`ALTER DATABASE ${name} SET track_io_timing = on`)
    .then(() => admin.query(`ALTER DATABASE ${name} SET track_wal_io_timing = on`))
    .catch((error: unknown) => log(`postgres: I/O timing not recorded: ${(error as Error).message}`))
  try {
    const db = await openDatabase({ databaseUrl: url.toString() })
    try {
      const figures = await measure(db, 'postgres', people, convictions, async () =>
        count(db, 'SELECT pg_database_size(current_database())::bigint AS n'),
      )
      return { ...figures, server: `PostgreSQL ${version}` }
    } finally {
      await db.close()
    }
  } finally {
    if (args.keep) {
      log(`postgres: kept ${url.toString()}`)
    } else {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      log(`postgres: database ${name} dropped`)
    }
    await admin.end()
  }
}

function directorySize(path: string): number {
  let total = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name)
    total += entry.isDirectory() ? directorySize(full) : statSync(full).size
  }
  return total
}

async function onPglite(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'dasr-bench-register-pglite-'))
  log(`pglite: data directory ${dir}`)
  try {
    const db = await openDatabase({ dataDir: dir })
    try {
      return await measure(db, 'pglite', pglitePeople, pgliteConvictions, async () => directorySize(dir))
    } finally {
      await db.close()
    }
  } finally {
    if (args.keep) log(`pglite: kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

const results: Figures[] = []
let server = 'PostgreSQL not run'
if (people > 0) {
  const figures = await onPostgres()
  server = figures.server
  results.push(figures)
}
if (pglitePeople > 0) results.push(await onPglite())
if (results.length === 0) {
  console.error('nothing to do: --people and --pglite-people are both 0')
  process.exit(2)
}

// ---------------------------------------------------------------------------
// Report

const label = (f: Figures) => (f.kind === 'postgres' ? 'PostgreSQL' : 'PGlite')

const table = [
  row(
    'Measure',
    results.map((f) => label(f)),
  ),
  `| --- |${results.map(() => ' ---: |').join('')}`,
  row(
    'Persons (convictions asked)',
    results.map((f) => `${fmt(f.people)} (${fmt(f.convictionsAsked)})`),
  ),
  row(
    'Load (`dasr demo-data`: migrate + loadPopulation)',
    results.map((f) => `${fmt(f.load.ms / 1000, 1)} s (${fmt(f.people / (f.load.ms / 1000))} persons/s)`),
  ),
  row(
    'Rows written (tables below)',
    results.map((f) => {
      const rows = tables.reduce((sum, t) => sum + (f.rows[t] ?? 0), 0)
      return `${fmt(rows)} (${fmt(rows / (f.load.ms / 1000))} rows/s)`
    }),
  ),
  row(
    'Convictions',
    results.map((f) => fmt(f.load.result.convictions)),
  ),
  row(
    'Registrations (active)',
    results.map((f) => `${fmt(f.load.result.registrations)} (${fmt(f.activeRegistrations)})`),
  ),
  row(
    'Database size after the load',
    results.map((f) => `${fmt(f.sizeBytes / 2 ** 30, 2)} GiB`),
  ),
  row(
    'VACUUM (ANALYZE) after the load, not in the load time',
    results.map((f) => `${fmt(f.vacuumMs / 1000, 1)} s`),
  ),
  ...[0, 1].map((run) =>
    row(
      `Compliance scan, ${run === 0 ? 'first run' : 'second run (idempotent)'}`,
      results.map((f) => {
        const s = f.scans[run] as Timed<ScanResult>
        const target =
          f.kind === 'postgres' ? `, target ${fmt(TARGET_SCAN_MS)} ms: ${met(s.result.millis < TARGET_SCAN_MS)}` : ''
        return `${fmt(s.result.millis)} ms${target}`
      }),
    ),
  ),
  ...[0, 1].map((run) =>
    row(
      `Scan ${run + 1}: registrations / new breaches / new tasks`,
      results.map((f) => {
        const s = (f.scans[run] as Timed<ScanResult>).result
        return `${fmt(s.registrations)} / ${fmt(s.newBreaches)} / ${fmt(s.newTasks)}`
      }),
    ),
  ),
  row(
    'Read: force, its active registrants',
    results.map((f) => `${f.read.force}, ${fmt(f.read.registrantsOfForce)}`),
  ),
  ...readRunRows(
    results.map((f) => ({ runs: f.read.runs, target: f.kind === 'postgres' })),
    { runs: readRuns, rate, warmup, seconds },
  ),
]

const rowsTable = [
  row(
    'Table',
    results.map((f) => `${label(f)} rows`),
  ),
  `| --- |${results.map(() => ' ---: |').join('')}`,
  ...[...tables, 'person_fact (conviction)'].map((t) =>
    row(
      `\`${t}\``,
      results.map((f) => fmt(f.rows[t] ?? 0)),
    ),
  ),
]

const postgres = results.find((f) => f.kind === 'postgres')
const heading = results.map((f) => `${fmt(f.people)} persons on ${label(f)}`).join(', ')
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
const scanTarget =
  postgres === undefined
    ? 'not run'
    : met(
        (postgres.scans[0]?.result.millis ?? Infinity) < TARGET_SCAN_MS &&
          (postgres.scans[1]?.result.millis ?? Infinity) < TARGET_SCAN_MS,
      )
const readsMet = postgres?.read.runs.filter((r) => r.p99 < TARGET_READ_P99_MS && r.load.errors === 0).length ?? 0
const readTarget =
  postgres === undefined
    ? 'not run'
    : `${met(readsMet === readRuns)}${readRuns > 1 ? ` (met in ${readsMet} of ${readRuns} runs)` : ''}`
const section = [
  '',
  `## Register — ${new Date().toISOString().slice(0, 10)}, ${heading}`,
  '',
  '`npm run bench:register` (bench/register.ts): on a fresh database each, the population of `dasr demo-data',
  `--people N --convictions N\` (migrate and loadPopulation, seed ${seed}, batches of ${fmt(batchSize)}, as of today), then`,
  '`VACUUM (ANALYZE)` (timed apart, as autovacuum would have done), then the full compliance scan as the system actor',
  '(`dasr scan`) twice, then `GET /api/v1/people/:id` (the whole record, `X-Justification: benchmark`) on the real',
  'server (buildServer on 127.0.0.1) with an API token of the registrar of the force with the most active registrations,',
  `over random active registrants of that force, at a fixed arrival rate of ${rate} requests/s: ${readRuns} run${readRuns === 1 ? '' : 's'} of ${seconds} s,`,
  `each after a ${warmup} s warm-up that is not counted (open model: a worker thread starts requests on schedule over`,
  "keep-alive connections with Node's fetch; latency from when each was due to its last byte). The server's rate limits",
  '(300 requests a minute per user by default) were raised for the run, so they ran but refused nothing. Each read also',
  "writes its audit entry (DPA 2018 s.62), as in service. During each run: the server's event-loop delay and GC pauses,",
  'and on PostgreSQL the blocks read from outside shared buffers and the WAL syncs with their time (track_io_timing and',
  "track_wal_io_timing set on the run's database; WAL syncs are counted for the whole server).",
  'Targets (PostgreSQL at 1,000,000 persons): a full scan under',
  `${fmt(TARGET_SCAN_MS)} ms: ${scanTarget}; read p99 under ${TARGET_READ_P99_MS} ms at 200 requests/s: ${readTarget}. PGlite: reported.`,
  `${process.version} on ${cpu} (${cpus().length} cores, ${fmt(totalmem() / 2 ** 30)} GiB), ${server} on the same machine`,
  `(connection pool ${process.env.DATABASE_POOL_SIZE ?? 10}); run at ${new Date().toISOString()}.`,
  ...(args.note ? [`Note: ${args.note}`] : []),
  '',
  ...table,
  '',
  ...rowsTable,
  '',
].join('\n')

console.log(section)
if (!args['no-append']) {
  const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  appendFileSync(target, section)
  console.log(`appended to ${target}`)
}
