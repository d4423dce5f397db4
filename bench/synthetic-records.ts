import { addDays, birthdayOfAge, type Day, dayFromYmd, formatDay, maxDay } from '../src/domain/dates/day.ts'
import { type Offence, type OffenceCode, offence } from '../src/domain/offences/offences.ts'
import type {
  Caution,
  Conviction,
  Disposal,
  Incident,
  OffenceContext,
  PersonRecord,
  RiskAssessment,
  RoshLevel,
  Victim,
} from '../src/domain/record/person-record.ts'
import type { Relationship } from '../src/domain/record/relationships.ts'

// Seeded synthetic PersonRecords for benchmarks. Every person is invented: the
// generator draws from distributions loosely shaped like a domestic abuse and
// stalking caseload (mostly one conviction, a long tail of repeat offenders,
// mostly partners and former partners as victims) and never from real data.
//
// Person i of a seed is the same whatever the batch size: each person has its
// own PRNG stream, so a batch can be regenerated in place to keep memory flat.
//
// Every record satisfies the input rules of src/contracts/explain-input.ts:
// no date before birth or (for offences) before the 10th birthday, offence
// date <= conviction date <= release date, nothing but releases after asOf,
// unique ids, no conditional discharge where the offence bars it, no suspended
// life sentence, releasedOn only for immediate custody or a hospital order.

/** The as-of date every synthetic record is evaluated on. */
export const syntheticAsOf: Day = dayFromYmd(2026, 11, 24)

// ---------------------------------------------------------------------------
// PRNG: mulberry32, reseeded per person

let state = 0

function reseed(seed: number, index: number): void {
  // splitmix-style scramble so neighbouring indices get unrelated streams
  let h = (Math.imul(index ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35)) | 0
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  state = (h ^ (h >>> 16)) | 0
}

/** A float in [0, 1). */
function random(): number {
  state = (state + 0x6d2b79f5) | 0
  let t = Math.imul(state ^ (state >>> 15), 1 | state)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** An integer in [min, max]. */
function int(min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

function chance(p: number): boolean {
  return random() < p
}

/** A day in [from, to], skewed towards `to` (recent) when `recency` > 1. */
function dayBetween(from: Day, to: Day, recency = 1): Day {
  if (to <= from) return from
  const offset = Math.floor((to - from + 1) * random() ** recency)
  return addDays(to, -Math.min(offset, to - from))
}

interface Weighted<T> {
  values: T[]
  cumulative: number[]
  total: number
}

function weighted<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
  const values: T[] = []
  const cumulative: number[] = []
  let total = 0
  for (const [value, weight] of entries) {
    total += weight
    values.push(value)
    cumulative.push(total)
  }
  return { values, cumulative, total }
}

function pick<T>(table: Weighted<T>): T {
  const r = random() * table.total
  const { cumulative, values } = table
  for (let i = 0; i < cumulative.length; i++) {
    if (r < (cumulative[i] as number)) return values[i] as T
  }
  return values[values.length - 1] as T
}

/** true ~70%, false ~20%, missing ~10%: the CPS domestic abuse flag. */
function daFlag(): boolean | undefined {
  const r = random()
  return r < 0.7 ? true : r < 0.9 ? false : undefined
}

// ---------------------------------------------------------------------------
// Distributions

const convictionCounts = weighted<readonly [number, number]>([
  [[1, 1], 55],
  [[2, 2], 22],
  [[3, 3], 10],
  [[4, 6], 9],
  [[7, 15], 4],
])

const convictionOffences = weighted<OffenceCode>([
  ['CJA1988-s39', 24], // common assault and battery
  ['OAPA1861-s47', 14], // ABH
  ['CDA1971-s1', 10], // criminal damage
  ['PHA1997-s2', 8], // harassment
  ['SCA2015-s76', 7], // controlling or coercive behaviour
  ['PHA1997-s2A', 6], // stalking
  ['PHA1997-s5', 6], // breach of a restraining order
  ['FLA1996-s42A', 6], // breach of a non-molestation order
  ['PHA1997-s4A', 4],
  ['PHA1997-s4', 3],
  ['SCA2015-s75A', 3], // strangulation
  ['OAPA1861-s16', 2], // threats to kill
  ['OAPA1861-s20', 2],
  ['OAPA1861-s18', 1],
  ['SPA2019-s8', 1],
  ['SOA2003-s3', 1],
  ['DAA2021-s39', 0.5],
  ['SOA2003-s1', 0.4], // rape
  ['MADPA1965-s1', 0.1], // murder
])

const cautionOffences = weighted<OffenceCode>([
  ['CJA1988-s39', 40],
  ['CDA1971-s1', 25],
  ['PHA1997-s2', 20],
  ['OAPA1861-s47', 10],
  ['PHA1997-s5', 5],
])

const victimRelationships = weighted<Relationship | undefined>([
  ['ex-partner', 32],
  ['partner', 24],
  ['spouse', 5],
  ['ex-spouse', 4],
  ['civil-partner', 0.5],
  ['ex-civil-partner', 0.3],
  ['engaged', 0.5],
  ['ex-engaged', 0.3],
  ['co-parent', 3],
  ['parent', 4],
  ['child', 3],
  ['sibling', 3],
  ['grandparent', 0.5],
  ['grandchild', 0.3],
  ['other-relative', 1.5],
  ['acquaintance', 7],
  ['stranger', 5],
  [undefined, 6],
])

/** Controlling or coercive behaviour requires a personal connection (SCA 2015 s.76(1)(b)). */
const connectedRelationships = weighted<Relationship>([
  ['ex-partner', 40],
  ['partner', 35],
  ['spouse', 8],
  ['ex-spouse', 6],
  ['co-parent', 3],
  ['parent', 3],
  ['child', 2],
  ['sibling', 2],
  ['other-relative', 1],
])

const strangerOrAcquaintance = weighted<Relationship>([
  ['acquaintance', 60],
  ['stranger', 40],
])

/** Custody terms in months, weighted towards short sentences. */
const custodyMonths = weighted<number>([
  [1, 4],
  [2, 8],
  [3, 10],
  [4, 10],
  [5, 5],
  [6, 12],
  [8, 8],
  [9, 5],
  [10, 5],
  [12, 9],
  [14, 3],
  [16, 3],
  [18, 5],
  [20, 2],
  [24, 5],
  [27, 1],
  [30, 2],
  [36, 3],
  [42, 1],
  [48, 2],
  [54, 1],
  [60, 1],
])

const dtoMonths = [4, 6, 8, 10, 12, 18, 24]

type DisposalKind = Disposal['type']
const disposalKinds = weighted<DisposalKind>([
  ['custody', 25],
  ['community', 35],
  ['fine', 15],
  ['conditional-discharge', 10],
  ['absolute-discharge', 12],
  ['hospital-order', 3],
])

const roshLevels = weighted<RoshLevel | undefined>([
  ['low', 35],
  ['medium', 40],
  ['high', 19],
  ['very-high', 4],
  [undefined, 2],
])

const tools = weighted<string>([
  ['OASys', 80],
  ['DASH', 10],
  ['SARA', 10],
])

const incidentCounts = weighted<number>([
  [0, 40],
  [1, 25],
  [2, 15],
  [3, 12],
  [4, 8],
])

const assessmentCounts = weighted<number>([
  [0, 45],
  [1, 30],
  [2, 15],
  [3, 10],
])

const cautionCounts = weighted<number>([
  [0, 75],
  [1, 18],
  [2, 7],
])

// ---------------------------------------------------------------------------
// Per-offence facts, worked out once

interface OffenceInfo {
  code: OffenceCode
  offence: Offence
  /** Earliest conviction date: in force, and room for an offence date before it. */
  earliestConviction: Day
  inForce: Day
  /** Longest custodial term the offence allows, in months. */
  maxMonths: number
}

const day1990 = dayFromYmd(1990, 1, 1)
const day1995 = dayFromYmd(1995, 1, 1)
const offenceInfo = new Map<OffenceCode, OffenceInfo>()

function info(code: OffenceCode): OffenceInfo {
  let found = offenceInfo.get(code)
  if (!found) {
    const o = offence(code)
    const [y, m, d] = (o.inForceFrom ?? '1900-01-01').split('-').map(Number) as [number, number, number]
    const inForce = dayFromYmd(y, m, d)
    const indictment = o.maxPenalty.onIndictment
    const maxMonths =
      indictment === 'life' ? 1200 : indictment !== null ? indictment * 12 : (o.maxPenalty.summaryMonths ?? 6)
    found = { code, offence: o, inForce, earliestConviction: addDays(inForce, 30), maxMonths }
    offenceInfo.set(code, found)
  }
  return found
}

// ---------------------------------------------------------------------------
// The person

interface PoolVictim {
  id: string
  relationship: Relationship | undefined
  /** Victim's age minus the person's age, in years. */
  ageGap: number
}

const yearDays = 365.2425

function ageAt(dateOfBirth: Day, on: Day): number {
  return Math.floor((on - dateOfBirth) / yearDays)
}

function ageGapFor(relationship: Relationship | undefined, personAge: number): number {
  switch (relationship) {
    case 'parent':
      return int(18, 40)
    case 'grandparent':
      return int(40, 60)
    case 'child':
      return -int(16, Math.max(16, Math.min(40, personAge)))
    case 'grandchild':
      return -int(40, Math.max(40, Math.min(65, personAge)))
    case 'sibling':
      return int(-8, 8)
    case 'other-relative':
    case 'acquaintance':
    case 'stranger':
    case undefined:
      return int(-25, 25)
    default:
      return int(-10, 10) // intimate partners and co-parents
  }
}

function poolVictim(personId: string, n: number, relationship: Relationship | undefined, personAge: number) {
  return { id: `${personId}-V${n}`, relationship, ageGap: ageGapFor(relationship, personAge) }
}

function victimAt(v: PoolVictim, personAge: number): Victim {
  const victim: Victim = { id: v.id }
  if (v.relationship !== undefined) victim.relationship = v.relationship
  if (!chance(0.05)) {
    let age = personAge + v.ageGap
    // under 16 mostly as the person's children; a few from any other relationship
    if (v.relationship !== 'child' && v.relationship !== 'grandchild') age = Math.max(16, age)
    if (chance(0.02)) age = int(2, 15)
    victim.ageAtOffence = Math.max(0, Math.min(100, age))
  }
  return victim
}

function disposalFor(o: OffenceInfo, ageOnConviction: number): Disposal {
  switch (o.code) {
    case 'MADPA1965-s1':
      return { type: 'custody', months: int(180, 300), life: true } // months: the minimum term
    case 'SOA2003-s1':
      return chance(0.1)
        ? { type: 'custody', months: int(180, 240), life: true }
        : { type: 'custody', months: int(60, 180) }
    case 'OAPA1861-s18':
      return chance(0.03)
        ? { type: 'custody', months: int(96, 180), life: true }
        : { type: 'custody', months: int(36, 144) }
  }
  let kind = pick(disposalKinds)
  if (kind === 'conditional-discharge' && o.offence.noConditionalDischarge) kind = 'community'
  switch (kind) {
    case 'custody': {
      if (ageOnConviction < 18 && chance(0.6)) {
        return {
          type: 'custody',
          months: dtoMonths[int(0, dtoMonths.length - 1)] as number,
          detentionAndTraining: true,
        }
      }
      const months = Math.min(pick(custodyMonths), o.maxMonths)
      if (months <= 24 && chance(0.4)) return { type: 'custody', months, suspended: true }
      return { type: 'custody', months }
    }
    case 'community':
      return chance(0.1) ? { type: 'community' } : { type: 'community', months: int(6, 36) }
    case 'fine':
      return { type: 'fine' }
    case 'conditional-discharge':
      return { type: 'conditional-discharge', months: chance(0.5) ? 12 : int(6, 36) }
    case 'absolute-discharge':
      return { type: 'absolute-discharge' }
    case 'hospital-order':
      return { type: 'hospital-order', restriction: chance(0.25) }
  }
}

function releaseFor(disposal: Disposal, convictionDate: Day, asOf: Day): Day | undefined {
  if (disposal.type === 'hospital-order') {
    return chance(0.3) ? addDays(convictionDate, int(180, 1500)) : undefined
  }
  if (disposal.type !== 'custody' || disposal.suspended) return undefined
  if (disposal.life) {
    // released on licence some years after the minimum term, if already
    const release = addDays(convictionDate, Math.round(disposal.months * 30.44) + int(0, 5 * 365))
    return release <= asOf ? release : undefined
  }
  if (!chance(0.85)) return undefined
  // automatic release at the halfway point (two-thirds for long terms), less remand time
  const share = disposal.months >= 48 ? 2 / 3 : 1 / 2
  const served = Math.round(disposal.months * 30.44 * share) - int(0, 60)
  return addDays(convictionDate, Math.max(0, served)) // may be after asOf: the expected release
}

function contextFor(o: OffenceInfo): OffenceContext {
  if (chance(0.15)) return {}
  return {
    weaponUsed: chance(0.08),
    sexualViolence: o.offence.sexual || chance(0.01),
    violentResistance: chance(0.02),
  }
}

/** One synthetic person: index `index` of the stream `seed`. */
export function syntheticPerson(seed: number, index: number, asOf: Day = syntheticAsOf): PersonRecord {
  reseed(seed, index)
  const id = `P-${index}`
  const dateOfBirth = dayBetween(dayFromYmd(1950, 1, 1), dayFromYmd(2008, 12, 31))
  const tenth = birthdayOfAge(dateOfBirth, 10)
  const sixteenth = birthdayOfAge(dateOfBirth, 16)
  const latest = addDays(asOf, -1)
  const ageNow = ageAt(dateOfBirth, asOf)

  // Victims the person has offended against, shared between convictions.
  const poolSize = chance(0.7) ? 1 : chance(0.67) ? 2 : 3
  const pool: PoolVictim[] = []
  for (let n = 1; n <= poolSize; n++) pool.push(poolVictim(id, n, pick(victimRelationships), ageNow - 10))
  let victimCount = poolSize

  // Convictions, in date order.
  const [minCount, maxCount] = pick(convictionCounts)
  const count = int(minCount, maxCount)
  const drafts: { info: OffenceInfo; date: Day }[] = []
  for (let n = 0; n < count; n++) {
    const o = info(pick(convictionOffences))
    const earliest = maxDay(maxDay(sixteenth, day1990), o.earliestConviction)
    drafts.push({ info: o, date: dayBetween(earliest, latest, 1.5) })
  }
  drafts.sort((a, b) => a.date - b.date)

  const convictions: Conviction[] = []
  for (let n = 0; n < drafts.length; n++) {
    const { info: o, date } = drafts[n] as { info: OffenceInfo; date: Day }
    const conviction: Conviction = {
      id: `C-${n + 1}`,
      date,
      offence: o.code,
      victims: [],
      disposal: disposalFor(o, ageAt(dateOfBirth, date)),
      context: contextFor(o),
    }
    let offenceDate: Day | undefined
    if (!chance(0.02)) {
      // a few weeks to a year before conviction, never before the offence existed or the 10th birthday
      offenceDate = maxDay(maxDay(addDays(date, -int(14, 365)), o.inForce), tenth)
      conviction.offenceDate = offenceDate
    }
    const flag = daFlag()
    if (flag !== undefined) conviction.domesticAbuse = flag
    const personAge = ageAt(dateOfBirth, offenceDate ?? date)

    if (!chance(0.03)) {
      const connected = o.offence.personalConnectionIsElement
      const victims = chance(0.8) ? 1 : 2
      for (let v = 0; v < victims; v++) {
        let chosen: PoolVictim
        if (!connected && chance(0.08)) {
          // a one-off victim outside the usual circle
          chosen = poolVictim(id, ++victimCount, pick(strangerOrAcquaintance), personAge)
        } else {
          chosen = pool[int(0, pool.length - 1)] as PoolVictim
          if (
            connected &&
            (chosen.relationship === undefined ||
              chosen.relationship === 'acquaintance' ||
              chosen.relationship === 'stranger')
          ) {
            chosen = { ...chosen, relationship: pick(connectedRelationships) }
          }
        }
        if (conviction.victims.some((x) => x.id === chosen.id)) continue
        conviction.victims.push(victimAt(chosen, personAge))
      }
    }

    const release = releaseFor(conviction.disposal, date, asOf)
    if (release !== undefined) conviction.releasedOn = release
    convictions.push(conviction)
  }

  const cautions: Caution[] = []
  const cautionTotal = pick(cautionCounts)
  for (let n = 1; n <= cautionTotal; n++) {
    const o = info(pick(cautionOffences))
    const date = dayBetween(maxDay(maxDay(birthdayOfAge(dateOfBirth, 12), day1995), o.inForce), latest, 1.5)
    const caution: Caution = { id: `K-${n}`, date, offence: o.code, victims: [] }
    const flag = daFlag()
    if (flag !== undefined) caution.domesticAbuse = flag
    if (chance(0.85)) caution.victims.push(victimAt(pool[0] as PoolVictim, ageAt(dateOfBirth, date)))
    const r = random()
    if (r < 0.3) caution.conditional = true
    else if (r < 0.8) caution.conditional = false
    cautions.push(caution)
  }

  const incidents: Incident[] = []
  const incidentTotal = pick(incidentCounts)
  for (let n = 1; n <= incidentTotal; n++) {
    const date = dayBetween(maxDay(birthdayOfAge(dateOfBirth, 14), day1995), asOf, 2)
    const incident: Incident = { id: `I-${n}`, date, role: chance(0.15) ? 'victim' : 'perpetrator' }
    const r = random()
    if (r < 0.6) {
      const other = pool[int(0, pool.length - 1)] as PoolVictim
      incident.counterpartId = other.id
      if (other.relationship !== undefined) incident.relationship = other.relationship
    } else if (r < 0.8) {
      incident.counterpartId = `${id}-X${n}`
      const relationship = pick(victimRelationships)
      if (relationship !== undefined) incident.relationship = relationship
    }
    const da = random()
    if (da < 0.75) incident.domesticAbuse = true
    else if (da < 0.85) incident.domesticAbuse = false
    incidents.push(incident)
  }

  const riskAssessments: RiskAssessment[] = []
  const assessmentTotal = pick(assessmentCounts)
  const firstConviction = (convictions[0] as Conviction).date
  for (let n = 1; n <= assessmentTotal; n++) {
    const assessment: RiskAssessment = {
      id: `R-${n}`,
      date: dayBetween(firstConviction, asOf, 1.5),
      tool: pick(tools),
    }
    const level = pick(roshLevels)
    if (level !== undefined) assessment.rosh = level
    riskAssessments.push(assessment)
  }

  return { asOf, person: { id, dateOfBirth }, convictions, cautions, incidents, riskAssessments }
}

/** Fills `batch[0..count)` with persons `first`, `first + 1`, ... of the stream `seed`, reusing the array. */
export function fillBatch(batch: PersonRecord[], seed: number, first: number, count: number): PersonRecord[] {
  batch.length = count
  for (let i = 0; i < count; i++) batch[i] = syntheticPerson(seed, first + i)
  return batch
}

// ---------------------------------------------------------------------------
// The JSON input form, to check records against the input rules

/**
 * The record as `dasr explain` input JSON (ISO dates), for parseExplainInput.
 * Not before timing anything: these objects share V8 hidden classes with the
 * records but hold strings where those hold day numbers, which generalises the
 * shared field representations and slows later evaluation of every record.
 */
export function toInputJson(record: PersonRecord): unknown {
  return {
    asOf: formatDay(record.asOf),
    person: { id: record.person.id, dateOfBirth: formatDay(record.person.dateOfBirth) },
    convictions: record.convictions.map((c) => ({
      ...c,
      date: formatDay(c.date),
      ...(c.offenceDate === undefined ? {} : { offenceDate: formatDay(c.offenceDate) }),
      ...(c.releasedOn === undefined ? {} : { releasedOn: formatDay(c.releasedOn) }),
    })),
    cautions: record.cautions.map((c) => ({ ...c, date: formatDay(c.date) })),
    incidents: record.incidents.map(({ counterpartId, ...rest }) => ({
      ...rest,
      date: formatDay(rest.date),
      ...(counterpartId === undefined
        ? {}
        : rest.role === 'victim'
          ? { perpetratorId: counterpartId }
          : { victimId: counterpartId }),
    })),
    riskAssessments: record.riskAssessments.map((a) => ({ ...a, date: formatDay(a.date) })),
  }
}
