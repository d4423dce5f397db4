import { day } from '../dates/day.ts'
import { countedRecords, type DomesticAbuseReading, specifiedDomesticAbuse } from '../eligibility/criteria.ts'
import { finding } from '../eligibility/finding.ts'
import { domesticAbuseTruth, isCounted } from '../eligibility/screening.ts'
import type { Truth, Warning } from '../explain/evaluation.ts'
import { mappaUnderCurrentLaw, proposedMappaLevel } from '../mappa/category.ts'
import { victimContactFor } from '../victims/victim-contact.ts'
import { decide } from './decide.ts'
import type { Policy } from './policy.ts'

// Liz Saville-Roberts MP's amendment to the Domestic Abuse Bill (Commons, June
// 2020; report p.88, footnote 94): a register of everyone convicted of an offence
// that constitutes domestic abuse, with a duty to notify a new relationship.

export interface SavilleRobertsSettings {
  domesticAbuseReading: DomesticAbuseReading
  countPreCommencement: boolean
  countSpentConvictions: boolean
  /** Days within which a new sexual or romantic relationship must be notified (subsection (3)). */
  newRelationshipNotificationDays: number
}

const commencement = '2020-06-17'
const commencementDay = day(commencement)
const NC = 'Domestic Abuse Bill 2020, new clause (Saville-Roberts), report footnote 94'

export const savilleRoberts2020: Policy<SavilleRobertsSettings> = {
  id: 'saville-roberts-2020',
  title: 'Saville-Roberts amendment, 2020 (register of everyone convicted of a DA offence)',
  version: '1.0.0',
  status: 'rejected-proposal',
  source:
    'Domestic Abuse Bill, Commons, June 2020: new clause tabled by Liz Saville-Roberts MP (report p.88, footnote 94)',
  commencement,
  summary:
    'Any conviction for an offence that constitutes domestic abuse (DA Act 2021 s.1): name, home address and NI number on a register; a new sexual or romantic relationship must be notified within 14 days; police may tell the new partner.',
  defaults: {
    domesticAbuseReading: 'flag-and-definition',
    countPreCommencement: true,
    countSpentConvictions: true,
    newRelationshipNotificationDays: 14,
  },
  settingDocs: {
    domesticAbuseReading: {
      description:
        "How 'an offence that constitutes domestic abuse' is read: 'flag-and-definition', 'flag-only' or 'definition-only'.",
      basis: 'New clause (1) refers to the s.1 definition; the CPS flag is the only record of it (report pp.33-36).',
    },
    countPreCommencement: {
      description:
        'Count convictions before the debate date (the clause was never enacted; it is modelled as written).',
      basis: 'policies.md: for proposals that never became law the default is to count them, with a warning.',
    },
    countSpentConvictions: {
      description: 'Count convictions spent under the Rehabilitation of Offenders Act 1974.',
      basis: 'The clause makes no exception for spent convictions.',
    },
    newRelationshipNotificationDays: {
      description: 'Days to notify a new sexual or romantic relationship.',
      basis: 'New clause (3): "within 14 days".',
    },
  },
  screen(facts, settings) {
    // A counted conviction for an offence that constitutes domestic abuse (new clause (1); DA Act 2021 s.1).
    let convicted: Truth = false
    for (const rec of facts.convictions) {
      const holds = domesticAbuseTruth(rec, settings.domesticAbuseReading)
      if (holds === false || !isCounted(facts, rec, commencementDay, settings)) continue
      if (holds === true) return true
      convicted = null
    }
    return convicted
  },
  evaluate(facts, settings) {
    const warnings: Warning[] = []
    const records = countedRecords(facts, facts.convictions, commencementDay, settings, warnings)
    const findings = records.map((rec) => specifiedDomesticAbuse(rec, settings.domesticAbuseReading))
    const yes = findings.filter((f) => f.holds === true)
    const maybe = findings.filter((f) => f.holds === null)
    const convicted =
      yes.length > 0
        ? finding(
            true,
            () => yes.map((f) => f.explanation).join('; '),
            yes.flatMap((f) => f.facts),
          )
        : maybe.length > 0
          ? finding(
              null,
              () => maybe.map((f) => f.explanation).join('; '),
              maybe.flatMap((f) => f.facts),
              maybe.flatMap((f) => f.missing),
            )
          : finding(
              false,
              () => (findings.length > 0 ? findings.map((f) => f.explanation).join('; ') : 'no conviction is counted'),
              findings.flatMap((f) => f.facts),
            )
    const criteria = [
      {
        rule: 'convicted-of-domestic-abuse-offence',
        provision: `${NC}, subsection (1); ${'DA Act 2021 s.1'}`,
        result: convicted,
      },
    ]
    return decide('saville-roberts-2020', facts, criteria, convicted, warnings, () => {
      const first = records
        .filter((r) => yes.some((f) => f.facts.includes(r.id)))
        .reduce((a, b) => (b.date < a.date ? b : a))
      const mappa = mappaUnderCurrentLaw(facts)
      return {
        effect: 'register-entry',
        indexFact: first.id,
        notificationPeriod: { indefinite: true },
        periodStart: first.date,
        periodLastDay: null,
        earliestReview: null,
        initialNotificationDue: null,
        mappaCategory: mappa.category,
        mappaBasis: `${mappa.basis} (the clause adds no MAPPA management)`,
        mappaLevelProposed: proposedMappaLevel(facts),
        victimContact: facts.memo('victim-contact', () => victimContactFor(facts.record)),
        considerRightToKnow: true,
        provisions: [
          `${NC}, subsection (1): name, home address and National Insurance number on the register, with no end date`,
          `${NC}, subsection (3): a new sexual or romantic relationship notified within ${settings.newRelationshipNotificationDays} days`,
          `${NC}, subsection (4): failure to notify is an offence (up to 12 months' imprisonment)`,
          `${NC}, subsection (5): police may inform a new partner of the convictions`,
        ],
      }
    })
  },
}
