import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { type CliResult, run } from '../../src/cli/main.ts'
import { at, type Json, presetJson } from './support.ts'

// `dasr impact` through the CLI's `run`, in process. Scenario files are
// written to a temporary folder; all figures are the report's or made up.

const work = mkdtempSync(join(tmpdir(), 'dasr-impact-'))
after(() => rmSync(work, { recursive: true, force: true }))

function file(name: string, content: unknown): string {
  const path = join(work, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

function assertBadInput(result: CliResult, lines: (string | RegExp)[]): void {
  assert.equal(result.code, 2, result.stderr)
  assert.equal(result.stdout, '')
  const actual = result.stderr.trimEnd().split('\n')
  assert.equal(actual.length, lines.length, result.stderr)
  lines.forEach((expected, i) => {
    if (typeof expected === 'string') assert.equal(actual[i], expected)
    else assert.match(actual[i] ?? '', expected)
  })
}

const impact = (...args: string[]) => run(['impact', ...args])

describe('dasr impact: the report tables', () => {
  it('lords-2024-custodial prints Tables 1-2 as the report lays them out', async () => {
    const result = await impact('--scenario', 'lords-2024-custodial')
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    const out = result.stdout
    assert.match(out, /Table 1\. New cohort of registrants, year 1/)
    assert.match(out, /Domestic abuse offenders receiving a custodial sentence\s+6,272\s+6,272/)
    assert.match(out, /New cohort of registrants, year 1\s+6,869\s+6,869/)
    assert.match(out, /Linked victim-survivors \(2 per offender\)\s+13,738\s+13,738/)
    assert.match(out, /Table 2\. Staffing costs/)
    assert.match(out, /Offender managers \/ probation officers\s+£5,233,103\s+£7,114,675/)
    assert.match(out, /Victim liaison officers\s+£3,406,850\s+£4,137,925/)
    assert.match(out, /TOTAL\s+£8,639,953\s+£11,252,600/)
    assert.match(out, /about 205 to 267 fewer victims/)
  })

  it('broad-serial-high-risk prints Tables 3-4, with whole workers', async () => {
    const result = await impact('--scenario', 'broad-serial-high-risk')
    assert.equal(result.code, 0, result.stderr)
    const out = result.stdout
    assert.match(out, /Table 3\./)
    assert.match(out, /New cohort of registrants, year 1\s+16,285\s+22,332/)
    assert.match(out, /Serial stalking offenders\s+34\s+122/)
    assert.match(out, /TOTAL\s+£20,467,002\s+£36,595,060/)
    assert.match(out, /Offender managers \/ probation officers\s+£12,387,575\s+£23,149,366/)
    assert.match(out, /271\.42, counted as 271 FTE × £45,710\.61 = £12,387,575\.31/)
    assert.match(out, /about 485 to 867 fewer victims/)
  })

  it('--json gives the contract with money unrounded', async () => {
    const result = await impact('--scenario', 'broad-serial-high-risk', '--json')
    assert.equal(result.code, 0, result.stderr)
    const json = JSON.parse(result.stdout)
    assert.equal(json.scenario, 'broad-serial-high-risk')
    const c = json.bounds.conservative
    assert.equal(c.cohort, 16285)
    assert.deepEqual(c.components, {
      'high-risk-da': 5418,
      'serial-da': 4077,
      'high-risk-stalking': 6756,
      'serial-stalking': 34,
    })
    assert.equal(c.victims, 32570)
    assert.equal(c.roles['offender-managers'].fte, 271)
    assert.equal(Math.round(c.roles['offender-managers'].cost * 100), 1_238_757_531)
    assert.equal(Math.round(c.totalCost * 100), 2_046_700_263)
    assert.equal(c.totalCostWholePounds, 20_467_002)
    assert.equal(c.breakEvenVictims, 485)
    assert.equal(json.bounds.generous.breakEvenVictims, 867)
    assert.equal(json.monteCarlo, undefined)
  })

  it('--fte-rounding overrides the scenario: Table 2 with whole workers', async () => {
    const result = await impact('--scenario', 'lords-2024-custodial', '--fte-rounding', 'nearest', '--json')
    assert.equal(result.code, 0, result.stderr)
    const json = JSON.parse(result.stdout)
    assert.equal(json.fteRounding, 'nearest')
    assert.equal(json.bounds.conservative.roles['offender-managers'].fte, 114)
  })
})

describe('dasr impact: uncertainty, projection, forces, charts', () => {
  it('--monte-carlo with a seed is reproducible and lies between the bounds', async () => {
    const args = ['--scenario', 'broad-serial-high-risk', '--monte-carlo', '2000', '--seed', '42', '--json']
    const first = await impact(...args)
    const second = await impact(...args)
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.stdout, second.stdout)
    const json = JSON.parse(first.stdout)
    const mc = json.monteCarlo
    assert.equal(mc.draws, 2000)
    assert.equal(mc.seed, 42)
    assert.equal(mc.distribution, 'uniform')
    assert.ok(mc.totalCost.p5 >= json.bounds.conservative.totalCost)
    assert.ok(mc.totalCost.p95 <= json.bounds.generous.totalCost)
    assert.equal(mc.sensitivity.rows[0].path, '$.cohort[0]')
    const other = await impact(
      '--scenario',
      'broad-serial-high-risk',
      '--monte-carlo',
      '2000',
      '--seed',
      '43',
      '--json',
    )
    assert.notEqual(JSON.parse(other.stdout).monteCarlo.totalCost.p50, mc.totalCost.p50)
  })

  it('--years projects registrants, staff and cost, year 1 being the one-year model', async () => {
    const result = await impact('--scenario', 'lords-2024-custodial', '--years', '10', '--monte-carlo', '500', '--json')
    assert.equal(result.code, 0, result.stderr)
    const json = JSON.parse(result.stdout)
    const p = json.projection
    assert.equal(p.years, 10)
    assert.equal(p.conservative.length, 10)
    assert.equal(p.conservative[0].registrants, 6869)
    assert.equal(p.conservative[0].totalCost, json.bounds.conservative.totalCost)
    assert.equal(p.generous[9].registrants, 68690)
    assert.deepEqual(p.sentenceMix, [{ id: 'custody-12-months', share: 1, yearsOnRegister: 10 }])
    assert.equal(p.monteCarlo.length, 10)
    const text = await impact('--scenario', 'lords-2024-custodial', '--years', '3')
    assert.match(text.stdout, /Projection over 3 years/)
    assert.match(text.stdout, /custody of 12 months \(assumed\) 100%: 10 years/)
  })

  it('--by-force splits the cohort across the 43 force areas, with the population source', async () => {
    const result = await impact('--scenario', 'lords-2024-custodial', '--by-force', '--json')
    assert.equal(result.code, 0, result.stderr)
    const json = JSON.parse(result.stdout)
    assert.equal(json.byForce.forces.length, 43)
    assert.equal(json.byForce.year, 2011)
    assert.match(json.byForce.source, /2011 Census/)
    const sum = json.byForce.forces.reduce(
      (s: number, f: { conservative: { cohort: number } }) => s + f.conservative.cohort,
      0,
    )
    assert.equal(sum, 6869)
    const text = await impact('--scenario', 'lords-2024-custodial', '--by-force')
    assert.match(text.stdout, /By police force area/)
    assert.match(text.stdout, /Metropolitan Police/)
  })

  it('--svg writes the charts, each with a title, axis labels and a text alternative', async () => {
    const svgPath = join(work, 'charts.svg')
    const result = await impact(
      '--scenario',
      'broad-serial-high-risk',
      '--years',
      '5',
      '--monte-carlo',
      '200',
      '--svg',
      svgPath,
    )
    assert.equal(result.code, 0, result.stderr)
    const svg = readFileSync(svgPath, 'utf8')
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    const groups = svg.match(/<g role="img" aria-labelledby="chart-\d-title chart-\d-desc"/g) ?? []
    assert.equal(groups.length, 4)
    for (const title of [
      'Cohort composition, year one',
      'Cost range by role, year one',
      'Projected cost a year over 5 years',
      'What moves the total most (tornado)',
    ]) {
      assert.ok(svg.includes(`>${title}</title>`), title)
    }
    assert.match(svg, /Registrants in year one \(persons\)/)
    assert.match(svg, /Cost a year \(£ million\)/)
    assert.match(
      svg,
      /<desc id="chart-1-desc">Stacked bars of the year-one cohort by component\. conservative: .*total 16,285/,
    )
    assert.equal((svg.match(/<desc id="chart-\d-desc">/g) ?? []).length, 4)
  })

  it('--help names every option, and the main help lists the command', async () => {
    const result = await impact('--help')
    assert.equal(result.code, 0)
    for (const option of [
      '--scenario',
      '--json',
      '--fte-rounding',
      '--monte-carlo',
      '--seed',
      '--distribution',
      '--years',
      '--by-force',
      '--svg',
      '--json-schema',
    ]) {
      assert.ok(result.stdout.includes(option), option)
    }
    assert.match((await run(['--help'])).stdout, /dasr impact --scenario PRESET_OR_FILE/)
  })

  it('--json-schema prints the scenario schema', async () => {
    const result = await impact('--json-schema')
    assert.equal(result.code, 0)
    assert.equal(JSON.parse(result.stdout).title, 'dasr impact scenario')
  })

  it('a decision-maker copies a preset, changes an input and sees the effect', async () => {
    const json = presetJson('lords-2024-custodial')
    at(json, 'roles', 0, 'casesPerWorker').conservative = 38
    at(json, 'roles', 0, 'casesPerWorker').source = 'HMI Probation 2021: 30-38 cases for higher-risk offenders'
    const result = await impact('--scenario', file('copy.json', json), '--json')
    assert.equal(result.code, 0, result.stderr)
    const cost = JSON.parse(result.stdout).bounds.conservative.roles['offender-managers'].cost
    assert.equal(Math.round(cost), Math.round((6869 / 38) * 45710.61))
  })
})

describe('dasr impact: bad input', () => {
  it('an unknown preset', async () => {
    assertBadInput(await impact('--scenario', 'lords-2025'), [
      '--scenario: unknown preset "lords-2025" (presets: lords-2024-custodial, broad-serial-high-risk; or give a file)',
    ])
  })

  it('no --scenario, and options out of range, all at once', async () => {
    assertBadInput(
      await impact('--monte-carlo', '0', '--years', 'ten', '--fte-rounding', 'ceil', '--distribution', 'normal'),
      [
        'dasr: impact needs --scenario PRESET_OR_FILE (run "dasr impact --help")',
        '--fte-rounding: "ceil" is not a rounding (expected one of: none, nearest, up)',
        '--monte-carlo: must be a whole number from 1 to 1,000,000, got "0"',
        '--years: must be a whole number from 1 to 100, got "ten"',
        '--distribution: "normal" is not a distribution (expected one of: uniform, triangular, pert)',
      ],
    )
  })

  it('--seed without --monte-carlo', async () => {
    assertBadInput(await impact('--scenario', 'lords-2024-custodial', '--seed', '3'), [
      '--seed: only with --monte-carlo N',
    ])
  })

  it('a scenario file with problems: one line each, nothing on stdout, no chart written', async () => {
    const json = presetJson('broad-serial-high-risk')
    at(json, 'roles', 0, 'casesPerWorker').conservative = 0
    at(json, 'cohort', 0, 'conservative').count = -1
    delete at(json, 'cohort', 1).source
    const svgPath = join(work, 'never.svg')
    assertBadInput(await impact('--scenario', file('bad.json', json), '--svg', svgPath), [
      '$.cohort[0].conservative.count: must not be negative, got the number -1',
      /^\$\.cohort\[1\]\.source: is required/,
      '$.roles[0].casesPerWorker.conservative: must be greater than 0, got the number 0',
    ])
    assert.equal(existsSync(svgPath), false)
  })

  it('a file that is not JSON, and one that does not exist', async () => {
    const path = file('broken.json', '{ "id": ')
    assertBadInput(await impact('--scenario', path), [
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: `),
    ])
    assertBadInput(await impact('--scenario', join(work, 'missing.json')), [
      /missing\.json: cannot read the file \(no such file\)$/,
    ])
  })

  it('a swapped bound is allowed: the answer on stdout, a warning on stderr', async () => {
    const json: Json = presetJson('lords-2024-custodial')
    at(json, 'roles', 1, 'annualCostPerWorker').conservative = 60000
    const result = await impact('--scenario', file('swapped.json', json))
    assert.equal(result.code, 0)
    assert.match(result.stdout, /TOTAL/)
    assert.equal(
      result.stderr,
      'warning: $.roles[1].annualCostPerWorker: the conservative bound (60000) is above the generous one (54216.51), so it gives the higher cost: check the bounds are not swapped\n',
    )
  })
})
