import { z } from 'zod'
import type { ForcePopulation } from '../domain/impact/by-force.ts'
import { formatPath } from './explain-input.ts'

// The population figures `dasr impact --by-force` splits by
// (scenarios/force-populations.json): the 43 police force areas of England and
// Wales, with the figures' source, year and caveats.

const forcePopulationsSchema = z.strictObject({
  title: z.string(),
  source: z.string().min(1),
  year: z.number().int(),
  date: z.string().optional(),
  note: z.string(),
  total: z.number().int().positive(),
  forces: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/),
        name: z.string().min(1),
        population: z.number().int().positive(),
      }),
    )
    .length(43),
})

export type ForcePopulations = Omit<z.output<typeof forcePopulationsSchema>, 'forces'> & { forces: ForcePopulation[] }

/** Checks the data file: 43 forces, unique ids, populations adding up to the stated total. */
export function parseForcePopulations(
  json: unknown,
): { ok: true; data: ForcePopulations } | { ok: false; problems: string[] } {
  const result = forcePopulationsSchema.safeParse(json)
  if (!result.success) {
    return { ok: false, problems: result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) }
  }
  const data = result.data
  const problems: string[] = []
  const ids = new Set(data.forces.map((f) => f.id))
  if (ids.size !== data.forces.length) problems.push('$.forces: force ids must be unique')
  const sum = data.forces.reduce((total, f) => total + f.population, 0)
  if (sum !== data.total) problems.push(`$.total: the forces add up to ${sum}, not ${data.total}`)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, data }
}
