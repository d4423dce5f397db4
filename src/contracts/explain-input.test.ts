import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { day } from '../domain/dates/day.ts'
import { parseExplainInput } from './explain-input.ts'

// All people and records here are synthetic.

const example = JSON.parse(readFileSync(new URL('../../examples/person.json', import.meta.url), 'utf8')) as unknown

type Json = Record<string, unknown>

/** A small valid input; each test breaks one thing in a fresh copy. */
function base(): Json {
  return {
    asOf: '2026-11-24',
    person: { id: 'P-9', dateOfBirth: '1990-04-01' },
    convictions: [
      {
        id: 'C-1',
        date: '2024-03-01',
        offenceDate: '2023-12-10',
        offence: 'PHA1997-s4A',
        domesticAbuse: true,
        victims: [{ id: 'V-1', relationship: 'ex-partner', ageAtOffence: 31 }],
        disposal: { type: 'custody', months: 18 },
        releasedOn: '2024-12-01',
      },
    ],
    cautions: [{ id: 'K-1', date: '2019-05-05', offence: 'CJA1988-s39', victims: [] }],
    incidents: [{ id: 'I-1', date: '2025-06-01', victimId: 'V-2', relationship: 'partner', domesticAbuse: true }],
    riskAssessments: [{ id: 'R-1', date: '2024-11-20', tool: 'OASys', rosh: 'high' }],
  }
}

const conviction = (input: Json, i = 0) => (input.convictions as Json[])[i] as Json
const caution = (input: Json) => (input.cautions as Json[])[0] as Json
const incident = (input: Json) => (input.incidents as Json[])[0] as Json
const assessment = (input: Json) => (input.riskAssessments as Json[])[0] as Json

/** The problems with `base()` after `change`; asserts the input was rejected. */
function problemsAfter(change: (input: Json) => void, options = {}): string[] {
  const input = base()
  change(input)
  const result = parseExplainInput(input, options)
  assert.equal(result.ok, false, 'expected the input to be rejected')
  return result.ok ? [] : result.problems
}

describe('parseExplainInput: valid input', () => {
  it('turns the example file into domain values', () => {
    const result = parseExplainInput(example)
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
    const { record } = result
    assert.equal(record.asOf, day('2026-11-24'))
    assert.deepEqual(record.person, { id: 'P-1', dateOfBirth: day('1990-04-01') })
    assert.deepEqual(record.convictions[0], {
      id: 'C-1',
      date: day('2024-03-01'),
      offenceDate: day('2023-12-10'),
      offence: 'PHA1997-s4A',
      domesticAbuse: true,
      victims: [{ id: 'V-1', relationship: 'ex-partner', ageAtOffence: 31 }],
      disposal: { type: 'custody', months: 18 },
      releasedOn: day('2024-12-01'),
      context: { weaponUsed: false, sexualViolence: false, violentResistance: false },
    })
    assert.equal(record.convictions.length, 2)
    assert.deepEqual(record.convictions[1]?.disposal, { type: 'custody', months: 8, suspended: true })
    assert.deepEqual(record.cautions, [
      {
        id: 'K-1',
        date: day('2017-09-03'),
        offence: 'CJA1988-s39',
        domesticAbuse: true,
        victims: [{ id: 'V-3', relationship: 'ex-partner' }],
        conditional: false,
      },
    ])
    assert.deepEqual(record.incidents, [
      {
        id: 'I-1',
        date: day('2025-06-01'),
        role: 'perpetrator',
        counterpartId: 'V-2',
        relationship: 'partner',
        domesticAbuse: true,
      },
    ])
    assert.deepEqual(record.riskAssessments, [{ id: 'R-1', date: day('2024-11-20'), tool: 'OASys', rosh: 'high' }])
  })

  it('fills the documented defaults and leaves optional facts absent', () => {
    const result = parseExplainInput({
      asOf: '2026-01-01',
      person: { id: 'P-2', dateOfBirth: '1980-01-01' },
      convictions: [{ id: 'C-1', date: '2020-01-01', offence: 'CJA1988-s39', disposal: { type: 'fine' } }],
    })
    assert.ok(result.ok)
    assert.deepEqual(result.record.convictions, [
      {
        id: 'C-1',
        date: day('2020-01-01'),
        offence: 'CJA1988-s39',
        victims: [],
        disposal: { type: 'fine' },
        context: {},
      },
    ])
    assert.deepEqual(result.record.cautions, [])
    assert.deepEqual(result.record.incidents, [])
    assert.deepEqual(result.record.riskAssessments, [])
  })

  it('resolves offence aliases and ignores the case of codes', () => {
    const result = parseExplainInput({
      ...base(),
      convictions: [
        { id: 'C-1', date: '2020-01-01', offence: 'murder', disposal: { type: 'custody', months: 180, life: true } },
        { id: 'C-2', date: '2020-01-01', offence: 'pha1997-S4A', disposal: { type: 'community' } },
      ],
    })
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
    assert.deepEqual(
      result.record.convictions.map((c) => c.offence),
      ['MADPA1965-s1', 'PHA1997-s4A'],
    )
  })

  it('maps the other party of an incident to counterpartId for either role', () => {
    const result = parseExplainInput({
      ...base(),
      incidents: [
        { id: 'I-1', date: '2025-06-01', role: 'perpetrator', victimId: 'V-2' },
        { id: 'I-2', date: '2025-07-01', role: 'victim', perpetratorId: 'X-1', relationship: 'partner' },
        { id: 'I-3', date: '2025-08-01', role: 'victim' },
      ],
    })
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
    assert.deepEqual(result.record.incidents, [
      { id: 'I-1', date: day('2025-06-01'), role: 'perpetrator', counterpartId: 'V-2' },
      { id: 'I-2', date: day('2025-07-01'), role: 'victim', counterpartId: 'X-1', relationship: 'partner' },
      { id: 'I-3', date: day('2025-08-01'), role: 'victim' },
    ])
  })

  it('takes the as-of date from the options over the file, and from today when neither gives one', () => {
    const overridden = parseExplainInput(base(), { asOf: day('2026-12-31') })
    assert.ok(overridden.ok)
    assert.equal(overridden.record.asOf, day('2026-12-31'))
    const { asOf: _, ...withoutAsOf } = base()
    const fromToday = parseExplainInput(withoutAsOf, { today: () => day('2027-02-01') })
    assert.ok(fromToday.ok)
    assert.equal(fromToday.record.asOf, day('2027-02-01'))
  })

  it('accepts a release after the as-of date (a release still to come) and offences on the 10th birthday', () => {
    const result = parseExplainInput({
      ...base(),
      person: { id: 'P-9', dateOfBirth: '2010-04-01' },
      convictions: [
        {
          id: 'C-1',
          date: '2026-10-01',
          offenceDate: '2020-04-01',
          offence: 'OAPA1861-s47',
          disposal: { type: 'custody', months: 24, detentionAndTraining: true },
          releasedOn: '2027-10-01',
        },
      ],
      cautions: [],
    })
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'))
  })
})

describe('parseExplainInput: one line per broken rule, naming the path', () => {
  const cases: [string, (input: Json) => void, string][] = [
    [
      'an impossible date',
      (i) => {
        conviction(i).date = '2025-02-30'
      },
      '$.convictions[0].date: "2025-02-30" is not a calendar date (expected YYYY-MM-DD)',
    ],
    [
      'a date that is not ISO',
      (i) => {
        caution(i).date = '05/05/2019'
      },
      '$.cautions[0].date: "05/05/2019" is not a calendar date (expected YYYY-MM-DD)',
    ],
    [
      'a caution for an offence after the caution',
      (i) => {
        caution(i).offenceDate = '2019-06-01'
      },
      '$.cautions[0].offenceDate: offence date 2019-06-01 is after the caution date 2019-05-05',
    ],
    [
      'a date of the wrong type',
      (i) => {
        assessment(i).date = 20241120
      },
      '$.riskAssessments[0].date: expected a date as "YYYY-MM-DD", got the number 20241120',
    ],
    [
      'an unknown offence code',
      (i) => {
        conviction(i).offence = 'XYZ'
      },
      '$.convictions[0].offence: unknown offence code "XYZ" (run "dasr offences" for the list)',
    ],
    [
      'a missing required field',
      (i) => {
        delete conviction(i).disposal
      },
      '$.convictions[0].disposal: is required (a disposal object such as {"type": "custody", "months": 18})',
    ],
    [
      'an unknown disposal type',
      (i) => {
        conviction(i).disposal = { type: 'prison', months: 3 }
      },
      '$.convictions[0].disposal.type: unknown disposal type "prison" (expected one of: custody, hospital-order, community, fine, conditional-discharge, absolute-discharge)',
    ],
    [
      'custody of no months',
      (i) => {
        conviction(i).disposal = { type: 'custody', months: 0 }
      },
      '$.convictions[0].disposal.months: must be a whole number of months of at least 1, got the number 0',
    ],
    [
      'a hospital order without its restriction flag',
      (i) => {
        conviction(i).disposal = { type: 'hospital-order' }
      },
      '$.convictions[0].disposal.restriction: is required (true or false)',
    ],
    [
      'an age that is not a whole number from 0 to 120',
      (i) => {
        ;((conviction(i).victims as Json[])[0] as Json).ageAtOffence = 121
      },
      '$.convictions[0].victims[0].ageAtOffence: must be a whole number from 0 to 120, got the number 121',
    ],
    [
      'an unknown relationship',
      (i) => {
        incident(i).relationship = 'boyfriend'
      },
      `$.incidents[0].relationship: "boyfriend" is not a known relationship (expected one of: spouse, ex-spouse, civil-partner, ex-civil-partner, engaged, ex-engaged, civil-partnership-agreement, ex-civil-partnership-agreement, partner, ex-partner, co-parent, parent, child, sibling, grandparent, grandchild, other-relative, acquaintance, stranger)`,
    ],
    [
      'an unknown RoSH level',
      (i) => {
        assessment(i).rosh = 'extreme'
      },
      '$.riskAssessments[0].rosh: "extreme" is not a RoSH level (expected one of: low, medium, high, very-high)',
    ],
    [
      'a flag that is not a boolean',
      (i) => {
        conviction(i).domesticAbuse = 'yes'
      },
      '$.convictions[0].domesticAbuse: expected true or false, got "yes"',
    ],
    [
      'an empty id',
      (i) => {
        caution(i).id = ' '
      },
      '$.cautions[0].id: must not be empty',
    ],
    [
      'an unknown key at the top level',
      (i) => {
        i.notes = 'x'
      },
      '$.notes: unknown key (allowed here: asOf, person, convictions, cautions, incidents, riskAssessments)',
    ],
    [
      'an unknown key in a conviction',
      (i) => {
        conviction(i).weapon = true
      },
      '$.convictions[0].weapon: unknown key (allowed here: id, date, offenceDate, offence, domesticAbuse, victims, disposal, releasedOn, context)',
    ],
    [
      'an unknown key with an odd name in the context',
      (i) => {
        conviction(i).context = { 'weapon used': true }
      },
      '$.convictions[0].context["weapon used"]: unknown key (allowed here: weaponUsed, sexualViolence, violentResistance)',
    ],
    [
      'a conviction before birth',
      (i) => {
        conviction(i).date = '1989-01-01'
        delete conviction(i).offenceDate
        delete conviction(i).releasedOn
      },
      '$.convictions[0].date: conviction date 1989-01-01 is before the date of birth 1990-04-01',
    ],
    [
      'a conviction before the 10th birthday',
      (i) => {
        conviction(i).date = '2000-03-31'
        delete conviction(i).offenceDate
        delete conviction(i).releasedOn
      },
      "$.convictions[0].date: conviction date 2000-03-31 is before the person's 10th birthday (2000-04-01): no child under 10 can be guilty of an offence (CYPA 1933 s.50)",
    ],
    [
      'an offence before the 10th birthday',
      (i) => {
        conviction(i).offenceDate = '1999-12-31'
      },
      "$.convictions[0].offenceDate: offence date 1999-12-31 is before the person's 10th birthday (2000-04-01): no child under 10 can be guilty of an offence (CYPA 1933 s.50)",
    ],
    [
      'a caution before the 10th birthday of someone born on 29 February',
      (i) => {
        i.person = { id: 'P-9', dateOfBirth: '2004-02-29' }
        caution(i).date = '2014-02-28'
      },
      "$.cautions[0].date: caution date 2014-02-28 is before the person's 10th birthday (2014-03-01): no child under 10 can be guilty of an offence (CYPA 1933 s.50)",
    ],
    [
      'an offence after the conviction',
      (i) => {
        conviction(i).offenceDate = '2024-03-02'
      },
      '$.convictions[0].offenceDate: offence date 2024-03-02 is after the conviction date 2024-03-01',
    ],
    [
      'a release before the conviction',
      (i) => {
        conviction(i).releasedOn = '2024-02-29'
      },
      '$.convictions[0].releasedOn: release date 2024-02-29 is before the conviction date 2024-03-01',
    ],
    [
      'a release from a suspended sentence',
      (i) => {
        conviction(i).disposal = { type: 'custody', months: 18, suspended: true }
      },
      '$.convictions[0].releasedOn: releasedOn is only for immediate custody or a hospital order, not a suspended sentence',
    ],
    [
      'a release from a community order',
      (i) => {
        conviction(i).disposal = { type: 'community', months: 12 }
      },
      '$.convictions[0].releasedOn: releasedOn is only for immediate custody or a hospital order, not a community order',
    ],
    [
      'a conviction after the as-of date',
      (i) => {
        conviction(i).date = '2026-11-25'
        delete conviction(i).releasedOn
      },
      '$.convictions[0].date: conviction date 2026-11-25 is after the as-of date 2026-11-24',
    ],
    [
      'a caution after the as-of date',
      (i) => {
        caution(i).date = '2027-01-01'
      },
      '$.cautions[0].date: caution date 2027-01-01 is after the as-of date 2026-11-24',
    ],
    [
      'an incident after the as-of date',
      (i) => {
        incident(i).date = '2026-12-01'
      },
      '$.incidents[0].date: incident date 2026-12-01 is after the as-of date 2026-11-24',
    ],
    [
      'an assessment after the as-of date',
      (i) => {
        assessment(i).date = '2026-11-25'
      },
      '$.riskAssessments[0].date: assessment date 2026-11-25 is after the as-of date 2026-11-24',
    ],
    [
      'a conditional discharge where none is available',
      (i) => {
        conviction(i).offence = 'DAA2021-s39'
        conviction(i).disposal = { type: 'conditional-discharge', months: 12 }
        delete conviction(i).releasedOn
      },
      '$.convictions[0].disposal.type: a conditional discharge is not available on conviction of DAA2021-s39 (Domestic Abuse Act 2021 s.39)',
    ],
    [
      'an id used twice across kinds of record',
      (i) => {
        assessment(i).id = 'C-1'
      },
      '$.riskAssessments[0].id: duplicate id "C-1": already used by $.convictions[0].id (ids must be unique)',
    ],
    [
      'a victimId on an incident where the person was the victim',
      (i) => {
        incident(i).role = 'victim'
      },
      '$.incidents[0].victimId: the person is the victim in this incident (role "victim"): name the other party as "perpetratorId"',
    ],
    [
      'a perpetratorId on an incident where the person was the perpetrator',
      (i) => {
        incident(i).perpetratorId = 'X-1'
      },
      '$.incidents[0].perpetratorId: the person is the perpetrator in this incident (role "perpetrator", the default): name the other party as "victimId"',
    ],
    [
      'a person born after the as-of date',
      (i) => {
        i.person = { id: 'P-9', dateOfBirth: '2026-11-25' }
        i.convictions = []
        i.cautions = []
        i.incidents = []
        i.riskAssessments = []
      },
      '$.person.dateOfBirth: 2026-11-25 is after the as-of date 2026-11-24',
    ],
  ]
  for (const [name, change, expected] of cases) {
    it(`reports ${name}`, () => {
      assert.deepEqual(problemsAfter(change), [expected])
    })
  }

  it('checks dates against the as-of date given in the options, not the file', () => {
    assert.deepEqual(
      problemsAfter(() => {}, { asOf: day('2024-12-31') }),
      ['$.incidents[0].date: incident date 2025-06-01 is after the as-of date 2024-12-31'],
    )
  })

  it('reports a root that is not an object, and a malformed section', () => {
    assert.deepEqual(parseExplainInput([]), { ok: false, problems: ['$: expected a JSON object, got an array'] })
    assert.deepEqual(parseExplainInput({ person: { id: 'P-1', dateOfBirth: '1990-04-01' }, convictions: {} }), {
      ok: false,
      problems: ['$.convictions: expected an array, got an object'],
    })
  })

  it('skips a cross-field rule when one of its fields is itself invalid', () => {
    // The date of birth is invalid, so no conviction can be "before birth" or "before age 10".
    assert.deepEqual(
      problemsAfter((i) => {
        i.person = { id: 'P-9', dateOfBirth: '1990-02-30' }
        conviction(i).date = '1950-01-01'
      }),
      [
        '$.person.dateOfBirth: "1990-02-30" is not a calendar date (expected YYYY-MM-DD)',
        '$.convictions[0].offenceDate: offence date 2023-12-10 is after the conviction date 1950-01-01',
      ],
    )
  })

  it('reports every problem at once, in document order', () => {
    const problems = problemsAfter((i) => {
      i.extra = 1
      i.person = { id: 'P-9', dateOfBirth: '1990-04-01' }
      conviction(i).date = '2025-02-30'
      conviction(i).offence = 'XYZ'
      ;(i.convictions as Json[]).push({
        id: 'C-2',
        date: '1985-06-01',
        offence: 'murder',
        disposal: { type: 'custody', months: 12 },
        releasedOn: '1985-01-01',
      })
      caution(i).id = 'C-2'
      assessment(i).rosh = 'extreme'
    })
    assert.deepEqual(problems, [
      '$.convictions[0].date: "2025-02-30" is not a calendar date (expected YYYY-MM-DD)',
      '$.convictions[0].offence: unknown offence code "XYZ" (run "dasr offences" for the list)',
      '$.convictions[1].date: conviction date 1985-06-01 is before the date of birth 1990-04-01',
      '$.convictions[1].releasedOn: release date 1985-01-01 is before the conviction date 1985-06-01',
      '$.cautions[0].id: duplicate id "C-2": already used by $.convictions[1].id (ids must be unique)',
      '$.riskAssessments[0].rosh: "extreme" is not a RoSH level (expected one of: low, medium, high, very-high)',
      '$.extra: unknown key (allowed here: asOf, person, convictions, cautions, incidents, riskAssessments)',
    ])
  })
})

// ---------------------------------------------------------------------------
// Never throws

/** Every path to a value inside a JSON value (the root is []). */
function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path]
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))]
  if (value && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))]
  }
  return here
}

type Mutation = { at: number; op: 'replace' | 'delete' | 'add'; key: string; value: unknown }

function mutate(original: unknown, m: Mutation): unknown {
  const copy = structuredClone(original)
  const paths = pathsOf(copy)
  const path = paths[m.at % paths.length] ?? []
  if (path.length === 0) return m.op === 'replace' ? m.value : copy
  let parent = copy as Record<string | number, unknown>
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (m.op === 'replace') parent[last] = m.value
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else {
    const target = parent[last]
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      ;(target as Record<string, unknown>)[m.key] = m.value
    } else parent[last] = m.value
  }
  return copy
}

function assertWellFormed(result: ReturnType<typeof parseExplainInput>): void {
  if (result.ok) return
  assert.ok(result.problems.length > 0)
  for (const line of result.problems) {
    // A JSON path ($, .key, [0] or ["odd key"]) then the rule.
    assert.match(line, /^\$(\.[A-Za-z_]\w*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: \S/)
    assert.doesNotMatch(line, /[\r\n]/)
    assert.doesNotMatch(line, /could not be checked/)
  }
}

describe('parseExplainInput never throws', () => {
  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assertWellFormed(parseExplainInput(value))
      }),
      { numRuns: 500 },
    )
  })

  it('on valid inputs with one part changed, removed or added', () => {
    const mutation = fc.record({
      at: fc.nat(),
      op: fc.constantFrom('replace' as const, 'delete' as const, 'add' as const),
      key: fc.oneof(fc.string(), fc.constantFrom('role', 'victimId', 'perpetratorId', '__proto__', 'toString')),
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('2024-02-29', '2023-02-29', '1900-01-01', '9999-12-31', 'murder', 'victim', -1, 1e308),
      ),
    })
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const input = mutations.reduce((json, m) => mutate(json, m), example)
        assertWellFormed(parseExplainInput(input))
      }),
      { numRuns: 1000 },
    )
  })
})
