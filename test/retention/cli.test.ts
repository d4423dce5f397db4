import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

// `dasr retention`, run as a records manager runs it, on a PGlite data directory of its own.

const root = fileURLToPath(new URL('../../', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'dasr-retention-'))
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DASR_DEBUG: '' }

function dasr(args: string[]) {
  const result = spawnSync(process.execPath, ['src/cli/dasr.ts', ...args], { cwd: root, encoding: 'utf8', env })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('dasr retention', () => {
  after(() => rmSync(dataDir, { recursive: true, force: true }))

  test('due lists the reviews due by a date; scan raises them once', () => {
    const loaded = dasr(['demo-data', '--people', '12', '--seed', '7', '--as-of', '2026-11-24'])
    assert.equal(loaded.code, 0, loaded.stderr)
    const none = dasr(['retention', 'due', '--as-of', '2000-01-01'])
    assert.equal(none.code, 0, none.stderr)
    assert.match(none.stdout, /^No retention reviews due by 2000-01-01\./)
    const due = dasr(['retention', 'due', '--as-of', '2045-01-01', '--json'])
    assert.equal(due.code, 0, due.stderr)
    const listed = JSON.parse(due.stdout) as { total: number; items: { dueOn: string; source: string }[] }
    assert.ok(listed.total > 0)
    assert.ok(listed.items.every((item) => item.dueOn <= '2045-01-01' && /DPA 2018|APP|ViSOR/.test(item.source)))
    const text = dasr(['retention', 'due', '--as-of', '2045-01-01', '--limit', '1'])
    assert.match(
      text.stdout,
      new RegExp(`^Retention reviews due by 2045-01-01: ${listed.total} \\(the first 1 shown\\)`),
    )
    const first = dasr(['retention', 'scan', '--as-of', '2045-01-01', '--json'])
    assert.equal(first.code, 0, first.stderr)
    assert.equal(JSON.parse(first.stdout).newTasks, listed.total)
    const second = dasr(['retention', 'scan', '--as-of', '2045-01-01'])
    assert.match(second.stdout, /: 0 new review tasks/)
  })

  test('bad input is a usage error naming the option', () => {
    const bad = dasr(['retention', 'due', '--as-of', '2026-02-30'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^--as-of: "2026-02-30" is not a calendar date/)
    const unknown = dasr(['retention', 'decide'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /unknown retention command "decide"/)
    assert.match(dasr(['retention', '--help']).stdout, /dasr retention due/)
  })
})
