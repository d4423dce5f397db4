import { execFileSync } from 'node:child_process'
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseExplainInput } from '../src/contracts/explain-input.ts'
import { explanationToJson } from '../src/contracts/explain-output.ts'
import { type CaseFacts, prepareCaseFacts } from '../src/domain/eligibility/case-facts.ts'
import type { Outcome, PolicyId } from '../src/domain/explain/evaluation.ts'
import { explainPerson } from '../src/domain/explain/explain.ts'
import { policies, policyIds } from '../src/domain/policies/registry.ts'
import type { PersonRecord } from '../src/domain/record/person-record.ts'
import { rehabilitation } from '../src/domain/rehabilitation/spent.ts'
import { defaultLegalSettings } from '../src/domain/settings/legal-settings.ts'
import { positive } from './args.ts'
import { fillBatch, toInputJson } from './synthetic-records.ts'

// npm run bench:eligibility [-- --persons N --batch N --seed N --rehab-persons N --check N --no-append --out FILE --note TEXT --verbose]
//
// Times explainPerson (all six policies and the ROA status of every conviction
// and caution) over synthetic persons generated in batches outside the timed
// region, prints a summary and appends it to BENCHMARKS.md.
//
// The timed run reads what a screening run reads: each policy's outcome and
// each record's spent status. explainPerson screens the outcomes and builds
// reasons, missing facts, warnings, consequences and texts when they are first
// read (decision 0004); the "every detail read" variant below shows that cost.

const TARGET_EVALUATIONS_PER_SECOND = 1_000_000

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: process.env.BENCH_PERSONS ?? '1000000' },
    batch: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '20261124' },
    'rehab-persons': { type: 'string', default: '100000' },
    check: { type: 'string', default: '5000' },
    'no-append': { type: 'boolean', default: false },
    out: { type: 'string' },
    /** What changed since the previous entry, written into the appended section. */
    note: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
})

const totalPersons = positive('persons', args.persons)
const batchSize = Math.min(positive('batch', args.batch), totalPersons)
const seed = positive('seed', args.seed, true)
const rehabPersons = positive('rehab-persons', args['rehab-persons'], true)
const checkPersons = positive('check', args.check, true)
const policyCount = policyIds.length
const legal = defaultLegalSettings

const nowNs = () => process.hrtime.bigint()
const msSince = (start: bigint) => Number(nowNs() - start) / 1e6
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })

// Disjoint index ranges of the same seed for each phase, so no phase reuses another's persons.
const CHECK_BASE = 0
const WARMUP_BASE = 10_000_000
const TIMED_BASE = 20_000_000
const REHAB_BASE = 40_000_000

const batch: PersonRecord[] = []
let generationMs = 0
function generate(first: number, count: number): PersonRecord[] {
  const start = nowNs()
  fillBatch(batch, seed, first, count)
  generationMs += msSince(start)
  return batch
}

// ---------------------------------------------------------------------------
// 1. Warm-up and the timed run

const outcomeIndex: Record<Outcome, number> = { eligible: 0, 'not-eligible': 1, 'needs-review': 2 }
const outcomes = new Float64Array(policyCount * 3)
const idIndex = new Map<PolicyId, number>(policyIds.map((id, i) => [id, i]))
let spentRecords = 0
let recordsSeen = 0

function runBatch(records: PersonRecord[], tally: boolean): number {
  const start = nowNs()
  for (let i = 0; i < records.length; i++) {
    const explanation = explainPerson(records[i] as PersonRecord)
    if (tally) {
      const evaluations = explanation.policies
      for (let p = 0; p < evaluations.length; p++) {
        const e = evaluations[p] as (typeof evaluations)[number]
        const k = (idIndex.get(e.policy) as number) * 3 + outcomeIndex[e.outcome]
        outcomes[k] = (outcomes[k] as number) + 1
      }
      const spent = explanation.rehabilitation
      recordsSeen += spent.length
      for (let s = 0; s < spent.length; s++) if ((spent[s] as (typeof spent)[number]).spentOnAsOf) spentRecords++
    }
  }
  return msSince(start)
}

const warmupCount = batchSize
const warmupMs = runBatch(generate(WARMUP_BASE, warmupCount), false)
console.log(`warm-up: ${fmt(warmupCount)} persons in ${fmt(warmupMs)} ms (not counted)`)

let timedMs = 0
let fastestBatch = 0
let slowestBatch = Number.POSITIVE_INFINITY
let batches = 0
for (let done = 0; done < totalPersons; done += batchSize) {
  const count = Math.min(batchSize, totalPersons - done)
  const records = generate(TIMED_BASE + done, count)
  const ms = runBatch(records, true)
  timedMs += ms
  const perSecond = count / (ms / 1000)
  fastestBatch = Math.max(fastestBatch, perSecond)
  slowestBatch = Math.min(slowestBatch, perSecond)
  batches++
  if (args.verbose) {
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20
    console.log(`batch ${batches}: ${fmt(perSecond)} persons/s, heap ${fmt(heapMb)} MB`)
  }
  if (process.stdout.isTTY) process.stdout.write(`\r${fmt(done + count)} / ${fmt(totalPersons)} persons`)
}
if (process.stdout.isTTY) process.stdout.write('\r\x1b[K')

const personsPerSecond = totalPersons / (timedMs / 1000)
const evaluationsPerSecond = personsPerSecond * policyCount
const msPer100k = timedMs * (100_000 / totalPersons)
const targetMet = evaluationsPerSecond >= TARGET_EVALUATIONS_PER_SECOND

// ---------------------------------------------------------------------------
// 2. What the ROA (spent dates) costs next to the policies

interface Variant {
  name: string
  describe: string
  run(record: PersonRecord): number
}

/** The policies on case facts whose ROA status is stubbed out (nothing spent), so no spent dates are computed. */
function policiesWithoutRehabilitation(record: PersonRecord): number {
  const facts: CaseFacts = prepareCaseFacts(record, legal)
  facts.rehabilitation = () => []
  facts.isSpentOnAsOf = () => false
  let sink = 0
  for (const policy of policies) sink += policy.evaluate(facts, policy.defaults, legal).reasons.length
  return sink
}

const variants: Variant[] = [
  {
    name: 'explainPerson (all policies + ROA)',
    describe: '`explainPerson(record)`',
    run: (r) => explainPerson(r).policies.length,
  },
  {
    name: 'explainPerson, every detail read',
    describe: '`explanationToJson(explainPerson(record))`: reasons, consequences and every text built',
    run: (r) => explanationToJson(explainPerson(r)).policies.length,
  },
  {
    name: 'case facts + ROA, no policies',
    describe: '`explainPerson(record, { policies: [] })`',
    run: (r) => explainPerson(r, { policies: [] }).rehabilitation.length,
  },
  {
    name: 'policies without ROA',
    describe: '`prepareCaseFacts` and the six `policy.evaluate` calls, `isSpentOnAsOf` stubbed to false',
    run: policiesWithoutRehabilitation,
  },
  {
    name: 'ROA alone',
    describe: '`rehabilitation(record)`',
    run: (r) => rehabilitation(r).length,
  },
]

const variantMs = variants.map(() => 0)
let sink = 0
if (rehabPersons > 0) {
  // Warm every variant up, then interleave them over the same persons in
  // chunks, rotating the order so no variant always runs first.
  const warm = generate(WARMUP_BASE, Math.min(batchSize, 20_000))
  for (const v of variants) for (const r of warm) sink += v.run(r)
  const chunk = 5_000
  let rotation = 0
  for (let done = 0; done < rehabPersons; done += batchSize) {
    const records = generate(REHAB_BASE + done, Math.min(batchSize, rehabPersons - done))
    for (let from = 0; from < records.length; from += chunk) {
      const to = Math.min(records.length, from + chunk)
      for (let k = 0; k < variants.length; k++) {
        const v = (rotation + k) % variants.length
        const variant = variants[v] as Variant
        const start = nowNs()
        for (let i = from; i < to; i++) sink += variant.run(records[i] as PersonRecord)
        variantMs[v] = (variantMs[v] as number) + msSince(start)
      }
      rotation++
    }
  }
}
if (sink === -1) console.log('unreachable')

// ---------------------------------------------------------------------------
// 3. The generator's records satisfy the input rules (not timed)
//
// Run last on purpose: toInputJson's objects share V8 hidden classes with the
// generated records but hold ISO strings where those hold day numbers, and
// creating them generalises the shared field representations. Done before the
// timed run, that halved explainPerson's measured throughput. A failure here
// stops the run before anything is appended to BENCHMARKS.md.

let checkedRecords = 0
if (checkPersons > 0) {
  const records = generate(CHECK_BASE, Math.min(checkPersons, batchSize))
  let failures = 0
  for (const record of records) {
    const parsed = parseExplainInput(toInputJson(record))
    if (!parsed.ok) {
      if (failures < 5) console.error(`${record.person.id}:\n  ${parsed.problems.join('\n  ')}`)
      failures++
    }
  }
  if (failures > 0) {
    console.error(`${failures} of ${records.length} synthetic records break the input rules`)
    process.exit(1)
  }
  checkedRecords = records.length
  console.log(`input rules: ${fmt(records.length)} synthetic records checked, all valid`)
}

// ---------------------------------------------------------------------------
// 4. Report

function gitCommit(): string {
  const git = (...gitArgs: string[]) =>
    execFileSync('git', ['--no-optional-locks', ...gitArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    const commit = git('rev-parse', '--short', 'HEAD').trim()
    try {
      return git('status', '--porcelain').trim() === '' ? commit : `${commit} (with uncommitted changes)`
    } catch {
      return commit
    }
  } catch {
    return 'unknown (not a git checkout)'
  }
}

const when = new Date().toISOString()
const node = process.version
const cpu = cpus()[0]?.model.trim() ?? 'unknown'
const commit = gitCommit()

const outcomeRows = policyIds.map((id, p) => {
  const eligible = outcomes[p * 3] as number
  const notEligible = outcomes[p * 3 + 1] as number
  const review = outcomes[p * 3 + 2] as number
  return { id, eligible, notEligible, review }
})
const pct = (n: number) => `${fmt((100 * n) / totalPersons, 1)}%`

const rehabRows = variants.map((v, i) => {
  const ms = variantMs[i] as number
  return {
    name: v.name,
    describe: v.describe,
    usPerPerson: (ms * 1000) / rehabPersons,
    perSecond: rehabPersons / (ms / 1000),
  }
})

const summary = [
  `Eligibility benchmark: ${fmt(totalPersons)} synthetic persons x ${policyCount} policies`,
  `  persons/s                       ${fmt(personsPerSecond)}`,
  `  person-policy evaluations/s     ${fmt(evaluationsPerSecond)}  (target ${fmt(TARGET_EVALUATIONS_PER_SECOND)}: ${targetMet ? 'met' : 'NOT met'})`,
  `  ms per 100k persons             ${fmt(msPer100k, 1)}`,
  `  timed total                     ${fmt(timedMs)} ms in ${batches} batches of ${fmt(batchSize)}`,
  `  batch throughput (persons/s)    slowest ${fmt(slowestBatch)}, fastest ${fmt(fastestBatch)}`,
  `  generation (not timed)          ${fmt(generationMs)} ms`,
  `  ROA records evaluated           ${fmt(recordsSeen)} (${fmt((100 * spentRecords) / Math.max(1, recordsSeen), 1)}% spent on the as-of date)`,
  '',
  '  outcome mix              eligible   not-eligible   needs-review',
  ...outcomeRows.map(
    (r) =>
      `  ${r.id.padEnd(22)} ${pct(r.eligible).padStart(10)} ${pct(r.notEligible).padStart(14)} ${pct(r.review).padStart(14)}`,
  ),
  '',
  ...(rehabPersons > 0
    ? [
        `  ROA cost on ${fmt(rehabPersons)} persons      µs/person   persons/s`,
        ...rehabRows.map(
          (r) => `  ${r.name.padEnd(36)} ${fmt(r.usPerPerson, 2).padStart(8)} ${fmt(r.perSecond).padStart(11)}`,
        ),
        '',
      ]
    : []),
  `  ${node} on ${cpu}, commit ${commit}, ${when}`,
].join('\n')
console.log(summary)

// ---------------------------------------------------------------------------
// 5. Append to BENCHMARKS.md

const header = `# Benchmarks

Figures appended by the benchmark scripts, newest last. Every record benchmarked
is synthetic (bench/synthetic-records.ts: a seeded generator); none describes a
real person. Figures from different machines are not comparable; compare runs on
the same machine.

## What each benchmark measures

- **Eligibility** (\`npm run bench:eligibility\`, bench/eligibility.ts):
  \`explainPerson\` — all six registration policies plus the Rehabilitation of
  Offenders Act status of every conviction and caution — over 1,000,000
  synthetic persons (mostly one conviction, a tail of up to 15), on one core.
  Persons are generated in batches of 50,000 outside the timed region, after a
  warm-up batch; the timer (\`process.hrtime.bigint()\`) covers evaluation only.
  Reports persons/s and person-policy evaluations/s (persons × 6) against the
  target of 1,000,000 evaluations/s, the outcome mix per policy as a sanity
  check, and, on 100,000 further persons, what the ROA spent-date computation
  costs next to the policies alone. The timed run reads outcomes and spent
  status, as a screening run does; reasons, consequences and texts are built
  when read (decision 0004), and the "every detail read" variant times that.
`

/** A markdown table; the first `textColumns` columns are left-aligned, the rest (figures) right-aligned. */
const table = (head: string[], rows: string[][], textColumns = 1) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n')

const section = `
## Eligibility — ${when.slice(0, 10)}, ${fmt(totalPersons)} persons

${node} on ${cpu}; commit ${commit}; run at ${when}.
${args.note ? `${args.note}\n\n` : ''}${fmt(totalPersons)} persons (seed ${seed}) in ${batches} batches of ${fmt(batchSize)}, after a warm-up of ${fmt(warmupCount)}; generation (${fmt(generationMs)} ms) not timed.
${checkedRecords > 0 ? `${fmt(checkedRecords)} of the generated records checked against the input rules (parseExplainInput): all valid.\n` : ''}
${table(
  ['Measure', 'Value'],
  [
    ['Persons/s', fmt(personsPerSecond)],
    [
      'Person-policy evaluations/s',
      `${fmt(evaluationsPerSecond)} (target ${fmt(TARGET_EVALUATIONS_PER_SECOND)}: **${targetMet ? 'met' : 'not met'}**)`,
    ],
    ['ms per 100,000 persons', fmt(msPer100k, 1)],
    ['Timed total', `${fmt(timedMs)} ms`],
    ['Batch throughput, slowest / fastest', `${fmt(slowestBatch)} / ${fmt(fastestBatch)} persons/s`],
    [
      'ROA records evaluated',
      `${fmt(recordsSeen)} (${fmt((100 * spentRecords) / Math.max(1, recordsSeen), 1)}% spent)`,
    ],
  ],
)}

Outcome mix (sanity check):

${table(
  ['Policy', 'Eligible', 'Not eligible', 'Needs review'],
  outcomeRows.map((r) => [
    r.id,
    `${fmt(r.eligible)} (${pct(r.eligible)})`,
    `${fmt(r.notEligible)} (${pct(r.notEligible)})`,
    `${fmt(r.review)} (${pct(r.review)})`,
  ]),
)}
${
  rehabPersons > 0
    ? `
ROA (spent dates) against the policies, on ${fmt(rehabPersons)} further persons, variants interleaved:

${table(
  ['Variant', 'What runs', 'µs/person', 'Persons/s'],
  rehabRows.map((r) => [r.name, r.describe, fmt(r.usPerPerson, 2), fmt(r.perSecond)]),
  2,
)}
`
    : ''
}`

if (!args['no-append']) {
  const file = args.out ?? fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  if (!existsSync(file)) writeFileSync(file, header)
  appendFileSync(file, section)
  console.log(`\nappended to ${file}`)
}
