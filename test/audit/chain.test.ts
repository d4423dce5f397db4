import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { systemActor } from '../../src/app/actor.ts'
import {
  checkpointFile,
  exportCheckpoint,
  type StoredAuditRow,
  storedEntry,
  verifyAuditChain,
} from '../../src/app/audit-trail.ts'
import { audit, auditMany } from '../../src/app/context.ts'
import { exportPeople } from '../../src/app/export.ts'
import {
  type AuditEntry,
  canonicalEntry,
  canonicalJson,
  chainHash,
  genesisHash,
  normaliseEntry,
  sealAuditEntries,
} from '../../src/store/audit-chain.ts'
import type { Queryable } from '../../src/store/database.ts'
import {
  backends,
  freshDatabase,
  type People,
  seedPeople,
  TestClock,
  type TestDatabase,
  testApp,
} from '../support/database.ts'
import { lifecycle, tampered } from './support.ts'

// The audit trail's hash chain (decisions 0006 and 0011): a real lifecycle,
// sealed, gives a valid chain; editing, deleting, inserting or moving one row
// behind the triggers makes the verifier name that entry; checkpoints expose a
// truncated or rewritten chain; the triggers refuse UPDATE, DELETE and
// TRUNCATE but for sealing; and concurrent writers and sealers never fork the
// chain.

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  actorId: null,
  organisationId: 'national:register',
  origin: 'cli',
  operation: 'consultation',
  objectType: 'person',
  objectId: null,
  personId: null,
  justification: null,
  recipients: null,
  detail: {},
  ...overrides,
})

describe('canonical form', () => {
  test('keys are sorted at every depth, so the order a value was built in does not change its hash', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }), '{"a":{"c":null,"d":[1,"x"]},"b":1}')
    const one = { ...entry({ detail: { z: 1, a: 2 } }), seq: 7, at: '2026-11-24T10:00:00.000Z' }
    const two = { ...entry({ detail: { a: 2, z: 1 } }), seq: 7, at: '2026-11-24T10:00:00.000Z' }
    assert.equal(canonicalEntry(one), canonicalEntry(two))
    assert.equal(chainHash(genesisHash, one), chainHash(genesisHash, two))
  })

  test('the entry with its position is exactly its sorted-key JSON ("seq" sorts last)', () => {
    const chained = {
      ...entry({ recipients: ['user:x'], operation: 'disclosure' }),
      seq: 12,
      at: '2026-01-01T00:00:00.000Z',
    }
    assert.equal(canonicalEntry(chained), canonicalJson(chained))
  })

  test('values are normalised to what the database returns: UUID case, dates, NUL and lone surrogates', () => {
    const normalised = normaliseEntry(
      entry({
        actorId: 'ABCDEF01-2345-4678-89AB-CDEF01234567',
        justification: 'a\u0000b\ud800',
        detail: { when: new Date('2026-01-02T03:04:05.006Z'), gone: undefined },
      }),
    )
    assert.equal(normalised.actorId, 'abcdef01-2345-4678-89ab-cdef01234567')
    assert.equal(normalised.justification, 'a\uFFFDb\uFFFD')
    assert.deepEqual(normalised.detail, { when: '2026-01-02T03:04:05.006Z' })
    assert.throws(() => normaliseEntry(entry({ personId: 'not-a-uuid' })), /not a UUID/)
  })
})

for (const backend of backends) {
  describe(`audit hash chain on ${backend}`, () => {
    let store: TestDatabase
    let people: People
    const clock = new TestClock('2026-01-05')
    const checkpoints = mkdtempSync(join(tmpdir(), 'dasr-checkpoints-'))

    before(async () => {
      store = await freshDatabase(backend)
      people = await seedPeople(store.db)
      await lifecycle(store, people, clock)
      await sealAuditEntries(store.db)
    })
    after(async () => {
      await store?.drop()
      rmSync(checkpoints, { recursive: true, force: true })
    })

    const count = async (tx: Queryable = store.db) =>
      Number((await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event'))[0]?.n)
    const pending = async (tx: Queryable = store.db) =>
      Number((await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE seq IS NULL'))[0]?.n)
    const lastId = async () =>
      Number((await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM audit_event'))[0]?.id)
    const head = async (tx: Queryable = store.db) =>
      (await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_chain_head'))[0] as {
        seq: number
        hash: string
      }

    test('a lifecycle gives one valid chain: every entry has its position, none is missing', async () => {
      const report = await verifyAuditChain(store.db)
      const total = await count()
      assert.ok(total > 20, `the lifecycle wrote ${total} audit entries`)
      assert.deepEqual(
        { entries: report.entries, valid: report.valid, unchained: report.unchained, pending: report.pending },
        { entries: total, valid: true, unchained: 0, pending: 0 },
      )
      assert.deepEqual({ seq: report.headSeq, hash: report.head }, await head())
      // Every category the lifecycle touches, with the disclosure's recipients.
      const categories = await store.db.query<{ operation: string; recipients: string[] | null }>(
        'SELECT DISTINCT operation, recipients IS NOT NULL AS recipients FROM audit_event ORDER BY operation',
      )
      for (const operation of ['collection', 'alteration', 'consultation', 'disclosure', 'combination']) {
        assert.ok(
          categories.some((c) => c.operation === operation),
          `the lifecycle logs a ${operation}`,
        )
      }
      assert.ok(categories.every((c) => (c.operation === 'disclosure') === (c.recipients as unknown as boolean)))
      const origins = await store.db.query<{ origin: string | null }>('SELECT DISTINCT origin FROM audit_event')
      assert.ok(
        origins.some((o) => o.origin === 'api 203.0.113.9'),
        'where each action came from is recorded',
      )
    })

    test('the genesis value in the migration is the one the code chains from', async () => {
      const fresh = await freshDatabase(backend)
      try {
        assert.deepEqual(await head(fresh.db), { seq: 0, hash: genesisHash })
        const report = await verifyAuditChain(fresh.db)
        assert.deepEqual(
          { entries: report.entries, valid: report.valid, head: report.head },
          {
            entries: 0,
            valid: true,
            head: genesisHash,
          },
        )
      } finally {
        await fresh.drop()
      }
    })

    test('entries are written pending, then sealed in the order written, one entry or a batch alike', async () => {
      const before = await head()
      const firstId = (await lastId()) + 1
      await store.db.transaction(async (tx) => {
        await audit(tx, systemActor, 'consultation', { type: 'probe' }, { n: 1 })
        await auditMany(tx, systemActor, [
          { operation: 'consultation', object: { type: 'probe' }, detail: { n: 2, nested: { b: [1, 2], a: 'é' } } },
          { operation: 'disclosure', object: { type: 'probe' }, recipients: ['organisation:police:test-shire'] },
        ])
        await audit(tx, systemActor, 'consultation', { type: 'probe' }, { n: 4, text: 'line\nbreak "quoted"' })
      })
      assert.deepEqual(await head(), before, 'writing takes no position')
      const waiting = await verifyAuditChain(store.db)
      assert.deepEqual({ valid: waiting.valid, pending: waiting.pending }, { valid: true, pending: 4 })
      const sealing = await sealAuditEntries(store.db, { batch: 3 })
      assert.equal(sealing.sealed, 4)
      assert.deepEqual(sealing.head, await head())
      assert.equal((await head()).seq, before.seq + 4)
      const rows = await store.db.query<{ id: number; seq: number }>(
        'SELECT id, seq FROM audit_event WHERE id >= $1 ORDER BY id',
        [firstId],
      )
      assert.deepEqual(
        rows.map((row) => row.seq),
        [1, 2, 3, 4].map((n) => before.seq + n),
      )
      assert.equal((await sealAuditEntries(store.db)).sealed, 0, 'nothing is sealed twice')
      const report = await verifyAuditChain(store.db, { pageSize: 7 })
      assert.equal(report.valid, true, report.firstBroken?.reason)
      assert.equal(report.entries, await count())
      assert.equal(report.pending, 0)
    })

    test('sealing is the only change allowed: once, to a pending entry, its position and hash only', async () => {
      await store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'probe' }, { n: 5 }))
      const id = await lastId()
      for (const sql of [
        `UPDATE audit_event SET detail = '{}' WHERE id = $1`,
        `UPDATE audit_event SET seq = 900000001, hash = repeat('a', 64), detail = '{}' WHERE id = $1`,
        'UPDATE audit_event SET seq = 900000001 WHERE id = $1',
        'DELETE FROM audit_event WHERE id = $1',
      ]) {
        await assert.rejects(store.db.execute(sql, [id]), /append-only/, sql)
      }
      assert.equal(await pending(), 1)
      await sealAuditEntries(store.db)
      assert.equal(await pending(), 0)
      await assert.rejects(
        store.db.execute(`UPDATE audit_event SET seq = 900000001, hash = repeat('a', 64) WHERE id = $1`, [id]),
        /append-only/,
        'a sealed entry is not sealed again',
      )
      assert.equal((await verifyAuditChain(store.db)).valid, true)
    })

    test('the table refuses UPDATE, DELETE and TRUNCATE, and the head cannot be deleted', async () => {
      for (const sql of [
        `UPDATE audit_event SET detail = '{}' WHERE seq = 1`,
        'DELETE FROM audit_event WHERE seq = 1',
        'TRUNCATE audit_event',
        'DELETE FROM audit_chain_head',
        'TRUNCATE audit_chain_head',
        'TRUNCATE audit_checkpoint',
      ]) {
        await assert.rejects(store.db.execute(sql), /append-only/, sql)
      }
      assert.equal((await verifyAuditChain(store.db)).valid, true)
    })

    test('a row with a position but no hash, or a disclosure without recipients, is refused', async () => {
      await assert.rejects(
        store.db.execute(
          `INSERT INTO audit_event (seq, at, operation, object_type) VALUES (900000002, date_trunc('second', now()), 'consultation', 'forged')`,
        ),
        /audit_event_chained/,
      )
      await assert.rejects(
        store.db.transaction((tx) => audit(tx, systemActor, 'disclosure', { type: 'probe' })),
        /who received it/,
      )
      await assert.rejects(
        store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'probe' }, {}, undefined, ['x'])),
        /only a disclosure names recipients/,
      )
    })

    test('editing one entry fails verification at that entry', async () => {
      const target = Math.floor((await head()).seq / 2)
      const report = await tampered(
        store,
        (tx) => tx.execute(`UPDATE audit_event SET detail = '{"count": 0}' WHERE seq = $1`, [target]),
        (tx) => verifyAuditChain(tx),
      )
      assert.equal(report.valid, false)
      assert.equal(report.firstBroken?.seq, target)
      assert.match(report.firstBroken?.reason ?? '', /does not match its hash/)
      assert.equal(report.entries, target - 1)
    })

    test('moving an entry by one millisecond, or to another actor, is an edit', async () => {
      for (const change of [
        `at = at + interval '1 millisecond'`,
        `actor_id = '00000000-0000-4000-8000-0000000000ff'`,
        `origin = 'api 198.51.100.1'`,
      ]) {
        const report = await tampered(
          store,
          (tx) => tx.execute(`UPDATE audit_event SET ${change} WHERE seq = 3`),
          (tx) => verifyAuditChain(tx),
        )
        assert.deepEqual(report.firstBroken?.seq, 3, change)
      }
    })

    test('deleting one entry fails verification at the gap', async () => {
      const target = (await head()).seq - 5
      const report = await tampered(
        store,
        (tx) => tx.execute('DELETE FROM audit_event WHERE seq = $1', [target]),
        (tx) => verifyAuditChain(tx),
      )
      assert.equal(report.firstBroken?.seq, target)
      assert.match(report.firstBroken?.reason ?? '', /missing \(deleted\)/)
    })

    test('swapping two entries fails verification at the first of them', async () => {
      const report = await tampered(
        store,
        async (tx) => {
          // Each row keeps its content and hash; only their positions change.
          await tx.execute('UPDATE audit_event SET seq = 900000000 WHERE seq = 10')
          await tx.execute('UPDATE audit_event SET seq = 10 WHERE seq = 11')
          await tx.execute('UPDATE audit_event SET seq = 11 WHERE seq = 900000000')
        },
        (tx) => verifyAuditChain(tx),
      )
      assert.equal(report.firstBroken?.seq, 10)
    })

    test('an entry inserted in the middle fails verification where it was inserted', async () => {
      const report = await tampered(
        store,
        async (tx) => {
          await tx.execute('UPDATE audit_event SET seq = seq + 1000000 WHERE seq > 20')
          await tx.execute('UPDATE audit_event SET seq = seq - 999999 WHERE seq > 1000000')
          await tx.execute(
            `INSERT INTO audit_event (seq, at, operation, object_type, detail, hash)
             VALUES (21, date_trunc('second', now()), 'consultation', 'forged', '{}', $1)`,
            ['0'.repeat(64)],
          )
          await tx.execute('UPDATE audit_chain_head SET seq = seq + 1')
        },
        (tx) => verifyAuditChain(tx),
      )
      assert.equal(report.firstBroken?.seq, 21)
    })

    test('an entry appended beyond the head is found', async () => {
      const { seq } = await head()
      const beyond = await tampered(
        store,
        (tx) =>
          tx.execute(
            `INSERT INTO audit_event (seq, at, operation, object_type, detail, hash)
             VALUES ($1, date_trunc('second', now()), 'consultation', 'forged', '{}', $2)`,
            [seq + 1, '0'.repeat(64)],
          ),
        (tx) => verifyAuditChain(tx),
      )
      assert.equal(beyond.firstBroken?.seq, seq + 1)
      assert.match(beyond.firstBroken?.reason ?? '', /beyond the chain head/)
    })

    test('a truncated tail with the head wound back, or a rewritten chain, contradicts an exported checkpoint', async () => {
      const exported = await exportCheckpoint(store.db, checkpoints)
      assert.deepEqual(
        readFileSync(join(checkpoints, checkpointFile), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
        [{ seq: exported.seq, hash: exported.hash, at: exported.at }],
      )
      const clean = await verifyAuditChain(store.db, { checkpointsDir: checkpoints })
      assert.equal(clean.valid, true)
      assert.equal(clean.checkpoints, 2, 'the exported file and the database record')

      const truncate = async (tx: Queryable) => {
        const keep = exported.seq - 3
        await tx.execute('DELETE FROM audit_event WHERE seq > $1', [keep])
        const [last] = await tx.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = $1', [keep])
        // Whoever can do this can also remove the database's record of the checkpoint.
        await tx.execute('DELETE FROM audit_checkpoint')
        await tx.execute('UPDATE audit_chain_head SET seq = $1, hash = $2', [keep, last?.hash])
      }
      const alone = await tampered(store, truncate, (tx) => verifyAuditChain(tx))
      assert.equal(alone.valid, true, 'the chain alone cannot see a truncated tail')
      const anchored = await tampered(store, truncate, (tx) => verifyAuditChain(tx, { checkpointsDir: checkpoints }))
      assert.equal(anchored.valid, false)
      assert.equal(anchored.firstBroken?.seq, exported.seq - 2)
      assert.match(anchored.firstBroken?.reason ?? '', /truncated or rewritten/)

      // Rewriting from entry 5 on, every hash recomputed: consistent, but not what was exported.
      const rewrite = async (tx: Queryable) => {
        await tx.execute('DELETE FROM audit_checkpoint')
        const rows = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_event ORDER BY seq')
        let previous = rows.find((row) => row.seq === 4)?.hash as string
        await tx.execute(`UPDATE audit_event SET detail = '{"rewritten": true}' WHERE seq = 5`)
        for (const row of rows.filter((r) => r.seq >= 5)) {
          const [stored] = await tx.query<StoredAuditRow & Record<string, unknown>>(
            'SELECT * FROM audit_event WHERE seq = $1',
            [row.seq],
          )
          assert.ok(stored)
          previous = chainHash(previous, storedEntry(stored))
          await tx.execute('UPDATE audit_event SET hash = $1 WHERE seq = $2', [previous, row.seq])
        }
        await tx.execute('UPDATE audit_chain_head SET hash = $1', [previous])
      }
      const rewritten = await tampered(store, rewrite, (tx) => verifyAuditChain(tx))
      assert.equal(rewritten.valid, true, 'a consistent rewrite passes the chain alone')
      const caught = await tampered(store, rewrite, (tx) => verifyAuditChain(tx, { checkpointsDir: checkpoints }))
      assert.equal(caught.firstBroken?.seq, exported.seq)
      assert.match(caught.firstBroken?.reason ?? '', /the chain was rewritten/)
    })

    // Only a server runs other transactions while one is open.
    if (backend === 'postgres') {
      test('an export logs its disclosures although others logged while it read its snapshot', async () => {
        const before = await lastId()
        const summary = await exportPeople(
          { app: testApp(store.db, clock), actor: { ...systemActor, origin: 'cli' } },
          {
            format: 'csv',
            withFacts: false,
            destination: 'concurrent.csv',
            pageSize: 1,
            writePage: () =>
              store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'meanwhile' })),
          },
        )
        assert.ok(summary.people >= 1)
        const logged = await store.db.query<{ object_type: string }>(
          `SELECT object_type FROM audit_event WHERE id > $1 AND operation = 'disclosure' ORDER BY id`,
          [before],
        )
        assert.equal(logged.length, summary.people + 1)
        assert.equal(logged.at(-1)?.object_type, 'export')
        await sealAuditEntries(store.db)
        assert.equal((await verifyAuditChain(store.db)).valid, true)
      })

      test('an entry committed after a later one was sealed is sealed after it, and the chain holds', async () => {
        const before = await head()
        let release: () => void = () => {}
        const held = new Promise<void>((resolve) => {
          release = resolve
        })
        let written: () => void = () => {}
        const first = new Promise<void>((resolve) => {
          written = resolve
        })
        // The slow transaction takes the lower id, then waits while another commits and is sealed.
        const slow = store.db.transaction(async (tx) => {
          await audit(tx, systemActor, 'consultation', { type: 'late', id: 'slow' })
          written()
          await held
        })
        await first
        await store.db.transaction((tx) => audit(tx, systemActor, 'consultation', { type: 'late', id: 'quick' }))
        assert.equal((await sealAuditEntries(store.db)).sealed, 1, 'only the committed entry is sealed')
        release()
        await slow
        assert.equal((await sealAuditEntries(store.db)).sealed, 1)
        const rows = await store.db.query<{ id: number; seq: number; object_id: string }>(
          `SELECT id, seq, object_id FROM audit_event WHERE object_type = 'late' ORDER BY seq`,
        )
        assert.deepEqual(
          rows.map((row) => [row.object_id, row.seq]),
          [
            ['quick', before.seq + 1],
            ['slow', before.seq + 2],
          ],
        )
        assert.ok((rows[1]?.id ?? 0) < (rows[0]?.id ?? 0), 'the slow entry has the lower id')
        const report = await verifyAuditChain(store.db)
        assert.equal(report.valid, true, report.firstBroken?.reason)
      })
    }

    test('concurrent writers and sealers never fork the chain: 20 transactions × 25 entries, 3 sealers', async () => {
      const before = await head()
      const writers = 20
      const perWriter = 25
      let writing = true
      const sealer = async () => {
        while (writing) await sealAuditEntries(store.db, { batch: 7 })
      }
      const sealers = [sealer(), sealer(), sealer()]
      await Promise.all(
        Array.from({ length: writers }, (_, w) =>
          store.db.transaction(async (tx) => {
            for (let i = 0; i < perWriter; i++) {
              await audit(tx, systemActor, 'consultation', { type: 'concurrency', id: `${w}:${i}` }, { w, i })
              // Let the other writers' statements in between.
              await tx.query('SELECT 1')
            }
          }),
        ),
      )
      writing = false
      await Promise.all(sealers)
      await sealAuditEntries(store.db)
      const after = await head()
      assert.equal(after.seq, before.seq + writers * perWriter)
      const rows = await store.db.query<{ seq: number; object_id: string }>(
        `SELECT seq, object_id FROM audit_event WHERE object_type = 'concurrency' ORDER BY seq`,
      )
      assert.equal(rows.length, writers * perWriter)
      assert.equal(new Set(rows.map((r) => r.object_id)).size, writers * perWriter, 'none lost, none twice')
      assert.deepEqual(
        rows.map((r) => r.seq),
        Array.from({ length: writers * perWriter }, (_, i) => before.seq + 1 + i),
        'consecutive positions: one chain, no fork',
      )
      const report = await verifyAuditChain(store.db)
      assert.equal(report.valid, true, report.firstBroken?.reason)
      assert.equal(report.headSeq, after.seq)
    })
  })
}
