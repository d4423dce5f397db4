import assert from 'node:assert/strict'
import { test } from 'node:test'
import { day } from '../dates/day.ts'
import { offenceCatalogue } from './catalogue.ts'
import { isSchedule15On, offence, offenceCodes, resolveOffenceCode } from './offences.ts'

const required = [
  'PHA1997-s2',
  'PHA1997-s2A',
  'PHA1997-s4',
  'PHA1997-s4A',
  'PHA1997-s5',
  'SCA2015-s76',
  'SCA2015-s75A',
  'OAPA1861-s16',
  'OAPA1861-s18',
  'OAPA1861-s20',
  'OAPA1861-s47',
  'CJA1988-s39',
  'CDA1971-s1',
  'SOA2003-s1',
  'FLA1996-s42A',
  'SPA2019-s8',
  'DAA2021-s39',
  'MADPA1965-s1',
]

test('the catalogue holds every offence the issue lists, with stable codes', () => {
  for (const code of required) assert.ok(offenceCodes.includes(code as never), `${code} missing`)
  for (const code of offenceCodes) assert.match(code, /^[A-Z]+\d{4}-s\d+[A-Z]?$/)
  assert.equal(new Set(offenceCodes).size, offenceCodes.length)
})

test('every entry has a statute, a penalty consistent with its mode of trial, and Sch.15 status', () => {
  for (const entry of offenceCatalogue) {
    assert.ok(entry.statute.length > 10, entry.code)
    if (entry.modeOfTrial === 'summary-only') assert.equal(entry.maxPenalty.onIndictment, null, entry.code)
    if (entry.modeOfTrial === 'indictable-only') assert.equal(entry.maxPenalty.summaryMonths, null, entry.code)
    if (entry.modeOfTrial === 'either-way') assert.notEqual(entry.maxPenalty.onIndictment, null, entry.code)
  }
})

test('specified stalking offences are exactly PHA 1997 s.2A and s.4A', () => {
  const specified = offenceCatalogue.filter((o) => o.specifiedStalking).map((o) => o.code)
  assert.deepEqual(specified.sort(), ['PHA1997-s2A', 'PHA1997-s4A'])
})

test('maximum penalties of the core offences', () => {
  assert.equal(offence('PHA1997-s4A').maxPenalty.onIndictment, 10)
  assert.equal(offence('SCA2015-s76').maxPenalty.onIndictment, 5)
  assert.equal(offence('OAPA1861-s18').maxPenalty.onIndictment, 'life')
  assert.equal(offence('PHA1997-s2A').maxPenalty.summaryMonths, 6)
  assert.equal(offence('CJA1988-s39').modeOfTrial, 'summary-only')
})

test('CCB is a Sch.15 (MAPPA Category 2) offence only from 3 February 2025', () => {
  assert.equal(isSchedule15On('SCA2015-s76', day('2025-02-02')), false)
  assert.equal(isSchedule15On('SCA2015-s76', day('2025-02-03')), true)
  assert.equal(isSchedule15On('OAPA1861-s47', day('2000-01-01')), true)
  assert.equal(isSchedule15On('CJA1988-s39', day('2025-06-01')), false)
})

test('codes resolve case-insensitively, and murder by its common name', () => {
  assert.equal(resolveOffenceCode('pha1997-s4a'), 'PHA1997-s4A')
  assert.equal(resolveOffenceCode('murder'), 'MADPA1965-s1')
  assert.equal(resolveOffenceCode('PHA1997-s9'), undefined)
})
