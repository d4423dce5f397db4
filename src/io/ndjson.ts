// Newline-delimited JSON: one JSON value per line (LF or CRLF), read a chunk at
// a time. Blank lines are skipped; a byte order mark at the start is dropped.
// Lines are handed over as text with their line numbers: parsing them is the
// reader's job, so a line that is not JSON is reported, never fatal.

export interface NdjsonLine {
  line: number
  text: string
}

export class NdjsonSplitter {
  private rest = ''
  private line = 0
  private first = true

  push(chunk: string, out: NdjsonLine[]): void {
    let text = chunk
    if (this.first && text.length > 0) {
      this.first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    let start = 0
    let newline = text.indexOf('\n')
    if (newline === -1) {
      this.rest += text
      return
    }
    // The first line may continue what the previous chunk left.
    this.take(this.rest + text.slice(0, newline), out)
    this.rest = ''
    start = newline + 1
    newline = text.indexOf('\n', start)
    while (newline !== -1) {
      this.take(text.slice(start, newline), out)
      start = newline + 1
      newline = text.indexOf('\n', start)
    }
    this.rest = text.slice(start)
  }

  end(out: NdjsonLine[]): void {
    if (this.rest !== '') this.take(this.rest, out)
    this.rest = ''
  }

  private take(raw: string, out: NdjsonLine[]): void {
    this.line++
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (!/\S/.test(text)) return
    out.push({ line: this.line, text })
  }
}

export async function* ndjsonLines(source: AsyncIterable<string>): AsyncGenerator<NdjsonLine[]> {
  const splitter = new NdjsonSplitter()
  for await (const chunk of source) {
    const out: NdjsonLine[] = []
    splitter.push(chunk, out)
    if (out.length > 0) yield out
  }
  const out: NdjsonLine[] = []
  splitter.end(out)
  if (out.length > 0) yield out
}
