import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { redactFact, scrubText, thirdPartyTerms, withheld } from './redaction.ts'

const victim = {
  familyName: 'Thistlewood',
  givenNames: 'Marigold',
  phone: '07700900123',
  email: 'm.t@example.test',
  addressLines: ['7 Lantern Yard', undefined, 'ZZ9 9ZZ'],
}

test('third parties are withheld by full name, name part, phone however spaced, e-mail and address (s.45(4)(e))', () => {
  const terms = thirdPartyTerms(
    [victim, { fullName: 'Omar Officer', email: 'omar@example.test', byNamePart: false }],
    ['Barnaby', 'Wolstenholme'],
  )
  const text = scrubText(
    'Marigold THISTLEWOOD rang from 07700 900 123 (+44 7700 900123); wrote to m.t@example.test; seen at Lantern Yard, ZZ9 9ZZ. Omar Officer, the officer, saw Barnaby Wolstenholme.',
    terms,
  )
  for (const gone of ['Marigold', 'THISTLEWOOD', '900 123', '7700 900123', 'm.t@example', 'Lantern', 'ZZ9', 'Omar']) {
    assert.equal(text.includes(gone), false, gone)
  }
  assert.ok(text.includes('the officer'), 'a member of staff is withheld by whole name only')
  assert.ok(text.includes('Barnaby Wolstenholme'), "the subject's own name stays")
})

test("a relative who shares the subject's family name is withheld by full and given name, never the shared name", () => {
  const terms = thirdPartyTerms([{ familyName: 'Wolstenholme', givenNames: 'Ada' }], ['Barnaby', 'Wolstenholme'])
  assert.equal(scrubText('Ada Wolstenholme and Barnaby Wolstenholme', terms), `${withheld} and Barnaby Wolstenholme`)
  assert.equal(scrubText('Ada said', terms), `${withheld} said`)
})

test('name parts are matched as whole words only', () => {
  const terms = thirdPartyTerms([{ familyName: 'Lee', givenNames: 'Ann' }], [])
  assert.equal(scrubText('Annual planning at Leeds', terms), 'Annual planning at Leeds')
  assert.equal(scrubText('Ann Lee called', terms), `${withheld} called`)
})

test("facts lose other people's fields: victims' ids and ages, partners' names, a child's household, plan owners", () => {
  const terms = thirdPartyTerms([victim], [])
  assert.deepEqual(
    redactFact(
      'conviction',
      { offence: 'PHA1997-s4A', victims: [{ id: 'v-1', relationship: 'ex-partner', ageAtOffence: 31 }] },
      terms,
    ),
    { offence: 'PHA1997-s4A', victims: [{ relationship: 'ex-partner', details: withheld }] },
  )
  assert.deepEqual(
    redactFact('relationship', { relationshipType: 'partner', otherPartyName: 'Rosa', otherPartyVictimId: 'x' }, terms),
    { relationshipType: 'partner', otherPartyName: withheld },
  )
  assert.deepEqual(redactFact('child-household', { line1: '3 Acorn Close', town: 'Othertown' }, terms), {
    line1: withheld,
    town: withheld,
  })
  assert.deepEqual(
    redactFact(
      'civil-order',
      { conditions: ['Not to contact Marigold Thistlewood'], protectedVictimIds: ['v'] },
      terms,
    ),
    { conditions: [`Not to contact ${withheld}`] },
  )
  assert.deepEqual(
    redactFact(
      'risk-management-plan',
      { summary: 'ok', actions: [{ action: 'visit', owner: 'PC Dana' }], sharedWithPartners: ['x'] },
      terms,
    ),
    { summary: 'ok', actions: [{ action: 'visit', owner: withheld }] },
  )
  assert.deepEqual(redactFact('incident', { date: '2024-01-01', victimId: 'v', perpetratorId: 'p' }, terms), {
    date: '2024-01-01',
  })
})

const name = fc.stringMatching(/^[A-Z][a-z]{3,10}$/)

test('property: a known third party never survives scrubbing, wherever and however cased', () => {
  fc.assert(
    fc.property(name, name, fc.string(), fc.string(), fc.boolean(), (given, family, before, after, upper) => {
      const terms = thirdPartyTerms([{ givenNames: given, familyName: family }], ['Subjectname'])
      const full = `${given} ${family}`
      const text = scrubText(`${before} ${upper ? full.toUpperCase() : full} ${after}`, terms)
      assert.equal(text.toLowerCase().includes(full.toLowerCase()), false)
      assert.ok(text.includes(withheld))
    }),
  )
})

test('property: text naming no third party is unchanged', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9 ,.]{0,80}$/), (text) => {
      const terms = thirdPartyTerms([{ givenNames: 'Marigold', familyName: 'Thistlewood', phone: '07700900123' }], [])
      assert.equal(
        scrubText(text.replace(/marigold|thistlewood/g, ''), terms),
        text.replace(/marigold|thistlewood/g, ''),
      )
    }),
  )
})
