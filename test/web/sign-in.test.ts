import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Browsing, expectAccessible, freshCode, mainText, screenshot, startBrowsing } from './support.ts'

// Issue 6: signing in through the pages, in a real browser.

describe('pages: signing in and out', () => {
  let web: Browsing
  before(async () => {
    web = await startBrowsing()
  })
  after(async () => {
    await web?.close()
  })

  test('a page asked for before signing in leads to the sign-in page, and back to it after', async () => {
    const page = await web.open()
    await page.goto('/caseload')
    assert.match(new URL(page.url()).pathname, /^\/sign-in$/)
    await expectAccessible(page, 'sign-in page')
    await screenshot(page, 'sign-in')
    const user = web.users.officer
    await page.getByLabel('Email address').fill(user.email)
    await page.getByLabel('Password', { exact: true }).fill(user.password)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expectAccessible(page, 'security code page')
    await page.getByLabel('Enter your security code').fill(await freshCode(user))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL('**/caseload')
    assert.match(await page.getByTestId('signed-in-as').innerText(), /synthetic/)
  })

  test('empty fields and a wrong password get the GOV.UK error summary, and say nothing about the account', async () => {
    const page = await web.open()
    await page.goto('/sign-in')
    await page.getByRole('button', { name: 'Continue' }).click()
    assert.match(await page.title(), /^Error: /)
    const summary = await page.locator('.govuk-error-summary').innerText()
    assert.match(summary, /Enter your email address/)
    assert.match(summary, /Enter your password/)
    await expectAccessible(page, 'sign-in page with errors')
    await screenshot(page, 'sign-in-errors')

    await page.getByLabel('Email address').fill(web.users.officer.email)
    await page.getByLabel('Password', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: 'Continue' }).click()
    const wrongPassword = await page.locator('.govuk-error-summary').innerText()
    await page.getByLabel('Email address').fill('nobody@nowhere.example.test')
    await page.getByLabel('Password', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: 'Continue' }).click()
    const unknownUser = await page.locator('.govuk-error-summary').innerText()
    assert.equal(wrongPassword, unknownUser, 'a wrong password and an unknown e-mail read the same')
  })

  test('a sign-in form posted from another site is refused', async () => {
    const response = await fetch(`${web.baseUrl}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({
        email: web.users.officer.email,
        password: web.users.officer.password,
        _csrf: 'forged',
      }).toString(),
    })
    assert.equal(response.status, 403)
    assert.equal(response.headers.get('set-cookie')?.includes('__Host-dasr-session'), false)
  })

  test('signing out ends the session on the server: the old cookie no longer opens a page', async () => {
    const page = await web.open('officer', { fresh: true })
    const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-dasr-session')
    assert.ok(cookie)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/signed-out')
    assert.match(await mainText(page), /You have signed out/)
    const again = await fetch(`${web.baseUrl}/caseload`, {
      headers: { cookie: `__Host-dasr-session=${cookie.value}`, accept: 'text/html' },
      redirect: 'manual',
    })
    assert.equal(again.status, 303)
    assert.equal(again.headers.get('location'), '/sign-in?next=%2Fcaseload')
  })
})
