import { randomUUID } from 'node:crypto'
import { coreKinds, type FactKind, factKinds, normaliseName, searchKeysOf } from '../contracts/register/facts.ts'
import { factSupersede, type PersonCreate, personCreate, personUpdate } from '../contracts/register/requests.ts'
import {
  sections as allSections,
  canWrite,
  factSection,
  type Section,
  visibleSections,
} from '../domain/access/sections.ts'
import { type Day, day, formatDay, parseDay } from '../domain/dates/day.ts'
import { riskLevelAfter, type Succession, singleValued, succession } from '../domain/register/history.ts'
import { minimumAge, oldEnoughForRegister } from '../domain/register/lifecycle.ts'
import type { RiskLevel } from '../domain/register/settings.ts'
import type { Queryable } from '../store/database.ts'
import { canSeeRecord } from './access.ts'
import { actorIdFor, audit, authorised, type Call, recordStep, timeline, transact } from './context.ts'
import { Conflict, Forbidden, NotFound, problem, StaleWrite } from './errors.ts'
import { consult, managesSql, type ReachRow, reachOf } from './record-access.ts'
import { inNormalUse, refuseIfOutOfUse } from './restricted.ts'
import { failIf, parseOrThrow } from './validate.ts'

// A person's record: identity, the facts recorded about them (kept with their
// history), and reading it all back in one piece. Every read of a record is an
// audited consultation; every write is audited and on the timeline.

export interface PersonRow {
  id: string
  reference: string
  managing_org_id: string
  family_name: string
  given_names: string
  date_of_birth: string
  ni_number: string | null
  sex: string | null
  status: string
  responsible_officer_id: string | null
  risk_level: string | null
  version: number
  created_at: Date
  updated_at: Date
}

export interface DuplicateCandidate {
  id: string
  reference: string
  /** Only for a record the user may see; otherwise the reference and the grounds only. */
  name?: string
  dateOfBirth?: string
  managingOrganisationId: string
  matchedOn: string[]
  /** Restricted or erased (DPA 2018 ss.46-47): named by reference only, to anyone. */
  outOfUse?: boolean
}

/**
 * Loads a person whose record the actor's organisation manages or co-manages
 * (the reach needed to work on a case), or NotFound: the same answer for
 * "not there" and "not yours", so existence does not leak (ASVS 8.2.2).
 */
export async function loadPerson(tx: Queryable, call: Call, personId: string, lock = false): Promise<PersonRow> {
  const { person, reach } = await loadPersonToRead(tx, call, personId, lock)
  if (!canWrite(reach.reach)) {
    throw new NotFound('person', {
      type: 'person',
      id: personId,
      personId,
      reason: `reach ${reach.reach} is read-only`,
    })
  }
  return person
}

/** Loads a person the actor reaches in any way (including a plan share or need to know), with how. */
export async function loadPersonToRead(
  tx: Queryable,
  call: Call,
  personId: string,
  lock = false,
): Promise<{ person: PersonRow; reach: ReachRow }> {
  if (!isUuid(personId)) throw new NotFound('person')
  const rows = await tx.query<PersonRow & Record<string, unknown>>(
    `SELECT * FROM person WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [personId],
  )
  const person = rows[0]
  if (person === undefined) throw new NotFound('person')
  return { person, reach: await reachToRead(tx, call, person) }
}

/** How the actor reaches a person read, or NotFound; a record out of normal use is refused. */
async function reachToRead(tx: Queryable, call: Call, person: PersonRow): Promise<ReachRow> {
  const reach = await reachOf(tx, call, person)
  if (reach === undefined) {
    throw new NotFound('person', { type: 'person', id: person.id, personId: person.id, reason: 'outside organisation' })
  }
  refuseIfOutOfUse(person, 'person', person.id)
  return reach
}

/**
 * Loads a person for reading one section of their record (a registration, a
 * determination, a photograph): any reach will do if the reader's role is
 * shown that section through it (domain/access/sections.ts); otherwise "not found".
 */
export async function loadPersonForSection(
  tx: Queryable,
  call: Call,
  personId: string,
  section: Section,
): Promise<{ person: PersonRow; reach: ReachRow }> {
  const loaded = await loadPersonToRead(tx, call, personId)
  if (!visibleSections(call.actor, loaded.reach.reach, loaded.reach.planShared as Section[]).has(section)) {
    throw new NotFound(section, { type: section, personId, reason: `section ${section} not shown` })
  }
  return loaded
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)

/** Checks If-Match against the current version and moves the version on. */
export async function bumpVersion(tx: Queryable, person: PersonRow, expected: number | undefined): Promise<number> {
  if (expected !== undefined && expected !== person.version) throw new StaleWrite('this person', person.version)
  const changed = await tx.execute(
    'UPDATE person SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2',
    [person.id, person.version],
  )
  if (changed !== 1) throw new StaleWrite('this person', person.version + 1)
  return person.version + 1
}

async function nextReference(tx: Queryable, year: number): Promise<string> {
  const rows = await tx.query<{ last: number }>(
    `INSERT INTO reference_counter (year, last) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last = reference_counter.last + 1 RETURNING last`,
    [year],
  )
  return `DA-${year}-${String(rows[0]?.last ?? 1).padStart(6, '0')}`
}

/** People who may be the same as the one being recorded: same name and date of birth, or same NI number. */
export async function possibleDuplicates(
  tx: Queryable,
  input: { familyName: string; givenNames: string; dateOfBirth: string; niNumber?: string | undefined },
): Promise<DuplicateCandidate[]> {
  const name = normaliseName(`${input.givenNames} ${input.familyName}`)
  const rows = await tx.query<{
    id: string
    reference: string
    family_name: string
    given_names: string
    date_of_birth: string
    ni_number: string | null
    managing_org_id: string
    out_of_use: boolean
  }>(
    `SELECT p.id, p.reference, p.family_name, p.given_names, p.date_of_birth, p.ni_number, p.managing_org_id,
            NOT ${inNormalUse('p')} AS out_of_use
       FROM person p
      WHERE (p.date_of_birth = $1 AND (lower(p.family_name) = lower($2)
             OR EXISTS (SELECT 1 FROM search_key k WHERE k.person_id = p.id AND k.kind = 'name' AND k.value = $3)))
         OR ($4::text IS NOT NULL AND p.ni_number = $4)
      LIMIT 20`,
    [input.dateOfBirth, input.familyName, name, input.niNumber ?? null],
  )
  return rows.map((row) => {
    const matchedOn: string[] = []
    if (row.date_of_birth === input.dateOfBirth) matchedOn.push('name and date of birth')
    if (input.niNumber !== undefined && row.ni_number === input.niNumber) matchedOn.push('National Insurance number')
    return {
      id: row.id,
      reference: row.reference,
      name: `${row.given_names} ${row.family_name}`,
      dateOfBirth: row.date_of_birth,
      managingOrganisationId: row.managing_org_id,
      matchedOn,
      ...(row.out_of_use ? { outOfUse: true } : {}),
    }
  })
}

export function identityProblems(input: { dateOfBirth?: string | undefined }, today: Day) {
  const problems = []
  if (input.dateOfBirth !== undefined) {
    const dob = parseDay(input.dateOfBirth)
    if (dob !== undefined && dob > today) problems.push(problem('$.dateOfBirth', 'must be in the past'))
    else if (dob !== undefined && !oldEnoughForRegister(dob, today)) {
      problems.push(problem('$.dateOfBirth', `the person must be at least ${minimumAge} years old (CYPA 1933 s.50)`))
    }
  }
  return problems
}

export async function createPerson(call: Call, body: unknown) {
  await authorised(call, 'person:write')
  const input: PersonCreate = parseOrThrow(personCreate, body)
  failIf(identityProblems(input, call.app.today()))
  const managingOrg = input.managingOrganisationId ?? call.actor.organisationId
  if (!canSeeRecord(call.actor, managingOrg))
    throw new Forbidden('you can only record people for your own organisation')

  return transact(call, async (tx) => {
    // Serialise creations so two officers recording the same person at once cannot both miss the other.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [7_340_002])
    const duplicates = await possibleDuplicates(tx, input)
    if (duplicates.length > 0 && input.confirmedNotDuplicate !== true) {
      // Another organisation's record is named by its reference only; every candidate shown is a disclosure.
      const candidates = duplicates.map((d) =>
        canSeeRecord(call.actor, d.managingOrganisationId) && d.outOfUse !== true
          ? d
          : {
              id: d.id,
              reference: d.reference,
              managingOrganisationId: d.managingOrganisationId,
              matchedOn: d.matchedOn,
            },
      )
      throw new Conflict(
        'this person may already be on the register; check the candidates, then resend with confirmedNotDuplicate: true if they are someone else',
        { candidates },
        candidates.map((d) => d.id),
      )
    }
    const id = randomUUID()
    const today = formatDay(call.app.today())
    const reference = await nextReference(tx, Number(today.slice(0, 4)))
    await tx.execute(
      `INSERT INTO person (id, reference, managing_org_id, family_name, given_names, date_of_birth, ni_number, sex,
                           status, responsible_officer_id, risk_level, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'recorded', $9, $10, $11)`,
      [
        id,
        reference,
        managingOrg,
        input.familyName,
        input.givenNames,
        input.dateOfBirth,
        input.niNumber ?? null,
        input.sex ?? null,
        input.responsibleOfficerId ?? null,
        input.riskLevel ?? null,
        actorIdFor(call.actor),
      ],
    )
    await tx.execute(`INSERT INTO search_key (person_id, kind, value) VALUES ($1, 'name', $2)`, [
      id,
      normaliseName(`${input.givenNames} ${input.familyName}`),
    ])
    await recordStep(tx, call.actor, {
      operation: 'collection',
      object: { type: 'person', id, personId: id },
      personId: id,
      kind: 'person-recorded',
      summary: `Recorded as ${reference}`,
      on: today,
      data: {
        ...(duplicates.length > 0 ? { confirmedNotDuplicateOf: duplicates.map((d) => d.reference) } : {}),
      },
    })
    return { id, reference, version: 1, possibleDuplicatesConfirmedDistinct: duplicates.map((d) => d.reference) }
  })
}

export async function updatePerson(call: Call, personId: string, expectedVersion: number | undefined, body: unknown) {
  await authorised(call, 'person:write')
  const input = parseOrThrow(personUpdate, body)
  failIf(identityProblems(input, call.app.today()))
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const version = await bumpVersion(tx, person, expectedVersion)
    const columns: Record<string, string> = {
      familyName: 'family_name',
      givenNames: 'given_names',
      dateOfBirth: 'date_of_birth',
      niNumber: 'ni_number',
      sex: 'sex',
      riskLevel: 'risk_level',
      responsibleOfficerId: 'responsible_officer_id',
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {}
    for (const [field, column] of Object.entries(columns)) {
      const value = (input as Record<string, unknown>)[field]
      if (value === undefined) continue
      const before = (person as unknown as Record<string, unknown>)[column]
      if (before === value) continue
      changes[field] = { from: before, to: value }
      await tx.execute(`UPDATE person SET ${column} = $1 WHERE id = $2`, [value, personId])
    }
    if (changes.familyName || changes.givenNames) {
      await tx.execute(`INSERT INTO search_key (person_id, kind, value) VALUES ($1, 'name', $2)`, [
        personId,
        normaliseName(`${input.givenNames ?? person.given_names} ${input.familyName ?? person.family_name}`),
      ])
    }
    // The previous values stay on the timeline: a change is history, not an overwrite.
    await recordStep(tx, call.actor, {
      operation: 'alteration',
      object: { type: 'person', id: personId, personId },
      detail: { fields: Object.keys(changes) },
      personId: personId,
      kind: 'person-updated',
      summary: `Changed ${Object.keys(changes).join(', ') || 'nothing'}: ${input.reason ?? 'no reason given'}`,
      on: formatDay(call.app.today()),
      data: { changes, reason: input.reason ?? null },
    })
    return { id: personId, version }
  })
}

// ---------------------------------------------------------------------------
// Facts

export interface FactRow {
  id: string
  person_id: string
  kind: string
  data: Record<string, unknown>
  valid_from: string | null
  valid_to: string | null
  recorded_at: Date
  recorded_by: string | null
  superseded_by: string | null
  superseded_at: Date | null
}

/** Validates a fact ({kind, ...data}) and returns what to store; throws with every problem, paths under `at`. */
export function checkFact(
  raw: unknown,
  at = '$',
  todayIso?: string,
): { kind: FactKind; data: Record<string, unknown> } {
  const record = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>
  const kind = record.kind
  if (typeof kind !== 'string' || !(kind in factKinds)) {
    failIf([
      problem(
        `${at}.kind`,
        kind === undefined
          ? `is required (one of: ${Object.keys(factKinds).join(', ')})`
          : `${JSON.stringify(kind)} is not a kind of fact (expected one of: ${Object.keys(factKinds).join(', ')})`,
      ),
    ])
  }
  const factKind = kind as FactKind
  const { kind: _kind, ...rest } = record
  let parsed: Record<string, unknown>
  try {
    parsed = parseOrThrow(factKinds[factKind], rest) as Record<string, unknown>
  } catch (error) {
    if (error instanceof Error && 'problems' in error) {
      const problems = (error as { problems: { in: string; field: string; message: string }[] }).problems
      failIf(problems.map((p) => ({ ...p, field: `${at}${p.field.slice(1)}` })))
    }
    throw error
  }
  const data = coreKinds.has(factKind) ? rest : parsed
  const problems = []
  const validFrom = data.validFrom as string | undefined
  const validTo = data.validTo as string | undefined
  if (validFrom !== undefined && validTo !== undefined && validTo < validFrom) {
    problems.push(problem(`${at}.validTo`, 'must not be before validFrom'))
  }
  if (todayIso !== undefined) {
    for (const field of ['validFrom', 'date', 'madeOn', 'servedOn'] as const) {
      const value = data[field]
      if (typeof value === 'string' && value > todayIso)
        problems.push(problem(`${at}.${field}`, 'must not be in the future'))
    }
  }
  failIf(problems)
  return { kind: factKind, data }
}

export async function insertFact(
  tx: Queryable,
  call: Call,
  personId: string,
  fact: { kind: FactKind; data: Record<string, unknown> },
  operation: 'collection' | 'alteration' = 'collection',
): Promise<string> {
  const id = randomUUID()
  await tx.execute(
    `INSERT INTO person_fact (id, person_id, kind, data, valid_from, valid_to, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      personId,
      fact.kind,
      JSON.stringify(fact.data),
      (fact.data.validFrom as string | undefined) ?? null,
      (fact.data.validTo as string | undefined) ?? null,
      actorIdFor(call.actor),
    ],
  )
  for (const key of searchKeysOf(fact.kind, fact.data)) {
    if (key.value === '') continue
    await tx.execute('INSERT INTO search_key (person_id, fact_id, kind, value) VALUES ($1, $2, $3, $4)', [
      personId,
      id,
      key.kind,
      key.value,
    ])
  }
  await audit(tx, call.actor, operation, { type: `fact:${fact.kind}`, id, personId })
  return id
}

/**
 * Records a new fact in the person's history (decision 0004): a fact of a
 * single-valued kind (the home address, `domain/register/history.ts`) ends
 * the one in force before it, by a new row with its "to" date that
 * supersedes the old one, so the old stays in the history as "previous"; a
 * risk assessment sets the person's risk level when it is the newest. Each
 * consequence is on the timeline. `startsOn` is the day the fact took effect
 * when it does not say (the day of the change notified, or of recording).
 */
export async function recordFact(
  tx: Queryable,
  call: Call,
  person: PersonRow,
  fact: { kind: FactKind; data: Record<string, unknown> },
  startsOn: string,
): Promise<string> {
  const slot = singleValued(fact.kind, fact.data)
  const validFrom = typeof fact.data.validFrom === 'string' ? fact.data.validFrom : undefined
  const validTo = typeof fact.data.validTo === 'string' ? fact.data.validTo : undefined
  const from = day(validFrom ?? startsOn)
  let follows: Succession = { ended: [], replaced: [] }
  let current: (FactRow & Record<string, unknown>)[] = []
  if (slot !== undefined) {
    current = (
      await tx.query<FactRow & Record<string, unknown>>(
        `SELECT * FROM person_fact WHERE person_id = $1 AND kind = $2 AND superseded_by IS NULL ORDER BY recorded_at, id
            FOR UPDATE`,
        [person.id, fact.kind],
      )
    ).filter((row) => singleValued(row.kind, row.data)?.slot === slot.slot)
    follows = succession(
      { from, ...(validTo === undefined ? {} : { to: day(validTo) }) },
      current.map((row) => ({
        id: row.id,
        ...(row.valid_from === null ? {} : { from: day(row.valid_from) }),
        ...(row.valid_to === null ? {} : { to: day(row.valid_to) }),
      })),
    )
  }
  // Notified late, after a later one already recorded: it ends the day before that one began.
  const stored =
    follows.newTo === undefined ? fact : { kind: fact.kind, data: { ...fact.data, validTo: formatDay(follows.newTo) } }
  const id = await insertFact(tx, call, person.id, stored)
  const on = formatDay(call.app.today())
  for (const { id: oldId, to } of follows.ended) {
    const old = current.find((row) => row.id === oldId) as FactRow
    const endedId = await insertFact(
      tx,
      call,
      person.id,
      { kind: fact.kind, data: { ...old.data, validTo: formatDay(to) } },
      'alteration',
    )
    await tx.execute('UPDATE person_fact SET superseded_by = $1, superseded_at = now() WHERE id = $2', [endedId, oldId])
    await timeline(
      tx,
      call.actor,
      person.id,
      'fact-ended',
      `Previous ${slot?.label ?? fact.kind} ended on ${formatDay(to)}: a new one from ${formatDay(from)}`,
      on,
      {
        factId: endedId,
        supersedes: oldId,
        endedBy: id,
        provision: slot?.provision,
      },
    )
  }
  for (const oldId of follows.replaced) {
    await tx.execute('UPDATE person_fact SET superseded_by = $1, superseded_at = now() WHERE id = $2', [id, oldId])
    await timeline(
      tx,
      call.actor,
      person.id,
      'fact-superseded',
      `${capitalFirst(slot?.label ?? fact.kind)} from ${formatDay(from)} replaced by the one recorded now`,
      on,
      {
        factId: id,
        supersedes: oldId,
        provision: slot?.provision,
      },
    )
  }
  await applyRiskAssessment(tx, call, person, id, stored)
  return id
}

const riskWords = (level: string | null) => (level === null ? 'not assessed' : level.replace('-', ' '))
const capitalFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/**
 * A risk assessment recorded (or corrected) sets the person's risk level, and
 * so how often they are visited, when it is the newest (`riskLevelAfter`):
 * newer than every other current assessment that gave a level, and than the
 * last change of the level by hand. The change is on the timeline with the
 * level before and after; the person's version is the caller's to move.
 */
export async function applyRiskAssessment(
  tx: Queryable,
  call: Call,
  person: PersonRow,
  factId: string,
  fact: { kind: FactKind; data: Record<string, unknown> },
): Promise<void> {
  if (fact.kind !== 'risk-assessment') return
  const { date, rosh, tool } = fact.data
  if (typeof date !== 'string' || parseDay(date) === undefined) return
  const rows = await tx.query<{ assessed: string | null; changed: string | null }>(
    `SELECT (SELECT max(data->>'date') FROM person_fact
              WHERE person_id = $1 AND kind = 'risk-assessment' AND superseded_by IS NULL AND id <> $2
                AND data->>'rosh' IS NOT NULL) AS assessed,
            (SELECT max(occurred_on)::text FROM timeline_event
              WHERE person_id = $1 AND kind = 'person-updated' AND data->'changes'->'riskLevel' IS NOT NULL) AS changed`,
    [person.id, factId],
  )
  const dates = [rows[0]?.assessed, rows[0]?.changed].filter((d): d is string => typeof d === 'string').sort()
  const asOf = dates.at(-1)
  const level = riskLevelAfter(
    { date: day(date), rosh: typeof rosh === 'string' ? (rosh as RiskLevel) : undefined },
    asOf === undefined ? undefined : day(asOf),
  )
  if (level === undefined || level === person.risk_level) return
  await tx.execute('UPDATE person SET risk_level = $1 WHERE id = $2', [level, person.id])
  const before = person.risk_level
  person.risk_level = level
  await recordStep(tx, call.actor, {
    operation: 'alteration',
    object: { type: 'person', id: person.id, personId: person.id },
    detail: { fields: ['riskLevel'], factId },
    personId: person.id,
    kind: 'risk-level-changed',
    summary: `Risk level ${riskWords(before)} → ${riskWords(level)}, from the ${typeof tool === 'string' ? tool : 'risk'} assessment of ${date}`,
    on: formatDay(call.app.today()),
    data: { changes: { riskLevel: { from: before, to: level } }, factId, assessedOn: date },
  })
}

export async function addFact(call: Call, personId: string, expectedVersion: number | undefined, body: unknown) {
  await authorised(call, 'person:write')
  const fact = checkFact(body, '$', formatDay(call.app.today()))
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const version = await bumpVersion(tx, person, expectedVersion)
    const today = formatDay(call.app.today())
    const id = await recordFact(tx, call, person, fact, today)
    await timeline(tx, call.actor, personId, 'fact-recorded', `Recorded ${fact.kind}`, today, {
      factId: id,
      kind: fact.kind,
    })
    return { id, kind: fact.kind, personVersion: version }
  })
}

/** Corrects or ends a fact: the old row stays, superseded by the new one. */
export async function supersedeFact(
  call: Call,
  personId: string,
  factId: string,
  expectedVersion: number | undefined,
  body: unknown,
) {
  await authorised(call, 'person:write')
  const input = parseOrThrow(factSupersede, body)
  if (input.replacement === undefined && input.validTo === undefined) {
    failIf([problem('$', 'give a replacement, a validTo date, or both')])
  }
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    if (!isUuid(factId)) throw new NotFound('fact')
    const rows = await tx.query<FactRow & Record<string, unknown>>(
      'SELECT * FROM person_fact WHERE id = $1 AND person_id = $2 FOR UPDATE',
      [factId, personId],
    )
    const old = rows[0]
    if (old === undefined) throw new NotFound('fact')
    if (old.superseded_by !== null)
      throw new Conflict('this fact has already been superseded', { by: old.superseded_by })
    const version = await bumpVersion(tx, person, expectedVersion)
    const merged = {
      kind: old.kind,
      ...(input.replacement ?? old.data),
      ...(input.validTo !== undefined ? { validTo: input.validTo } : {}),
    }
    const fact = checkFact(merged, '$.replacement', formatDay(call.app.today()))
    if (fact.kind !== old.kind) failIf([problem('$.replacement.kind', `must stay ${old.kind}`)])
    const id = await insertFact(tx, call, personId, fact)
    await tx.execute('UPDATE person_fact SET superseded_by = $1, superseded_at = now() WHERE id = $2', [id, factId])
    await timeline(
      tx,
      call.actor,
      personId,
      'fact-superseded',
      `${input.replacement ? 'Changed' : 'Ended'} ${old.kind}: ${input.reason}`,
      formatDay(call.app.today()),
      { factId: id, supersedes: factId, reason: input.reason },
    )
    // A corrected assessment that is the newest sets the level as a new one would.
    await applyRiskAssessment(tx, call, person, id, fact)
    return { id, supersedes: factId, personVersion: version }
  })
}

// ---------------------------------------------------------------------------
// Reading

export function personSummary(person: PersonRow) {
  return {
    id: person.id,
    reference: person.reference,
    familyName: person.family_name,
    givenNames: person.given_names,
    dateOfBirth: person.date_of_birth,
    niNumber: person.ni_number,
    sex: person.sex,
    status: person.status,
    riskLevel: person.risk_level,
    responsibleOfficerId: person.responsible_officer_id,
    managingOrganisationId: person.managing_org_id,
    version: person.version,
    updatedAt: person.updated_at.toISOString(),
  }
}

export const factJson = (
  fact: Pick<
    FactRow,
    'id' | 'kind' | 'data' | 'valid_from' | 'valid_to' | 'recorded_at' | 'recorded_by' | 'superseded_by'
  >,
) => ({
  id: fact.id,
  kind: fact.kind,
  data: fact.data,
  validFrom: fact.valid_from,
  validTo: fact.valid_to,
  recordedAt: fact.recorded_at.toISOString(),
  recordedBy: fact.recorded_by,
  supersededBy: fact.superseded_by,
})

/**
 * The whole record in one read: identity, current facts, registration,
 * compliance, victims (links only), as far as the reader's role and reach
 * allow (ASVS 8.2.3). Sections not shown are named, so a page can say so.
 */
export async function readPerson(call: Call, personId: string, options: { history?: boolean } = {}) {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    const { person, reach, shown, sections } = await loadRecordToRead(tx, call, personId, options.history === true)
    const hidden = sectionsHidden(shown)
    // Reads under "need to know" are flagged, so the managing organisation's review can find them.
    await consult(
      tx,
      call,
      { type: 'person', id: personId, personId },
      {
        reach: reach.reach,
        ...(hidden.length > 0 ? { sectionsHidden: hidden } : {}),
        ...(reach.needToKnowId !== undefined ? { needToKnow: reach.needToKnowId, flagged: true } : {}),
      },
    )
    const byKind: Record<string, ReturnType<typeof factJson>[]> = {}
    for (const { recorded_at_ms, ...fact } of sections.facts ?? []) {
      const list = byKind[fact.kind] ?? []
      list.push(factJson({ ...fact, recorded_at: new Date(recorded_at_ms) }))
      byKind[fact.kind] = list
    }
    return {
      person: personSummary(person),
      access: { reach: reach.reach, sectionsHidden: hidden },
      facts: byKind,
      registrations: (sections.registrations ?? []).map(camelRow),
      victims: (sections.victims ?? []).map(camelRow),
      photographs: (sections.photographs ?? []).map(camelRow),
      breaches: (sections.breaches ?? []).map(camelRow),
      visits: (sections.visits ?? []).map(camelRow),
      notifications: (sections.notifications ?? []).map(camelRow),
    }
  })
}

/** A fact as the record's read gets it: its instant as milliseconds since 1970, made a Date in JavaScript. */
type FactRead = Omit<FactRow, 'recorded_at' | 'person_id' | 'superseded_at'> & { recorded_at_ms: number }

/** The sections of a record as one read gets them: a list for each section shown, nothing for the others. */
interface SectionsRead {
  facts?: FactRead[]
  registrations?: Record<string, unknown>[]
  victims?: Record<string, unknown>[]
  photographs?: Record<string, unknown>[]
  breaches?: Record<string, unknown>[]
  visits?: Record<string, unknown>[]
  notifications?: Record<string, unknown>[]
}

/**
 * The person, how the reader reaches them (as loadPersonToRead finds it) and
 * the sections of their record the reader is shown, in as few statements as
 * the reach allows: when the reader's organisation manages the record (or the
 * reader is the system), the person and those sections come in one statement,
 * the sections only if the row read says so and the record is in normal use.
 * Otherwise the reach is looked up first (reachOf), then the sections shown
 * through it, in a second statement. No section the reader is not shown is
 * sent back by the database.
 */
async function loadRecordToRead(
  tx: Queryable,
  call: Call,
  personId: string,
  history: boolean,
): Promise<{ person: PersonRow; reach: ReachRow; shown: ReadonlySet<Section>; sections: SectionsRead }> {
  if (!isUuid(personId)) throw new NotFound('person')
  const actor = call.actor
  const managingShown = visibleSections(actor, 'managing', [])
  const params: unknown[] = [personId]
  const sections = sectionsSql(managingShown, history, params)
  // The sections come with the row only when it says the reader's organisation manages the record and it is in normal use.
  let withSections = 'NULL::json'
  if (sections !== undefined) {
    withSections = `CASE WHEN ${managesSql(actor, 'p', params)} AND ${inNormalUse('p')} THEN ${sections} END`
  }
  const rows = await tx.query<PersonRow & Record<string, unknown> & { read_sections: SectionsRead | null }>(
    `SELECT p.*, ${withSections} AS read_sections FROM person p WHERE p.id = $1`,
    params,
  )
  const row = rows[0]
  if (row === undefined) throw new NotFound('person')
  const { read_sections: managingSections, ...person } = row
  if (managingSections !== null)
    return { person, reach: { reach: 'managing', planShared: [] }, shown: managingShown, sections: managingSections }

  const reach = await reachToRead(tx, call, person)
  const shown = visibleSections(actor, reach.reach, reach.planShared as Section[])
  const sectionParams: unknown[] = [personId]
  const shownSections = sectionsSql(shown, history, sectionParams)
  if (shownSections === undefined) return { person, reach, shown, sections: {} }
  const [read] = await tx.query<{ read_sections: SectionsRead }>(
    `SELECT ${shownSections} AS read_sections`,
    sectionParams,
  )
  return { person, reach, shown, sections: read?.read_sections ?? {} }
}

/**
 * A section's rows as a JSON list ('[]' when there are none), in the order of
 * its query: the query as it was when it ran on its own, fenced with OFFSET 0
 * so that nothing outside is pushed into it and it is planned as before (the
 * same order, rows with equal sort keys included), then aggregated in that
 * order. json_build_object keeps the columns in the order named.
 */
const jsonList = (columns: readonly string[], query: string, where = '') =>
  `(SELECT coalesce(json_agg(json_build_object(${columns.map((column) => `'${column}', ${column}`).join(', ')})), '[]'::json)
      FROM (${query} OFFSET 0) AS section${where})`

const sectionList = (columns: readonly string[], table: string, orderBy: string) =>
  jsonList(columns, `SELECT ${columns.join(', ')} FROM ${table} WHERE person_id = $1 ORDER BY ${orderBy}`)

/**
 * One SQL expression (a JSON object, a list per section shown) that reads the
 * sections of the record of the person $1 that `shown` allows, each with the
 * columns and order of its own query as it was; undefined when none is shown.
 * Dates come back as "YYYY-MM-DD" text (as the database layer gives them),
 * and a fact's instant as whole milliseconds since 1970 (what a Date holds).
 */
function sectionsSql(shown: ReadonlySet<Section>, history: boolean, params: unknown[]): string | undefined {
  const parts: string[] = []
  const kinds = Object.keys(factSection).filter((kind) => shown.has(factSection[kind] as Section))
  if (kinds.length > 0) {
    // All the person's facts are sorted, as before, and those of sections not shown are left out before the
    // list is made: the ones shown keep their order, and no fact of a hidden section leaves the database.
    const columns = ['id', 'kind', 'data', 'valid_from', 'valid_to', 'recorded_at_ms', 'recorded_by', 'superseded_by']
    parts.push(
      `'facts', ${jsonList(
        columns,
        `SELECT id, kind, data, valid_from, valid_to, floor(extract(epoch FROM recorded_at) * 1000) AS recorded_at_ms,
                recorded_by, superseded_by
           FROM person_fact WHERE person_id = $1 ${history ? '' : 'AND superseded_by IS NULL'}
          ORDER BY kind, valid_from NULLS FIRST, recorded_at`,
        ` WHERE kind = ANY($${params.push(kinds)}::text[])`,
      )}`,
    )
  }
  if (shown.has('registration')) {
    parts.push(
      `'registrations', ${sectionList(
        [
          'id',
          'policy_id',
          'policy_version',
          'status',
          'abuse_type',
          'mappa_category',
          'period',
          'relevant_date',
          'last_day',
          'review_date',
          'initial_due',
          'no_fixed_abode',
          'in_custody',
          'registered_on',
          'notice_served_on',
          'ended_on',
          'end_reason',
          'archived_on',
          'version',
          'determination_id',
        ],
        'registration',
        'registered_on DESC',
      )}`,
    )
  }
  if (shown.has('victims')) {
    parts.push(`'victims', ${sectionList(['victim_id', 'relationship'], 'victim_link', 'created_at')}`)
  }
  if (shown.has('description')) {
    parts.push(
      `'photographs', ${sectionList(
        ['id', 'content_type', 'byte_size', 'width', 'height', 'taken_on', 'caption'],
        'photograph',
        'recorded_at',
      )}`,
    )
  }
  if (shown.has('compliance')) {
    parts.push(
      `'breaches', ${sectionList(
        [
          'id',
          'obligation_key',
          'obligation_kind',
          'provision',
          'due_on',
          'detected_on',
          'status',
          'outcome',
          'outcome_on',
          'version',
        ],
        'breach',
        'due_on DESC',
      )}`,
      `'visits', ${sectionList(['id', 'visited_on', 'outcome', 'notes'], 'home_visit', 'visited_on DESC')}`,
      `'notifications', ${sectionList(
        ['id', 'registration_id', 'kind', 'received_on', 'event_date', 'departure_date', 'items', 'station'],
        'notification',
        'received_on DESC, received_at DESC',
      )}`,
    )
  }
  return parts.length === 0 ? undefined : `json_build_object(${parts.join(', ')})`
}

const sectionsHidden = (shown: ReadonlySet<Section>) => allSections.filter((section) => !shown.has(section))

/** snake_case columns to the API's camelCase, instants as ISO text. */
export function camelRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    out[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] =
      value instanceof Date ? value.toISOString() : value
  }
  return out
}

export async function personTimeline(
  call: Call,
  personId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  await authorised(call, 'person:read')
  return transact(call, async (tx) => {
    await loadPerson(tx, call, personId)
    const before = page.cursor === undefined ? null : decodeCursorNumber(page.cursor)
    const rows = await tx.query<{ id: number } & Record<string, unknown>>(
      `SELECT id, kind, summary, data, occurred_on, recorded_at, actor_id FROM timeline_event
        WHERE person_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [personId, before, page.limit + 1],
    )
    await consult(tx, call, { type: 'timeline', id: personId, personId })
    const items = rows.slice(0, page.limit)
    const last = items.at(-1)
    return {
      items: items.map(camelRow),
      nextCursor: rows.length > page.limit && last ? encodeCursor(String(last.id)) : null,
    }
  })
}

/** The people the actor's organisation manages or has been shared, in reference order, a page at a time. */
export async function listPeople(call: Call, page: { cursor?: string | undefined; limit: number }) {
  await authorised(call, 'person:read')
  const after = page.cursor === undefined ? '' : decodeCursor(page.cursor)
  return transact(call, async (tx) => {
    const all = call.actor.roles.includes('system')
    const rows = await tx.query<PersonRow & Record<string, unknown>>(
      `SELECT * FROM person p
        WHERE reference > $1 AND ${inNormalUse('p')}
          AND ($2 OR managing_org_id = $3 OR EXISTS (
                SELECT 1 FROM record_share s WHERE s.person_id = p.id AND s.organisation_id = $3
                   AND s.revoked_on IS NULL AND (s.expires_on IS NULL OR s.expires_on >= $5::date)))
        ORDER BY reference LIMIT $4`,
      [after, all, call.actor.organisationId, page.limit + 1, formatDay(call.app.today())],
    )
    const items = rows.slice(0, page.limit)
    await consult(tx, call, { type: 'person-list' }, { count: items.length, people: items.map((p) => p.id) })
    const last = items.at(-1)
    return {
      items: items.map(personSummary),
      nextCursor: rows.length > page.limit && last ? encodeCursor(last.reference) : null,
    }
  })
}

export const encodeCursor = (value: string) => Buffer.from(value, 'utf8').toString('base64url')
export function decodeCursor(cursor: string): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8')
  if (value === '' || /[^\x20-\x7e]/.test(value))
    failIf([problem('$.cursor', 'is not a cursor this API gave', 'query')])
  return value
}
function decodeCursorNumber(cursor: string): number {
  const value = Number(decodeCursor(cursor))
  if (!Number.isSafeInteger(value) || value < 0) failIf([problem('$.cursor', 'is not a cursor this API gave', 'query')])
  return value
}
