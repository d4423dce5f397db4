import { readFile } from 'node:fs/promises'
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'

// What every `dasr` command shares: the result shape, usage errors (exit code 2,
// one line per problem), argument parsing and reading an input file or stdin.

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Bad input or usage: each line is printed to stderr as is, exit code 2. */
export class UsageError extends Error {
  lines: string[]
  constructor(lines: string | string[]) {
    const all = (Array.isArray(lines) ? lines : [lines]).map(oneLine)
    super(all.join('\n'))
    this.name = 'UsageError'
    this.lines = all
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

export const help = { type: 'boolean', short: 'h' } as const

export function parse<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code.
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const message = (error as Error).message
      const unknown = /^Unknown option '([^']+)'/.exec(message)
      const problem = unknown ? `unknown option ${JSON.stringify(unknown[1])}` : message
      throw new UsageError(`dasr: ${problem} (run "dasr --help")`)
    }
    throw error
  }
}

export function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`dasr: unexpected argument ${JSON.stringify(positionals[0])} (run "dasr --help")`)
  }
}

export function ok(stdout: string): CliResult {
  return { code: 0, stdout: stdout.endsWith('\n') ? stdout : `${stdout}\n`, stderr: '' }
}

export const json = (value: unknown) => JSON.stringify(value, null, 2)

export async function readInput(file: string): Promise<string> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    }
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
      ENOTDIR: 'a part of the path is not a directory',
    }
    const reason = (typeof code === 'string' && reasons[code]) || (error as Error).message
    throw new UsageError(`${displayName(file)}: cannot read the file (${reason})`)
  }
}

export const displayName = (file: string) => (file === '-' ? '<stdin>' : file)
