import { readFile } from 'node:fs/promises'
import { daySchema, parseExplainInput } from '../contracts/explain-input.ts'
import { explanationToJson } from '../contracts/explain-output.ts'
import type { Day } from '../domain/dates/day.ts'
import type { PolicyId } from '../domain/explain/evaluation.ts'
import { offencesJson, offencesText, policiesJson, policiesText } from './catalogues.ts'
import {
  type CliResult,
  displayName,
  help,
  json,
  noPositionals,
  ok,
  oneLine,
  parse,
  readInput,
  UsageError,
} from './common.ts'
import { explanationText } from './report.ts'

export { type CliResult, UsageError } from './common.ts'

// The `dasr` command line. `run` turns arguments into the whole of stdout,
// stderr and the exit code, so nothing is printed until the answer is complete
// (never a partial answer). Exit codes: 0 success; 2 bad input or usage; 1 an
// unexpected internal error.
//
// The policies and the explanation core are loaded only by the commands that
// need them, so `dasr offences`, `--help` and input checking stay fast.

const helpText = `dasr: domestic abuse and stalking register (England and Wales), explainable policies

Usage:
  dasr explain FILE [--policy ID]... [--json] [--as-of YYYY-MM-DD]
  dasr explain --example
  dasr offences [--json]
  dasr policies [--json]
  dasr impact --scenario PRESET_OR_FILE [--json] [--monte-carlo N] [--years N] [--by-force] [--svg FILE]
  dasr serve [--port N] [--host ADDRESS]
  dasr migrate
  dasr scan [--as-of YYYY-MM-DD] [--json]
  dasr retention due|scan [--as-of YYYY-MM-DD] [--json]
  dasr demo-data --people N [--seed S] [--as-of YYYY-MM-DD]
  dasr import FILE [--format csv|ndjson] [--skip-bad-rows] [--organisation ID] [--json]
  dasr export [--format ndjson|csv] [--out FILE] [--reason TEXT]
  dasr audit verify [--checkpoints DIR] [--json]
  dasr audit checkpoint --to DIR
  dasr totp --secret BASE32
  dasr help | --help
  dasr --version

Commands:
  explain    Evaluate one person's record (a JSON file, or - for stdin) against every
             registration policy, or only those named with --policy (repeatable).
             --as-of overrides the file's "asOf"; without either, today in London is used.
             --json prints the machine-readable explanation instead of the report.
             --example prints a sample input file.
  offences   The offence catalogue: codes, statutes, maximum penalties, schedule listings.
  policies   The registration policies, their sources and interpretation settings.
  impact     The cost of a register: the report's Tables 1-4, uncertainty, projection
             over years, split by police force area ("dasr impact --help").
  serve      Start the register (JSON API under /api/v1, OpenAPI at /api/openapi.json,
             /health) on PGlite in DATA_DIR (./data), or on DATABASE_URL; prints its address.
  migrate    Apply the database migrations not yet applied (serve does this on start).
  scan       Compute every registrant's due and overdue obligations; record suspected
             breaches with a task for the responsible officer. Safe to run at any time.
  retention  Retention reviews due (DPA 2018 s.39) and the scan that raises them as tasks
             ("dasr retention --help").
  demo-data  Fill the register with N synthetic persons shaped by the report's figures
             (same seed, same population; "dasr demo-data --help").
  import     Import people (and facts) from CSV or NDJSON (docs/import-export.md): every
             rejected row reported with its line and reason; nothing is written if any row is
             bad, unless --skip-bad-rows; possible duplicates are reported, not imported.
  export     Write the register's people as NDJSON (with current facts) or CSV, to stdout or
             --out FILE; recorded in the audit trail as a disclosure.
  audit      verify: recompute the audit trail's hash chain; print "N entries, chain valid,
             head = HASH" (exit 0) or name the first entry edited, deleted, inserted or moved
             (exit 1); --checkpoints DIR also checks it against exported checkpoints.
             checkpoint: append the chain's head to DIR/audit-checkpoints.jsonl, a store
             outside the database ("dasr audit --help").
  totp       The current 6-digit code for a TOTP secret (as "dasr serve" prints for its demo
             account), for signing in without an authenticator app.

Exit codes: 0 success; 2 bad input or usage (one line per problem on stderr);
1 internal error (set DASR_DEBUG=1 for the stack trace).
All data used with this tool must be lawfully held; examples are synthetic.`

async function version(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8')
  return String((JSON.parse(text) as { version?: unknown }).version)
}

async function loadPolicies() {
  const { isPolicyId, policyById, policyIds } = await import('../domain/policies/registry.ts')
  return { isPolicyId, policyById, policyIds }
}

async function explain(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, {
    policy: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    'as-of': { type: 'string' },
    example: { type: 'boolean' },
    help,
  })
  if (values.help) return ok(helpText)
  if (values.example) {
    if (positionals.length > 0) throw new UsageError('dasr: explain --example takes no FILE')
    return ok(await readFile(new URL('../../examples/person.json', import.meta.url), 'utf8'))
  }
  if (positionals.length === 0) throw new UsageError('dasr: explain needs a FILE (or - for stdin); see "dasr --help"')
  if (positionals.length > 1) {
    throw new UsageError(`dasr: explain takes one FILE, got ${positionals.length}: ${positionals.join(' ')}`)
  }
  const file = positionals[0] as string

  let asOf: Day | undefined
  if (values['as-of'] !== undefined) {
    const parsed = daySchema.safeParse(values['as-of'])
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--as-of: ${issue.message}`))
    asOf = parsed.data
  }

  let selected: PolicyId[] | undefined
  if (values.policy !== undefined) {
    const { isPolicyId, policyIds } = await loadPolicies()
    const unknown = values.policy.filter((id) => !isPolicyId(id))
    if (unknown.length > 0) {
      throw new UsageError(
        unknown.map((id) => `--policy: unknown policy ${JSON.stringify(id)} (known: ${policyIds.join(', ')})`),
      )
    }
    selected = [...new Set(values.policy.filter(isPolicyId))]
  }

  const text = await readInput(file)
  let input: unknown
  try {
    input = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new UsageError(`${displayName(file)}: not valid JSON: ${(error as Error).message}`)
  }
  const parsed = parseExplainInput(input, asOf === undefined ? {} : { asOf })
  if (!parsed.ok) throw new UsageError(parsed.problems)

  const [{ explainPerson }, { policyById }] = await Promise.all([
    import('../domain/explain/explain.ts'),
    loadPolicies(),
  ])
  const explanation = explainPerson(parsed.record, selected === undefined ? {} : { policies: selected })
  if (values.json) return ok(json(explanationToJson(explanation)))
  return ok(explanationText(explanation, (id) => policyById(id)))
}

async function offences(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, help })
  noPositionals(positionals)
  if (values.help) return ok(helpText)
  return ok(values.json ? json(offencesJson()) : offencesText())
}

async function policies(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, help })
  noPositionals(positionals)
  if (values.help) return ok(helpText)
  const { policyById, policyIds } = await loadPolicies()
  const all = policyIds.map((id) => policyById(id))
  return ok(values.json ? json(policiesJson(all)) : policiesText(all))
}

async function dispatch(argv: string[]): Promise<CliResult> {
  const [command, ...rest] = argv
  switch (command) {
    case undefined:
      throw new UsageError('dasr: missing command (run "dasr --help")')
    case 'explain':
      return explain(rest)
    case 'offences':
      return offences(rest)
    case 'policies':
      return policies(rest)
    case 'impact':
      return (await import('./impact.ts')).impactCommand(rest)
    case 'migrate':
      return (await import('./register-commands.ts')).migrateCommand(rest)
    case 'scan':
      return (await import('./register-commands.ts')).scanCommand(rest)
    case 'retention':
      return (await import('./retention-commands.ts')).retentionCommand(rest)
    case 'demo-data':
      return (await import('./demo-data.ts')).demoDataCommand(rest)
    case 'import':
      return (await import('./import-export.ts')).importCommand(rest)
    case 'export':
      return (await import('./import-export.ts')).exportCommand(rest)
    case 'audit':
      return (await import('./audit-commands.ts')).auditCommand(rest)
    case 'totp':
      return (await import('./totp.ts')).totpCommand(rest)
    case 'help':
      return ok(helpText)
    default: {
      if (!command.startsWith('-')) {
        throw new UsageError(`dasr: unknown command ${JSON.stringify(command)} (run "dasr --help")`)
      }
      const { values, positionals } = parse(argv, { help, version: { type: 'boolean' } })
      noPositionals(positionals)
      if (values.version) return ok(await version())
      return ok(helpText)
    }
  }
}

/** Runs the CLI; never throws. `debug` adds the stack trace to an internal error. */
export async function run(argv: string[], debug = false): Promise<CliResult> {
  try {
    return await dispatch(argv)
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, stdout: '', stderr: `${error.lines.join('\n')}\n` }
    return { code: 1, stdout: '', stderr: internalError(error, debug) }
  }
}

export function internalError(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error)
  const line = `dasr: internal error: ${oneLine(message)}\n`
  return debug && error instanceof Error && error.stack ? `${line}${error.stack}\n` : line
}
