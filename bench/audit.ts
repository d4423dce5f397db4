import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { systemActor } from '../src/app/actor.ts'
import { verifyAuditChain } from '../src/app/audit-trail.ts'
import { audit, auditMany } from '../src/app/context.ts'
import { sealAuditEntries } from '../src/store/audit-chain.ts'
import { type Database, openDatabase } from '../src/store/database.ts'
import { migrate } from '../src/store/migrate.ts'
import { positive } from './args.ts'

// node bench/audit.ts [--single N] [--batch-entries N] [--server URL]
//
// The cost of the audit trail's hash chain (decision 0006), on PGlite in memory
// and, with --server (an admin URL such as postgres://postgres@127.0.0.1:5432/postgres),
// on a PostgreSQL database created for the run and dropped after it:
// - one audit entry per transaction (a read through the API), N transactions;
// - N entries in one transaction, one call each;
// - entries appended in batches of 1,000 (an import or an export);
// - sealing all of them into the chain (decision 0011);
// - verifying the whole chain.
// Prints one JSON line per engine. Every entry is synthetic.

const { values } = parseArgs({
  options: {
    single: { type: 'string', default: '2000' },
    'batch-entries': { type: 'string', default: '100000' },
    server: { type: 'string' },
  },
})
const single = positive('single', values.single)
const batchEntries = positive('batch-entries', values['batch-entries'])

const person = '00000000-0000-4000-8000-000000000001'
const perEntry = (ms: number, n: number) => Number((ms / n).toFixed(3))

async function measure(db: Database) {
  await migrate(db)
  const actor = { ...systemActor, origin: 'cli' }
  let started = performance.now()
  for (let i = 0; i < single; i++) {
    await db.transaction((tx) =>
      audit(tx, actor, 'consultation', { type: 'person', id: person, personId: person }, { i }, 'Managing this case'),
    )
  }
  const ownTransaction = perEntry(performance.now() - started, single)
  started = performance.now()
  await db.transaction(async (tx) => {
    for (let i = 0; i < single; i++) await audit(tx, actor, 'consultation', { type: 'person', id: String(i) }, { i })
  })
  const oneTransaction = perEntry(performance.now() - started, single)
  started = performance.now()
  for (let from = 0; from < batchEntries; from += 1000) {
    await db.transaction((tx) =>
      auditMany(
        tx,
        actor,
        Array.from({ length: Math.min(1000, batchEntries - from) }, (_, i) => ({
          operation: 'disclosure' as const,
          object: { type: 'person', id: person, personId: person },
          detail: { export: 'ndjson', n: from + i },
          recipients: [`user:${actor.userId}`],
        })),
      ),
    )
  }
  const batched = perEntry(performance.now() - started, batchEntries)
  // Everything above was written pending; sealing chains it (decision 0011).
  started = performance.now()
  const sealing = await sealAuditEntries(db)
  const sealMs = performance.now() - started
  started = performance.now()
  const report = await verifyAuditChain(db)
  const verifyMs = performance.now() - started
  if (!report.valid) throw new Error(`the chain does not verify: ${report.firstBroken?.reason}`)
  return {
    engine: db.kind,
    msPerEntry: { ownTransaction, oneTransaction, batched },
    seal: {
      entries: sealing.sealed,
      ms: Math.round(sealMs),
      perSecond: Math.round(sealing.sealed / (sealMs / 1000)),
    },
    verify: {
      entries: report.entries,
      ms: Math.round(verifyMs),
      perSecond: Math.round(report.entries / (verifyMs / 1000)),
    },
  }
}

const pglite = await openDatabase({ dataDir: 'memory://' })
try {
  console.log(JSON.stringify(await measure(pglite)))
} finally {
  await pglite.close()
}

if (values.server !== undefined) {
  const admin = await openDatabase({ databaseUrl: values.server })
  const name = `dasr_bench_audit_${randomBytes(4).toString('hex')}`
  await admin.script(`CREATE DATABASE ${name}`)
  const url = new URL(values.server)
  url.pathname = `/${name}`
  const db = await openDatabase({ databaseUrl: url.toString() })
  try {
    console.log(JSON.stringify(await measure(db)))
  } finally {
    await db.close()
    await admin.script(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.close()
  }
}
