import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type Browser, type BrowserContext, chromium, type Page, selectors } from 'playwright-core'
import { buildServer } from '../../src/api/server.ts'
import type { Actor } from '../../src/app/actor.ts'
import { configureAuthentication } from '../../src/app/authentication-runtime.ts'
import type { AppContext } from '../../src/app/context.ts'
import { createUser, ensureOrganisation } from '../../src/app/directory.ts'
import { ensureDemoSignIn } from '../../src/cli/demo-sign-in.ts'
import { loadPopulation } from '../../src/demo/load.ts'
import type { AuthenticationSettings } from '../../src/domain/authentication/settings.ts'
import { base32Decode, timeStep, totp } from '../../src/domain/authentication/totp.ts'
import type { Database } from '../../src/store/database.ts'
import { freshDatabase, TestClock, type TestDatabase, testApp } from '../support/database.ts'

// The pages' tests drive Debian's Chromium with playwright-core against the
// real server on a real database (PGlite, the embedded default a newcomer
// runs), with a synthetic population loaded as `dasr serve` loads it.
// `.ci/run` installs Chromium; CHROMIUM_PATH names another binary.
//
// Helpers: sign a user in through the pages (password, then the TOTP code),
// check a page with axe-core against WCAG 2.2 AA, and save a screenshot to
// docs/screenshots for reviewers.

// The pages mark what tests look for with data-test attributes: page.getByTestId finds them.
selectors.setTestIdAttribute('data-test')

export const today = '2026-11-24'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface WebUser {
  email: string
  password: string
  secret: string
  actor: Actor
}

export type UserName =
  | 'registrar'
  | 'officer'
  | 'vlo'
  | 'partner'
  | 'mappa'
  | 'probation'
  | 'analyst'
  | 'auditor'
  | 'administrator'
  | 'otherForce'

export interface Browsing {
  baseUrl: string
  app: AppContext
  db: Database
  clock: TestClock
  server: FastifyInstance
  browser: Browser
  users: Record<UserName, WebUser>
  /**
   * A new browser context (its own cookies) and page, signed in as `user`
   * unless undefined. A user signs in through the pages once per test file;
   * later pages share that session, unless `fresh` asks for a new sign-in (a
   * test that signs out).
   */
  open(user?: UserName, options?: { fresh?: boolean }): Promise<Page>
  close(): Promise<void>
}

let suffix = 0

export interface BrowsingOptions {
  /** How many synthetic people to load (150). */
  people?: number
  /** Sign-in settings to change, such as a short idle timeout. */
  authentication?: Partial<AuthenticationSettings>
}

export async function startBrowsing(options: BrowsingOptions = {}): Promise<Browsing> {
  const testDb: TestDatabase = await freshDatabase('pglite')
  const db = testDb.db
  const clock = new TestClock(today)
  const app = testApp(db, clock)
  if (options.authentication !== undefined) configureAuthentication(app, { settings: options.authentication })
  await loadPopulation(db, { people: options.people ?? 150, seed: 1, asOf: today, softwareVersion: 'test' })
  const { scan } = await import('../../src/app/compliance.ts')
  const { systemActor } = await import('../../src/app/actor.ts')
  await scan({ app, actor: systemActor })

  await ensureOrganisation(db, { id: 'partner:demo-housing', name: 'Demo Housing Trust (synthetic)', kind: 'partner' })
  const n = suffix++
  const existing = async (email: string) => {
    const row = (await db.query<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [email]))[0]
    assert.ok(row, `the demo population has ${email}`)
    const { actorFor } = await import('../../src/app/directory.ts')
    return (await actorFor(db, row.id)) as Actor
  }
  const made = (organisationId: string, role: Actor['roles'][number], name: string) =>
    createUser(db, {
      organisationId,
      roles: [role],
      displayName: `${name} (synthetic)`,
      email: `${role}.${n}@web-test.example.test`,
    })
  const actors: Record<UserName, Actor> = {
    registrar: await existing('registrar@demo-shire.example.test'),
    officer: await existing('offender-manager.1@demo-shire.example.test'),
    vlo: await existing('victim-liaison-officer.1@demo-shire.example.test'),
    partner: await made('partner:demo-housing', 'partner-practitioner', 'Pip Partner'),
    mappa: await made('mappa:avon-and-somerset', 'mappa-coordinator', 'Max Mappa'),
    probation: await existing('offender-manager.1@probation-east-of-england.example.test'),
    analyst: await made('police:demo-shire', 'analyst', 'Ann Analyst'),
    auditor: await made('police:demo-shire', 'auditor', 'Aud Auditor'),
    administrator: await made('police:demo-shire', 'administrator', 'Ada Admin'),
    otherForce: await existing('registrar@essex.example.test'),
  }
  const users = {} as Record<UserName, WebUser>
  for (const [name, actor] of Object.entries(actors) as [UserName, Actor][]) {
    const email = (await db.query<{ email: string }>('SELECT email FROM app_user WHERE id = $1', [actor.userId]))[0]
      ?.email as string
    const signIn = await ensureDemoSignIn(app, actor, email)
    users[name] = { email, password: signIn.password, secret: signIn.secret, actor }
  }

  const server = await buildServer({ app, hardening: { rateLimit: false } })
  const address = await server.listen({ port: 0, host: '127.0.0.1' })
  // Chromium treats localhost as a secure context, so the __Host- cookies (Secure) are kept over http.
  const baseUrl = address.replace('127.0.0.1', 'localhost')
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
  const contexts: BrowserContext[] = []
  const sessions = new Map<UserName, Awaited<ReturnType<BrowserContext['storageState']>>>()
  return {
    baseUrl,
    app,
    db,
    clock,
    server,
    browser,
    users,
    async open(user?: UserName, options: { fresh?: boolean } = {}) {
      const saved = user === undefined || options.fresh === true ? undefined : sessions.get(user)
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: 1280, height: 900 },
        ...(saved !== undefined ? { storageState: saved } : {}),
      })
      contexts.push(context)
      const page = await context.newPage()
      if (user !== undefined && saved === undefined) {
        await signIn(page, users[user])
        if (options.fresh !== true) sessions.set(user, await context.storageState())
      }
      return page
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {})
      await browser.close()
      await server.close()
      await testDb.drop()
    },
  }
}

/** The code an authenticator app shows now for this secret (a user who has not signed in yet). */
export function currentCode(user: Pick<WebUser, 'secret'>): string {
  return totp(base32Decode(user.secret), timeStep(Date.now() / 1000))
}

const lastStepUsed = new Map<string, number>()

/**
 * The code the user's authenticator app shows, from a time step not used yet:
 * the register accepts a code once (RFC 6238 §5.2), so a second sign-in of the
 * same user within 30 seconds waits for the next code, as a person would.
 */
export async function freshCode(user: WebUser): Promise<string> {
  let step = timeStep(Date.now() / 1000)
  const last = lastStepUsed.get(user.email)
  if (last !== undefined && step <= last) {
    await new Promise((resolve) => setTimeout(resolve, (last + 1) * 30_000 - Date.now() + 200))
    step = timeStep(Date.now() / 1000)
  }
  lastStepUsed.set(user.email, step)
  return totp(base32Decode(user.secret), step)
}

/** Signs in through the pages: e-mail and password, then the security code. */
export async function signIn(page: Page, user: WebUser): Promise<void> {
  await page.goto('/sign-in')
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Password', { exact: true }).fill(user.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByLabel('Enter your security code').fill(await freshCode(user))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
}

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

interface AxeViolation {
  id: string
  impact: string
  help: string
  nodes: { target: string[]; failureSummary: string }[]
}

/**
 * axe-core on the page as it is now: 0 violations of WCAG 2.2 AA, or the
 * assertion lists each with the elements it found. The page's CSP allows no
 * injected script, so axe runs through the DevTools protocol (bypassCSP).
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(axeSource)
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(wcagTags)} }, resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as AxeViolation[]
  const described = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`,
  )
  assert.deepEqual(described, [], `${label}: axe-core found WCAG 2.2 AA violations`)
}

const screenshotDir = join(import.meta.dirname, '..', '..', 'docs', 'screenshots')

/** Saves the whole page (or only what is in view: a modal dialog) to docs/screenshots/NAME.png, for reviewers. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: options.fullPage ?? true })
}

/** The text of the page's main element, whitespace collapsed. */
export async function mainText(page: Page): Promise<string> {
  return ((await page.locator('main').innerText()) ?? '').replace(/\s+/g, ' ')
}
