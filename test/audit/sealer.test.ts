import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemActor } from '../../src/app/actor.ts'
import { startAuditSealer, startCheckpointExports } from '../../src/app/audit-sealer.ts'
import { checkpointFile, verifyAuditChain } from '../../src/app/audit-trail.ts'
import { audit } from '../../src/app/context.ts'
import { backends, freshDatabase, type TestDatabase } from '../support/database.ts'

// The server's sealing schedule (decision 0011): entries written while it runs
// are sealed within a few intervals without anyone asking, and stopping it
// seals what is left, so a server shut down leaves nothing pending; the
// checkpoint schedule exports the chain's head, sealed first, and once more
// on stop.

const pendingIn = async (store: TestDatabase) =>
  Number((await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE seq IS NULL'))[0]?.n)

for (const backend of backends) {
  describe(`the audit sealer on ${backend}`, () => {
    let store: TestDatabase
    before(async () => {
      store = await freshDatabase(backend)
    })
    after(async () => {
      await store?.drop()
    })

    test('seals on its schedule, and seals the rest when stopped', async () => {
      const errors: Error[] = []
      const sealer = startAuditSealer(store.db, 20, (error) => errors.push(error))
      try {
        for (let i = 0; i < 5; i++) {
          await store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'probe' }, { i }))
        }
        const deadline = Date.now() + 5_000
        while ((await pendingIn(store)) > 0 && Date.now() < deadline) await sleep(20)
        assert.equal(await pendingIn(store), 0, 'sealed without being asked')
        await store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'probe' }, { last: true }))
      } finally {
        await sealer.stop()
      }
      assert.equal(await pendingIn(store), 0, 'stopping seals what is left')
      assert.deepEqual(errors, [])
      const report = await verifyAuditChain(store.db)
      assert.deepEqual({ valid: report.valid, entries: report.entries }, { valid: true, entries: 6 })
    })

    test('exports checkpoints on its schedule, each covering what was written before it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dasr-checkpoints-'))
      const lines = () =>
        existsSync(join(dir, checkpointFile))
          ? readFileSync(join(dir, checkpointFile), 'utf8').trim().split('\n').filter(Boolean)
          : []
      const errors: Error[] = []
      try {
        const exports = startCheckpointExports(store.db, dir, 30, (error) => errors.push(error))
        try {
          await store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'probe' }, { n: 1 }))
          const deadline = Date.now() + 5_000
          while (lines().length < 2 && Date.now() < deadline) await sleep(20)
          assert.ok(lines().length >= 2, 'exported without being asked')
          await store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'probe' }, { n: 2 }))
        } finally {
          await exports.stop()
        }
        assert.deepEqual(errors, [])
        const last = JSON.parse(lines().at(-1) as string) as { seq: number; hash: string }
        const [head] = await store.db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_chain_head')
        assert.deepEqual({ seq: last.seq, hash: last.hash }, head, 'the last export, on stop, is the sealed head')
        assert.equal(await pendingIn(store), 0)
        const report = await verifyAuditChain(store.db, { checkpointsDir: dir })
        assert.equal(report.valid, true, report.firstBroken?.reason)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}
