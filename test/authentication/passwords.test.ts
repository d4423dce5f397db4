import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { hashPassword, needsRehash, parsePasswordHash, verifyPassword } from '../../src/app/passwords.ts'
import { keyFileName, loadSecretKey, secretBox } from '../../src/app/secret-box.ts'
import { defaultAuthenticationSettings, meetsAsvsArgon2 } from '../../src/domain/authentication/settings.ts'

// Password storage (ASVS 11.4.2, Appendix C) and the sealing of TOTP secrets (ASVS 11.3.3).

describe('argon2id password hashes', () => {
  test('the stored hash is argon2id with parameters at or above ASVS 5.0 Appendix C, and its time is reported', async () => {
    const started = performance.now()
    const phc = await hashPassword('purple elephants dance', defaultAuthenticationSettings.argon2)
    const millis = performance.now() - started
    const parsed = parsePasswordHash(phc)
    assert.ok(parsed, phc)
    assert.match(phc, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=1\$/)
    assert.ok(meetsAsvsArgon2(parsed.parameters), JSON.stringify(parsed.parameters))
    // Stronger than the t=1 / 46 MiB floor on both axes.
    assert.ok(parsed.parameters.memory >= 46 * 1024 && parsed.parameters.passes >= 2)
    assert.ok(parsed.salt.length >= 16, 'a salt of at least 128 bits')
    assert.equal(parsed.tag.length, 32)
    console.log(
      `argon2id m=${parsed.parameters.memory / 1024} MiB t=${parsed.parameters.passes} p=${parsed.parameters.parallelism}: ${millis.toFixed(0)} ms to hash`,
    )
  })

  test('verifies the right password only; the same password hashes differently each time (salt)', async () => {
    const parameters = defaultAuthenticationSettings.argon2
    const a = await hashPassword('purple elephants dance', parameters)
    const b = await hashPassword('purple elephants dance', parameters)
    assert.notEqual(a, b)
    assert.equal(await verifyPassword('purple elephants dance', a), true)
    assert.equal(await verifyPassword('purple elephants dancE', a), false)
    assert.equal(await verifyPassword('purple elephants dance', 'not a hash'), false)
    // NFC: the same characters typed as precomposed or combining hash the same.
    const composed = await hashPassword('café au lait ☕ please', parameters)
    assert.equal(await verifyPassword('cafe\u0301 au lait ☕ please', composed), true)
  })

  test('hashes below the current setting are marked for rehashing at the next sign-in', async () => {
    const weak = await hashPassword('purple elephants dance', { memory: 19 * 1024, passes: 2, parallelism: 1 })
    assert.equal(needsRehash(weak, defaultAuthenticationSettings.argon2), true)
    const current = await hashPassword('purple elephants dance', defaultAuthenticationSettings.argon2)
    assert.equal(needsRehash(current, defaultAuthenticationSettings.argon2), false)
  })

  test('the ASVS floors themselves', () => {
    assert.equal(meetsAsvsArgon2({ memory: 46 * 1024, passes: 1, parallelism: 1 }), true)
    assert.equal(meetsAsvsArgon2({ memory: 45 * 1024, passes: 1, parallelism: 1 }), false)
    assert.equal(meetsAsvsArgon2({ memory: 19 * 1024, passes: 2, parallelism: 1 }), true)
    assert.equal(meetsAsvsArgon2({ memory: 12 * 1024, passes: 3, parallelism: 1 }), true)
    assert.equal(meetsAsvsArgon2({ memory: 12 * 1024, passes: 2, parallelism: 1 }), false)
  })
})

describe('sealed secrets', () => {
  test('AES-256-GCM: opens only with the same key and the same owner; tampering is detected', () => {
    const box = secretBox(randomBytes(32))
    const secret = randomBytes(20)
    const sealed = box.seal(secret, 'totp:user-a')
    assert.ok(!sealed.includes(secret.toString('base64url')))
    assert.deepEqual(box.open(sealed, 'totp:user-a'), secret)
    assert.throws(() => box.open(sealed, 'totp:user-b'))
    const parts = sealed.split('.')
    const ciphertext = Buffer.from(parts[4] as string, 'base64url')
    ciphertext[0] = (ciphertext[0] as number) ^ 1
    parts[4] = ciphertext.toString('base64url')
    assert.throws(() => box.open(parts.join('.'), 'totp:user-a'))
    assert.throws(() => secretBox(randomBytes(32)).open(sealed, 'totp:user-a'), /restore DASR_SECRET_KEY/)
  })

  test('the embedded default keeps its key in the data directory, mode 0600, and reuses it', () => {
    const saved = process.env.DASR_SECRET_KEY
    delete process.env.DASR_SECRET_KEY
    const directory = mkdtempSync(join(tmpdir(), 'dasr-key-'))
    try {
      const first = loadSecretKey({ kind: 'pglite', location: directory })
      assert.equal(first.length, 32)
      assert.equal(statSync(join(directory, keyFileName)).mode & 0o777, 0o600)
      assert.deepEqual(loadSecretKey({ kind: 'pglite', location: directory }), first)
      // A server without DASR_SECRET_KEY refuses rather than invent a key nobody keeps.
      assert.throws(() => loadSecretKey({ kind: 'postgres', location: 'postgres://db/dasr' }), /DASR_SECRET_KEY/)
      process.env.DASR_SECRET_KEY = randomBytes(32).toString('base64')
      assert.notDeepEqual(loadSecretKey({ kind: 'pglite', location: directory }), first)
    } finally {
      if (saved === undefined) delete process.env.DASR_SECRET_KEY
      else process.env.DASR_SECRET_KEY = saved
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
