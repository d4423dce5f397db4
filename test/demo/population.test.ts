import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkFact } from '../../src/app/people.ts'
import { parseExplainInput } from '../../src/contracts/explain-input.ts'
import { personCreate, victimCreate } from '../../src/contracts/register/requests.ts'
import {
  coreInputOf,
  type DemoPerson,
  demoDirectory,
  demoPerson,
  type PopulationOptions,
  registrationHistory,
} from '../../src/demo/population.ts'
import { defaultRegisterSettings } from '../../src/domain/register/settings.ts'

// The demo population is pure and seeded, and shaped by the register report's
// figures: most never convicted, few custodial sentences, about 2 victims per
// perpetrator (p.43, footnote 66), a serial tail.

const options: PopulationOptions = { people: 4000, seed: 20261124, asOf: '2026-11-24' }
const directory = demoDirectory(options)
const population: DemoPerson[] = Array.from({ length: options.people }, (_, i) => demoPerson(options, directory, i))

const convictionsOf = (p: DemoPerson) => p.facts.filter((f) => f.kind === 'conviction')
const share = (count: number, of: number) => count / of

describe('demo population', () => {
  test('the same seed gives the same population; another seed another', () => {
    const again = demoDirectory(options)
    assert.deepEqual(again, directory)
    for (const i of [0, 1, 17, 999, 3999]) assert.deepEqual(demoPerson(options, again, i), population[i])
    const other = { ...options, seed: options.seed + 1 }
    const different = demoPerson(other, demoDirectory(other), 17)
    assert.notEqual(different.id, population[17]?.id)
    assert.notDeepEqual(
      { name: different.givenNames + different.familyName, dob: different.dateOfBirth },
      { name: population[17]?.givenNames + (population[17]?.familyName ?? ''), dob: population[17]?.dateOfBirth },
    )
  })

  test('a person does not depend on the batch it is generated in', () => {
    // The loader generates persons batch by batch; person i must not depend on which persons came before.
    assert.deepEqual(demoPerson(options, directory, 2500), population[2500])
  })

  test('ids are unique across persons, facts, victims and users', () => {
    const ids = new Set<string>()
    let count = 0
    const add = (id: string) => {
      ids.add(id)
      count++
    }
    for (const p of population) {
      add(p.id)
      for (const f of p.facts) add(f.id)
      for (const v of p.victims) add(v.id)
    }
    for (const u of directory.users) add(u.id)
    assert.equal(ids.size, count)
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  test('most perpetrators are never convicted (report p.42: 39,198 convictions)', () => {
    const never = population.filter((p) => convictionsOf(p).length === 0).length
    const ratio = share(never, population.length)
    assert.ok(ratio > 0.5, `never convicted ${ratio}`)
    assert.ok(ratio < 0.8, `never convicted ${ratio}`)
    // Everyone has something recorded: never-convicted persons have incidents.
    for (const p of population) assert.ok(p.facts.some((f) => f.kind === 'incident' || f.kind === 'conviction'))
  })

  test('about 2 victims per perpetrator (report p.43, footnote 66), with a serial tail', () => {
    const victims = population.reduce((sum, p) => sum + p.victims.length, 0)
    const perPerson = victims / population.length
    assert.ok(Math.abs(perPerson - 2) < 0.15, `victims per perpetrator ${perPerson}`)
    const threeOrMore = share(population.filter((p) => p.victims.length >= 3).length, population.length)
    const fiveOrMore = share(population.filter((p) => p.victims.length >= 5).length, population.length)
    assert.ok(threeOrMore > 0.1 && threeOrMore < 0.35, `3+ victims ${threeOrMore}`)
    assert.ok(fiveOrMore >= 0.02, `5+ victims ${fiveOrMore}`)
    // Repeat convictions (the Lords "relevant serial offender"): a minority of the convicted, but there.
    const convicted = population.filter((p) => convictionsOf(p).length > 0)
    const serial = share(convicted.filter((p) => convictionsOf(p).length >= 2).length, convicted.length)
    assert.ok(serial > 0.2 && serial < 0.6, `convicted twice or more ${serial}`)
  })

  test('custodial sentences are a minority of convictions (report p.42: 16%)', () => {
    const convictions = population.flatMap(convictionsOf)
    const disposal = (f: (typeof convictions)[number]) => f.data.disposal as { type: string; suspended?: boolean }
    const immediate = convictions.filter((f) => disposal(f).type === 'custody' && disposal(f).suspended !== true)
    const ratio = share(immediate.length, convictions.length)
    assert.ok(ratio > 0.08 && ratio < 0.25, `immediate custody ${ratio}`)
    // Only immediate custody has a release date (the explain contract's rule).
    for (const f of convictions) assert.equal(f.data.releasedOn !== undefined, immediate.includes(f))
  })

  test('every generated fact satisfies its contract and is stored already normalised', () => {
    for (const p of population.slice(0, 800)) {
      for (const fact of p.facts) {
        const checked = checkFact({ kind: fact.kind, ...fact.data }, '$', options.asOf)
        assert.equal(checked.kind, fact.kind)
        assert.deepEqual(checked.data, fact.data, `${fact.kind} of person ${p.index}`)
      }
      for (const victim of p.victims) {
        const parsed = victimCreate.safeParse(victim.data)
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues))
        assert.deepEqual(parsed.data, victim.data)
      }
      const identity = personCreate.safeParse({
        familyName: p.familyName,
        givenNames: p.givenNames,
        dateOfBirth: p.dateOfBirth,
        sex: p.sex,
        ...(p.niNumber === undefined ? {} : { niNumber: p.niNumber }),
        ...(p.riskLevel === null ? {} : { riskLevel: p.riskLevel }),
      })
      assert.ok(identity.success, JSON.stringify(identity.error?.issues))
      assert.equal(identity.data.niNumber, p.niNumber)
    }
  })

  test('the legal core accepts every record as of the day it is considered, and as of as-of', () => {
    for (const p of population) {
      for (const asOf of [p.plan?.consideredOn, options.asOf]) {
        if (asOf === undefined) continue
        const parsed = parseExplainInput(coreInputOf(p, asOf))
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'))
      }
    }
  })

  test('data are obviously synthetic: drama phone numbers, example.test e-mail, ZZ postcodes and marks', () => {
    for (const p of population.slice(0, 500)) {
      for (const f of p.facts) {
        if (f.kind === 'phone') assert.match(f.data.number as string, /^07700900\d{3}$/)
        if (f.kind === 'email') assert.match(f.data.address as string, /@example\.test$/)
        if (f.kind === 'vehicle') assert.match(f.data.registration as string, /^ZZ/)
        if (typeof f.data.postcode === 'string') assert.match(f.data.postcode, /^ZZ/)
      }
    }
    for (const u of directory.users) assert.match(u.email, /@[a-z-]+\.example\.test$/)
    assert.ok(directory.users.some((u) => u.email === 'registrar@demo-shire.example.test'))
  })

  test('--convictions scales the number of convictions for benchmarks', () => {
    const bench = { ...options, people: 2000, convictions: 6000 }
    const dir = demoDirectory(bench)
    let total = 0
    for (let i = 0; i < bench.people; i++) total += convictionsOf(demoPerson(bench, dir, i)).length
    assert.ok(Math.abs(total / 6000 - 1) < 0.15, `${total} convictions for 6000 asked`)
  })

  test('a registration history has met, late and missed obligations, in date order, none after as-of', () => {
    const kinds = new Set<string>()
    let visits = 0
    for (const p of population.filter((person) => person.plan !== undefined).slice(0, 300)) {
      const plan = p.plan as NonNullable<DemoPerson['plan']>
      const history = registrationHistory(
        options,
        p,
        {
          registeredOn: plan.registeredOn,
          initialDue: plan.registeredOn,
          lastDay: null,
          inCustody: false,
          noFixedAbode: plan.noFixedAbode,
          riskLevel: p.riskLevel,
        },
        defaultRegisterSettings,
      )
      const dates = history.notifications.map((n) => n.receivedOn)
      assert.deepEqual(dates, [...dates].sort())
      for (const n of history.notifications) {
        kinds.add(n.kind)
        assert.ok(n.receivedOn >= plan.registeredOn && n.receivedOn <= options.asOf)
      }
      for (const v of history.visits) assert.ok(v.visitedOn > plan.registeredOn && v.visitedOn <= options.asOf)
      visits += history.visits.length
    }
    assert.ok(kinds.has('initial') && kinds.has('periodic') && kinds.has('change'), [...kinds].join())
    assert.ok(visits > 0)
  })
})
