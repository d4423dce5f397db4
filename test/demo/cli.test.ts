import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { run } from '../../src/cli/main.ts'

// `dasr demo-data` on an embedded register in a temporary directory (never the
// server named by DATABASE_URL: this test must not write to a shared database).

describe('dasr demo-data', () => {
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL }
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dasr-demo-'))
    process.env.DATA_DIR = dir
    delete process.env.DATABASE_URL
  })
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    rmSync(dir, { recursive: true, force: true })
  })

  test('bad input is refused with the option and the rule, before anything is written', async () => {
    const missing = await run(['demo-data'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /needs --people/)
    const notNumber = await run(['demo-data', '--people', 'many'])
    assert.equal(notNumber.code, 2)
    assert.equal(notNumber.stderr, '--people: must be a whole number of at least 1, got "many"\n')
    const badDate = await run(['demo-data', '--people', '5', '--as-of', '2025-02-30'])
    assert.equal(badDate.code, 2)
    assert.match(badDate.stderr, /^--as-of: "2025-02-30" is not a calendar date/)
    const future = await run(['demo-data', '--people', '5', '--as-of', '2999-01-01'])
    assert.equal(future.code, 2)
    assert.match(future.stderr, /^--as-of: must not be in the future/)
  })

  test('loads, summarises, and refuses the same seed twice', async () => {
    const first = await run(['demo-data', '--people', '60', '--seed', '3', '--as-of', '2026-06-30'])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /seed 3, as of 2026-06-30/)
    assert.match(first.stdout, /people +60 \(\d+% never convicted\)/)
    assert.match(first.stdout, /registrations +\d+ \(\d+ active\)/)
    assert.match(first.stdout, /time +\d+\.\d s/)
    const again = await run(['demo-data', '--people', '60', '--seed', '3', '--as-of', '2026-06-30'])
    assert.equal(again.code, 2)
    assert.match(again.stderr, /already holds demo data of seed 3/)
  })
})
