// A name's sound: a key that is the same for the common ways of spelling the
// same name in English letters (Smith/Smyth, Jon/John, Mohammed/Muhammad,
// Aleksandr/Alexander, Catherine/Kathryn, Stephen/Steven), and a short list of
// spelling variants whose keys differ (Mehmet/Mohammed, Mohd/Mohammed).
//
// The database computes the same keys in SQL (name_sounds() in
// src/store/migrations/0007_search.sql), so a search finds candidates through
// an index; test/register/search.test.ts checks both give the same keys on
// every backend. Change one, change the other, in a new migration.

/**
 * How letters are made one, in order, each replaced everywhere in the word (as
 * JavaScript's replaceAll and PostgreSQL's replace() do, left to right,
 * without overlaps): letters and pairs that sound alike, then an h after a
 * consonant, which is silent (Rhys, Abhishek).
 */
export const spellingSteps: readonly (readonly [string, string])[] = [
  ['x', 'ks'],
  ['ph', 'f'],
  ['sch', 's'],
  ['tch', 'ch'],
  ['sh', 's'],
  ['ch', 'k'],
  ['ck', 'k'],
  ['ce', 'se'],
  ['ci', 'si'],
  ['cy', 'sy'],
  ['c', 'k'],
  ['q', 'k'],
  ['th', 't'],
  ['dh', 'd'],
  ['kh', 'k'],
  ['gh', 'g'],
  ['wh', 'w'],
  ['z', 's'],
  ['v', 'f'],
  ['d', 't'],
  ['bh', 'b'],
  ['fh', 'f'],
  ['gh', 'g'],
  ['jh', 'j'],
  ['kh', 'k'],
  ['lh', 'l'],
  ['mh', 'm'],
  ['nh', 'n'],
  ['ph', 'p'],
  ['rh', 'r'],
  ['sh', 's'],
  ['th', 't'],
]

/** An h before a vowel is heard (Mohammed, Hannah); any other is not (John, Ahmed, Sarah). */
export const hSteps: readonly (readonly [string, string])[] = [
  ['ha', 'Ha'],
  ['he', 'He'],
  ['hi', 'Hi'],
  ['ho', 'Ho'],
  ['hu', 'Hu'],
  ['hy', 'Hy'],
  ['h', ''],
]

/** The consonants left after the steps; a doubled one is made single (two passes: runs of up to four). */
export const consonants = 'bfgjklmnprst'

const vowels = 'aeiouyw'

/**
 * The key of one word in a-z (see `nameWords`): similar-sounding letters and
 * letter pairs made one, doubled letters made single, vowels dropped after the
 * first letter (a first vowel is kept as "A"). "mohammed" → "MHMT".
 */
export function soundOf(word: string): string {
  let s = word
  for (const [from, to] of spellingSteps) s = s.replaceAll(from, to)
  // A first y before a vowel is a consonant (Yusuf); elsewhere y is a vowel (Smyth).
  if (s.length > 1 && s.startsWith('y') && 'aeiou'.includes(s.charAt(1))) s = `Y${s.slice(1)}`
  for (const [from, to] of hSteps) s = s.replaceAll(from, to)
  for (const letter of consonants) s = s.replaceAll(letter + letter, letter).replaceAll(letter + letter, letter)
  if (s !== '' && vowels.includes(s.charAt(0))) s = `A${s.slice(1)}`
  return [...s]
    .filter((character) => !vowels.includes(character))
    .join('')
    .toUpperCase()
}

/**
 * The sound keys of a stored name (a search key value, "jon smyth" → JN,
 * SMT): one for each word of two letters or more; apostrophes join, hyphens
 * separate. Sorted, without repeats (name_sounds() in SQL gives the same keys
 * in no particular order). Words run together or split apart ("Maryann",
 * "Mary Ann") are the search's to try, so a stored name has a key per word only.
 */
export function nameSounds(value: string): string[] {
  const keys = new Set(
    value
      .replaceAll("'", '')
      .replaceAll('-', ' ')
      .split(' ')
      .filter((word) => word.length >= 2)
      .map(soundOf),
  )
  keys.delete('')
  return [...keys].sort()
}

// Spellings of the same name whose sound keys differ: romanisations of Arabic,
// Turkish, Russian and Ukrainian names and common abbreviations. Each group is
// one name; a word is in at most one group.
const variantGroups: readonly (readonly string[])[] = [
  [
    'muhammad',
    'mohammed',
    'mohamed',
    'mohammad',
    'muhammed',
    'mohamad',
    'muhamed',
    'mohammod',
    'mahomed',
    'mehmet',
    'mehmed',
    'mohd',
    'muhd',
    'md',
    'mukhammed',
    'mukhammad',
    'magomed',
  ],
  ['ahmed', 'ahmad', 'ahmet', 'akhmed', 'achmed'],
  [
    'aleksandr',
    'alexander',
    'aleksander',
    'alexandr',
    'oleksandr',
    'olexander',
    'alexandre',
    'alessandro',
    'alejandro',
  ],
  ['yusuf', 'yousef', 'youssef', 'yousif', 'yusef', 'jusuf', 'yussuf'],
  ['mikhail', 'michael', 'mykhailo', 'mikael', 'michal', 'mihail', 'mikhael'],
  ['dmitry', 'dmitri', 'dmitriy', 'dmytro', 'dimitri', 'dimitry'],
  ['sergei', 'sergey', 'serhiy', 'serhii', 'sergiy'],
  ['andrei', 'andrey', 'andriy', 'andrii'],
  ['yuri', 'yury', 'yuriy', 'yurii', 'iouri', 'juri', 'jurij'],
  ['evgeny', 'yevgeny', 'evgeniy', 'yevgeniy', 'yevhen', 'evgenii'],
  ['olga', 'olha'],
  ['natalia', 'natalya', 'nataliya'],
  ['ekaterina', 'yekaterina', 'kateryna', 'katerina'],
  ['abdullah', 'abdallah', 'abdulla', 'abdalla'],
  ['abdul', 'abdel', 'abdoul', 'abd'],
  ['hussain', 'hussein', 'husain', 'husein', 'hossein', 'hosein', 'hussien', 'husayn'],
  ['mustafa', 'mostafa', 'moustafa', 'mustapha', 'mustafah'],
  ['osman', 'usman', 'uthman', 'othman', 'osmann'],
  ['omar', 'umar', 'omer'],
  ['ibrahim', 'ebrahim', 'ibraheem', 'ibrahem'],
  ['yakub', 'yaqub', 'jakub', 'jacob', 'jakob', 'yacoub'],
  ['sean', 'shaun', 'shawn', 'shaughn'],
  ['piotr', 'pyotr', 'petr'],
]

const groupOf = new Map<string, number>()
variantGroups.forEach((group, index) => {
  for (const word of group) groupOf.set(word, index)
})

/** Whether two words are listed as spellings of the same name. */
export function sameNameVariant(a: string, b: string): boolean {
  const group = groupOf.get(a)
  return group !== undefined && group === groupOf.get(b)
}

/** The other spellings of a word (empty when none is listed). */
export function variantsOf(word: string): readonly string[] {
  const group = groupOf.get(word)
  return group === undefined ? [] : (variantGroups[group] ?? []).filter((other) => other !== word)
}

/** The sound keys a search for one word looks up: its own and its variants'. */
export function searchSounds(word: string): string[] {
  return [...new Set([word, ...variantsOf(word)].map(soundOf))].sort()
}
