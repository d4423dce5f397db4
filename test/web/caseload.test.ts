import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { systemActor } from '../../src/app/actor.ts'
import { scan } from '../../src/app/compliance.ts'
import type { Call } from '../../src/app/context.ts'
import { createPerson } from '../../src/app/people.ts'
import { type Registrant, registerSynthetic } from '../register/registrants.ts'
import { type Browsing, expectAccessible, mainText, screenshot, signIn, startBrowsing, today } from './support.ts'

// Issue 6, item 2 "My caseload", in a real browser: the officer's registrants
// with what is due and overdue, sorted, filtered (without JavaScript too) and
// paged on the server; the journey "let an obligation go overdue (moving the
// as-of date) and see the suspected breach on the caseload"; and what other
// roles see of it.

const rowNames = async (page: Page) => page.getByTestId('caseload-row').locator('th a').allInnerTexts()
const familyOf = (name: string) => name.split(' ').at(-1) as string

/** The page keeps the GOV.UK standard width (960px), and its table fits inside it without scrolling sideways. */
async function expectFitsTheStandardWidth(page: Page): Promise<void> {
  const widths = (await page.evaluate(`(() => {
    const container = document.querySelector('main').closest('.govuk-width-container')
    const table = document.querySelector('[data-test="caseload"]')
    return { container: container.getBoundingClientRect().width, table: table.scrollWidth, room: table.parentElement.clientWidth }
  })()`)) as { container: number; table: number; room: number }
  assert.ok(widths.container <= 960, `the page is ${widths.container}px wide`)
  assert.ok(widths.table <= widths.room, `the table is ${widths.table}px wide in ${widths.room}px`)
}

describe('pages: my caseload', () => {
  let web: Browsing
  let registrant: Registrant
  let officerCases = 0

  before(async () => {
    web = await startBrowsing()
    const registrar: Call = { app: web.app, actor: web.users.registrar.actor, justification: 'Caseload test set-up' }
    const officer = web.users.officer.actor.userId
    // A registrant of the officer's, registered today: their initial notification falls due in three days.
    registrant = await registerSynthetic(registrar, {
      familyName: 'Overdue-Testcase',
      givenNames: 'Quentin',
      dateOfBirth: '1984-05-06',
      responsibleOfficerId: officer,
      riskLevel: 'high',
    })
    // More cases for the officer, so the caseload runs to a second page.
    for (let n = 1; n <= 20; n++) {
      await createPerson(registrar, {
        familyName: `Pageworth${String.fromCharCode(64 + n)}`,
        givenNames: 'Synthetic',
        dateOfBirth: `19${70 + n}-02-${String(n).padStart(2, '0')}`,
        responsibleOfficerId: officer,
        riskLevel: n % 2 === 0 ? 'medium' : 'low',
        confirmedNotDuplicate: true,
      })
    }
    const [row] = await web.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM person WHERE responsible_officer_id = $1',
      [officer],
    )
    officerCases = row?.n ?? 0
    assert.ok(officerCases > 25, `the officer has ${officerCases} cases`)
  })
  after(async () => {
    await web?.close()
  })

  test('an officer signs in to their caseload: counts that need attention, a page of cases and their tasks', async () => {
    const page = await web.open('officer')
    assert.equal(new URL(page.url()).pathname, '/caseload')
    assert.equal(await page.locator('h1').innerText(), 'My caseload')
    const summary = await page.getByTestId('caseload-summary').innerText()
    assert.match(summary, /with something overdue/)
    assert.match(summary, /due in the next 7 days/)
    assert.match(summary, /with a suspected breach to decide/)
    assert.equal(await page.getByTestId('caseload-row').count(), 25)
    assert.match(await page.locator('caption').first().innerText(), new RegExp(`${officerCases} people`))
    const row = page.getByTestId('caseload-row').filter({ hasText: registrant.reference })
    assert.match(await row.innerText(), /Quentin Overdue-Testcase/)
    assert.match(await row.innerText(), /Initial notification/)
    assert.equal(await row.getByRole('link').getAttribute('href'), `/people/${registrant.personId}`)
    assert.match(await mainText(page), /Your open tasks/)
    // Every detail of the row is there, each on its own line.
    const details = (await row.innerText()).replace(/\s+/g, ' ')
    assert.match(details, /Registered Risk: High/)
    assert.match(details, /Visit: (None due|\d+ \w+ \d{4}) Review: (None set|\d+ \w+ \d{4})/)
    await expectFitsTheStandardWidth(page)
    await expectAccessible(page, 'caseload')
  })

  test('columns sort on the server: the links in the headers, with aria-sort on the sorted column', async () => {
    const page = await web.open('officer')
    await page.goto('/caseload')
    assert.equal(
      await page
        .locator('th[aria-sort="ascending"]')
        .innerText()
        .then((t) => t.startsWith('Next due')),
      true,
    )
    await page.locator('thead').getByRole('link', { name: /^Name/ }).click()
    await page.waitForURL(/sort=name&order=ascending/)
    assert.match(await page.locator('th[aria-sort="ascending"]').innerText(), /^Name/)
    const ascending = (await rowNames(page)).map(familyOf)
    assert.deepEqual(
      ascending,
      [...ascending].sort((a, b) => a.localeCompare(b)),
    )
    await page.locator('thead').getByRole('link', { name: /^Name/ }).click()
    await page.waitForURL(/sort=name&order=descending/)
    assert.match(await page.locator('th[aria-sort="descending"]').innerText(), /^Name/)
    const descending = (await rowNames(page)).map(familyOf)
    assert.deepEqual(
      descending,
      [...descending].sort((a, b) => b.localeCompare(a)),
    )
    // Six columns: registration and risk share one, the next home visit and the next review another.
    assert.equal(await page.locator('th[aria-sort="none"]').count(), 5)
    await page.locator('thead').getByRole('link', { name: /^Risk/ }).click()
    await page.waitForURL(/sort=risk&order=descending/)
    assert.match(await page.locator('th[aria-sort="descending"]').innerText(), /^Registration[\s\S]*Risk ▼/)
    await page
      .locator('thead')
      .getByRole('link', { name: /^Next review/ })
      .click()
    await page.waitForURL(/sort=nextReview&order=ascending/)
    assert.match(await page.locator('th[aria-sort="ascending"]').innerText(), /^Next home visit[\s\S]*Next review ▲/)
    await expectAccessible(page, 'caseload sorted by name')
  })

  test('pages are served a page at a time, with previous and next links', async () => {
    const page = await web.open('officer')
    await page.goto('/caseload?sort=name&order=ascending')
    const first = await rowNames(page)
    await page.getByRole('navigation', { name: 'Caseload pages' }).getByRole('link', { name: /Next/ }).click()
    await page.waitForURL(/page=2/)
    assert.match(await page.title(), /page 2 of 2/)
    const second = await rowNames(page)
    assert.equal(first.length + second.length, officerCases)
    assert.deepEqual(
      first.filter((name) => second.includes(name)),
      [],
    )
    // The sort is kept from page to page.
    assert.ok(familyOf(first.at(-1) as string).localeCompare(familyOf(second[0] as string)) <= 0)
    await expectAccessible(page, 'caseload page 2')
    await page
      .getByRole('navigation', { name: 'Caseload pages' })
      .getByRole('link', { name: /Previous/ })
      .click()
    await page.waitForURL((url) => !url.searchParams.has('page'))
    assert.deepEqual(await rowNames(page), first)
  })

  test('the MoJ filter works without JavaScript: a GET form, with selected filters that can be removed', async () => {
    const context = await web.browser.newContext({ baseURL: web.baseUrl, javaScriptEnabled: false })
    // page.evaluate never answers without JavaScript: nothing here may wait for ever.
    context.setDefaultTimeout(20_000)
    try {
      const page = await context.newPage()
      await signIn(page, web.users.officer)
      await page.goto('/caseload')
      await page.getByRole('group', { name: 'Risk level' }).getByLabel('High', { exact: true }).check()
      await page.getByRole('group', { name: 'Registration' }).getByLabel('Registered').check()
      await page.getByRole('button', { name: 'Apply filters' }).click()
      await page.waitForURL(/risk=high/)
      assert.match(page.url(), /status=registered/)
      const rows = page.getByTestId('caseload-row')
      assert.ok((await rows.count()) >= 1)
      for (const text of await rows.allInnerTexts()) {
        assert.match(text, /Registered/)
        assert.match(text, /High/)
      }
      assert.match(await rows.first().innerText(), /Quentin Overdue-Testcase/)
      assert.match(await page.locator('.moj-filter__selected').innerText(), /Selected filters/)
      // axe needs JavaScript: the same view, checked in a page that has it.
      const checked = await web.open('officer')
      await checked.goto(page.url())
      await expectAccessible(checked, 'caseload filtered')
      // Removing the "High" tag keeps the other filter.
      await page.locator('.moj-filter__tag', { hasText: 'High' }).click()
      await page.waitForURL((url) => !url.searchParams.has('risk'))
      assert.match(page.url(), /status=registered/)
      // A filter nobody matches says so, and offers to clear the filters.
      await page.goto('/caseload?risk=very-high&status=archived')
      assert.match(await page.getByTestId('caseload-empty').innerText(), /No one on this caseload matches the filters/)
      await checked.goto('/caseload?risk=very-high&status=archived')
      await expectAccessible(checked, 'caseload with no match')
      await page.getByRole('link', { name: 'Clear the filters' }).click()
      await page.waitForURL((url) => url.search === '')
      assert.equal(await page.getByTestId('caseload-row').count(), 25)
    } finally {
      await context.close()
    }
  })

  test("the organisation's caseload, for registrars and officers, names each case's responsible officer", async () => {
    const page = await web.open('registrar')
    await page.goto('/caseload')
    await page.getByRole('link', { name: 'My organisation’s cases' }).click()
    await page.waitForURL(/scope=organisation/)
    assert.equal(await page.locator('h1').innerText(), 'My organisation’s caseload')
    const officers = await page.getByTestId('officer').allInnerTexts()
    assert.ok(officers.length > 0)
    for (const officer of officers) assert.match(officer, /^Responsible officer: /)
    assert.match(await mainText(page), /synthetic/)
    await expectFitsTheStandardWidth(page)
    await expectAccessible(page, "organisation's caseload")
  })

  test('a victim liaison officer sees their organisation’s cases without the compliance they are not shown', async () => {
    const page = await web.open('vlo')
    await page.goto('/caseload')
    assert.equal(await page.locator('h1').innerText(), 'My organisation’s caseload')
    assert.equal(await page.getByRole('link', { name: 'My cases', exact: true }).count(), 0)
    assert.match(await page.getByTestId('caseload-row').first().innerText(), /Compliance not shown to you/)
    await expectAccessible(page, 'caseload of a victim liaison officer')
  })

  test('a partner agency with nothing shared with it has an empty caseload, which says so', async () => {
    const page = await web.open('partner')
    await page.goto('/caseload')
    assert.match(await page.getByTestId('caseload-empty').innerText(), /no one on the register/)
    await expectAccessible(page, 'empty caseload')
  })

  test('reading the caseload is one consultation in the audit trail, naming the people shown by id, never by name', async () => {
    const actor = web.users.officer.actor
    const page = await web.open('officer')
    const before = await web.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event')
    await page.goto('/caseload?sort=name&order=ascending')
    const entries = await web.db.query<{ justification: string; detail: { people: string[]; count: number } }>(
      `SELECT justification, detail FROM audit_event
        WHERE id > $1 AND actor_id = $2 AND operation = 'consultation' AND object_type = 'caseload'`,
      [before[0]?.id ?? 0, actor.userId],
    )
    assert.equal(entries.length, 1)
    const [entry] = entries
    assert.equal(entry?.justification, 'Caseload review')
    assert.equal(entry?.detail.count, 25)
    assert.equal(entry?.detail.people.length, 25)
    const text = JSON.stringify(entry)
    for (const name of await rowNames(page)) assert.ok(!text.includes(familyOf(name)), `${name} is not in the trail`)
  })

  test('letting an obligation go overdue: a later date, the compliance scan, and the suspected breach is on the caseload', async () => {
    const page = await web.open('officer')
    await page.goto('/caseload?attention=breach')
    assert.equal(
      await page.getByTestId('caseload-row').filter({ hasText: registrant.reference }).count(),
      0,
      'no suspected breach before the date moves',
    )
    try {
      // Three weeks on, the initial notification (due three days after registration) has not come in.
      web.clock.set('2026-12-15')
      await scan({ app: web.app, actor: systemActor })
      await page.goto('/caseload')
      const summary = await page.getByTestId('caseload-summary').innerText()
      assert.match(summary, /1\s+person with a suspected breach to decide/)
      await page.getByRole('link', { name: /with a suspected breach to decide/ }).click()
      await page.waitForURL(/attention=breach/)
      const row = page.getByTestId('caseload-row').filter({ hasText: registrant.reference })
      assert.equal(await row.count(), 1)
      assert.equal(await row.getByTestId('breaches').innerText(), '1')
      assert.match(await row.innerText(), /Overdue/)
      assert.match(await mainText(page), /Suspected breach: Initial notification/)
      await expectAccessible(page, 'caseload with a suspected breach')
      await page.goto('/caseload?sort=breaches&order=descending')
      assert.match(await page.getByTestId('caseload-row').first().innerText(), /Quentin Overdue-Testcase/)
      await screenshot(page, 'caseload')
    } finally {
      web.clock.set(today)
    }
  })
})
