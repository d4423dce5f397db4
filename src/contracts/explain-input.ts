import { z } from 'zod'
import { birthdayOfAge, type Day, formatDay, parseDay } from '../domain/dates/day.ts'
import { offence, resolveOffenceCode } from '../domain/offences/offences.ts'
import type { Incident, PersonRecord } from '../domain/record/person-record.ts'
import { type Relationship, relationshipNames } from '../domain/record/relationships.ts'
import { todayInLondon } from '../platform/today.ts'

// The input contract of `dasr explain`: a person's record as JSON, turned into
// the domain's PersonRecord at the edge. Every problem is reported as one line
// naming the JSON path and the rule broken, and all problems are reported at
// once, so a caseworker can fix a file in one pass.
//
// Two passes: the Zod schema checks each field on its own (shape, types,
// calendar dates, offence codes); the cross-field rules then look at fields
// that are valid on their own (a conviction before the person's birth, dates
// after the as-of date, duplicate ids...). Both passes run on every input.

export type ParseResult = { ok: true; record: PersonRecord } | { ok: false; problems: string[] }

export interface ParseOptions {
  /** Overrides the file's asOf (the CLI's --as-of). */
  asOf?: Day
  /** The as-of date when neither the options nor the file give one; today in London by default. */
  today?: () => Day
}

// ---------------------------------------------------------------------------
// Describing values in messages

const maxEcho = 40

/** A short, single-line description of a JSON value for a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return value.length > maxEcho ? `${JSON.stringify(value.slice(0, maxEcho))}…` : JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : 'a number out of range'
    case 'boolean':
      return String(value)
    case 'object':
      return 'an object'
    default:
      return `a ${typeof value}`
  }
}

const quote = (value: unknown): string => describeValue(value)

function listOf(values: readonly string[]): string {
  return values.join(', ')
}

type Issue = z.core.$ZodRawIssue

/** Schema-level message for a value of the wrong type, or a missing one. */
export function wrongType(expected: string): (issue: Issue) => string | undefined {
  return (issue) => {
    if (issue.code !== 'invalid_type') return undefined
    return issue.input === undefined ? `is required (${expected})` : `expected ${expected}, got ${quote(issue.input)}`
  }
}

// ---------------------------------------------------------------------------
// Field schemas

const dateExpected = 'a date as "YYYY-MM-DD"'

/** A strict ISO calendar date, as a domain Day. */
export const daySchema = z.string({ error: wrongType(dateExpected) }).transform((text, ctx): Day => {
  const parsed = parseDay(text)
  if (parsed === undefined) {
    ctx.issues.push({
      code: 'custom',
      input: text,
      message: `${quote(text)} is not a calendar date (expected YYYY-MM-DD)`,
    })
    return z.NEVER
  }
  return parsed
})

export const idSchema = z
  .string({ error: wrongType('a non-empty string') })
  .refine((text) => text.trim().length > 0, { error: 'must not be empty' })

export const flag = z.boolean({ error: wrongType('true or false') })

export const offenceSchema = z
  .string({ error: wrongType('an offence code such as "PHA1997-s4A"') })
  .transform((text, ctx) => {
    const code = resolveOffenceCode(text)
    if (code === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `unknown offence code ${quote(text)} (run "dasr offences" for the list)`,
      })
      return z.NEVER
    }
    return code
  })

export function wholeNumber(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const rule =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number of ${what} of at least ${min}`
      : `a whole number from ${min} to ${max}`
  return z.number({ error: wrongType(rule) }).refine((n) => Number.isInteger(n) && n >= min && n <= max, {
    error: (issue) => `must be ${rule}, got ${quote(issue.input)}`,
  })
}

const months = wholeNumber('months', 1)

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `is required (one of: ${listOf(values)})`
        : `${quote(issue.input)} is not ${what} (expected one of: ${listOf(values)})`,
  })
}

export const relationshipSchema = oneOf(relationshipNames as [Relationship, ...Relationship[]], 'a known relationship')
export const roshSchema = oneOf(['low', 'medium', 'high', 'very-high'] as const, 'a RoSH level')
const roleSchema = oneOf(['perpetrator', 'victim'] as const, 'an incident role')

const victimSchema = z.strictObject(
  {
    id: idSchema,
    relationship: relationshipSchema.optional(),
    ageAtOffence: wholeNumber('years', 0, 120).optional(),
  },
  { error: wrongType('a victim object') },
)

const disposalTypes = ['custody', 'hospital-order', 'community', 'fine', 'conditional-discharge', 'absolute-discharge']

export const disposalSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('custody'),
      months,
      suspended: flag.optional(),
      life: flag.optional(),
      detentionAndTraining: flag.optional(),
    }),
    z.strictObject({ type: z.literal('hospital-order'), restriction: flag }),
    z.strictObject({ type: z.literal('community'), months: months.optional() }),
    z.strictObject({ type: z.literal('fine') }),
    z.strictObject({ type: z.literal('conditional-discharge'), months }),
    z.strictObject({ type: z.literal('absolute-discharge') }),
  ],
  {
    error: (issue) => {
      if (issue.code === 'invalid_union') {
        const type = (issue.input as Record<string, unknown> | undefined)?.type
        return type === undefined
          ? `is required (one of: ${listOf(disposalTypes)})`
          : `unknown disposal type ${quote(type)} (expected one of: ${listOf(disposalTypes)})`
      }
      return wrongType(`a disposal object such as {"type": "custody", "months": 18}`)(issue)
    },
  },
)

const contextSchema = z.strictObject(
  { weaponUsed: flag.optional(), sexualViolence: flag.optional(), violentResistance: flag.optional() },
  { error: wrongType('an object') },
)

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: wrongType('an array') }).default([])

export const convictionSchema = z.strictObject(
  {
    id: idSchema,
    date: daySchema,
    offenceDate: daySchema.optional(),
    offence: offenceSchema,
    domesticAbuse: flag.optional(),
    victims: list(victimSchema),
    disposal: disposalSchema,
    releasedOn: daySchema.optional(),
    context: contextSchema.default({}),
  },
  { error: wrongType('a conviction object') },
)

export const cautionSchema = z.strictObject(
  {
    id: idSchema,
    date: daySchema,
    offenceDate: daySchema.optional(),
    offence: offenceSchema,
    domesticAbuse: flag.optional(),
    victims: list(victimSchema),
    conditional: flag.optional(),
  },
  { error: wrongType('a caution object') },
)

export const incidentSchema = z
  .strictObject(
    {
      id: idSchema,
      date: daySchema,
      role: roleSchema.default('perpetrator'),
      victimId: idSchema.optional(),
      perpetratorId: idSchema.optional(),
      relationship: relationshipSchema.optional(),
      domesticAbuse: flag.optional(),
    },
    { error: wrongType('an incident object') },
  )
  .transform((raw): Incident => {
    const counterpartId = raw.role === 'victim' ? raw.perpetratorId : raw.victimId
    const incident: Incident = { id: raw.id, date: raw.date, role: raw.role }
    if (counterpartId !== undefined) incident.counterpartId = counterpartId
    if (raw.relationship !== undefined) incident.relationship = raw.relationship
    if (raw.domesticAbuse !== undefined) incident.domesticAbuse = raw.domesticAbuse
    return incident
  })

export const riskAssessmentSchema = z.strictObject(
  {
    id: idSchema,
    date: daySchema,
    tool: idSchema,
    rosh: roshSchema.optional(),
  },
  { error: wrongType('a risk assessment object') },
)

/** The structural schema: each field on its own. `parseExplainInput` adds the cross-field rules. */
export const explainInputSchema = z.strictObject(
  {
    asOf: daySchema.optional(),
    person: z.strictObject({ id: idSchema, dateOfBirth: daySchema }, { error: wrongType('a person object') }),
    convictions: z.array(convictionSchema, { error: wrongType('an array') }),
    cautions: list(cautionSchema),
    incidents: list(incidentSchema),
    riskAssessments: list(riskAssessmentSchema),
  },
  { error: wrongType('a JSON object') },
)

export type ExplainInput = z.output<typeof explainInputSchema>

// ---------------------------------------------------------------------------
// Turning Zod issues into lines

export type PathSegment = PropertyKey

/** `$.convictions[0].date`, with keys that are not identifiers quoted: `$["odd key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '$'
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += `.${segment}`
    else text += `[${JSON.stringify(String(segment))}]`
  }
  return text
}

/** Messages for issues no schema-level message covers. */
export const fallbackMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : []
      return allowed.length > 0 ? `unknown key (allowed here: ${listOf(allowed)})` : 'unknown key'
    }
    case 'invalid_type':
      return wrongType(issue.expected)(issue)
    case 'invalid_value':
      return `${quote(issue.input)} is not allowed here (expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')})`
    default:
      return undefined
  }
}

export interface Problem {
  path: readonly PathSegment[]
  message: string
}

function structuralProblems(json: unknown): { problems: Problem[]; value?: ExplainInput } {
  return checkShape(explainInputSchema, json)
}

/**
 * Checks a value against any contract schema with this module's messages:
 * one problem per field, unknown keys named one by one.
 */
export function checkShape<T extends z.ZodType>(
  schema: T,
  json: unknown,
): { problems: Problem[]; value?: z.output<T> } {
  const result = schema.safeParse(json, { error: fallbackMessages })
  if (result.success) return { problems: [], value: result.data }
  const problems: Problem[] = []
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: [...issue.path, key], message: issue.message })
    } else {
      problems.push({ path: issue.path, message: issue.message.replace(/\s+/g, ' ') })
    }
  }
  return { problems }
}

// ---------------------------------------------------------------------------
// Cross-field rules, on the raw JSON, each only where its fields are valid

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function field(value: unknown, key: string): unknown {
  const object = objectOf(value)
  return object && Object.hasOwn(object, key) ? object[key] : undefined
}

function has(value: unknown, key: string): boolean {
  const object = objectOf(value)
  return object !== undefined && Object.hasOwn(object, key)
}

function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function dayField(value: unknown, key: string): Day | undefined {
  const text = field(value, key)
  return typeof text === 'string' ? parseDay(text) : undefined
}

const recordSections = ['convictions', 'cautions', 'incidents', 'riskAssessments'] as const
const nonCustodial = {
  community: 'a community order',
  fine: 'a fine',
  'conditional-discharge': 'a conditional discharge',
  'absolute-discharge': 'an absolute discharge',
} as const

function crossFieldProblems(json: unknown, options: ParseOptions): Problem[] {
  const problems: Problem[] = []
  const add = (path: PathSegment[], message: string) => problems.push({ path, message })

  const person = field(json, 'person')
  const dateOfBirth = dayField(person, 'dateOfBirth')
  const asOf =
    options.asOf ?? dayField(json, 'asOf') ?? (has(json, 'asOf') ? undefined : (options.today ?? todayInLondon)())
  const asOfText = asOf === undefined ? '' : formatDay(asOf)
  const tenthBirthday = dateOfBirth === undefined ? undefined : birthdayOfAge(dateOfBirth, 10)

  if (dateOfBirth !== undefined && asOf !== undefined && dateOfBirth > asOf) {
    add(['person', 'dateOfBirth'], `${formatDay(dateOfBirth)} is after the as-of date ${asOfText}`)
  }

  /** Rules every dated record shares: not before birth, not after the as-of date; optionally not before age 10. */
  const checkDate = (path: PathSegment[], date: Day, what: string, criminal: boolean) => {
    if (dateOfBirth !== undefined && date < dateOfBirth) {
      add(path, `${what} ${formatDay(date)} is before the date of birth ${formatDay(dateOfBirth)}`)
    } else if (criminal && tenthBirthday !== undefined && date < tenthBirthday) {
      add(
        path,
        `${what} ${formatDay(date)} is before the person's 10th birthday (${formatDay(tenthBirthday)}): ` +
          'no child under 10 can be guilty of an offence (CYPA 1933 s.50)',
      )
    }
    if (asOf !== undefined && date > asOf) add(path, `${what} ${formatDay(date)} is after the as-of date ${asOfText}`)
  }

  items(field(json, 'convictions')).forEach((conviction, index) => {
    const at = (...rest: PathSegment[]) => ['convictions', index, ...rest]
    const date = dayField(conviction, 'date')
    const offenceDate = dayField(conviction, 'offenceDate')
    const releasedOn = dayField(conviction, 'releasedOn')
    if (date !== undefined) checkDate(at('date'), date, 'conviction date', true)
    if (offenceDate !== undefined) {
      checkDate(at('offenceDate'), offenceDate, 'offence date', true)
      if (date !== undefined && offenceDate > date) {
        add(at('offenceDate'), `offence date ${formatDay(offenceDate)} is after the conviction date ${formatDay(date)}`)
      }
    }
    const disposal = disposalSchema.safeParse(field(conviction, 'disposal'))
    if (releasedOn !== undefined) {
      if (date !== undefined && releasedOn < date) {
        add(at('releasedOn'), `release date ${formatDay(releasedOn)} is before the conviction date ${formatDay(date)}`)
      }
      if (disposal.success) {
        const d = disposal.data
        const detained = (d.type === 'custody' && d.suspended !== true) || d.type === 'hospital-order'
        if (!detained) {
          const what = d.type === 'custody' ? 'a suspended sentence' : nonCustodial[d.type]
          add(at('releasedOn'), `releasedOn is only for immediate custody or a hospital order, not ${what}`)
        }
      }
    }
    if (disposal.success) {
      const d = disposal.data
      if (d.type === 'custody' && d.life === true && d.suspended === true) {
        add(at('disposal', 'suspended'), 'a life sentence cannot be suspended')
      }
      const code = field(conviction, 'offence')
      const resolved = typeof code === 'string' ? resolveOffenceCode(code) : undefined
      const bar = resolved === undefined ? undefined : offence(resolved).noConditionalDischarge
      if (d.type === 'conditional-discharge' && resolved !== undefined && bar !== undefined) {
        add(
          at('disposal', 'type'),
          `a conditional discharge is not available on conviction of ${resolved} (${bar.provision})`,
        )
      }
    }
  })

  items(field(json, 'cautions')).forEach((caution, index) => {
    const date = dayField(caution, 'date')
    const offenceDate = dayField(caution, 'offenceDate')
    if (date !== undefined) checkDate(['cautions', index, 'date'], date, 'caution date', true)
    if (offenceDate !== undefined) {
      checkDate(['cautions', index, 'offenceDate'], offenceDate, 'offence date', true)
      if (date !== undefined && offenceDate > date) {
        add(
          ['cautions', index, 'offenceDate'],
          `offence date ${formatDay(offenceDate)} is after the caution date ${formatDay(date)}`,
        )
      }
    }
  })

  items(field(json, 'incidents')).forEach((incident, index) => {
    const date = dayField(incident, 'date')
    if (date !== undefined) checkDate(['incidents', index, 'date'], date, 'incident date', false)
    const role = has(incident, 'role') ? field(incident, 'role') : 'perpetrator'
    if (role === 'victim' && has(incident, 'victimId')) {
      add(
        ['incidents', index, 'victimId'],
        'the person is the victim in this incident (role "victim"): name the other party as "perpetratorId"',
      )
    }
    if (role === 'perpetrator' && has(incident, 'perpetratorId')) {
      add(
        ['incidents', index, 'perpetratorId'],
        'the person is the perpetrator in this incident (role "perpetrator", the default): name the other party as "victimId"',
      )
    }
  })

  items(field(json, 'riskAssessments')).forEach((assessment, index) => {
    const date = dayField(assessment, 'date')
    if (date !== undefined) checkDate(['riskAssessments', index, 'date'], date, 'assessment date', false)
  })

  const firstUse = new Map<string, PathSegment[]>()
  for (const section of recordSections) {
    items(field(json, section)).forEach((entry, index) => {
      const id = field(entry, 'id')
      if (typeof id !== 'string' || id.trim() === '') return
      const path = [section, index, 'id']
      const earlier = firstUse.get(id)
      if (earlier) add(path, `duplicate id ${quote(id)}: already used by ${formatPath(earlier)} (ids must be unique)`)
      else firstUse.set(id, path)
    })
  }

  return problems
}

// ---------------------------------------------------------------------------

const sectionRank = new Map<PropertyKey, number>(
  ['asOf', 'person', ...recordSections].map((key, rank) => [key, rank] as [PropertyKey, number]),
)

/** Document order by section and then record, keeping each pass's order within a record. */
function byRecord(a: Problem, b: Problem): number {
  const rank = (p: Problem) => (p.path.length === 0 ? -1 : (sectionRank.get(p.path[0] as PropertyKey) ?? 99))
  const index = (p: Problem) => (typeof p.path[1] === 'number' ? p.path[1] : -1)
  return rank(a) - rank(b) || index(a) - index(b)
}

/**
 * Turns a parsed JSON value into a PersonRecord, or every problem with it as
 * `$.path: rule` lines. Never throws.
 */
export function parseExplainInput(json: unknown, options: ParseOptions = {}): ParseResult {
  try {
    const structural = structuralProblems(json)
    const problems = [...structural.problems, ...crossFieldProblems(json, options)].sort(byRecord)
    if (problems.length > 0 || structural.value === undefined) {
      return { ok: false, problems: problems.map((p) => `${formatPath(p.path)}: ${p.message}`) }
    }
    const input = structural.value
    const asOf = options.asOf ?? input.asOf ?? (options.today ?? todayInLondon)()
    return {
      ok: true,
      record: {
        asOf,
        person: input.person,
        convictions: input.convictions,
        cautions: input.cautions,
        incidents: input.incidents,
        riskAssessments: input.riskAssessments,
      },
    }
  } catch (error) {
    // Defence in depth: a bug in a rule must not crash the caller on bad input.
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, problems: [`$: the input could not be checked (${message.replace(/\s+/g, ' ')})`] }
  }
}
