// What a person typed into the search box, made comparable with what the
// register holds: one alphabet (a-z), no accents, no case, names split into
// words however they were joined. Pure: the search service (src/app/search.ts)
// and the stored search keys (src/contracts/register/facts.ts) both use it.

// Romanisation of the scripts officers meet most in names given to the police:
// Cyrillic (Russian and Ukrainian, close to BGN/PCGN), Greek (ELOT 743) and
// Arabic (below).
// Only the spelling matters, not a scholarly transcription: the phonetic key
// and the spelling variants take up the rest ("Мухаммед" → "mukhammed").
const cyrillic: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  ґ: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  є: 'ye',
  ж: 'zh',
  з: 'z',
  и: 'i',
  і: 'i',
  ї: 'yi',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
}

const greek: Record<string, string> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
}

// Latin letters that Unicode does not decompose into a base letter and an accent.
const latin: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŀ: 'l',
}

const letterMap: Record<string, string> = { ...cyrillic, ...greek, ...latin }

// Arabic script (Arabic, and the letters Persian and Urdu add), romanised as
// names are commonly spelt in English rather than by a scholarly system
// (close to the UNGEGN/BGN simplified forms, without diacritics): the letters
// below, and for the short vowels the script does not write, an "a" between
// two consonants, or the vowel the text does mark (fatha a, damma u, kasra i,
// sukun none). Alif is "a"; waw and ya are the vowels "u" and "i" after a
// consonant and the consonants "w" and "y" elsewhere; ayn and hamza are
// silent; the article "al-" is split off as its own word. The sound keys do
// the rest: "محمد" → "mahamad", which sounds like Mohammed (MHMT); "حسين" →
// "hasin", like Hussein (HSN). A few very common names whose unwritten vowels
// the rule gets wrong are spelt out (`arabicNames`).
const arabicConsonants: Record<string, string> = {
  ء: '',
  أ: '',
  إ: '',
  ؤ: '',
  ئ: '',
  ب: 'b',
  ت: 't',
  ث: 'th',
  ج: 'j',
  ح: 'h',
  خ: 'kh',
  د: 'd',
  ذ: 'dh',
  ر: 'r',
  ز: 'z',
  س: 's',
  ش: 'sh',
  ص: 's',
  ض: 'd',
  ط: 't',
  ظ: 'z',
  ع: '',
  غ: 'gh',
  ف: 'f',
  ق: 'q',
  ك: 'k',
  ل: 'l',
  م: 'm',
  ن: 'n',
  ه: 'h',
  // Persian and Urdu.
  پ: 'p',
  چ: 'ch',
  ژ: 'zh',
  ک: 'k',
  گ: 'g',
  ٹ: 't',
  ڈ: 'd',
  ڑ: 'r',
  ں: 'n',
  ہ: 'h',
  ھ: 'h',
}

/** Letters that are always vowels: alif (with or without hamza or madda), alif maqsura, ta marbuta. */
const arabicVowels: Record<string, string> = { ا: 'a', آ: 'a', ٱ: 'a', ى: 'a', ة: 'a', ۀ: 'a', ے: 'e' }

/** Ya and waw: a vowel after a consonant, a consonant elsewhere. */
const arabicGlides: Record<string, readonly [consonant: string, vowel: string]> = {
  و: ['w', 'u'],
  ي: ['y', 'i'],
  ی: ['y', 'i'],
}

/** The short vowels when the text marks them. */
const arabicMarks: Record<string, string> = { '\u064E': 'a', '\u064F': 'u', '\u0650': 'i', '\u0652': '', '\u0670': 'a' }

/** Names written so often, with vowels the rule above gets wrong, that they are spelt out. */
const arabicNames: Record<string, string> = {
  أحمد: 'ahmad',
  احمد: 'ahmad',
  محمود: 'mahmud',
  عبدالله: 'abdullah',
  الله: 'allah',
  الياس: 'ilyas',
}

/** One word of Arabic script (letters, and any vowel marks) in a-z. */
function arabicWord(word: string): string {
  const bare = word.replace(/[\u064B-\u065F\u0670\u0640]/gu, '')
  const named = arabicNames[bare]
  if (named !== undefined) return named
  if (bare.startsWith('ال') && [...bare].length > 3) return `al-${arabicWord(word.slice(word.indexOf('ل') + 1))}`
  const letters = [...word]
  let out = ''
  // The last letter was a consonant with no vowel after it yet.
  let open = false
  letters.forEach((letter, i) => {
    const mark = arabicMarks[letter]
    if (mark !== undefined) {
      out += mark
      open = false
      return
    }
    const glide = arabicGlides[letter]
    const next = letters[i + 1]
    const beforeVowel = next !== undefined && (next in arabicVowels || next in arabicGlides)
    let roman: string
    let consonant: boolean
    if (glide !== undefined) {
      consonant = !open || beforeVowel
      roman = consonant ? glide[0] : glide[1]
    } else if (letter in arabicVowels) {
      roman = arabicVowels[letter] as string
      consonant = false
    } else if (letter in arabicConsonants) {
      roman = arabicConsonants[letter] as string
      consonant = true
    } else {
      // Tatweel, tanwin and shadda: nothing to say.
      return
    }
    if (consonant && open) out += 'a'
    out += roman
    open = consonant
  })
  return out
}

/**
 * Arabic script in a-z; the rest of the text as it was. Compatibility forms
 * (presentation forms, the mathematical letters) are read as the letters they
 * stand for; NFKD afterwards gives the same as without this step.
 */
function romaniseArabic(text: string): string {
  const composed = text.normalize('NFKC')
  return arabicScript.test(composed) ? composed.replace(/[\u0621-\u065F\u0670-\u06D3]+/gu, arabicWord) : text
}

const arabicScript = /[\u0600-\u06FF]/u

/**
 * Lower case, in the Latin alphabet without accents: "José" → "jose",
 * "Łukasz" → "lukasz", "Александр" → "aleksandr", "محمد" → "mahamad".
 * Characters with no romanisation here are kept (and dropped later by whoever
 * wants letters only).
 */
export function fold(text: string): string {
  const lower = romaniseArabic(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // Greek vowel pairs read as one sound (ELOT 743).
    .replaceAll('ου', 'ou')
    .replaceAll('αυ', 'av')
    .replaceAll('ευ', 'ev')
  let out = ''
  for (const character of lower) out += letterMap[character] ?? character
  return out
}

/**
 * The words of a name, in a-z only: apostrophes and full stops join
 * ("O'Brien" → "obrien", "St. John" → "st", "john"), anything else separates
 * (spaces, hyphens, commas), so "Smith-Jones", "Smith Jones" and "SMITH, Jones"
 * have the same words.
 */
export function nameWords(text: string): string[] {
  return fold(text)
    .replace(/['’‘`.]/g, '')
    .split(/[^a-z]+/)
    .filter((word) => word !== '')
}

/** A phone number as the register keys it: digits only, a UK international prefix as 0. */
export function phoneKey(text: string): string | undefined {
  const compact = text.replace(/[\s().-]/g, '')
  if (!/^\+?\d{7,15}$/.test(compact)) return undefined
  if (compact.startsWith('+44')) return `0${compact.slice(3)}`
  if (compact.startsWith('0044')) return `0${compact.slice(4)}`
  return compact
}

/** "07700900123" → "07700 900123", "02079460000" → "020 7946 0000"; other numbers as they are. */
export function showPhone(key: string): string {
  if (/^07\d{9}$/.test(key)) return `${key.slice(0, 5)} ${key.slice(5)}`
  if (/^02\d{9}$/.test(key)) return `${key.slice(0, 3)} ${key.slice(3, 7)} ${key.slice(7)}`
  return key
}

/** A vehicle registration as the register keys it: upper case, no spaces. */
export function vehicleKey(text: string): string | undefined {
  const compact = text.replace(/[\s-]/g, '').toUpperCase()
  // A mark has letters and digits; a word alone is a name, a number alone a phone.
  if (!/^[A-Z0-9]{2,10}$/.test(compact) || !/[A-Z]/.test(compact) || !/\d/.test(compact)) return undefined
  return compact
}

/** "AB12CDE" → "AB12 CDE" (the current GB format); other marks as they are. */
export function showVehicle(key: string): string {
  return /^[A-Z]{2}\d{2}[A-Z]{3}$/.test(key) ? `${key.slice(0, 4)} ${key.slice(4)}` : key
}

/**
 * A National Insurance number, or its first eight characters (the suffix
 * letter is often left off): upper case without spaces.
 */
export function niKey(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase()
  return /^[A-Z]{2}\d{6}[A-D]?$/.test(compact) ? compact : undefined
}

/** "AB123456C" → "AB 12 34 56 C", as printed on the card. */
export function showNi(value: string): string {
  const match = /^([A-Z]{2})(\d{2})(\d{2})(\d{2})([A-D]?)$/.exec(value)
  return match === null
    ? value
    : match
        .slice(1)
        .filter((part) => part !== '')
        .join(' ')
}

/** An e-mail address as the register keys it: lower case. */
export function emailKey(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase()
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? trimmed : undefined
}

/** An online name (handle) as the register keys it: lower case, without a leading @. */
export function onlineKey(text: string): string | undefined {
  const handle = text.trim().toLowerCase().replace(/^@/, '')
  return handle !== '' && !/\s/.test(handle) && !handle.includes('@') ? handle : undefined
}

/** What a search for `text` looks for, under each reading of it. */
export interface SearchTerms {
  /** The words of a name (or alias), if the text can be one: letters, with no digits or @. */
  nameWords: string[]
  ni?: string
  vehicle?: string
  phone?: string
  email?: string
  online?: string
}

/**
 * Every reading of one search box: "AB12 CDE" is a vehicle, "07700 900123" a
 * phone number, "jo.smith@example.test" an e-mail address, "Jon Smyth" a name,
 * "jonny_s88" an online name. A text may have several readings ("jonsmith" is
 * a name and an online name); the search tries them all.
 */
export function readSearch(text: string): SearchTerms {
  const terms: SearchTerms = { nameWords: [] }
  const trimmed = text.trim()
  if (trimmed === '') return terms
  const looksLikeName = !/[\d@_]/.test(trimmed)
  if (looksLikeName) terms.nameWords = nameWords(trimmed)
  const ni = niKey(trimmed)
  if (ni !== undefined) terms.ni = ni
  const vehicle = vehicleKey(trimmed)
  if (vehicle !== undefined && ni === undefined) terms.vehicle = vehicle
  const phone = phoneKey(trimmed)
  if (phone !== undefined) terms.phone = phone
  const email = emailKey(trimmed)
  if (email !== undefined) terms.email = email
  const online = onlineKey(trimmed)
  if (online !== undefined && email === undefined && phone === undefined) terms.online = online
  return terms
}

/** True when the text gives the search something to look for. */
export const hasTerms = (terms: SearchTerms) =>
  terms.nameWords.some((word) => word.length >= 2) ||
  [terms.ni, terms.vehicle, terms.phone, terms.email, terms.online].some((term) => term !== undefined)
