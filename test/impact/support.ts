import { readFileSync } from 'node:fs'
import { parseImpactScenario } from '../../src/contracts/impact-scenario.ts'
import type { Scenario } from '../../src/domain/impact/scenario.ts'

// Loading the shipped presets for the impact tests. All figures are the
// report's published estimates; no person is described.

export type Json = Record<string, unknown>

export const presetIds = ['lords-2024-custodial', 'broad-serial-high-risk'] as const

export function presetJson(id: (typeof presetIds)[number]): Json {
  return JSON.parse(readFileSync(new URL(`../../scenarios/${id}.json`, import.meta.url), 'utf8')) as Json
}

export function preset(id: (typeof presetIds)[number]): Scenario {
  const parsed = parseImpactScenario(presetJson(id))
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'))
  return parsed.scenario
}

/** A value inside nested JSON by a path of keys and indexes. */
export function at(json: unknown, ...path: (string | number)[]): Json {
  let value = json
  for (const key of path) value = (value as Record<string | number, unknown>)[key]
  return value as Json
}

/** Money to the penny, as the report prints Table 4's detail rows. */
export const toPenny = (n: number) => Math.round(n * 100) / 100
