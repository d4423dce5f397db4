import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { passwordProblems } from '../../src/domain/authentication/password-rules.ts'
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  otpauthUri,
  timeStep,
  totp,
  totpDefaults,
} from '../../src/domain/authentication/totp.ts'

// The pure parts of signing in: TOTP against the RFCs' own test vectors, and
// the password rules.

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'ascii'))

describe('RFC 4226 HOTP', () => {
  test('Appendix D: the ten test values of the secret "12345678901234567890"', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ]
    const secret = ascii('12345678901234567890')
    assert.deepEqual(
      expected.map((_, counter) => hotp(secret, counter)),
      expected,
    )
  })
})

describe('RFC 6238 TOTP', () => {
  // Appendix B: 8 digits, 30-second steps, T0 = 0, one seed per hash.
  const seeds = {
    sha1: ascii('12345678901234567890'),
    sha256: ascii('12345678901234567890123456789012'),
    sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  }
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ]
  for (const [time, sha1, sha256, sha512] of vectors) {
    test(`Appendix B at T = ${time}`, () => {
      const step = timeStep(time)
      assert.equal(totp(seeds.sha1, step, { algorithm: 'sha1', digits: 8, period: 30 }), sha1)
      assert.equal(totp(seeds.sha256, step, { algorithm: 'sha256', digits: 8, period: 30 }), sha256)
      assert.equal(totp(seeds.sha512, step, { algorithm: 'sha512', digits: 8, period: 30 }), sha512)
    })
  }

  test('the register uses SHA-1, 6 digits and 30-second steps (what every authenticator app reads)', () => {
    assert.deepEqual(totpDefaults, { algorithm: 'sha1', digits: 6, period: 30 })
    // The 6-digit code is the last six digits of the 8-digit vector.
    assert.equal(totp(seeds.sha1, timeStep(59)), '287082')
  })

  test('a code is accepted one step either side of now, not two', () => {
    const secret = seeds.sha1
    const now = timeStep(1234567890)
    for (const offset of [-1, 0, 1]) assert.equal(matchTotp(secret, totp(secret, now + offset), now), now + offset)
    for (const offset of [-2, 2]) assert.equal(matchTotp(secret, totp(secret, now + offset), now), undefined)
    assert.equal(matchTotp(secret, totp(secret, now + 2), now, { window: 2 }), now + 2)
  })

  test('a code at or before the last step used is refused: no replay (ASVS 6.5.1)', () => {
    const secret = seeds.sha1
    const now = timeStep(2000000000)
    const code = totp(secret, now)
    assert.equal(matchTotp(secret, code, now, { lastUsedStep: null }), now)
    assert.equal(matchTotp(secret, code, now, { lastUsedStep: now }), undefined)
    // The previous step's code is refused too once a later step was used.
    assert.equal(matchTotp(secret, totp(secret, now - 1), now, { lastUsedStep: now }), undefined)
    // The next step's code is still good.
    assert.equal(matchTotp(secret, totp(secret, now + 1), now, { lastUsedStep: now }), now + 1)
  })

  test('anything but six digits is refused without comparing', () => {
    const secret = seeds.sha1
    const now = timeStep(59)
    const code = totp(secret, now)
    for (const bad of ['', `${code}0`, code.slice(1), ` ${code}`, 'abcdef', '٠١٢٣٤٥']) {
      assert.equal(matchTotp(secret, bad, now), undefined, bad)
    }
  })
})

describe('RFC 4648 base32 and the otpauth URI', () => {
  test('§10 test vectors (without padding), and decoding is the inverse', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ]
    for (const [plain, encoded] of vectors) {
      assert.equal(base32Encode(ascii(plain)), encoded)
      assert.equal(Buffer.from(base32Decode(encoded)).toString('ascii'), plain)
    }
    assert.equal(Buffer.from(base32Decode('mzxw 6ytb oi======')).toString('ascii'), 'foobar')
    assert.throws(() => base32Decode('MZXW1'), /not base32/)
  })

  test('the otpauth URI names the issuer, account and parameters', () => {
    const uri = new URL(otpauthUri(ascii('12345678901234567890'), 'rita@example.test', 'DASR'))
    assert.equal(uri.protocol, 'otpauth:')
    assert.equal(uri.host, 'totp')
    assert.equal(decodeURIComponent(uri.pathname), '/DASR:rita@example.test')
    assert.equal(uri.searchParams.get('secret'), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    assert.equal(uri.searchParams.get('issuer'), 'DASR')
    assert.equal(uri.searchParams.get('algorithm'), 'SHA1')
    assert.equal(uri.searchParams.get('digits'), '6')
    assert.equal(uri.searchParams.get('period'), '30')
  })
})

describe('password rules (ASVS 6.2)', () => {
  test('at least 12 characters, at most 128, counted in characters not bytes', () => {
    assert.deepEqual(passwordProblems('eleven char'), ['too-short'])
    assert.deepEqual(passwordProblems('twelve chars'), [])
    assert.deepEqual(passwordProblems('é'.repeat(6) + 'ü'.repeat(6)), [])
    assert.deepEqual(passwordProblems('x'.repeat(129)), ['too-long'])
    assert.deepEqual(passwordProblems(`${'a1b2'.repeat(31)}c3d4`), [])
  })

  test('no composition rules: lower-case words are fine; common, repetitive and own-name passwords are not', () => {
    assert.deepEqual(passwordProblems('purple elephants dance'), [])
    assert.deepEqual(passwordProblems('Password1234'), ['common'])
    assert.deepEqual(passwordProblems('aaaaaaaaaaaaaaaa'), ['repetitive'])
    assert.deepEqual(passwordProblems('abcabcabcabcabc'), ['repetitive'])
    assert.deepEqual(passwordProblems('rita.registrar-2026!', { email: 'rita.registrar@example.test' }), [
      'contains-account-name',
    ])
    assert.deepEqual(passwordProblems('quiet registrar mornings', { displayName: 'Rita Registrar' }), [
      'contains-account-name',
    ])
  })
})
