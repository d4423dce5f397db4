import { randomBytes } from 'node:crypto'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { buildServer } from '../src/api/server.ts'
import { systemActor } from '../src/app/actor.ts'
import { type ScanResult, scan } from '../src/app/compliance.ts'
import { issueToken } from '../src/app/directory.ts'
import { appContext, softwareVersion } from '../src/cli/register-commands.ts'
import { type LoadSummary, loadPopulation } from '../src/demo/load.ts'
import { formatDay } from '../src/domain/dates/day.ts'
import { todayInLondon } from '../src/platform/today.ts'
import { type Database, openDatabase } from '../src/store/database.ts'
import { migrate } from '../src/store/migrate.ts'
import { positive } from './args.ts'
import type { LoadPlan, LoadResult } from './open-load.ts'

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
const TARGET_READ_P99_MS = 25

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
/** Raised for the run (src/api/hardening.ts defaults: 3,000 per address and 300 per user a minute). */
const benchRateLimit = { perIp: 100_000_000, perActor: 100_000_000, windowMs: 60_000 }

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const log = (text: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`)

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

interface ReadFigures {
  force: string
  registrantsOfForce: number
  runs: ReadRun[]
}

/** What PostgreSQL did during the measured reads (pg_stat_database of the run's database, pg_stat_wal of the server). */
interface DatabaseCounters {
  /** Blocks read from outside shared buffers (the OS cache or the disk), and the time spent reading them. */
  blocksRead: number
  blocksHit: number
  blockReadMs: number
  /** WAL syncs (commits) of the whole server, and their time (with track_wal_io_timing). */
  walSyncs: number
  walSyncMs: number
  /** Checkpoints started (pg_stat_bgwriter). */
  checkpoints: number
}

interface ReadRun {
  bodyBytes: number
  load: LoadResult
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
  /** Seconds of the run (by when requests were due) with at least one read over the target, and the worst ones. */
  slowSeconds: number
  worstSeconds: string[]
  /** The server's process while the measured reads ran. */
  server: {
    loopDelayP99Ms: number
    loopDelayMaxMs: number
    gcCount: number
    gcTotalMs: number
    gcMaxMs: number
    loadBefore: number
    loadAfter: number
  }
  database?: DatabaseCounters
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

  const read = await readOverHttp(db, app, kind)
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

async function databaseCounters(db: Database): Promise<DatabaseCounters> {
  const [row] = await db.query<Record<keyof DatabaseCounters, number>>(
    `SELECT d.blks_read::float8 AS "blocksRead", d.blks_hit::float8 AS "blocksHit", d.blk_read_time AS "blockReadMs",
            w.wal_sync::float8 AS "walSyncs", w.wal_sync_time AS "walSyncMs",
            (b.checkpoints_timed + b.checkpoints_req)::float8 AS checkpoints
       FROM pg_stat_database d, pg_stat_wal w, pg_stat_bgwriter b
      WHERE d.datname = current_database()`,
  )
  if (row === undefined) throw new Error('pg_stat_database has no row for this database')
  return row
}

function difference(before: DatabaseCounters, after: DatabaseCounters): DatabaseCounters {
  const out = { ...after }
  for (const key of Object.keys(out) as (keyof DatabaseCounters)[]) out[key] = after[key] - before[key]
  return out
}

const describeCounters = (c: DatabaseCounters) =>
  `${fmt(c.blocksRead)} blocks read outside shared buffers (${fmt((100 * c.blocksRead) / Math.max(1, c.blocksRead + c.blocksHit), 1)}%), ${fmt(c.blockReadMs / Math.max(1, c.blocksRead), 2)} ms each; ${fmt(c.walSyncs)} WAL syncs, ${fmt(c.walSyncMs / Math.max(1, c.walSyncs), 2)} ms each; ${fmt(c.checkpoints)} checkpoints`

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)

async function readOverHttp(
  db: Database,
  app: Awaited<ReturnType<typeof appContext>>,
  kind: string,
): Promise<ReadFigures> {
  const [busiest] = await db.query<{ org: string; n: number }>(
    `SELECT p.managing_org_id AS org, count(*)::int AS n
       FROM registration r JOIN person p ON p.id = r.person_id
      WHERE r.status = 'active' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
  )
  if (busiest === undefined) throw new Error('no active registrations to read')
  const [registrar] = await db.query<{ id: string }>(
    `SELECT id FROM app_user WHERE organisation_id = $1 AND 'registrar' = ANY(roles) ORDER BY email LIMIT 1`,
    [busiest.org],
  )
  if (registrar === undefined) throw new Error(`no registrar in ${busiest.org}`)
  const ids = (
    await db.query<{ person_id: string }>(
      `SELECT r.person_id FROM registration r JOIN person p ON p.id = r.person_id
        WHERE r.status = 'active' AND p.managing_org_id = $1 ORDER BY r.person_id`,
      [busiest.org],
    )
  ).map((row) => row.person_id)
  const token = await issueToken(db, registrar.id, 'bench/register.ts', ['*'], 1)

  const server = await buildServer({ app, hardening: { rateLimit: benchRateLimit } })
  const address = await server.listen({ port: 0, host: '127.0.0.1' })
  try {
    const headers = { authorization: `Bearer ${token}`, 'x-justification': 'benchmark' }
    const base = `${address}/api/v1/people/`
    // One read first: the route answers, and the record is whole.
    const probe = await fetch(`${base}${ids[0]}`, { headers })
    const text = await probe.text()
    if (probe.status !== 200) throw new Error(`GET ${base}${ids[0]}: ${probe.status} ${text.slice(0, 500)}`)
    const record = JSON.parse(text) as { registrations?: unknown[]; access?: { reach?: string } }
    if ((record.registrations?.length ?? 0) === 0) throw new Error(`the record read has no registration: ${text}`)
    log(
      `${kind}: reading ${fmt(ids.length)} registrants of ${busiest.org} (reach ${record.access?.reach}, ${fmt(text.length)} bytes) at ${rate}/s for ${warmup} + ${seconds} s`,
    )
    const runs: ReadRun[] = []
    for (let run = 1; run <= readRuns; run++) runs.push(await readRun(db, kind, run, { base, headers, ids }))
    return { force: busiest.org, registrantsOfForce: ids.length, runs }
  } finally {
    await server.close()
  }
}

/** One run of reads at the fixed rate, with what the server and the database did meanwhile. */
async function readRun(
  db: Database,
  kind: string,
  run: number,
  target: Pick<LoadPlan, 'base' | 'headers' | 'ids'>,
): Promise<ReadRun> {
  const plan: LoadPlan = { ...target, rate, warmupSeconds: warmup, seconds, seed: seed + run }
  // What the server's own process does while the measured reads run: its event loop's delay
  // (a stall of the loop delays every read in flight) and garbage collection pauses.
  const loop = monitorEventLoopDelay({ resolution: 5 })
  const gc = { count: 0, totalMs: 0, maxMs: 0 }
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++
      gc.totalMs += entry.duration
      gc.maxMs = Math.max(gc.maxMs, entry.duration)
    }
  })
  let loadBefore = 0
  let before: Promise<DatabaseCounters> | undefined
  const load = await new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('./open-load.ts', import.meta.url), { workerData: plan })
    worker.on('message', (message: LoadResult | 'measuring') => {
      if (message !== 'measuring') {
        resolve(message)
        return
      }
      loop.enable()
      gcObserver.observe({ entryTypes: ['gc'] })
      loadBefore = loadavg()[0] ?? 0
      if (db.kind === 'postgres') before = databaseCounters(db)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with ${code}`))
    })
  })
  loop.disable()
  gcObserver.disconnect()
  const loadAfter = loadavg()[0] ?? 0
  const database = before === undefined ? undefined : difference(await before, await databaseCounters(db))
  const sorted = load.latencies.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  // Per second of the run, by when the requests were due: is a slow tail one episode or spread out?
  const perSecond: { second: number; max: number; over: number; n: number }[] = []
  for (const [i, latency] of load.latencies.entries()) {
    const second = Math.floor(i / rate)
    const slice = perSecond[second] ?? { second, max: 0, over: 0, n: 0 }
    perSecond[second] = slice
    slice.n++
    slice.max = Math.max(slice.max, latency)
    if (latency >= TARGET_READ_P99_MS) slice.over++
  }
  const worst = perSecond
    .filter((slice) => slice.over > 0)
    .sort((a, b) => b.max - a.max)
    .slice(0, 3)
    .map(
      (slice) =>
        `second ${slice.second + 1}: ${slice.over} of ${slice.n} over ${TARGET_READ_P99_MS} ms, max ${fmt(slice.max)} ms`,
    )
  const figures: ReadRun = {
    bodyBytes: load.bytes / Math.max(1, load.requests),
    load,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    slowSeconds: perSecond.filter((slice) => slice.over > 0).length,
    worstSeconds: worst,
    server: {
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      gcCount: gc.count,
      gcTotalMs: gc.totalMs,
      gcMaxMs: gc.maxMs,
      loadBefore,
      loadAfter,
    },
    ...(database === undefined ? {} : { database }),
  }
  log(
    `${kind}: read run ${run}: ${fmt(load.requests)} reads over ${fmt(load.spanMs / 1000, 1)} s: p50 ${fmt(figures.p50, 1)} ms, p95 ${fmt(figures.p95, 1)} ms, p99 ${fmt(figures.p99, 1)} ms, max ${fmt(figures.max, 1)} ms, ${load.errors} errors ${JSON.stringify(load.statuses)}; most in flight ${load.maxInFlight}, largest start lag ${fmt(load.maxStartLagMs, 1)} ms`,
  )
  for (const sample of load.errorSamples) log(`${kind}: error: ${sample}`)
  const srv = figures.server
  log(
    `${kind}: read run ${run}: ${figures.slowSeconds} of ${seconds} seconds had a read over ${TARGET_READ_P99_MS} ms${worst.length > 0 ? ` (worst: ${worst.join('; ')})` : ''}; server event-loop delay p99 ${fmt(srv.loopDelayP99Ms, 1)} ms, max ${fmt(srv.loopDelayMaxMs, 1)} ms; GC ${srv.gcCount} pauses, ${fmt(srv.gcTotalMs)} ms, longest ${fmt(srv.gcMaxMs, 1)} ms; load average ${fmt(srv.loadBefore, 2)} → ${fmt(srv.loadAfter, 2)}${database === undefined ? '' : `; ${describeCounters(database)}`}`,
  )
  return figures
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
const met = (ok: boolean) => (ok ? 'met' : '**not met**')
const row = (measure: string, values: string[]) => `| ${measure} | ${values.join(' | ')} |`
const ms = (value: number) => fmt(value, value < 100 ? 1 : 0)

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
  ...Array.from({ length: readRuns }, (_, i) => i).flatMap((i) => {
    const each = (describe: (r: ReadRun, f: Figures) => string) =>
      results.map((f) => {
        const r = f.read.runs[i]
        return r === undefined ? '' : describe(r, f)
      })
    return [
      row(
        `Read run ${i + 1}: requests at ${rate}/s (after ${warmup} s warm-up), mean body`,
        each((r) => `${fmt(r.load.requests)} over ${fmt(r.load.spanMs / 1000, 1)} s, ${fmt(r.bodyBytes)} bytes`),
      ),
      row(
        `Read run ${i + 1}: latency p50 / p95 / **p99** / max ms`,
        each(
          (r, f) =>
            `${ms(r.p50)} / ${ms(r.p95)} / **${ms(r.p99)}** / ${ms(r.max)}${f.kind === 'postgres' ? ` (target p99 ${TARGET_READ_P99_MS}: ${met(r.p99 < TARGET_READ_P99_MS)})` : ''}`,
        ),
      ),
      row(
        `Read run ${i + 1}: errors (status counts); seconds with a read over ${TARGET_READ_P99_MS} ms`,
        each(
          (r) =>
            `${fmt(r.load.errors)} (${Object.entries(r.load.statuses)
              .map(([status, n]) => `${status}: ${fmt(n)}`)
              .join(', ')}); ${r.slowSeconds} of ${seconds}`,
        ),
      ),
      row(
        `Read run ${i + 1}: server event-loop delay p99 / max ms; GC pauses, total / longest ms`,
        each(
          (r) =>
            `${ms(r.server.loopDelayP99Ms)} / ${ms(r.server.loopDelayMaxMs)}; ${r.server.gcCount}, ${ms(r.server.gcTotalMs)} / ${ms(r.server.gcMaxMs)}`,
        ),
      ),
      row(
        `Read run ${i + 1}: blocks read outside shared buffers, ms each; WAL syncs, ms each; checkpoints`,
        each((r) =>
          r.database === undefined
            ? 'n/a'
            : `${fmt(r.database.blocksRead)} (${fmt((100 * r.database.blocksRead) / Math.max(1, r.database.blocksRead + r.database.blocksHit), 1)}% of blocks), ${fmt(r.database.blockReadMs / Math.max(1, r.database.blocksRead), 2)}; ${fmt(r.database.walSyncs)}, ${fmt(r.database.walSyncMs / Math.max(1, r.database.walSyncs), 2)}; ${fmt(r.database.checkpoints)}`,
        ),
      ),
      row(
        `Read run ${i + 1}: machine load average (1 min) before / after; most in flight; largest start lag ms`,
        each(
          (r) =>
            `${fmt(r.server.loadBefore, 2)} / ${fmt(r.server.loadAfter, 2)}; ${r.load.maxInFlight}; ${ms(r.load.maxStartLagMs)}`,
        ),
      ),
    ]
  }),
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
