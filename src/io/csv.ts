// CSV as RFC 4180 describes it, read a chunk at a time: fields separated by
// commas, records by CRLF (LF or a lone CR also accepted), a field in double
// quotes may hold commas, quotes (doubled) and line breaks. A byte order mark at
// the start is dropped; blank lines are skipped. Each record carries the line
// it starts on, so a problem can be reported where an editor shows it.
//
// What RFC 4180 forbids is reported on the record, never guessed at: a quote
// inside an unquoted field, text after a closing quote, a quoted field still
// open at the end of the file.

export interface CsvRecord {
  /** The physical line (1-based) the record starts on. */
  line: number
  fields: string[]
  /** Set when the record breaks the format; `fields` is then what could be read. */
  error?: string
}

const COMMA = 44
const QUOTE = 34
const LF = 10
const CR = 13

const FIELD_START = 0
const UNQUOTED = 1
const QUOTED = 2
const CLOSING = 3 // a quote seen inside a quoted field: the end of it, or the first of a doubled quote

export class CsvParser {
  private state = FIELD_START
  private field = ''
  private fields: string[] = []
  private line = 1
  private recordLine = 1
  private error: string | undefined
  private first = true
  /** The previous chunk ended with CR: a LF starting this one belongs to it. */
  private afterCR = false

  /** Parses a chunk, appending each completed record to `out`. */
  push(chunk: string, out: CsvRecord[]): void {
    let text = chunk
    if (this.first && text.length > 0) {
      this.first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    let i = 0
    const n = text.length
    if (this.afterCR && n > 0) {
      this.afterCR = false
      if (text.charCodeAt(0) === LF) i = 1
    }
    let start = i
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      switch (this.state) {
        case FIELD_START:
          if (c === QUOTE) {
            this.state = QUOTED
            start = i + 1
          } else if (c === COMMA) {
            this.fields.push('')
          } else if (c === LF || c === CR) {
            if (this.fields.length > 0) this.fields.push('')
            i = this.endRecord(text, i, out)
          } else {
            this.state = UNQUOTED
            start = i
          }
          break
        case UNQUOTED:
          if (c === COMMA) {
            this.fields.push(this.field + text.slice(start, i))
            this.field = ''
            this.state = FIELD_START
          } else if (c === LF || c === CR) {
            this.fields.push(this.field + text.slice(start, i))
            this.field = ''
            i = this.endRecord(text, i, out)
          } else if (c === QUOTE) {
            this.error ??= `field ${this.fields.length + 1} has a quote (") but does not start with one: quote the whole field and double the quote ("")`
          }
          break
        case QUOTED:
          if (c === QUOTE) {
            this.field += text.slice(start, i)
            this.state = CLOSING
          } else if (c === LF) {
            this.line++
          }
          break
        case CLOSING:
          if (c === QUOTE) {
            this.field += '"'
            this.state = QUOTED
            start = i + 1
          } else if (c === COMMA) {
            this.fields.push(this.field)
            this.field = ''
            this.state = FIELD_START
          } else if (c === LF || c === CR) {
            this.fields.push(this.field)
            this.field = ''
            i = this.endRecord(text, i, out)
          } else {
            this.error ??= `field ${this.fields.length + 1} has text after its closing quote`
            this.state = UNQUOTED
            start = i
          }
          break
      }
    }
    if (this.state === UNQUOTED || this.state === QUOTED) this.field += text.slice(start, n)
  }

  /** Ends the input: a last record without a line break is completed, an open quote reported. */
  end(out: CsvRecord[]): void {
    if (this.state === QUOTED) {
      this.fields.push(this.field)
      out.push({
        line: this.recordLine,
        fields: this.fields,
        error: `field ${this.fields.length} opens a quote that is never closed (the file ends inside it)`,
      })
    } else if (this.state === UNQUOTED || this.state === CLOSING) {
      this.fields.push(this.field)
      this.emit(out)
    } else if (this.fields.length > 0) {
      this.fields.push('')
      this.emit(out)
    }
    this.fields = []
    this.field = ''
    this.state = FIELD_START
  }

  private emit(out: CsvRecord[]): void {
    const record: CsvRecord = { line: this.recordLine, fields: this.fields }
    if (this.error !== undefined) record.error = this.error
    out.push(record)
    this.fields = []
    this.error = undefined
  }

  /** At a CR or LF ending a record (or a blank line): emits it, returns the index of the last character used. */
  private endRecord(text: string, i: number, out: CsvRecord[]): number {
    if (this.fields.length > 0) this.emit(out)
    this.state = FIELD_START
    this.line++
    this.recordLine = this.line
    if (text.charCodeAt(i) === CR) {
      if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === LF) return i + 1
      } else {
        this.afterCR = true
      }
    }
    return i
  }
}

/** Parses a whole string (small inputs and tests). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser()
  const out: CsvRecord[] = []
  parser.push(text, out)
  parser.end(out)
  return out
}

/** Reads records from a stream of text chunks, a chunk's worth at a time. */
export async function* csvRecords(source: AsyncIterable<string>): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser()
  for await (const chunk of source) {
    const out: CsvRecord[] = []
    parser.push(chunk, out)
    if (out.length > 0) yield out
  }
  const out: CsvRecord[] = []
  parser.end(out)
  if (out.length > 0) yield out
}

// CSV injection (ASVS 1.2.10, OWASP "CSV Injection"): a spreadsheet opening
// an export runs a cell that starts with =, +, -, @, a tab or a CR as a
// formula. Such a text cell is written with a leading apostrophe, which
// spreadsheets show as text and do not evaluate. A cell that already starts
// with apostrophes before one of those characters gets one more, so reading
// back (`restoreCsvText`) is exact: the import takes an export unchanged.
const formulaStart = /^'*[=+\-@\t\r]/
const neutralised = /^'+[=+\-@\t\r]/

/** The text as a CSV cell may safely hold it. */
export const neutraliseCsvText = (text: string) => (formulaStart.test(text) ? `'${text}` : text)

/** The text a cell held before `neutraliseCsvText`. */
export const restoreCsvText = (text: string) => (neutralised.test(text) ? text.slice(1) : text)

/**
 * One field as RFC 4180 writes it: quoted when it holds a comma, a quote, a
 * line break or edge spaces; text that a spreadsheet would run as a formula is
 * neutralised (numbers and booleans cannot be formulas, and are written as they are).
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' ? neutraliseCsvText(value) : String(value)
  if (/[",\r\n]|^\s|\s$/.test(text)) return `"${text.replaceAll('"', '""')}"`
  return text
}

export const csvLine = (values: readonly (string | number | boolean | null | undefined)[]) =>
  `${values.map(csvField).join(',')}\r\n`
