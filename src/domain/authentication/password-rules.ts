// What a password must be (ASVS 5.0 V6.2): long enough, not too long to hash,
// no composition rules (6.2.5), never forced to rotate (6.2.10), not a common
// or context-specific one (6.2.11, and 6.2.12 as far as a shipped list can
// go). Length is counted in Unicode code points after NFC normalisation, so
// "é" typed either way counts once and hashes the same.

export interface PasswordPolicy {
  /** Refused below this (ASVS 6.2.1 asks ≥ 8; the register enforces 12). */
  minimumLength: number
  /** Advised at or above this (ASVS 6.2.1 recommends 15). */
  recommendedLength: number
  /** Refused above this: at least 64 must be allowed (ASVS 6.2.9); 128 bounds the hashing work. */
  maximumLength: number
}

export const defaultPasswordPolicy: PasswordPolicy = { minimumLength: 12, recommendedLength: 15, maximumLength: 128 }

/** The password as it is hashed: NFC, so the same characters always give the same hash. */
export const normalisePassword = (password: string) => password.normalize('NFC')

/**
 * Common passwords of 12 characters or more (shorter ones fail on length):
 * the long entries of the public breached-password top lists, and the
 * register's own name. A deployment with a breached-password service should
 * add it (ASVS 6.2.12); this list is the floor, not the ceiling.
 */
const common = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789012345',
  '1234567890qwerty',
  '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u8i',
  'qwertyuiopasdfgh',
  'qwertyuiopas',
  'qwerty123456',
  'qwerty1234567',
  'qwertyuiop123',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'password1234567',
  'p@ssw0rd1234',
  'iloveyou1234',
  'iloveyouiloveyou',
  'letmein12345',
  'welcome12345',
  'welcome123456',
  'changeme1234',
  'changemenow!',
  'administrator',
  'administrator1',
  'trustno1trustno1',
  'abcdefghijkl',
  'abcdefghijklmnop',
  'abc123abc123',
  'football1234',
  'monkey123456',
  'sunshine1234',
  'princess1234',
  'superman1234',
  'starwars1234',
  'computer1234',
  'baseball1234',
  'correcthorsebatterystaple',
  'correct horse battery staple',
  'thequickbrownfox',
  'domesticabuseregister',
  'stalkingregister',
  'dasrdasrdasr',
])

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'contains-account-name' | 'repetitive'

export const passwordProblemMessages: Record<PasswordProblem, (policy: PasswordPolicy) => string> = {
  'too-short': (p) => `must be at least ${p.minimumLength} characters (${p.recommendedLength} or more is better)`,
  'too-long': (p) => `must be at most ${p.maximumLength} characters`,
  common: () => 'is a commonly used password; choose another (a few unrelated words work well)',
  'contains-account-name': () => 'must not contain the account name',
  repetitive: () => 'is one character or a short sequence repeated; choose another',
}

/** The problems with a new password for an account, none if it may be used. */
export function passwordProblems(
  password: string,
  context: { email?: string; displayName?: string } = {},
  policy: PasswordPolicy = defaultPasswordPolicy,
): PasswordProblem[] {
  const normal = normalisePassword(password)
  const length = [...normal].length
  if (length < policy.minimumLength) return ['too-short']
  if (length > policy.maximumLength) return ['too-long']
  const problems: PasswordProblem[] = []
  const lower = normal.toLowerCase()
  if (common.has(lower)) problems.push('common')
  // ASVS 6.2.11: words from the context, such as the user's own name.
  const names = [context.email?.split('@')[0], ...(context.displayName?.split(/\s+/) ?? [])]
    .map((name) => name?.toLowerCase().trim() ?? '')
    .filter((name) => name.length >= 4)
  if (names.some((name) => lower.includes(name))) problems.push('contains-account-name')
  if (/^(.{1,3})\1+$/su.test(lower)) problems.push('repetitive')
  return problems
}
