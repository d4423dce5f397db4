import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { parseImpactScenario } from '../../src/contracts/impact-scenario.ts'
import { assess } from '../../src/domain/impact/assess.ts'
import type { Scenario } from '../../src/domain/impact/scenario.ts'
import { type Browsing, expectAccessible, mainText, screenshot, startBrowsing } from './support.ts'

// Issue 6, item 7: the impact assessment page. The figures on the page are
// those of the domain's own model (the CLI's and the report's Tables 1-4),
// an input changed on the page changes them, bad input is refused by the
// scenario contract with the field named, and a seeded Monte Carlo repeats.

function preset(id: string): Scenario {
  const json = JSON.parse(readFileSync(new URL(`../../scenarios/${id}.json`, import.meta.url), 'utf8'))
  const parsed = parseImpactScenario(json)
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'))
  return parsed.scenario
}

const pounds = (n: number) => `£${Math.round(n).toLocaleString('en-GB')}`
const whole = (n: number) => Math.round(n).toLocaleString('en-GB')

async function tableText(page: Page, caption: RegExp): Promise<string> {
  const table = page.locator('table', { has: page.locator('caption', { hasText: caption }) }).first()
  return ((await table.innerText()) ?? '').replace(/\s+/g, ' ')
}

async function choose(page: Page, presetTitle: string): Promise<void> {
  await page.getByLabel(presetTitle, { exact: true }).check()
  await page.getByRole('button', { name: 'Show this scenario' }).click()
  await page.waitForLoadState()
}

// Each test signs in a different user: a security code is good once, and two sign-ins in one 30-second step would share it.
describe('pages: impact assessment', () => {
  let web: Browsing
  before(async () => {
    web = await startBrowsing()
  })
  after(async () => {
    await web?.close()
  })

  test('each preset shows the report’s tables, with the totals of the domain model in whole pounds', async () => {
    const page = await web.open('analyst')
    await page.goto('/impact')
    for (const id of ['lords-2024-custodial', 'broad-serial-high-risk']) {
      const scenario = preset(id)
      await choose(page, scenario.title)
      const expected = assess(scenario)
      const c = expected.bounds.conservative
      const g = expected.bounds.generous
      const cohortCaption = new RegExp(`${scenario.reportTables?.cohort}\\. New cohort`)
      const costCaption = new RegExp(`${scenario.reportTables?.costs}\\. Staffing costs`)
      const cohort = await tableText(page, cohortCaption)
      assert.match(cohort, new RegExp(`New cohort of registrants, year 1 ${whole(c.cohort)} ${whole(g.cohort)}`))
      assert.match(cohort, new RegExp(`Linked victim-survivors .* ${whole(c.victims)} ${whole(g.victims)}`))
      const costs = await tableText(page, costCaption)
      assert.ok(
        costs.includes(`TOTAL ${pounds(c.totalCostWholePounds)} ${pounds(g.totalCostWholePounds)}`),
        `${id}: ${costs}`,
      )
      const breakEven = await page.getByTestId('break-even').innerText()
      assert.match(breakEven, new RegExp(`about ${whole(c.breakEvenVictims)} to ${whole(g.breakEvenVictims)} fewer`))
      // Each chart is an image with a title and a text alternative, and its figures as a table.
      for (const key of ['cohort', 'cost', 'tornado']) {
        const chart = page.getByTestId(`chart-${key}`)
        const svg = chart.locator('svg[role="img"]')
        assert.equal(await svg.count(), 1, `${id}: the ${key} chart`)
        const labelledBy = (await svg.getAttribute('aria-labelledby')) ?? ''
        assert.equal(labelledBy.split(' ').length, 2)
        assert.equal(await svg.locator('[style]').count(), 0, 'no style attributes (the CSP forbids them)')
        assert.equal(await chart.locator('details table').count(), 1)
      }
    }
    // The lords-2024-custodial figures are the report's Table 2 (its conservative total is £8,639,953).
    await choose(page, preset('lords-2024-custodial').title)
    assert.match(await mainText(page), /TOTAL £8,639,953 £11,252,600/)
    await expectAccessible(page, 'impact assessment')
    await screenshot(page, 'impact')
  })

  test('an input changed on the page changes the figures as the model does', async () => {
    const page = await web.open('officer')
    await page.goto('/impact?scenario=lords-2024-custodial')
    const group = page.getByTestId('input-roles-0-casesPerWorker')
    assert.match(await group.innerText(), /Source: report p\.43/)
    await group.getByLabel('Conservative').fill('40')
    await page.getByRole('button', { name: 'Calculate' }).click()
    await page.waitForLoadState()

    const scenario = preset('lords-2024-custodial')
    const role = scenario.roles[0]
    assert.ok(role)
    const edited = structuredClone(scenario)
    ;(edited.roles[0] as typeof role).casesPerWorker.conservative = 40
    const expected = assess(edited).bounds.conservative
    const costs = await tableText(page, /Table 2\. Staffing costs/)
    assert.ok(costs.includes(`TOTAL ${pounds(expected.totalCostWholePounds)}`), costs)
    assert.match(await mainText(page), /With your figures/)
    assert.equal(await page.getByTestId('input-roles-0-casesPerWorker').getByLabel('Conservative').inputValue(), '40')
  })

  test('a bad input gets the error summary naming the field, and nothing is computed', async () => {
    const page = await web.open('probation')
    await page.goto('/impact?scenario=broad-serial-high-risk')
    await page.getByTestId('input-roles-1-casesPerWorker').getByLabel('Generous').fill('0')
    await page.getByTestId('input-costPerVictim').getByLabel('Conservative').fill('lots')
    await page.getByLabel('Number of draws for the uncertainty (optional)').fill('20000')
    await page.getByRole('button', { name: 'Calculate' }).click()
    await page.waitForLoadState()
    assert.match(await page.title(), /^Error: /)
    const summary = (await page.locator('.govuk-error-summary').innerText()).replace(/\s+/g, ' ')
    assert.match(summary, /Victim liaison officers: cases per worker, generous must be greater than 0/)
    assert.match(summary, /Cost of one victim of domestic abuse, conservative must be a number/)
    assert.match(summary, /Number of draws must be a whole number from 1 to 10,000/)
    assert.equal(await page.getByTestId('impact-results').count(), 0)
    await expectAccessible(page, 'impact assessment with errors')
    await screenshot(page, 'impact-errors')
    // The link in the summary leads to the box, which shows the message beside it and keeps what was typed.
    const box = page.getByTestId('input-roles-1-casesPerWorker').getByLabel('Generous')
    assert.equal(await box.inputValue(), '0')
    assert.match(
      await page.getByTestId('input-roles-1-casesPerWorker').locator('.govuk-error-message').innerText(),
      /must be greater than 0/,
    )
    await page.locator('.govuk-error-summary a', { hasText: 'Victim liaison officers' }).click()
    assert.equal(
      await page.evaluate('document.activeElement && document.activeElement.id'),
      'roles-1-casesPerWorker-generous',
    )

    // Shares of the sentence mix that do not add up to 1: a rule across fields, named too.
    await box.fill('180')
    await page.getByTestId('input-costPerVictim').getByLabel('Conservative').fill('42221.01')
    await page.getByLabel('Number of draws for the uncertainty (optional)').fill('')
    await page.getByLabel('Share: custody of 12 months').fill('0.5')
    await page.getByRole('button', { name: 'Calculate' }).click()
    await page.waitForLoadState()
    assert.match(
      (await page.locator('.govuk-error-summary').innerText()).replace(/\s+/g, ' '),
      /Sentence mix: the shares must add up to 1, they add up to 1\.34/,
    )
    await expectAccessible(page, 'impact assessment with a rule across fields broken')
  })

  test('a seeded Monte Carlo gives the same numbers twice, with the projection and its fan chart', async () => {
    const page = await web.open('mappa')
    await page.goto('/impact?scenario=broad-serial-high-risk')
    const run = async () => {
      await page.getByLabel('Project over a number of years (optional)').fill('5')
      await page.getByLabel('Number of draws for the uncertainty (optional)').fill('2000')
      await page.getByLabel('Seed').fill('7')
      await page.getByLabel('PERT: a smooth curve').check()
      await page.getByRole('button', { name: 'Calculate' }).click()
      await page.waitForLoadState()
      return (await page.getByTestId('monte-carlo').innerText()).replace(/\s+/g, ' ')
    }
    const first = await run()
    const second = await run()
    assert.equal(first, second)
    const expected = assess(preset('broad-serial-high-risk'), {
      monteCarlo: { draws: 2000, seed: 7, distribution: 'pert' },
      years: 5,
    }).monteCarlo
    assert.ok(expected)
    assert.ok(
      first.includes(
        `Total cost, year 1 ${pounds(expected.totalCost.p5)} ${pounds(expected.totalCost.p50)} ${pounds(expected.totalCost.p95)}`,
      ),
      first,
    )
    assert.match(await page.getByTestId('projection').innerText(), /Projection over 5 years/)
    assert.equal(await page.getByTestId('chart-projection').locator('svg[role="img"]').count(), 1)
    await expectAccessible(page, 'impact assessment with Monte Carlo and projection')
  })
})
