import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { systemActor } from '../src/app/actor.ts'
import { scan } from '../src/app/compliance.ts'
import { appContext } from '../src/cli/register-commands.ts'
import { openDatabase } from '../src/store/database.ts'
import { positive } from './args.ts'

// npm run bench:scan -- [--runs N] [--as-of DATE] [--no-append] [--per-slice N] [--at-once N]
//   (DATABASE_URL names a loaded register)
//
// The full compliance scan alone, on a register already loaded (by
// `dasr demo-data --people 1000000 --convictions 3000000`, or a database kept by
// `npm run bench:register -- --keep`), without the hour of loading that
// bench:register spends first:
//
// 1. `dasr scan` as a user or cron runs it: a new process each time (new
//    connections, code not yet optimised by V8), --runs times.
// 2. The scan as the server's schedule runs it: one process, one connection
//    pool, --runs times after one warm-up run that is reported but not counted.
//
// The register is not changed except for what the scans raise, so a register
// already scanned as of the date gives the steady state (nothing new to raise).
// --per-slice and --at-once try other slice sizes and numbers of slices at
// once in step 2 (decision 0010); an entry is appended only with neither.
// Each run is printed with the machine's load average (1 min) after it: the
// machine may be shared, and a scan competes with whatever else runs.

const TARGET_MS = 2_000
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'as-of': { type: 'string', default: '2026-11-24' },
    'no-append': { type: 'boolean', default: false },
    'per-slice': { type: 'string' },
    'at-once': { type: 'string' },
  },
})
const runs = positive('runs', args.runs)
const options = {
  ...(args['per-slice'] === undefined ? {} : { registrationsPerSlice: positive('per-slice', args['per-slice']) }),
  ...(args['at-once'] === undefined ? {} : { slicesAtOnce: positive('at-once', args['at-once']) }),
}
const tried = Object.keys(options).length > 0
const asOf = args['as-of']
const url = process.env.DATABASE_URL
if (url === undefined || url === '') {
  console.error('bench:scan needs DATABASE_URL naming a loaded register')
  process.exit(2)
}

const root = fileURLToPath(new URL('..', import.meta.url))
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const loadBefore = loadavg()[0] ?? 0
const load = () => (loadavg()[0] ?? 0).toFixed(2)
const db = await openDatabase({ databaseUrl: url })
const [counts] = await db.query<{ persons: number; active: number; breaches: number }>(
  `SELECT (SELECT count(*)::int FROM person) AS persons,
          (SELECT count(*)::int FROM registration WHERE status = 'active') AS active,
          (SELECT count(*)::int FROM breach) AS breaches`,
)
const [server] = await db.query<{ version: string; shared_buffers: string; size: string }>(
  `SELECT version() AS version, current_setting('shared_buffers') AS shared_buffers,
          pg_size_pretty(pg_database_size(current_database())) AS size`,
)

const cli: number[] = []
for (let i = 0; i < runs; i++) {
  const out = execFileSync(process.execPath, ['bin/dasr.js', 'scan', '--as-of', asOf], { cwd: root, encoding: 'utf8' })
  const millis = Number(/\((\d+) ms\)/.exec(out)?.[1])
  cli.push(millis)
  console.log(`dasr scan ${i + 1}: ${millis} ms (load ${load()})`)
}

const app = await appContext(db)
const inProcess: number[] = []
let warmUp = 0
let last = { registrations: 0, newBreaches: 0, newTasks: 0 }
for (let i = 0; i <= runs; i++) {
  const result = await scan({ app, actor: systemActor }, { asOf }, options)
  if (i === 0) warmUp = result.millis
  else inProcess.push(result.millis)
  last = result
  console.log(`in process ${i === 0 ? 'warm-up' : i}: ${result.millis} ms (load ${load()})`)
}
await db.close()

const verdict = (ms: number) => (ms < TARGET_MS ? 'met' : '**not met**')
const entry = [
  '',
  `## Scan — ${new Date().toISOString().slice(0, 10)}, ${counts?.persons.toLocaleString('en-GB')} persons on PostgreSQL`,
  '',
  '`npm run bench:scan` (bench/scan.ts): the full compliance scan alone, as the system actor, on a register',
  'already loaded by `dasr demo-data` and already scanned as of the date (the steady state: nothing new to raise).',
  `\`dasr scan --as-of ${asOf}\` in a new process each time (the time it reports), then the scan in one process`,
  'with one connection pool, as the server schedule runs it, after a warm-up run. Target: under 2,000 ms.',
  `${process.version} on ${cpus()[0]?.model.trim()} (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB),`,
  `${server?.version.split(' on ')[0]}, shared_buffers ${server?.shared_buffers}, database ${server?.size};`,
  `machine load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadavg()[0]?.toFixed(2)}; run at ${new Date().toISOString()}.`,
  '',
  '| Measure | Value |',
  '| --- | ---: |',
  `| Active registrations scanned | ${last.registrations.toLocaleString('en-GB')} (breaches already raised: ${counts?.breaches.toLocaleString('en-GB')}) |`,
  `| New breaches / tasks in the last run | ${last.newBreaches} / ${last.newTasks} |`,
  `| \`dasr scan\`, new process: median (fastest–slowest) of ${runs} | ${median(cli).toLocaleString('en-GB')} ms (${Math.min(...cli).toLocaleString('en-GB')}–${Math.max(...cli).toLocaleString('en-GB')}): ${verdict(median(cli))} |`,
  `| In one process: warm-up run | ${warmUp.toLocaleString('en-GB')} ms |`,
  `| In one process: median (fastest–slowest) of ${runs} after it | ${median(inProcess).toLocaleString('en-GB')} ms (${Math.min(...inProcess).toLocaleString('en-GB')}–${Math.max(...inProcess).toLocaleString('en-GB')}): ${verdict(median(inProcess))} |`,
  '',
].join('\n')
console.log(entry)
if (tried) console.log(`(in process: ${JSON.stringify(options)}; not appended)`)
if (!args['no-append'] && !tried) appendFileSync(new URL('../BENCHMARKS.md', import.meta.url), entry)
