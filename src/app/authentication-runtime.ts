import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import {
  type AuthenticationSettings,
  defaultAuthenticationSettings,
  meetsAsvsArgon2,
} from '../domain/authentication/settings.ts'
import type { AppContext } from './context.ts'
import { hashPassword } from './passwords.ts'
import { loadSecretKey, type SecretBox, secretBox } from './secret-box.ts'

// What signing in needs beyond the application context: its settings, an
// instant clock (sessions expire by the minute, so "today" is not enough, and
// tests move it instead of sleeping), the key that seals second factors, and
// the force's identity provider if one is configured. Kept beside the context
// (one per AppContext) so the context's shape stays the same for every
// service; the composition root or a test calls `configureAuthentication`,
// and anything unconfigured comes from the environment on first use.

export interface OidcSettings {
  /** The identity provider's issuer URL (its discovery document is at …/.well-known/openid-configuration). */
  issuer: string
  clientId: string
  clientSecret: string
  /** This register's callback, exactly as registered with the provider: https://…/auth/oidc/callback. */
  redirectUri: string
  /** Where a browser lands after signing in. */
  postLoginPath: string
  /** Accept the provider's `amr`/`acr` as the second factor (ASVS 6.3.3) instead of the register's own TOTP. */
  trustIdpMfa: boolean
  /** `amr` values (RFC 8176) that show the provider checked a second factor. */
  mfaAmrValues: string[]
  /** `acr` values that show the same. */
  mfaAcrValues: string[]
  /** Link an unknown identity once, to the user with that e-mail, when the provider says the e-mail is verified. */
  linkByVerifiedEmail: boolean
}

export interface AuthenticationOptions {
  settings?: Partial<AuthenticationSettings>
  /** The instant clock; the real one by default. */
  now?: () => Date
  /** 32 bytes; by default from DASR_SECRET_KEY or the data directory's key file. */
  secretKey?: Uint8Array
  /** The identity provider; null for none; from DASR_OIDC_* by default. */
  oidc?: OidcSettings | null
}

export interface AuthenticationRuntime {
  readonly settings: AuthenticationSettings
  readonly now: () => Date
  readonly oidc: OidcSettings | undefined
  /** The key that seals TOTP secrets; throws MissingSecretKey where none can be had. */
  secrets(): SecretBox
  /**
   * A hash of a random password with the current parameters: an unknown
   * account is checked against it, so it costs the same time as a known one
   * (ASVS 6.3.8, no user enumeration).
   */
  decoyHash(): Promise<string>
  /** Per-runtime cache for the identity provider's discovered configuration (src/app/oidc.ts). */
  cache: Map<string, unknown>
}

const runtimes = new WeakMap<AppContext, AuthenticationRuntime>()

export function configureAuthentication(app: AppContext, options: AuthenticationOptions = {}): AuthenticationRuntime {
  const settings = checkSettings({ ...settingsFromEnv(process.env), ...options.settings })
  let box: SecretBox | undefined
  let decoy: Promise<string> | undefined
  const runtime: AuthenticationRuntime = {
    settings,
    now: options.now ?? (() => new Date()),
    oidc: options.oidc === undefined ? oidcFromEnv(process.env) : (options.oidc ?? undefined),
    secrets() {
      box ??= secretBox(options.secretKey ?? loadSecretKey(app.db))
      return box
    },
    decoyHash() {
      decoy ??= hashPassword(randomBytes(24).toString('base64'), settings.argon2)
      return decoy
    },
    cache: new Map(),
  }
  runtimes.set(app, runtime)
  return runtime
}

export function authenticationRuntime(app: AppContext): AuthenticationRuntime {
  return runtimes.get(app) ?? configureAuthentication(app)
}

const positive = z.coerce.number().int().positive()

/** The settings a deployment may change by environment variable (docs/authentication.md). */
const environmentSettings = {
  DASR_LOCKOUT_AFTER_FAILURES: 'lockoutAfterFailures',
  DASR_LOCKOUT_MINUTES: 'lockoutMinutes',
  DASR_IP_MAX_FAILURES: 'ipMaxFailures',
  DASR_IP_WINDOW_MINUTES: 'ipWindowMinutes',
  DASR_SESSION_IDLE_MINUTES: 'sessionIdleMinutes',
  DASR_SESSION_ABSOLUTE_HOURS: 'sessionAbsoluteHours',
  DASR_API_TOKEN_MAX_DAYS: 'apiTokenMaxDays',
} as const

export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<AuthenticationSettings> {
  const out: Partial<Record<string, unknown>> = {}
  for (const [name, key] of Object.entries(environmentSettings)) {
    const value = env[name]
    if (value === undefined || value.trim() === '') continue
    const parsed = positive.safeParse(value)
    if (!parsed.success) throw new Error(`${name} must be a whole number above 0, not ${JSON.stringify(value)}`)
    out[key] = parsed.data
  }
  const memory = env.DASR_ARGON2_MEMORY_KIB
  const passes = env.DASR_ARGON2_PASSES
  if ((memory ?? '') !== '' || (passes ?? '') !== '') {
    out.argon2 = {
      memory: positive.parse(memory ?? defaultAuthenticationSettings.argon2.memory),
      passes: positive.parse(passes ?? defaultAuthenticationSettings.argon2.passes),
      parallelism: 1,
    }
  }
  return out as Partial<AuthenticationSettings>
}

/** Refuses settings below the standards they implement, at start rather than at the first sign-in. */
export function checkSettings(partial: Partial<AuthenticationSettings>): AuthenticationSettings {
  const settings: AuthenticationSettings = { ...defaultAuthenticationSettings, ...partial }
  if (!meetsAsvsArgon2(settings.argon2)) {
    throw new Error(
      'argon2id parameters are below ASVS 5.0 Appendix C (t=1/m≥46 MiB, t=2/m≥19 MiB or t≥3/m≥12 MiB, p=1)',
    )
  }
  if (settings.password.minimumLength < 8 || settings.password.maximumLength < 64) {
    throw new Error('passwords must be allowed from 8 (ASVS 6.2.1) to at least 64 characters (ASVS 6.2.9)')
  }
  if (settings.totpWindowSteps > 2) throw new Error('a TOTP window beyond two steps keeps codes alive too long')
  return settings
}

const flag = (value: string | undefined) => value === '1' || value?.toLowerCase() === 'true'
const list = (value: string | undefined, fallback: string[]) =>
  value === undefined || value.trim() === ''
    ? fallback
    : value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')

/** DASR_OIDC_*: none set, no identity provider; some but not all of the four required, a refusal to start. */
export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const required = {
    issuer: env.DASR_OIDC_ISSUER,
    clientId: env.DASR_OIDC_CLIENT_ID,
    clientSecret: env.DASR_OIDC_CLIENT_SECRET,
    redirectUri: env.DASR_OIDC_REDIRECT_URI,
  }
  const given = Object.entries(required).filter(([, value]) => value !== undefined && value.trim() !== '')
  if (given.length === 0) return undefined
  if (given.length < 4) {
    const names = ['DASR_OIDC_ISSUER', 'DASR_OIDC_CLIENT_ID', 'DASR_OIDC_CLIENT_SECRET', 'DASR_OIDC_REDIRECT_URI']
    throw new Error(`OpenID Connect needs all of ${names.join(', ')}; some are missing`)
  }
  return {
    issuer: required.issuer as string,
    clientId: required.clientId as string,
    clientSecret: required.clientSecret as string,
    redirectUri: required.redirectUri as string,
    postLoginPath: env.DASR_OIDC_POST_LOGIN_PATH ?? '/',
    trustIdpMfa: flag(env.DASR_OIDC_TRUST_IDP_MFA),
    mfaAmrValues: list(env.DASR_OIDC_MFA_AMR, ['mfa']),
    mfaAcrValues: list(env.DASR_OIDC_MFA_ACR, []),
    linkByVerifiedEmail: flag(env.DASR_OIDC_LINK_BY_VERIFIED_EMAIL),
  }
}
