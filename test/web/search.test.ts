import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import type { Call } from '../../src/app/context.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { type Browsing, expectAccessible, mainText, screenshot, startBrowsing } from './support.ts'

// Issue 6, item 3 "Search", in a real browser: find a person by a misspelt
// name or an alias, see why they matched and open their record; tolerance of
// spelling, accents, transliteration, word order and hyphens; other details
// (vehicle, phone, date of birth); the form's errors; and the audit of every
// search with its reason.

const reason = 'Call from the control room about a sighting (test)'
const searchFor = (q: string, extra: Record<string, string> = {}) =>
  `/search?${new URLSearchParams({ q, because: reason, ...extra }).toString()}`

async function results(page: Page): Promise<{ name: string; reasons: string }[]> {
  const rows = page.getByTestId('search-result')
  const out = []
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i)
    out.push({
      name: await row.locator('th a').innerText(),
      reasons: await row.getByTestId('reasons').innerText(),
    })
  }
  return out
}

describe('pages: finding a person', () => {
  let web: Browsing
  const ids: Record<string, string> = {}

  before(async () => {
    web = await startBrowsing()
    const registrar: Call = { app: web.app, actor: web.users.registrar.actor, justification: 'Search test set-up' }
    const record = async (call: Call, person: Record<string, unknown>, facts: Record<string, unknown>[] = []) => {
      const created = await createPerson(call, { ...person, confirmedNotDuplicate: true })
      for (const fact of facts) await addFact(call, created.id, undefined, fact)
      return created.id
    }
    ids.rashid = await record(
      registrar,
      { familyName: 'Al-Rashid', givenNames: 'Mohammed', dateOfBirth: '1988-03-14' },
      [
        { kind: 'name', nameType: 'alias', givenNames: 'Jon', familyName: 'Smyth' },
        { kind: 'vehicle', registration: 'ZZ61 QXT', make: 'Ford', model: 'Fiesta' },
        { kind: 'phone', number: '07700 900777' },
      ],
    )
    ids.smith = await record(registrar, { familyName: 'Smith', givenNames: 'John', dateOfBirth: '1985-01-01' })
    ids.petrov = await record(registrar, { familyName: 'Petrov', givenNames: 'Aleksandr', dateOfBirth: '1979-11-02' })
    ids.alvarez = await record(registrar, { familyName: 'Álvarez', givenNames: 'José', dateOfBirth: '1990-07-07' })
    // Another force's John Smith: never found by an officer of the first.
    const otherForce: Call = { app: web.app, actor: web.users.otherForce.actor, justification: 'Search test set-up' }
    ids.elsewhere = await record(otherForce, { familyName: 'Smith', givenNames: 'John', dateOfBirth: '1986-06-06' })
  })
  after(async () => {
    await web?.close()
  })

  test('an officer finds a person by a misspelt alias, sees why they matched, and opens their record', async () => {
    const page = await web.open('officer')
    await page.getByRole('navigation', { name: 'Primary navigation' }).getByRole('link', { name: 'Search' }).click()
    await page.waitForURL('**/search')
    await expectAccessible(page, 'search form')
    await page.getByLabel('Name, alias or other detail').fill('John Smith')
    await page.getByLabel('Reason for this search').fill(reason)
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=John\+Smith/)
    const found = await results(page)
    const names = found.map((r) => r.name)
    assert.deepEqual(names.slice(0, 2), ['John Smith', 'Mohammed Al-Rashid'], 'the exact name first, then the alias')
    assert.match(found[0]?.reasons ?? '', /Name ‘John Smith’ matches/)
    assert.match(found[1]?.reasons ?? '', /Alias ‘Jon Smyth’ sounds like ‘John Smith’/)
    const links = await page
      .getByTestId('search-result')
      .locator('th a')
      .evaluateAll((as) => as.map((a) => String((a as unknown as { href: string }).href)))
    assert.equal(links.filter((href) => href.includes(ids.elsewhere as string)).length, 0, "another force's John Smith")
    await expectAccessible(page, 'search results')
    await screenshot(page, 'search-results')

    await page.getByRole('link', { name: 'Mohammed Al-Rashid' }).click()
    await page.waitForURL(`**/people/${ids.rashid}?**`)
    assert.equal(new URL(page.url()).searchParams.get('because'), reason)
    assert.equal(await page.locator('h1').innerText(), 'Mohammed Al-Rashid')
  })

  test('tolerant of spelling, transliteration, accents, word order, hyphens and spaces; and of other details', async () => {
    const page = await web.open('officer')
    const cases: [string, string, RegExp][] = [
      ['al rashid muhamad', 'Mohammed Al-Rashid', /Name ‘Mohammed Al-Rashid’ sounds like ‘al rashid muhamad’/],
      ['ALRASHID Mohamed', 'Mohammed Al-Rashid', /sounds like/],
      ['Mehmet Al-Rashid', 'Mohammed Al-Rashid', /sounds like/],
      ['Alexander Petrov', 'Aleksandr Petrov', /Name ‘Aleksandr Petrov’ sounds like ‘Alexander Petrov’/],
      ['Александр Петров', 'Aleksandr Petrov', /sounds like ‘Александр Петров’|matches/],
      ['jose alvarez', 'José Álvarez', /Name ‘José Álvarez’ matches/],
      ['Smyth, Jon', 'Mohammed Al-Rashid', /Alias ‘Jon Smyth’ matches/],
      ['zz61qxt', 'Mohammed Al-Rashid', /Vehicle registration ZZ61 QXT/],
      ['+44 7700 900777', 'Mohammed Al-Rashid', /Phone number 07700 900777/],
    ]
    for (const [query, name, why] of cases) {
      await page.goto(searchFor(query))
      const found = await results(page)
      const hit = found.find((r) => r.name === name)
      assert.ok(hit, `${query} finds ${name} (found ${found.map((r) => r.name).join(', ') || 'nobody'})`)
      assert.match(hit.reasons, why, query)
    }
  })

  test('a date of birth ranks those born that day first, and says so', async () => {
    const page = await web.open('officer')
    await page.goto(
      searchFor('John Smith', { 'dateOfBirth-day': '14', 'dateOfBirth-month': '3', 'dateOfBirth-year': '1988' }),
    )
    const found = await results(page)
    assert.equal(found[0]?.name, 'Mohammed Al-Rashid')
    assert.match(found[0]?.reasons ?? '', /Date of birth matches/)
    assert.equal(found[1]?.name, 'John Smith')
    assert.doesNotMatch(found[1]?.reasons ?? '', /Date of birth/)
    await expectAccessible(page, 'search results with a date of birth')
  })

  test('the form says what is missing or wrong, in the GOV.UK error summary, and nothing is searched', async () => {
    const page = await web.open('officer')
    await page.goto('/search')
    await page.getByRole('button', { name: 'Search' }).click()
    assert.match(await page.title(), /^Error: /)
    const summary = await page.locator('.govuk-error-summary').innerText()
    assert.match(summary, /Enter a name, number or other detail to search for/)
    assert.match(summary, /Enter a reason for this search/)
    assert.equal(await page.getByTestId('search-result').count(), 0)
    await expectAccessible(page, 'search form with errors')
    await page
      .locator('.govuk-error-summary')
      .getByRole('link', { name: /Enter a reason/ })
      .click()
    assert.equal(
      await page.evaluate(
        () => (globalThis as { document?: { activeElement?: { id?: string } } }).document?.activeElement?.id,
      ),
      'because',
    )

    await page.getByLabel('Name, alias or other detail').fill('Smith')
    await page.getByLabel('Reason for this search').fill(reason)
    await page.getByLabel('Day').fill('14')
    await page.getByLabel('Month').fill('3')
    await page.getByRole('button', { name: 'Search' }).click()
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Date of birth must include a year/)
    assert.equal(await page.getByLabel('Name, alias or other detail').inputValue(), 'Smith', 'what was typed is kept')
    await expectAccessible(page, 'search form with a date error')

    await page.goto(searchFor('Zebedee Quillfeather'))
    assert.match(await mainText(page), /No people found/)
    await expectAccessible(page, 'search with no results')
  })

  test('every search is a consultation in the audit trail with its reason, naming the people found, never what was typed', async () => {
    const page = await web.open('officer')
    const before = await web.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_event')
    await page.goto(searchFor('Jon Smyth'))
    const entries = await web.db.query<{ justification: string; detail: Record<string, unknown> }>(
      `SELECT justification, detail FROM audit_event
        WHERE id > $1 AND actor_id = $2 AND operation = 'consultation' AND object_type = 'person-search'`,
      [before[0]?.id ?? 0, web.users.officer.actor.userId],
    )
    assert.equal(entries.length, 1)
    assert.equal(entries[0]?.justification, reason)
    assert.deepEqual(entries[0]?.detail.criteria, ['name'])
    assert.ok(((entries[0]?.detail.people ?? []) as string[]).includes(ids.rashid as string))
    assert.doesNotMatch(JSON.stringify(entries[0]?.detail), /smyth|jon/i)
  })

  test('a partner agency practitioner is not offered the search, and is refused it by its address', async () => {
    const page = await web.open('partner')
    await page.goto('/caseload')
    assert.equal(
      await page.getByRole('navigation', { name: 'Primary navigation' }).getByRole('link', { name: 'Search' }).count(),
      0,
    )
    const response = await page.goto(searchFor('John Smith'))
    assert.equal(response?.status(), 403)
    assert.match(await mainText(page), /Page not found or not available to you/)
    await expectAccessible(page, 'search refused')
  })
})
