import { type Day, day } from '../dates/day.ts'
import type { CaseFacts, OffenceRecord } from '../eligibility/case-facts.ts'
import {
  type CountingSettings,
  classifySpecified,
  convictedOfSpecifiedOffence,
  countedRecords,
  type DomesticAbuseReading,
  highRiskOfSeriousHarm,
  type RiskSettings,
  relevantSerialOffender,
  type SerialSettings,
  serialOrHighRisk,
} from '../eligibility/criteria.ts'
import { allOf, type Finding, finding } from '../eligibility/finding.ts'
import { and3, isCounted, or3, riskTruth, serialPairCounts, specifiedTruth } from '../eligibility/screening.ts'
import type { PolicyEvaluation, PolicyId, Truth, Warning } from '../explain/evaluation.ts'
import { underSentenceOn } from '../mappa/category.ts'
import { type Criterion, chooseIndexRecord, decide, notificationConsequences } from './decide.ts'
import type { Policy, SettingDoc } from './policy.ts'

// The "serial and serious harm" test of the 2024 Lords amendment (new SOA 2003
// s.80A; report footnote 53), shared by `lords-2024` and `broad-convicted`,
// which differ only in whether a custodial sentence and licence are required.

export interface SerialSeriousHarmSettings extends SerialSettings, RiskSettings, CountingSettings {
  domesticAbuseReading: DomesticAbuseReading
  /** Count cautions as well as convictions (report p.38: registration is often assumed to follow "a caution or conviction"). */
  includeCautions: boolean
  /** The licence (the custodial sentence) must still be running on the as-of date. */
  licenceMustBeCurrent: boolean
  /** Which qualifying conviction the notification period runs from. */
  indexConviction: 'latest' | 'longest-period'
}

export const serialSeriousHarmSettingDocs: { [K in keyof SerialSeriousHarmSettings]: SettingDoc } = {
  domesticAbuseReading: {
    description:
      "How 'an offence where the behaviour amounted to domestic abuse (DA Act 2021 s.1)' is read: 'flag-and-definition' (CPS DA flag, both parties 16+, personally connected), 'flag-only' or 'definition-only'.",
    basis: 'policies.md shared definitions; report pp.33-36 on why the term is legally weak.',
  },
  serialCounting: {
    description: "'separate-occasions': convictions on different dates; 'separate-convictions': any two convictions.",
    basis: "policies.md: 'convictions on separate occasions; no time window in the text'.",
  },
  serialWindowYears: {
    description: 'Both convictions within this many years of each other; null for no window.',
    basis: 'The proposal sets no window (report p.34 notes the omission).',
  },
  riskAssessmentUsed: {
    description: "'latest': the most recent RoSH assessment decides; 'any': any high or very high assessment counts.",
    basis:
      "Amendment text: 'a risk of serious harm assessment has identified P as presenting a high or very high risk'.",
  },
  riskAssessmentMaxAgeMonths: {
    description: 'An assessment older than this many months is treated as missing; null for no limit.',
    basis: 'The proposal sets no limit.',
  },
  countPreCommencement: {
    description: 'Count convictions before the commencement date (with a warning).',
    basis: 'policies.md: for proposals that never became law, the tool models the proposal as written.',
  },
  countSpentConvictions: {
    description: 'Count convictions that are spent under the Rehabilitation of Offenders Act 1974.',
    basis: 'Register status is independent of spent status (legal-rules.md §7, Unlock).',
  },
  includeCautions: {
    description: 'Count cautions as well as convictions.',
    basis: 'The amendment says "convicted"; report p.38 notes registration is often assumed to follow a caution too.',
  },
  licenceMustBeCurrent: {
    description:
      'For the custody condition: the custodial sentence (and so the licence) must still be running on the as-of date.',
    basis:
      "Report p.37: registration 'would apply only to those ... released on licence'; policies.md: 'has been, or is due to be, released on licence'.",
  },
  indexConviction: {
    description:
      "Which qualifying conviction the notification period runs from: 'latest' or the one whose s.82 period ends last.",
    basis: 'The proposal is silent; SOA 2003 s.82 runs a period from each relevant date.',
  },
}

export const serialSeriousHarmDefaults: SerialSeriousHarmSettings = {
  domesticAbuseReading: 'flag-and-definition',
  serialCounting: 'separate-occasions',
  serialWindowYears: null,
  riskAssessmentUsed: 'latest',
  riskAssessmentMaxAgeMonths: null,
  countPreCommencement: true,
  countSpentConvictions: true,
  includeCautions: false,
  licenceMustBeCurrent: false,
  indexConviction: 'latest',
}

const S80A = 'Victims and Prisoners Bill 2024, Lords amendment 132: new SOA 2003 s.80A'

function custodialLicence(
  specified: { rec: OffenceRecord; finding: Finding }[],
  maybe: { rec: OffenceRecord; finding: Finding }[],
  asOf: Day,
  settings: SerialSeriousHarmSettings,
): Finding {
  const onLicence = (rec: OffenceRecord) =>
    rec.immediateCustody && (!settings.licenceMustBeCurrent || underSentenceOn(rec, asOf))
  const sure = specified.filter((e) => onLicence(e.rec)).map((e) => e.rec)
  if (sure.length > 0) {
    return finding(
      true,
      () => `released, or due to be released, on licence from custody for ${sure.map((r) => r.id).join(', ')}`,
      sure.map((r) => r.id),
    )
  }
  const possible = maybe.filter((e) => onLicence(e.rec))
  if (possible.length > 0) {
    return finding(
      null,
      () => `custody for ${possible.map((e) => e.rec.id).join(', ')}, if that is a specified offence`,
      possible.map((e) => e.rec.id),
      possible.flatMap((e) => e.finding.missing),
    )
  }
  return finding(
    false,
    settings.licenceMustBeCurrent
      ? 'no custodial sentence for a specified offence with a licence running on the as-of date'
      : 'no custodial sentence (released on licence) for a specified offence',
    specified.map((e) => e.rec.id),
  )
}

interface SharedFindings {
  warnings: Warning[]
  specified: ReturnType<typeof classifySpecified>
  convicted: Finding
  serial: Finding
  risk: Finding
}

// lords-2024 and broad-convicted share everything but the custody condition; with
// the same settings object (the defaults) the shared findings are worked out once
// per person. Settings objects are few and long-lived, so each gets a small id.
const settingsIds = new WeakMap<object, number>()
let nextSettingsId = 0

function sharedFindings(facts: CaseFacts, commencement: Day, settings: SerialSeriousHarmSettings): SharedFindings {
  let id = settingsIds.get(settings)
  if (id === undefined) {
    id = nextSettingsId++
    settingsIds.set(settings, id)
  }
  return facts.memo(`serial-serious-harm:${id}:${commencement}`, () => {
    const warnings: Warning[] = []
    const pool = settings.includeCautions ? [...facts.convictions, ...facts.cautions] : facts.convictions
    const records = countedRecords(facts, pool, commencement, settings, warnings)
    const specified = classifySpecified(records, settings.domesticAbuseReading)
    return {
      warnings,
      specified,
      convicted: convictedOfSpecifiedOffence(specified),
      serial: relevantSerialOffender(specified, settings),
      risk: highRiskOfSeriousHarm(facts, settings),
    }
  })
}

function evaluateSerialSeriousHarm(
  policy: PolicyId,
  commencement: Day,
  requireCustody: boolean,
  facts: CaseFacts,
  settings: SerialSeriousHarmSettings,
): PolicyEvaluation {
  const shared = sharedFindings(facts, commencement, settings)
  const { specified, convicted, serial, risk } = shared
  const warnings: Warning[] = [...shared.warnings]
  const serialOrRisk = serialOrHighRisk(serial, risk)
  const criteria: Criterion[] = [
    { rule: 'convicted-of-specified-offence', provision: `${S80A}(1), (3), (4)`, result: convicted },
    { rule: 'relevant-serial-offender', provision: `${S80A}(2)(a), (4)`, result: serial },
    { rule: 'high-risk-of-serious-harm', provision: `${S80A}(2)(b)`, result: risk },
  ]
  const parts = [convicted, serialOrRisk]
  let licence: Finding | undefined
  if (requireCustody) {
    licence = custodialLicence(specified.yes, specified.maybe, facts.record.asOf, settings)
    criteria.push({
      rule: 'released-on-licence',
      provision: 'Lords amendment 132(1): "a condition of the release and licence"; report p.37',
      result: licence,
    })
    parts.push(licence)
  }
  const overall = allOf(parts, () => '')

  return decide(policy, facts, criteria, overall, warnings, () => {
    const qualifying = specified.yes.map((e) => e.rec).filter((rec) => !requireCustody || rec.immediateCustody)
    const index = chooseIndexRecord(qualifying, settings.indexConviction, facts)
    return notificationConsequences(facts, index, commencement, warnings, [`${S80A} (SOA 2003 s.80(1)(aa))`])
  })
}

/** The counted record `i` of the pool: the convictions, then the cautions when they are counted. */
function pooled(facts: CaseFacts, i: number): OffenceRecord {
  const convictions = facts.convictions
  return (i < convictions.length ? convictions[i] : facts.cautions[i - convictions.length]) as OffenceRecord
}

/**
 * The screening pass of `evaluateSerialSeriousHarm`: convicted of a specified
 * offence (s.80A(1), (3)), and serial (s.80A(2)(a), (4)) or high risk
 * (s.80A(2)(b)), and, where required, on licence for a specified offence.
 */
function screenSerialSeriousHarm(
  commencement: Day,
  requireCustody: boolean,
  facts: CaseFacts,
  settings: SerialSeriousHarmSettings,
): Truth {
  const size = facts.convictions.length + (settings.includeCautions ? facts.cautions.length : 0)
  const reading = settings.domesticAbuseReading
  const asOf = facts.record.asOf
  let convicted: Truth = false
  // Without the custody condition the licence criterion holds trivially.
  let licence: Truth = !requireCustody
  for (let i = 0; i < size; i++) {
    const rec = pooled(facts, i)
    if (!isCounted(facts, rec, commencement, settings)) continue
    const specified = specifiedTruth(rec, reading)
    if (specified === false) continue
    if (specified === true) convicted = true
    else if (convicted === false) convicted = null
    // Lords amendment 132(1): released on licence from custody for a specified offence.
    if (licence !== true && rec.immediateCustody && (!settings.licenceMustBeCurrent || underSentenceOn(rec, asOf))) {
      licence = specified
    }
  }
  const required = and3(convicted, licence)
  if (required === false) return false
  const risk = riskTruth(facts, settings)
  if (risk === true) return required
  return and3(required, or3(serialTruth(facts, size, commencement, settings), risk))
}

/** "Relevant serial offender" (new SOA s.80A(4)) among the counted records: `relevantSerialOffender`. */
function serialTruth(facts: CaseFacts, size: number, commencement: Day, settings: SerialSeriousHarmSettings): Truth {
  const reading = settings.domesticAbuseReading
  let possible = false
  for (let i = 0; i < size; i++) {
    const a = pooled(facts, i)
    const first = specifiedTruth(a, reading)
    if (first === false || !isCounted(facts, a, commencement, settings)) continue
    for (let j = i + 1; j < size; j++) {
      const b = pooled(facts, j)
      const second = specifiedTruth(b, reading)
      if (second === false || !isCounted(facts, b, commencement, settings)) continue
      if (!serialPairCounts(a, b, settings)) continue
      if (first === true && second === true) return true
      possible = true
    }
  }
  return possible ? null : false
}

export type SerialSeriousHarmPolicySpec = Omit<
  Policy<SerialSeriousHarmSettings>,
  'defaults' | 'settingDocs' | 'evaluate' | 'screen'
> & {
  /** Registration only on release on licence from custody for a specified offence. */
  requireCustody: boolean
}

/** A policy of this family: the shared test, settings and consequences, with its own source and custody rule. */
export function serialSeriousHarmPolicy(spec: SerialSeriousHarmPolicySpec): Policy<SerialSeriousHarmSettings> {
  const { requireCustody, ...meta } = spec
  const commencementDay = day(meta.commencement)
  return {
    ...meta,
    defaults: serialSeriousHarmDefaults,
    settingDocs: serialSeriousHarmSettingDocs,
    evaluate: (facts, settings) => evaluateSerialSeriousHarm(meta.id, commencementDay, requireCustody, facts, settings),
    screen: (facts, settings) => screenSerialSeriousHarm(commencementDay, requireCustody, facts, settings),
  }
}
