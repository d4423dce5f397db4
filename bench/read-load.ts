import { loadavg } from 'node:os'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { buildServer } from '../src/api/server.ts'
import { startAuditSealer } from '../src/app/audit-sealer.ts'
import type { AppContext } from '../src/app/context.ts'
import { issueToken } from '../src/app/directory.ts'
import type { Database } from '../src/store/database.ts'
import type { LoadPlan, LoadResult } from './open-load.ts'

// The read measurement shared by bench/register.ts (on the database it has
// just loaded) and bench/read.ts (on one already loaded): the real HTTP server
// (buildServer, listening on a port of 127.0.0.1) over the database; an API
// token (scope "*") for the registrar of the force with the most active
// registrations; a worker thread (./open-load.ts) drives
// `GET /api/v1/people/:id` (X-Justification: benchmark) over random active
// registrants of that force at a fixed arrival rate (open model: requests
// start on schedule whether or not earlier ones have answered), a number of
// runs, each after a warm-up at the same rate that is not counted. Latency is
// from the moment a request was due to the last byte of its body. Beside it:
// the server's event-loop delay and GC pauses, and on PostgreSQL the blocks
// read from outside shared buffers and the WAL syncs, with their time, so a
// slow tail can be told apart. The server's rate limits (300 a minute per user
// by default) are raised for the run, so they are in the path but never refuse.

export const TARGET_READ_P99_MS = 25

/** Raised for the run (src/api/hardening.ts defaults: 3,000 per address and 300 per user a minute). */
export const benchRateLimit = { perIp: 100_000_000, perActor: 100_000_000, windowMs: 60_000 }

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
export const log = (text: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`)

export const met = (ok: boolean) => (ok ? 'met' : '**not met**')
export const row = (measure: string, values: string[]) => `| ${measure} | ${values.join(' | ')} |`
export const ms = (value: number) => fmt(value, value < 100 ? 1 : 0)

export interface ReadOptions {
  /** Requests per second. */
  rate: number
  /** Seconds of each measured run, and of the warm-up before it. */
  seconds: number
  warmup: number
  /** Runs, one after another, each with its warm-up and its own draw of registrants (seed + run). */
  runs: number
  seed: number
  /** The label of the API token issued for the reads. */
  tokenLabel: string
  /** Revoke that token when the reads are over (on a register that is kept). */
  revokeToken?: boolean
}

export interface ReadFigures {
  force: string
  registrantsOfForce: number
  runs: ReadRun[]
}

/** What PostgreSQL did during the measured reads (pg_stat_database of the run's database, pg_stat_wal of the server). */
export interface DatabaseCounters {
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

export interface ReadRun {
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

export async function databaseCounters(db: Database): Promise<DatabaseCounters> {
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

export function difference(before: DatabaseCounters, after: DatabaseCounters): DatabaseCounters {
  const out = { ...after }
  for (const key of Object.keys(out) as (keyof DatabaseCounters)[]) out[key] = after[key] - before[key]
  return out
}

export const describeCounters = (c: DatabaseCounters) =>
  `${fmt(c.blocksRead)} blocks read outside shared buffers (${fmt((100 * c.blocksRead) / Math.max(1, c.blocksRead + c.blocksHit), 1)}%), ${fmt(c.blockReadMs / Math.max(1, c.blocksRead), 2)} ms each; ${fmt(c.walSyncs)} WAL syncs, ${fmt(c.walSyncMs / Math.max(1, c.walSyncs), 2)} ms each; ${fmt(c.checkpoints)} checkpoints`

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)

export async function readOverHttp(
  db: Database,
  app: AppContext,
  kind: string,
  options: ReadOptions,
): Promise<ReadFigures> {
  const { rate, seconds, warmup } = options
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
  const token = await issueToken(db, registrar.id, options.tokenLabel, ['*'], 1)

  const server = await buildServer({ app, hardening: { rateLimit: benchRateLimit } })
  const address = await server.listen({ port: 0, host: '127.0.0.1' })
  // As `dasr serve` does: the reads' audit entries are sealed into the chain every second (decision 0011).
  const sealer = startAuditSealer(db, 1_000)
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
    for (let run = 1; run <= options.runs; run++)
      runs.push(await readRun(db, kind, run, { base, headers, ids }, options))
    return { force: busiest.org, registrantsOfForce: ids.length, runs }
  } finally {
    await server.close()
    await sealer.stop()
    if (options.revokeToken) {
      await db.execute(
        'UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND label = $2 AND revoked_at IS NULL',
        [registrar.id, options.tokenLabel],
      )
    }
  }
}

/** One run of reads at the fixed rate, with what the server and the database did meanwhile. */
export async function readRun(
  db: Database,
  kind: string,
  run: number,
  target: Pick<LoadPlan, 'base' | 'headers' | 'ids'>,
  options: ReadOptions,
): Promise<ReadRun> {
  const { rate, seconds, warmup, seed } = options
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

/** One column of the report: the runs of one database, and whether the p99 target applies to it. */
export interface ReadColumn {
  runs: ReadRun[]
  target: boolean
}

/** The report's rows for each read run, one value per column. */
export function readRunRows(
  columns: readonly ReadColumn[],
  plan: Pick<ReadOptions, 'runs' | 'rate' | 'warmup' | 'seconds'>,
): string[] {
  return Array.from({ length: plan.runs }, (_, i) => i).flatMap((i) => {
    const each = (describe: (r: ReadRun, f: ReadColumn) => string) =>
      columns.map((f) => {
        const r = f.runs[i]
        return r === undefined ? '' : describe(r, f)
      })
    return [
      row(
        `Read run ${i + 1}: requests at ${plan.rate}/s (after ${plan.warmup} s warm-up), mean body`,
        each((r) => `${fmt(r.load.requests)} over ${fmt(r.load.spanMs / 1000, 1)} s, ${fmt(r.bodyBytes)} bytes`),
      ),
      row(
        `Read run ${i + 1}: latency p50 / p95 / **p99** / max ms`,
        each(
          (r, f) =>
            `${ms(r.p50)} / ${ms(r.p95)} / **${ms(r.p99)}** / ${ms(r.max)}${f.target ? ` (target p99 ${TARGET_READ_P99_MS}: ${met(r.p99 < TARGET_READ_P99_MS)})` : ''}`,
        ),
      ),
      row(
        `Read run ${i + 1}: errors (status counts); seconds with a read over ${TARGET_READ_P99_MS} ms`,
        each(
          (r) =>
            `${fmt(r.load.errors)} (${Object.entries(r.load.statuses)
              .map(([status, n]) => `${status}: ${fmt(n)}`)
              .join(', ')}); ${r.slowSeconds} of ${plan.seconds}`,
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
  })
}
