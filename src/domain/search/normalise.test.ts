import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  fold,
  hasTerms,
  nameWords,
  niKey,
  onlineKey,
  phoneKey,
  readSearch,
  showNi,
  showPhone,
  showVehicle,
  vehicleKey,
} from './normalise.ts'

// What is typed is made comparable with what is stored: properties over any
// text, and the readings of a search box an officer would expect.

const letters = 'abcdefghijklmnopqrstuvwxyz'
const word = fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 12 })
const words = fc.array(word, { minLength: 1, maxLength: 5 })

/** Accents an officer (or a keyboard) might add to a plain letter. */
const accented: Record<string, string[]> = {
  a: ['á', 'à', 'â', 'ä', 'ã', 'å'],
  e: ['é', 'è', 'ê', 'ë'],
  i: ['í', 'ì', 'î', 'ï'],
  o: ['ó', 'ò', 'ô', 'ö', 'õ'],
  u: ['ú', 'ù', 'û', 'ü'],
  c: ['ç', 'č'],
  n: ['ñ', 'ń'],
  s: ['š', 'ś'],
  z: ['ž', 'ż'],
  y: ['ý', 'ÿ'],
}

describe('search: folding text into one alphabet', () => {
  it('leaves no accent, capital or combining mark, whatever the text, and folding twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const folded = fold(text)
        assert.equal(fold(folded), folded)
        assert.doesNotMatch(folded, /\p{M}/u)
        assert.equal(folded, folded.toLowerCase())
      }),
    )
  })

  it('a name reads the same with any accents, in any case', () => {
    fc.assert(
      fc.property(words, fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), fc.boolean(), (ws, choices, upper) => {
        const plain = ws.join(' ')
        let i = 0
        const dressed = [...plain]
          .map((letter) => {
            const options = accented[letter]
            const choice = choices[i++ % choices.length] as number
            return options === undefined || choice % 2 === 0 ? letter : (options[choice % options.length] as string)
          })
          .join('')
        assert.deepEqual(nameWords(upper ? dressed.toUpperCase() : dressed), nameWords(plain))
      }),
    )
  })

  it('hyphens, commas and runs of spaces separate words; apostrophes and full stops join them', () => {
    fc.assert(
      fc.property(
        words,
        fc.array(fc.constantFrom(' ', '-', ', ', '  ', ' - ', '_'), { minLength: 5, maxLength: 5 }),
        (ws, seps) => {
          const joined = ws.map((w, i) => (i === 0 ? w : `${seps[i % seps.length]}${w}`)).join('')
          assert.deepEqual(nameWords(joined), ws)
        },
      ),
    )
    assert.deepEqual(nameWords("Seán O'Brien-Smith"), ['sean', 'obrien', 'smith'])
    assert.deepEqual(nameWords('St. John'), ['st', 'john'])
  })

  it('romanises Cyrillic and Greek, and the Latin letters with no accent to strip', () => {
    assert.deepEqual(nameWords('Александр Петров'), ['aleksandr', 'petrov'])
    assert.deepEqual(nameWords('Олександр Шевченко'), ['oleksandr', 'shevchenko'])
    assert.deepEqual(nameWords('Γιώργος Παπαδόπουλος'), ['giorgos', 'papadopoulos'])
    assert.deepEqual(nameWords('Łukasz Wałęsa'), ['lukasz', 'walesa'])
    assert.deepEqual(nameWords('Søren Kierkegaard'), ['soren', 'kierkegaard'])
    assert.deepEqual(nameWords('Straße'), ['strasse'])
  })

  it('romanises Arabic script: its letters, an "a" for each unwritten short vowel, the vowels it does mark', () => {
    assert.deepEqual(nameWords('محمد'), ['mahamad'])
    assert.deepEqual(nameWords('مُحَمَّد'), ['muhamad'], 'marked vowels are read')
    assert.deepEqual(nameWords('يوسف القرنفلي'), ['yusaf', 'al', 'qaranafali'], 'the article is a word of its own')
    assert.deepEqual(nameWords('حسين'), ['hasin'], 'ya after a consonant is a vowel')
    assert.deepEqual(nameWords('وليد'), ['walid'], 'waw at the start is a consonant')
    assert.deepEqual(nameWords('عمر'), ['amar'], 'ayn is silent')
    assert.deepEqual(nameWords('أحمد'), ['ahmad'], 'a very common name is spelt out')
    assert.deepEqual(nameWords('ﻣﺤﻤﺪ'), ['mahamad'], 'presentation forms read as the letters')
    assert.deepEqual(nameWords('محمد، علي'), ['mahamad', 'ali'], 'Arabic punctuation separates')
  })

  it('folding Arabic script leaves only Latin letters, and folding again changes nothing', () => {
    const arabic = fc.string({
      unit: fc.integer({ min: 0x0600, max: 0x06ff }).map((code) => String.fromCodePoint(code)),
      maxLength: 20,
    })
    fc.assert(
      fc.property(arabic, fc.string({ maxLength: 5 }), (text, latin) => {
        const folded = fold(`${latin}${text}`)
        assert.equal(fold(folded), folded)
        assert.doesNotMatch(folded, /[\u0621-\u063A\u0641-\u064A]/u, 'no Arabic letter is left')
      }),
    )
  })
})

describe('search: reading a search box', () => {
  it('a phone number is found however it is written: spaces, brackets, +44', () => {
    fc.assert(
      // A UK number after its 0 starts with 1-9 (an international call starts 00).
      fc.property(fc.stringMatching(/^[1-9]\d{9}$/), (digits) => {
        const national = `0${digits}`
        const spaced = `${national.slice(0, 5)} ${national.slice(5)}`
        assert.equal(phoneKey(spaced), national)
        assert.equal(phoneKey(`+44 ${digits.slice(0, 4)} ${digits.slice(4)}`), national)
        assert.equal(phoneKey(`(${national.slice(0, 5)}) ${national.slice(5)}`), national)
      }),
    )
    assert.equal(phoneKey('12'), undefined)
    assert.equal(showPhone('07700900123'), '07700 900123')
    assert.equal(showPhone('02079460000'), '020 7946 0000')
  })

  it('a vehicle registration is found with or without its space, in any case', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPRSTUVWXYZ'), minLength: 2, maxLength: 2 }),
        fc.integer({ min: 10, max: 99 }),
        fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPRSTUVWXYZ'), minLength: 3, maxLength: 3 }),
        (area, age, random) => {
          const key = `${area}${age}${random}`
          assert.equal(vehicleKey(`${area}${age} ${random}`.toLowerCase()), key)
          assert.equal(vehicleKey(key), key)
          assert.equal(showVehicle(key), `${area}${age} ${random}`)
        },
      ),
    )
    assert.equal(vehicleKey('Smith'), undefined, 'a word alone is not a registration')
  })

  it('an NI number is found with spaces, in lower case, with or without its suffix letter', () => {
    assert.equal(niKey('ab 12 34 56 c'), 'AB123456C')
    assert.equal(niKey('AB123456'), 'AB123456')
    assert.equal(niKey('AB12345'), undefined)
    assert.equal(showNi('AB123456C'), 'AB 12 34 56 C')
  })

  it('each search box has the readings an officer would expect', () => {
    assert.deepEqual(readSearch('  Jon   Smyth '), { nameWords: ['jon', 'smyth'] })
    assert.deepEqual(readSearch('jonsmith'), { nameWords: ['jonsmith'], online: 'jonsmith' })
    assert.deepEqual(readSearch('@Jonny_S88'), { nameWords: [], online: 'jonny_s88' })
    assert.deepEqual(readSearch('AB12 CDE'), { nameWords: [], vehicle: 'AB12CDE' })
    assert.deepEqual(readSearch('ab 12 34 56 c'), { nameWords: [], ni: 'AB123456C' })
    assert.deepEqual(readSearch('07700 900123'), { nameWords: [], phone: '07700900123' })
    assert.deepEqual(readSearch('Jo.Smith@Example.test'), { nameWords: [], email: 'jo.smith@example.test' })
    assert.equal(onlineKey('two words'), undefined)
    assert.equal(hasTerms(readSearch('')), false)
    assert.equal(hasTerms(readSearch('J')), true, 'an online name of one letter')
    assert.equal(hasTerms(readSearch('J S')), false, 'initials alone find nobody')
  })
})
