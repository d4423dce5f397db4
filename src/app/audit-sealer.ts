import { sealAuditEntries } from '../store/audit-chain.ts'
import type { Database } from '../store/database.ts'

// The server seals the audit trail's new entries into its hash chain on a
// short schedule (decision 0011): the delay between an entry's commit and its
// sealing is the only time it is not yet tamper-evident, so it is kept to
// about a second. Runs never overlap; several servers take turns at the
// chain head's lock.

export interface AuditSealer {
  /** Stops the schedule, then seals what is left. */
  stop(): Promise<void>
}

export function startAuditSealer(
  db: Database,
  everyMs: number,
  onError: (error: Error) => void = (error) =>
    process.stderr.write(`dasr: sealing the audit trail failed (will retry): ${error.message}\n`),
): AuditSealer {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const tick = () => {
    running = sealAuditEntries(db)
      .then(
        () => undefined,
        (error: unknown) => onError(error as Error),
      )
      .finally(() => {
        if (!stopped) schedule()
      })
  }
  const schedule = () => {
    timer = setTimeout(tick, everyMs)
    timer.unref()
  }
  schedule()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      await sealAuditEntries(db).catch((error: unknown) => onError(error as Error))
    },
  }
}

/**
 * Exports a checkpoint of the chain's head to `dir` on a schedule (ASVS
 * 16.4.3: a store the database's administrators cannot write), and once more
 * on stop. Each export seals first, so it covers everything written before it.
 */
export function startCheckpointExports(
  db: Database,
  dir: string,
  everyMs: number,
  onError: (error: Error) => void = (error) =>
    process.stderr.write(`dasr: exporting an audit checkpoint failed (will retry): ${error.message}\n`),
): AuditSealer {
  const exportOne = async () => {
    const { exportCheckpoint } = await import('./audit-trail.ts')
    await exportCheckpoint(db, dir)
  }
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    if (stopped) return
    running = running.then(() => exportOne().catch((error: unknown) => onError(error as Error)))
  }, everyMs)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
      await exportOne().catch((error: unknown) => onError(error as Error))
    },
  }
}
