import { appendFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { appContext } from '../src/cli/register-commands.ts'
import { type Database, openDatabase } from '../src/store/database.ts'
import { positive } from './args.ts'
import { fmt, log, met, readOverHttp, readRunRows, row, TARGET_READ_P99_MS } from './read-load.ts'

// npm run bench:read [-- --rate N --seconds N --warmup N --runs N --seed S --wait SECONDS --no-append --note TEXT]
//
// The read of bench/register.ts (bench/read-load.ts: `GET /api/v1/people/:id`
// on the real server at a fixed arrival rate, runs after an uncounted warm-up)
// alone, on a register already loaded (by `dasr demo-data` or
// `npm run bench:register -- --keep`) in the PostgreSQL database named by
// DATABASE_URL. Nothing is loaded, migrated, vacuumed or dropped: the only
// writes are the API token issued for the run (revoked at the end) and the
// audit entry each read writes, as in service. Other work on the machine or
// the same server shows in the tail, so the machine's load average is waited
// on (up to --wait seconds, 120 by default, for it to fall to LOAD_LIMIT) and
// reported.

const LOAD_LIMIT = 1.5

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '20261124' },
    wait: { type: 'string', default: '120' },
    'no-append': { type: 'boolean', default: false },
    note: { type: 'string' },
  },
})

const rate = positive('rate', args.rate)
const seconds = positive('seconds', args.seconds)
const warmup = positive('warmup', args.warmup, true)
const runs = positive('runs', args.runs)
const seed = positive('seed', args.seed, true)
const waitSeconds = positive('wait', args.wait, true)
const databaseUrl = process.env.DATABASE_URL?.trim()
if (!databaseUrl) {
  console.error('DATABASE_URL must name the PostgreSQL database of an already loaded register')
  process.exit(2)
}

const ioTiming = '-c track_io_timing=on -c track_wal_io_timing=on'

/**
 * The URL the run's connections use: with I/O timing switched on for them
 * (superuser settings, for the blocks' and WAL syncs' time), if the server
 * allows it; the database itself is not altered.
 */
async function timedUrl(url: string): Promise<{ url: string; timing: boolean }> {
  const withTiming = new URL(url)
  if (withTiming.searchParams.has('options')) return { url, timing: false }
  withTiming.searchParams.set('options', ioTiming)
  const client = new pg.Client({ connectionString: withTiming.toString() })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return { url: withTiming.toString(), timing: true }
  } catch (error) {
    log(`I/O timing not recorded: ${(error as Error).message}`)
    return { url, timing: false }
  } finally {
    await client.end().catch(() => {})
  }
}

async function one<T extends Record<string, unknown>>(db: Database, sql: string): Promise<T> {
  const [first] = await db.query<T>(sql)
  if (first === undefined) throw new Error(`no row from ${sql}`)
  return first
}

/** Waits (a while at most) for the machine to be quiet; the load average it started at is reported. */
async function quietMachine(): Promise<{ before: number; start: number; waitedSeconds: number }> {
  const before = loadavg()[0] ?? 0
  const started = performance.now()
  let load = before
  while (load > LOAD_LIMIT && performance.now() - started < waitSeconds * 1000) {
    log(`machine load average ${fmt(load, 2)} is above ${LOAD_LIMIT}: waiting`)
    await sleep(10_000)
    load = loadavg()[0] ?? 0
  }
  return { before, start: load, waitedSeconds: Math.round((performance.now() - started) / 1000) }
}

const connection = await timedUrl(databaseUrl)
const db = await openDatabase({ databaseUrl: connection.url })
let section: string
try {
  if (db.kind !== 'postgres') throw new Error('bench:read measures a PostgreSQL server')
  const server = await one<{ version: string; shared_buffers: string; database: string; size: number }>(
    db,
    `SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers,
            current_database() AS database, pg_database_size(current_database())::bigint AS size`,
  )
  const register = await one<{ persons: number; active: number }>(
    db,
    `SELECT (SELECT count(*) FROM person)::int AS persons,
            (SELECT count(*) FROM registration WHERE status = 'active')::int AS active`,
  )
  if (register.persons === 0) throw new Error(`database ${server.database} has no persons: load it first`)
  log(
    `database ${server.database}: ${fmt(register.persons)} persons, ${fmt(register.active)} active registrations, ${fmt(server.size / 2 ** 20)} MB; PostgreSQL ${server.version}`,
  )

  const load = await quietMachine()
  log(`machine load average (1 min) ${fmt(load.start, 2)} at the start`)
  const app = await appContext(db)
  const read = await readOverHttp(db, app, 'postgres', {
    rate,
    seconds,
    warmup,
    runs,
    seed,
    tokenLabel: `bench/read.ts ${new Date().toISOString()}`,
    revokeToken: true,
  })
  const loadAfter = loadavg()[0] ?? 0

  const runsMet = read.runs.filter((r) => r.p99 < TARGET_READ_P99_MS && r.load.errors === 0).length
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  const waited =
    load.waitedSeconds > 0
      ? ` (${fmt(load.before, 2)} when the run began; waited ${load.waitedSeconds} s for it to fall to ${LOAD_LIMIT})`
      : ''
  const table = [
    row('Measure', ['PostgreSQL']),
    '| --- | ---: |',
    row('Persons; active registrations', [`${fmt(register.persons)}; ${fmt(register.active)}`]),
    row('Read: force, its active registrants', [`${read.force}, ${fmt(read.registrantsOfForce)}`]),
    ...readRunRows([{ runs: read.runs, target: true }], { runs, rate, warmup, seconds }),
  ]
  section = [
    '',
    `## Read — ${new Date().toISOString().slice(0, 10)}, ${fmt(register.persons)} persons on PostgreSQL`,
    '',
    `\`npm run bench:read\` (bench/read.ts): the read of \`npm run bench:register\` alone, on a register already loaded`,
    `(database \`${server.database}\`; nothing loaded, migrated, vacuumed or dropped): \`GET /api/v1/people/:id\` (the whole`,
    'record, `X-Justification: benchmark`) on the real server (buildServer on 127.0.0.1) with an API token of the registrar',
    'of the force with the most active registrations (issued for the run, revoked after it), over random active registrants',
    `of that force, at a fixed arrival rate of ${rate} requests/s: ${runs} run${runs === 1 ? '' : 's'} of ${seconds} s, each after a ${warmup} s warm-up that is`,
    "not counted (open model: a worker thread starts requests on schedule over keep-alive connections with Node's fetch;",
    "latency from when each was due to its last byte). The server's rate limits (300 requests a minute per user by",
    'default) were raised for the run, so they ran but refused nothing. Each read also writes its audit entry (DPA 2018',
    "s.62), sealed into the audit chain every second, as in service (decision 0011). During each run: the server's event-loop delay and GC pauses, the blocks read from outside",
    'shared buffers (for the whole database) and the WAL syncs (for the whole server), so work of other sessions on the',
    `same server is counted too${connection.timing ? ", with their time (track_io_timing and track_wal_io_timing set on the run's own connections)" : '; their time was not recorded (I/O timing could not be set)'}.`,
    `Target (PostgreSQL at 1,000,000 persons): read p99 under ${TARGET_READ_P99_MS} ms at 200 requests/s${rate === 200 ? '' : ` (this run: ${rate} requests/s)`}: ${met(runsMet === runs)}${runs > 1 ? ` (met in ${runsMet} of ${runs} runs)` : ''}.`,
    `${process.version} on ${cpu} (${cpus().length} cores, ${fmt(totalmem() / 2 ** 30)} GiB), PostgreSQL ${server.version} on the same machine,`,
    `shared_buffers ${server.shared_buffers}, database ${fmt(server.size / 2 ** 20)} MB (connection pool ${process.env.DATABASE_POOL_SIZE ?? 10});`,
    `machine load average (1 min) at the start ${fmt(load.start, 2)}${waited}, after the last run ${fmt(loadAfter, 2)};`,
    `run at ${new Date().toISOString()}.`,
    ...(args.note ? [`Note: ${args.note}`] : []),
    '',
    ...table,
    '',
  ].join('\n')
} finally {
  await db.close()
}

console.log(section)
if (!args['no-append']) {
  const target = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  appendFileSync(target, section)
  console.log(`appended to ${target}`)
}
