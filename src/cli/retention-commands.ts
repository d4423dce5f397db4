import { systemActor } from '../app/actor.ts'
import { ValidationFailed } from '../app/errors.ts'
import { migrate } from '../store/migrate.ts'
import { type CliResult, help, json, ok, parse, UsageError } from './common.ts'
import { appContext, withDatabase } from './register-commands.ts'

// `dasr retention`: for a records manager, the retention reviews due (DPA 2018
// s.39, docs/retention.md) and the scan that raises them as tasks. Run as the
// register's scheduled job, which may list and raise reviews but never decide
// them: decisions are a registrar's, through the API.

const usage = `dasr retention: retention reviews (DPA 2018 s.39; docs/retention.md)

Usage:
  dasr retention due [--as-of YYYY-MM-DD] [--limit N] [--json]
  dasr retention scan [--as-of YYYY-MM-DD] [--json]

  due    List the records whose retention review is due by the date (today by default),
         earliest first, with why each is due and the rule's source.
  scan   Raise a task for each review due (once per review, however often it runs);
         the compliance scan ("dasr scan") does this too.`

function asOfProblems(error: unknown): never {
  if (error instanceof ValidationFailed) {
    throw new UsageError(error.problems.map((p) => `${p.field === '$.limit' ? '--limit' : '--as-of'}: ${p.message}`))
  }
  throw error
}

export async function retentionCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, {
    'as-of': { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    help,
  })
  const [sub, ...rest] = positionals
  if (values.help || sub === undefined || sub === 'help') return ok(usage)
  if (rest.length > 0)
    throw new UsageError(`dasr: unexpected argument ${JSON.stringify(rest[0])} (run "dasr retention --help")`)
  if (sub !== 'due' && sub !== 'scan') {
    throw new UsageError(`dasr: unknown retention command ${JSON.stringify(sub)} (expected due or scan)`)
  }
  if (sub === 'scan' && values.limit !== undefined) throw new UsageError('dasr: --limit is for "dasr retention due"')
  const asOf = values['as-of'] === undefined ? {} : { asOf: values['as-of'] }
  return withDatabase(async (db) => {
    await migrate(db)
    const { dueReviews, retentionScan } = await import('../app/retention.ts')
    const call = { app: await appContext(db), actor: { ...systemActor, origin: 'cli' } }
    if (sub === 'scan') {
      const result = await retentionScan(call, asOf).catch(asOfProblems)
      if (values.json) return ok(json(result))
      return ok(`Retention scan as of ${result.asOf}: ${result.newTasks} new review tasks (${result.millis} ms)`)
    }
    const result = await dueReviews(call, {
      ...asOf,
      ...(values.limit === undefined ? {} : { limit: values.limit }),
    }).catch(asOfProblems)
    if (values.json) return ok(json(result))
    if (result.items.length === 0) return ok(`No retention reviews due by ${result.asOf}.`)
    const lines = [
      `Retention reviews due by ${result.asOf}: ${result.total}${result.total > result.items.length ? ` (the first ${result.items.length} shown)` : ''}`,
    ]
    for (const item of result.items) {
      lines.push(
        `${item.dueOn}  ${item.subject === 'person' ? (item.reference ?? item.id) : `victim ${item.id}`}  ${item.managingOrganisationId}${item.restricted ? '  (restricted)' : ''}`,
        `            ${item.trigger}: ${item.rule} [${item.source}]`,
      )
    }
    return ok(lines.join('\n'))
  })
}
