import { z } from 'zod'
import { compile } from '../domain/impact/model.ts'
import { boundWarnings } from '../domain/impact/one-year.ts'
import {
  type CohortValue,
  defaultProjection,
  type Factor,
  fteRoundings,
  type RangedInput,
  type Scenario,
} from '../domain/impact/scenario.ts'
import { describeValue, disposalSchema, formatPath } from './explain-input.ts'

// The input contract of `dasr impact`: a scenario file (JSON), turned into the
// domain's Scenario. Every problem is one line naming the JSON path and the
// rule broken, all at once; a conservative bound that gives a higher cost than
// the generous one is allowed but reported as a warning. The JSON Schema in
// schemas/impact-scenario.schema.json is generated from this schema
// (`dasr impact --json-schema`), so the two cannot drift apart.

export type ScenarioParseResult =
  | { ok: true; scenario: Scenario; warnings: string[] }
  | { ok: false; problems: string[] }

type Issue = z.core.$ZodRawIssue

function wrongType(expected: string): (issue: Issue) => string | undefined {
  return (issue) => {
    if (issue.code !== 'invalid_type') return undefined
    return issue.input === undefined
      ? `is required (${expected})`
      : `expected ${expected}, got ${describeValue(issue.input)}`
  }
}

// ---------------------------------------------------------------------------
// Numbers, by what they mean

const got = (issue: { input?: unknown }) => `, got ${describeValue(issue.input)}`

const count = z
  .number({ error: wrongType('a number of persons (0 or more)') })
  .min(0, { error: (issue) => `must not be negative${got(issue)}` })

const nonNegative = z
  .number({ error: wrongType('a number (0 or more)') })
  .min(0, { error: (issue) => `must not be negative${got(issue)}` })

const positive = z
  .number({ error: wrongType('a number greater than 0') })
  .gt(0, { error: (issue) => `must be greater than 0${got(issue)}` })

const rate = z
  .number({ error: wrongType('a rate from 0 to 1') })
  .min(0, { error: (issue) => `must be a rate from 0 to 1${got(issue)}` })
  .max(1, { error: (issue) => `must be a rate from 0 to 1${got(issue)}` })

const change = z
  .number({ error: wrongType('a yearly change from -1 to 1') })
  .min(-1, { error: (issue) => `must be a yearly change from -1 to 1${got(issue)}` })
  .max(1, { error: (issue) => `must be a yearly change from -1 to 1${got(issue)}` })

type NumberSchema = typeof count

const nonEmpty = (expected: string) =>
  z.string({ error: wrongType(expected) }).regex(/\S/, { error: 'must not be empty' })

const idSchema = z.string({ error: wrongType('an id such as "da-custodial"') }).regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: (issue) => `must be an id of lower-case letters, digits and hyphens${got(issue)}`,
})
const label = nonEmpty('a non-empty string')
const source = nonEmpty('a non-empty string saying where the figure comes from: publication, table or page, year')
const note = z.string({ error: wrongType('a string') })

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `is required (one of: ${values.join(', ')})`
        : `${describeValue(issue.input)} is not ${what} (expected one of: ${values.join(', ')})`,
  })
}

const driver = oneOf(['offenders', 'victims'] as const, 'a driver')

// ---------------------------------------------------------------------------
// A ranged input: { conservative, generous, likely?, source, note? } or { value, source, note? }

function rangedInput(number: NumberSchema) {
  return z
    .strictObject(
      {
        value: number.optional(),
        conservative: number.optional(),
        generous: number.optional(),
        likely: number.optional(),
        source,
        note: note.optional(),
      },
      { error: wrongType('an object such as {"conservative": 60, "generous": 50, "source": "..."}') },
    )
    .superRefine((input, ctx) => {
      const hasValue = input.value !== undefined
      const hasBounds = input.conservative !== undefined || input.generous !== undefined
      if (hasValue && hasBounds) {
        ctx.addIssue({ code: 'custom', message: 'give either "value" or "conservative" and "generous", not both' })
        return
      }
      if (!hasValue) {
        if (!hasBounds) {
          ctx.addIssue({ code: 'custom', message: 'needs "conservative" and "generous" (or one "value")' })
          return
        }
        for (const key of ['conservative', 'generous'] as const) {
          if (input[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required (a number)' })
        }
      }
      const low = input.value ?? Math.min(input.conservative ?? 0, input.generous ?? 0)
      const high = input.value ?? Math.max(input.conservative ?? 0, input.generous ?? 0)
      if (input.likely !== undefined && (input.likely < low || input.likely > high)) {
        ctx.addIssue({
          code: 'custom',
          path: ['likely'],
          message: `must lie between the bounds (${low} to ${high}), got ${input.likely}`,
        })
      }
    })
    .transform((input): RangedInput => {
      const conservative = (input.value ?? input.conservative) as number
      const generous = (input.value ?? input.generous) as number
      const result: RangedInput = { conservative, generous, source: input.source }
      if (input.likely !== undefined) result.likely = input.likely
      if (input.note !== undefined) result.note = input.note
      return result
    })
}

// ---------------------------------------------------------------------------
// The cohort

const factorSchema = z.union([rate, z.strictObject({ oneMinus: rate })], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `expected a rate from 0 to 1 or {"oneMinus": rate}, got ${describeValue(issue.input)}`
      : undefined,
})

const cohortValueSchema = z
  .strictObject(
    {
      count: count.optional(),
      base: count.optional(),
      factors: z.array(factorSchema, { error: wrongType('an array of rates') }).optional(),
    },
    { error: wrongType('an object: {"count": n} or {"base": n, "factors": [rate, ...]}') },
  )
  .superRefine((value, ctx) => {
    const product = value.base !== undefined || value.factors !== undefined
    if (value.count !== undefined && product) {
      ctx.addIssue({ code: 'custom', message: 'give either "count" or "base" and "factors", not both' })
    } else if (value.count === undefined && !product) {
      ctx.addIssue({ code: 'custom', message: 'needs "count", or "base" and "factors"' })
    } else if (product) {
      if (value.base === undefined) ctx.addIssue({ code: 'custom', path: ['base'], message: 'is required (a number)' })
      if (value.factors === undefined) {
        ctx.addIssue({ code: 'custom', path: ['factors'], message: 'is required (an array of rates)' })
      }
    }
  })
  .transform(
    (value): CohortValue =>
      value.count !== undefined
        ? { count: value.count }
        : { base: value.base as number, factors: (value.factors ?? []) as Factor[] },
  )

const componentSchema = z.strictObject(
  {
    id: idSchema,
    label,
    source,
    note: note.optional(),
    conservative: cohortValueSchema,
    generous: cohortValueSchema,
  },
  { error: wrongType('a cohort component object') },
)

// ---------------------------------------------------------------------------
// Roles, other costs, the projection

const roleSchema = z.strictObject(
  {
    id: idSchema,
    label,
    driver,
    source,
    note: note.optional(),
    casesPerWorker: rangedInput(positive),
    annualCostPerWorker: rangedInput(nonNegative),
  },
  { error: wrongType('a role object') },
)

const otherCostSchema = z.strictObject(
  {
    id: idSchema,
    label,
    driver,
    source,
    note: note.optional(),
    perDriver: rangedInput(nonNegative),
    unitCost: rangedInput(nonNegative),
  },
  { error: wrongType('a cost object') },
)

const mixDisposalSchema = z.union([z.literal('caution'), disposalSchema], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `expected "caution" or a disposal object such as {"type": "custody", "months": 18}, got ${describeValue(issue.input)}`
      : undefined,
})

const mixEntrySchema = z.strictObject(
  {
    id: idSchema,
    label: label.optional(),
    share: rate,
    disposal: mixDisposalSchema,
    under18: z.boolean({ error: wrongType('true or false') }).default(false),
  },
  { error: wrongType('a sentence mix entry object') },
)

const projectionSchema = z.strictObject(
  {
    growth: rangedInput(change).optional(),
    attrition: rangedInput(rate).optional(),
    reRegistration: rangedInput(rate).optional(),
    sentenceMix: z
      .strictObject(
        {
          source,
          note: note.optional(),
          entries: z
            .array(mixEntrySchema, { error: wrongType('an array') })
            .min(1, { error: 'needs at least one entry' }),
        },
        { error: wrongType('an object with "source" and "entries"') },
      )
      .optional(),
  },
  { error: wrongType('an object') },
)

/** The structural schema of a scenario file. `parseImpactScenario` adds the cross-field rules. */
export const impactScenarioSchema = z.strictObject(
  {
    $schema: z.string({ error: wrongType('a string') }).optional(),
    id: idSchema,
    title: label,
    source,
    note: note.optional(),
    fteRounding: oneOf(fteRoundings as ['none', 'nearest', 'up'], 'an FTE rounding'),
    reportTables: z.strictObject({ cohort: label, costs: label }, { error: wrongType('an object') }).optional(),
    costPerVictim: rangedInput(positive),
    victimsPerOffender: rangedInput(nonNegative),
    cohort: z
      .array(componentSchema, { error: wrongType('an array of cohort components') })
      .min(1, { error: 'needs at least one component' }),
    roles: z.array(roleSchema, { error: wrongType('an array of roles') }).min(1, { error: 'needs at least one role' }),
    otherCosts: z.array(otherCostSchema, { error: wrongType('an array') }).default([]),
    projection: projectionSchema.optional(),
  },
  { error: wrongType('a JSON object') },
)

// ---------------------------------------------------------------------------
// Problems as lines

type PathSegment = PropertyKey

interface Problem {
  path: readonly PathSegment[]
  message: string
}

const fallbackMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : []
      return allowed.length > 0 ? `unknown key (allowed here: ${allowed.join(', ')})` : 'unknown key'
    }
    case 'invalid_type':
      return wrongType(issue.expected)(issue)
    case 'invalid_value':
      return `${describeValue(issue.input)} is not allowed here (expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')})`
    default:
      return undefined
  }
}

function duplicateIds(json: unknown, section: string, at: PathSegment[] = [section]): Problem[] {
  let list: unknown = json
  for (const key of at) {
    list =
      typeof list === 'object' && list !== null && !Array.isArray(list)
        ? (list as Record<string, unknown>)[key as string]
        : undefined
  }
  if (!Array.isArray(list)) return []
  const seen = new Map<string, number>()
  const problems: Problem[] = []
  list.forEach((item, index) => {
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : undefined
    if (typeof id !== 'string') return
    const earlier = seen.get(id)
    if (earlier !== undefined) {
      problems.push({
        path: [...at, index, 'id'],
        message: `duplicate id ${JSON.stringify(id)}: already used by ${formatPath([...at, earlier, 'id'])}`,
      })
    } else seen.set(id, index)
  })
  return problems
}

const sectionRank = new Map<PropertyKey, number>(
  Object.keys(impactScenarioSchema.shape).map((key, rank) => [key, rank]),
)

/** Document order by section and then by entry, keeping Zod's order within an entry. */
function byRecord(a: Problem, b: Problem): number {
  const rank = (p: Problem) => (p.path.length === 0 ? -1 : (sectionRank.get(p.path[0] as PropertyKey) ?? 99))
  const index = (p: Problem) => (typeof p.path[1] === 'number' ? p.path[1] : -1)
  return rank(a) - rank(b) || index(a) - index(b)
}

/**
 * Turns a parsed JSON value into a Scenario, or every problem with it as
 * `$.path: rule` lines. Never throws.
 */
export function parseImpactScenario(json: unknown): ScenarioParseResult {
  try {
    const result = impactScenarioSchema.safeParse(json, { error: fallbackMessages })
    const problems: Problem[] = []
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.push({ path: [...issue.path, key], message: issue.message })
        } else problems.push({ path: issue.path, message: issue.message.replace(/\s+/g, ' ') })
      }
    }
    problems.push(
      ...duplicateIds(json, 'cohort'),
      ...duplicateIds(json, 'roles'),
      ...duplicateIds(json, 'otherCosts'),
      ...duplicateIds(json, 'projection', ['projection', 'sentenceMix', 'entries']),
    )
    if (result.success) {
      const entries = result.data.projection?.sentenceMix?.entries
      if (entries !== undefined) {
        const sum = entries.reduce((total, entry) => total + entry.share, 0)
        if (Math.abs(sum - 1) > 1e-9) {
          problems.push({
            path: ['projection', 'sentenceMix', 'entries'],
            message: `the shares must add up to 1, they add up to ${Math.round(sum * 1e9) / 1e9}`,
          })
        }
      }
    }
    if (problems.length > 0 || !result.success) {
      return { ok: false, problems: problems.sort(byRecord).map((p) => `${formatPath(p.path)}: ${p.message}`) }
    }
    const input = result.data
    const projection = input.projection ?? {}
    const scenario: Scenario = {
      id: input.id,
      title: input.title,
      source: input.source,
      fteRounding: input.fteRounding,
      costPerVictim: input.costPerVictim,
      victimsPerOffender: input.victimsPerOffender,
      cohort: input.cohort,
      roles: input.roles,
      otherCosts: input.otherCosts,
      projection: {
        growth: projection.growth ?? defaultProjection.growth,
        attrition: projection.attrition ?? defaultProjection.attrition,
        reRegistration: projection.reRegistration ?? defaultProjection.reRegistration,
        sentenceMix: projection.sentenceMix
          ? {
              ...projection.sentenceMix,
              entries: projection.sentenceMix.entries.map((e) => ({
                id: e.id,
                label: e.label ?? e.id,
                share: e.share,
                disposal: e.disposal,
                under18: e.under18,
              })),
            }
          : defaultProjection.sentenceMix,
      },
    }
    if (input.note !== undefined) scenario.note = input.note
    if (input.reportTables !== undefined) scenario.reportTables = input.reportTables
    const warnings = boundWarnings(compile(scenario)).map((w) => `${w.path}: ${w.message}`)
    return { ok: true, scenario, warnings }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, problems: [`$: the scenario could not be checked (${message.replace(/\s+/g, ' ')})`] }
  }
}

/** The JSON Schema of scenario files, for editors and other tools (schemas/impact-scenario.schema.json). */
export function impactScenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(impactScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  const { $schema, ...rest } = generated
  return {
    $schema,
    title: 'dasr impact scenario',
    description:
      'A scenario of the resource impact model (docs/impact.md). Every input carries "source" (and may carry "note"); a ranged input is {"conservative", "generous", "likely"?} or {"value"}; a cohort value is {"count"} or {"base", "factors"}. Generated by `dasr impact --json-schema`; cross-field rules (unique ids, shares adding up to 1, value or bounds) are checked by the tool, not by this schema.',
    ...rest,
  }
}
