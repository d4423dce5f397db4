import { normaliseName } from '../contracts/register/facts.ts'
import { type Reach, type Section, visibleSections } from '../domain/access/sections.ts'
import { formatDay, parseDay } from '../domain/dates/day.ts'
import { byScore, type Explained, explain, type Found, type NameLabel, type Reason } from '../domain/search/match.ts'
import { hasTerms, readSearch, type SearchTerms } from '../domain/search/normalise.ts'
import { searchSounds, soundOf } from '../domain/search/phonetic.ts'
import type { Queryable } from '../store/database.ts'
import { authorised, type Call, transact } from './context.ts'
import { problem } from './errors.ts'
import { consult, requireJustification } from './record-access.ts'
import { inNormalUse } from './restricted.ts'
import { failIf } from './validate.ts'

// Finding a person (issue 6, "Search"): by name or alias, tolerant of case,
// accents, transliteration, spelling variants, hyphens and word order; by NI
// number, vehicle registration, phone, e-mail or online name; a date of birth
// ranks those it matches first. Each result says why it matched.
//
// A search looks only at records the searcher's organisation manages or has
// been shared (not "need to know": that is opened record by record, with its
// own justification), and finding someone gives no access to their record:
// the link to it goes through the same checks as any other read. A match on a
// detail the searcher may not see (a phone number is in the contact section,
// which a victim liaison officer is not shown) is not a match for them.
// Victims are never searched. Every search is an audited consultation with the
// searcher's reason; the trail names the people shown, never what was typed.

export interface SearchInput {
  /** What was typed: a name, an alias, an NI number, a vehicle registration, a phone number, an e-mail or online name. */
  query: string
  /** "YYYY-MM-DD": raises those it matches; never finds anyone on its own. */
  dateOfBirth?: string | undefined
  limit?: number | undefined
}

export const defaultSearchLimit = 50
export const maxSearchLimit = 100
/** Candidates the index may return for one search before ranking. */
const candidateLimit = 1000
/** Words of a name the index looks up (a longer search is matched in full when ranking). */
const indexedWords = 6

export interface PersonFound {
  id: string
  reference: string
  givenNames: string
  familyName: string
  dateOfBirth: string
  managingOrganisation: { id: string; name: string }
  /** How the searcher's organisation reaches the record (never "need to know": a search does not use it). */
  reach: Exclude<Reach, 'need-to-know'>
  reasons: Reason[]
  score: number
}

export interface SearchResult {
  items: PersonFound[]
  /** More people matched than are listed: the searcher should narrow the search. */
  more: boolean
}

interface Candidate {
  id: string
  reference: string
  given_names: string
  family_name: string
  date_of_birth: string
  ni_number: string | null
  managing_org_id: string
  organisation_name: string
  reach: 'managing' | 'co-managing' | 'plan'
  plan_shared: string[] | null
  keys: {
    kind: string
    value: string
    factId: string | null
    data: Record<string, unknown> | null
    superseded: boolean
    validTo: string | null
  }[]
}

/** Which section of the record each kind of search key belongs to (domain/access/sections.ts factSection). */
const keySection: Record<string, Section> = {
  name: 'identity',
  vehicle: 'description',
  phone: 'contact',
  email: 'contact',
  online: 'contact',
}

export async function searchPeople(call: Call, input: SearchInput): Promise<SearchResult> {
  await authorised(call, 'person:search')
  const query = input.query.trim()
  const terms = readSearch(query)
  const limit = input.limit ?? defaultSearchLimit
  failIf([
    ...(query === ''
      ? [problem('$.q', 'enter a name, number or other detail to search for', 'query')]
      : !hasTerms(terms)
        ? [problem('$.q', 'give at least 2 letters of a name, or a whole number or registration', 'query')]
        : []),
    ...(query.length > 200 ? [problem('$.q', 'must be at most 200 characters', 'query')] : []),
    ...(input.dateOfBirth !== undefined && parseDay(input.dateOfBirth) === undefined
      ? [problem('$.dateOfBirth', 'is not a calendar date (expected YYYY-MM-DD)', 'query')]
      : []),
    ...(Number.isInteger(limit) && limit >= 1 && limit <= maxSearchLimit
      ? []
      : [problem('$.limit', `must be a whole number from 1 to ${maxSearchLimit}`, 'query')]),
  ])
  // The reason is asked for before anything is read (DPA 2018 s.62(3)(a)).
  requireJustification(call)
  const today = formatDay(call.app.today())

  return transact(call, async (tx) => {
    let ids = await candidates(tx, call, terms, input.dateOfBirth, today, 'every word')
    // A slip in one word ("Snith John") defeats the sound keys: then any word will do, and the
    // ranking below still needs every word matched, if only by a close spelling.
    if (ids.length === 0 && terms.nameWords.filter((w) => w.length >= 2).length > 1) {
      ids = await candidates(tx, call, terms, input.dateOfBirth, today, 'any word')
    }
    const rows = ids.length === 0 ? [] : await details(tx, call, ids, today)
    const explained = rows
      .map((row) => ({ row, explained: explainRow(call, row, query, terms, input.dateOfBirth, today) }))
      .filter((r): r is { row: Candidate; explained: Explained } => r.explained !== undefined)
      .map(({ row, explained }) => ({
        row,
        explained,
        score: explained.score,
        tieBreak: `${row.family_name.toLowerCase()} ${row.given_names.toLowerCase()} ${row.reference}`,
      }))
      .sort(byScore)
    const shown = explained.slice(0, limit)
    const items: PersonFound[] = shown.map(({ row, explained }) => ({
      id: row.id,
      reference: row.reference,
      givenNames: row.given_names,
      familyName: row.family_name,
      dateOfBirth: row.date_of_birth,
      managingOrganisation: { id: row.managing_org_id, name: row.organisation_name },
      reach: row.reach,
      reasons: explained.reasons,
      score: Math.round(explained.score * 1000) / 1000,
    }))
    // What kinds of detail were searched for, never the detail itself (ASVS 16.2.5).
    const criteria = [
      ...(terms.nameWords.length > 0 ? ['name'] : []),
      ...(['ni', 'vehicle', 'phone', 'email', 'online'] as const).filter((kind) => terms[kind] !== undefined),
      ...(input.dateOfBirth !== undefined ? ['date-of-birth'] : []),
    ]
    await consult(
      tx,
      call,
      { type: 'person-search' },
      { criteria, count: items.length, people: items.map((item) => item.id) },
    )
    return { items, more: explained.length > limit || ids.length >= candidateLimit }
  })
}

/**
 * The people the index finds, among those the searcher's organisation reaches:
 * by the sound keys of their names (every word of the search, or with `mode`
 * "any word" any one), by an exact search key, or by NI number.
 */
async function candidates(
  tx: Queryable,
  call: Call,
  terms: SearchTerms,
  dateOfBirth: string | undefined,
  today: string,
  mode: 'every word' | 'any word',
): Promise<string[]> {
  const words = terms.nameWords.filter((word) => word.length >= 2).slice(0, indexedWords)
  const params: unknown[] = [
    call.actor.roles.includes('system'),
    call.actor.organisationId,
    today,
    dateOfBirth ?? null,
    terms.vehicle ?? null,
    terms.phone ?? null,
    terms.email ?? null,
    terms.online ?? null,
    terms.ni === undefined ? [] : terms.ni.length === 9 ? [terms.ni] : ['A', 'B', 'C', 'D'].map((s) => terms.ni + s),
  ]
  const parameter = (value: unknown) => `$${params.push(value)}`
  const has = (keys: readonly string[]) => `k.sounds && ${parameter([...new Set(keys)])}::text[]`
  // Each word of the search is found by its sound (or a listed variant's), or, run
  // together with a neighbour, as one word of the name ("Mary Ann" for "Maryann"), or,
  // split in two, as two words of it ("Maryann" for "Mary Ann").
  const joined = words.slice(1).map((word, i) => has(searchSounds(`${words[i]}${word}`)))
  const wordConditions = words.map((word, i) => {
    const splits = []
    // A name's words are rarely longer than twenty letters: longer ones are not split.
    for (let at = 2; word.length <= 20 && at <= word.length - 2; at++) {
      splits.push(`(${has([soundOf(word.slice(0, at))])} AND ${has([soundOf(word.slice(at))])})`)
    }
    const alternatives = [has(searchSounds(word)), ...splits, joined[i - 1], joined[i]].filter(
      (condition) => condition !== undefined,
    )
    return `(${alternatives.join(' OR ')})`
  })
  const byName =
    wordConditions.length === 0
      ? ''
      : `SELECT k.person_id FROM search_key k
          WHERE k.kind = 'name' AND (${wordConditions.join(mode === 'every word' ? ' AND ' : ' OR ')})
         UNION`
  const rows = await tx.query<{ id: string }>(
    `WITH found AS (
       ${byName}
       SELECT k.person_id FROM search_key k
        WHERE (k.kind = 'vehicle' AND k.value = $5) OR (k.kind = 'phone' AND k.value = $6)
           OR (k.kind = 'email' AND k.value = $7) OR (k.kind = 'online' AND k.value = $8)
       UNION
       SELECT p.id FROM person p WHERE p.ni_number = ANY($9::text[])
     )
     SELECT p.id FROM found f JOIN person p ON p.id = f.person_id
      WHERE ${inNormalUse('p')}
        AND ($1 OR p.managing_org_id = $2 OR EXISTS (
              SELECT 1 FROM record_share s WHERE s.person_id = p.id AND s.organisation_id = $2
                 AND s.revoked_on IS NULL AND (s.expires_on IS NULL OR s.expires_on >= $3::date)))
      ORDER BY (p.date_of_birth = $4::date) DESC NULLS LAST, p.id
      LIMIT ${candidateLimit}`,
    params,
  )
  return rows.map((row) => row.id)
}

/** Everything the ranking needs about the people found, in one read. */
async function details(tx: Queryable, call: Call, ids: string[], today: string): Promise<Candidate[]> {
  return tx.query<Candidate & Record<string, unknown>>(
    `SELECT p.id, p.reference, p.given_names, p.family_name, p.date_of_birth, p.ni_number, p.managing_org_id,
            o.name AS organisation_name,
            CASE WHEN $2 OR p.managing_org_id = $3 THEN 'managing'
                 WHEN s.full_share THEN 'co-managing' ELSE 'plan' END AS reach,
            CASE WHEN NOT ($2 OR p.managing_org_id = $3) AND NOT s.full_share THEN
              (SELECT coalesce(jsonb_agg(DISTINCT section), '[]'::jsonb)
                 FROM person_fact f, jsonb_array_elements_text(coalesce(f.data->'sharedWithPartners', '[]'::jsonb)) AS section
                WHERE f.person_id = p.id AND f.kind = 'risk-management-plan' AND f.superseded_by IS NULL)
            END AS plan_shared,
            coalesce((SELECT json_agg(json_build_object('kind', k.kind, 'value', k.value, 'factId', k.fact_id,
                                'data', f.data, 'superseded', f.superseded_by IS NOT NULL, 'validTo', f.valid_to))
                        FROM search_key k LEFT JOIN person_fact f ON f.id = k.fact_id
                       WHERE k.person_id = p.id), '[]'::json) AS keys
       FROM person p
       JOIN organisation o ON o.id = p.managing_org_id
       LEFT JOIN LATERAL (
         SELECT coalesce(bool_or(sh.scope = 'full'), false) AS full_share
           FROM record_share sh
          WHERE sh.person_id = p.id AND sh.organisation_id = $3 AND sh.revoked_on IS NULL
            AND (sh.expires_on IS NULL OR sh.expires_on >= $4::date)
       ) s ON true
      WHERE p.id = ANY($1::uuid[])`,
    [ids, call.actor.roles.includes('system'), call.actor.organisationId, today],
  )
}

const nameLabels: Record<string, NameLabel> = {
  alias: 'Alias',
  nickname: 'Nickname',
  'previous-name': 'Previous name',
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

/** A person found, as far as the searcher may see them, explained; undefined if nothing they may see matches. */
function explainRow(
  call: Call,
  row: Candidate,
  query: string,
  terms: SearchTerms,
  dateOfBirth: string | undefined,
  today: string,
): Explained | undefined {
  const shown = visibleSections(call.actor, row.reach, (row.plan_shared ?? []) as Section[])
  if (!shown.has('identity')) return undefined
  const primary = normaliseName(`${row.given_names} ${row.family_name}`)
  const found: Found = {
    names: [{ label: 'Name', text: `${row.given_names} ${row.family_name}`, current: true }],
    dateOfBirth: row.date_of_birth,
    ...(row.ni_number === null ? {} : { ni: row.ni_number }),
    keys: [],
  }
  for (const key of row.keys) {
    const section = keySection[key.kind]
    if (section === undefined || !shown.has(section)) continue
    const current = !key.superseded && (key.validTo === null || key.validTo >= today)
    if (key.kind === 'name') {
      if (key.factId === null) {
        // The name the person was recorded under, or one they had before a change of name.
        if (key.value !== primary)
          found.names.push({ label: 'Previous name', text: titleCase(key.value), current: false })
        continue
      }
      const data = key.data ?? {}
      found.names.push({
        label: nameLabels[text(data.nameType)] ?? 'Alias',
        text: `${text(data.givenNames)} ${text(data.familyName)}`.trim(),
        current,
      })
    } else if (key.kind === 'online') {
      const platform = text(key.data?.platform)
      found.keys.push({ kind: 'online', value: key.value, current, ...(platform === '' ? {} : { platform }) })
    } else {
      found.keys.push({ kind: key.kind as 'vehicle' | 'phone' | 'email', value: key.value, current })
    }
  }
  return explain(query, terms, dateOfBirth, found)
}

const titleCase = (value: string) =>
  value.replace(/(^|[\s'-])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase())
