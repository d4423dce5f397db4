import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { systemActor } from '../app/actor.ts'
import type { Call } from '../app/context.ts'
import { type ExportFormat, exportFormats, exportPeople } from '../app/export.ts'
import { type ImportRow, importPeople, reportLines } from '../app/import.ts'
import { csvRecords } from '../io/csv.ts'
import { ndjsonLines } from '../io/ndjson.ts'
import { csvImportRows, exportHeader, exportText, ndjsonImportRows } from '../io/people-format.ts'
import { migrate } from '../store/migrate.ts'
import { type CliResult, displayName, help, json, noPositionals, ok, oneLine, parse, UsageError } from './common.ts'
import { appContext, withDatabase } from './register-commands.ts'

// `dasr import FILE` and `dasr export`: people in and out of the register as
// CSV or NDJSON (docs/import-export.md). Both act as the register itself (the
// system actor) on the database named by DATABASE_URL, or PGlite in DATA_DIR.

type ImportFormat = 'csv' | 'ndjson'

const importHelp = `dasr import FILE [--format csv|ndjson] [--skip-bad-rows] [--organisation ID] [--json]

Imports people (and facts about them) from a CSV or NDJSON file (- for stdin, with --format);
the columns and fields are listed in docs/import-export.md.
  --format          csv or ndjson; by default from the file's extension (.csv, .ndjson, .jsonl)
  --skip-bad-rows   import the good rows and report the bad ones (by default nothing is
                    imported if any row is bad)
  --organisation    the managing organisation of rows without a managingOrganisationId
  --json            print the report as JSON
A row that may be someone already on the register, or earlier in the file (same name and
date of birth, or same NI number), is not imported but reported, unless it says
confirmedNotDuplicate. Exit code 2 when nothing was imported because of a bad row or file.`

const exportHelp = `dasr export [--format ndjson|csv] [--out FILE] [--reason TEXT]

Writes the register's people: NDJSON, one person per line with their current facts;
CSV, the person columns only (docs/import-export.md). To stdout, or to FILE (written
whole or not at all). Every person exported is recorded in the audit trail as a
disclosure, with --reason as its justification.`

function importFormatOf(file: string, given: string | undefined): ImportFormat {
  if (given !== undefined) {
    if (given === 'csv' || given === 'ndjson') return given
    throw new UsageError(`--format: ${JSON.stringify(given)} is not an import format (expected csv or ndjson)`)
  }
  const extension = extname(file).toLowerCase()
  if (extension === '.csv') return 'csv'
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson'
  throw new UsageError(
    `${displayName(file)}: cannot tell the format from the name; say --format csv or --format ndjson`,
  )
}

async function sizeOf(file: string): Promise<number | undefined> {
  if (file === '-') return undefined
  try {
    const info = await stat(file)
    if (info.isDirectory()) throw new UsageError(`${file}: cannot read the file (it is a directory)`)
    return info.size
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = (error as { code?: unknown }).code
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new UsageError(`${file}: cannot read the file (${reason})`)
  }
}

/** A bad header (or an empty file): the whole file is refused. */
class BadFile extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(problems.join('; '))
    this.problems = problems
  }
}

/** A progress bar on stderr, only on a terminal, redrawn at most ten times a second. */
function progressBar(file: string, total: number | undefined, stream: { bytesRead: number }) {
  const terminal = process.stderr.isTTY === true
  let last = 0
  let drawn = false
  const started = performance.now()
  return {
    update(rows: number) {
      if (!terminal) return
      const now = performance.now()
      if (now - last < 100) return
      last = now
      drawn = true
      const seconds = (now - started) / 1000
      const rate = seconds > 0 ? Math.round(rows / seconds).toLocaleString('en-GB') : '…'
      const counts = `${rows.toLocaleString('en-GB')} rows, ${rate} rows/s`
      if (total === undefined || total === 0) {
        process.stderr.write(`\r\x1b[Kimporting ${displayName(file)}: ${counts}`)
        return
      }
      const fraction = Math.min(1, stream.bytesRead / total)
      const width = 30
      const filled = Math.round(fraction * width)
      process.stderr.write(
        `\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${counts}`,
      )
    },
    clear() {
      if (drawn) process.stderr.write('\r\x1b[K')
    },
  }
}

export async function importCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, {
    format: { type: 'string' },
    'skip-bad-rows': { type: 'boolean' },
    organisation: { type: 'string' },
    json: { type: 'boolean' },
    help,
  })
  if (values.help) return ok(importHelp)
  if (positionals.length === 0)
    throw new UsageError('dasr: import needs a FILE (or - for stdin); see "dasr import --help"')
  if (positionals.length > 1) {
    throw new UsageError(`dasr: import takes one FILE, got ${positionals.length}: ${positionals.join(' ')}`)
  }
  const file = positionals[0] as string
  const format = importFormatOf(file, values.format)
  const size = await sizeOf(file)

  return withDatabase(async (db) => {
    await migrate(db)
    const call: Call = { app: await appContext(db), actor: systemActor }
    const stream: ReadStream | NodeJS.ReadStream =
      file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })
    if (file === '-') process.stdin.setEncoding('utf8')
    const counter = { bytesRead: 0 }
    const text = (async function* () {
      for await (const chunk of stream as AsyncIterable<string>) {
        counter.bytesRead = 'bytesRead' in stream ? stream.bytesRead : counter.bytesRead + chunk.length
        yield chunk
      }
    })()
    const rows: AsyncIterable<ImportRow[]> =
      format === 'csv'
        ? csvImportRows(
            csvRecords(text),
            (problems) => {
              throw new BadFile(problems)
            },
            values.organisation === undefined
              ? [
                  {
                    column: 'managingOrganisationId',
                    why: 'it is required unless --organisation names one for every row',
                  },
                ]
              : [],
          )
        : ndjsonImportRows(ndjsonLines(text))
    const bar = progressBar(file, size, counter)
    let report: Awaited<ReturnType<typeof importPeople>>
    try {
      report = await importPeople(call, rows, {
        skipBadRows: values['skip-bad-rows'] === true,
        ...(values.organisation !== undefined ? { organisationId: values.organisation } : {}),
        source: file === '-' ? 'stdin' : basename(file),
        onProgress: (n) => bar.update(n),
      })
    } catch (error) {
      if (error instanceof BadFile) {
        throw new UsageError([
          ...error.problems.map((p) => `${displayName(file)}: ${p}`),
          `dasr: nothing imported from ${displayName(file)}`,
        ])
      }
      throw error
    } finally {
      bar.clear()
      if ('destroy' in stream && file !== '-') stream.destroy()
    }

    const problems = reportLines(report).map((line) => oneLine(`${displayName(file)}: ${line}`))
    const rate = report.millis > 0 ? Math.round((report.rows / report.millis) * 1000) : report.rows
    const counts = [
      `${report.rows.toLocaleString('en-GB')} rows read`,
      `${report.rejected.length.toLocaleString('en-GB')} rejected`,
      `${report.duplicates.length.toLocaleString('en-GB')} possible duplicates not imported`,
    ].join(', ')
    if (!report.committed) {
      const stderr = [
        ...problems,
        `dasr: nothing imported from ${displayName(file)}: ${report.rejected.length.toLocaleString('en-GB')} of ${report.rows.toLocaleString('en-GB')} rows rejected (fix them, or import the others with --skip-bad-rows)`,
      ]
      return { code: 2, stdout: values.json ? `${json(report)}\n` : '', stderr: `${stderr.join('\n')}\n` }
    }
    const summary = `Imported ${report.imported.toLocaleString('en-GB')} people (${report.facts.toLocaleString('en-GB')} facts) from ${displayName(file)} into ${db.kind} (${db.location}): ${counts}; ${(report.millis / 1000).toFixed(1)} s, ${rate.toLocaleString('en-GB')} rows/s`
    return {
      code: 0,
      stdout: `${values.json ? json(report) : summary}\n`,
      stderr: problems.length > 0 ? `${problems.join('\n')}\n` : '',
    }
  })
}

function exportFormatOf(out: string | undefined, given: string | undefined): ExportFormat {
  if (given !== undefined) {
    if ((exportFormats as readonly string[]).includes(given)) return given as ExportFormat
    throw new UsageError(`--format: ${JSON.stringify(given)} is not an export format (expected ndjson or csv)`)
  }
  return out !== undefined && extname(out).toLowerCase() === '.csv' ? 'csv' : 'ndjson'
}

export async function exportCommand(args: string[]): Promise<CliResult> {
  const { values, positionals } = parse(args, {
    format: { type: 'string' },
    out: { type: 'string' },
    reason: { type: 'string' },
    help,
  })
  noPositionals(positionals)
  if (values.help) return ok(exportHelp)
  const format = exportFormatOf(values.out, values.format)
  const out = values.out
  if (out !== undefined) {
    const folder = await stat(dirname(out)).catch(() => undefined)
    if (folder === undefined || !folder.isDirectory()) {
      throw new UsageError(`--out: ${out}: the folder ${dirname(out)} does not exist`)
    }
  }

  return withDatabase(async (db) => {
    await migrate(db)
    const call: Call = { app: await appContext(db), actor: systemActor }
    const header = exportHeader(format)
    if (out === undefined) {
      const parts: string[] = [header]
      await exportPeople(call, {
        format,
        withFacts: format === 'ndjson',
        destination: 'stdout',
        ...(values.reason !== undefined ? { justification: values.reason } : {}),
        writePage: (people) => {
          parts.push(exportText(people, format))
        },
      })
      return { code: 0, stdout: parts.join(''), stderr: '' }
    }
    // Written beside the target and renamed into place once the disclosure is committed.
    const temporary = join(dirname(out), `.${basename(out)}.${process.pid}.partial`)
    const file = createWriteStream(temporary, { encoding: 'utf8' })
    const opened = new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve())
      file.once('error', reject)
    })
    const write = (text: string) =>
      new Promise<void>((resolve, reject) => {
        if (text === '') return resolve()
        file.write(text, (error) => (error ? reject(error) : resolve()))
      })
    try {
      await opened
      await write(header)
      const summary = await exportPeople(call, {
        format,
        withFacts: format === 'ndjson',
        destination: out,
        ...(values.reason !== undefined ? { justification: values.reason } : {}),
        writePage: (people) => write(exportText(people, format)),
      })
      await new Promise<void>((resolve, reject) =>
        file.end((error?: Error | null) => (error ? reject(error) : resolve())),
      )
      await rename(temporary, out)
      return ok(
        `Exported ${summary.people.toLocaleString('en-GB')} people${format === 'ndjson' ? ` (${summary.facts.toLocaleString('en-GB')} facts)` : ''} to ${out} as ${format} (${(summary.millis / 1000).toFixed(1)} s)`,
      )
    } catch (error) {
      file.destroy()
      await unlink(temporary).catch(() => {})
      const code = (error as { code?: unknown }).code
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && code !== 'ECONNREFUSED') {
        throw new UsageError(`--out: ${out}: cannot write the file (${(error as Error).message})`)
      }
      throw error
    }
  })
}
