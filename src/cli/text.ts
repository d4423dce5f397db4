// Plain-text layout for the terminal: word wrapping and tables that fit a
// fixed width (100 columns), no colours, so reports can be printed or pasted
// into a case record.

export const pageWidth = 100

/**
 * Wraps text to lines of at most `width` characters (`firstWidth` for the
 * first line); words longer than a line are split. '\n' starts a new line.
 */
export function wrap(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = []
  const room = () => Math.max(1, lines.length === 0 ? firstWidth : width)
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (let word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line && line.length + 1 + word.length <= room()) {
        line += ` ${word}`
        continue
      }
      if (line) lines.push(line)
      line = ''
      while (word.length > room()) {
        const cut = room()
        lines.push(word.slice(0, cut))
        word = word.slice(cut)
      }
      line = word
    }
    lines.push(line)
  }
  return lines
}

/**
 * Wraps text after a first-line prefix, with a hanging indent for the rest:
 * `hanging('    ✓ ', 'rule — explanation', 6)`.
 */
export function hanging(prefix: string, text: string, indent: number, width = pageWidth): string[] {
  const first = prefix.padEnd(indent)
  const body = wrap(text, Math.max(20, width - indent), Math.max(20, width - first.length))
  return body.map((line, i) => (i === 0 ? first + line : ' '.repeat(indent) + line).trimEnd())
}

export interface Column {
  header: string
  /** Flexible columns shrink (their cells wrap) when the table would be wider than the page. */
  flex?: boolean
}

const gap = '  '

/** A table whose cells may hold several lines ('\n') and whose flexible columns wrap to fit. */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[], width = pageWidth): string[] {
  const cellLines = (text: string) => text.split('\n')
  const natural = columns.map((column, c) =>
    Math.max(column.header.length, ...rows.flatMap((row) => cellLines(row[c] ?? '').map((line) => line.length))),
  )
  const widths = [...natural]
  const total = () => widths.reduce((sum, w) => sum + w, 0) + gap.length * (columns.length - 1)
  if (total() > width) {
    const flexible = columns.map((column, c) => (column.flex ? c : -1)).filter((c) => c >= 0)
    const fixed = total() - flexible.reduce((sum, c) => sum + (widths[c] ?? 0), 0)
    const available = Math.max(width - fixed, 0)
    const wanted = flexible.reduce((sum, c) => sum + (natural[c] ?? 0), 0)
    // Each flexible column gets a share of the room in proportion to its natural width.
    for (const c of flexible) {
      widths[c] = Math.max(Math.min(8, natural[c] ?? 0), Math.floor(((natural[c] ?? 0) * available) / wanted))
    }
  }
  const render = (cells: readonly string[]): string[] => {
    const wrapped = columns.map((_, c) => cellLines(cells[c] ?? '').flatMap((line) => wrap(line, widths[c] ?? 1)))
    const height = Math.max(...wrapped.map((lines) => lines.length))
    const out: string[] = []
    for (let i = 0; i < height; i++) {
      out.push(
        wrapped
          .map((lines, c) => (lines[i] ?? '').padEnd(widths[c] ?? 0))
          .join(gap)
          .trimEnd(),
      )
    }
    return out
  }
  return [
    ...render(columns.map((column) => column.header)),
    widths.map((w) => '-'.repeat(w)).join(gap),
    ...rows.flatMap(render),
  ]
}
