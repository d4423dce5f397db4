import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

// The register's commands, run as a user runs them, on a PGlite data directory of their own.

const root = fileURLToPath(new URL('../../', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'dasr-cli-'))
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DASR_DEBUG: '' }

function dasr(args: string[]) {
  const result = spawnSync(process.execPath, ['src/cli/dasr.ts', ...args], { cwd: root, encoding: 'utf8', env })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('dasr migrate, scan and serve', () => {
  let server: ChildProcess | undefined
  after(() => {
    server?.kill('SIGTERM')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('migrate applies the migrations once, then reports up to date', () => {
    const first = dasr(['migrate'])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /applied \d+ migrations?: 0001_register/)
    const second = dasr(['migrate'])
    assert.match(second.stdout, /up to date/)
  })

  test('scan reports what it did; a bad date is a usage error naming the option', () => {
    const ok = dasr(['scan', '--as-of', '2026-11-24', '--json'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.equal(JSON.parse(ok.stdout).asOf, '2026-11-24')
    const bad = dasr(['scan', '--as-of', '2026-02-30'])
    assert.equal(bad.code, 2)
    assert.equal(bad.stdout, '')
    assert.match(bad.stderr, /^--as-of: "2026-02-30" is not a calendar date/)
  })

  test('serve refuses audit settings it cannot use, naming the variable, before it listens', () => {
    const serve = (extra: Record<string, string>) => {
      const result = spawnSync(process.execPath, ['src/cli/dasr.ts', 'serve', '--port', '0'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...env, ...extra },
        timeout: 60_000,
      })
      return { code: result.status, stdout: result.stdout, stderr: result.stderr }
    }
    const tooOften = serve({ DASR_AUDIT_SEAL_EVERY_MS: '5' })
    assert.equal(tooOften.code, 2)
    assert.match(tooOften.stderr, /^DASR_AUDIT_SEAL_EVERY_MS: must be a whole number of milliseconds from 10 to 60000/)
    const notADirectory = join(dataDir, 'PG_VERSION', 'anchors')
    const unwritable = serve({ DASR_AUDIT_CHECKPOINT_DIR: notADirectory })
    assert.equal(unwritable.code, 2)
    assert.match(unwritable.stderr, /^DASR_AUDIT_CHECKPOINT_DIR: cannot export a checkpoint to .*ENOTDIR/)
    assert.doesNotMatch(unwritable.stdout, /is running at/)
  })

  test('serve prints its address and a token that opens the API; /health answers', async () => {
    server = spawn(process.execPath, ['src/cli/dasr.ts', 'serve', '--port', '0'], { cwd: root, env })
    let output = ''
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${output}`)), 60_000)
      server?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /running at (http:\/\/\S+)/.exec(output)
        if (match && /stop:/.test(output)) {
          clearTimeout(timer)
          resolve(match[1] as string)
        }
      })
    })
    const token = /Bearer (\S+)"/.exec(output)?.[1]
    assert.ok(token)
    const health = await fetch(`${address}/health`)
    assert.equal(((await health.json()) as { status: string }).status, 'ok')
    assert.equal((await fetch(`${address}/api/v1/people`)).status, 401)
    const people = await fetch(`${address}/api/v1/people`, {
      headers: { authorization: `Bearer ${token}`, 'x-justification': 'Trying the demonstration' },
    })
    assert.equal(people.status, 200)
  })
})
