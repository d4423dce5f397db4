// Entry point of the `dasr` command (bin/dasr.js loads it on Node 24).
// Everything is printed at the end, in one piece; nothing here prints a stack
// trace unless DASR_DEBUG=1, whatever goes wrong.

const debug = process.env.DASR_DEBUG === '1'

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`dasr: internal error: ${message.replace(/\s*[\r\n]+\s*/g, ' ').trim()}\n`)
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  process.exit(1)
}

process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)
// A reader that stops early (`dasr offences | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  fail(error)
})

try {
  if (process.argv[2] === 'serve') {
    // The one long-running command: it prints as it goes and stops on a signal.
    const [{ serve }, { UsageError }] = await Promise.all([import('./serve.ts'), import('./common.ts')])
    await serve(process.argv.slice(3)).catch((error: unknown) => {
      if (!(error instanceof UsageError)) throw error
      process.stderr.write(`${error.lines.join('\n')}\n`)
      process.exit(2)
    })
  } else {
    const { run } = await import('./main.ts')
    const result = await run(process.argv.slice(2), debug)
    if (result.stdout) process.stdout.write(result.stdout)
    if (result.stderr) process.stderr.write(result.stderr)
    process.exitCode = result.code
  }
} catch (error) {
  fail(error)
}
