import { defaultPasswordPolicy, type PasswordPolicy } from './password-rules.ts'

// How signing in behaves, with the ASVS 5.0 requirement each default meets.
// A deployment changes them through environment variables, read and checked
// once at start by src/app/authentication-runtime.ts; docs/authentication.md
// lists them.

export interface Argon2Parameters {
  /** Memory in KiB. */
  memory: number
  /** Passes (t). */
  passes: number
  /** Lanes (p). */
  parallelism: number
}

/**
 * ASVS 5.0 Appendix C's argon2id floors (p = 1): t=1 with m ≥ 46 MiB, t=2 with
 * m ≥ 19 MiB, or t ≥ 3 with m ≥ 12 MiB. Parameters meet the standard when they
 * reach any one of the three.
 */
export function meetsAsvsArgon2(parameters: Argon2Parameters): boolean {
  const { memory, passes, parallelism } = parameters
  if (parallelism < 1) return false
  return (
    (passes >= 1 && memory >= 46 * 1024) || (passes >= 2 && memory >= 19 * 1024) || (passes >= 3 && memory >= 12 * 1024)
  )
}

export interface AuthenticationSettings {
  /** 64 MiB and two passes: above the first two ASVS floors (≈170 ms on the 2-core reference machine). */
  argon2: Argon2Parameters
  password: PasswordPolicy
  /** ASVS 6.3.1: failures in a row (password or second factor) before the account is locked. */
  lockoutAfterFailures: number
  /** …and for how long. The lock lifts by itself; an administrator setting a password lifts it too. */
  lockoutMinutes: number
  /** ASVS 6.1.1, 6.3.1: failed sign-ins from one address within the window before it must wait. */
  ipMaxFailures: number
  ipWindowMinutes: number
  /** ASVS 7.3.1: a session unused this long ends. */
  sessionIdleMinutes: number
  /** ASVS 7.3.2: a session ends this long after sign-in, however busy. */
  sessionAbsoluteHours: number
  /** Between the password and the second factor: time to type the code or enrol. */
  secondFactorMinutes: number
  /** "Last seen" is written at most this often, so a busy session is not a write per request. */
  lastSeenEverySeconds: number
  /** ASVS 6.5.5 / RFC 6238 §5.2: steps either side of now a code may come from. */
  totpWindowSteps: number
  /** The issuer shown in authenticator apps. */
  totpIssuer: string
  /** An API token lives at most this many days. */
  apiTokenMaxDays: number
  /** A pending OpenID Connect login (state, nonce, PKCE verifier) is usable this long. */
  oidcLoginMinutes: number
}

export const defaultAuthenticationSettings: AuthenticationSettings = {
  argon2: { memory: 64 * 1024, passes: 2, parallelism: 1 },
  password: { ...defaultPasswordPolicy },
  lockoutAfterFailures: 5,
  lockoutMinutes: 15,
  ipMaxFailures: 50,
  ipWindowMinutes: 15,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  secondFactorMinutes: 5,
  lastSeenEverySeconds: 60,
  totpWindowSteps: 1,
  totpIssuer: 'DASR',
  apiTokenMaxDays: 365,
  oidcLoginMinutes: 10,
}
