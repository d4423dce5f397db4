import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseForcePopulations } from '../../src/contracts/impact-forces.ts'
import { impactScenarioJsonSchema, parseImpactScenario } from '../../src/contracts/impact-scenario.ts'
import { at, type Json, presetIds, presetJson } from './support.ts'

// The scenario file contract: every problem is one line naming its JSON path;
// a conservative bound that costs more than the generous one is allowed, with
// a warning.

function problemsAfter(change: (json: Json) => void, id: (typeof presetIds)[number] = 'broad-serial-high-risk') {
  const json = presetJson(id)
  change(json)
  const result = parseImpactScenario(json)
  assert.equal(result.ok, false, 'expected the scenario to be rejected')
  return result.ok ? [] : result.problems
}

function warningsAfter(change: (json: Json) => void) {
  const json = presetJson('broad-serial-high-risk')
  change(json)
  const result = parseImpactScenario(json)
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
  return result.warnings
}

describe('the presets', () => {
  for (const id of presetIds) {
    it(`${id} is valid, without warnings, and every input names its source`, () => {
      const json = presetJson(id)
      const result = parseImpactScenario(json)
      assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
      assert.deepEqual(result.warnings, [])
      assert.equal(json.id, id)
      const { scenario } = result
      const inputs = [
        scenario.costPerVictim,
        scenario.victimsPerOffender,
        ...scenario.cohort,
        ...scenario.roles.flatMap((r) => [r, r.casesPerWorker, r.annualCostPerWorker]),
        ...scenario.otherCosts.flatMap((o) => [o, o.perDriver, o.unitCost]),
        scenario.projection.growth,
        scenario.projection.attrition,
        scenario.projection.reRegistration,
        scenario.projection.sentenceMix,
      ]
      for (const input of inputs) assert.ok(input.source.trim().length > 10, JSON.stringify(input))
    })
  }

  it('the costs the report left out are in both presets, at zero', () => {
    for (const id of presetIds) {
      const result = parseImpactScenario(presetJson(id))
      assert.ok(result.ok)
      assert.deepEqual(
        result.scenario.otherCosts.map((o) => o.id),
        ['breach-prosecutions', 'breach-custody', 'multi-agency-meetings'],
      )
      for (const other of result.scenario.otherCosts) {
        assert.equal(other.perDriver.conservative * other.unitCost.generous, 0)
        assert.equal(other.perDriver.generous * other.unitCost.generous, 0)
      }
    }
  })
})

describe('rejected scenarios name the JSON path', () => {
  it('a negative count', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        at(json, 'cohort', 2, 'conservative').count = -5
      }),
      ['$.cohort[2].conservative.count: must not be negative, got the number -5'],
    )
  })

  it('a negative base and a negative cost per worker', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        at(json, 'cohort', 1, 'generous').base = -1
        at(json, 'roles', 1, 'annualCostPerWorker').generous = -44637.72
      }),
      [
        '$.cohort[1].generous.base: must not be negative, got the number -1',
        '$.roles[1].annualCostPerWorker.generous: must not be negative, got the number -44637.72',
      ],
    )
  })

  it('rates outside 0-1: a factor, a oneMinus, attrition and a sentence share', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        ;(at(json, 'cohort', 1, 'conservative').factors as unknown[])[0] = 10.4
        at(json, 'cohort', 3, 'generous', 'factors', 0).oneMinus = -0.74
        at(json, 'projection', 'attrition').value = 1.5
        at(json, 'projection', 'sentenceMix', 'entries', 0).share = 1.16
      }),
      [
        '$.cohort[1].conservative.factors[0]: must be a rate from 0 to 1, got the number 10.4',
        '$.cohort[3].generous.factors[0].oneMinus: must be a rate from 0 to 1, got the number -0.74',
        '$.projection.attrition.value: must be a rate from 0 to 1, got the number 1.5',
        '$.projection.sentenceMix.entries[0].share: must be a rate from 0 to 1, got the number 1.16',
      ],
    )
  })

  it('zero cases per worker, and a zero cost per victim', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        at(json, 'roles', 0, 'casesPerWorker').conservative = 0
        at(json, 'costPerVictim').value = 0
      }),
      [
        '$.costPerVictim.value: must be greater than 0, got the number 0',
        '$.roles[0].casesPerWorker.conservative: must be greater than 0, got the number 0',
      ],
    )
  })

  it('unknown fields, at any depth', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        json.currency = 'GBP'
        at(json, 'roles', 0).salary = 33915
        at(json, 'roles', 0, 'casesPerWorker').typical = 55
      }),
      [
        '$.roles[0].casesPerWorker.typical: unknown key (allowed here: value, conservative, generous, likely, source, note)',
        '$.roles[0].salary: unknown key (allowed here: id, label, driver, source, note, casesPerWorker, annualCostPerWorker)',
        '$.currency: unknown key (allowed here: $schema, id, title, source, note, fteRounding, reportTables, costPerVictim, victimsPerOffender, cohort, roles, otherCosts, projection)',
      ],
    )
  })

  it('missing or empty sources', () => {
    const problems = problemsAfter((json) => {
      delete at(json, 'cohort', 0).source
      delete at(json, 'roles', 1, 'casesPerWorker').source
      at(json, 'victimsPerOffender').source = '  '
      delete json.source
    })
    assert.deepEqual(
      problems.map((p) => p.split(': ')[0]),
      ['$.source', '$.victimsPerOffender.source', '$.cohort[0].source', '$.roles[1].casesPerWorker.source'],
    )
    assert.match(problems[0] ?? '', /^\$\.source: is required \(a non-empty string saying where the figure comes from/)
    assert.equal(problems[1], '$.victimsPerOffender.source: must not be empty')
  })

  it('a ranged input needs a value or both bounds, not both; likely within the bounds', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        delete at(json, 'roles', 0, 'casesPerWorker').generous
        at(json, 'roles', 1, 'casesPerWorker').conservative = 150
        at(json, 'roles', 1, 'annualCostPerWorker').likely = 60000
      }),
      [
        '$.roles[0].casesPerWorker.generous: is required (a number)',
        '$.roles[1].casesPerWorker: give either "value" or "conservative" and "generous", not both',
        '$.roles[1].annualCostPerWorker.likely: must lie between the bounds (44637.72 to 54216.51), got 60000',
      ],
    )
  })

  it('wrong types, an unknown rounding, driver or disposal', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        json.fteRounding = 'ceiling'
        at(json, 'roles', 0).driver = 'victim-survivors'
        at(json, 'cohort', 0, 'generous').count = '11334'
        at(json, 'projection', 'sentenceMix', 'entries', 1).disposal = 'probation'
      }),
      [
        '$.fteRounding: "ceiling" is not an FTE rounding (expected one of: none, nearest, up)',
        '$.cohort[0].generous.count: expected a number of persons (0 or more), got "11334"',
        '$.roles[0].driver: "victim-survivors" is not a driver (expected one of: offenders, victims)',
        '$.projection.sentenceMix.entries[1].disposal: expected "caution" or a disposal object such as {"type": "custody", "months": 18}, got "probation"',
      ],
    )
  })

  it('a cohort value that is neither a count nor a product', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        at(json, 'cohort', 0).conservative = { count: 5418, base: 39198 }
        at(json, 'cohort', 0).generous = {}
      }),
      [
        '$.cohort[0].conservative: give either "count" or "base" and "factors", not both',
        '$.cohort[0].generous: needs "count", or "base" and "factors"',
      ],
    )
  })

  it('duplicate ids and sentence shares that do not add up to 1', () => {
    assert.deepEqual(
      problemsAfter((json) => {
        at(json, 'cohort', 2).id = 'high-risk-da'
        at(json, 'projection', 'sentenceMix', 'entries', 1).share = 0.8
      }),
      [
        '$.cohort[2].id: duplicate id "high-risk-da": already used by $.cohort[0].id',
        '$.projection.sentenceMix.entries: the shares must add up to 1, they add up to 0.96',
      ],
    )
  })

  it('not an object at all', () => {
    const result = parseImpactScenario([1, 2])
    assert.deepEqual(result, { ok: false, problems: ['$: expected a JSON object, got an array'] })
  })
})

describe('a conservative bound above the generous one is allowed but warned', () => {
  it('for a count, where conservative should be the smaller', () => {
    assert.deepEqual(
      warningsAfter((json) => {
        at(json, 'cohort', 0).conservative = { count: 12000 }
      }),
      [
        '$.cohort[0]: the conservative value (12000) is above the generous one (11334): check the bounds are not swapped',
      ],
    )
  })

  it('for cases per worker, where conservative should be the larger', () => {
    assert.deepEqual(
      warningsAfter((json) => {
        at(json, 'roles', 0, 'casesPerWorker').conservative = 40
      }),
      [
        '$.roles[0].casesPerWorker: the conservative bound (40) is below the generous one (50), so it gives the higher cost: check the bounds are not swapped',
      ],
    )
  })

  it('for a cost per worker and a oneMinus rate', () => {
    const warnings = warningsAfter((json) => {
      at(json, 'roles', 1, 'annualCostPerWorker').conservative = 60000
      // 1,955 × (1 − 0.5) × 0.3 = 293 persons, above the generous 122.
      at(json, 'cohort', 3, 'conservative', 'factors', 0).oneMinus = 0.5
      ;(at(json, 'cohort', 3, 'conservative').factors as unknown[])[1] = 0.3
    })
    assert.deepEqual(
      warnings.map((w) => w.split(': ')[0]),
      ['$.cohort[3]', '$.roles[1].annualCostPerWorker'],
    )
  })
})

describe('the JSON Schema file and the force populations', () => {
  it('schemas/impact-scenario.schema.json is what `dasr impact --json-schema` generates', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../schemas/impact-scenario.schema.json', import.meta.url), 'utf8'),
    ) as unknown
    assert.deepEqual(file, impactScenarioJsonSchema())
  })

  it('scenarios/force-populations.json holds the 43 force areas, with a source, a year and a total that adds up', () => {
    const json = JSON.parse(readFileSync(new URL('../../scenarios/force-populations.json', import.meta.url), 'utf8'))
    const parsed = parseForcePopulations(json)
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'))
    assert.equal(parsed.data.forces.length, 43)
    assert.equal(parsed.data.year, 2011)
    // The published 2011 Census usual resident population of England and Wales.
    assert.equal(parsed.data.total, 56_075_912)
    assert.match(parsed.data.note, /not ONS mid-year estimates/)
  })
})
