import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page, Response } from 'playwright-core'
import type { Call } from '../../src/app/context.ts'
import { addFact, createPerson } from '../../src/app/people.ts'
import { determine, recordNoticeServed, refer, register } from '../../src/app/registration.ts'
import { type Browsing, expectAccessible, mainText, screenshot, startBrowsing } from './support.ts'

// Issue 6, item 5: the registration journey in a real browser, from adding a
// person to serving the notice, with every form's error state checked by axe.
// The people are synthetic and made up for these tests.

const because = 'Checking the registration journey (test)'
const withReason = (path: string) => `${path}${path.includes('?') ? '&' : '?'}because=${encodeURIComponent(because)}`

/** Two stalking convictions against two former partners, one with release on licence: eligible under Lords 2024. */
const stalking = (date: string, offenceDate: string, custody: Record<string, unknown>, releasedOn?: string) => ({
  kind: 'conviction',
  date,
  offenceDate,
  offence: 'PHA1997-s4A',
  domesticAbuse: true,
  victims: [{ id: crypto.randomUUID(), relationship: 'ex-partner', ageAtOffence: 30 }],
  disposal: { type: 'custody', ...custody },
  ...(releasedOn === undefined ? {} : { releasedOn }),
  context: { weaponUsed: false, sexualViolence: false },
})

/** An element the page marks with data-test. */
const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`)

/** Fills a GOV.UK date input by its question. */
async function fillDate(page: Page, legend: string, day: string, month: string, year: string) {
  const group = page.getByRole('group', { name: legend, exact: true })
  await group.getByLabel('Day').fill(day)
  await group.getByLabel('Month').fill(month)
  await group.getByLabel('Year').fill(year)
}

/** Clicks a button and returns the response of the page it leads to (after any redirect). */
async function submit(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.status() !== 303),
    page.getByRole('button', { name: button }).click(),
  ])
  await page.waitForLoadState('domcontentloaded')
  return response
}

async function errorSummary(page: Page): Promise<string> {
  assert.match(await page.title(), /^Error: /)
  return page.locator('.govuk-error-summary').innerText()
}

describe('pages: the registration journey', () => {
  let web: Browsing
  const as = (): Call => ({ app: web.app, actor: web.users.registrar.actor, justification: because })

  // One signed-in page per user for the whole file: a security code is accepted once per 30 seconds.
  let registrar: Page
  let officer: Page
  before(async () => {
    web = await startBrowsing()
    registrar = await web.open('registrar')
    officer = await web.open('officer')
  })
  after(async () => {
    await web?.close()
  })

  /** A person referred, with the offending that makes them eligible, and a determination. */
  async function referredPerson(familyName: string) {
    const { id } = await createPerson(as(), { familyName, givenNames: 'Sample', dateOfBirth: '1986-08-19' })
    await addFact(as(), id, undefined, stalking('2024-03-01', '2023-12-10', { months: 8, suspended: true }))
    await addFact(as(), id, undefined, stalking('2026-03-01', '2025-12-10', { months: 18 }, '2026-09-01'))
    await refer(as(), id, { reason: 'Two stalking convictions against former partners (test set-up)' })
    const determination = await determine(as(), id, {})
    return { id, determinationId: determination.id }
  }

  test('register someone from referral to notice', async () => {
    const page = registrar

    // Add the person.
    await page.goto('/people/new')
    await expectAccessible(page, 'add a person')
    await page.getByLabel('Family name').fill('Marrowgate')
    await page.getByLabel('Given names').fill('Ellis Synthetic')
    await fillDate(page, 'Date of birth', '17', '5', '1988')
    await page.getByLabel('National Insurance number (optional)').fill('JT 48 21 93 B')
    await page.getByLabel('Male', { exact: true }).check()
    await page.getByRole('button', { name: 'Add person' }).click()
    await page.waitForURL((url) => /^\/people\/[0-9a-f-]{36}/.test(url.pathname))
    const personId = new URL(page.url()).pathname.split('/')[2] as string

    // The journey asks why the record is opened, then comes back with the reason.
    await page.goto(`/people/${personId}/referral`)
    assert.match(await mainText(page), /Why are you viewing this record\?/)
    await expectAccessible(page, 'why are you viewing this record')
    await page.getByLabel('Referring this person for registration').check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/referral\?because=/)
    assert.match(await mainText(page), /No convictions are recorded/)
    await expectAccessible(page, 'referral page')

    // Two convictions, through the form.
    for (const c of [
      { date: ['1', '3', '2024'], offenceDate: ['10', '12', '2023'], months: '8', suspended: true, age: '29' },
      {
        date: ['1', '3', '2026'],
        offenceDate: ['10', '12', '2025'],
        months: '18',
        released: ['1', '9', '2026'],
        age: '31',
      },
    ]) {
      await page.getByRole('link', { name: 'Add a conviction' }).click()
      await page.waitForURL(/\/convictions\/new/)
      await page.getByLabel('Offence', { exact: true }).selectOption('PHA1997-s4A')
      await fillDate(page, 'Date of conviction', ...(c.date as [string, string, string]))
      await fillDate(page, 'Date of the offence (optional)', ...(c.offenceDate as [string, string, string]))
      await page.getByRole('group', { name: 'Was the conviction flagged as domestic abuse?' }).getByLabel('Yes').check()
      await page.getByLabel('Relationship of the victim to the person').selectOption('ex-partner')
      await page.getByLabel('Victim’s age at the offence (optional)').fill(c.age)
      await page.getByLabel('Custody', { exact: true }).check()
      await page.getByLabel('Length of the sentence').fill(c.months)
      if (c.suspended) await page.getByLabel('The custodial sentence was suspended').check()
      if (c.released) {
        await fillDate(
          page,
          'Release date, or expected release date (optional)',
          ...(c.released as [string, string, string]),
        )
      }
      await page.getByRole('group', { name: 'Was a weapon used?' }).getByLabel('No', { exact: true }).check()
      await page.getByRole('group', { name: 'Was there sexual violence?' }).getByLabel('No', { exact: true }).check()
      await page.getByRole('button', { name: 'Add conviction' }).click()
      await page.waitForURL(/\/referral\?/)
      assert.match(await byTest(page, 'success').innerText(), /The conviction has been added/)
    }
    assert.equal(await byTest(page, 'convictions').locator('tbody tr').count(), 2)

    // Refer.
    await page
      .getByLabel('Why are you referring this person for registration?')
      .fill('Referred by MARAC: two stalking convictions against former partners (synthetic)')
    await page.getByRole('button', { name: 'Refer for registration' }).click()
    await page.waitForURL(/done=referred/)
    assert.match(await byTest(page, 'success').innerText(), /has been referred/)
    await screenshot(page, 'registration-referral')

    // Determine: every policy side by side.
    await page.getByRole('button', { name: 'Check eligibility under every policy' }).click()
    await page.waitForURL(/\/determinations\/[0-9a-f-]{36}\?/)
    const comparison = byTest(page, 'comparison')
    assert.equal(await comparison.locator('thead th').count(), 6, 'one column per policy')
    const outcomes = await comparison.locator('tbody tr').first().innerText()
    assert.match(outcomes, /Eligible/)
    assert.equal(await byTest(page, 'policy-card').count(), 6)
    const lords = page.locator('#policy-lords-2024')
    assert.match(await lords.innerText(), /Eligible/)
    assert.match(await lords.innerText(), /Conviction 1/, 'reasons name the facts they rest on')
    assert.match(await lords.innerText(), /SOA 2003 s\.80A/, 'and the provisions')
    assert.match(await lords.innerText(), /What registration would mean/)
    assert.match(await byTest(page, 'facts').innerText(), /Stalking involving fear of violence/)
    assert.doesNotMatch(await mainText(page), /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no internal ids on the page')
    await expectAccessible(page, 'determination')
    await screenshot(page, 'registration-determination')

    // Choose the policy, check the answers (and change one), register.
    await page.getByRole('button', { name: 'Choose a policy and register' }).click()
    await page.waitForURL(/\/register\?/)
    await expectAccessible(page, 'choose a policy')
    await page.getByLabel('Lords amendment, May 2024', { exact: false }).check()
    await page.getByLabel('Intimate partner abuse').check()
    await page.getByRole('group', { name: 'Is the person in custody?' }).getByLabel('No').check()
    await page.getByRole('group', { name: 'Does the person have no fixed address?' }).getByLabel('No').check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/register\/check\?/)
    assert.match(await byTest(page, 'answers').innerText(), /Intimate partner abuse/)
    await page.getByRole('link', { name: 'Change type of abuse' }).click()
    await page.waitForURL(/\/register\?/)
    assert.equal(await page.getByLabel('Lords amendment, May 2024', { exact: false }).isChecked(), true)
    await page.getByLabel('Stalking', { exact: true }).check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/register\/check\?/)
    const answers = await byTest(page, 'answers').innerText()
    assert.match(answers, /Stalking/)
    assert.match(answers, /Lords amendment, May 2024/)
    assert.match(answers, /24 November 2026/)
    assert.match(await byTest(page, 'consequences').innerText(), /Notification requirements/)
    await expectAccessible(page, 'check answers')
    await screenshot(page, 'registration-check-answers')
    await page.getByRole('button', { name: 'Register Ellis Synthetic Marrowgate' }).click()

    // The notice, with each duty and its deadline, printable, then served.
    await page.waitForURL(/\/registrations\/[0-9a-f-]{36}\/notice\?/)
    assert.match(await byTest(page, 'success').innerText(), /has been registered/)
    const duties = await byTest(page, 'duties').innerText()
    assert.match(duties, /police station/)
    assert.match(duties, /By the end of 26 November 2026/, 'the first notification is due within 3 days')
    assert.match(duties, /Within 3 days beginning with the day of the change/)
    assert.match(duties, /SOA 2003 s\.83\(1\)/)
    assert.match(await byTest(page, 'what-to-tell').innerText(), /Home address/)
    await expectAccessible(page, 'notice')
    await screenshot(page, 'registration-notice')

    const printable = await page.context().newPage()
    await printable.goto(new URL((await byTest(page, 'print').getAttribute('href')) as string, web.baseUrl).href)
    assert.match(await printable.locator('h1').innerText(), /Notice of registration/)
    assert.match(await printable.locator('main').innerText(), /By the end of 26 November 2026/)
    await printable.close()

    await page.getByLabel('By post').check()
    await page.getByRole('button', { name: 'Record as served' }).click()
    await page.waitForURL(/done=served/)
    assert.match(await byTest(page, 'success').innerText(), /recorded as served/)
    assert.match(await byTest(page, 'served').innerText(), /served on 24 November 2026/)
    assert.equal(await page.getByRole('button', { name: 'Record as served' }).count(), 0)

    const status = await web.db.query<{ status: string; notice_served_on: unknown }>(
      `SELECT p.status, r.notice_served_on FROM person p JOIN registration r ON r.person_id = p.id WHERE p.id = $1`,
      [personId],
    )
    assert.equal(status[0]?.status, 'registered')
    assert.notEqual(status[0]?.notice_served_on, null)
  })

  test('adding a person: empty form, a wrong NI number, and a possible duplicate', async () => {
    const page = registrar
    await page.goto('/people/new')
    const empty = await submit(page, 'Add person')
    assert.equal(empty.status(), 422)
    const summary = await errorSummary(page)
    assert.match(summary, /Enter the family name/)
    assert.match(summary, /Enter the given names/)
    assert.match(summary, /Enter the date of birth/)
    await expectAccessible(page, 'add a person with errors')

    await page.getByLabel('Family name').fill('Ashcombe')
    await page.getByLabel('Given names').fill('Rory')
    await fillDate(page, 'Date of birth', '31', '2', '1990')
    await page.getByLabel('National Insurance number (optional)').fill('12345')
    await submit(page, 'Add person')
    const wrong = await errorSummary(page)
    assert.match(wrong, /Date of birth must be a real date/)
    assert.match(wrong, /Enter a National Insurance number in the correct format/)
    assert.equal(await page.getByLabel('Family name').inputValue(), 'Ashcombe', 'what was typed is kept')

    await createPerson(as(), { familyName: 'Ashcombe', givenNames: 'Rory', dateOfBirth: '1990-02-28' })
    await fillDate(page, 'Date of birth', '28', '2', '1990')
    await page.getByLabel('National Insurance number (optional)').fill('')
    const duplicate = await submit(page, 'Add person')
    assert.equal(duplicate.status(), 409)
    assert.match(await byTest(page, 'duplicates').innerText(), /Rory Ashcombe/)
    await expectAccessible(page, 'possible duplicate')
    await page.getByLabel('I have checked the records above: this is a different person').check()
    await page.getByRole('button', { name: 'Add person' }).click()
    await page.waitForURL((url) => /^\/people\/[0-9a-f-]{36}/.test(url.pathname))
  })

  test('adding a conviction: empty form, and a form the record has moved on from', async () => {
    const { id } = await createPerson(as(), {
      familyName: 'Pendleford',
      givenNames: 'Sample',
      dateOfBirth: '1985-01-09',
    })
    const page = registrar
    await page.goto(withReason(`/people/${id}/convictions/new`))
    await expectAccessible(page, 'add a conviction')
    const empty = await submit(page, 'Add conviction')
    assert.equal(empty.status(), 422)
    const summary = await errorSummary(page)
    for (const message of [
      /Select the offence/,
      /Enter the date of conviction/,
      /Select whether the conviction was flagged as domestic abuse/,
      /Select the sentence/,
      /Select whether a weapon was used/,
    ]) {
      assert.match(summary, message)
    }
    await expectAccessible(page, 'add a conviction with errors')

    // Someone else records a fact while the form is open: nothing is saved, and the page says so.
    await page.getByLabel('Offence', { exact: true }).selectOption('SCA2015-s76')
    await fillDate(page, 'Date of conviction', '4', '6', '2025')
    await page.getByRole('group', { name: 'Was the conviction flagged as domestic abuse?' }).getByLabel('Yes').check()
    await page.getByLabel('Fine', { exact: true }).check()
    await page.getByRole('group', { name: 'Was a weapon used?' }).getByLabel('Not known').check()
    await page.getByRole('group', { name: 'Was there sexual violence?' }).getByLabel('Not known').check()
    await addFact(as(), id, undefined, { kind: 'phone', number: '07700 900555' })
    const stale = await submit(page, 'Add conviction')
    assert.equal(stale.status(), 409)
    assert.match(await errorSummary(page), /Someone else changed this person’s record/)
    const convictions = await web.db.query(`SELECT 1 FROM person_fact WHERE person_id = $1 AND kind = 'conviction'`, [
      id,
    ])
    assert.equal(convictions.length, 0, 'nothing was saved')
    // Sent again, now on the version the page shows, it is recorded.
    await page.getByRole('button', { name: 'Add conviction' }).click()
    await page.waitForURL(/done=conviction-added/)
  })

  test('referring: an empty reason, and an empty choice of policy', async () => {
    const { id } = await createPerson(as(), {
      familyName: 'Thornbury',
      givenNames: 'Sample',
      dateOfBirth: '1984-04-04',
    })
    const page = registrar
    await page.goto(withReason(`/people/${id}/referral`))
    const empty = await submit(page, 'Refer for registration')
    assert.equal(empty.status(), 422)
    assert.match(await errorSummary(page), /Enter the reason for the referral/)
    await expectAccessible(page, 'referral with errors')

    const referred = await referredPerson('Wexcombe')
    await page.goto(withReason(`/people/${referred.id}/register?determination=${referred.determinationId}`))
    const none = await submit(page, 'Continue')
    assert.equal(none.status(), 422)
    const summary = await errorSummary(page)
    assert.match(summary, /Select the policy to register under/)
    assert.match(summary, /Select the type of abuse/)
    assert.match(summary, /Select whether the person is in custody/)
    assert.match(summary, /Select whether the person has no fixed address/)
    await expectAccessible(page, 'choose a policy with errors')
  })

  test('recording the notice as served: empty, in the future, and after someone else recorded it', async () => {
    const referred = await referredPerson('Hollinsby')
    const registration = await register(as(), referred.id, {
      determinationId: referred.determinationId,
      policyId: 'lords-2024',
      abuseType: 'intimate-partner',
    })
    const page = registrar
    await page.goto(withReason(`/registrations/${registration.id}/notice`))
    await fillDate(page, 'Date the notice was served', '', '', '')
    const empty = await submit(page, 'Record as served')
    assert.equal(empty.status(), 422)
    const summary = await errorSummary(page)
    assert.match(summary, /Enter the date the notice was served/)
    assert.match(summary, /Select how the notice was served/)
    await expectAccessible(page, 'notice served with errors')

    await fillDate(page, 'Date the notice was served', '1', '1', '2027')
    await page.getByLabel('In person').check()
    await submit(page, 'Record as served')
    assert.match(await errorSummary(page), /must be today or in the past/)

    await recordNoticeServed(as(), registration.id, undefined, { servedOn: '2026-11-24', method: 'in-person' })
    await fillDate(page, 'Date the notice was served', '24', '11', '2026')
    const stale = await submit(page, 'Record as served')
    assert.equal(stale.status(), 409)
    assert.match(await errorSummary(page), /Someone else changed this registration/)
    await expectAccessible(page, 'notice served, stale')
  })

  test('the determination, check-answers and notice pages each write one consultation per view, with its reason', async () => {
    const referred = await referredPerson('Onceread')
    const page = registrar
    const consultations = async (justification: string) =>
      web.db.query<{ object_type: string; object_id: string; person_id: string; records: string[] | null }>(
        `SELECT object_type, object_id, person_id, detail->'records' AS records FROM audit_event
          WHERE operation = 'consultation' AND actor_id = $1 AND justification = $2 ORDER BY id`,
        [web.users.registrar.actor.userId, justification],
      )
    const view = async (path: string, justification: string) => {
      const response = await page.goto(
        `${path}${path.includes('?') ? '&' : '?'}because=${encodeURIComponent(justification)}`,
      )
      assert.equal(response?.status(), 200, path)
      return consultations(justification)
    }

    const determination = await view(
      `/people/${referred.id}/determinations/${referred.determinationId}`,
      'Deciding on registration (determination page, test)',
    )
    assert.deepEqual(determination, [
      {
        object_type: 'determination',
        object_id: referred.determinationId,
        person_id: referred.id,
        records: [`person:${referred.id}`, `determination:${referred.determinationId}`],
      },
    ])

    const answers = new URLSearchParams({
      determination: referred.determinationId,
      policy: 'lords-2024',
      abuseType: 'stalking',
      registeredOn: '2026-11-24',
      inCustody: 'no',
      noFixedAbode: 'no',
    })
    const check = await view(
      `/people/${referred.id}/register/check?${answers.toString()}`,
      'Deciding on registration (check answers page, test)',
    )
    assert.match(await mainText(page), /Check your answers before registering/)
    assert.equal(check.length, 1, 'one consultation for the check-answers page')
    assert.equal(check[0]?.object_type, 'determination')
    assert.equal(check[0]?.person_id, referred.id)

    const registration = await register(as(), referred.id, {
      determinationId: referred.determinationId,
      policyId: 'lords-2024',
      abuseType: 'stalking',
    })
    const notice = await view(`/registrations/${registration.id}/notice`, 'Serving the notice (notice page, test)')
    assert.deepEqual(notice, [
      {
        object_type: 'notice',
        object_id: registration.id,
        person_id: referred.id,
        records: [`notice:${registration.id}`, `registration:${registration.id}`],
      },
    ])
  })

  test('a policy that cannot tell says which fact is missing', async () => {
    const { id } = await createPerson(as(), { familyName: 'Underhay', givenNames: 'Sample', dateOfBirth: '1989-10-02' })
    await addFact(as(), id, undefined, stalking('2026-03-01', '2025-12-10', { months: 18 }, '2026-09-01'))
    const determination = await determine(as(), id, {})
    const page = officer
    await page.goto(withReason(`/people/${id}/determinations/${determination.id}`))
    const lords = await page.locator('#policy-lords-2024').innerText()
    assert.match(lords, /Cannot tell/)
    assert.match(lords, /Why the register cannot tell/)
    assert.match(lords, /Risk of Serious Harm assessment/)
    assert.match(await byTest(page, 'comparison').innerText(), /Cannot tell/)
    assert.match(await mainText(page), /No policy allows registration|Only a police registrar/)
  })

  test('an officer sees why they cannot register, and the register page is not open to them', async () => {
    const referred = await referredPerson('Coldharbour')
    const page = officer
    await page.goto(withReason(`/people/${referred.id}/determinations/${referred.determinationId}`))
    assert.match(await mainText(page), /Only a police registrar can register a person/)
    assert.equal(await page.getByRole('button', { name: 'Choose a policy and register' }).count(), 0)
    await expectAccessible(page, 'determination seen by an officer')

    const response = await page.goto(
      withReason(`/people/${referred.id}/register?determination=${referred.determinationId}`),
    )
    assert.equal(response?.status(), 403)
    assert.match(await mainText(page), /Page not found or not available to you/)
    const denied = await web.db.query(
      `SELECT 1 FROM audit_event WHERE actor_id = $1 AND operation = 'denied' AND object_type = 'registration:decide'`,
      [web.users.officer.actor.userId],
    )
    assert.ok(denied.length > 0, 'the refusal is audited')
  })
})
