import { randomBytes } from 'node:crypto'
import type { Actor } from '../app/actor.ts'
import { enrolConfirmedTotp, readConfirmedTotpSecret, storePasswordHash } from '../app/authentication.ts'
import { authenticationRuntime } from '../app/authentication-runtime.ts'
import type { AppContext } from '../app/context.ts'
import { hashPassword } from '../app/passwords.ts'
import { base32Encode } from '../domain/authentication/totp.ts'

// The demo account of `dasr serve` on the embedded register: a password that
// is new at every start (only its hash is kept, so it cannot be shown again)
// and a TOTP secret that stays, so an authenticator app set up once keeps
// working. Both are printed: the register is synthetic and on this machine.

export interface DemoSignIn {
  email: string
  password: string
  /** Base32, for an authenticator app or `dasr totp --secret`. */
  secret: string
}

export async function ensureDemoSignIn(app: AppContext, actor: Actor, email: string): Promise<DemoSignIn> {
  const runtime = authenticationRuntime(app)
  const password = `demo-${randomBytes(12).toString('base64url')}`
  const hash = await hashPassword(password, runtime.settings.argon2)
  await app.db.transaction((tx) => storePasswordHash(tx, runtime, actor.userId, hash))
  let secret = await readConfirmedTotpSecret(app, actor.userId)
  if (secret === undefined) {
    secret = randomBytes(20)
    await enrolConfirmedTotp(app, actor.userId, secret)
  }
  return { email, password, secret: base32Encode(secret) }
}
