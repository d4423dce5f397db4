import { readFile, writeFile } from 'node:fs/promises'
import { parseForcePopulations } from '../contracts/impact-forces.ts'
import { assessmentToJson } from '../contracts/impact-output.ts'
import { impactScenarioJsonSchema, parseImpactScenario } from '../contracts/impact-scenario.ts'
import { type AssessOptions, assess } from '../domain/impact/assess.ts'
import { type Distribution, distributions } from '../domain/impact/random.ts'
import { type FteRounding, fteRoundings } from '../domain/impact/scenario.ts'
import { type CliResult, displayName, help, json, noPositionals, ok, parse, readInput, UsageError } from './common.ts'

// `dasr impact`: the report's resource impact model (docs/impact.md). Reads a
// preset or a scenario file, checks every option and the whole file before
// computing, and writes the --svg file (its one side effect) only once the
// answer is complete.

export const presetIds = ['lords-2024-custodial', 'broad-serial-high-risk'] as const

export const impactHelp = `dasr impact: the cost of a register (the report's resource impact model, Tables 1-4)

Usage:
  dasr impact --scenario PRESET_OR_FILE [--json] [--fte-rounding none|nearest|up]
              [--monte-carlo N [--seed S] [--distribution uniform|triangular|pert]]
              [--years N] [--by-force] [--svg FILE]
  dasr impact --json-schema

Presets: ${presetIds.join(', ')} (files in scenarios/; copy one to change an input).
  --json            the machine-readable answer (money unrounded)
  --fte-rounding    count staff in fractional FTE, to the nearest worker or rounded up
  --monte-carlo N   draw every ranged input N times between its bounds (seeded: --seed, default 1)
                    and report P5/P50/P95 and which inputs move the total most
  --distribution    how inputs are drawn (default uniform)
  --years N         project N years (1-100): registrants, staff and cost a year
  --by-force        split cohort, staff and cost across the 43 police force areas by population
  --svg FILE        write the charts to FILE
  --json-schema     print the JSON Schema of scenario files`

const maxDraws = 1_000_000
const maxYears = 100

function wholeOption(name: string, text: string | undefined, min: number, max: number, problems: string[]) {
  if (text === undefined) return undefined
  const n = Number(text.replaceAll('_', ''))
  if (!/^\s*[0-9_]+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(
      `--${name}: must be a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}, got ${JSON.stringify(text)}`,
    )
    return undefined
  }
  return n
}

async function loadScenarioText(name: string): Promise<{ text: string; label: string }> {
  if ((presetIds as readonly string[]).includes(name)) {
    const url = new URL(`../../scenarios/${name}.json`, import.meta.url)
    return { text: await readFile(url, 'utf8'), label: `preset ${name}` }
  }
  const looksLikeFile = name === '-' || name.includes('/') || name.includes('\\') || name.includes('.')
  if (!looksLikeFile) {
    throw new UsageError(
      `--scenario: unknown preset ${JSON.stringify(name)} (presets: ${presetIds.join(', ')}; or give a file)`,
    )
  }
  return { text: await readInput(name), label: displayName(name) }
}

async function loadForces() {
  const text = await readFile(new URL('../../scenarios/force-populations.json', import.meta.url), 'utf8')
  const parsed = parseForcePopulations(JSON.parse(text))
  if (!parsed.ok) throw new Error(`scenarios/force-populations.json is invalid: ${parsed.problems.join('; ')}`)
  return parsed.data
}

export async function impactCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, {
    scenario: { type: 'string' },
    json: { type: 'boolean' },
    'fte-rounding': { type: 'string' },
    'monte-carlo': { type: 'string' },
    seed: { type: 'string' },
    distribution: { type: 'string' },
    years: { type: 'string' },
    'by-force': { type: 'boolean' },
    svg: { type: 'string' },
    'json-schema': { type: 'boolean' },
    help,
  })
  if (values.help) return ok(impactHelp)
  noPositionals(positionals)
  if (values['json-schema']) return ok(json(impactScenarioJsonSchema()))

  const problems: string[] = []
  if (values.scenario === undefined)
    problems.push('dasr: impact needs --scenario PRESET_OR_FILE (run "dasr impact --help")')
  let fteRounding: FteRounding | undefined
  if (values['fte-rounding'] !== undefined) {
    const mode = values['fte-rounding']
    if ((fteRoundings as readonly string[]).includes(mode)) fteRounding = mode as FteRounding
    else
      problems.push(
        `--fte-rounding: ${JSON.stringify(mode)} is not a rounding (expected one of: ${fteRoundings.join(', ')})`,
      )
  }
  const draws = wholeOption('monte-carlo', values['monte-carlo'], 1, maxDraws, problems)
  const seed = wholeOption('seed', values.seed, 0, 2 ** 32 - 1, problems)
  const years = wholeOption('years', values.years, 1, maxYears, problems)
  let distribution: Distribution = 'uniform'
  if (values.distribution !== undefined) {
    if ((distributions as readonly string[]).includes(values.distribution))
      distribution = values.distribution as Distribution
    else {
      problems.push(
        `--distribution: ${JSON.stringify(values.distribution)} is not a distribution (expected one of: ${distributions.join(', ')})`,
      )
    }
  }
  if (values['monte-carlo'] === undefined) {
    if (values.seed !== undefined) problems.push('--seed: only with --monte-carlo N')
    if (values.distribution !== undefined) problems.push('--distribution: only with --monte-carlo N')
  }
  if (values.svg !== undefined && values.svg.trim() === '') problems.push('--svg: needs a file name')
  if (problems.length > 0) throw new UsageError(problems)

  const { text, label } = await loadScenarioText(values.scenario as string)
  let input: unknown
  try {
    input = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new UsageError(`${label}: not valid JSON: ${(error as Error).message}`)
  }
  const parsed = parseImpactScenario(input)
  if (!parsed.ok) throw new UsageError(parsed.problems)

  const options: AssessOptions = {}
  if (fteRounding !== undefined) options.fteRounding = fteRounding
  if (draws !== undefined) options.monteCarlo = { draws, seed: seed ?? 1, distribution }
  if (years !== undefined) options.years = years
  const forces = values['by-force'] ? await loadForces() : undefined
  if (forces !== undefined) options.forces = forces.forces
  const assessment = assess(parsed.scenario, options)
  const forceSource = forces && { source: forces.source, year: forces.year, note: forces.note }

  const stdout = values.json
    ? json(assessmentToJson(assessment, forceSource))
    : (await import('./impact-text.ts')).assessmentText(assessment, forceSource)
  if (values.svg !== undefined) {
    const svg = (await import('../domain/impact/charts.ts')).assessmentSvg(assessment)
    try {
      await writeFile(values.svg, svg)
    } catch (error) {
      throw new UsageError(`--svg: cannot write ${values.svg} (${(error as Error).message})`)
    }
  }
  const result = ok(stdout)
  // Warnings: the answer stands, but a bound looks swapped.
  const warnings = parsed.warnings.map((w) => `warning: ${w}`)
  if (warnings.length > 0) result.stderr = `${warnings.join('\n')}\n`
  return result
}
