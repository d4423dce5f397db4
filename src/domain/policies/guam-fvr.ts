import { addDays, day, lastDayOfMonthsBeginningWith } from '../dates/day.ts'
import { countedRecords, type DomesticAbuseReading, specifiedDomesticAbuse } from '../eligibility/criteria.ts'
import { anyOf, finding, warning } from '../eligibility/finding.ts'
import { isCounted, or3, specifiedTruth } from '../eligibility/screening.ts'
import type { MissingFact, Truth, Warning } from '../explain/evaluation.ts'
import { mappaUnderCurrentLaw, proposedMappaLevel } from '../mappa/category.ts'
import { victimContactFor } from '../victims/victim-contact.ts'
import { decide } from './decide.ts'
import type { Policy } from './policy.ts'

// Guam's Family Violence Registry (9 GCA §30.300, 2011; report p.23): a public
// list of people with two or more family violence convictions (stalking
// included), or one where a weapon or sexual violence was used. Removal on
// petition after 10 years without further offence, or on expungement.
// Modelled for comparison only: a public list would not be lawful here (report p.25).

export interface GuamSettings {
  /** England and Wales' DA definition stands in for Guam's "family violence". */
  domesticAbuseReading: DomesticAbuseReading
  countPreCommencement: boolean
  countSpentConvictions: boolean
  removalAfterYears: number
}

const commencement = '2011-01-01'
const commencementDay = day(commencement)
const PROVISION = 'Guam Family Violence Registry Act 2011, 9 GCA §30.300 (report p.23)'

export const guamFvr: Policy<GuamSettings> = {
  id: 'guam-fvr',
  title: 'Guam Family Violence Registry, 2011 (comparison)',
  version: '1.0.0',
  status: 'other-jurisdiction',
  source: 'Guam Family Violence Registry Act 2011 (Bill 195-31), 9 GCA §30.300 (report p.23; peer-systems.md §4)',
  commencement,
  summary:
    'Two or more family violence convictions (stalking included), or one where a weapon or sexual violence was used: listed publicly; removal on petition after 10 years without further offence, or on expungement.',
  defaults: {
    domesticAbuseReading: 'flag-and-definition',
    countPreCommencement: true,
    countSpentConvictions: true,
    removalAfterYears: 10,
  },
  settingDocs: {
    domesticAbuseReading: {
      description:
        "How a conviction is read as 'family violence': the DA Act 2021 s.1-2 readings ('flag-and-definition', 'flag-only', 'definition-only').",
      basis: "Guam's family violence covers family and household members; the nearest E&W record is the DA definition.",
    },
    countPreCommencement: {
      description: 'Count convictions before 2011 (the Act applied to existing convictions).',
      basis: 'policies.md: model the proposal as written, with a warning.',
    },
    countSpentConvictions: {
      description: 'Count convictions spent under the Rehabilitation of Offenders Act 1974.',
      basis: 'The Guam Act has its own removal rule (10 years), not spent status.',
    },
    removalAfterYears: {
      description: 'Years after the last conviction without further offence before a removal petition.',
      basis:
        'Report p.23: "if 10 years have passed since conviction without further offences" (NF in peer-systems.md).',
    },
  },
  screen(facts, settings) {
    // Family violence (stalking included): two or more convictions, or one with a weapon or sexual violence (§30.300).
    let sure = 0
    let possible = 0
    let aggravated: Truth = false
    for (const rec of facts.convictions) {
      const fv = specifiedTruth(rec, settings.domesticAbuseReading)
      if (fv === false || !isCounted(facts, rec, commencementDay, settings)) continue
      if (fv === true) sure++
      else possible++
      const context = rec.context
      if (rec.offence.sexual || context.sexualViolence === true || context.weaponUsed === true) {
        aggravated = or3(aggravated, fv)
      } else if (context.weaponUsed !== false || context.sexualViolence !== false) {
        aggravated = or3(aggravated, null)
      }
    }
    const twoOrMore: Truth = sure >= 2 ? true : sure + possible >= 2 ? null : false
    return or3(twoOrMore, aggravated)
  },
  evaluate(facts, settings) {
    const warnings: Warning[] = []
    const records = countedRecords(facts, facts.convictions, commencementDay, settings, warnings)
    const fv = records.map((rec) => {
      const da = specifiedDomesticAbuse(rec, settings.domesticAbuseReading)
      if (rec.offence.specifiedStalking && da.holds !== true) {
        return { rec, result: finding(true, () => `${rec.id} (${rec.offence.code}) is a stalking offence`, [rec.id]) }
      }
      return { rec, result: da }
    })
    const yes = fv.filter((e) => e.result.holds === true)
    const maybe = fv.filter((e) => e.result.holds === null)
    const twoOrMore =
      yes.length >= 2
        ? finding(
            true,
            () => `${yes.length} family violence convictions: ${yes.map((e) => e.rec.id).join(', ')}`,
            yes.map((e) => e.rec.id),
          )
        : yes.length + maybe.length >= 2
          ? finding(
              null,
              () =>
                `two or more family violence convictions if ${maybe.map((e) => e.rec.id).join(', ')} ${maybe.length === 1 ? 'is' : 'are'} family violence`,
              [...yes, ...maybe].map((e) => e.rec.id),
              maybe.flatMap((e) => e.result.missing),
            )
          : finding(
              false,
              () => `${yes.length === 0 ? 'no' : 'only one'} family violence conviction`,
              yes.map((e) => e.rec.id),
            )

    const aggravated = [...yes, ...maybe].map(({ rec, result }) => {
      const sexual = rec.offence.sexual || rec.context.sexualViolence === true
      const weapon = rec.context.weaponUsed === true
      if (sexual || weapon) {
        return result.holds === true
          ? finding(true, () => `${rec.id}: ${weapon ? 'a weapon' : 'sexual violence'} was used`, [rec.id])
          : finding(
              null,
              () => `${rec.id}: ${weapon ? 'a weapon' : 'sexual violence'} was used, if it is family violence`,
              [rec.id],
              result.missing,
            )
      }
      if (rec.context.weaponUsed === false && rec.context.sexualViolence === false) {
        return finding(false, () => `${rec.id}: no weapon or sexual violence`, [rec.id])
      }
      const gaps: MissingFact[] = []
      if (rec.context.weaponUsed === undefined)
        gaps.push({
          rule: 'guam-aggravated',
          fact: `${rec.id}.context.weaponUsed`,
          needed: 'whether a weapon was used',
        })
      if (rec.context.sexualViolence === undefined)
        gaps.push({
          rule: 'guam-aggravated',
          fact: `${rec.id}.context.sexualViolence`,
          needed: 'whether sexual violence was used',
        })
      return finding(
        null,
        () => `${rec.id}: the record does not say whether a weapon or sexual violence was used`,
        [rec.id],
        [...gaps, ...result.missing],
      )
    })
    const oneAggravated = anyOf(aggravated, (holds) =>
      holds === true
        ? aggravated
            .filter((f) => f.holds)
            .map((f) => f.explanation)
            .join('; ')
        : aggravated.length === 0
          ? 'no family violence conviction with a weapon or sexual violence'
          : aggravated.map((f) => f.explanation).join('; '),
    )
    const overall = anyOf([twoOrMore, oneAggravated], () => '')
    const criteria = [
      { rule: 'two-or-more-family-violence-convictions', provision: PROVISION, result: twoOrMore },
      { rule: 'one-with-weapon-or-sexual-violence', provision: PROVISION, result: oneAggravated },
    ]
    return decide('guam-fvr', facts, criteria, overall, warnings, () => {
      const latest = yes.reduce((a, b) => (b.rec.date > a.rec.date ? b : a)).rec
      const mappa = mappaUnderCurrentLaw(facts)
      warnings.push(
        warning(
          'public-listing-unlawful-here',
          'A public listing would almost certainly breach data protection law and Article 8 ECHR in England and Wales (report p.25): modelled for comparison only',
          [],
        ),
      )
      return {
        effect: 'public-listing',
        indexFact: latest.id,
        notificationPeriod: { indefinite: true },
        periodStart: latest.date,
        periodLastDay: null,
        earliestReview: addDays(lastDayOfMonthsBeginningWith(latest.date, settings.removalAfterYears * 12), 1),
        initialNotificationDue: null,
        mappaCategory: mappa.category,
        mappaBasis: mappa.basis,
        mappaLevelProposed: proposedMappaLevel(facts),
        victimContact: facts.memo('victim-contact', () => victimContactFor(facts.record)),
        considerRightToKnow: false,
        provisions: [
          PROVISION,
          `Removal on petition ${settings.removalAfterYears} years after the last conviction without further offence, or on expungement`,
        ],
      }
    })
  },
}
