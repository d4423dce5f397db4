import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { nameWords } from './normalise.ts'
import { nameSounds, sameNameVariant, searchSounds, soundOf, variantsOf } from './phonetic.ts'

// The sound key: spellings of one name share it; properties over any word,
// and the pairs the issue names (Mohammed/Muhammad/Mohamed,
// Aleksandr/Alexander, Smyth/Smith, Jon/John).

const letters = 'abcdefghijklmnopqrstuvwxyz'
const word = fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 14 })

describe('search: the sound of a name', () => {
  it('spellings of the same name sound the same', () => {
    const groups = [
      ['Mohammed', 'Muhammad', 'Mohamed', 'Mohammad', 'Muhammed', 'Mohamad'],
      ['Aleksandr', 'Alexander', 'Aleksander', 'Alexandr', 'Oleksandr'],
      ['Smith', 'Smyth', 'Smithe', 'Smythe'],
      ['Jon', 'John', 'Jhon', 'Jonh'],
      ['Catherine', 'Katherine', 'Kathryn', 'Katharine'],
      ['Stephen', 'Steven', 'Stefan'],
      ['Philip', 'Phillip', 'Filip'],
      ['Sean', 'Shaun', 'Shawn'],
      ['Ahmed', 'Ahmad'],
      ['Yusuf', 'Youssef', 'Yousef'],
      ['Ibrahim', 'Ebrahim'],
      ['McDonald', 'MacDonald'],
      ['Rhys', 'Rees', 'Reece'],
      ['Hannah', 'Hana'],
      ['Zhukov', 'Shukov'],
      ['Nicholas', 'Nikolas', 'Nicolas'],
    ]
    for (const group of groups) {
      const keys = new Set(group.map((name) => soundOf(nameWords(name)[0] as string)))
      assert.equal(keys.size, 1, `${group.join(', ')}: ${[...keys].join(', ')}`)
    }
  })

  it('different names sound different', () => {
    for (const [a, b] of [
      ['Smith', 'Jones'],
      ['John', 'James'],
      ['Mohammed', 'Mahmood'],
      ['Alexander', 'Alexis'],
      ['Sarah', 'Susan'],
    ] as const) {
      assert.notEqual(soundOf(a.toLowerCase()), soundOf(b.toLowerCase()), `${a} and ${b}`)
    }
  })

  it('is upper-case letters only, never empty for a word with a consonant, and a first vowel is A', () => {
    fc.assert(
      fc.property(word, (w) => {
        const key = soundOf(w)
        assert.match(key, /^[A-Z]*$/)
        if (/[bcdfgjklmnpqrstvxz]/.test(w)) assert.notEqual(key, '')
        if (/^[aeiou]/.test(w)) assert.equal(key[0], 'A')
      }),
    )
  })

  it('vowels after the first letter do not matter, so long as a vowel stays a vowel of the same kind', () => {
    // a, o and u can be swapped anywhere after the first letter (e and i change a c before them).
    fc.assert(
      fc.property(word, fc.nat(), fc.constantFrom('a', 'o', 'u'), (w, at, vowel) => {
        const positions = [...w].map((c, i) => (i > 0 && 'aou'.includes(c) ? i : -1)).filter((i) => i >= 0)
        fc.pre(positions.length > 0)
        const i = positions[at % positions.length] as number
        const changed = `${w.slice(0, i)}${vowel}${w.slice(i + 1)}`
        assert.equal(soundOf(changed), soundOf(w), `${w} → ${changed}`)
      }),
    )
  })

  it('a doubled consonant sounds as a single one', () => {
    // Around it, letters that make no pair with it (no h after it, no run of it longer than two).
    const around = fc.string({ unit: fc.constantFrom(...'aeiouygkms'), maxLength: 6 })
    fc.assert(
      fc.property(around, around, fc.constantFrom(...'bfjlnprt'), (before, after, consonant) => {
        assert.equal(soundOf(`${before}${consonant}${consonant}${after}`), soundOf(`${before}${consonant}${after}`))
      }),
    )
  })

  it('a stored name has one key per word of two letters or more, sorted, without repeats', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), fc.constantFrom(' ', '-', '  '), (ws, separator) => {
        const value = ws.join(separator)
        const keys = nameSounds(value)
        assert.deepEqual(keys, [...new Set(keys)].sort())
        for (const w of ws.filter((x) => x.length >= 2)) {
          if (soundOf(w) !== '') assert.ok(keys.includes(soundOf(w)), `${w} in ${value}`)
        }
        assert.ok(keys.length <= ws.length)
      }),
    )
    assert.deepEqual(nameSounds("mary-ann o'brien"), ['ABRN', 'AN', 'MR'])
  })

  it('listed spellings whose sounds differ are variants of each other, and a search looks up all their sounds', () => {
    assert.ok(sameNameVariant('mehmet', 'mohammed'))
    assert.ok(sameNameVariant('mohd', 'muhammad'))
    assert.ok(!sameNameVariant('mohammed', 'ahmed'))
    assert.ok(!sameNameVariant('smith', 'smith'), 'a word is not a variant of itself unless listed')
    assert.ok(variantsOf('mehmet').includes('mohammed'))
    assert.ok(searchSounds('mehmet').includes(soundOf('mohammed')))
    assert.deepEqual(searchSounds('smith'), [soundOf('smith')])
    for (const w of ['muhammad', 'aleksandr', 'yusuf', 'hussain', 'dmitry']) {
      for (const other of variantsOf(w)) assert.ok(sameNameVariant(other, w), `${other} ~ ${w}`)
    }
  })
})
