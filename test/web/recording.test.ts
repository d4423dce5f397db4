import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import type { Call } from '../../src/app/context.ts'
import { readPerson } from '../../src/app/people.ts'
import { readRegistration } from '../../src/app/registration.ts'
import { notificationKinds, staleMessage } from '../../src/web/routes/recording.ts'
import { type Browsing, expectAccessible, mainText, screenshot, startBrowsing, today } from './support.ts'

// Issue 6, item 6: recording what a registrant notifies in person, a home
// visit, the outcome of a suspected breach, a risk assessment and a risk
// management plan, in a real browser, as the offender manager of the cases.

const because = 'Registrant attended the station to notify'
const yesterday = '2026-11-23'
const tomorrow = '2026-11-25'

interface Case {
  personId: string
  registrationId: string
  breachId: string | null
}

/** Fills a GOV.UK date input (its three boxes are NAME-day, NAME-month, NAME-year). */
async function fillDate(page: Page, name: string, iso: string) {
  const [year, month, day] = iso.split('-') as [string, string, string]
  await page.fill(`input[name="${name}-day"]`, String(Number(day)))
  await page.fill(`input[name="${name}-month"]`, String(Number(month)))
  await page.fill(`input[name="${name}-year"]`, year)
}

async function clearDate(page: Page, name: string) {
  for (const part of ['day', 'month', 'year']) await page.fill(`input[name="${name}-${part}"]`, '')
}

/** Presses the form's button and answers the status of the post (a 303 when it was taken). */
async function submit(page: Page, button: string): Promise<number> {
  const posted = page.waitForResponse((response) => response.request().method() === 'POST')
  await page.getByRole('button', { name: button }).click()
  const status = (await posted).status()
  await page.waitForLoadState('load')
  return status
}

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').innerText()

describe('pages: recording notifications, visits, breach outcomes and risk', () => {
  let web: Browsing
  let call: Call
  /** The officer's registrant with nothing outstanding, and one with a suspected breach. */
  let clean: Case
  let breached: Case & { breachId: string }
  /**
   * Signed in once each: a security code is taken once (a replayed one is
   * refused), so the tests share the officer's page and the registrar's.
   */
  let officer: Page
  let registrar: Page

  before(async () => {
    // 300 people: enough for the demo force's offender manager to have active registrants.
    web = await startBrowsing({ people: 300 })
    call = { app: web.app, actor: web.users.officer.actor, justification: because }
    const rows = await web.db.query<{ person_id: string; registration_id: string; breach_id: string | null }>(
      `SELECT p.id AS person_id, r.id AS registration_id,
              (SELECT b.id FROM breach b WHERE b.person_id = p.id AND b.status = 'suspected' ORDER BY b.id LIMIT 1) AS breach_id
         FROM person p JOIN registration r ON r.person_id = p.id
        WHERE p.responsible_officer_id = $1 AND r.status = 'active' AND r.notification_duties AND NOT r.in_custody
          AND EXISTS (SELECT 1 FROM notification n WHERE n.registration_id = r.id AND n.kind = 'initial')
        ORDER BY p.reference`,
      [web.users.officer.actor.userId],
    )
    const cases = rows.map((row) => ({
      personId: row.person_id,
      registrationId: row.registration_id,
      breachId: row.breach_id,
    }))
    const withBreach = cases.find((c) => c.breachId !== null)
    const without = cases.find((c) => c !== withBreach)
    assert.ok(withBreach && without, 'the officer has an active registrant with a suspected breach, and another')
    breached = withBreach as Case & { breachId: string }
    clean = without
    officer = await web.open('officer')
    registrar = await web.open('registrar')
  })
  after(async () => {
    await web?.close()
  })

  const url = (path: string, query: Record<string, string> = {}) =>
    `${path}?${new URLSearchParams({ ...query, because }).toString()}`

  test('record a change of address and see the obligation satisfied', async () => {
    const page = officer
    // The home address on record before the change: the change must end it, not overwrite it.
    const homesBefore = ((await readPerson(call, clean.personId)).facts.address ?? []).filter(
      (fact) => fact.data.addressType === 'home' && fact.validTo === null,
    )
    assert.equal(homesBefore.length, 1, 'the registrant has one home address on record')
    const previousHome = homesBefore[0] as NonNullable<(typeof homesBefore)[number]>
    await page.goto(url(`/people/${clean.personId}/notifications/new`))
    assert.match(await mainText(page), /What has changed\?/)
    await expectAccessible(page, 'what has changed')

    assert.equal(await submit(page, 'Continue'), 422)
    assert.match(await page.title(), /^Error: /)
    assert.match(await errorSummary(page), /Select what has changed/)
    await expectAccessible(page, 'what has changed, with errors')

    await page.getByLabel('Home address').check()
    assert.equal(await submit(page, 'Continue'), 303)
    assert.match(page.url(), /kind=home-address/)
    assert.match(await mainText(page), /Record a change of home address/)
    assert.match(await mainText(page), /The current home address stays in the record’s history/)
    await expectAccessible(page, 'change of home address')

    // The day it was made is today unless the officer says otherwise.
    assert.equal(await page.inputValue('input[name="receivedOn-day"]'), '24')
    assert.equal(await submit(page, 'Record notification'), 422)
    const summary = await errorSummary(page)
    for (const message of [
      /Enter address line 1 of the new home address, typically the building and street/,
      /Enter the town or city of the new home address/,
      /Enter the postcode/,
      /Enter the date they moved to the address/,
    ]) {
      assert.match(summary, message)
    }
    // Each message is beside its field too, and the summary links to it.
    assert.match(await page.locator('#postcode-error').innerText(), /Enter the postcode/)
    assert.equal(
      await page.locator('.govuk-error-summary a', { hasText: 'Enter the postcode' }).getAttribute('href'),
      '#postcode',
    )
    await expectAccessible(page, 'change of home address, with errors')
    await screenshot(page, 'record-notification-errors')

    await page.getByLabel('Address line 1').fill('12 Example Street')
    await page.getByLabel('Town or city').fill('Demo Town')
    await page.getByLabel('Postcode').fill('NOT A CODE')
    await fillDate(page, 'eventDate', tomorrow)
    assert.equal(await submit(page, 'Record notification'), 422)
    assert.match(await errorSummary(page), /Enter a real postcode/)
    assert.match(await errorSummary(page), /Date they moved to the address must be today or in the past/)
    assert.equal(await page.getByLabel('Address line 1').inputValue(), '12 Example Street', 'what was typed is kept')

    await page.getByLabel('Postcode').fill('zz11zz')
    await fillDate(page, 'eventDate', yesterday)
    await page.getByLabel('Police station (optional)').fill('Demo Town police station')
    await screenshot(page, 'record-notification')
    assert.equal(await submit(page, 'Record notification'), 303)
    const landed = new URL(page.url())
    assert.equal(landed.pathname, `/people/${clean.personId}/obligations`)
    assert.equal(landed.searchParams.get('done'), 'notification')
    assert.equal(landed.searchParams.get('because'), because)
    // The person's obligations page confirms it, and lists the change among the obligations met.
    assert.match(await mainText(page), /Notification recorded/)
    assert.match(await page.locator('table', { hasText: 'Met on' }).innerText(), /Notification of a change/)

    // The register's own answer: the change was notified within its deadline.
    const { obligations } = await readRegistration(call, clean.registrationId)
    const changes = obligations.filter((o) => o.kind === 'change-notification')
    const ours = changes.find((o) => o.metOn === today)
    assert.ok(ours, `a change notification met today: ${JSON.stringify(changes)}`)
    assert.equal(ours.status, 'met')
    assert.ok(ours.dueOn >= today, `due ${ours.dueOn}, received ${today}`)

    const record = await readPerson(call, clean.personId)
    const address = record.facts.address?.find((fact) => fact.data.postcode === 'ZZ1 1ZZ')
    assert.ok(address, 'the new address is on the record')
    assert.deepEqual(
      { ...address.data },
      { addressType: 'home', line1: '12 Example Street', town: 'Demo Town', postcode: 'ZZ1 1ZZ', validFrom: yesterday },
    )
    const notification = record.notifications.find((n) => n.kind === 'change' && n.receivedOn === today)
    assert.ok(notification)
    assert.equal(notification.station, 'Demo Town police station')
    assert.deepEqual(notification.items, ['home-address'])

    // The previous home address ended the day before the move, and stays in the history.
    const history = (await readPerson(call, clean.personId, { history: true })).facts.address ?? []
    const original = history.find((fact) => fact.id === previousHome.id)
    assert.ok(original?.supersededBy, 'the previous home address is superseded, not overwritten')
    const ended = history.find((fact) => fact.id === original.supersededBy)
    assert.equal(ended?.validTo, '2026-11-22')
    assert.deepEqual({ ...ended?.data, validTo: undefined }, { ...previousHome.data, validTo: undefined })
    const homesNow = (record.facts.address ?? []).filter(
      (fact) => fact.data.addressType === 'home' && fact.validTo === null,
    )
    assert.deepEqual(
      homesNow.map((fact) => fact.data.postcode),
      ['ZZ1 1ZZ'],
      'one home address at a time',
    )
    // The record's Addresses part lists it once, under "Previous", with its last day.
    await page.goto(url(`/people/${clean.personId}/addresses`))
    const previous = page.locator('table', { hasText: 'Previous: addresses' })
    const line1 = String(previousHome.data.line1)
    const rows = previous.locator('tbody tr', { hasText: line1 })
    assert.equal(await rows.count(), 1, `${line1} is listed once among previous addresses`)
    assert.match(await rows.innerText(), /22 November 2026/)
    assert.match(await page.locator('table', { hasText: '12 Example Street' }).first().innerText(), /12 Example Street/)
    await expectAccessible(page, 'addresses after a change of home address')
  })

  test('every kind of notification: its form and its error state pass axe, and an empty form records nothing', async () => {
    const page = officer
    const count = async () =>
      (
        await web.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notification WHERE person_id = $1', [
          clean.personId,
        ])
      )[0]?.n
    const before = await count()
    const offered = notificationKinds.filter((kind) => !['initial', 'release'].includes(kind.id))
    for (const kind of offered) {
      await page.goto(url(`/people/${clean.personId}/notifications/new`, { kind: kind.id }))
      assert.match(await mainText(page), new RegExp(kind.title), kind.id)
      await expectAccessible(page, `${kind.id} form`)
      await clearDate(page, 'receivedOn')
      assert.equal(await submit(page, 'Record notification'), 422, kind.id)
      assert.match(await page.title(), /^Error: /, kind.id)
      assert.match(await errorSummary(page), /Enter the date the notification was made/, kind.id)
      await expectAccessible(page, `${kind.id} form with errors`)
    }
    assert.equal(await count(), before, 'nothing was recorded')

    // The initial notification is already recorded, and the person is not in custody: neither is offered.
    await page.goto(url(`/people/${clean.personId}/notifications/new`))
    assert.equal(await page.getByLabel('Initial notification').count(), 0)
    assert.equal(await page.getByLabel('Release from custody').count(), 0)
    assert.equal(await page.getByLabel('Periodic notification').count(), 1)
  })

  test('a travel date in the past is refused, and nothing is recorded', async () => {
    const page = officer
    await page.goto(url(`/people/${clean.personId}/notifications/new`, { kind: 'foreign-travel' }))
    assert.equal(await submit(page, 'Record notification'), 422)
    const empty = await errorSummary(page)
    assert.match(empty, /Enter a date of departure/)
    assert.match(empty, /Enter the countries they are going to/)
    assert.match(empty, /Enter where they will leave the UK/)

    const before = await web.db.query('SELECT id FROM notification WHERE person_id = $1', [clean.personId])
    await fillDate(page, 'departureDate', yesterday)
    await page.getByLabel('Countries they are going to').fill('France, Atlantis')
    await page.getByLabel('Where they will leave the UK').fill('Dover')
    assert.equal(await submit(page, 'Record notification'), 422)
    const summary = await errorSummary(page)
    assert.match(summary, /Date of departure must be today or in the future/)
    assert.match(summary, /Enter a real country instead of "Atlantis", like France or FR/)
    const after = await web.db.query('SELECT id FROM notification WHERE person_id = $1', [clean.personId])
    assert.equal(after.length, before.length)

    // A trip next month, notified now: recorded as travel, with the countries as codes.
    await fillDate(page, 'departureDate', '2026-12-20')
    await fillDate(page, 'returnDate', '2026-12-18')
    await page.getByLabel('Countries they are going to').fill('France, spain')
    assert.equal(await submit(page, 'Record notification'), 422)
    assert.match(await errorSummary(page), /Date of return must be the same as or after the date of departure/)
    await fillDate(page, 'returnDate', '2027-01-03')
    assert.equal(await submit(page, 'Record notification'), 303)
    const travel = (await readPerson(call, clean.personId)).facts['foreign-travel']?.find(
      (fact) => fact.data.departureDate === '2026-12-20',
    )
    assert.ok(travel)
    assert.deepEqual(travel.data.destinations, ['FR', 'ES'])
    const { obligations } = await readRegistration(call, clean.registrationId)
    const notice = obligations.find((o) => o.kind === 'travel-notification' && o.metOn === today)
    assert.equal(notice?.status, 'met', 'notified well over 7 days before departure')
  })

  test('a home visit: the form, its errors, a date in the future refused, then recorded', async () => {
    const page = officer
    await page.goto(url(`/people/${clean.personId}/visits/new`))
    assert.match(await mainText(page), /Record a home visit/)
    await expectAccessible(page, 'home visit')
    await screenshot(page, 'record-visit')

    await clearDate(page, 'visitedOn')
    assert.equal(await submit(page, 'Record visit'), 422)
    const empty = await errorSummary(page)
    assert.match(empty, /Enter the date of the visit/)
    assert.match(empty, /Select the outcome of the visit/)
    await expectAccessible(page, 'home visit, with errors')

    await fillDate(page, 'visitedOn', tomorrow)
    await page.getByLabel('Seen at home').check()
    assert.equal(await submit(page, 'Record visit'), 422)
    assert.match(await errorSummary(page), /Date of the visit must be today or in the past/)
    assert.equal(await page.getByLabel('Seen at home').isChecked(), true, 'the choice is kept')

    await fillDate(page, 'visitedOn', today)
    await page.getByLabel('Notes (optional)').fill('Spoke at the door; living alone.')
    assert.equal(await submit(page, 'Record visit'), 303)
    assert.equal(new URL(page.url()).searchParams.get('done'), 'visit')
    const visits = (await readPerson(call, clean.personId)).visits
    assert.ok(visits.some((v) => v.visitedOn === today && v.outcome === 'seen'))
  })

  test('a breach outcome opened in two browsers: the first is saved, the second is refused and nothing is overwritten', async () => {
    const first = officer
    const second = registrar
    const path = url(`/breaches/${breached.breachId}/outcome`)
    await first.goto(path)
    await second.goto(path)
    assert.match(await mainText(first), /Record the outcome of a suspected breach/)
    await expectAccessible(first, 'breach outcome')
    await screenshot(first, 'breach-outcome')

    assert.equal(await submit(first, 'Record outcome'), 422)
    const empty = await errorSummary(first)
    assert.match(empty, /Select the outcome/)
    assert.match(empty, /Enter the reasons for the outcome/)
    await expectAccessible(first, 'breach outcome, with errors')

    await first.getByLabel('Advice given').check()
    await first.getByLabel('Reasons for the outcome').fill('Attended late after a hospital stay; advised in writing.')
    assert.equal(await submit(first, 'Record outcome'), 303)
    assert.equal(new URL(first.url()).pathname, `/people/${breached.personId}/obligations`)
    assert.equal(new URL(first.url()).searchParams.get('done'), 'breach-outcome')

    await second.getByLabel('Charged', { exact: true }).check()
    await second.getByLabel('Reasons for the outcome').fill('Charged under s.91.')
    assert.equal(await submit(second, 'Record outcome'), 409)
    assert.match(await errorSummary(second), new RegExp(staleMessage.replace(/\./g, '\\.')))
    assert.match(await mainText(second), /already has an outcome/)
    assert.match(await mainText(second), /Advice given/)
    await expectAccessible(second, 'breach outcome refused as stale')

    const row = (
      await web.db.query<{ outcome: string; outcome_notes: string; status: string }>(
        'SELECT outcome, outcome_notes, status FROM breach WHERE id = $1',
        [breached.breachId],
      )
    )[0]
    assert.deepEqual(row, {
      outcome: 'advice',
      outcome_notes: 'Attended late after a hospital stay; advised in writing.',
      status: 'closed',
    })
  })

  test('a breach outcome opened without a reason asks for one first', async () => {
    const page = officer
    await page.goto(`/breaches/${breached.breachId}/outcome`)
    assert.match(await mainText(page), /Why are you opening this record\?/)
    await expectAccessible(page, 'reason for opening a record')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/because=/)
    assert.match(await errorSummary(page), /Enter why you are opening this record/)
    await expectAccessible(page, 'reason for opening a record, with errors')
    await page.getByLabel('Why are you opening this record?').fill('Reviewing the outcome')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/because=Reviewing/)
    assert.match(await mainText(page), /already has an outcome/)
  })

  test('a person with no active registration has no notification to record', async () => {
    const row = (
      await web.db.query<{ id: string }>(
        `SELECT p.id FROM person p WHERE p.responsible_officer_id = $1
            AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.person_id = p.id AND r.status = 'active')
          ORDER BY p.reference LIMIT 1`,
        [web.users.officer.actor.userId],
      )
    )[0]
    assert.ok(row, 'the officer manages someone who is not registered')
    const page = officer
    await page.goto(url(`/people/${row.id}/notifications/new`, { kind: 'home-address' }))
    assert.match(await mainText(page), /has no active registration/)
    assert.equal(await page.locator('main form').count(), 0)
    await expectAccessible(page, 'no active registration')
  })

  test('a notification opened without a reason asks for one, then opens the form asked for', async () => {
    const page = officer
    await page.goto(`/people/${clean.personId}/notifications/new?kind=phone`)
    assert.match(await mainText(page), /Why are you opening this record\?/)
    await page.getByLabel('Why are you opening this record?').fill('Registrant reported a new phone')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/because=Registrant/)
    assert.match(await mainText(page), /Record a phone number/)
    assert.equal(await page.locator('input[name="because"]').inputValue(), 'Registrant reported a new phone')
  })

  test('a risk assessment: the form, its errors, then recorded', async () => {
    const page = officer
    await page.goto(url(`/people/${clean.personId}/risk-assessments/new`))
    await expectAccessible(page, 'risk assessment')
    assert.equal(await submit(page, 'Record risk assessment'), 422)
    const empty = await errorSummary(page)
    assert.match(empty, /Enter the date of the assessment/)
    assert.match(empty, /Enter the assessment tool/)
    assert.match(empty, /Select the risk of serious harm/)
    await expectAccessible(page, 'risk assessment, with errors')

    await fillDate(page, 'date', yesterday)
    await page.getByLabel('Assessment tool').fill('OASys')
    await page.getByLabel('High', { exact: true }).check()
    assert.equal(await submit(page, 'Record risk assessment'), 303)
    assert.equal(new URL(page.url()).searchParams.get('done'), 'risk-assessment')
    const assessments = (await readPerson(call, clean.personId)).facts['risk-assessment'] ?? []
    assert.ok(assessments.some((a) => a.data.date === yesterday && a.data.tool === 'OASys' && a.data.rosh === 'high'))
  })

  test('the newest risk assessment sets the risk level shown; a back-dated one does not', async () => {
    const page = officer
    const level = async () => (await readPerson(call, breached.personId)).person.riskLevel
    const before = await level()
    const [chosen, label] = before === 'very-high' ? ['low', 'Low'] : ['very-high', 'Very high']
    const record = async (date: string, rosh: string) => {
      await page.goto(url(`/people/${breached.personId}/risk-assessments/new`))
      await fillDate(page, 'date', date)
      await page.getByLabel('Assessment tool').fill('SARA')
      await page.getByLabel(rosh, { exact: true }).check()
      assert.equal(await submit(page, 'Record risk assessment'), 303)
    }
    await record(today, label)
    assert.equal(await level(), chosen)
    assert.match(await mainText(page), new RegExp(`Risk level ${label}`))
    // An assessment from years ago goes into the history without changing the level.
    await record('2019-06-01', chosen === 'low' ? 'High' : 'Low')
    assert.equal(await level(), chosen)
    const changes = await web.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM timeline_event WHERE person_id = $1 AND kind = 'risk-level-changed'`,
      [breached.personId],
    )
    assert.equal(changes[0]?.n, 1, 'the change of level is on the timeline, once')
  })

  test('a risk management plan: recorded, then updated; an update overtaken by another is refused', async () => {
    const page = officer
    const path = url(`/people/${breached.personId}/risk-management-plans/new`)
    await page.goto(path)
    await expectAccessible(page, 'risk management plan')
    assert.equal(await submit(page, 'Save plan'), 422)
    assert.match(await errorSummary(page), /Enter a summary of the plan/)
    await expectAccessible(page, 'risk management plan, with errors')

    await page.getByLabel('Summary of the plan').fill('Monitor contact with the former partner.')
    await page.getByLabel('Who will do action 1').fill('Offender manager')
    assert.equal(await submit(page, 'Save plan'), 422)
    assert.match(await errorSummary(page), /Enter action 1, or clear who will do it and when/)
    await page.getByLabel('Action 1', { exact: true }).fill('Check the address monthly')
    await page.getByLabel('Addresses', { exact: true }).check()
    assert.equal(await submit(page, 'Save plan'), 303)
    assert.equal(new URL(page.url()).searchParams.get('done'), 'risk-management-plan')

    // The officer and the registrar open the current plan; the first saves a change, the second is refused.
    const first = registrar
    const second = officer
    await first.goto(path)
    await second.goto(path)
    assert.match(await mainText(first), /Update the risk management plan/)
    assert.equal(await first.getByLabel('Action 1', { exact: true }).inputValue(), 'Check the address monthly')
    await first.getByLabel('Summary of the plan').fill('Monitor contact; weekly check-ins.')
    await first.getByLabel('Why is the plan changing?').fill('MAPPA meeting agreed weekly check-ins.')
    assert.equal(await submit(first, 'Save plan'), 303)
    await second.getByLabel('Summary of the plan').fill('Something else entirely.')
    await second.getByLabel('Why is the plan changing?').fill('A different view.')
    assert.equal(await submit(second, 'Save plan'), 409)
    assert.match(await errorSummary(second), /Someone else changed this record after you opened it/)

    const plans = (await readPerson(call, breached.personId)).facts['risk-management-plan'] ?? []
    assert.equal(plans.length, 1, 'one current plan')
    assert.equal(plans[0]?.data.summary, 'Monitor contact; weekly check-ins.')
    assert.deepEqual(plans[0]?.data.sharedWithPartners, ['addresses'])
  })
})
