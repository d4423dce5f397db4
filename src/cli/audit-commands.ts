import { systemActor } from '../app/actor.ts'
import { migrate } from '../store/migrate.ts'
import { type CliResult, help, json, noPositionals, ok, parse, UsageError } from './common.ts'
import { appContext, withDatabase } from './register-commands.ts'

// `dasr audit verify` and `dasr audit checkpoint`: the checks of the audit
// trail that CI and a nightly job run (security-anchors §5; ASVS 16.4.2, 16.4.3).

export const auditHelp = `dasr audit verify [--checkpoints DIR] [--json]
dasr audit checkpoint --to DIR

  verify      Recompute the audit trail's hash chain from its genesis value. Prints
              "N entries, chain valid, head = HASH" and exits 0, or names the first
              entry edited, deleted, inserted or moved and exits 1. With --checkpoints,
              also checks the chain against the checkpoints exported to DIR, which
              shows a truncated or rewritten chain. The check is itself audited.
  checkpoint  Append the chain's head {seq, hash, at} to DIR/audit-checkpoints.jsonl
              (DIR on another system than the database) and record that it did.

Uses DATABASE_URL, or PGlite in DATA_DIR (./data).`

export async function auditCommand(args: string[]): Promise<CliResult> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'verify':
      return verify(rest)
    case 'checkpoint':
      return checkpoint(rest)
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      return ok(auditHelp)
    default:
      throw new UsageError(`dasr: unknown audit command ${JSON.stringify(sub)} (expected verify or checkpoint)`)
  }
}

async function verify(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { checkpoints: { type: 'string' }, json: { type: 'boolean' }, help })
  noPositionals(positionals)
  if (values.help) return ok(auditHelp)
  const { CheckpointsUnreadable, verifyAuditTrail } = await import('../app/audit-trail.ts')
  return withDatabase(async (db) => {
    await migrate(db)
    let report: Awaited<ReturnType<typeof verifyAuditTrail>>
    try {
      report = await verifyAuditTrail(
        { app: await appContext(db), actor: { ...systemActor, origin: 'cli' } },
        { checkpointsDir: values.checkpoints },
      )
    } catch (error) {
      if (error instanceof CheckpointsUnreadable) throw new UsageError(`--checkpoints: ${error.message}`)
      throw error
    }
    const plural = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`
    const anchors =
      report.checkpoints === 0 ? '' : `, ${report.checkpoints} checkpoint${report.checkpoints === 1 ? '' : 's'} checked`
    const text =
      report.firstBroken === undefined
        ? `${plural(report.entries)}, chain valid, head = ${report.head}${anchors}`
        : `${plural(report.entries)} valid, then chain broken at entry ${report.firstBroken.seq}: ${report.firstBroken.reason}`
    const stdout = `${values.json ? json(report) : text}\n`
    return report.valid ? { code: 0, stdout, stderr: '' } : { code: 1, stdout, stderr: `dasr: ${text}\n` }
  })
}

async function checkpoint(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { to: { type: 'string' }, help })
  noPositionals(positionals)
  if (values.help) return ok(auditHelp)
  if (values.to === undefined || values.to.trim() === '') {
    throw new UsageError('dasr: audit checkpoint needs --to DIR (a directory on another system than the database)')
  }
  const dir = values.to
  const { exportCheckpoint } = await import('../app/audit-trail.ts')
  return withDatabase(async (db) => {
    await migrate(db)
    const written = await exportCheckpoint(db, dir)
    return ok(`checkpoint: entry ${written.seq}, head = ${written.hash}, appended to ${written.file}`)
  })
}
