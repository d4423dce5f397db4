import { isoDate } from '../contracts/register/fields.ts'
import { formatDay } from '../domain/dates/day.ts'
import { todayInLondon } from '../platform/today.ts'
import { openDatabase } from '../store/database.ts'
import { migrate } from '../store/migrate.ts'
import { type CliResult, help, noPositionals, ok, parse, UsageError } from './common.ts'
import { closeSealed, softwareVersion } from './register-commands.ts'

// dasr demo-data --people N --seed S [--as-of DATE] [--convictions N] [--batch N]
//
// Fills the register named by DATABASE_URL (or PGlite in DATA_DIR, ./data)
// with a synthetic population shaped by the register report's figures (see
// src/demo/population.ts). Every person is invented.

const usage = `dasr demo-data --people N [--seed S] [--as-of YYYY-MM-DD] [--convictions N] [--batch N]

Fills the register with N synthetic persons (every one invented) whose shape
follows the register report: most never convicted, few custodial sentences,
about 2 victims per perpetrator, a serial tail. Eligible persons are
determined by the legal core and most are registered, with notifications and
home visits, so the compliance scan finds met and overdue obligations.

  --people N        how many persons (required)
  --seed S          the same seed gives the same population (default 1)
  --as-of DATE      "today" for the population (default: today in London)
  --convictions N   about N convictions in all, for benchmarks (default: the report's shape)
  --batch N         persons per transaction (default 2000)

Writes to DATABASE_URL, or PGlite in DATA_DIR (./data). A seed already loaded is refused.`

function wholeNumber(option: string, text: string | undefined, min: number, fallback?: number): number {
  if (text === undefined) {
    if (fallback !== undefined) return fallback
    throw new UsageError(`dasr: demo-data needs --${option} (run "dasr demo-data --help")`)
  }
  const value = Number(text.replaceAll('_', ''))
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${option}: must be a whole number of at least ${min}, got ${JSON.stringify(text)}`)
  }
  return value
}

export async function demoDataCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, {
    people: { type: 'string' },
    seed: { type: 'string' },
    'as-of': { type: 'string' },
    convictions: { type: 'string' },
    batch: { type: 'string' },
    help,
  })
  noPositionals(positionals)
  if (values.help) return ok(usage)
  const people = wholeNumber('people', values.people, 1)
  const seed = wholeNumber('seed', values.seed, 0, 1)
  const batchSize = wholeNumber('batch', values.batch, 1, 2000)
  const convictions = values.convictions === undefined ? undefined : wholeNumber('convictions', values.convictions, 0)
  let asOf = formatDay(todayInLondon())
  if (values['as-of'] !== undefined) {
    const parsed = isoDate.safeParse(values['as-of'])
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--as-of: ${issue.message}`))
    // The register's services refuse facts dated after today, so the population must not be.
    if (parsed.data > asOf) throw new UsageError(`--as-of: must not be in the future (today is ${asOf})`)
    asOf = parsed.data
  }
  if (people > 50_000_000) throw new UsageError('--people: at most 50,000,000')

  const { DemoDataConflict, loadPopulation } = await import('../demo/load.ts')
  const db = await openDatabase()
  try {
    await migrate(db)
    const progress = process.stderr.isTTY
      ? (done: number, total: number) =>
          process.stderr.write(`\rdemo-data: ${done.toLocaleString('en-GB')} / ${total.toLocaleString('en-GB')}`)
      : undefined
    const summary = await loadPopulation(db, {
      people,
      seed,
      asOf,
      convictions,
      batchSize,
      softwareVersion: await softwareVersion(),
      ...(progress === undefined ? {} : { onProgress: progress }),
    }).catch((error: unknown) => {
      if (error instanceof DemoDataConflict) throw new UsageError(`dasr: ${error.message}`)
      throw error
    })
    if (progress !== undefined) process.stderr.write('\n')
    const n = (value: number) => value.toLocaleString('en-GB')
    const pct = (part: number, whole: number) => (whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`)
    return ok(
      [
        `Loaded synthetic demo data into ${db.location} (seed ${seed}, as of ${asOf}):`,
        `  people         ${n(summary.people)} (${pct(summary.neverConvicted, summary.people)} never convicted)`,
        `  convictions    ${n(summary.convictions)}`,
        `  victims        ${n(summary.victims)} (${(summary.victims / Math.max(1, summary.people)).toFixed(2)} per person)`,
        `  facts          ${n(summary.facts)}`,
        `  determinations ${n(summary.determinations)} (${n(summary.referred)} referred, awaiting the registrar)`,
        `  registrations  ${n(summary.registrations)} (${n(summary.activeRegistrations)} active)`,
        `  notifications  ${n(summary.notifications)}; home visits ${n(summary.visits)}`,
        `  time           ${(summary.millis / 1000).toFixed(1)} s (${n(Math.round(summary.people / Math.max(0.001, summary.millis / 1000)))} persons/s)`,
        'Run "dasr scan" to find due and overdue obligations.',
      ].join('\n'),
    )
  } finally {
    await closeSealed(db)
  }
}
