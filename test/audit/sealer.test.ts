import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { systemActor } from '../../src/app/actor.ts'
import { startAuditSealer } from '../../src/app/audit-sealer.ts'
import { verifyAuditChain } from '../../src/app/audit-trail.ts'
import { audit } from '../../src/app/context.ts'
import { backends, freshDatabase, type TestDatabase } from '../support/database.ts'

// The server's sealing schedule (decision 0011): entries written while it runs
// are sealed within a few intervals without anyone asking, and stopping it
// seals what is left, so a server shut down leaves nothing pending.

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
  })
}
