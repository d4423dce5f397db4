import {
  addDays,
  addYears,
  ageOn,
  birthdayOfAge,
  type Day,
  day,
  formatDay,
  maxDay,
  minDay,
  ymdOf,
} from '../domain/dates/day.ts'
import { type OffenceCode, offence } from '../domain/offences/offences.ts'
import { mulberry32 } from '../domain/random/mulberry32.ts'
import { isPersonallyConnected, type Relationship, relationships } from '../domain/record/relationships.ts'
import type { RiskLevel } from '../domain/register/settings.ts'

// A synthetic population for `dasr demo-data`: organisations, their users and
// N persons with everything the register records about them. Every person is
// invented (names combined at random from short lists of common names, NI
// numbers, postcodes, phone numbers and vehicle marks in formats that pass
// validation but are chosen to be obviously fake), never drawn from real data.
//
// The generator is pure: no I/O, no clock (the as-of date is a parameter), and
// person i of a seed is the same whichever batch it is generated in, because
// each person has their own PRNG stream. The loader (./load.ts) can therefore
// generate and write a million persons in batches without holding them all.
//
// The shape follows the figures in the register report
// (shared/reference/register-report.txt), cited where each is used:
// - most perpetrators known to the police are never convicted: in 2023 more
//   than 2.1 million people experienced domestic abuse (p.9), the CPS recorded
//   51,288 DA-related prosecutions and 39,198 convictions (p.42);
// - custodial sentences are few: 16% of DA convictions (Scottish figure used for
//   Table 1, p.42), which is why the Lords register (custody only) would take
//   6,869 people a year while a broad register of all serial or high-risk
//   convicted offenders would take 16,285-22,332 (Tables 1 and 3);
// - about 2 victims per perpetrator: "a mean number of victims per perpetrator
//   of 2" (p.43, footnote 66), the basis of the 13,738 linked victims of Table 2;
// - a serial tail: ~100,000 DA perpetrators are repeat or serial offenders
//   against more than one partner (p.9); reconviction 10.4% in one year and
//   23-34% over two (p.44), so a minority have several convictions.

export interface PopulationOptions {
  /** How many persons. */
  people: number
  /** The PRNG seed: the same seed gives the same population. */
  seed: number
  /** "Today" for the population, as YYYY-MM-DD: nothing recorded is later (releases may be). */
  asOf: string
  /**
   * Roughly this many convictions in all, for benchmarks that ask for a given
   * number (the 1,000,000 persons with 3,000,000 convictions). The
   * convicted share stays the same; each convicted person then has more
   * convictions than the report's figures suggest. Absent: the report's shape.
   */
  convictions?: number | undefined
}

/** The shape parameters, with the report's figures they come from. */
export const shape = {
  /** Never convicted: only incidents (and sometimes a caution or a civil order). Attrition, p.9 and p.42. */
  neverConvictedShare: 0.65,
  /**
   * Mean convictions of a convicted person (geometric, so 1 - 1/mean have two
   * or more: the "relevant serial offender" of the Lords amendment, p.29 footnote 53).
   * 41% reconvicted over a career, from 10.4% in one year and 23-34% over two (p.44).
   */
  meanConvictionsOfConvicted: 1.7,
  /** Immediate custody: 16% of DA convictions (p.42, Table 1). */
  immediateCustodyShare: 0.16,
  /** Suspended sentences: not in the report; a small share so suspended terms appear. */
  suspendedShare: 0.08,
  /** Victims per perpetrator: mean 2 (p.43, footnote 66); distribution below has mean 1.99. */
  victimCounts: [
    [1, 1, 47],
    [2, 2, 32],
    [3, 3, 11],
    [4, 5, 7],
    [6, 10, 3],
  ] as const,
  /** Of eligible persons, the share registered; the rest are referred and awaiting the registrar's decision. */
  registeredShareOfEligible: 0.9,
  /** The register opened this many years before the as-of date; registrations are spread over them. */
  registerYears: 3,
} as const

// ---------------------------------------------------------------------------
// PRNG: mulberry32, one stream per (seed, person, purpose)

export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  chance(p: number): boolean
  /** A day in [from, to] (from when to <= from). */
  dayIn(from: Day, to: Day): Day
  /** A day in [from, to], more often recent: the offset back from `to` is skewed towards 0. */
  recentDayIn(from: Day, to: Day): Day
  item<T>(values: readonly T[]): T
  pick<T>(table: Weighted<T>): T
}

function mix(a: number, b: number, c: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(c, 0x27d4eb2f)) | 0
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return (h ^ (h >>> 16)) | 0
}

export function random(seed: number, index: number, purpose: number): Random {
  const next = mulberry32(mix(seed, index, purpose))
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (p) => next() < p,
    dayIn: (from, to) => (to <= from ? from : addDays(from, int(0, to - from))),
    recentDayIn: (from, to) => (to <= from ? from : addDays(to, -Math.floor((to - from + 1) * next() ** 1.6))),
    item: (values) => values[Math.floor(next() * values.length)] as (typeof values)[number],
    pick: (table) => {
      const r = next() * table.total
      for (let i = 0; i < table.cumulative.length; i++) if (r < (table.cumulative[i] as number)) return table.values[i]
      return table.values[table.values.length - 1]
    },
  } as Random
}

export interface Weighted<T> {
  values: T[]
  cumulative: number[]
  total: number
}

export function weighted<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
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

// ---------------------------------------------------------------------------
// Ids: UUID-shaped, unique by construction (seed, person, kind, counter), so a
// million persons never collide, and the same seed always gives the same ids.

const idKinds = {
  person: 1,
  fact: 2,
  victim: 3,
  determination: 4,
  registration: 5,
  notification: 6,
  visit: 7,
  user: 8,
} as const
export type IdKind = keyof typeof idKinds

const hex = (value: number, digits: number) => (value >>> 0).toString(16).padStart(digits, '0').slice(-digits)

export function demoId(seed: number, kind: IdKind, index: number, counter = 0): string {
  const s = mix(seed, 0x5eed, 17) >>> 0
  const t = mix(seed, 0xdead, 29) >>> 0
  return (
    `${hex(s, 8)}-${hex(index >>> 16, 4)}-4${hex((index >>> 4) & 0xfff, 3)}-` +
    `${hex(8 | ((index >>> 2) & 3), 1)}${hex(index & 3, 1)}${hex(idKinds[kind], 2)}-${hex(t >>> 8, 6)}${hex(counter, 6)}`
  )
}

// ---------------------------------------------------------------------------
// Organisations and users

export interface DemoOrganisation {
  id: string
  name: string
  kind: 'police' | 'probation' | 'victim-liaison'
}

export interface DemoUser {
  id: string
  organisationId: string
  displayName: string
  email: string
  phone: string
  roles: ('registrar' | 'offender-manager' | 'victim-liaison-officer')[]
}

export interface Directory {
  organisations: DemoOrganisation[]
  users: DemoUser[]
  /** Police forces with their share of persons, registrar and offender managers. */
  forces: { id: string; weight: number; registrarId: string; officerIds: string[] }[]
}

// Forces weighted roughly by population. Demo Shire is the force `dasr serve`
// signs its demonstration registrar into, so the first page has records on it.
const forceList = [
  ['demo-shire', 'Demo Shire Police (synthetic)', 10],
  ['essex', 'Essex Police', 9],
  ['kent', 'Kent Police', 9],
  ['west-yorkshire', 'West Yorkshire Police', 12],
  ['greater-manchester', 'Greater Manchester Police', 14],
  ['avon-and-somerset', 'Avon and Somerset Police', 9],
  ['northumbria', 'Northumbria Police', 7],
  ['dyfed-powys', 'Dyfed-Powys Police', 3],
] as const

const probationList = [
  ['east-of-england', 'Probation Service East of England'],
  ['kent-surrey-sussex', 'Probation Service Kent, Surrey and Sussex'],
  ['yorkshire-and-the-humber', 'Probation Service Yorkshire and the Humber'],
  ['greater-manchester', 'Probation Service Greater Manchester'],
  ['south-west', 'Probation Service South West'],
  ['north-east', 'Probation Service North East'],
  ['wales', 'Probation Service Wales'],
] as const

/** Probation regions that co-manage a share of the demo's registrants (record_share, scope "full"). */
export const demoProbationIds: readonly string[] = probationList.map(([slug]) => `probation:${slug}`)

/** Staff names are made up to be obviously fictional. */
const staffGiven = ['Alex', 'Sam', 'Jo', 'Chris', 'Pat', 'Robin', 'Charlie', 'Frankie', 'Jamie', 'Morgan', 'Taylor']
const staffFamily = ['Testwell', 'Sampleton', 'Examply', 'Demoford', 'Placeman', 'Mockridge', 'Fictor', 'Synthe']

/**
 * Offender managers per force: the report's caseload of fewer than 50
 * offenders per officer (Operation Jigsaw, p.43), over the registrants a force
 * may have: about a tenth of the persons it records with the report's shape, a
 * fifth with the benchmark's 3 convictions per person, so staff for a fifth.
 */
const caseload = 45
const expectedRegistrantShare = 0.2

export function demoDirectory(options: Pick<PopulationOptions, 'people'>): Directory {
  const organisations: DemoOrganisation[] = []
  const users: DemoUser[] = []
  let userIndex = 0
  const totalWeight = forceList.reduce((sum, [, , weight]) => sum + weight, 0)
  const user = (organisationId: string, domain: string, role: DemoUser['roles'][number], n: number): DemoUser => {
    const i = userIndex++
    // Users do not depend on the seed: loading a second seed reuses them.
    const local = role === 'registrar' && n === 1 ? 'registrar' : `${role}.${n}`
    return {
      id: demoId(0, 'user', i),
      organisationId,
      displayName: `${staffGiven[i % staffGiven.length]} ${staffFamily[(i * 7) % staffFamily.length]} (${role}, synthetic)`,
      email: `${local}@${domain}.example.test`,
      phone: `07700${String(900000 + (i % 1000)).padStart(6, '0')}`,
      roles: [role],
    }
  }
  const forces: Directory['forces'] = []
  for (const [slug, name, weight] of forceList) {
    const id = `police:${slug}`
    organisations.push({ id, name, kind: 'police' })
    const registrar = user(id, slug, 'registrar', 1)
    const officers: DemoUser[] = []
    const expected = (options.people * weight * expectedRegistrantShare) / totalWeight
    const count = Math.max(2, Math.ceil(expected / caseload))
    for (let n = 1; n <= count; n++) officers.push(user(id, slug, 'offender-manager', n))
    const vlo = user(id, slug, 'victim-liaison-officer', 1)
    users.push(registrar, ...officers, vlo)
    forces.push({ id, weight, registrarId: registrar.id, officerIds: officers.map((o) => o.id) })
  }
  for (const [slug, name] of probationList) {
    const id = `probation:${slug}`
    organisations.push({ id, name, kind: 'probation' })
    users.push(
      user(id, `probation-${slug}`, 'offender-manager', 1),
      user(id, `probation-${slug}`, 'offender-manager', 2),
    )
  }
  organisations.push({ id: 'victim-liaison:national', name: 'Victim Liaison Unit (synthetic)', kind: 'victim-liaison' })
  for (let n = 1; n <= 3; n++) users.push(user('victim-liaison:national', 'vlu', 'victim-liaison-officer', n))
  return { organisations, users, forces }
}

// ---------------------------------------------------------------------------
// Persons

export interface DemoFact {
  id: string
  kind: string
  /** Exactly what the fact contracts accept (src/contracts/register/facts.ts), already normalised. */
  data: Record<string, unknown>
}

export interface DemoVictim {
  id: string
  relationship: Relationship
  /** The victim record, in the shape of the victimCreate contract. */
  data: Record<string, unknown>
}

export interface RegistrationPlan {
  /** The day the record is referred and eligibility determined, on the facts known that day. */
  consideredOn: string
  /** The day the registrar registers the person, if eligible: on or a few days after consideredOn. */
  registeredOn: string
  /** Whether the registrar registers the person if eligible (else they stay referred). */
  register: boolean
  abuseType: 'intimate-partner' | 'stalking' | 'family'
  noFixedAbode: boolean
}

export interface DemoPerson {
  index: number
  id: string
  managingOrgId: string
  registrarId: string
  responsibleOfficerId: string
  familyName: string
  givenNames: string
  dateOfBirth: string
  niNumber?: string
  sex: 'female' | 'male' | 'not-known'
  riskLevel: RiskLevel | null
  /** The day the person was recorded on the register (the reference number's year). */
  recordedOn: string
  facts: DemoFact[]
  victims: DemoVictim[]
  /** Convicted persons only: when eligibility is determined, and what happens if eligible. */
  plan?: RegistrationPlan
}

// biome-ignore format: a word list
const maleNames = [
  'James', 'John', 'David', 'Michael', 'Daniel', 'Thomas', 'Matthew', 'Ryan', 'Lee', 'Craig', 'Jason', 'Paul',
  'Mark', 'Steven', 'Andrew', 'Liam', 'Connor', 'Kieran', 'Jordan', 'Scott', 'Dean', 'Wayne', 'Gareth', 'Rhys',
]
// biome-ignore format: a word list
const femaleNames = [
  'Sarah', 'Emma', 'Laura', 'Rachel', 'Gemma', 'Kelly', 'Claire', 'Amy', 'Hannah', 'Jessica', 'Chloe', 'Megan',
  'Nicola', 'Lisa', 'Leanne', 'Danielle', 'Natalie', 'Zoe', 'Louise', 'Katie', 'Bethan', 'Sian', 'Amber', 'Jade',
]
// biome-ignore format: a word list
const familyNames = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson',
  'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel', 'Khan', 'Lewis',
  'James', 'Hughes', 'Edwards', 'Turner', 'Hill', 'Moore', 'Cooper', 'Ward', 'Morris', 'King', 'Harris', 'Baker',
  'Price', 'Bennett', 'Griffiths', 'Shaw', 'Lloyd', "O'Brien", 'Murphy', 'Kelly', 'Begum', 'Ali', 'Hussain',
]
// biome-ignore format: a word list
const streets = [
  'Example Road', 'Sample Street', 'Placeholder Lane', 'Fictional Avenue', 'Demo Close', 'Synthetic Row',
  'Test Crescent', 'Mock Terrace', 'Imaginary Way', 'Invented Drive', 'Pretend Gardens', 'Dummy Walk',
]
// biome-ignore format: a word list
const towns = [
  'Exampleton', 'Sampleford', 'Demoville', 'Testbury', 'Mockham', 'Placeholder-on-Sea', 'Fictionbridge', 'Synthwick',
]
const platforms = ['ExampleChat', 'SampleGram', 'DemoDate', 'TestBook', 'MockTube']
const makes = [
  ['Ford', 'Fiesta'],
  ['Vauxhall', 'Corsa'],
  ['Volkswagen', 'Golf'],
  ['BMW', '3 Series'],
  ['Toyota', 'Yaris'],
  ['Nissan', 'Qashqai'],
] as const
const colours = ['Black', 'Silver', 'White', 'Blue', 'Red', 'Grey']

// NI numbers: first letter from A-C E G H J-P R-T W-Z, second also not O, never
// BG, GB, KN, NK, NT, TN or ZZ (niNumberPattern in contracts/register/fields.ts).
const niFirst = 'ABCEGHJKLMNPRSTWXYZ'
const niSecond = 'ABCEGHJKLMNPRSTWXYZ'
const niBanned = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'])

const letters = 'ABCDEFGHJKLMNPRSTUVWXY'

const victimRelationships = weighted<Relationship>([
  ['ex-partner', 34],
  ['partner', 24],
  ['spouse', 5],
  ['ex-spouse', 5],
  ['co-parent', 4],
  ['parent', 5],
  ['sibling', 3],
  ['other-relative', 2],
  ['acquaintance', 10],
  ['stranger', 8],
])

// Offences a DA or stalking conviction is recorded under, common assault first.
const connectedOffences = weighted<OffenceCode>([
  ['CJA1988-s39', 30],
  ['OAPA1861-s47', 16],
  ['CDA1971-s1', 9],
  ['SCA2015-s76', 9],
  ['PHA1997-s2', 5],
  ['PHA1997-s2A', 4],
  ['PHA1997-s4A', 3],
  ['PHA1997-s5', 5],
  ['FLA1996-s42A', 5],
  ['SCA2015-s75A', 5],
  ['OAPA1861-s20', 2],
  ['OAPA1861-s16', 1.5],
  ['PHA1997-s4', 2],
  ['OAPA1861-s18', 0.5],
])
const unconnectedOffences = weighted<OffenceCode>([
  ['PHA1997-s2A', 25],
  ['PHA1997-s4A', 20],
  ['PHA1997-s2', 20],
  ['PHA1997-s4', 8],
  ['CJA1988-s39', 15],
  ['CDA1971-s1', 7],
  ['SPA2019-s8', 5],
])
const cautionOffences = weighted<OffenceCode>([
  ['CJA1988-s39', 50],
  ['CDA1971-s1', 25],
  ['PHA1997-s2', 25],
])
const custodyMonths = weighted<number>([
  [2, 8],
  [3, 10],
  [4, 12],
  [6, 14],
  [8, 8],
  [10, 6],
  [12, 10],
  [16, 6],
  [18, 6],
  [24, 8],
  [30, 4],
  [36, 4],
  [48, 2],
  [60, 2],
])
const rosh = weighted<RiskLevel>([
  ['low', 28],
  ['medium', 44],
  ['high', 22],
  ['very-high', 6],
])
const ageBands = weighted<readonly [number, number]>([
  [[18, 24], 14],
  [[25, 34], 30],
  [[35, 44], 27],
  [[45, 54], 17],
  [[55, 64], 8],
  [[65, 79], 4],
])

const stalkingOffences: ReadonlySet<OffenceCode> = new Set(['PHA1997-s2A', 'PHA1997-s4A', 'SPA2019-s8'])

const inForceCache = new Map<OffenceCode, { inForce: Day; maxMonths: number; noCd: boolean }>()
function offenceFacts(code: OffenceCode) {
  let found = inForceCache.get(code)
  if (found === undefined) {
    const o = offence(code)
    const indictment = o.maxPenalty.onIndictment
    found = {
      inForce: day(o.inForceFrom ?? '1900-01-01'),
      maxMonths:
        indictment === 'life' ? 1200 : indictment !== null ? indictment * 12 : (o.maxPenalty.summaryMonths ?? 6),
      noCd: o.noConditionalDischarge !== undefined,
    }
    inForceCache.set(code, found)
  }
  return found
}

function niNumber(r: Random): string {
  for (;;) {
    const prefix = r.item([...niFirst]) + r.item([...niSecond])
    if (!niBanned.has(prefix))
      return `${prefix}${String(r.int(0, 999_999)).padStart(6, '0')}${r.item(['A', 'B', 'C', 'D'])}`
  }
}

/** Ofcom's drama range: 07700 900000 to 900999 is never allocated to a real line. */
const dramaPhone = (r: Random) => `07700${900000 + r.int(0, 999)}`
/** "ZZ" is no postcode area, so these pass the format check and can be nobody's address. */
const fakePostcode = (r: Random) => `ZZ${r.int(1, 99)} ${r.int(0, 9)}${r.item([...letters])}${r.item([...letters])}`
/** GB marks never start with Z, so "ZZ" plus digits and letters is nobody's car. */
const fakeVehicle = (r: Random) =>
  `ZZ${String(r.int(0, 99)).padStart(2, '0')}${r.item([...letters])}${r.item([...letters])}${r.item([...letters])}`
const address = (r: Random) => ({
  line1: `${r.int(1, 199)} ${r.item(streets)}`,
  town: r.item(towns),
  postcode: fakePostcode(r),
})
const slug = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '')

const year = 365

/** Person `index` of the population: pure, and the same for the same seed whatever else is generated. */
export function demoPerson(options: PopulationOptions, directory: Directory, index: number): DemoPerson {
  const r = random(options.seed, index, 1)
  const asOf = day(options.asOf)
  const latest = addDays(asOf, -1)
  let factCounter = 0
  const factId = () => demoId(options.seed, 'fact', index, factCounter++)
  const facts: DemoFact[] = []
  const fact = (kind: string, data: Record<string, unknown>) => {
    const id = factId()
    facts.push({ id, kind, data })
    return id
  }

  const forceTable = forceTables.get(directory) ?? forceTableOf(directory)
  const force = r.pick(forceTable)
  const sex = r.pick(sexes)
  const givenNames = r.item(
    sex === 'female' ? femaleNames : sex === 'male' ? maleNames : [...maleNames, ...femaleNames],
  )
  const familyName = r.item(familyNames)
  const [minAge, maxAge] = r.pick(ageBands)
  const dob = r.dayIn(addYears(asOf, -maxAge - 1), addYears(asOf, -minAge))
  const windowStart = maxDay(birthdayOfAge(dob, 16), addYears(asOf, -15))
  const person: DemoPerson = {
    index,
    id: demoId(options.seed, 'person', index),
    managingOrgId: force.id,
    registrarId: force.registrarId,
    responsibleOfficerId: r.item(force.officerIds),
    familyName,
    givenNames,
    dateOfBirth: formatDay(dob),
    sex,
    riskLevel: null,
    recordedOn: '',
    facts,
    victims: [],
  }
  if (r.chance(0.8)) person.niNumber = niNumber(r)

  // Victims: separate records, each of them someone this person abused.
  const [low, high] = r.pick(victimCountTable)
  const victimCount = r.int(low, high)
  const victims: (DemoVictim & { dob: Day })[] = []
  for (let v = 0; v < victimCount; v++) {
    const relationship = r.pick(victimRelationships)
    const intimate = relationships[relationship].group === 'intimate' || relationship === 'co-parent'
    const victimSex = intimate ? (sex === 'female' ? 'male' : 'female') : r.chance(0.5) ? 'female' : 'male'
    const gap = relationship === 'parent' ? r.int(18, 40) : relationship === 'sibling' ? r.int(-3, 8) : r.int(-10, 4)
    // Nobody is a partner before 16: a victim is at least 16 when the window opens.
    const vdob = minDay(addDays(dob, -gap * year - r.int(0, 364)), addYears(windowStart, -16))
    const data: Record<string, unknown> = {
      familyName:
        intimate && r.chance(0.6)
          ? r.item(familyNames)
          : relationship === 'parent' || relationship === 'sibling'
            ? familyName
            : r.item(familyNames),
      givenNames: r.item(victimSex === 'female' ? femaleNames : maleNames),
      victimContactScheme: r.pick(vcs),
    }
    if (r.chance(0.85)) data.dateOfBirth = formatDay(vdob)
    if (r.chance(0.7)) data.address = address(r)
    if (r.chance(0.6)) data.phone = dramaPhone(r)
    if (r.chance(0.25))
      data.email = `${slug(data.givenNames as string)}.${slug(data.familyName as string)}${r.int(1, 999)}@example.test`
    if (r.chance(0.3)) data.safeContact = 'Call the mobile only between 10:00 and 14:00; do not leave messages.'
    victims.push({ id: demoId(options.seed, 'victim', index, v), relationship, data, dob: vdob })
  }
  person.victims = victims.map(({ id, relationship, data }) => ({ id, relationship, data }))

  const convicted = !r.chance(shape.neverConvictedShare)
  const mean = meanConvictions(options)
  const usedDays = new Set<number>()
  // Offending known to the police is mostly recent: older records are weeded
  // (MoPI) and the register's population is the active caseload.
  const distinctDay = (from: Day, to: Day, recent = false) => {
    for (let tries = 0; tries < 20; tries++) {
      const d = recent ? r.recentDayIn(from, to) : r.dayIn(from, to)
      if (!usedDays.has(d)) {
        usedDays.add(d)
        return d
      }
    }
    return undefined
  }

  // Convictions, on separate occasions (the Lords "serial" test counts occasions).
  const convictions: {
    id: string
    date: Day
    code: OffenceCode
    victim: (typeof victims)[number]
    custody: boolean
    release?: Day
  }[] = []
  if (convicted) {
    const count = Math.min(40, 1 + Math.floor(Math.log(1 - r.next()) / Math.log(1 - 1 / mean)))
    const dates: Day[] = []
    for (let c = 0; c < count; c++) {
      const d = distinctDay(addDays(windowStart, 60), latest, true)
      if (d !== undefined) dates.push(d)
    }
    dates.sort((a, b) => a - b)
    dates.forEach((date, c) => {
      const victim = victims[c < victims.length ? c : r.int(0, victims.length - 1)] as (typeof victims)[number]
      const connected = isPersonallyConnected(victim.relationship)
      let code = r.pick(connected ? connectedOffences : unconnectedOffences)
      let info = offenceFacts(code)
      if (addDays(info.inForce, 60) > date) {
        code = 'CJA1988-s39'
        info = offenceFacts(code)
      }
      const offenceDate = r.dayIn(maxDay(maxDay(info.inForce, windowStart), addDays(date, -300)), addDays(date, -14))
      const ageAtConviction = ageOn(dob, date)
      const disposal = disposalFor(r, info, ageAtConviction)
      const data: Record<string, unknown> = {
        date: formatDay(date),
        offenceDate: formatDay(offenceDate),
        offence: code,
        domesticAbuse: connected ? r.chance(0.93) : r.chance(0.1),
        victims: [{ id: victim.id, relationship: victim.relationship, ageAtOffence: ageOn(victim.dob, offenceDate) }],
        disposal,
        context: { weaponUsed: r.chance(0.06), sexualViolence: false, violentResistance: r.chance(0.01) },
      }
      const immediate = disposal.type === 'custody' && disposal.suspended !== true
      let release: Day | undefined
      if (immediate) {
        // Automatic release at the halfway point, less time on remand; may be after as-of (expected).
        release = addDays(date, Math.max(1, Math.round(disposal.months * 30.44 * 0.5) - r.int(0, 30)))
        data.releasedOn = formatDay(release)
      }
      const id = fact('conviction', data)
      convictions.push({ id, date, code, victim, custody: immediate, ...(release === undefined ? {} : { release }) })
    })
  }

  // Incidents: every victim appears in at least one; for most persons they are all there is.
  for (const victim of victims) {
    const inConviction = convictions.some((c) => c.victim.id === victim.id)
    const n = inConviction ? r.int(0, 2) : r.int(1, 3)
    for (let k = 0; k < n; k++) {
      const d = distinctDay(windowStart, latest, true)
      if (d === undefined) continue
      const connected = isPersonallyConnected(victim.relationship)
      fact('incident', {
        date: formatDay(d),
        role: 'perpetrator',
        victimId: victim.id,
        relationship: victim.relationship,
        domesticAbuse: connected ? r.chance(0.95) : r.chance(0.2),
      })
    }
  }
  if (r.chance(convicted ? 0.1 : 0.12)) {
    const d = distinctDay(windowStart, latest)
    if (d !== undefined) {
      const victim = r.item(victims)
      const offenceDate = r.dayIn(addDays(d, -60), addDays(d, -1))
      fact('caution', {
        date: formatDay(d),
        offenceDate: formatDay(maxDay(offenceDate, windowStart)),
        offence: r.pick(cautionOffences),
        domesticAbuse: isPersonallyConnected(victim.relationship),
        victims: [{ id: victim.id, relationship: victim.relationship }],
        conditional: r.chance(0.4),
      })
    }
  }

  // Risk assessments: OASys after a conviction for most convicted persons; a
  // police assessment for some others. The latest sets the person's risk level.
  const assessments: { date: Day; level: RiskLevel }[] = []
  const lastConviction = convictions.at(-1)
  if (lastConviction !== undefined && r.chance(0.85)) {
    if (r.chance(0.3) && convictions.length > 1) {
      const earlier = convictions[0] as (typeof convictions)[number]
      assessments.push({ date: minDay(addDays(earlier.date, r.int(7, 60)), latest), level: r.pick(rosh) })
    }
    assessments.push({ date: minDay(addDays(lastConviction.date, r.int(7, 60)), latest), level: r.pick(rosh) })
  } else if (!convicted && r.chance(0.25)) {
    assessments.push({ date: r.dayIn(windowStart, latest), level: r.pick(rosh) })
  }
  for (const a of assessments) {
    fact('risk-assessment', {
      date: formatDay(a.date),
      tool: convicted ? r.item(['OASys', 'OASys', 'SARA']) : 'RFGV',
      rosh: a.level,
    })
  }
  const latestAssessment = [...assessments].sort((a, b) => a.date - b.date).at(-1)
  person.riskLevel = latestAssessment?.level ?? null

  // Identity and circumstances: the record ViSOR holds (report pp.29-30 and 56).
  const moved = r.chance(0.4) ? r.dayIn(addDays(windowStart, 30), addDays(latest, -30)) : undefined
  const noFixedAbode = r.chance(0.02)
  if (moved !== undefined) {
    fact('address', {
      addressType: 'home',
      ...address(r),
      validFrom: formatDay(windowStart),
      validTo: formatDay(addDays(moved, -1)),
    })
  }
  const homeFrom = moved ?? windowStart
  if (noFixedAbode) {
    fact('address', {
      addressType: 'no-fixed-abode',
      weeklyLocation: `Night shelter, ${r.item(towns)}; day centre on weekdays`,
      validFrom: formatDay(homeFrom),
    })
  } else if (r.chance(0.95)) {
    fact('address', { addressType: 'home', ...address(r), validFrom: formatDay(homeFrom) })
  }
  if (r.chance(0.08)) {
    fact('address', { addressType: 'other-7-days', ...address(r), validFrom: formatDay(r.dayIn(homeFrom, latest)) })
  }
  if (r.chance(0.15)) {
    fact('name', {
      nameType: r.item(['alias', 'nickname', 'previous-name'] as const),
      familyName: r.item(familyNames),
      givenNames: r.item(sex === 'female' ? femaleNames : maleNames),
    })
  }
  if (r.chance(0.75)) fact('phone', { number: dramaPhone(r), validFrom: formatDay(r.dayIn(windowStart, latest)) })
  if (r.chance(0.15)) fact('phone', { number: dramaPhone(r) })
  if (r.chance(0.45))
    fact('email', { address: `${slug(givenNames)}.${slug(familyName)}${r.int(1, 9999)}@example.test` })
  const stalker = convictions.some((c) => stalkingOffences.has(c.code))
  if (r.chance(stalker ? 0.6 : 0.2)) {
    fact('online-identity', {
      platform: r.item(platforms),
      handle: `${slug(givenNames)}_${r.int(100, 99999)}`,
      datingProfile: r.chance(0.15),
    })
  }
  if (r.chance(0.3)) {
    const [make, model] = r.item(makes)
    fact('vehicle', { registration: fakeVehicle(r), make, model, colour: r.item(colours) })
  }
  if (r.chance(0.6)) {
    fact('physical-description', {
      heightCm: r.int(sex === 'female' ? 150 : 160, sex === 'female' ? 180 : 195),
      build: r.item(['Slim', 'Medium', 'Stocky', 'Heavy']),
      eyeColour: r.item(['Brown', 'Blue', 'Green', 'Hazel']),
      hair: r.item(['Short brown', 'Shaved', 'Long black', 'Fair, collar length', 'Grey']),
    })
  }
  if (r.chance(0.2)) {
    fact('mark', {
      markType: 'tattoo',
      bodyLocation: r.item(['Left forearm', 'Right hand', 'Neck', 'Upper back']),
      description: r.item(['Rose', 'Initials', 'Tribal band', 'Name in script']),
    })
  }
  const partner = victims.find((v) => v.relationship === 'partner' || v.relationship === 'ex-partner')
  if (partner !== undefined && r.chance(0.5)) {
    fact('relationship', {
      relationshipType: partner.relationship === 'partner' ? 'partner' : 'former-partner',
      otherPartyName: `${partner.data.givenNames} ${partner.data.familyName}`,
      otherPartyVictimId: partner.id,
      ...(r.chance(0.3) ? { jointCommitments: 'Joint tenancy' } : {}),
    })
  }
  if (r.chance(0.08)) fact('child-household', { ...address(r), intendedPeriods: 'Alternate weekends' })
  if (r.chance(0.1)) {
    fact('bank-account', {
      institution: 'Example Bank (synthetic)',
      accountName: `${givenNames} ${familyName}`,
      accountNumberLast4: String(r.int(0, 9999)).padStart(4, '0'),
      joint: r.chance(0.2),
    })
  }
  if (convicted && r.chance(0.5)) {
    const typology = [
      ...new Set([
        stalker ? 'stalking' : 'coercive-control',
        r.item(['physical-violence', 'threats-to-kill', 'economic-abuse', 'online-abuse'] as const),
        ...(victims.length >= 3 ? ['serial-partners'] : []),
      ]),
    ]
    fact('modus-operandi', {
      typology,
      description: 'Synthetic summary: escalating control after separation, contact through new accounts.',
    })
  }
  // Orders: a restraining order on some convictions, non-molestation orders without one.
  if (lastConviction !== undefined && r.chance(0.2)) {
    fact('civil-order', {
      orderType: 'restraining-order',
      court: `${r.item(towns)} Magistrates' Court`,
      madeOn: formatDay(lastConviction.date),
      untilFurtherOrder: true,
      conditions: ['Not to contact the protected person directly or indirectly'],
      protectedVictimIds: [lastConviction.victim.id],
    })
  } else if (!convicted && r.chance(0.05)) {
    const madeOn = r.dayIn(windowStart, latest)
    fact('civil-order', {
      orderType: 'non-molestation-order',
      court: `${r.item(towns)} Family Court`,
      madeOn: formatDay(madeOn),
      expiresOn: formatDay(addYears(madeOn, 1)),
      conditions: ['Not to use or threaten violence', 'Not to go within 100 metres of the protected person’s home'],
      protectedVictimIds: [(victims[0] as (typeof victims)[number]).id],
    })
  }
  const onLicence = convictions.filter((c) => c.release !== undefined && c.release <= latest).at(-1)
  if (onLicence?.release !== undefined) {
    fact('licence-condition', {
      condition: 'Not to contact the victim directly or indirectly',
      validFrom: formatDay(onLicence.release),
    })
    if (r.chance(0.5))
      fact('licence-condition', {
        condition: 'Reside at an address approved by the supervising officer',
        validFrom: formatDay(onLicence.release),
      })
  }

  // When the person was recorded, and (convicted only) when eligibility is determined.
  let recordedOn = r.dayIn(addYears(asOf, -4), latest)
  if (lastConviction !== undefined) {
    const registerOpened = addYears(asOf, -shape.registerYears)
    let considered = maxDay(addDays(lastConviction.date, r.int(7, 90)), r.dayIn(registerOpened, latest))
    // Released from custody by now: registered on release, or (some) a few
    // weeks before it, and then the release is notified (s.83(6)).
    if (lastConviction.release !== undefined && lastConviction.release <= latest) {
      considered = r.chance(0.3)
        ? maxDay(addDays(lastConviction.release, -r.int(7, 42)), addDays(lastConviction.date, 1))
        : maxDay(considered, lastConviction.release)
    }
    considered = minDay(considered, latest)
    recordedOn = minDay(recordedOn, considered)
    const registeredOn = minDay(addDays(considered, r.int(0, 10)), latest)
    const index = lastConviction
    const group = relationships[index.victim.relationship].group
    person.plan = {
      consideredOn: formatDay(considered),
      registeredOn: formatDay(registeredOn),
      register: r.chance(shape.registeredShareOfEligible),
      abuseType:
        stalkingOffences.has(index.code) || group === 'none'
          ? 'stalking'
          : group === 'family'
            ? 'family'
            : 'intimate-partner',
      noFixedAbode,
    }
  }
  person.recordedOn = formatDay(recordedOn)
  return person
}

const sexes = weighted<DemoPerson['sex']>([
  ['male', 82],
  ['female', 16],
  ['not-known', 2],
])
const vcs = weighted<string>([
  ['opted-in', 45],
  ['opted-out', 15],
  ['not-asked', 40],
])
const victimCountTable = weighted<readonly [number, number]>(
  shape.victimCounts.map(([a, b, w]) => [[a, b] as const, w]),
)

const forceTables = new WeakMap<Directory, Weighted<Directory['forces'][number]>>()
function forceTableOf(directory: Directory) {
  const table = weighted(directory.forces.map((f) => [f, f.weight] as const))
  forceTables.set(directory, table)
  return table
}

/** Mean convictions per convicted person: the report's shape, or what a requested total implies. */
export function meanConvictions(options: PopulationOptions): number {
  if (options.convictions === undefined || options.people === 0) return shape.meanConvictionsOfConvicted
  const convictedPeople = options.people * (1 - shape.neverConvictedShare)
  return Math.max(1.01, options.convictions / convictedPeople)
}

type Disposal =
  | { type: 'custody'; months: number; suspended?: true }
  | { type: 'community'; months: number }
  | { type: 'fine' }
  | { type: 'conditional-discharge'; months: number }

function disposalFor(r: Random, info: { maxMonths: number; noCd: boolean }, age: number): Disposal {
  const u = r.next()
  // Under 18 at conviction: no adult custody here (detention and training orders are left out).
  if (age >= 18 && u < shape.immediateCustodyShare) {
    return { type: 'custody', months: Math.min(r.pick(custodyMonths), info.maxMonths) }
  }
  if (age >= 18 && u < shape.immediateCustodyShare + shape.suspendedShare) {
    return { type: 'custody', months: Math.min(r.int(2, 24), info.maxMonths), suspended: true }
  }
  const v = r.next()
  if (v < 0.5) return { type: 'community', months: r.int(6, 36) }
  if (v < 0.75) return { type: 'fine' }
  if (v < 0.95 && !info.noCd) return { type: 'conditional-discharge', months: r.item([6, 12, 12, 24]) }
  return { type: 'community', months: 12 }
}

// ---------------------------------------------------------------------------
// The legal core's input, as `determine` assembles it from stored facts

/** The explain input of a person's record as known on `asOf`: only facts dated on or before it. */
export function coreInputOf(person: DemoPerson, asOf: string) {
  const of = (kind: string) =>
    person.facts.filter((f) => f.kind === kind && (f.data.date as string) <= asOf).map((f) => ({ id: f.id, ...f.data }))
  return {
    asOf,
    person: { id: person.id, dateOfBirth: person.dateOfBirth },
    convictions: of('conviction'),
    cautions: of('caution'),
    incidents: of('incident'),
    riskAssessments: of('risk-assessment'),
  }
}

// ---------------------------------------------------------------------------
// A registration's history: notifications received and home visits made

export interface RegistrationFacts {
  registeredOn: string
  /** Null while detained with no release yet (s.83(6)). */
  initialDue: string | null
  lastDay: string | null
  inCustody: boolean
  noFixedAbode: boolean
  riskLevel: RiskLevel | null
  /** Released after registration (on or before as-of): a release notification is recorded. */
  releasedOn?: string | undefined
}

export interface DemoNotification {
  id: string
  kind: 'initial' | 'change' | 'periodic' | 'travel' | 'release'
  receivedOn: string
  eventDate?: string
  departureDate?: string
  items: string[]
}

export interface DemoVisit {
  id: string
  visitedOn: string
  outcome: 'seen' | 'not-seen' | 'refused-entry'
}

export interface RegistrationHistory {
  noticeServedOn: string | null
  /** Set when the notification period ran out before as-of and the registrar ended it. */
  ended: { endedOn: string; reason: 'period-expired' } | null
  notifications: DemoNotification[]
  visits: DemoVisit[]
}

/**
 * Visit intervals by risk (days), as in the register's default settings; a
 * registration with no risk level is visited at the highest frequency.
 */
export interface VisitIntervals {
  firstVisitWithinDays: number
  visitIntervalDays: Record<RiskLevel, number>
  visitIntervalUnassessedDays: number
  periodicIntervalYears: number
  noFixedAbodeIntervalDays: number
}

/**
 * What happened after registration, up to `asOf`: most registrants notify on
 * time and most visits happen, but not all (the report warns of "a significant
 * expansion in breaches of notification requirements"), so the compliance scan finds a mix of
 * met, late and missed obligations.
 */
export function registrationHistory(
  options: PopulationOptions,
  person: DemoPerson,
  reg: RegistrationFacts,
  intervals: VisitIntervals,
): RegistrationHistory {
  const r = random(options.seed, person.index, 2)
  const asOf = day(options.asOf)
  const registeredOn = day(reg.registeredOn)
  let counter = 0
  const nid = () => demoId(options.seed, 'notification', person.index, counter++)
  const notifications: DemoNotification[] = []
  const visits: DemoVisit[] = []
  const lastDay = reg.lastDay === null ? undefined : day(reg.lastDay)

  let ended: RegistrationHistory['ended'] = null
  let limit = asOf
  if (lastDay !== undefined && addDays(lastDay, 14) < asOf) {
    const endedOn = minDay(addDays(lastDay, r.int(1, 14)), asOf)
    ended = { endedOn: formatDay(endedOn), reason: 'period-expired' }
    limit = endedOn
  }
  const noticeServedOn = r.chance(0.95) ? formatDay(minDay(addDays(registeredOn, r.int(0, 3)), asOf)) : null

  if (reg.releasedOn !== undefined) {
    const released = day(reg.releasedOn)
    notifications.push({
      id: nid(),
      kind: 'release',
      receivedOn: formatDay(released),
      eventDate: formatDay(released),
      items: [],
    })
  }

  if (!reg.inCustody && reg.initialDue !== null) {
    const due = day(reg.initialDue)
    const start = maxDay(registeredOn, reg.releasedOn === undefined ? registeredOn : day(reg.releasedOn))
    const u = r.next()
    let initial: Day | undefined
    if (u < 0.86) initial = r.dayIn(start, due)
    else if (u < 0.94) initial = addDays(due, r.int(1, 21))
    if (initial !== undefined && initial <= limit) {
      notifications.push({
        id: nid(),
        kind: 'initial',
        receivedOn: formatDay(initial),
        items: ['names', 'home-address', 'date-of-birth', 'ni-number'],
      })
      // Periodic (s.85) and change (s.84) notifications: each restarts the year.
      let last = initial
      for (let guard = 0; guard < 2000; guard++) {
        const interval = reg.noFixedAbode ? intervals.noFixedAbodeIntervalDays : undefined
        const nextDue =
          interval === undefined ? addYears(last, intervals.periodicIntervalYears) : addDays(last, interval)
        if (lastDay !== undefined && nextDue > lastDay) break
        if (interval === undefined && r.chance(0.12)) {
          const event = r.dayIn(addDays(last, 30), addDays(nextDue, -10))
          const received = addDays(event, r.chance(0.9) ? r.int(0, 2) : r.int(3, 10))
          if (received > limit) break
          notifications.push({
            id: nid(),
            kind: 'change',
            receivedOn: formatDay(received),
            eventDate: formatDay(event),
            items: ['home-address'],
          })
          last = received
          continue
        }
        const v = r.next()
        let received: Day | undefined
        if (v < 0.9)
          received = r.dayIn(maxDay(addDays(last, 1), addDays(nextDue, interval === undefined ? -20 : -2)), nextDue)
        else if (v < 0.95) received = addDays(nextDue, r.int(1, interval === undefined ? 30 : 3))
        if (received === undefined || received > limit) break
        notifications.push({ id: nid(), kind: 'periodic', receivedOn: formatDay(received), items: ['home-address'] })
        last = received
      }
      if (r.chance(0.06)) {
        const received = r.dayIn(initial, limit)
        const departure = addDays(received, r.chance(0.8) ? r.int(7, 40) : r.int(1, 6))
        notifications.push({
          id: nid(),
          kind: 'travel',
          receivedOn: formatDay(received),
          departureDate: formatDay(departure),
          items: ['foreign-travel'],
        })
      }
    }
  }

  // Home visits: a first within the settings' days of registration, then by risk level.
  if (!reg.inCustody) {
    const interval =
      reg.riskLevel === null ? intervals.visitIntervalUnassessedDays : intervals.visitIntervalDays[reg.riskLevel]
    const u = r.next()
    let next: Day | undefined =
      u < 0.85
        ? addDays(registeredOn, r.int(3, intervals.firstVisitWithinDays))
        : u < 0.95
          ? addDays(registeredOn, intervals.firstVisitWithinDays + r.int(1, 30))
          : undefined
    for (let guard = 0; guard < 500 && next !== undefined && next <= limit; guard++) {
      const outcome = r.chance(0.9) ? 'seen' : r.chance(0.8) ? 'not-seen' : 'refused-entry'
      visits.push({ id: demoId(options.seed, 'visit', person.index, guard), visitedOn: formatDay(next), outcome })
      if (outcome !== 'seen') {
        next = addDays(next, r.int(1, 7))
        continue
      }
      const v = r.next()
      next =
        v < 0.88
          ? addDays(next, interval - r.int(0, 10))
          : v < 0.95
            ? addDays(next, interval + r.int(1, 30))
            : undefined
    }
  }

  notifications.sort((a, b) => (a.receivedOn < b.receivedOn ? -1 : a.receivedOn > b.receivedOn ? 1 : 0))
  return { noticeServedOn, ended, notifications, visits }
}

/** The reference number's year. */
export const yearOf = (iso: string) => ymdOf(day(iso)).year
