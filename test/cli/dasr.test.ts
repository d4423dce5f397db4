import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { periodText } from '../../src/cli/report.ts'
import { parseExplainInput } from '../../src/contracts/explain-input.ts'
import { offenceCodes } from '../../src/domain/offences/offences.ts'

// Runs the real CLI in a child process. All records are synthetic.

const root = fileURLToPath(new URL('../../', import.meta.url))
const examplePath = join(root, 'examples/person.json')
const exampleText = readFileSync(examplePath, 'utf8')
const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
const policyIds = [
  'lords-2024',
  'broad-convicted',
  'commons-2024-in-lieu',
  'saville-roberts-2020',
  'npcc-serial',
  'guam-fvr',
]

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function dasr(args: string[], options: { input?: string; node?: string; script?: string } = {}): Run {
  const result = spawnSync(options.node ?? process.execPath, [options.script ?? 'src/cli/dasr.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, DASR_DEBUG: '' },
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const work = mkdtempSync(join(tmpdir(), 'dasr-cli-'))
after(() => rmSync(work, { recursive: true, force: true }))

function file(name: string, content: string): string {
  const path = join(work, name)
  writeFileSync(path, content)
  return path
}

function withChange(change: (input: Record<string, unknown>) => void): string {
  const input = JSON.parse(exampleText) as Record<string, unknown>
  change(input)
  return JSON.stringify(input)
}

const firstConviction = (input: Record<string, unknown>) =>
  (input.convictions as Record<string, unknown>[])[0] as Record<string, unknown>

/** A usage or input error: exit 2, nothing on stdout, exactly these lines on stderr. */
function assertBadInput(run: Run, lines: (string | RegExp)[]): void {
  assert.equal(run.code, 2, run.stderr)
  assert.equal(run.stdout, '')
  const actual = run.stderr.trimEnd().split('\n')
  assert.equal(actual.length, lines.length, run.stderr)
  lines.forEach((expected, i) => {
    if (typeof expected === 'string') assert.equal(actual[i], expected)
    else assert.match(actual[i] ?? '', expected)
  })
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace')
}

describe('dasr explain --example', () => {
  it('prints the example file, which is valid input', () => {
    const run = dasr(['explain', '--example'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, exampleText)
    const parsed = parseExplainInput(JSON.parse(run.stdout))
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'))
    assert.equal(parsed.record.person.id, 'P-1')
  })
})

describe('dasr explain: bad input exits 2 with one line per problem and nothing on stdout', () => {
  it('malformed JSON: one line with the file name and the parser message', () => {
    const path = file('malformed.json', '{"asOf": "2026-11-24",\n  "person": }\n')
    assertBadInput(dasr(['explain', path]), [
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: \\S`),
    ])
  })

  it('malformed JSON on stdin names <stdin>', () => {
    assertBadInput(dasr(['explain', '-'], { input: '[1, 2' }), [/^<stdin>: not valid JSON: \S/])
  })

  it('an impossible date', () => {
    const path = file(
      'impossible-date.json',
      withChange((i) => {
        firstConviction(i).date = '2025-02-30'
      }),
    )
    assertBadInput(dasr(['explain', path]), [
      '$.convictions[0].date: "2025-02-30" is not a calendar date (expected YYYY-MM-DD)',
    ])
  })

  it('an unknown offence code, read from stdin', () => {
    const input = withChange((i) => {
      firstConviction(i).offence = 'XYZ'
    })
    assertBadInput(dasr(['explain', '-'], { input }), [
      '$.convictions[0].offence: unknown offence code "XYZ" (run "dasr offences" for the list)',
    ])
  })

  it('several problems, one line each', () => {
    const input = withChange((i) => {
      firstConviction(i).offence = 'XYZ'
      firstConviction(i).releasedOn = '2020-01-01'
      i.colour = 'red'
    })
    assertBadInput(dasr(['explain', '-'], { input }), [
      '$.convictions[0].offence: unknown offence code "XYZ" (run "dasr offences" for the list)',
      '$.convictions[0].releasedOn: release date 2020-01-01 is before the conviction date 2024-03-01',
      /^\$\.colour: unknown key/,
    ])
  })

  it('--as-of overrides the file: records after it are problems', () => {
    assertBadInput(dasr(['explain', examplePath, '--as-of', '2025-01-01']), [
      '$.incidents[0].date: incident date 2025-06-01 is after the as-of date 2025-01-01',
    ])
  })

  it('an --as-of that is not a date', () => {
    assertBadInput(dasr(['explain', examplePath, '--as-of', '24/11/2026']), [
      '--as-of: "24/11/2026" is not a calendar date (expected YYYY-MM-DD)',
    ])
  })

  it('a file that cannot be read', () => {
    assertBadInput(dasr(['explain', join(work, 'missing.json')]), [
      /missing\.json: cannot read the file \(no such file\)$/,
    ])
  })

  it('usage errors: no file, two files, unknown option, unknown command, no command', () => {
    assertBadInput(dasr(['explain']), [/^dasr: explain needs a FILE/])
    assertBadInput(dasr(['explain', 'a.json', 'b.json']), [/^dasr: explain takes one FILE/])
    assertBadInput(dasr(['explain', examplePath, '--colour']), ['dasr: unknown option "--colour" (run "dasr --help")'])
    assertBadInput(dasr(['register']), ['dasr: unknown command "register" (run "dasr --help")'])
    assertBadInput(dasr([]), ['dasr: missing command (run "dasr --help")'])
    assertBadInput(dasr(['offences', 'extra']), ['dasr: unexpected argument "extra" (run "dasr --help")'])
  })

  // Needs the policy registry (src/domain/policies) to load.
  it('an unknown --policy', () => {
    assertBadInput(dasr(['explain', examplePath, '--policy', 'lords-2024', '--policy', 'x']), [
      `--policy: unknown policy "x" (known: ${policyIds.join(', ')})`,
    ])
  })
})

describe('dasr explain: the explanation (needs the policies)', () => {
  const isoDate = /^\d{4}-\d{2}-\d{2}$/
  const assertIsoOrNull = (value: unknown, what: string) => {
    if (value !== null) assert.match(String(value), isoDate, what)
  }

  it('--json follows the output contract, with ISO dates', () => {
    const run = dasr(['explain', examplePath, '--json'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stderr, '')
    const out = JSON.parse(run.stdout) as Record<string, unknown>
    assert.deepEqual(Object.keys(out), ['asOf', 'personId', 'policies', 'rehabilitation'])
    assert.equal(out.asOf, '2026-11-24')
    assert.equal(out.personId, 'P-1')
    const policies = out.policies as Record<string, unknown>[]
    assert.deepEqual(
      policies.map((p) => p.policy),
      policyIds,
    )
    for (const p of policies) {
      assert.deepEqual(Object.keys(p), ['policy', 'outcome', 'reasons', 'missing', 'warnings', 'consequences'])
      assert.ok(['eligible', 'not-eligible', 'needs-review'].includes(p.outcome as string))
      for (const r of p.reasons as Record<string, unknown>[]) {
        assert.deepEqual(Object.keys(r), ['rule', 'provision', 'holds', 'facts', 'explanation'])
      }
      const c = p.consequences as Record<string, unknown> | null
      if (c === null) continue
      assert.deepEqual(Object.keys(c), [
        'effect',
        'indexFact',
        'notificationPeriod',
        'periodStart',
        'periodLastDay',
        'earliestReview',
        'initialNotificationDue',
        'mappaCategory',
        'mappaBasis',
        'mappaLevelProposed',
        'victimContact',
        'considerRightToKnow',
        'provisions',
      ])
      for (const key of ['periodStart', 'periodLastDay', 'earliestReview', 'initialNotificationDue']) {
        assertIsoOrNull(c[key], `${p.policy}.${key}`)
      }
    }
    const rehabilitation = out.rehabilitation as Record<string, unknown>[]
    assert.deepEqual(rehabilitation.map((s) => s.recordId).sort(), ['C-1', 'C-2', 'K-1'])
    const spentKeys = ['recordId', 'kind', 'scheme', 'spentFrom', 'never', 'undetermined', 'spentOnAsOf', 'basis']
    for (const s of rehabilitation) {
      const keys = [...spentKeys, 'provision', 'extendedBy', ...('scheme2014' in s ? ['scheme2014'] : [])]
      assert.deepEqual(Object.keys(s), keys)
      assertIsoOrNull(s.spentFrom, `${s.recordId}.spentFrom`)
      const scheme2014 = s.scheme2014 as { spentFrom: unknown } | undefined
      if (scheme2014) assertIsoOrNull(scheme2014.spentFrom, `${s.recordId}.scheme2014.spentFrom`)
    }
  })

  it('--policy selects and orders the policies', () => {
    const run = dasr(['explain', examplePath, '--json', '--policy', 'guam-fvr', '--policy', 'lords-2024'])
    assert.equal(run.code, 0, run.stderr)
    const out = JSON.parse(run.stdout) as { policies: { policy: string }[] }
    assert.deepEqual(
      out.policies.map((p) => p.policy),
      ['guam-fvr', 'lords-2024'],
    )
  })

  it('the text report has the header, a summary row per policy and the rehabilitation table, in 100 columns', () => {
    const run = dasr(['explain', examplePath])
    assert.equal(run.code, 0, run.stderr)
    const lines = run.stdout.trimEnd().split('\n')
    assert.match(run.stdout, /P-1/)
    assert.match(run.stdout, /1 April 1990 \(aged 36 on the as-of date\)/)
    assert.match(run.stdout, /24 November 2026/)
    for (const id of policyIds) {
      assert.ok(
        lines.some((line) => line.startsWith(`${id} `)),
        `summary row for ${id}`,
      )
      assert.ok(
        lines.some((line) => line.startsWith(`${id}: `)),
        `section for ${id}`,
      )
    }
    assert.match(run.stdout, /^ {4}[✓✗?] /m)
    assert.match(run.stdout, /Rehabilitation of Offenders Act 1974/)
    for (const id of ['C-1', 'C-2', 'K-1']) assert.match(run.stdout, new RegExp(`^${id} `, 'm'))
    for (const line of lines) assert.ok(line.length <= 100, `line longer than 100 columns: ${line}`)
    assert.ok(!run.stdout.includes('\u001b['), 'no colours')
  })

  it('reads the record from stdin with -', () => {
    const run = dasr(['explain', '-', '--json'], { input: exampleText })
    assert.equal(run.code, 0, run.stderr)
    assert.equal((JSON.parse(run.stdout) as { personId: string }).personId, 'P-1')
  })
})

describe('notification periods in the report', () => {
  it('reads as years, months, indefinite, until the end of an order, or a dash', () => {
    assert.equal(periodText({ years: 10, months: 120 }), '10 years')
    assert.equal(periodText({ years: 1, months: 12 }), '1 year')
    assert.equal(periodText({ years: 3.5, months: 42 }), '3 years 6 months')
    assert.equal(periodText({ years: 0.5, months: 6 }), '6 months')
    assert.equal(periodText({ indefinite: true }), 'indefinite')
    assert.equal(periodText({ untilEndOfOrder: true, months: 12 }), 'until end of order (12 months)')
    assert.equal(periodText(null), '—')
  })
})

describe('dasr offences', () => {
  it('lists every catalogue code in text, within 100 columns', () => {
    const run = dasr(['offences'])
    assert.equal(run.code, 0, run.stderr)
    for (const code of offenceCodes) assert.match(run.stdout, new RegExp(`^${code} `, 'm'))
    for (const line of run.stdout.split('\n')) assert.ok(line.length <= 100, line)
  })

  it('lists every catalogue entry as JSON', () => {
    const run = dasr(['offences', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const out = JSON.parse(run.stdout) as { code: string; statute: string; maxPenalty: unknown }[]
    assert.deepEqual(
      out.map((o) => o.code),
      offenceCodes,
    )
    assert.ok(out.every((o) => o.statute && o.maxPenalty))
  })
})

describe('dasr policies (needs the policies)', () => {
  it('lists all six policies with their settings, as text', () => {
    const run = dasr(['policies'])
    assert.equal(run.code, 0, run.stderr)
    for (const id of policyIds) assert.match(run.stdout, new RegExp(`^${id}: `, 'm'))
    assert.match(run.stdout, /Interpretation settings \(default\):/)
    for (const line of run.stdout.split('\n')) assert.ok(line.length <= 100, line)
  })

  it('lists all six policies as JSON, each setting with its default and description', () => {
    const run = dasr(['policies', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const out = JSON.parse(run.stdout) as {
      id: string
      title: string
      source: string
      status: string
      commencement: string
      summary: string
      settings: { name: string; default: unknown; description: string | null }[]
    }[]
    assert.deepEqual(
      out.map((p) => p.id),
      policyIds,
    )
    for (const p of out) {
      assert.ok(p.title && p.source && p.status && p.summary, p.id)
      assert.match(p.commencement, isoDay)
      for (const s of p.settings) assert.equal(typeof s.description, 'string', `${p.id}.${s.name}`)
    }
  })
  const isoDay = /^\d{4}-\d{2}-\d{2}$/
})

describe('dasr help and version', () => {
  for (const args of [['--help'], ['help'], ['-h'], ['explain', '--help']]) {
    it(`${args.join(' ')} prints the usage and exits 0`, () => {
      const run = dasr(args)
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /^Usage:$/m)
      assert.match(run.stdout, /dasr explain FILE/)
      assert.equal(run.stderr, '')
    })
  }

  it('--version prints the package version', () => {
    const run = dasr(['--version'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, `${packageVersion}\n`)
  })
})

describe('bin/dasr.js', () => {
  /** The first node on PATH without type stripping (the system v20), else this Node 24. */
  function oldNode(): string {
    let candidates: string[] = []
    try {
      candidates = execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n').filter(Boolean)
    } catch {
      candidates = []
    }
    for (const candidate of candidates) {
      const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim()
      const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
      if (major < 22 || (major === 22 && minor < 18)) return candidate
    }
    return process.execPath
  }

  it('runs with the node on PATH, re-running itself on Node 24 when that node is too old', () => {
    const run = dasr(['--version'], { node: oldNode(), script: 'bin/dasr.js' })
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, `${packageVersion}\n`)
  })

  it('forwards the exit code and stderr of the re-run', () => {
    assertBadInput(dasr(['register'], { node: oldNode(), script: 'bin/dasr.js' }), [
      'dasr: unknown command "register" (run "dasr --help")',
    ])
  })

  it('runs directly on Node 24', () => {
    const run = dasr(['offences', '--json'], { script: 'bin/dasr.js' })
    assert.equal(run.code, 0, run.stderr)
    assert.equal((JSON.parse(run.stdout) as unknown[]).length, offenceCodes.length)
  })
})
