import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { createUser } from '../../src/app/directory.ts'
import { readPerson } from '../../src/app/people.ts'
import {
  type Browsing,
  currentCode,
  expectAccessible,
  mainText,
  screenshot,
  startBrowsing,
  type WebUser,
} from './support.ts'

// Issue 6, item 8: the audit trail for auditors, user administration for
// administrators, and the accessibility statement for everyone. Each role
// signs in once (a security code is good once) and keeps its page.

const summaryText = async (page: Page) =>
  ((await page.locator('.govuk-error-summary').innerText()) ?? '').replace(/\s+/g, ' ')

describe('pages: audit trail, user administration and accessibility statement', () => {
  let web: Browsing
  let auditor: Page
  let administrator: Page
  const justification = 'Preparing a home visit (audit page test)'
  let person: { id: string; reference: string }

  before(async () => {
    web = await startBrowsing()
    const rows = await web.db.query<{ id: string; reference: string }>(
      `SELECT id, reference FROM person WHERE managing_org_id = 'police:demo-shire' ORDER BY reference LIMIT 1`,
    )
    assert.ok(rows[0], 'the demo population has a person managed by police:demo-shire')
    person = rows[0]
    // An officer reads the record, giving a reason: the consultation the auditor will look for; and
    // more records, so the auditor (who sees their own force's entries) has more than a page of them.
    const call = { app: web.app, actor: web.users.officer.actor, justification }
    const others = await web.db.query<{ id: string }>(
      `SELECT id FROM person WHERE managing_org_id = 'police:demo-shire' AND id <> $1 ORDER BY reference LIMIT 30`,
      [person.id],
    )
    assert.ok(others.length >= 10)
    for (const round of [1, 2, 3]) {
      for (const other of others) {
        await readPerson({ ...call, justification: `Caseload review ${round} (audit page test)` }, other.id)
      }
    }
    await readPerson(call, person.id)
    auditor = await web.open('auditor')
    administrator = await web.open('administrator')
  })
  after(async () => {
    await web?.close()
  })

  const entriesBy = (actorId: string, since: number) =>
    web.db.query<{ operation: string; object_type: string; detail: Record<string, unknown> }>(
      'SELECT operation, object_type, detail FROM audit_event WHERE actor_id = $1 AND id > $2 ORDER BY id',
      [actorId, since],
    )
  const lastEntry = async () =>
    (await web.db.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM audit_event'))[0]?.id ?? 0

  test('an auditor searches by person and category, sees who, when, why and from where, and the search is itself audited', async () => {
    const page = auditor
    assert.match(new URL(page.url()).pathname, /^\/audit$/, 'an auditor starts on the audit trail')
    assert.ok((await page.getByTestId('audit-entry').count()) > 0, 'the latest entries are shown')
    await expectAccessible(page, 'audit trail')

    const before = await lastEntry()
    await page.getByLabel('Person', { exact: true }).fill(person.reference)
    await page.getByLabel('Category').selectOption('consultation')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/category=consultation/)
    const entries = page.getByTestId('audit-entry')
    assert.ok((await entries.count()) >= 1)
    const rows = (await entries.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '))
    const officerRead = rows.find((text) => text.includes(justification))
    assert.ok(officerRead, `the officer's consultation with its reason is listed: ${rows.join('\n')}`)
    assert.match(officerRead, /consultation/)
    assert.match(officerRead, new RegExp(person.id))
    assert.match(officerRead, new RegExp(web.users.officer.actor.displayName.replace(/[()]/g, '\\$&')))
    assert.match(officerRead, /police:demo-shire/)
    for (const text of rows) assert.match(text, /consultation/, 'only the category asked for')
    // Never the person's details: the trail holds ids, not names or dates of birth.
    const [named] = await web.db.query<{ name: string }>(
      `SELECT given_names || ' ' || family_name AS name FROM person WHERE id = $1`,
      [person.id],
    )
    assert.ok(named)
    assert.ok(!(await mainText(page)).includes(named.name))

    const own = await entriesBy(web.users.auditor.actor.userId, before)
    const search = own.find((e) => e.operation === 'consultation' && e.object_type === 'audit-trail')
    assert.ok(search, 'the search is logged as a consultation of the audit trail')
    assert.deepEqual((search.detail.filters as Record<string, unknown>).personId, person.id)
    assert.equal((search.detail.filters as Record<string, unknown>).category, 'consultation')
    await expectAccessible(page, 'audit trail search results')
    await screenshot(page, 'audit')
  })

  test('the audit trail pages back and forth, a page at a time', async () => {
    const page = auditor
    await page.goto('/audit')
    const first = await page.getByTestId('audit-entry').allInnerTexts()
    assert.equal(first.length, 25)
    await page.getByRole('link', { name: 'Older entries' }).click()
    await page.waitForURL(/cursor=/)
    const second = await page.getByTestId('audit-entry').allInnerTexts()
    assert.ok(second.length > 0)
    assert.notDeepEqual(second, first)
    await page.getByRole('link', { name: 'Newer entries' }).click()
    await page.waitForLoadState()
    assert.equal(await page.getByRole('link', { name: 'Newer entries' }).count(), 0, 'back on the first page')
  })

  test('a search the auditor typed wrongly gets GOV.UK messages naming each field', async () => {
    const page = auditor
    await page.goto('/audit')
    await page.getByLabel('Person', { exact: true }).fill('Smith')
    await page.getByLabel('User', { exact: true }).fill('nobody@nowhere.example.test')
    const from = page.getByRole('group', { name: 'Date from' })
    await from.getByLabel('Day').fill('30')
    await from.getByLabel('Month').fill('2')
    await from.getByLabel('Year').fill('2026')
    const to = page.getByRole('group', { name: 'Date to' })
    await to.getByLabel('Day').fill('1')
    await to.getByLabel('Year').fill('2026')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForLoadState()
    assert.match(await page.title(), /^Error: /)
    const summary = await summaryText(page)
    assert.match(summary, /Enter a register reference, like DA-2026-000123, or a person’s id/)
    assert.match(summary, /Date from must be a real date/)
    assert.match(summary, /Date to must include a month/)
    assert.equal(await page.getByTestId('audit-entries').count(), 0)
    await expectAccessible(page, 'audit trail search with errors')

    await page.getByLabel('Person', { exact: true }).fill('')
    await from.getByLabel('Day').fill('20')
    await from.getByLabel('Month').fill('11')
    await to.getByLabel('Month').fill('11')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForLoadState()
    const second = await summaryText(page)
    assert.match(second, /There is no user with the email address nobody@nowhere\.example\.test/)
    assert.match(second, /Date to must be the same as or after date from/)
  })

  test('"Check the chain" recomputes the hash chain and reports the entries checked', async () => {
    const page = auditor
    await page.goto('/audit')
    const before = await lastEntry()
    const written = (await web.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event'))[0]?.n ?? 0
    await page.getByRole('button', { name: 'Check the chain' }).click()
    await page.waitForLoadState()
    assert.match(await page.locator('h1').innerText(), /chain is intact/)
    const report = (await page.getByTestId('verify-report').innerText()).replace(/\s+/g, ' ')
    const checked = Number(/Entries checked (\d+)/.exec(report)?.[1])
    assert.ok(checked >= written, `${checked} entries checked, ${written} written before: all sealed and checked`)
    assert.ok(
      (await entriesBy(web.users.auditor.actor.userId, before)).some((e) => e.object_type === 'audit-chain'),
      'the check is logged',
    )
    await expectAccessible(page, 'audit chain report')
  })

  test('an officer opening the audit trail gets the generic page, and the refusal is audited', async () => {
    const page = await web.open('officer')
    const before = await lastEntry()
    const response = await page.goto('/audit?category=consultation')
    assert.equal(response?.status(), 403)
    assert.match(await mainText(page), /Page not found or not available to you/)
    assert.ok(!(await mainText(page)).includes('audit:search'), 'the page does not name the rule')
    const denied = (await entriesBy(web.users.officer.actor.userId, before)).filter((e) => e.operation === 'denied')
    assert.ok(
      denied.some((e) => e.object_type === 'audit:search'),
      JSON.stringify(denied),
    )
    assert.equal(await page.getByRole('link', { name: 'Audit trail' }).count(), 0, 'no link to it in the navigation')
    await expectAccessible(page, 'refused page')
  })

  test('an administrator lists users and filters them by role and organisation', async () => {
    const page = administrator
    assert.match(new URL(page.url()).pathname, /^\/admin\/users$/)
    assert.ok((await page.getByTestId('user-row').count()) > 1)
    await expectAccessible(page, 'users')
    await screenshot(page, 'admin-users')
    await page.getByLabel('Role').selectOption('auditor')
    await page.getByLabel('Organisation').selectOption('police:demo-shire')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/role=auditor/)
    const rows = await page.getByTestId('user-row').allInnerTexts()
    assert.ok(rows.some((row) => row.includes(web.users.auditor.actor.displayName)))
    for (const row of rows) assert.match(row, /Auditor/)
    await expectAccessible(page, 'users, filtered')
  })

  test('an administrator adds a user; the form refuses what it must, with GOV.UK messages', async () => {
    const page = administrator
    await page.goto('/admin/users/new')
    await expectAccessible(page, 'add a user')
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.waitForLoadState()
    let summary = await summaryText(page)
    assert.match(summary, /Enter the user’s full name/)
    assert.match(summary, /Enter an email address/)
    assert.match(summary, /Select at least one role/)
    await expectAccessible(page, 'add a user with errors')

    await page.getByLabel('Full name').fill('Vic Newcomer (synthetic)')
    await page.getByLabel('Email address').fill('not-an-address')
    await page.getByLabel('Offender manager').check()
    await page.getByLabel('I will set the password').check()
    await page.getByLabel('Password', { exact: true }).fill('short')
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.waitForLoadState()
    summary = await summaryText(page)
    assert.match(summary, /Enter an email address in the correct format, like name@example\.com/)
    assert.equal(await page.getByLabel('Full name').inputValue(), 'Vic Newcomer (synthetic)', 'what was typed is kept')

    await page.getByLabel('Email address').fill(web.users.officer.email)
    await page.getByLabel('Password', { exact: true }).fill('short')
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.waitForLoadState()
    assert.match(await summaryText(page), /Password must be at least 12 characters/)

    await page.getByLabel('Password', { exact: true }).fill('four unrelated words here')
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.waitForLoadState()
    assert.match(await summaryText(page), /A user with this email address already exists/)

    // A password the register makes is shown once, in the answer to the post.
    await page.getByLabel('Email address').fill('vic.newcomer@web-test.example.test')
    await page.getByLabel('Make a password for me').check()
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.waitForLoadState()
    assert.match(await page.locator('h1').innerText(), /The account has been created/)
    const shown = await page.getByTestId('first-password').innerText()
    assert.match(shown, /^[A-Za-z0-9x]{5}(-[A-Za-z0-9x]{5}){3}$/)
    assert.ok(!page.url().includes(shown), 'never in the address')
    await expectAccessible(page, 'account created')
  })

  test('an administrator disables a user, whose session ends at once; and enables them again', async () => {
    const page = administrator
    const email = 'dee.disabled@web-test.example.test'
    const password = 'lantern orchard velvet compass'
    await page.goto('/admin/users/new')
    await page.getByLabel('Full name').fill('Dee Disabled (synthetic)')
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Victim liaison officer').check()
    await page.getByLabel('I will set the password').check()
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}\?done=created/)
    assert.match(await page.getByTestId('success').innerText(), /The account has been created/)
    const userPage = page.url().split('?')[0] as string

    // The new user signs in for the first time: password, then setting up the authenticator app.
    const user = await web.open()
    await user.goto('/sign-in')
    await user.getByLabel('Email address').fill(email)
    await user.getByLabel('Password', { exact: true }).fill(password)
    await user.getByRole('button', { name: 'Continue' }).click()
    await user.getByRole('button', { name: 'Show my set-up key' }).click()
    const secret = (await user.getByTestId('totp-secret').innerText()).replace(/\s+/g, '')
    await user.getByLabel('Security code from your app').fill(currentCode({ secret } as WebUser))
    await user.getByRole('button', { name: 'Confirm and sign in' }).click()
    await user.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
    await user.goto('/impact')
    assert.match(await user.getByTestId('signed-in-as').innerText(), /Dee Disabled/)

    await page.goto(userPage)
    assert.match((await page.getByTestId('user-summary').innerText()).replace(/\s+/g, ' '), /Signed in now Yes/)
    await expectAccessible(page, 'a user')
    await page.getByRole('button', { name: 'Disable the account' }).click()
    await page.waitForURL(/done=disabled/)
    assert.match(await page.getByTestId('success').innerText(), /disabled\. Their sessions have ended/)
    const summary = (await page.getByTestId('user-summary').innerText()).replace(/\s+/g, ' ')
    assert.match(summary, /Disabled/)
    assert.match(summary, /Signed in now No/)
    await expectAccessible(page, 'a disabled user with the confirmation')

    await user.reload()
    assert.match(new URL(user.url()).pathname, /^\/sign-in$/, 'the disabled user’s session no longer opens a page')
    assert.equal(await user.getByLabel('Email address').count(), 1)

    await page.getByRole('button', { name: 'Enable the account' }).click()
    await page.waitForURL(/done=enabled/)
    assert.match(await page.getByTestId('success').innerText(), /enabled/)
    await page.getByRole('button', { name: 'Reset their authenticator app' }).click()
    await page.waitForURL(/done=second-factor/)
    assert.match(
      (await page.getByTestId('user-summary').innerText()).replace(/\s+/g, ' '),
      /Authenticator app Not set up yet/,
    )
    await page.getByRole('button', { name: 'End their sessions' }).click()
    await page.waitForURL(/done=sessions/)

    await page.getByLabel('New password').fill('dee')
    await page.getByRole('button', { name: 'Set the password' }).click()
    await page.waitForLoadState()
    assert.match(await summaryText(page), /Password must be at least 12 characters/)
    await expectAccessible(page, 'a user with a password error')
  })

  test('an administrator issues an API token for an integration: GOV.UK errors, shown once, scoped, audited', async () => {
    const page = administrator
    // An account kept for a system integration, in the administrator's organisation.
    const integration = await createUser(web.db, {
      organisationId: 'police:demo-shire',
      roles: ['registrar'],
      displayName: 'Case management system (synthetic integration)',
      email: 'case-management.integration@web-test.example.test',
    })
    await page.goto(`/admin/users/${integration.userId}`)
    await page.getByRole('button', { name: 'Issue an API token' }).click()
    await page.waitForURL(/\/tokens\/new$/)
    assert.equal(await page.locator('h1').innerText(), 'Issue an API token')
    // Only what the account's roles allow is offered.
    assert.equal(await page.getByLabel('Read tasks').count(), 1)
    assert.equal(await page.getByLabel('Search the audit trail').count(), 0, 'registrars do not search the trail')
    await expectAccessible(page, 'issue an API token')

    await page.getByLabel('How many days the token works for').fill('')
    await page.getByRole('button', { name: 'Issue the token' }).click()
    await page.waitForLoadState()
    assert.match(await page.title(), /^Error: /)
    let summary = await summaryText(page)
    assert.match(summary, /Enter the name of the integration/)
    assert.match(summary, /Select what the token may do/)
    assert.match(summary, /Enter how many days the token should work for/)
    await expectAccessible(page, 'issue an API token with errors')
    await screenshot(page, 'admin-token-errors')
    // Each message in the summary moves the focus to its field.
    await page.locator('.govuk-error-summary').getByRole('link', { name: 'Select what the token may do' }).click()
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.name'), 'scopes')

    await page.getByLabel('Name of the integration').fill('Case management system, nightly import (test)')
    await page.getByLabel('Read tasks').check()
    await page.getByLabel('How many days the token works for').fill('400')
    await page.getByRole('button', { name: 'Issue the token' }).click()
    await page.waitForLoadState()
    summary = await summaryText(page)
    assert.match(summary, /Number of days must be between 1 and 365/)
    assert.equal(await page.getByLabel('Read tasks').isChecked(), true, 'what was chosen is kept')

    const before = await lastEntry()
    await page.getByLabel('How many days the token works for').fill('30')
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.getByRole('button', { name: 'Issue the token' }).click(),
    ])
    await page.waitForLoadState()
    assert.equal(answer.headers()['cache-control'], 'no-store', 'the answer with the token is not kept')
    assert.match(await page.locator('h1').innerText(), /The API token has been issued/)
    const token = await page.getByTestId('api-token').innerText()
    assert.match(token, /^dasr_[A-Za-z0-9_-]{43}$/)
    assert.ok(!page.url().includes(token), 'never in the address')
    const details = (await page.getByTestId('token-summary').innerText()).replace(/\s+/g, ' ')
    assert.match(details, /May do Read tasks \(task:read\)/)
    assert.match(details, /Works until \d{1,2} \w+ \d{4} at/)
    await expectAccessible(page, 'API token issued')

    // The token works on the API for what it was issued for, and for nothing else.
    const bearer = { authorization: `Bearer ${token}` }
    const tasks = await web.server.inject({ method: 'GET', url: '/api/v1/tasks', headers: bearer })
    assert.equal(tasks.statusCode, 200, tasks.body)
    const caseload = await web.server.inject({ method: 'GET', url: '/api/v1/caseload', headers: bearer })
    assert.equal(caseload.statusCode, 403, 'person:read was not in its scopes')

    // Audited by the service, with its label, scopes and expiry, never the token.
    const entries = await entriesBy(web.users.administrator.actor.userId, before)
    const issued = entries.find((e) => e.operation === 'administration' && e.detail.event === 'token-issued')
    assert.ok(issued, JSON.stringify(entries))
    assert.deepEqual(issued.detail.scopes, ['task:read'])
    assert.equal(issued.detail.label, 'Case management system, nightly import (test)')
    const [trail] = await web.db.query<{ text: string }>(
      "SELECT string_agg(detail::text, ' ') AS text FROM audit_event",
    )
    assert.ok(!(trail?.text ?? '').includes(token), 'the token is nowhere in the audit trail')

    // Never shown again: the account's page lists it by name only.
    await page.getByRole('link', { name: /Go to Case management system/ }).click()
    await page.waitForURL(new RegExp(`/admin/users/${integration.userId}$`))
    assert.match(await mainText(page), /Case management system, nightly import \(test\)/)
    assert.ok(!(await page.content()).includes(token))
  })

  test('an administrator cannot disable their own account, and cannot open a user of another organisation', async () => {
    const page = administrator
    await page.goto(`/admin/users/${web.users.administrator.actor.userId}`)
    assert.equal(await page.getByRole('button', { name: 'Disable the account' }).count(), 0)
    // A forged post (the button is not there) is refused by the service, and nothing changes.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue()
    const refused = await page.request.post(`/admin/users/${web.users.administrator.actor.userId}/disable`, {
      form: { _csrf: csrf },
      headers: { accept: 'text/html' },
      maxRedirects: 0,
    })
    assert.equal(refused.status(), 409)
    assert.match(await refused.text(), /You cannot disable your own account/)
    const [self] = await web.db.query<{ disabled: boolean }>('SELECT disabled FROM app_user WHERE id = $1', [
      web.users.administrator.actor.userId,
    ])
    assert.equal(self?.disabled, false)
    const essex = await page.goto(`/admin/users/${web.users.otherForce.actor.userId}`)
    assert.equal(essex?.status(), 404)
    assert.match(await mainText(page), /Page not found or not available to you/)
  })

  test('the accessibility statement is public, follows the GOV.UK pattern and passes axe', async () => {
    const page = await web.open()
    await page.goto('/caseload')
    await page.getByRole('link', { name: 'Accessibility statement' }).click()
    await page.waitForURL('**/accessibility')
    const text = await mainText(page)
    for (const heading of [
      'Accessibility statement for the Domestic abuse and stalking register',
      'How accessible this service is',
      'Feedback and contact information',
      'Reporting accessibility problems with this service',
      'Enforcement procedure',
      'Technical information about this service’s accessibility',
      'Compliance status',
      'Non-accessible content',
      'Preparation of this accessibility statement',
    ]) {
      assert.ok(text.includes(heading), heading)
    }
    assert.match(text, /Web Content Accessibility Guidelines version 2\.2/)
    assert.match(text, /not yet been tested with screen readers/)
    assert.match(text, /Equality Advisory and Support Service/)
    assert.match(text, /issue tracker/)
    assert.match(await page.getByTestId('statement-prepared').innerText(), /24 November 2026/)
    await expectAccessible(page, 'accessibility statement')
    await screenshot(page, 'accessibility')
    // The keyboard: the first Tab reaches the skip link, which leads to the content.
    await page.keyboard.press('Tab')
    assert.equal(
      await page.evaluate('document.activeElement && document.activeElement.textContent.trim()'),
      'Skip to main content',
    )
    await page.keyboard.press('Enter')
    assert.equal(new URL(page.url()).hash, '#main-content')
  })
})
