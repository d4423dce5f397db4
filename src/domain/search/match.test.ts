import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { compareBirthDates, compareWords, editDistance, explain, type Found, matchName } from './match.ts'
import { nameWords, readSearch } from './normalise.ts'

// Whether a person matches what was typed, how well and why: properties of
// the matching (order, accents and case never matter; a name matches itself
// best), the distance it uses against a plain reference, and the reasons an
// officer reads.

const letters = 'abcdefghijklmnopqrstuvwxyz'
const word = fc.string({ unit: fc.constantFrom(...letters), minLength: 2, maxLength: 10 })
const name = fc.array(word, { minLength: 1, maxLength: 4 })

/** The textbook optimal string alignment distance, without the early stop. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  const at = (i: number, j: number) => (d[i] as number[])[j] as number
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, at(i - 2, j - 2) + 1)
      ;(d[i] as number[])[j] = value
    }
  }
  return at(a.length, b.length)
}

const shuffle = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

describe('search: matching a name', () => {
  it('the edit distance agrees with the textbook one, and stops early only above its limit', () => {
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, limit) => {
        const full = reference(a, b)
        assert.equal(editDistance(a, b), full)
        const limited = editDistance(a, b, limit)
        assert.equal(limited <= limit, full <= limit)
        if (full <= limit) assert.equal(limited, full)
      }),
    )
    assert.equal(editDistance('smtih', 'smith'), 1)
  })

  it('a name matches itself exactly, whatever the order of its words, and best in its own order', () => {
    fc.assert(
      fc.property(name, fc.nat(), (words, seed) => {
        const same = matchName(words, words)
        assert.equal(same?.kind, 'exact')
        assert.equal(same?.score, 1)
        const shuffled = matchName(shuffle(words, seed), words)
        assert.equal(shuffled?.kind, 'exact')
        assert.ok((shuffled?.score ?? 0) >= 0.98 && (shuffled?.score ?? 0) <= 1)
      }),
    )
  })

  it('a search for some of the words of a name matches it, less well than the whole name', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 4 }), (words) => {
        const part = matchName(words.slice(1), words)
        assert.ok(part !== undefined)
        assert.ok(part.score < 1)
      }),
    )
  })

  it('a word of the search that matches no word of the name means no match', () => {
    fc.assert(
      fc.property(name, (words) => {
        assert.equal(matchName([...words, 'qqqqqqqqqqqq'], words), undefined)
      }),
    )
  })

  it('a name written in Arabic script matches its common Latin spellings', () => {
    const matches = (latin: string, arabic: string) => matchName(nameWords(latin), nameWords(arabic))?.kind
    assert.equal(matches('Mohammed Al-Rashid', 'محمد الرشيد'), 'sounds-like')
    assert.equal(matches('Muhammad al Rashid', 'محمد الرشيد'), 'sounds-like')
    assert.equal(matches('Ahmed', 'أحمد'), 'sounds-like')
    assert.equal(matches('Yusuf Al-Qaranfuli', 'يوسف القرنفلي'), 'sounds-like')
    assert.equal(matches('Hussein', 'حسين'), 'sounds-like')
    assert.equal(matches('Fatima', 'فاطمة'), 'sounds-like')
    assert.equal(matches('Khalid', 'خالد'), 'sounds-like')
    assert.equal(matches('Abdullah', 'عبدالله'), 'exact')
    assert.equal(matches('John Smith', 'محمد الرشيد'), undefined)
  })

  it('accents, case, hyphens and word order never change whether or how a name matches', () => {
    const recorded = nameWords('José María García-López')
    for (const typed of [
      'jose maria garcia lopez',
      'GARCÍA LÓPEZ, José María',
      'Lopez Garcia Jose Maria',
      'José María García López',
    ]) {
      assert.equal(matchName(nameWords(typed), recorded)?.kind, 'exact', typed)
    }
    assert.equal(matchName(nameWords('Garcialopez Jose'), recorded)?.kind, 'exact', 'two words run together')
  })

  it('words compare as the same, variants, sounds, close spellings or starts', () => {
    assert.equal(compareWords('smith', 'smith'), 'exact')
    assert.equal(compareWords('mehmet', 'mohammed'), 'variant')
    assert.equal(compareWords('smyth', 'smith'), 'sound')
    assert.equal(compareWords('snith', 'smith'), 'spelling')
    assert.equal(compareWords('j', 'john'), 'start')
    assert.equal(compareWords('moh', 'mohammed'), 'start')
    assert.equal(compareWords('jones', 'smith'), undefined)
    // A name written in Arabic script, romanised, against its common Latin spellings.
    assert.equal(compareWords('mohammed', 'mahamad'), 'sound')
    assert.equal(compareWords('muhammad', 'mahamad'), 'sound')
    assert.equal(compareWords('osman', 'athaman'), 'variant', 'sounds like a listed spelling (uthman)')
    assert.equal(matchName(['j', 's'], ['john', 'smith']), undefined, 'initials alone match nothing')
    assert.equal(matchName(['j', 'smith'], ['john', 'smith'])?.kind, 'start')
  })

  it('dates of birth: the same day, or the day and month swapped', () => {
    assert.equal(compareBirthDates('1985-03-04', '1985-03-04'), 'same')
    assert.equal(compareBirthDates('1985-04-03', '1985-03-04'), 'day-and-month-swapped')
    assert.equal(compareBirthDates('1986-03-04', '1985-03-04'), undefined)
  })
})

describe('search: why a person matched', () => {
  const person: Found = {
    names: [
      { label: 'Name', text: 'Mohammed Al-Rashid', current: true },
      { label: 'Alias', text: 'Jon Smyth', current: true },
    ],
    dateOfBirth: '1988-03-14',
    ni: 'AB123456C',
    keys: [
      { kind: 'vehicle', value: 'ZZ61QXT', current: true },
      { kind: 'phone', value: '07700900777', current: false },
      { kind: 'online', value: 'jonny_s88', current: true, platform: 'ExampleChat' },
    ],
  }
  const why = (typed: string, dateOfBirth?: string) => explain(typed, readSearch(typed), dateOfBirth, person)

  it('says which name matched and how, quoting what was typed', () => {
    assert.deepEqual(why('John Smith')?.reasons, [{ kind: 'name', text: 'Alias ‘Jon Smyth’ sounds like ‘John Smith’' }])
    assert.deepEqual(why('rashid mohammed')?.reasons, [{ kind: 'name', text: 'Name ‘Mohammed Al-Rashid’ matches' }])
    assert.deepEqual(why('Muhammad  Alrashid')?.reasons, [
      { kind: 'name', text: 'Name ‘Mohammed Al-Rashid’ sounds like ‘Muhammad Alrashid’' },
    ])
    assert.deepEqual(why('Mohammed Al-Rasjid')?.reasons, [
      { kind: 'name', text: 'Name ‘Mohammed Al-Rashid’ is spelt like ‘Mohammed Al-Rasjid’' },
    ])
    assert.deepEqual(why('M Al-Rashid')?.reasons, [
      { kind: 'name', text: 'Name ‘Mohammed Al-Rashid’ fits ‘M Al-Rashid’' },
    ])
  })

  it('says which other detail matched, as it is written, and when it is no longer current', () => {
    assert.equal(why('zz61 qxt')?.reasons[0]?.text, 'Vehicle registration ZZ61 QXT')
    assert.equal(why('+44 7700 900777')?.reasons[0]?.text, 'Phone number 07700 900777 (no longer current)')
    assert.equal(why('@Jonny_S88')?.reasons[0]?.text, 'Online name ‘jonny_s88’ on ExampleChat')
    assert.equal(why('ab123456')?.reasons[0]?.text, 'National Insurance number AB 12 34 56 C')
  })

  it('a date of birth adds to a match and says so, but never makes one on its own', () => {
    const without = why('John Smith')
    const withDate = why('John Smith', '1988-03-14')
    assert.ok(without !== undefined && withDate !== undefined)
    assert.ok(withDate.score > without.score)
    assert.equal(withDate.reasons.at(-1)?.text, 'Date of birth matches')
    assert.equal(why('Peter Jones', '1988-03-14'), undefined, 'a date of birth alone finds nobody')
    assert.equal(why('John Smith', '1990-01-01')?.reasons.length, 1, 'another date adds nothing')
  })

  it('a closer match ranks higher: the exact name above a sound-alike, the name above an alias', () => {
    fc.assert(
      fc.property(name, (words) => {
        const text = words.join(' ')
        const found: Found = {
          names: [
            { label: 'Name', text, current: true },
            { label: 'Alias', text, current: true },
          ],
          keys: [],
        }
        const exact = explain(text, readSearch(text), undefined, found)
        assert.ok(exact !== undefined)
        assert.match(exact.reasons[0]?.text ?? '', /^Name ‘.*’ matches$/)
        const aliasOnly = explain(text, readSearch(text), undefined, {
          names: [found.names[1] as Found['names'][number]],
          keys: [],
        })
        assert.ok(aliasOnly !== undefined && aliasOnly.score < exact.score)
      }),
    )
  })
})
