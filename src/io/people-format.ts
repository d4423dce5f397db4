import type { ExportedPerson, ExportFormat } from '../app/export.ts'
import type { ImportRow } from '../app/import.ts'
import { type CsvRecord, csvLine, restoreCsvText } from './csv.ts'
import type { NdjsonLine } from './ndjson.ts'

// The file formats of `dasr import` and `dasr export` (docs/import-export.md):
// NDJSON, one person per line with a `facts` array; CSV, one person per row
// with the person columns and a few optional fact columns. Both become the same
// import record, so one set of rules checks them.

/** The person's own fields, in the order an export writes them. */
export const personColumns = [
  'reference',
  'managingOrganisationId',
  'status',
  'familyName',
  'givenNames',
  'dateOfBirth',
  'niNumber',
  'sex',
  'riskLevel',
] as const

/** Columns only an import reads. */
const importOnlyColumns = ['confirmedNotDuplicate'] as const

interface FactGroup {
  kind: string
  /** Fixed fields of the fact. */
  fixed: Record<string, string>
  /** Fact field → CSV column. */
  columns: Record<string, string>
}

/** CSV columns that each add one fact (the NDJSON `facts` array can hold any number, of every kind). */
export const factGroups: readonly FactGroup[] = [
  {
    kind: 'name',
    fixed: { nameType: 'alias' },
    columns: { givenNames: 'aliasGivenNames', familyName: 'aliasFamilyName' },
  },
  { kind: 'phone', fixed: {}, columns: { number: 'phone' } },
  { kind: 'email', fixed: {}, columns: { address: 'email' } },
  { kind: 'vehicle', fixed: {}, columns: { registration: 'vehicle' } },
  { kind: 'online-identity', fixed: {}, columns: { platform: 'onlinePlatform', handle: 'onlineHandle' } },
  {
    kind: 'address',
    fixed: { addressType: 'home' },
    columns: {
      line1: 'addressLine1',
      line2: 'addressLine2',
      town: 'town',
      postcode: 'postcode',
      validFrom: 'addressFrom',
    },
  },
]

export const requiredColumns = ['familyName', 'givenNames', 'dateOfBirth'] as const

export const csvColumns: readonly string[] = [
  ...personColumns,
  ...importOnlyColumns,
  ...factGroups.flatMap((group) => Object.values(group.columns)),
]

const canonical = new Map(csvColumns.map((name) => [name.toLowerCase(), name]))

export interface CsvLayout {
  /** Each field's column name, in file order (undefined for a column to ignore: none yet). */
  columns: string[]
  /** The header's own line. */
  line: number
}

/** Checks a header row: every column known (case and surrounding spaces ignored), none twice, the required ones there. */
export function csvLayout(
  header: CsvRecord,
  required: readonly { column: string; why: string }[] = [],
): { layout?: CsvLayout; problems: string[] } {
  const problems: string[] = []
  if (header.error !== undefined) problems.push(`line ${header.line}: the header row: ${header.error}`)
  const columns: string[] = []
  const seen = new Set<string>()
  for (const [i, raw] of header.fields.entries()) {
    const name = canonical.get(raw.trim().toLowerCase())
    if (name === undefined) {
      problems.push(
        `line ${header.line}: column ${i + 1} ${JSON.stringify(raw)} is not a column of an import (known: ${csvColumns.join(', ')})`,
      )
    } else if (seen.has(name)) {
      problems.push(`line ${header.line}: column ${i + 1} ${JSON.stringify(raw)} repeats ${name}`)
    }
    if (name !== undefined) seen.add(name)
    columns.push(name ?? raw)
  }
  for (const name of requiredColumns) {
    if (!seen.has(name)) problems.push(`line ${header.line}: the header has no ${name} column (it is required)`)
  }
  for (const { column, why } of required) {
    if (!seen.has(column)) problems.push(`line ${header.line}: the header has no ${column} column (${why})`)
  }
  return problems.length > 0 ? { problems } : { layout: { columns, line: header.line }, problems }
}

const yes = new Set(['true', 'yes', 'y', '1'])
const no = new Set(['false', 'no', 'n', '0'])

/** Where each column of a layout goes, worked out once per file rather than once per row. */
interface RowPlan {
  /** The person's columns in the file, in the order of personColumns: [name, field index]. */
  person: [string, number][]
  /** The field index of confirmedNotDuplicate, or -1. */
  confirmed: number
  /** The fact groups with a column in the file, in the order of factGroups: each fact field and its field index. */
  groups: { group: FactGroup; fields: [string, number][] }[]
}

const plans = new WeakMap<CsvLayout, RowPlan>()

function planOf(layout: CsvLayout): RowPlan {
  let plan = plans.get(layout)
  if (plan !== undefined) return plan
  const index = new Map(layout.columns.map((name, i) => [name, i]))
  const at = (column: string) => index.get(column) ?? -1
  plan = {
    person: personColumns.flatMap((name): [string, number][] => (at(name) < 0 ? [] : [[name, at(name)]])),
    confirmed: at('confirmedNotDuplicate'),
    groups: factGroups.flatMap((group) => {
      const fields = Object.entries(group.columns).flatMap(([field, column]): [string, number][] =>
        at(column) < 0 ? [] : [[field, at(column)]],
      )
      return fields.length === 0 ? [] : [{ group, fields }]
    }),
  }
  plans.set(layout, plan)
  return plan
}

const APOSTROPHE = 39

/** A cell's value: what the export neutralised against CSV injection reads back as it was; blank is absent. */
function cellValue(field: string): string | undefined {
  if (field.length === 0) return undefined
  const first = field.charCodeAt(0)
  const value = first === APOSTROPHE ? restoreCsvText(field) : field
  // A cell starting with a visible ASCII character is not blank; anything else is trimmed to tell.
  if (first > 32 && first < 127 && first !== APOSTROPHE) return value
  return value.trim() === '' ? undefined : value
}

/** A CSV row as an import record; an empty cell is an absent value. */
export function csvRow(layout: CsvLayout, record: CsvRecord): ImportRow {
  if (record.error !== undefined) return { line: record.line, problems: [`$: ${record.error}`] }
  if (record.fields.length !== layout.columns.length) {
    return {
      line: record.line,
      problems: [
        `$: ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, but the header has ${layout.columns.length} columns`,
      ],
    }
  }
  const plan = planOf(layout)
  const cells = record.fields
  const out: Record<string, unknown> = {}
  for (const [name, i] of plan.person) {
    const value = cellValue(cells[i] as string)
    if (value !== undefined) out[name] = value
  }
  if (plan.confirmed >= 0) {
    const confirmed = cellValue(cells[plan.confirmed] as string)
    if (confirmed !== undefined) {
      const text = confirmed.trim().toLowerCase()
      out.confirmedNotDuplicate = yes.has(text) ? true : no.has(text) ? false : confirmed
    }
  }
  const facts: Record<string, unknown>[] = []
  const renames: Record<string, string>[] = []
  for (const { group, fields } of plan.groups) {
    let fact: Record<string, unknown> | undefined
    for (const [field, i] of fields) {
      const value = cellValue(cells[i] as string)
      if (value === undefined) continue
      fact ??= { kind: group.kind, ...group.fixed }
      fact[field] = value
    }
    if (fact === undefined) continue
    facts.push(fact)
    renames.push(group.columns)
  }
  if (facts.length === 0) return { line: record.line, record: out }
  out.facts = facts
  const columnOf = (path: string) => {
    const match = /^\$\.facts\[(\d+)\](?:\.([A-Za-z0-9]+))?(.*)$/.exec(path)
    if (match === null) return path
    const group = renames[Number(match[1])]
    const column = match[2] === undefined ? undefined : group?.[match[2]]
    if (column !== undefined) return `$.${column}${match[3] ?? ''}`
    // A field with no column of its own (the fact as a whole): name the fact's columns.
    return `$.${Object.values(group ?? {}).join('/')}${match[2] === undefined ? '' : ` (${match[2]})`}`
  }
  return { line: record.line, record: out, columnOf }
}

/** Turns CSV records (the first is the header) into import rows; a bad header throws its problems. */
export async function* csvImportRows(
  records: AsyncIterable<CsvRecord[]>,
  onHeaderProblems: (problems: string[]) => never,
  required: readonly { column: string; why: string }[] = [],
): AsyncGenerator<ImportRow[]> {
  let layout: CsvLayout | undefined
  for await (const chunk of records) {
    let start = 0
    if (layout === undefined) {
      const header = chunk[0]
      if (header === undefined) continue
      const checked = csvLayout(header, required)
      if (checked.layout === undefined) onHeaderProblems(checked.problems)
      layout = checked.layout
      start = 1
    }
    const rows: ImportRow[] = new Array(chunk.length - start)
    for (let i = start; i < chunk.length; i++) rows[i - start] = csvRow(layout, chunk[i] as CsvRecord)
    yield rows
  }
  if (layout === undefined) onHeaderProblems(['the file is empty: expected a header row, then one row per person'])
}

/** An NDJSON line as an import record. */
export function ndjsonRow(line: NdjsonLine): ImportRow {
  let value: unknown
  try {
    value = JSON.parse(line.text)
  } catch (error) {
    return { line: line.line, problems: [`$: not valid JSON (${(error as Error).message})`] }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
    return { line: line.line, problems: [`$: expected an object (one person per line), got ${got}`] }
  }
  return { line: line.line, record: value as Record<string, unknown> }
}

export async function* ndjsonImportRows(lines: AsyncIterable<NdjsonLine[]>): AsyncGenerator<ImportRow[]> {
  for await (const chunk of lines) yield chunk.map(ndjsonRow)
}

/** An export page as text: NDJSON, one person per line with their facts; CSV, the person columns. */
export function exportText(people: readonly ExportedPerson[], format: ExportFormat): string {
  let text = ''
  if (format === 'ndjson') {
    for (const person of people) text += `${JSON.stringify(person)}\n`
  } else {
    for (const person of people) text += csvLine(personColumns.map((column) => person[column]))
  }
  return text
}

export const exportHeader = (format: ExportFormat) => (format === 'csv' ? csvLine(personColumns) : '')
