import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { duration, warningSecondsFor } from '../../src/web/view.ts'
import { type Browsing, expectAccessible, mainText, screenshot, signIn, startBrowsing } from './support.ts'

// WCAG 2.2.1 Timing adjustable: a session ends after a time without activity,
// so the pages warn before it does (the HMRC and GOV.UK "service timeout"
// pattern) and let the user stay signed in. The server here ends a session
// after 30 seconds without activity, so the warning (at least 20 seconds
// before the end) appears about 10 seconds after a page loads.

const idleSeconds = 30

interface SessionRow extends Record<string, unknown> {
  idle_expires_at: Date
  ended_at: Date | null
  end_reason: string | null
}

test('the warning comes 2 minutes before the end, never less than 20 seconds; times read in words', () => {
  assert.equal(warningSecondsFor(30 * 60), 120)
  assert.equal(warningSecondsFor(60), 30)
  assert.equal(warningSecondsFor(30), 20)
  assert.equal(duration(30 * 60), '30 minutes')
  assert.equal(duration(60), '1 minute')
  assert.equal(duration(12 * 3600), '12 hours')
  assert.equal(duration(30), '30 seconds')
  assert.equal(duration(1), '1 second')
})

describe('pages: the timeout warning', () => {
  let web: Browsing

  before(async () => {
    web = await startBrowsing({
      people: 20,
      authentication: { sessionIdleMinutes: idleSeconds / 60, lastSeenEverySeconds: 1 },
    })
  })
  after(async () => {
    await web?.close()
  })

  const latestSession = async (userId: string) => {
    const [row] = await web.db.query<SessionRow>(
      'SELECT idle_expires_at, ended_at, end_reason FROM user_session WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
      [userId],
    )
    assert.ok(row, 'the user has a session')
    return row
  }
  const warning = (page: Page) => page.getByRole('dialog', { name: 'You’re about to be signed out' })
  /** The session's end in the database, once it has moved past `than`. */
  const endMovedOn = async (userId: string, than: Date) => {
    for (let tries = 0; tries < 50; tries++) {
      const row = await latestSession(userId)
      if (row.idle_expires_at.getTime() > than.getTime()) return row.idle_expires_at
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.fail('the session’s end did not move on')
  }

  test('without JavaScript there is no dialog, and the pages say how long a session lasts', async () => {
    const context = await web.browser.newContext({ baseURL: web.baseUrl, javaScriptEnabled: false })
    context.setDefaultTimeout(20_000)
    try {
      const page = await context.newPage()
      await page.goto('/sign-in')
      assert.match(
        await page.getByTestId('session-limits').innerText(),
        /signed out after 30 seconds without activity, and always after 12 hours/,
      )
      await signIn(page, web.users.registrar)
      assert.match(await page.getByTestId('session-limits').innerText(), /signed out after 30 seconds without activity/)
      assert.equal(await warning(page).count(), 0, 'a closed dialog is not shown')
    } finally {
      await context.close()
    }
  })

  test('the warning comes before the session ends; Escape and "Stay signed in" extend it; letting it run out signs out', async () => {
    const officer = web.users.officer.actor.userId
    const page = await web.open('officer', { fresh: true })
    const loaded = (await latestSession(officer)).idle_expires_at
    const dialog = warning(page)
    await dialog.waitFor({ state: 'visible', timeout: idleSeconds * 1000 })

    // Asking the server how long is left, as the script did before warning, is not activity.
    assert.equal((await latestSession(officer)).idle_expires_at.getTime(), loaded.getTime())
    const text = (await dialog.innerText()).replace(/\s+/g, ' ')
    assert.match(text, /For your security, we will sign you out in \d+ seconds\./)
    assert.match(text, /Anything you have not saved will be lost/)
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'timeout-warning')
    assert.match(
      (await page.locator('#timeout-warning-announcement').innerText()).trim(),
      /^For your security, we will sign you out in (20|40) seconds\.$/,
      'the live region reads the time in steps of 20 seconds',
    )
    assert.equal(await dialog.getByRole('button', { name: 'Sign out' }).count(), 1)
    await expectAccessible(page, 'timeout warning')
    await screenshot(page, 'timeout-warning', { fullPage: false })

    // "Stay signed in": the session on the server ends later, and the dialog closes.
    await dialog.getByRole('button', { name: 'Stay signed in' }).click()
    const stayed = await endMovedOn(officer, loaded)
    await dialog.waitFor({ state: 'hidden' })
    assert.equal((await latestSession(officer)).ended_at, null)

    // Escape does the same.
    await dialog.waitFor({ state: 'visible', timeout: idleSeconds * 1000 })
    await page.keyboard.press('Escape')
    await endMovedOn(officer, stayed)
    await dialog.waitFor({ state: 'hidden' })

    // Doing nothing: the session ends on the server and the browser lands on the sign-in page, which says why.
    await dialog.waitFor({ state: 'visible', timeout: idleSeconds * 1000 })
    await page.waitForURL(/\/sign-in\?reason=timed-out/, { timeout: idleSeconds * 1000 })
    const ended = await latestSession(officer)
    assert.notEqual(ended.ended_at, null, 'the session has ended on the server')
    assert.equal(ended.end_reason, 'idle')
    assert.match(await page.getByTestId('timed-out').innerText(), /For your security, we signed you out/)
    assert.match(await mainText(page), /Sign in/)
    assert.equal(await page.getByLabel('Email address').count(), 1)
    await expectAccessible(page, 'signed out after the timeout')
    // After signing in again, the user is back where they were.
    assert.equal(new URL(page.url()).searchParams.get('next'), '/caseload')
  })

  test('the session end points answer without a session, refuse a post without the CSRF token; the dialog signs out', async () => {
    const signedOut = await web.server.inject({ method: 'GET', url: '/session/time-left' })
    assert.equal(signedOut.statusCode, 200)
    assert.deepEqual(signedOut.json(), { signedIn: false, secondsLeft: 0 })
    assert.equal(signedOut.headers['cache-control'], 'no-store')

    const page = await web.open('vlo', { fresh: true })
    const answer = await page.request.get('/session/time-left')
    const left = (await answer.json()) as { signedIn: boolean; secondsLeft: number }
    assert.equal(left.signedIn, true)
    assert.ok(left.secondsLeft > 0 && left.secondsLeft <= idleSeconds, `${left.secondsLeft} seconds left`)
    const forged = await page.request.post('/session/extend', {
      headers: { accept: 'application/json' },
      form: { _csrf: 'not-the-token' },
      maxRedirects: 0,
    })
    assert.equal(forged.status(), 403)

    // The dialog's "Sign out" signs out as the header's button does.
    const dialog = warning(page)
    await dialog.waitFor({ state: 'visible', timeout: idleSeconds * 1000 })
    await dialog.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/signed-out$/)
    const ended = await latestSession(web.users.vlo.actor.userId)
    assert.equal(ended.end_reason, 'logout')
  })
})
