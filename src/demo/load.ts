import { parseExplainInput } from '../contracts/explain-input.ts'
import { type ConsequencesJson, type ExplanationJson, explanationToJson } from '../contracts/explain-output.ts'
import { type FactKind, normaliseName, searchKeysOf } from '../contracts/register/facts.ts'
import { day, formatDay } from '../domain/dates/day.ts'
import type { PolicyId } from '../domain/explain/evaluation.ts'
import { explainPerson } from '../domain/explain/explain.ts'
import { policies, policyById } from '../domain/policies/registry.ts'
import { initialDueOnRegistration } from '../domain/register/lifecycle.ts'
import { defaultRegisterSettings, type RegisterSettings } from '../domain/register/settings.ts'
import { defaultLegalSettings, type LegalSettings } from '../domain/settings/legal-settings.ts'
import { appendAuditEntries } from '../store/audit-chain.ts'
import type { Database, Queryable } from '../store/database.ts'
import {
  coreInputOf,
  type DemoPerson,
  type Directory,
  demoDirectory,
  demoId,
  demoPerson,
  demoProbationIds,
  type PopulationOptions,
  registrationHistory,
  yearOf,
} from './population.ts'

// Writes a generated population into the register, fast: rows are gathered
// per batch into one list per column and written with one INSERT ... SELECT
// FROM unnest(...) per table, each batch in one transaction. Only the batch
// being generated and the few being written are in memory, so a million
// persons load in constant memory. Each batch commits on its own: a failure
// part-way leaves the batches before it (the seed can then not be reloaded
// into that database; start from an empty one).
//
// Registrations are decided as `determine` and `register` in
// src/app/registration.ts decide them: the legal core is run on the person's
// record as it stood on the day they were considered, the explanation is kept
// exactly as made, and the registration columns mean the same things (initial
// notification due on the later of the core's date and 3 days beginning with
// registration; relevant date, last day and review date from the core).

export interface LoadOptions extends PopulationOptions {
  /** Persons per transaction. */
  batchSize?: number
  /** Batches written at once: 3 on PostgreSQL (one connection each), 1 on PGlite. */
  concurrency?: number
  /** Recorded on each determination (the app records package.json's version). */
  softwareVersion?: string
  settings?: RegisterSettings
  legal?: LegalSettings
  /** Called after each batch is written. */
  onProgress?: (done: number, total: number) => void
}

export interface LoadSummary {
  people: number
  facts: number
  convictions: number
  neverConvicted: number
  victims: number
  determinations: number
  registrations: number
  activeRegistrations: number
  referred: number
  notifications: number
  visits: number
  millis: number
}

export class DemoDataConflict extends Error {}

/** Registration policies whose effect is SOA 2003 Part 2 notification, in order of preference. */
const registrationPolicies: readonly PolicyId[] = ['lords-2024', 'broad-convicted']

const noon = (iso: string) => `${iso}T12:00:00Z`

/** One array per column: what unnest() reads. */
class Columns {
  readonly data: unknown[][]
  constructor(width: number) {
    this.data = Array.from({ length: width }, () => [])
  }
  push(...values: unknown[]) {
    for (let i = 0; i < this.data.length; i++) (this.data[i] as unknown[]).push(values[i] ?? null)
  }
  get length() {
    return (this.data[0] as unknown[]).length
  }
}

const noCounts = (): Batch['counts'] => ({
  facts: 0,
  convictions: 0,
  neverConvicted: 0,
  victims: 0,
  determinations: 0,
  registrations: 0,
  activeRegistrations: 0,
  referred: 0,
  notifications: 0,
  visits: 0,
})

interface Batch {
  from: number
  to: number
  people: DemoPerson[]
  status: string[]
  facts: Columns
  keys: Columns
  victims: Columns
  links: Columns
  determinations: Columns
  registrations: Columns
  notifications: Columns
  visits: Columns
  /** Timeline events other than 'person-recorded' (which needs the reference, assigned when the batch is written). */
  events: Columns
  counts: Omit<LoadSummary, 'people' | 'millis'>
}

/** Generates and writes `options.people` persons; returns what was written. */
export async function loadPopulation(db: Database, options: LoadOptions): Promise<LoadSummary> {
  const started = performance.now()
  const settings = options.settings ?? defaultRegisterSettings
  const legal = options.legal ?? defaultLegalSettings
  const batchSize = options.batchSize ?? 2000
  const first = demoId(options.seed, 'person', 0)
  const existing = await db.query('SELECT 1 FROM person WHERE id = $1', [first])
  if (existing.length > 0) {
    throw new DemoDataConflict(
      `the register already holds demo data of seed ${options.seed}; use another --seed or an empty database`,
    )
  }
  const directory = demoDirectory(options)
  const users = await loadDirectory(db, directory)

  const total: LoadSummary = { people: 0, ...noCounts(), millis: 0 }
  // Batches are written while the next ones are generated; on PostgreSQL
  // several are written at once, each on its own connection. PGlite is one
  // connection, so there a batch waits for the one before.
  const concurrency = options.concurrency ?? (db.kind === 'postgres' ? 3 : 1)
  const inFlight = new Set<Promise<void>>()
  let written = 0
  let failure: unknown
  for (let from = 0; from < options.people && failure === undefined; from += batchSize) {
    const to = Math.min(options.people, from + batchSize)
    const batch = buildBatch(options, directory, users, from, to, settings, legal)
    while (inFlight.size >= concurrency) await Promise.race(inFlight)
    if (failure !== undefined) break
    for (const key of Object.keys(batch.counts) as (keyof Batch['counts'])[]) total[key] += batch.counts[key]
    total.people += batch.people.length
    const writing: Promise<void> = writeBatch(db, batch, options).then(
      () => {
        inFlight.delete(writing)
        written += batch.people.length
        options.onProgress?.(written, options.people)
      },
      (error: unknown) => {
        inFlight.delete(writing)
        failure ??= error
      },
    )
    inFlight.add(writing)
  }
  await Promise.all(inFlight)
  if (failure !== undefined) throw failure
  total.millis = Math.round(performance.now() - started)
  return total
}

/** Organisations and users; returns generated user id → stored user id (a user may already exist by e-mail). */
async function loadDirectory(db: Database, directory: Directory): Promise<Map<string, string>> {
  const { organisations, users } = directory
  await db.transaction(async (tx) => {
    await tx.execute(
      `INSERT INTO organisation (id, name, kind)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING`,
      [organisations.map((o) => o.id), organisations.map((o) => o.name), organisations.map((o) => o.kind)],
    )
    await tx.execute(
      `INSERT INTO app_user (id, organisation_id, display_name, email, phone, roles)
       SELECT id, organisation_id, display_name, email, phone, string_to_array(roles, ',')
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS t(id, organisation_id, display_name, email, phone, roles)
       ON CONFLICT DO NOTHING`,
      [
        users.map((u) => u.id),
        users.map((u) => u.organisationId),
        users.map((u) => u.displayName),
        users.map((u) => u.email),
        users.map((u) => u.phone),
        users.map((u) => u.roles.join(',')),
      ],
    )
  })
  const rows = await db.query<{ id: string; email: string }>(
    'SELECT id, email FROM app_user WHERE email = ANY($1::text[])',
    [users.map((u) => u.email)],
  )
  const byEmail = new Map(rows.map((row) => [row.email, row.id]))
  return new Map(users.map((u) => [u.id, byEmail.get(u.email) ?? u.id]))
}

function factDate(data: Record<string, unknown>): string | undefined {
  const value = data.date ?? data.validFrom ?? data.madeOn
  return typeof value === 'string' ? value : undefined
}

function buildBatch(
  options: LoadOptions,
  directory: Directory,
  users: Map<string, string>,
  from: number,
  to: number,
  settings: RegisterSettings,
  legal: LegalSettings,
): Batch {
  const batch: Batch = {
    from,
    to,
    people: [],
    status: [],
    facts: new Columns(8),
    keys: new Columns(4),
    victims: new Columns(6),
    links: new Columns(4),
    determinations: new Columns(9),
    registrations: new Columns(22),
    notifications: new Columns(10),
    visits: new Columns(7),
    events: new Columns(7),
    counts: noCounts(),
  }
  const asOf = day(options.asOf)
  const policyVersions = JSON.stringify(Object.fromEntries(policies.map((p) => [p.id, p.version])))
  const softwareVersion = options.softwareVersion ?? 'demo-data'
  const event = (personId: string, kind: string, summary: string, data: unknown, on: string, actor: string) =>
    batch.events.push(personId, kind, summary, JSON.stringify(data), on, actor, noon(on))

  for (let index = from; index < to; index++) {
    const person = demoPerson(options, directory, index)
    // The stored users may predate this load (same e-mail, another id).
    const registrar = users.get(person.registrarId) ?? person.registrarId
    const officer = users.get(person.responsibleOfficerId) ?? person.responsibleOfficerId
    person.registrarId = registrar
    person.responsibleOfficerId = officer
    batch.people.push(person)
    let status = 'recorded'

    batch.keys.push(person.id, null, 'name', normaliseName(`${person.givenNames} ${person.familyName}`))
    let convictions = 0
    for (const fact of person.facts) {
      if (fact.kind === 'conviction') convictions++
      const date = factDate(fact.data)
      const recordedAt = date !== undefined && date > person.recordedOn ? date : person.recordedOn
      batch.facts.push(
        fact.id,
        person.id,
        fact.kind,
        JSON.stringify(fact.data),
        fact.data.validFrom ?? null,
        fact.data.validTo ?? null,
        noon(recordedAt),
        registrar,
      )
      for (const key of searchKeysOf(fact.kind as FactKind, fact.data)) {
        if (key.value !== '') batch.keys.push(person.id, fact.id, key.kind, key.value)
      }
    }
    batch.counts.facts += person.facts.length
    batch.counts.convictions += convictions
    if (convictions === 0) batch.counts.neverConvicted++
    for (const victim of person.victims) {
      batch.victims.push(
        victim.id,
        person.managingOrgId,
        JSON.stringify(victim.data),
        noon(person.recordedOn),
        registrar,
        noon(person.recordedOn),
      )
      batch.links.push(person.id, victim.id, victim.relationship, noon(person.recordedOn))
    }
    batch.counts.victims += person.victims.length

    const plan = person.plan
    if (plan !== undefined) {
      const decision = decide(person, plan.consideredOn, plan.registeredOn)
      if (decision !== undefined) {
        const { explanation, input, policy, consequences } = decision
        const determinationId = demoId(options.seed, 'determination', index)
        batch.determinations.push(
          determinationId,
          person.id,
          plan.consideredOn,
          JSON.stringify(input),
          JSON.stringify(explanation),
          policyVersions,
          softwareVersion,
          noon(plan.consideredOn),
          officer,
        )
        batch.counts.determinations++
        event(
          person.id,
          'referred',
          'Referred: convicted of a DA or stalking offence; serial or high risk of serious harm',
          { reason: 'demo data' },
          plan.consideredOn,
          officer,
        )
        event(
          person.id,
          'determined',
          `Eligibility determined as of ${plan.consideredOn}: ${explanation.policies.map((p) => `${p.policy}: ${p.outcome}`).join('; ')}`,
          { determinationId },
          plan.consideredOn,
          officer,
        )
        status = 'referred'
        if (plan.register) {
          status = register(batch, options, person, plan, {
            determinationId,
            policy,
            consequences,
            registrar,
            officer,
            asOf,
            settings,
            legal,
          })
        } else {
          batch.counts.referred++
        }
      }
    }
    batch.status.push(status)
  }
  return batch
}

interface Decision {
  input: ReturnType<typeof coreInputOf>
  explanation: ExplanationJson
  policy: PolicyId
  consequences: ConsequencesJson
}

/**
 * The legal core on the record as known on `asOf`, as `determine` runs it;
 * undefined unless eligible with a notification period still running on the
 * day of registration (nobody is registered for a period that is already over).
 */
function decide(person: DemoPerson, asOf: string, registeredOn: string): Decision | undefined {
  const input = coreInputOf(person, asOf)
  const parsed = parseExplainInput(input)
  if (!parsed.ok) {
    // The generator's records satisfy the contract; a failure here is a bug, never a skipped person.
    throw new Error(`demo person ${person.index} does not satisfy the explain contract: ${parsed.problems.join('; ')}`)
  }
  const core = explainPerson(parsed.record)
  for (const policy of registrationPolicies) {
    const evaluation = core.policies.find((p) => p.policy === policy)
    if (evaluation?.outcome === 'eligible' && evaluation.consequences?.effect === 'notification-requirements') {
      const explanation = explanationToJson(core)
      const consequences = explanation.policies.find((p) => p.policy === policy)?.consequences
      if (consequences == null) continue
      if (consequences.periodLastDay !== null && consequences.periodLastDay < registeredOn) return undefined
      return { input, explanation, policy, consequences }
    }
  }
  return undefined
}

function register(
  batch: Batch,
  options: LoadOptions,
  person: DemoPerson,
  plan: NonNullable<DemoPerson['plan']>,
  context: {
    determinationId: string
    policy: PolicyId
    consequences: ConsequencesJson
    registrar: string
    officer: string
    asOf: ReturnType<typeof day>
    settings: RegisterSettings
    legal: LegalSettings
  },
): string {
  const { consequences, legal, asOf } = context
  const registeredOn = plan.registeredOn
  const registered = day(registeredOn)
  // Detained on registration (s.83(6)): the index conviction's custody runs past it.
  const index = person.facts.find((f) => f.id === consequences.indexFact)
  const disposal = index?.data.disposal as { type: string; suspended?: boolean } | undefined
  const release = typeof index?.data.releasedOn === 'string' ? index.data.releasedOn : undefined
  const detained =
    disposal?.type === 'custody' && disposal.suspended !== true && (release === undefined || release > registeredOn)
  const releasedSince = detained && release !== undefined && day(release) <= asOf ? release : undefined
  const inCustody = detained && releasedSince === undefined
  // As register() does: never due before the person could know of it (decision 0004).
  const coreDue = consequences.initialNotificationDue === null ? undefined : day(consequences.initialNotificationDue)
  const due = initialDueOnRegistration(coreDue, registered, inCustody, legal)
  const initialDue = due === undefined ? null : formatDay(due)
  const history = registrationHistory(
    options,
    person,
    {
      registeredOn,
      initialDue,
      lastDay: consequences.periodLastDay,
      inCustody,
      noFixedAbode: plan.noFixedAbode,
      riskLevel: person.riskLevel,
      releasedOn: releasedSince,
    },
    context.settings,
  )
  const registrationId = demoId(options.seed, 'registration', person.index)
  const status = history.ended === null ? 'active' : 'ended'
  batch.registrations.push(
    registrationId,
    person.id,
    context.determinationId,
    context.policy,
    policyById(context.policy).version,
    status,
    plan.abuseType,
    consequences.mappaCategory,
    true,
    JSON.stringify(consequences.notificationPeriod),
    consequences.periodStart ?? plan.consideredOn,
    consequences.periodLastDay,
    consequences.earliestReview,
    initialDue,
    plan.noFixedAbode,
    inCustody,
    registeredOn,
    context.registrar,
    history.noticeServedOn,
    history.ended?.endedOn ?? null,
    history.ended?.reason ?? null,
    noon(registeredOn),
  )
  batch.counts.registrations++
  if (status === 'active') batch.counts.activeRegistrations++
  const event = (kind: string, summary: string, data: unknown, on: string, actor: string) =>
    batch.events.push(person.id, kind, summary, JSON.stringify(data), on, actor, noon(on))
  event(
    'registered',
    `Registered under ${context.policy} (${plan.abuseType}); MAPPA category ${consequences.mappaCategory ?? 'none'}`,
    { registrationId, determinationId: context.determinationId },
    registeredOn,
    context.registrar,
  )
  if (history.noticeServedOn !== null) {
    event('notice-served', 'Notice served (in-person)', { registrationId }, history.noticeServedOn, context.registrar)
  }
  for (const n of history.notifications) {
    batch.notifications.push(
      n.id,
      registrationId,
      person.id,
      n.kind,
      n.receivedOn,
      n.eventDate ?? null,
      n.departureDate ?? null,
      n.items.length === 0 ? null : n.items.join(','),
      context.officer,
      noon(n.receivedOn),
    )
    event(
      `notification-${n.kind}`,
      `${n.kind} notification received`,
      { notificationId: n.id, factIds: [] },
      n.receivedOn,
      context.officer,
    )
  }
  for (const v of history.visits) {
    batch.visits.push(v.id, person.id, registrationId, v.visitedOn, v.outcome, context.officer, noon(v.visitedOn))
    event('home-visit', `Home visit: ${v.outcome}`, { visitId: v.id }, v.visitedOn, context.officer)
  }
  batch.counts.notifications += history.notifications.length
  batch.counts.visits += history.visits.length
  if (history.ended !== null) {
    event(
      'registration-ended',
      'Registration ended: period-expired',
      { registrationId },
      history.ended.endedOn,
      context.registrar,
    )
    return 'ended'
  }
  return 'registered'
}

async function writeBatch(db: Database, batch: Batch, options: LoadOptions): Promise<void> {
  // Numbers first, in a short transaction of their own, so batches written
  // at once do not wait for each other on the counter's row (a batch that
  // fails leaves a gap in the numbers, as a sequence would).
  const references = await db.transaction((tx) => reserveReferences(tx, batch.people))
  await db.transaction(async (tx) => {
    const people = new Columns(14)
    const recorded = new Columns(7)
    for (const [i, p] of batch.people.entries()) {
      const created = noon(p.recordedOn)
      people.push(
        p.id,
        references[i],
        p.managingOrgId,
        p.familyName,
        p.givenNames,
        p.dateOfBirth,
        p.niNumber,
        p.sex,
        batch.status[i],
        p.responsibleOfficerId,
        p.riskLevel,
        created,
        p.registrarId,
        created,
      )
      recorded.push(p.id, 'person-recorded', `Recorded as ${references[i]}`, '{}', p.recordedOn, p.registrarId, created)
    }
    await insertColumns(tx, 'person', personColumns, people)
    await insertColumns(tx, 'person_fact', factColumns, batch.facts)
    await insertColumns(tx, 'search_key', keyColumns, batch.keys)
    await insertColumns(tx, 'victim', victimColumns, batch.victims)
    await insertColumns(tx, 'victim_link', linkColumns, batch.links)
    await insertColumns(tx, 'determination', determinationColumns, batch.determinations)
    await insertColumns(tx, 'registration', registrationColumns, batch.registrations)
    await insertColumns(tx, 'notification', notificationColumns, batch.notifications)
    await insertColumns(tx, 'home_visit', visitColumns, batch.visits)
    // Every third registrant is co-managed with a probation region, so the demo's
    // probation officers have cases (decision 0008: a share is how they reach them).
    const shares = new Columns(7)
    for (const [i, p] of batch.people.entries()) {
      if (batch.status[i] !== 'registered' || p.index % 3 !== 0) continue
      const region = demoProbationIds[p.index % demoProbationIds.length] as string
      shares.push(
        demoShareId(p.id),
        p.id,
        region,
        'full',
        'Co-managed on licence with probation (synthetic)',
        p.registrarId,
        p.recordedOn,
      )
    }
    await insertColumns(tx, 'record_share', shareColumns, shares)
    // The timeline: each person's recording first, then the later steps in date order.
    await insertColumns(tx, 'timeline_event', eventColumns, recorded, 'occurred_on')
    await insertColumns(tx, 'timeline_event', eventColumns, batch.events, 'occurred_on')
    // DPA 2018 s.62: the collection is logged, once per batch rather than once per row.
    await appendAuditEntries(tx, [
      {
        actorId: null,
        organisationId: 'national:register',
        origin: null,
        operation: 'collection',
        objectType: 'demo-data',
        objectId: null,
        personId: null,
        justification: null,
        recipients: null,
        detail: { seed: options.seed, asOf: options.asOf, from: batch.from, to: batch.to },
      },
    ])
  })
}

/** A column: its name, its type, and (optionally) how to turn the text sent into the value stored. */
type ColumnSpec = readonly [name: string, type: string, expression?: string]

const personColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['reference', 'text'],
  ['managing_org_id', 'text'],
  ['family_name', 'text'],
  ['given_names', 'text'],
  ['date_of_birth', 'date'],
  ['ni_number', 'text'],
  ['sex', 'text'],
  ['status', 'text'],
  ['responsible_officer_id', 'uuid'],
  ['risk_level', 'text'],
  ['created_at', 'timestamptz'],
  ['created_by', 'uuid'],
  ['updated_at', 'timestamptz'],
]
const shareColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['person_id', 'uuid'],
  ['organisation_id', 'text'],
  ['scope', 'text'],
  ['reason', 'text'],
  ['granted_by', 'uuid'],
  ['granted_on', 'date'],
]
/** A share's id follows from its person's, so loading the same seed twice gives the same rows. */
const demoShareId = (personId: string) => `${personId.slice(0, 14)}a${personId.slice(15)}`
const factColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['person_id', 'uuid'],
  ['kind', 'text'],
  ['data', 'jsonb'],
  ['valid_from', 'date'],
  ['valid_to', 'date'],
  ['recorded_at', 'timestamptz'],
  ['recorded_by', 'uuid'],
]
const keyColumns: ColumnSpec[] = [
  ['person_id', 'uuid'],
  ['fact_id', 'uuid'],
  ['kind', 'text'],
  ['value', 'text'],
]
const victimColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['managing_org_id', 'text'],
  ['data', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['created_by', 'uuid'],
  ['updated_at', 'timestamptz'],
]
const linkColumns: ColumnSpec[] = [
  ['person_id', 'uuid'],
  ['victim_id', 'uuid'],
  ['relationship', 'text'],
  ['created_at', 'timestamptz'],
]
const determinationColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['person_id', 'uuid'],
  ['as_of', 'date'],
  ['input', 'jsonb'],
  ['explanation', 'jsonb'],
  ['policy_versions', 'jsonb'],
  ['software_version', 'text'],
  ['decided_at', 'timestamptz'],
  ['decided_by', 'uuid'],
]
const registrationColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['person_id', 'uuid'],
  ['determination_id', 'uuid'],
  ['policy_id', 'text'],
  ['policy_version', 'text'],
  ['status', 'text'],
  ['abuse_type', 'text'],
  ['mappa_category', 'integer'],
  ['notification_duties', 'boolean'],
  ['period', 'jsonb'],
  ['relevant_date', 'date'],
  ['last_day', 'date'],
  ['review_date', 'date'],
  ['initial_due', 'date'],
  ['no_fixed_abode', 'boolean'],
  ['in_custody', 'boolean'],
  ['registered_on', 'date'],
  ['registered_by', 'uuid'],
  ['notice_served_on', 'date'],
  ['ended_on', 'date'],
  ['end_reason', 'text'],
  ['created_at', 'timestamptz'],
]
const notificationColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['registration_id', 'uuid'],
  ['person_id', 'uuid'],
  ['kind', 'text'],
  ['received_on', 'date'],
  ['event_date', 'date'],
  ['departure_date', 'date'],
  ['items', 'text[]', "coalesce(string_to_array(c7, ','), '{}')"],
  ['received_by', 'uuid'],
  ['received_at', 'timestamptz'],
]
const visitColumns: ColumnSpec[] = [
  ['id', 'uuid'],
  ['person_id', 'uuid'],
  ['registration_id', 'uuid'],
  ['visited_on', 'date'],
  ['outcome', 'text'],
  ['recorded_by', 'uuid'],
  ['recorded_at', 'timestamptz'],
]
const eventColumns: ColumnSpec[] = [
  ['person_id', 'uuid'],
  ['kind', 'text'],
  ['summary', 'text'],
  ['data', 'jsonb'],
  ['occurred_on', 'date'],
  ['actor_id', 'uuid'],
  ['recorded_at', 'timestamptz'],
]

// Each column travels as one text parameter, its values joined by the ASCII
// unit separator and split again by string_to_array: much cheaper, on both
// drivers, than an array parameter, whose every element is quoted and escaped
// in JavaScript and parsed back in the server. No value can contain the
// separator (JSON escapes control characters; the generator makes the rest).
const separator = '\x1f'
const nullText = '\\N'

/** INSERT INTO table (...) SELECT ... FROM unnest(...): one statement for the whole batch. */
async function insertColumns(
  tx: Queryable,
  table: string,
  spec: readonly ColumnSpec[],
  columns: Columns,
  orderBy?: string,
): Promise<void> {
  if (columns.length === 0) return
  // Split as text and cast each value: casting the whole array (text[] to
  // jsonb[], uuid[]) builds a second large array and is several times slower.
  const arrays = spec.map((_, i) => `string_to_array($${i + 1}, E'\\x1f', '${nullText}')`)
  const aliases = spec.map((_, i) => `c${i}`)
  const order = orderBy === undefined ? '' : ` ORDER BY c${spec.findIndex(([name]) => name === orderBy)}, n`
  await tx.execute(
    `INSERT INTO ${table} (${spec.map(([name]) => name).join(', ')})
     SELECT ${spec.map(([, type, expression], i) => expression ?? `c${i}::${type}`).join(', ')}
       FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS t(${aliases.join(', ')}, n)${order}`,
    columns.data.map((values) =>
      values.map((v) => (v === null || v === undefined ? nullText : String(v))).join(separator),
    ),
  )
}

/**
 * DA-YYYY-NNNNNN references, by the year each person was recorded: the
 * numbers are reserved in reference_counter, so persons recorded by
 * `createPerson` meanwhile never get the same one.
 */
async function reserveReferences(tx: Queryable, people: DemoPerson[]): Promise<string[]> {
  const perYear = new Map<number, number>()
  for (const p of people) perYear.set(yearOf(p.recordedOn), (perYear.get(yearOf(p.recordedOn)) ?? 0) + 1)
  const rows = await tx.query<{ year: number; last: number }>(
    `INSERT INTO reference_counter (year, last)
     SELECT * FROM unnest($1::int[], $2::int[])
     ON CONFLICT (year) DO UPDATE SET last = reference_counter.last + EXCLUDED.last
     RETURNING year, last`,
    [[...perYear.keys()], [...perYear.values()]],
  )
  const next = new Map(rows.map((row) => [row.year, row.last - (perYear.get(row.year) ?? 0)]))
  return people.map((p) => {
    const y = yearOf(p.recordedOn)
    const n = (next.get(y) ?? 0) + 1
    next.set(y, n)
    return `DA-${y}-${String(n).padStart(6, '0')}`
  })
}
