import { type Day, day, formatDay } from '../dates/day.ts'
import type { CaseFacts, OffenceRecord } from '../eligibility/case-facts.ts'
import { requirementsLastDay } from '../notification/period.ts'
import { listedOn } from '../offences/offences.ts'

// MAPPA categories under the law as it stands (Criminal Justice Act 2003
// s.325-327), for policies that do not themselves make a person Category 1,
// and the management level a risk assessment suggests (MAPPA Guidance ch.7).

export interface MappaPlacement {
  category: 1 | 2 | null
  basis: string
  facts: string[]
  /** The 2021 MAPPA Guidance: DA and stalking perpetrators outside Categories 1, 2 and 4 should be considered for Category 3. */
  considerCategory3: boolean
}

/** Still serving the sentence (and so any licence) on a date; a hospital order's end is not on the record. */
export function underSentenceOn(rec: OffenceRecord, on: Day): boolean {
  if (rec.disposal === 'caution') return false
  if (rec.disposal.type === 'hospital-order') return true
  if (rec.disposal.type === 'custody') return rec.disposal.life === true || (rec.sentenceLastDay ?? 0) >= on
  return false
}

/** A Category 2 sentence: also the test of the 2024 amendment in lieu for CCB. */
export function category2Sentence(rec: OffenceRecord): boolean {
  if (rec.disposal === 'caution') return false
  // s.327(3)-(4): imprisonment or detention of 12 months or more (suspended included), or a hospital order.
  if (rec.disposal.type === 'hospital-order') return true
  return rec.disposal.type === 'custody' && (rec.disposal.life === true || rec.disposal.months >= 12)
}

export function mappaUnderCurrentLaw(facts: CaseFacts): MappaPlacement {
  return facts.memo('mappa-current-law', () => {
    const asOf = facts.record.asOf
    for (const rec of [...facts.convictions, ...facts.cautions]) {
      if (!listedOn(rec.offence.soaSchedule3, rec.date)) continue
      const last = requirementsLastDay(rec.date, rec.disposal, rec.ageOnRelevantDate < 18, facts.legal)
      if (last === null || last >= asOf) {
        return {
          category: 1,
          basis: `Category 1 (CJA 2003 s.327(2)): ${rec.id} (${rec.offence.code}) is an SOA 2003 Sch.3 offence and its notification period ${last === null ? 'is indefinite' : `runs to ${formatDay(last)}`}`,
          facts: [rec.id],
          considerCategory3: false,
        }
      }
    }
    const ccbFrom = day(facts.legal.ccbMappaCategory2From)
    for (const rec of facts.convictions) {
      // CCB joined Category 2 on a date that is itself a setting ([U] statutory hook).
      const listed = rec.offence.code === 'SCA2015-s76' ? asOf >= ccbFrom : listedOn(rec.offence.cjaSchedule15, asOf)
      if (!listed || !category2Sentence(rec)) continue
      if (!underSentenceOn(rec, asOf)) continue
      return {
        category: 2,
        basis: `Category 2 (CJA 2003 s.327(3)-(4)): ${rec.id} (${rec.offence.code}) is murder or a Sch.15 offence with a qualifying sentence, ${rec.sentenceLastDay ? `under sentence until ${formatDay(rec.sentenceLastDay)}` : 'still in force'}`,
        facts: [rec.id],
        considerCategory3: false,
      }
    }
    const daOrStalking = facts.convictions.filter(
      (r) =>
        r.offence.typicallyDomesticAbuse &&
        (r.domesticAbuse || r.offence.specifiedStalking || r.offence.personalConnectionIsElement),
    )
    return {
      category: null,
      basis:
        daOrStalking.length > 0
          ? `No automatic category under current law; consider Category 3 (MAPPA Guidance 2021) for ${daOrStalking.map((r) => r.id).join(', ')}`
          : 'No MAPPA category under current law',
      facts: daOrStalking.map((r) => r.id),
      considerCategory3: daOrStalking.length > 0,
    }
  })
}

/** Level 2 when the latest RoSH is high or very high (Guidance ch.7), Level 1 otherwise; null with no assessment. */
export function proposedMappaLevel(facts: CaseFacts): 1 | 2 | null {
  const latest = facts.roshAssessments[0]
  if (!latest) return null
  return latest.rosh === 'high' || latest.rosh === 'very-high' ? 2 : 1
}
