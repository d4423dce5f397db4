import { base32Decode, timeStep, totp } from '../domain/authentication/totp.ts'
import { type CliResult, help, noPositionals, ok, parse, UsageError } from './common.ts'

// `dasr totp --secret BASE32`: the current code for a TOTP secret, so someone
// trying the demo can sign in without an authenticator app on a phone. It
// reads no database and knows no account: it is an authenticator app, no more.

export async function totpCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { secret: { type: 'string' }, help })
  noPositionals(positionals)
  if (values.help || values.secret === undefined) {
    if (values.help) return ok(usage)
    throw new UsageError(`dasr totp: --secret is required (${usage})`)
  }
  let secret: Uint8Array
  try {
    secret = base32Decode(values.secret)
  } catch {
    throw new UsageError('--secret: must be base32 (the letters A-Z and digits 2-7), as `dasr serve` printed it')
  }
  if (secret.length < 10) throw new UsageError('--secret: too short to be a TOTP secret (at least 16 base32 letters)')
  const seconds = Date.now() / 1000
  const left = 30 - Math.floor(seconds % 30)
  return ok(`${totp(secret, timeStep(seconds))}  (valid for ${left} more second${left === 1 ? '' : 's'})`)
}

const usage = 'dasr totp --secret BASE32: print the current 6-digit code (RFC 6238, 30-second steps)'
