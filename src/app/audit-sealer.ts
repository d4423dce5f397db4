import { sealAuditEntries } from '../store/audit-chain.ts'
import type { Database } from '../store/database.ts'
import { exportCheckpoint } from './audit-trail.ts'

// The server's audit jobs (decision 0011). It seals new entries into the hash
// chain on a short schedule: the delay between an entry's commit and its
// sealing is the only time it is not yet tamper-evident, so it is kept to
// about a second. It may also export checkpoints of the chain's head to a
// store outside the database (ASVS 16.4.3). Runs of a job never overlap;
// several servers take turns at the chain head's lock.

export interface AuditJob {
  /** Stops the schedule, waits for a run under way, then runs once more. */
  stop(): Promise<void>
}

type OnError = (error: Error) => void

export function startAuditSealer(
  db: Database,
  everyMs: number,
  onError: OnError = (error) =>
    process.stderr.write(`dasr: sealing the audit trail failed (will retry): ${error.message}\n`),
): AuditJob {
  return every(everyMs, () => sealAuditEntries(db), onError)
}

/** Exports a checkpoint to `dir` on a schedule, and on stop; each export seals first, so it covers everything before it. */
export function startCheckpointExports(
  db: Database,
  dir: string,
  everyMs: number,
  onError: OnError = (error) =>
    process.stderr.write(`dasr: exporting an audit checkpoint failed (will retry): ${error.message}\n`),
): AuditJob {
  return every(everyMs, () => exportCheckpoint(db, dir), onError)
}

/** Runs `job` `everyMs` after the end of its last run, and once more on stop; a failure is reported and retried. */
function every(everyMs: number, job: () => Promise<unknown>, onError: OnError): AuditJob {
  const run = () =>
    job().then(
      () => undefined,
      (error: unknown) => onError(error as Error),
    )
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const schedule = () => {
    timer = setTimeout(() => {
      running = run().finally(() => {
        if (!stopped) schedule()
      })
    }, everyMs)
    timer.unref()
  }
  schedule()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      await run()
    },
  }
}
