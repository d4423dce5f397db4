import fc from 'fast-check'
import { addDays, addYears, type Day, day } from '../../src/domain/dates/day.ts'
import { offence, offenceCodes } from '../../src/domain/offences/offences.ts'
import type {
  Caution,
  Conviction,
  Disposal,
  Incident,
  PersonRecord,
  RiskAssessment,
  Victim,
} from '../../src/domain/record/person-record.ts'
import { relationshipNames } from '../../src/domain/record/relationships.ts'

// Properties over any record the input contract accepts: the same invariants the
// validator enforces (nothing before birth or age 10, offence before conviction,
// release after conviction, nothing but releases after the as-of date, unique ids).

export const asOf = day('2026-11-24')
const dayBetween = (from: Day, to: Day) => fc.integer({ min: from, max: Math.max(from, to) }).map((n) => n as Day)
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const victimIds = ['V-1', 'V-2', 'V-3', 'V-4']

const victimArb: fc.Arbitrary<Victim> = fc.record(
  {
    id: fc.constantFrom(...victimIds),
    relationship: fc.constantFrom(...relationshipNames),
    ageAtOffence: fc.integer({ min: 0, max: 95 }),
  },
  { requiredKeys: ['id'] },
)

const disposalArb: fc.Arbitrary<Disposal> = fc.oneof(
  fc.record(
    {
      type: fc.constant('custody' as const),
      months: fc.integer({ min: 1, max: 120 }),
      suspended: fc.boolean(),
      life: fc.boolean(),
      detentionAndTraining: fc.boolean(),
    },
    { requiredKeys: ['type', 'months'] },
  ),
  fc.record({ type: fc.constant('hospital-order' as const), restriction: fc.boolean() }),
  fc.record(
    { type: fc.constant('community' as const), months: fc.integer({ min: 1, max: 36 }) },
    { requiredKeys: ['type'] },
  ),
  fc.constant({ type: 'fine' as const }),
  fc.record({ type: fc.constant('conditional-discharge' as const), months: fc.integer({ min: 1, max: 36 }) }),
  fc.constant({ type: 'absolute-discharge' as const }),
)

function convictionArb(id: string, tenth: Day): fc.Arbitrary<Conviction> {
  return dayBetween(tenth, asOf).chain((date) =>
    fc
      .record({
        offenceDate: maybe(dayBetween(tenth, date)),
        offence: fc.constantFrom(...offenceCodes),
        domesticAbuse: maybe(fc.boolean()),
        victims: fc.array(victimArb, { maxLength: 2 }),
        disposal: disposalArb,
        releaseAfter: maybe(fc.integer({ min: 0, max: 3000 })),
        context: fc.record(
          { weaponUsed: fc.boolean(), sexualViolence: fc.boolean(), violentResistance: fc.boolean() },
          { requiredKeys: [] },
        ),
      })
      .map(({ offenceDate, releaseAfter, disposal, offence: code, ...rest }) => {
        const lawful =
          disposal.type === 'conditional-discharge' && offence(code).noConditionalDischarge
            ? ({ type: 'fine' } as const)
            : disposal.type === 'custody' && disposal.life && disposal.suspended
              ? { ...disposal, suspended: false }
              : disposal
        const detained = (lawful.type === 'custody' && !lawful.suspended) || lawful.type === 'hospital-order'
        return {
          id,
          date,
          offence: code,
          ...(offenceDate === undefined ? {} : { offenceDate }),
          ...rest,
          disposal: lawful,
          ...(detained && releaseAfter !== undefined ? { releasedOn: addDays(date, releaseAfter) } : {}),
        } as Conviction
      }),
  )
}

/** Any record the input contract accepts. */
export const recordArb: fc.Arbitrary<PersonRecord> = dayBetween(day('1940-01-01'), day('2014-01-01')).chain((dob) => {
  const tenth = addYears(dob, 10)
  return fc
    .record({
      convictionCount: fc.integer({ min: 0, max: 5 }),
      cautions: fc.array(
        fc.record(
          {
            date: dayBetween(tenth, asOf),
            offence: fc.constantFrom(...offenceCodes),
            domesticAbuse: fc.boolean(),
            victims: fc.array(victimArb, { maxLength: 1 }),
            conditional: fc.boolean(),
          },
          { requiredKeys: ['date', 'offence', 'victims'] },
        ),
        { maxLength: 2 },
      ),
      incidents: fc.array(
        fc.record(
          {
            date: dayBetween(dob, asOf),
            role: fc.constantFrom('perpetrator' as const, 'victim' as const),
            counterpartId: fc.constantFrom(...victimIds),
            relationship: fc.constantFrom(...relationshipNames),
            domesticAbuse: fc.boolean(),
          },
          { requiredKeys: ['date', 'role'] },
        ),
        { maxLength: 4 },
      ),
      riskAssessments: fc.array(
        fc.record(
          {
            date: dayBetween(dob, asOf),
            tool: fc.constant('OASys'),
            rosh: fc.constantFrom('low' as const, 'medium' as const, 'high' as const, 'very-high' as const),
          },
          { requiredKeys: ['date', 'tool'] },
        ),
        { maxLength: 3 },
      ),
    })
    .chain(({ convictionCount, cautions, incidents, riskAssessments }) =>
      fc.tuple(...Array.from({ length: convictionCount }, (_, i) => convictionArb(`C-${i + 1}`, tenth))).map(
        (convictions): PersonRecord => ({
          asOf,
          person: { id: 'P-1', dateOfBirth: dob },
          convictions,
          cautions: cautions.map((c, i): Caution => ({ id: `K-${i + 1}`, ...c })),
          incidents: incidents.map((x, i): Incident => ({ id: `I-${i + 1}`, ...x })),
          riskAssessments: riskAssessments.map((r, i): RiskAssessment => ({ id: `R-${i + 1}`, ...r })),
        }),
      ),
    )
})
