import { day, formatDay } from '../dates/day.ts'
import { countedRecords } from '../eligibility/criteria.ts'
import { finding } from '../eligibility/finding.ts'
import { isCounted } from '../eligibility/screening.ts'
import type { Warning } from '../explain/evaluation.ts'
import { category2Sentence, proposedMappaLevel, underSentenceOn } from '../mappa/category.ts'
import { victimContactFor } from '../victims/victim-contact.ts'
import { decide } from './decide.ts'
import type { Policy } from './policy.ts'

// What the government enacted instead of the Lords register (amendment in lieu,
// 23 May 2024; in force 3 February 2025): controlling or coercive behaviour with
// a sentence of 12 months or more, suspended included, or a hospital order, is
// automatically MAPPA Category 2 while on licence. No notification requirements.

export interface CommonsInLieuSettings {
  countPreCommencement: boolean
  countSpentConvictions: boolean
  /** The sentence must still be running on or after commencement (the status arises from 3 February 2025). */
  requireSentenceRunningAtCommencement: boolean
}

const commencement = '2025-02-03'
const commencementDay = day(commencement)
const PROVISION = 'Victims and Prisoners Act 2024 (amendment in lieu of Lords amendment 132); CJA 2003 s.327'

export const commons2024InLieu: Policy<CommonsInLieuSettings> = {
  id: 'commons-2024-in-lieu',
  title: 'Commons amendment in lieu, 2024 (CCB offenders automatically MAPPA Category 2)',
  version: '1.0.0',
  status: 'in-force',
  source:
    'Government amendment in lieu, 23 May 2024, Victims and Prisoners Act 2024; in force 3 February 2025 (report Appendix I; legal-rules.md §2.1)',
  commencement,
  summary:
    'Convicted of controlling or coercive behaviour (SCA 2015 s.76) with a sentence of 12 months or more (suspended included) or a hospital order: automatic MAPPA Category 2 while on licence; no notification requirements.',
  defaults: { countPreCommencement: true, countSpentConvictions: true, requireSentenceRunningAtCommencement: true },
  settingDocs: {
    countPreCommencement: {
      description: 'Count CCB convictions from before 3 February 2025.',
      basis:
        'The status attaches to those under sentence from commencement, whenever convicted (MoJ release, legal-rules.md §2.1).',
    },
    countSpentConvictions: {
      description: 'Count convictions that are spent under the Rehabilitation of Offenders Act 1974.',
      basis:
        'A sentence of 12 months or more is not spent while it runs; the setting matters only for old convictions.',
    },
    requireSentenceRunningAtCommencement: {
      description: 'The custodial term (or order) must not have ended before commencement.',
      basis: 'Category 2 lasts while on licence (report Appendix II: "when the offender’s licence expires").',
    },
  },
  screen(facts, settings) {
    // A counted CCB conviction (SCA 2015 s.76) with a Category 2 sentence (CJA 2003 s.327(3)-(4)), running at commencement.
    for (const rec of facts.convictions) {
      if (rec.offence.code !== 'SCA2015-s76' || !category2Sentence(rec)) continue
      if (settings.requireSentenceRunningAtCommencement && !underSentenceOn(rec, commencementDay)) continue
      if (isCounted(facts, rec, commencementDay, settings)) return true
    }
    return false
  },
  evaluate(facts, settings) {
    const warnings: Warning[] = []
    const records = countedRecords(facts, facts.convictions, commencementDay, settings, warnings)
    const ccb = records.filter((r) => r.offence.code === 'SCA2015-s76')
    const sentenced = ccb.filter(category2Sentence)
    const running = sentenced.filter(
      (r) => !settings.requireSentenceRunningAtCommencement || underSentenceOn(r, commencementDay),
    )
    const ccbFinding = finding(
      ccb.length > 0,
      () =>
        ccb.length > 0
          ? `convicted of controlling or coercive behaviour: ${ccb.map((r) => r.id).join(', ')}`
          : 'no conviction for controlling or coercive behaviour (SCA 2015 s.76)',
      ccb.map((r) => r.id),
    )
    const sentenceFinding = finding(
      sentenced.length > 0,
      () =>
        sentenced.length > 0
          ? `sentence of 12 months or more, or a hospital order: ${sentenced.map((r) => r.id).join(', ')}`
          : ccb.length > 0
            ? `no CCB sentence of 12 months or more (suspended included) or hospital order`
            : 'no qualifying sentence',
      sentenced.map((r) => r.id),
    )
    const runningFinding = finding(
      running.length > 0,
      () =>
        running.length > 0
          ? `under sentence on or after ${formatDay(commencementDay)}: ${running.map((r) => r.id).join(', ')}`
          : `no qualifying sentence was still running on ${formatDay(commencementDay)}`,
      running.map((r) => r.id),
    )
    const criteria = [
      { rule: 'ccb-conviction', provision: 'Serious Crime Act 2015 s.76', result: ccbFinding },
      { rule: 'sentence-12-months-or-hospital-order', provision: PROVISION, result: sentenceFinding },
    ]
    if (settings.requireSentenceRunningAtCommencement) {
      criteria.push({ rule: 'under-sentence-at-commencement', provision: PROVISION, result: runningFinding })
    }
    const overall = finding(
      running.length > 0,
      '',
      running.map((r) => r.id),
    )
    return decide('commons-2024-in-lieu', facts, criteria, overall, warnings, () => {
      const index = running.reduce((a, b) => (b.date > a.date ? b : a))
      const asOf = facts.record.asOf
      const current = underSentenceOn(index, asOf)
      const until =
        index.sentenceLastDay === null ? 'the end of the sentence or order' : formatDay(index.sentenceLastDay)
      return {
        effect: 'mappa-management',
        indexFact: index.id,
        notificationPeriod: null,
        periodStart: null,
        periodLastDay: null,
        earliestReview: null,
        initialNotificationDue: null,
        mappaCategory: current ? 2 : null,
        mappaBasis: current
          ? `Category 2 (CJA 2003 s.327, as extended from 3 February 2025) while on licence, until ${until}`
          : `Category 2 ended with the sentence on ${until}; consider Category 3 (MAPPA Guidance 2021)`,
        mappaLevelProposed: proposedMappaLevel(facts),
        victimContact: facts.memo('victim-contact', () => victimContactFor(facts.record)),
        considerRightToKnow: false,
        provisions: [PROVISION, 'No notification requirements: SOA 2003 Part 2 is not extended'],
      }
    })
  },
}
