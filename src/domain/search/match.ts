import { nameWords, type SearchTerms, showNi, showPhone, showVehicle } from './normalise.ts'
import { sameNameVariant, searchSounds, soundOf } from './phonetic.ts'

// Whether a person found by the search's index really matches what was typed,
// how well, and why, in words an officer can check against the record
// ("Alias ‘Jon Smyth’ sounds like ‘John Smith’", "Date of birth matches").
// Given and family names may come in any order; each word of the search must
// be matched by a different word of the name.

/** How one word of the search matched one word of a name, strongest first. */
export type WordMatch = 'exact' | 'variant' | 'sound' | 'spelling' | 'start'

const wordScore: Record<WordMatch, number> = { exact: 1, variant: 0.9, sound: 0.85, spelling: 0.7, start: 0.5 }

/**
 * Two words compared: the same; listed spellings of one name; the same sound
 * key (the word's own, or one of its listed spellings'); one slip of the keyboard (two in long words); or the search word is an
 * initial or the start of the name's word ("J", "Moh").
 */
export function compareWords(searched: string, recorded: string): WordMatch | undefined {
  if (searched === recorded) return 'exact'
  if (searched.length >= 2 && recorded.length >= 2) {
    if (sameNameVariant(searched, recorded)) return 'variant'
    if (soundOf(searched) === soundOf(recorded)) return 'sound'
    // Sounds like a listed spelling of the word searched, as the index finds it ("Osman" for "عثمان", read "athaman").
    if (searchSounds(searched).includes(soundOf(recorded))) return 'variant'
    const shorter = Math.min(searched.length, recorded.length)
    const allowed = shorter >= 8 ? 2 : shorter >= 4 ? 1 : 0
    if (allowed > 0 && editDistance(searched, recorded, allowed) <= allowed) return 'spelling'
  }
  if (searched.length === 1 && recorded.startsWith(searched)) return 'start'
  if (recorded.length === 1 && searched.startsWith(recorded)) return 'start'
  if (searched.length >= 3 && recorded.startsWith(searched)) return 'start'
  return undefined
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions and
 * swaps of neighbours, "Smtih" → "Smith" is 1), stopping early above `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1)
      }
      current.push(value)
      best = Math.min(best, value)
    }
    if (best > limit) return limit + 1
    before = previous
    previous = current
  }
  return previous[b.length] as number
}

/** How a name as a whole matched: by its weakest word. */
export type NameMatchKind = 'exact' | 'sounds-like' | 'spelling' | 'start'

export interface NameMatch {
  kind: NameMatchKind
  /** From 0 to 1: how closely, and how much of the name the search accounts for. */
  score: number
}

interface Unit {
  text: string
  /** The words it stands for: one, or two run together. */
  first: number
  span: 1 | 2
}

const unitsOf = (words: readonly string[]): Unit[] => [
  ...words.map((text, first): Unit => ({ text, first, span: 1 })),
  ...words.slice(1).map((word, i): Unit => ({ text: `${words[i]}${word}`, first: i, span: 2 })),
]

const kindOf = (matches: readonly WordMatch[]): NameMatchKind => {
  if (matches.includes('start')) return 'start'
  if (matches.includes('spelling')) return 'spelling'
  if (matches.includes('variant') || matches.includes('sound')) return 'sounds-like'
  return 'exact'
}

/**
 * Matches the words of a search against the words of one name, or undefined
 * when some word of the search is not matched. Each search word goes to a
 * different word of the name, the closest pairs first; two neighbouring words
 * may stand for one ("Mary Ann" and "Maryann"). A search of initials alone
 * matches nothing.
 */
export function matchName(searched: readonly string[], recorded: readonly string[]): NameMatch | undefined {
  if (searched.length === 0 || recorded.length === 0) return undefined
  const pairs: { s: Unit; r: Unit; match: WordMatch; score: number }[] = []
  for (const s of unitsOf(searched)) {
    for (const r of unitsOf(recorded)) {
      const match = compareWords(s.text, r.text)
      if (match !== undefined) pairs.push({ s, r, match, score: wordScore[match] })
    }
  }
  pairs.sort((a, b) => b.score - a.score || b.s.span - a.s.span || a.s.first - b.s.first || a.r.first - b.r.first)
  const usedSearched = new Set<number>()
  const usedRecorded = new Set<number>()
  const chosen: typeof pairs = []
  const covers = (unit: Unit) => (unit.span === 1 ? [unit.first] : [unit.first, unit.first + 1])
  for (const pair of pairs) {
    const s = covers(pair.s)
    const r = covers(pair.r)
    if (s.some((i) => usedSearched.has(i)) || r.some((i) => usedRecorded.has(i))) continue
    for (const i of s) usedSearched.add(i)
    for (const i of r) usedRecorded.add(i)
    chosen.push(pair)
  }
  if (usedSearched.size < searched.length) return undefined
  if (chosen.every((pair) => pair.match === 'start')) return undefined
  const closeness = chosen.reduce((sum, pair) => sum + pair.score * pair.s.span, 0) / searched.length
  // A name with more words than were searched for ("John Paul Smith" for "John Smith") ranks a little lower.
  const coverage = usedRecorded.size / recorded.length
  const inOrder = chosen
    .slice()
    .sort((a, b) => a.s.first - b.s.first)
    .every((pair, i, all) => i === 0 || (all[i - 1] as (typeof all)[number]).r.first < pair.r.first)
  const score = closeness * (0.8 + 0.2 * coverage) * (inOrder ? 1 : 0.98)
  return { kind: kindOf(chosen.map((pair) => pair.match)), score }
}

/** A date of birth given with the search, against the recorded one (both "YYYY-MM-DD"). */
export function compareBirthDates(given: string, recorded: string): 'same' | 'day-and-month-swapped' | undefined {
  if (given === recorded) return 'same'
  const [gy, gm, gd] = given.split('-')
  const [ry, rm, rd] = recorded.split('-')
  if (gy === ry && gm === rd && gd === rm) return 'day-and-month-swapped'
  return undefined
}

// ---------------------------------------------------------------------------
// A person found, explained

export type NameLabel = 'Name' | 'Alias' | 'Nickname' | 'Previous name'

/** What the service read about one person the index found: only what the searcher may see. */
export interface Found {
  names: { label: NameLabel; text: string; current: boolean }[]
  dateOfBirth?: string
  ni?: string
  keys: { kind: 'vehicle' | 'phone' | 'email' | 'online'; value: string; current: boolean; platform?: string }[]
}

export type ReasonKind = 'name' | 'ni' | 'vehicle' | 'phone' | 'email' | 'online' | 'date-of-birth'

export interface Reason {
  kind: ReasonKind
  text: string
}

export interface Explained {
  score: number
  reasons: Reason[]
}

const identifierScore = { ni: 1, email: 0.95, vehicle: 0.9, phone: 0.9, online: 0.85 } as const

const quoted = (text: string) => `‘${text}’`
const tidy = (text: string) => text.trim().replace(/\s+/g, ' ')
const ended = (current: boolean) => (current ? '' : ' (no longer current)')

/**
 * Why a person matches a search, strongest reason first, and a score to rank
 * by; undefined when nothing they have matches what was typed. A date of
 * birth given with the search raises those it matches; it never finds anyone
 * on its own.
 */
export function explain(
  typed: string,
  terms: SearchTerms,
  dateOfBirth: string | undefined,
  found: Found,
): Explained | undefined {
  const reasons: { reason: Reason; score: number }[] = []
  if (terms.nameWords.length > 0) {
    const matches = found.names
      .map((name) => ({ name, match: matchName(terms.nameWords, nameWords(name.text)) }))
      .filter((m): m is { name: Found['names'][number]; match: NameMatch } => m.match !== undefined)
      .map((m) => ({ ...m, score: m.match.score * (m.name.label === 'Name' ? 1 : 0.95) * (m.name.current ? 1 : 0.9) }))
      .sort((a, b) => b.score - a.score)
    const best = matches[0]
    if (best !== undefined) {
      reasons.push({ reason: { kind: 'name', text: nameReason(best.name, best.match, typed) }, score: best.score })
    }
  }
  const ni = found.ni
  if (terms.ni !== undefined && ni?.startsWith(terms.ni)) {
    reasons.push({
      reason: { kind: 'ni', text: `National Insurance number ${showNi(ni)}` },
      score: identifierScore.ni * (ni === terms.ni ? 1 : 0.95),
    })
  }
  for (const key of found.keys) {
    if (terms[key.kind] !== key.value) continue
    reasons.push({
      reason: { kind: key.kind, text: keyReason(key) },
      score: identifierScore[key.kind] * (key.current ? 1 : 0.9),
    })
  }
  if (reasons.length === 0) return undefined
  reasons.sort((a, b) => b.score - a.score)
  let score = (reasons[0] as (typeof reasons)[number]).score
  if (dateOfBirth !== undefined && found.dateOfBirth !== undefined) {
    const birth = compareBirthDates(dateOfBirth, found.dateOfBirth)
    if (birth === 'same') {
      score += 0.5
      reasons.push({ reason: { kind: 'date-of-birth', text: 'Date of birth matches' }, score: 0.5 })
    } else if (birth === 'day-and-month-swapped') {
      score += 0.25
      reasons.push({
        reason: { kind: 'date-of-birth', text: 'Date of birth matches with the day and month swapped' },
        score: 0.25,
      })
    }
  }
  return { score, reasons: reasons.map((r) => r.reason) }
}

function nameReason(name: Found['names'][number], match: NameMatch, typed: string): string {
  // A previous name is past by its label: "no longer current" would say it twice.
  const recorded = `${name.label} ${quoted(tidy(name.text))}${name.label === 'Previous name' ? '' : ended(name.current)}`
  const searched = quoted(tidy(typed))
  switch (match.kind) {
    case 'exact':
      return `${recorded} matches`
    case 'sounds-like':
      return `${recorded} sounds like ${searched}`
    case 'spelling':
      return `${recorded} is spelt like ${searched}`
    case 'start':
      return `${recorded} fits ${searched}`
  }
}

function keyReason(key: Found['keys'][number]): string {
  const suffix = ended(key.current)
  switch (key.kind) {
    case 'vehicle':
      return `Vehicle registration ${showVehicle(key.value)}${suffix}`
    case 'phone':
      return `Phone number ${showPhone(key.value)}${suffix}`
    case 'email':
      return `Email address ${key.value}${suffix}`
    case 'online':
      return `Online name ${quoted(key.value)}${key.platform === undefined ? '' : ` on ${key.platform}`}${suffix}`
  }
}

/** Orders explained people: best score first, then by a stable tie-break the caller gives (name, reference). */
export function byScore<T extends { score: number; tieBreak: string }>(a: T, b: T): number {
  return b.score - a.score || a.tieBreak.localeCompare(b.tieBreak)
}
