import { argon2, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { normalisePassword } from '../domain/authentication/password-rules.ts'
import type { Argon2Parameters } from '../domain/authentication/settings.ts'

// Password storage (ASVS 11.4.2 and Appendix C): argon2id from node:crypto
// (Node 24's OpenSSL binding, no native add-on), a 128-bit random salt per
// password, a 256-bit tag, and the PHC string format, so every stored hash
// names its own parameters and raising them later needs no migration.

const argon2Async = promisify(argon2)

const saltBytes = 16
const tagBytes = 32
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '')

async function derive(password: string, salt: Uint8Array, parameters: Argon2Parameters, tagLength: number) {
  return argon2Async('argon2id', {
    message: normalisePassword(password),
    nonce: salt,
    parallelism: parameters.parallelism,
    tagLength,
    memory: parameters.memory,
    passes: parameters.passes,
  })
}

export async function hashPassword(password: string, parameters: Argon2Parameters): Promise<string> {
  const salt = randomBytes(saltBytes)
  const tag = await derive(password, salt, parameters, tagBytes)
  return `$argon2id$v=19$m=${parameters.memory},t=${parameters.passes},p=${parameters.parallelism}$${b64(salt)}$${b64(tag)}`
}

export interface ParsedHash {
  parameters: Argon2Parameters
  salt: Buffer
  tag: Buffer
}

/** Reads a PHC argon2id string; undefined for anything else. */
export function parsePasswordHash(phc: string): ParsedHash | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc)
  if (match === null) return undefined
  return {
    parameters: { memory: Number(match[1]), passes: Number(match[2]), parallelism: Number(match[3]) },
    salt: Buffer.from(match[4] as string, 'base64'),
    tag: Buffer.from(match[5] as string, 'base64'),
  }
}

/** Whether the password matches the stored hash, compared in constant time. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const parsed = parsePasswordHash(phc)
  if (parsed === undefined) return false
  const tag = await derive(password, parsed.salt, parsed.parameters, parsed.tag.length)
  return timingSafeEqual(tag, parsed.tag)
}

/** True when a stored hash is weaker than the current setting, so the next successful sign-in rehashes it. */
export function needsRehash(phc: string, current: Argon2Parameters): boolean {
  const parsed = parsePasswordHash(phc)
  if (parsed === undefined) return true
  const p = parsed.parameters
  return p.memory < current.memory || p.passes < current.passes || p.parallelism !== current.parallelism
}
