import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// Secrets the register must be able to read back (TOTP seeds) are kept as
// AES-256-GCM ciphertext (ASVS 11.3.3: authenticated encryption), bound to
// their owner by the associated data, under a key that is not in the database:
// a stolen backup alone does not yield anyone's second factor (ASVS 13.3.1).
//
// The key is DASR_SECRET_KEY (32 bytes as base64 or hex). On the embedded
// default without it, a key file is created once in the data directory with
// mode 0600; on a PostgreSQL server the key must be given, since the key file
// would otherwise sit on a different machine from the data it protects.

export interface SecretBox {
  /** The first 8 hex digits of the key's SHA-256: which key sealed a value, never the key. */
  readonly keyId: string
  seal(plaintext: Uint8Array, boundTo: string): string
  open(sealed: string, boundTo: string): Buffer
}

export class MissingSecretKey extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MissingSecretKey'
  }
}

export function secretBox(key: Uint8Array): SecretBox {
  if (key.length !== 32) throw new RangeError('the secret key must be 32 bytes (AES-256)')
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8)
  return {
    keyId,
    seal(plaintext, boundTo) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(boundTo))
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))
      return ['v1', keyId, ...parts].join('.')
    },
    open(sealed, boundTo) {
      const [version, sealedKeyId, iv, tag, ciphertext] = sealed.split('.')
      if (version !== 'v1' || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new Error('not a sealed value')
      }
      if (sealedKeyId !== keyId) {
        throw new Error(`sealed under key ${sealedKeyId}, but the key in use is ${keyId}: restore DASR_SECRET_KEY`)
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(boundTo))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()])
    },
  }
}

/** 32 bytes from base64, base64url or hex text; throws on anything else. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim()
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64')
  if (key.length !== 32) throw new RangeError('DASR_SECRET_KEY must be 32 bytes, as base64 or 64 hex digits')
  return key
}

export const keyFileName = 'dasr-secret.key'

/**
 * The key for this deployment: DASR_SECRET_KEY; else, for PGlite in a
 * directory, that directory's key file (created with mode 0600 if missing);
 * else, for a database that lives only in memory, a key that lives as long.
 */
export function loadSecretKey(database: { kind: 'pglite' | 'postgres'; location: string }): Buffer {
  const fromEnv = process.env.DASR_SECRET_KEY
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseSecretKey(fromEnv)
  if (database.kind === 'postgres') {
    throw new MissingSecretKey(
      'set DASR_SECRET_KEY (32 random bytes as base64, e.g. from "openssl rand -base64 32") to keep second factors on a PostgreSQL server',
    )
  }
  if (database.location.startsWith('memory://')) return randomBytes(32)
  mkdirSync(database.location, { recursive: true })
  const file = join(database.location, keyFileName)
  try {
    return parseSecretKey(readFileSync(file, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = randomBytes(32)
  // "wx": never overwrite a key another process has just written.
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    return key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return parseSecretKey(readFileSync(file, 'utf8'))
  }
}
