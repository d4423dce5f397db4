import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CsvParser, type CsvRecord, csvField, csvLine, csvRecords, parseCsv } from '../../src/io/csv.ts'
import { type NdjsonLine, NdjsonSplitter } from '../../src/io/ndjson.ts'

const fields = (records: CsvRecord[]) => records.map((r) => r.fields)

/** Parses `text` fed in pieces cut at the given offsets. */
function inPieces(text: string, cuts: number[]): CsvRecord[] {
  const parser = new CsvParser()
  const out: CsvRecord[] = []
  let from = 0
  for (const cut of [...cuts, text.length]) {
    parser.push(text.slice(from, cut), out)
    from = cut
  }
  parser.end(out)
  return out
}

describe('CSV parser (RFC 4180)', () => {
  test('plain fields, LF and CRLF line ends, a last line without one', () => {
    const records = parseCsv('a,b,c\r\n1,2,3\n4,5,6')
    assert.deepEqual(fields(records), [
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ])
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 3],
    )
  })

  test('quoted fields hold commas, doubled quotes and line breaks; line numbers count the breaks', () => {
    const text = 'name,note\r\n"Smith, Jane","said ""hello"""\r\n"O\'Brien","two\r\nlines\nhere"\r\nlast,x\r\n'
    const records = parseCsv(text)
    assert.deepEqual(fields(records), [
      ['name', 'note'],
      ['Smith, Jane', 'said "hello"'],
      ["O'Brien", 'two\r\nlines\nhere'],
      ['last', 'x'],
    ])
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 3, 6],
    )
    assert.ok(records.every((r) => r.error === undefined))
  })

  test('a byte order mark is dropped; blank lines are skipped but counted', () => {
    const records = parseCsv('\uFEFFfamilyName,givenNames\n\nSmith,Jane\r\n\r\n\nJones,Bob\n\n')
    assert.deepEqual(fields(records), [
      ['familyName', 'givenNames'],
      ['Smith', 'Jane'],
      ['Jones', 'Bob'],
    ])
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 3, 6],
    )
  })

  test('empty fields, a trailing comma, an empty quoted field', () => {
    assert.deepEqual(fields(parseCsv('a,,c\n,\n"",x,\n')), [
      ['a', '', 'c'],
      ['', ''],
      ['', 'x', ''],
    ])
  })

  test('a lone CR ends a record (old Mac files)', () => {
    assert.deepEqual(fields(parseCsv('a,b\r1,2\r')), [
      ['a', 'b'],
      ['1', '2'],
    ])
  })

  test('spaces are data, never trimmed', () => {
    assert.deepEqual(fields(parseCsv(' a , b \n')), [[' a ', ' b ']])
  })

  test('a quote inside an unquoted field is reported on that record, and the next records still read', () => {
    const records = parseCsv('a,b\n5\'10",tall\nok,fine\n')
    assert.equal(records[1]?.line, 2)
    assert.match(records[1]?.error ?? '', /field 1 has a quote \("\) but does not start with one/)
    assert.deepEqual(records[2], { line: 3, fields: ['ok', 'fine'] })
  })

  test('text after a closing quote is reported', () => {
    const records = parseCsv('"abc"def,x\n')
    assert.match(records[0]?.error ?? '', /field 1 has text after its closing quote/)
  })

  test('a quote still open at the end of the file is reported at the line it opened', () => {
    const records = parseCsv('a,b\n1,"never\nclosed\n')
    assert.equal(records.length, 2)
    assert.equal(records[1]?.line, 2)
    assert.match(records[1]?.error ?? '', /field 2 opens a quote that is never closed/)
  })

  test('the result does not depend on where the input is cut into chunks', () => {
    const text = '\uFEFFa,"b,\r\n""c"""\r\nx,y\r\n\r\n"",\rlast,"q"'
    const whole = parseCsv(text)
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        assert.deepEqual(inPieces(text, [i, j]), whole, `cut at ${i} and ${j}`)
      }
    }
  })

  test('csvRecords reads an async stream of chunks', async () => {
    async function* chunks() {
      yield 'a,b\r'
      yield '\n1,"x'
      yield '\ny"\n'
    }
    const all: CsvRecord[] = []
    for await (const batch of csvRecords(chunks())) all.push(...batch)
    assert.deepEqual(all, [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x\ny'] },
    ])
  })

  test('csvField quotes only what needs it, and what it writes reads back the same', () => {
    assert.equal(csvField('plain'), 'plain')
    assert.equal(csvField('a,b'), '"a,b"')
    assert.equal(csvField('say "hi"'), '"say ""hi"""')
    assert.equal(csvField(' edge'), '" edge"')
    assert.equal(csvField(null), '')
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' edge ', '', 'crlf\r\n']
    assert.deepEqual(parseCsv(csvLine(values))[0]?.fields, values)
  })
})

describe('NDJSON lines', () => {
  test('line numbers, blank lines skipped, CRLF, a BOM, and any chunking', () => {
    const text = '\uFEFF{"a":1}\r\n\n{"b":"x\\ny"}\n  \n{"c":3}'
    const expected: NdjsonLine[] = [
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"b":"x\\ny"}' },
      { line: 5, text: '{"c":3}' },
    ]
    for (let cut = 0; cut <= text.length; cut++) {
      const splitter = new NdjsonSplitter()
      const out: NdjsonLine[] = []
      splitter.push(text.slice(0, cut), out)
      splitter.push(text.slice(cut), out)
      splitter.end(out)
      assert.deepEqual(out, expected, `cut at ${cut}`)
    }
  })
})
