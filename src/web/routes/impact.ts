import { readFileSync } from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { ApiServer } from '../../api/route-kit.ts'
import type { AppContext } from '../../app/context.ts'
import { parseImpactScenario } from '../../contracts/impact-scenario.ts'
import { type Assessment, type AssessOptions, assess } from '../../domain/impact/assess.ts'
import { assessmentCharts, chartSvg } from '../../domain/impact/charts.ts'
import { decimal, pence, percent, pounds, valueText, whole } from '../../domain/impact/format.ts'
import type { Percentiles } from '../../domain/impact/monte-carlo.ts'
import { type Distribution, distributions } from '../../domain/impact/random.ts'
import { type FteRounding, fteRoundings, type Scenario } from '../../domain/impact/scenario.ts'
import { addError, checkForm, type FormErrors, formFields, hasErrors, noErrors, page } from '../page-kit.ts'
import { render } from '../view.ts'

// The impact assessment (issue 6, item 7): the report's resource impact model
// (docs/impact.md) on a page. Pick a preset, change any of its figures (each
// shown with its source), and see the report's tables, the uncertainty, the
// projection and the charts. The inputs are checked by the scenario files'
// own contract, so a figure the CLI refuses the page refuses too, with the
// field named. Nothing here is personal data, so anyone signed in may use it;
// nothing is stored, so the form posts back to the page that computes.

/** The presets shipped in scenarios/ (the CLI offers the same two). */
const presets = ['lords-2024-custodial', 'broad-serial-high-risk'] as const
type PresetId = (typeof presets)[number]
const defaultPreset: PresetId = 'lords-2024-custodial'

/** A page stays fast: 10,000 draws of 50 years take well under a second. */
const maxDraws = 10_000
const maxYears = 50

type Json = Record<string, unknown>
type Path = (string | number)[]

const presetCache = new Map<PresetId, { json: Json; scenario: Scenario }>()

function preset(id: PresetId): { json: Json; scenario: Scenario } {
  const cached = presetCache.get(id)
  if (cached !== undefined) return cached
  const json = JSON.parse(readFileSync(new URL(`../../../scenarios/${id}.json`, import.meta.url), 'utf8')) as Json
  const parsed = parseImpactScenario(json)
  if (!parsed.ok) throw new Error(`scenarios/${id}.json is invalid: ${parsed.problems.join('; ')}`)
  const loaded = { json, scenario: parsed.scenario }
  presetCache.set(id, loaded)
  return loaded
}

const isPreset = (value: unknown): value is PresetId => (presets as readonly unknown[]).includes(value)

// ---------------------------------------------------------------------------
// The inputs as form fields: one number box per figure, grouped by input,
// each group with the source (and note) the scenario gives for it

interface NumberInput {
  id: string
  path: Path
  /** Beside the box. */
  label: string
  /** In a message: the group and the box ("Victim liaison officers: cases per worker, generous"). */
  name: string
  value: string
  money: boolean
  /** Starts a new line of boxes (the generous bound of a cohort product). */
  newLine?: boolean
  error?: { text: string }
}

interface InputGroup {
  id: string
  path: Path
  legend: string
  source: string
  note?: string
  inputs: NumberInput[]
}

interface InputSection {
  heading: string
  intro: string
  groups: InputGroup[]
}

const idOf = (path: Path) => path.join('-')
const at = (json: unknown, path: Path): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], json)
const text = (value: unknown) => (typeof value === 'string' ? value : '')
const numberText = (value: unknown) => (typeof value === 'number' ? String(value) : '')

const boundLabel = { conservative: 'Conservative', generous: 'Generous' } as const

/** A ranged input ({conservative, generous} or {value}) as two boxes. */
function rangedGroup(json: Json, path: Path, legend: string, money = false): InputGroup {
  const input = at(json, path) as Json
  const value = input.value
  return {
    id: idOf(path),
    path,
    legend,
    source: text(input.source),
    ...(typeof input.note === 'string' ? { note: input.note } : {}),
    inputs: (['conservative', 'generous'] as const).map((bound) => ({
      id: idOf([...path, bound]),
      path: [...path, bound],
      label: boundLabel[bound],
      name: `${legend}, ${bound}`,
      value: numberText(value ?? input[bound]),
      money,
    })),
  }
}

function cohortGroup(json: Json, index: number): InputGroup {
  const component = at(json, ['cohort', index]) as Json
  const label = text(component.label)
  const inputs: NumberInput[] = []
  for (const bound of ['conservative', 'generous'] as const) {
    const value = component[bound] as Json
    const path: Path = ['cohort', index, bound]
    const box = (sub: Path, what: string, shown: unknown): NumberInput => ({
      id: idOf([...path, ...sub]),
      path: [...path, ...sub],
      label: `${boundLabel[bound]}: ${what}`,
      name: `${label}, ${bound} ${what}`,
      value: numberText(shown),
      money: false,
    })
    const first = inputs.length
    if ('count' in value) inputs.push(box(['count'], 'number of persons', value.count))
    else {
      inputs.push(box(['base'], 'base (persons)', value.base))
      ;((value.factors as unknown[]) ?? []).forEach((factor, k) => {
        if (typeof factor === 'number') inputs.push(box(['factors', k], `rate ${k + 1} (0 to 1)`, factor))
        else {
          const r = (factor as Json).oneMinus
          inputs.push(box(['factors', k, 'oneMinus'], `rate ${k + 1}, counted as 1 minus this rate (0 to 1)`, r))
        }
      })
    }
    if (first > 0 && !('count' in value)) (inputs[first] as NumberInput).newLine = true
  }
  return {
    id: idOf(['cohort', index]),
    path: ['cohort', index],
    legend: label,
    source: text(component.source),
    ...(typeof component.note === 'string' ? { note: component.note } : {}),
    inputs,
  }
}

function inputSections(json: Json): InputSection[] {
  const roles = (json.roles as Json[]) ?? []
  const others = (json.otherCosts as Json[]) ?? []
  const projection = (json.projection as Json | undefined) ?? {}
  const mix = projection.sentenceMix as Json | undefined
  const sections: InputSection[] = [
    {
      heading: 'Cohort',
      intro:
        'Each component is a number of persons, or a base number multiplied by rates. Each is rounded to the nearest person.',
      groups: ((json.cohort as unknown[]) ?? []).map((_, i) => cohortGroup(json, i)),
    },
    {
      heading: 'Victims and the cost of domestic abuse',
      intro:
        'Linked victims drive the victim liaison officers’ caseload; the cost of one victim gives the break-even number.',
      groups: [
        rangedGroup(json, ['victimsPerOffender'], 'Linked victims per offender'),
        rangedGroup(json, ['costPerVictim'], 'Cost of one victim of domestic abuse', true),
      ],
    },
    {
      heading: 'Staff',
      intro: 'Staff needed = caseload ÷ cases per worker; cost = staff × annual cost per worker.',
      groups: roles.flatMap((role, i) => [
        rangedGroup(json, ['roles', i, 'casesPerWorker'], `${text(role.label)}: cases per worker`),
        rangedGroup(json, ['roles', i, 'annualCostPerWorker'], `${text(role.label)}: annual cost per worker`, true),
      ]),
    },
  ]
  if (others.length > 0) {
    sections.push({
      heading: 'Costs the report left out',
      intro:
        'Each is the number of events per offender (or victim) a year × the cost of one event. The report gives no figures, so the presets carry them at zero.',
      groups: others.flatMap((other, i) => {
        const per = other.driver === 'victims' ? 'victim' : 'offender'
        return [
          rangedGroup(json, ['otherCosts', i, 'perDriver'], `${text(other.label)}: events per ${per} a year`),
          rangedGroup(json, ['otherCosts', i, 'unitCost'], `${text(other.label)}: cost of one event`, true),
        ]
      }),
    })
  }
  const projectionGroups: InputGroup[] = []
  if (projection.growth !== undefined) {
    projectionGroups.push(rangedGroup(json, ['projection', 'growth'], 'Yearly change of new registrants (-1 to 1)'))
  }
  if (projection.attrition !== undefined) {
    projectionGroups.push(rangedGroup(json, ['projection', 'attrition'], 'Yearly attrition (0 to 1)'))
  }
  if (projection.reRegistration !== undefined) {
    projectionGroups.push(
      rangedGroup(json, ['projection', 'reRegistration'], 'Yearly re-registration of former registrants (0 to 1)'),
    )
  }
  if (mix !== undefined) {
    const entries = (mix.entries as Json[]) ?? []
    projectionGroups.push({
      id: idOf(['projection', 'sentenceMix', 'entries']),
      path: ['projection', 'sentenceMix', 'entries'],
      legend: 'Sentence mix',
      source: text(mix.source),
      ...(typeof mix.note === 'string' ? { note: mix.note } : {}),
      inputs: entries.map((entry, j) => {
        const path: Path = ['projection', 'sentenceMix', 'entries', j, 'share']
        const label = text(entry.label) || text(entry.id)
        return {
          id: idOf(path),
          path,
          label: `Share: ${label} (0 to 1)`,
          name: `Sentence mix, share of ${label}`,
          value: numberText(entry.share),
          money: false,
        }
      }),
    })
  }
  if (projectionGroups.length > 0) {
    sections.push({
      heading: 'Projection over years',
      intro: 'Used only when you ask for a projection. The shares of the sentence mix must add up to 1.',
      groups: projectionGroups,
    })
  }
  return sections
}

const allInputs = (sections: InputSection[]) => sections.flatMap((s) => s.groups.flatMap((g) => g.inputs))

function setAt(json: unknown, path: Path, value: unknown): void {
  const parent = at(json, path.slice(0, -1)) as Record<string | number, unknown>
  parent[path.at(-1) as string | number] = value
}

const upperFirst = (s: string) => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`

/** "£45,710.61", "0.16", " 1,955 " → a number; anything else is a problem for its box. */
function readNumber(raw: string): number | undefined {
  const cleaned = raw.trim().replace(/^£/, '').replaceAll(',', '').replaceAll(' ', '')
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(cleaned) ? Number(cleaned) : undefined
}

/**
 * The preset with the figures from the form, checked by the scenario
 * contract. Problems come back as form errors naming the box; a ranged input
 * given as one value in the preset becomes its two bounds.
 */
function scenarioFromForm(
  presetJson: Json,
  sections: InputSection[],
  fields: Record<string, string>,
  errors: FormErrors,
): { scenario: Scenario; warnings: string[] } | undefined {
  const json = structuredClone(presetJson)
  for (const group of sections.flatMap((s) => s.groups)) {
    const ranged = at(json, group.path) as Json | undefined
    if (ranged !== undefined && typeof ranged === 'object' && !Array.isArray(ranged) && 'value' in ranged) {
      ranged.conservative = ranged.value
      ranged.generous = ranged.value
      delete ranged.value
    }
  }
  for (const input of allInputs(sections)) {
    const raw = fields[input.id] ?? ''
    input.value = raw
    if (raw.trim() === '') {
      input.error = { text: `Enter ${input.name.replace(/^./, (c) => c.toLowerCase())}` }
      addError(errors, input.id, input.error.text)
      continue
    }
    const n = readNumber(raw)
    if (n === undefined) {
      input.error = { text: `${input.name} must be a number` }
      addError(errors, input.id, input.error.text)
      continue
    }
    setAt(json, input.path, n)
  }
  // The contract checks the rest at once (a box that is not a number keeps the preset's figure meanwhile).
  const parsed = parseImpactScenario(json)
  if (parsed.ok) return hasErrors(errors) ? undefined : { scenario: parsed.scenario, warnings: parsed.warnings }
  const inputs = allInputs(sections)
  const groups = sections.flatMap((s) => s.groups)
  for (const line of parsed.problems) {
    const match = /^(\$[^:]*): (.*)$/.exec(line)
    const path = [...(match?.[1] ?? '').matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => m[1] ?? m[2])
    const id = path.join('-')
    // The contract's message without the echo of the value ("…, got the number 0"): the box shows it.
    const message = (match?.[2] ?? line).replace(/, got .*$/, '')
    const exact = inputs.find((input) => input.id === id)
    const within = inputs.find((input) => input.id.startsWith(`${id}-`))
    const target = exact ?? within
    if (target?.error !== undefined) continue
    if (target === undefined) {
      addError(errors, inputs[0]?.id ?? 'form', upperFirst(message))
      continue
    }
    const group = groups.find((g) => g.inputs.includes(target))
    const said = exact !== undefined ? `${target.name} ${message}` : `${group?.legend ?? target.name}: ${message}`
    target.error ??= { text: said }
    addError(errors, target.id, said)
  }
  return undefined
}

// ---------------------------------------------------------------------------
// The questions asked of the scenario

const wholeIn = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .transform((s) => s.replaceAll(',', ''))
    .refine((s) => s === '' || (/^\d+$/.test(s) && Number(s) >= min && Number(s) <= max), {
      error: `${label} must be a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}`,
    })
    .transform((s) => (s === '' ? undefined : Number(s)))

const optionsForm = z.object({
  fteRounding: z.enum(fteRoundings as [FteRounding, ...FteRounding[]], { error: 'Select how to count staff' }),
  years: wholeIn('Number of years', 1, maxYears),
  draws: wholeIn('Number of draws', 1, maxDraws),
  seed: wholeIn('Seed', 0, 2 ** 32 - 1),
  distribution: z.enum(distributions as [Distribution, ...Distribution[]], {
    error: 'Select how the inputs are drawn',
  }),
})

interface OptionValues {
  fteRounding: string
  years: string
  draws: string
  seed: string
  distribution: string
}

const defaultOptions = (scenario: Scenario): OptionValues => ({
  fteRounding: scenario.fteRounding,
  years: '',
  draws: '',
  seed: '1',
  distribution: 'uniform',
})

// ---------------------------------------------------------------------------
// The answer as tables and charts

interface FiguresRow {
  label: string
  detail?: string
  cells: string[]
  total?: boolean
}

interface Figures {
  caption: string
  head: string[]
  rows: FiguresRow[]
}

const roundingWords: Record<FteRounding, string> = {
  none: 'Staff are counted in fractional full-time equivalents (FTE), as in the report’s Tables 1 and 2.',
  nearest: 'Staff are rounded to the nearest whole worker, as in the report’s Tables 3 and 4.',
  up: 'Staff are rounded up to whole workers, as a hiring plan needs.',
}

function results(a: Assessment) {
  const { scenario } = a
  const c = a.bounds.conservative
  const g = a.bounds.generous
  const bounds = ['Conservative', 'Generous']
  const cohortTable = scenario.reportTables?.cohort ?? 'Cohort'
  const costsTable = scenario.reportTables?.costs ?? 'Costs'

  const cohortRows: FiguresRow[] = scenario.cohort.map((component, i) => {
    const ct = valueText(component.conservative)
    const gt = valueText(component.generous)
    const detail =
      ct !== undefined && ct === gt
        ? ct
        : [ct && `conservative: ${ct}`, gt && `generous: ${gt}`].filter((s) => s !== undefined).join('; ')
    return {
      label: component.label,
      ...(detail !== '' ? { detail } : {}),
      cells: [whole(c.components[i]?.persons ?? 0), whole(g.components[i]?.persons ?? 0)],
    }
  })
  const vpo =
    scenario.victimsPerOffender.conservative === scenario.victimsPerOffender.generous
      ? `${decimal(scenario.victimsPerOffender.conservative)} per offender`
      : `${decimal(scenario.victimsPerOffender.conservative)} to ${decimal(scenario.victimsPerOffender.generous)} per offender`
  const cohort: Figures = {
    caption: `${cohortTable}. New cohort of registrants, year 1`,
    head: ['Component', ...bounds],
    rows: [
      ...cohortRows,
      { label: 'New cohort of registrants, year 1', cells: [whole(c.cohort), whole(g.cohort)], total: true },
      { label: `Linked victim-survivors (${vpo})`, cells: [whole(c.victims), whole(g.victims)] },
    ],
  }

  const costed = c.otherCosts.filter((o, i) => o.cost !== 0 || (g.otherCosts[i]?.cost ?? 0) !== 0)
  const uncosted = c.otherCosts.filter((o) => !costed.includes(o)).map((o) => o.label.toLowerCase())
  const costs: Figures = {
    caption: `${costsTable}. Staffing costs in the first year`,
    head: ['Staffing costs', ...bounds],
    rows: [
      ...c.roles.map((role, i) => ({ label: role.label, cells: [pounds(role.cost), pounds(g.roles[i]?.cost ?? 0)] })),
      ...costed.map((other) => {
        const i = c.otherCosts.indexOf(other)
        return { label: other.label, cells: [pounds(other.cost), pounds(g.otherCosts[i]?.cost ?? 0)] }
      }),
      { label: 'TOTAL', cells: [pounds(c.totalCostWholePounds), pounds(g.totalCostWholePounds)], total: true },
    ],
  }

  const staff: Figures = {
    caption: 'How the staff costs are reached',
    head: ['Role and bound', 'Caseload', 'Cases per worker', 'Staff (FTE)', 'Annual cost per worker', 'Cost'],
    rows: c.roles.flatMap((role, i) => {
      const gen = g.roles[i] as typeof role
      return (
        [
          ['conservative', role],
          ['generous', gen],
        ] as const
      ).map(([bound, r]) => {
        const exact = r.cases / r.casesPerWorker
        const fte =
          a.fteRounding === 'none' || exact === r.fte
            ? decimal(r.fte)
            : `${decimal(exact)}, counted as ${decimal(r.fte)}`
        return {
          label: `${role.label}, ${bound}`,
          cells: [
            `${whole(r.cases)} ${r.driver}`,
            decimal(r.casesPerWorker),
            fte,
            pence(r.annualCostPerWorker),
            pence(r.cost),
          ],
        }
      })
    }),
  }

  const exactDiffers = (r: typeof c) => Math.round(r.totalCost) !== r.totalCostWholePounds
  const breakEven = {
    low: whole(c.breakEvenVictims),
    high: whole(g.breakEvenVictims),
    costPerVictim:
      c.costPerVictim === g.costPerVictim
        ? pence(c.costPerVictim)
        : `${pence(c.costPerVictim)} to ${pence(g.costPerVictim)}`,
  }

  const mc = a.monteCarlo
  const row = (label: string, p: Percentiles, money: boolean): FiguresRow => {
    const f = money ? pounds : whole
    return { label, cells: [f(p.p5), f(p.p50), f(p.p95)] }
  }
  const monteCarlo = mc && {
    summary: `${whole(mc.draws)} draws, ${mc.distribution} between the bounds, seed ${mc.seed}`,
    table: {
      caption: 'Uncertainty: Monte Carlo percentiles, year 1',
      head: ['Figure', 'P5', 'P50 (median)', 'P95'],
      rows: [
        row('New cohort, year 1', mc.cohort, false),
        row('Total cost, year 1', mc.totalCost, true),
        row('Break-even victims', mc.breakEvenVictims, false),
      ],
    } satisfies Figures,
  }

  const p = a.projection
  const bands = mc?.projection
  const fteOf = (year: NonNullable<typeof p>['conservative'][number]) => year.roles.reduce((sum, r) => sum + r.fte, 0)
  const projection = p && {
    mix: scenario.projection.sentenceMix.entries.map((entry, i) => {
      const years = a.model.mixYears[i] as number
      return `${entry.label} ${percent(entry.share)}: ${Number.isFinite(years) ? `${years} years` : 'indefinite'}`
    }),
    table: {
      caption: `Projection over ${p.years} years`,
      head: [
        'Year',
        'Registrants, conservative',
        'Registrants, generous',
        'Staff (FTE), conservative',
        'Staff (FTE), generous',
        'Cost, conservative',
        'Cost, generous',
        ...(bands ? ['Monte Carlo cost, P5', 'P50', 'P95'] : []),
      ],
      rows: p.conservative.map((cy, y) => {
        const gy = p.generous[y] as typeof cy
        const band = bands?.[y]
        return {
          label: String(cy.year),
          cells: [
            whole(cy.registrants),
            whole(gy.registrants),
            decimal(fteOf(cy), 1),
            decimal(fteOf(gy), 1),
            pounds(cy.totalCost),
            pounds(gy.totalCost),
            ...(band ? [pounds(band.totalCost.p5), pounds(band.totalCost.p50), pounds(band.totalCost.p95)] : []),
          ],
        }
      }),
    } satisfies Figures,
  }

  const charts = assessmentCharts(a).map((chart) => {
    const figures: Figures = (() => {
      switch (chart.key) {
        case 'cohort':
          return {
            caption: 'Figures in the cohort chart',
            head: ['Component', ...bounds],
            rows: [...cohortRows.map(({ label, cells }) => ({ label, cells })), cohort.rows.at(-2) as FiguresRow],
          }
        case 'cost':
          return {
            caption: 'Figures in the cost chart',
            head: ['Cost', ...bounds],
            rows: [
              ...c.roles.map((role, i) => ({
                label: role.label,
                cells: [pounds(role.cost), pounds(g.roles[i]?.cost ?? 0)],
              })),
              ...costed.map((other) => {
                const i = c.otherCosts.indexOf(other)
                return { label: other.label, cells: [pounds(other.cost), pounds(g.otherCosts[i]?.cost ?? 0)] }
              }),
              { label: 'Total', cells: [pounds(c.totalCost), pounds(g.totalCost)], total: true },
            ],
          }
        case 'projection':
          return { ...(projection?.table as Figures), caption: 'Figures in the projection chart' }
        case 'tornado':
          return {
            caption: `Figures in the sensitivity chart (all inputs at their likely values: ${pounds(a.sensitivity.baseCost)})`,
            head: ['Input', 'Total at its conservative bound', 'Total at its generous bound', 'Swing'],
            rows: a.sensitivity.rows.slice(0, 12).map((r) => ({
              label: r.label,
              cells: [pounds(r.costAtConservative), pounds(r.costAtGenerous), pounds(r.swing)],
            })),
          }
      }
    })()
    return { key: chart.key, title: chart.title, svg: chartSvg(chart, `impact-chart-${chart.key}`), figures }
  })

  return {
    title: scenario.title,
    source: scenario.source,
    note: scenario.note,
    rounding: roundingWords[a.fteRounding],
    cohort,
    costs,
    uncosted,
    staff,
    unroundedTotals:
      exactDiffers(c) || exactDiffers(g) ? { low: pence(c.totalCost), high: pence(g.totalCost) } : undefined,
    breakEven,
    monteCarlo,
    projection,
    charts,
  }
}

// ---------------------------------------------------------------------------
// The page

function presetChoices(chosen: PresetId) {
  return presets.map((id) => ({
    value: id,
    text: preset(id).scenario.title,
    hint: { text: `${id}: ${preset(id).scenario.source}` },
    checked: id === chosen,
  }))
}

function show(
  request: FastifyRequest,
  reply: FastifyReply,
  context: {
    chosen: PresetId
    sections: InputSection[]
    options: OptionValues
    assessment?: Assessment
    warnings?: string[]
    errors?: FormErrors
    edited?: boolean
  },
  status = 200,
) {
  return render(
    request,
    reply,
    'impact/impact.njk',
    {
      pageTitle: 'Impact assessment',
      presets: presetChoices(context.chosen),
      chosen: context.chosen,
      sections: context.sections,
      options: context.options,
      limits: { maxDraws: whole(maxDraws), maxYears },
      roundings: fteRoundings,
      distributions,
      results: context.assessment && results(context.assessment),
      warnings: context.warnings ?? [],
      edited: context.edited === true,
      ...(context.errors ?? noErrors()),
    },
    status,
  )
}

export function impactPages(server: ApiServer, _app: AppContext): void {
  // No personal data: the figures are the report's published estimates.
  server.get('/impact', page({ signedIn: true }), async (request, reply) => {
    const asked = (request.query as Record<string, unknown>).scenario
    const chosen = asked === undefined ? defaultPreset : asked
    if (!isPreset(chosen)) {
      const errors = addError(noErrors(), 'scenario', 'Select a scenario')
      const { json, scenario } = preset(defaultPreset)
      return show(
        request,
        reply,
        { chosen: defaultPreset, sections: inputSections(json), options: defaultOptions(scenario), errors },
        422,
      )
    }
    const { json, scenario } = preset(chosen)
    return show(request, reply, {
      chosen,
      sections: inputSections(json),
      options: defaultOptions(scenario),
      assessment: assess(scenario),
    })
  })

  server.post('/impact', page({ signedIn: true }), async (request, reply) => {
    const fields = formFields(request.body)
    const chosen = isPreset(fields.scenario) ? fields.scenario : defaultPreset
    const { json } = preset(chosen)
    const sections = inputSections(json)
    const options: OptionValues = {
      fteRounding: fields.fteRounding ?? '',
      years: fields.years ?? '',
      draws: fields.draws ?? '',
      seed: fields.seed ?? '',
      distribution: fields.distribution ?? '',
    }
    const errors = noErrors()
    const made = scenarioFromForm(json, sections, fields, errors)
    const checked = checkForm(optionsForm, options)
    if (!checked.ok) {
      errors.errorList.push(...checked.errors.errorList)
      Object.assign(errors.errors, checked.errors.errors)
    }
    if (made === undefined || !checked.ok) return show(request, reply, { chosen, sections, options, errors }, 422)
    const assessOptions: AssessOptions = { fteRounding: checked.value.fteRounding }
    if (checked.value.years !== undefined) assessOptions.years = checked.value.years
    if (checked.value.draws !== undefined) {
      assessOptions.monteCarlo = {
        draws: checked.value.draws,
        seed: checked.value.seed ?? 1,
        distribution: checked.value.distribution,
      }
    }
    return show(request, reply, {
      chosen,
      sections,
      options,
      assessment: assess(made.scenario, assessOptions),
      warnings: made.warnings,
      edited: true,
    })
  })
}
