import { createHmac, timingSafeEqual } from 'node:crypto'

// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), the second
// factor of local accounts (ASVS 6.3.3). Pure: the caller passes the time step,
// so the domain never reads the clock, and the last step used, so a code is
// accepted once only (ASVS 6.5.1). A 30-second step with one step either side
// keeps a code's life to the 30 s of ASVS 6.5.5 plus the clock drift of a phone.

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512'

export interface TotpParameters {
  algorithm: TotpAlgorithm
  digits: number
  /** Seconds per time step. */
  period: number
}

/** What every authenticator app understands (Google Authenticator ignores anything else). */
export const totpDefaults: TotpParameters = { algorithm: 'sha1', digits: 6, period: 30 }

/** RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, modulo 10^digits. */
export function hotp(secret: Uint8Array, counter: number, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac(algorithm, secret).update(message).digest()
  const offset = (mac[mac.length - 1] as number) & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** RFC 6238 §4.2: T = floor((unix time - T0) / X) with T0 = 0. */
export const timeStep = (unixSeconds: number, period = totpDefaults.period) => Math.floor(unixSeconds / period)

export function totp(secret: Uint8Array, step: number, parameters: TotpParameters = totpDefaults): string {
  return hotp(secret, step, parameters.digits, parameters.algorithm)
}

/**
 * The time step a code matches within ±`window` steps of `currentStep`, or
 * undefined. Steps at or before `lastUsedStep` are never accepted, so a code
 * seen once (or an older one) cannot be replayed.
 */
export function matchTotp(
  secret: Uint8Array,
  code: string,
  currentStep: number,
  options: { window?: number; lastUsedStep?: number | null; parameters?: TotpParameters } = {},
): number | undefined {
  const parameters = options.parameters ?? totpDefaults
  const window = options.window ?? 1
  if (!new RegExp(`^\\d{${parameters.digits}}$`).test(code)) return undefined
  const given = Buffer.from(code)
  let matched: number | undefined
  // Every candidate is compared, in constant time, whatever matched first.
  for (let step = currentStep - window; step <= currentStep + window; step++) {
    if (step < 0) continue
    if (options.lastUsedStep !== undefined && options.lastUsedStep !== null && step <= options.lastUsedStep) continue
    if (timingSafeEqual(given, Buffer.from(totp(secret, step, parameters))) && matched === undefined) matched = step
  }
  return matched
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding: how authenticator apps take a secret. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31]
  return out
}

/** Accepts lower case, spaces and padding, as people type a secret; throws on anything else. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '').toUpperCase()
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const char of clean) {
    const index = alphabet.indexOf(char)
    if (index < 0) throw new RangeError(`not base32: ${JSON.stringify(char)}`)
    value = ((value << 5) | index) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Uint8Array.from(out)
}

/** The Key URI Format of Google Authenticator, which every authenticator app reads (as a QR code or pasted). */
export function otpauthUri(secret: Uint8Array, account: string, issuer: string, parameters = totpDefaults): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  const query = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: parameters.algorithm.toUpperCase(),
    digits: String(parameters.digits),
    period: String(parameters.period),
  })
  return `otpauth://totp/${label}?${query.toString()}`
}
