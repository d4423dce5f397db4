import { readFile } from 'node:fs/promises'
import { systemActor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { ValidationFailed } from '../app/errors.ts'
import { defaultRegisterSettings } from '../domain/register/settings.ts'
import { defaultLegalSettings } from '../domain/settings/legal-settings.ts'
import { todayInLondon } from '../platform/today.ts'
import { sealAuditEntries } from '../store/audit-chain.ts'
import { type Database, openDatabase } from '../store/database.ts'
import { migrate } from '../store/migrate.ts'
import { type CliResult, help, noPositionals, ok, parse, UsageError } from './common.ts'

// The register's commands: migrate, scan (and serve, in ./serve.ts). Each
// opens the database named by DATABASE_URL, or PGlite in DATA_DIR (./data).

export async function softwareVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8')
  return String((JSON.parse(text) as { version?: unknown }).version)
}

/** The composition root: one application context over one database. */
export async function appContext(db: Database): Promise<AppContext> {
  return {
    db,
    settings: defaultRegisterSettings,
    legal: defaultLegalSettings,
    today: todayInLondon,
    softwareVersion: await softwareVersion(),
  }
}

export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase()
  try {
    return await work(db)
  } finally {
    await closeSealed(db)
  }
}

/**
 * Seals what this command wrote to the audit trail into its hash chain
 * (decision 0011), then closes. A command may run where no server seals on a
 * schedule; if sealing fails, the entries stay pending for the next sealer.
 */
export async function closeSealed(db: Database): Promise<void> {
  try {
    await sealAuditEntries(db)
  } catch (error) {
    process.stderr.write(`dasr: the audit trail's new entries were not sealed yet: ${(error as Error).message}\n`)
  } finally {
    await db.close()
  }
}

export async function migrateCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { help })
  noPositionals(positionals)
  if (values.help) return ok('dasr migrate: apply the database migrations not yet applied')
  return withDatabase(async (db) => {
    const applied = await migrate(db)
    return ok(
      applied.length === 0
        ? `${db.location}: up to date`
        : `${db.location}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: ${applied.join(', ')}`,
    )
  })
}

export async function scanCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { 'as-of': { type: 'string' }, json: { type: 'boolean' }, help })
  noPositionals(positionals)
  if (values.help)
    return ok('dasr scan [--as-of YYYY-MM-DD] [--json]: find due and overdue obligations, record suspected breaches')
  return withDatabase(async (db) => {
    await migrate(db)
    const { scan } = await import('../app/compliance.ts')
    try {
      const result = await scan(
        { app: await appContext(db), actor: systemActor },
        values['as-of'] === undefined ? {} : { asOf: values['as-of'] },
      )
      if (values.json) return ok(JSON.stringify(result, null, 2))
      return ok(
        `Compliance scan as of ${result.asOf}: ${result.registrations} active registrations, ${result.newBreaches} new suspected breaches, ${result.newTasks} new tasks (${result.millis} ms)`,
      )
    } catch (error) {
      if (error instanceof ValidationFailed) {
        throw new UsageError(error.problems.map((p) => `--as-of: ${p.message}`))
      }
      throw error
    }
  })
}
