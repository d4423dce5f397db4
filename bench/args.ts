// Command-line numbers shared by the benchmarks: "1_000_000" is allowed, and a
// bad value stops the run (exit code 2) before anything is measured.

export function positive(name: string, text: string, allowZero = false): number {
  const n = Number(text.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    console.error(`--${name} must be a whole number${allowZero ? '' : ' of at least 1'}, got ${text}`)
    process.exit(2)
  }
  return n
}
