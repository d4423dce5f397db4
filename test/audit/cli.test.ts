import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/store/database.ts'

// `dasr audit verify` and `dasr audit checkpoint`, run as an operator or a
// nightly job runs them, on a PGlite data directory of their own.

const root = fileURLToPath(new URL('../../', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'dasr-audit-cli-'))
const anchors = mkdtempSync(join(tmpdir(), 'dasr-audit-anchors-'))
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DASR_DEBUG: '' }

function dasr(args: string[]) {
  const result = spawnSync(process.execPath, ['src/cli/dasr.ts', ...args], { cwd: root, encoding: 'utf8', env })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Changes the stored trail behind its triggers, as a database administrator could. */
async function tamper(sql: string) {
  const db = await openDatabase({ dataDir })
  try {
    await db.transaction(async (tx) => {
      await tx.execute("SELECT set_config('session_replication_role', 'replica', true)")
      await tx.execute(sql)
    })
  } finally {
    await db.close()
  }
}

describe('dasr audit', () => {
  after(() => {
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(anchors, { recursive: true, force: true })
  })

  test('the help lists the audit commands', () => {
    const help = dasr(['--help'])
    assert.match(help.stdout, /dasr audit verify \[--checkpoints DIR\]/)
    assert.match(help.stdout, /dasr audit checkpoint --to DIR/)
    assert.match(dasr(['audit', '--help']).stdout, /checkpoint {2}Append the chain's head/)
  })

  test('usage errors exit 2 and say what is wrong', () => {
    const unknown = dasr(['audit', 'rewrite'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /unknown audit command "rewrite"/)
    const noDir = dasr(['audit', 'checkpoint'])
    assert.equal(noDir.code, 2)
    assert.match(noDir.stderr, /needs --to DIR/)
    const missing = dasr(['audit', 'verify', '--checkpoints', join(anchors, 'nowhere')])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /^--checkpoints: .*cannot read the checkpoints \(ENOENT\)/)
  })

  test('a command seals what it wrote to the trail as it closes (no server needed)', async () => {
    assert.equal(dasr(['scan', '--as-of', '2026-11-24']).code, 0)
    const db = await openDatabase({ dataDir })
    try {
      const [row] = await db.query<{ written: number; pending: number }>(
        'SELECT count(*)::int AS written, count(*) FILTER (WHERE seq IS NULL)::int AS pending FROM audit_event',
      )
      assert.ok((row?.written ?? 0) > 0, 'the scan was logged')
      assert.equal(row?.pending, 0)
    } finally {
      await db.close()
    }
  })

  test('verify: a valid chain exits 0 with its length and head; the check is itself audited', () => {
    assert.equal(dasr(['scan', '--as-of', '2026-11-24']).code, 0)
    const first = dasr(['audit', 'verify'])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^\d+ entr(y|ies), chain valid, head = [0-9a-f]{64}\n$/)
    const entries = Number(/^(\d+)/.exec(first.stdout)?.[1])
    const second = dasr(['audit', 'verify', '--json'])
    const report = JSON.parse(second.stdout)
    assert.equal(report.valid, true)
    assert.equal(report.entries, entries + 1, 'the first verification was logged')
  })

  test('checkpoint appends the head to the directory; verify checks against it', () => {
    const written = dasr(['audit', 'checkpoint', '--to', anchors])
    assert.equal(written.code, 0, written.stderr)
    const line = JSON.parse(readFileSync(join(anchors, 'audit-checkpoints.jsonl'), 'utf8').trim())
    assert.match(written.stdout, new RegExp(`entry ${line.seq}, head = ${line.hash}`))
    const checked = dasr(['audit', 'verify', '--checkpoints', anchors])
    assert.equal(checked.code, 0, checked.stderr)
    assert.match(checked.stdout, /chain valid, head = [0-9a-f]{64}, 2 checkpoints checked/)
  })

  test('a broken chain exits 1 and names the first broken entry', async () => {
    await tamper(`UPDATE audit_event SET detail = '{"asOf": "1999-01-01"}' WHERE seq = 1`)
    const broken = dasr(['audit', 'verify'])
    assert.equal(broken.code, 1)
    assert.match(broken.stdout, /^0 entries valid, then chain broken at entry 1: entry 1 .*does not match its hash/)
    assert.match(broken.stderr, /chain broken at entry 1/)
  })
})
