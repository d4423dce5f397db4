import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseImpactScenario } from '../src/contracts/impact-scenario.ts'
import { compile } from '../src/domain/impact/model.ts'
import { monteCarlo } from '../src/domain/impact/monte-carlo.ts'
import { oneYear } from '../src/domain/impact/one-year.ts'
import { projection } from '../src/domain/impact/projection.ts'
import { distributions } from '../src/domain/impact/random.ts'
import { positive } from './args.ts'

// npm run bench:impact [-- --draws N --years N --repeats N --seed N --no-append --out FILE]
//
// Times the Monte Carlo of the impact model: N draws of every ranged input,
// each run through the one-year model and a projection over the given years,
// then the percentiles (of the cohort, cost and break-even victims, and of
// registrants and cost in every year). Both presets, every distribution; the
// target is 10,000 draws of a 10-year projection in under a second.

const TARGET_MS = 1000

const { values: args } = parseArgs({
  options: {
    draws: { type: 'string', default: '10000' },
    years: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '7' },
    seed: { type: 'string', default: '20261124' },
    'no-append': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
})

const draws = positive('draws', args.draws)
const years = positive('years', args.years)
const repeats = positive('repeats', args.repeats)
const seed = positive('seed', args.seed)

const presets = ['lords-2024-custodial', 'broad-serial-high-risk'] as const
const nowNs = () => process.hrtime.bigint()
const msSince = (start: bigint) => Number(nowNs() - start) / 1e6
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function load(id: (typeof presets)[number]) {
  const text = readFileSync(new URL(`../scenarios/${id}.json`, import.meta.url), 'utf8')
  const parsed = parseImpactScenario(JSON.parse(text))
  if (!parsed.ok) throw new Error(`${id}: ${parsed.problems.join('; ')}`)
  return compile(parsed.scenario)
}

interface Row {
  preset: string
  distribution: string
  parameters: number
  medianMs: number
  fastestMs: number
  slowestMs: number
  p50Cost: number
  finalYearP50: number
}

const rows: Row[] = []
for (const id of presets) {
  const model = load(id)
  // Sanity check, not timed: year one of the projection is the one-year model.
  const first = projection(model, 'conservative', years)[0]
  if (first?.totalCost !== oneYear(model, 'conservative').totalCost) {
    console.error(`${id}: the projection's first year differs from the one-year model`)
    process.exit(1)
  }
  for (const distribution of distributions) {
    const options = { draws, seed, distribution, years }
    monteCarlo(model, options) // warm-up, not counted
    const times: number[] = []
    let result = monteCarlo(model, options)
    for (let r = 0; r < repeats; r++) {
      const start = nowNs()
      result = monteCarlo(model, options)
      times.push(msSince(start))
    }
    times.sort((a, b) => a - b)
    rows.push({
      preset: id,
      distribution,
      parameters: model.parameters.filter((p) => p.conservative !== p.generous).length,
      medianMs: times[Math.floor(times.length / 2)] as number,
      fastestMs: times[0] as number,
      slowestMs: times.at(-1) as number,
      p50Cost: result.totalCost.p50,
      finalYearP50: result.projection?.at(-1)?.totalCost.p50 ?? Number.NaN,
    })
  }
}

const slowest = Math.max(...rows.map((r) => r.medianMs))
const targetMet = slowest < TARGET_MS
const when = new Date().toISOString()
const node = process.version
const cpu = cpus()[0]?.model.trim() ?? 'unknown'

console.log(`Impact Monte Carlo: ${fmt(draws)} draws × ${years}-year projection, median of ${repeats} runs`)
for (const r of rows) {
  console.log(
    `  ${r.preset.padEnd(24)} ${r.distribution.padEnd(11)} ${fmt(r.medianMs, 1).padStart(8)} ms  (fastest ${fmt(r.fastestMs, 1)}, slowest ${fmt(r.slowestMs, 1)})`,
  )
}
console.log(
  `  slowest median ${fmt(slowest, 1)} ms: target under ${fmt(TARGET_MS)} ms ${targetMet ? 'met' : 'NOT met'}`,
)
console.log(`  ${node} on ${cpu}, ${when}`)

const table = (head: string[], body: string[][], textColumns = 2) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`]
    .concat(body.map((r) => `| ${r.join(' | ')} |`))
    .join('\n')

const section = `
## Impact Monte Carlo — ${when.slice(0, 10)}, ${fmt(draws)} draws × ${years} years

\`npm run bench:impact\` (bench/impact.ts): \`monteCarlo\` of src/domain/impact on each preset
and distribution — ${fmt(draws)} draws of every ranged input, each run through the
one-year model and a ${years}-year stock-and-flow projection, then the percentiles of
the cohort, cost and break-even victims and of registrants and cost in every
year. Median of ${repeats} timed runs after a warm-up; seed ${seed}. Target: under
${fmt(TARGET_MS)} ms per run: **${targetMet ? 'met' : 'not met'}** (slowest median ${fmt(slowest, 1)} ms).
${node} on ${cpu}; run at ${when}.

${table(
  [
    'Preset',
    'Distribution',
    'Ranged inputs',
    'Median ms',
    'Fastest / slowest ms',
    'P50 cost, year 1',
    `P50 cost, year ${years}`,
  ],
  rows.map((r) => [
    r.preset,
    r.distribution,
    String(r.parameters),
    fmt(r.medianMs, 1),
    `${fmt(r.fastestMs, 1)} / ${fmt(r.slowestMs, 1)}`,
    `£${fmt(r.p50Cost)}`,
    `£${fmt(r.finalYearP50)}`,
  ]),
)}
`

if (!args['no-append']) {
  const file = args.out ?? fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n')
  appendFileSync(file, section)
  console.log(`\nappended to ${file}`)
}
