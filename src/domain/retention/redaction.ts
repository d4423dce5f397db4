// What a subject access answer withholds about other people (DPA 2018
// s.45(4)(e): to protect the rights and freedoms of others). A perpetrator's
// record names victims, partners, household members and staff; the answer gives
// the subject their own data and none of those people's details:
// - by field: the kinds of fact that hold someone else's details have those
//   fields withheld or removed (victims' ids and ages, partners' names, the
//   address of a household where a child lives, owners of plan actions);
// - by value: any remaining text (notes, conditions, descriptions) has every
//   known third party's name, phone number, e-mail and address withheld.
// The subject's own names are never withheld, even when a relative shares one.

export const withheld = '[withheld: DPA 2018 s.45(4)(e)]'

export interface ThirdParty {
  familyName?: string | undefined
  givenNames?: string | undefined
  /** A name as one string (a partner named in a fact, a member of staff). */
  fullName?: string | undefined
  phone?: string | undefined
  email?: string | undefined
  addressLines?: readonly (string | undefined)[]
  /** Other free text that identifies them (a safe contact arrangement). */
  other?: readonly (string | undefined)[]
  /**
   * Whether each part of the name is withheld on its own too (victims, partners:
   * "Marigold" alone identifies her). Not for staff, whose names are withheld
   * whole: a part such as "Officer" is also an ordinary word.
   */
  byNamePart?: boolean
}

const words = (text: string) =>
  text
    .split(/[^\p{L}\p{N}'-]+/u)
    .map((w) => w.trim())
    .filter((w) => w !== '')

/** The strings to withhold wherever they appear, longest first, without the subject's own name parts. */
export function thirdPartyTerms(parties: readonly ThirdParty[], subjectNames: readonly string[]): string[] {
  const own = new Set(subjectNames.flatMap(words).map((w) => w.toLowerCase()))
  const terms = new Set<string>()
  const add = (value: string | undefined, minimum = 3) => {
    const text = value?.trim()
    if (text !== undefined && text.length >= minimum && !own.has(text.toLowerCase())) terms.add(text)
  }
  for (const party of parties) {
    const full = party.fullName ?? [party.givenNames, party.familyName].filter((v) => v).join(' ')
    add(full)
    if (party.byNamePart !== false) {
      for (const part of [...words(party.givenNames ?? ''), ...words(party.familyName ?? ''), ...words(full)]) add(part)
    }
    add(party.phone, 6)
    add(party.email)
    for (const line of party.addressLines ?? []) {
      add(line)
      // "7 Lantern Yard" is also written "Lantern Yard".
      add(line?.trim().replace(/^\d+[a-z]?\s+/i, ''), 5)
    }
    for (const other of party.other ?? []) add(other)
  }
  return [...terms].sort((a, b) => b.length - a.length)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A phone number matches however it is spaced, and +44 matches 0. */
function patternOf(term: string): string {
  const digits = term.replace(/[\s()-]/g, '')
  if (/^\+?\d{6,}$/.test(digits)) {
    const variants = new Set([digits.replace(/^\+/, '\\+')])
    if (digits.startsWith('+44')) variants.add(`0${digits.slice(3)}`)
    if (digits.startsWith('0')) variants.add(`\\+44${digits.slice(1)}`)
    return [...variants].map((v) => v.replace(/(\\\+|\d)(?=\d)/g, '$1[\\s().-]*')).join('|')
  }
  return escapeRegExp(term).replace(/\s+/g, '\\s+')
}

/** Withholds every term in the text, as whole words, whatever the case. */
export function scrubText(text: string, terms: readonly string[]): string {
  if (terms.length === 0 || text === '') return text
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(patternOf).join('|')})(?![\\p{L}\\p{N}])`, 'giu')
  return text.replace(pattern, withheld)
}

/** Every string in a JSON value scrubbed. */
export function scrubValue(value: unknown, terms: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, terms)
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, terms))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, terms)]))
  }
  return value
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {}

/** A fact's data as the subject may see it: other people's fields withheld, then every known term scrubbed. */
export function redactFact(
  kind: string,
  data: Record<string, unknown>,
  terms: readonly string[],
): Record<string, unknown> {
  const out = record(data)
  switch (kind) {
    case 'relationship':
      if (out.otherPartyName !== undefined) out.otherPartyName = withheld
      delete out.otherPartyVictimId
      break
    case 'child-household':
      for (const field of ['line1', 'line2', 'town', 'postcode']) if (out[field] !== undefined) out[field] = withheld
      break
    case 'civil-order':
      delete out.protectedVictimIds
      break
    case 'conviction':
    case 'caution':
      if (Array.isArray(out.victims)) {
        out.victims = out.victims.map((victim) => {
          const relationship = record(victim).relationship
          return { ...(relationship === undefined ? {} : { relationship }), details: withheld }
        })
      }
      break
    case 'incident':
      delete out.victimId
      delete out.perpetratorId
      break
    case 'risk-management-plan':
      if (Array.isArray(out.actions)) {
        out.actions = out.actions.map((action) => ({ ...record(action), owner: withheld }))
      }
      delete out.sharedWithPartners
      break
  }
  return scrubValue(out, terms) as Record<string, unknown>
}
