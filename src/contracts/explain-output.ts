import { type Day, formatDay } from '../domain/dates/day.ts'
import type {
  Consequences,
  MissingFact,
  NotificationPeriod,
  Outcome,
  PolicyEvaluation,
  PolicyId,
  Reason,
  RegistrationEffect,
  VictimContact,
  Warning,
} from '../domain/explain/evaluation.ts'
import type { Explanation } from '../domain/explain/explain.ts'
import type { SpentStatus } from '../domain/rehabilitation/spent.ts'

// The output contract of `dasr explain --json`: the domain's Explanation with
// every Day as an ISO date string. Each field is mapped explicitly, so a change
// to the domain types is a compile error here rather than a silent change to
// the contract other tools read.

export interface ConsequencesJson {
  effect: RegistrationEffect
  indexFact: string | null
  notificationPeriod: NotificationPeriod | null
  periodStart: string | null
  periodLastDay: string | null
  earliestReview: string | null
  initialNotificationDue: string | null
  mappaCategory: 1 | 2 | 3 | 4 | null
  mappaBasis: string
  mappaLevelProposed: 1 | 2 | null
  victimContact: VictimContact[]
  considerRightToKnow: boolean
  provisions: string[]
}

export interface PolicyEvaluationJson {
  policy: PolicyId
  outcome: Outcome
  reasons: Reason[]
  missing: MissingFact[]
  warnings: Warning[]
  consequences: ConsequencesJson | null
}

export interface SpentStatusJson {
  recordId: string
  kind: 'conviction' | 'caution'
  scheme: '2023' | '2014'
  spentFrom: string | null
  never: boolean
  undetermined: boolean
  spentOnAsOf: boolean
  basis: string
  provision: string
  extendedBy: string[]
  scheme2014?: { spentFrom: string | null; never: boolean; basis: string }
}

export interface ExplanationJson {
  asOf: string
  personId: string
  policies: PolicyEvaluationJson[]
  rehabilitation: SpentStatusJson[]
}

const iso = (d: Day | null): string | null => (d === null ? null : formatDay(d))

function periodJson(period: NotificationPeriod | null): NotificationPeriod | null {
  if (period === null) return null
  if ('indefinite' in period) return { indefinite: true }
  if ('untilEndOfOrder' in period) return { untilEndOfOrder: true, months: period.months }
  return { years: period.years, months: period.months }
}

function consequencesJson(c: Consequences | null): ConsequencesJson | null {
  if (c === null) return null
  return {
    effect: c.effect,
    indexFact: c.indexFact,
    notificationPeriod: periodJson(c.notificationPeriod),
    periodStart: iso(c.periodStart),
    periodLastDay: iso(c.periodLastDay),
    earliestReview: iso(c.earliestReview),
    initialNotificationDue: iso(c.initialNotificationDue),
    mappaCategory: c.mappaCategory,
    mappaBasis: c.mappaBasis,
    mappaLevelProposed: c.mappaLevelProposed,
    victimContact: c.victimContact.map((v) => ({
      victimId: v.victimId,
      convictionIds: [...v.convictionIds],
      victimContactScheme: v.victimContactScheme,
      victimNotificationScheme: v.victimNotificationScheme,
      basis: v.basis,
    })),
    considerRightToKnow: c.considerRightToKnow,
    provisions: [...c.provisions],
  }
}

function evaluationJson(p: PolicyEvaluation): PolicyEvaluationJson {
  return {
    policy: p.policy,
    outcome: p.outcome,
    reasons: p.reasons.map((r) => ({
      rule: r.rule,
      provision: r.provision,
      holds: r.holds,
      facts: [...r.facts],
      explanation: r.explanation,
    })),
    missing: p.missing.map((m) => ({ rule: m.rule, fact: m.fact, needed: m.needed })),
    warnings: p.warnings.map((w) => ({ code: w.code, message: w.message, facts: [...w.facts] })),
    consequences: consequencesJson(p.consequences),
  }
}

function spentJson(s: SpentStatus): SpentStatusJson {
  const json: SpentStatusJson = {
    recordId: s.recordId,
    kind: s.kind,
    scheme: s.scheme,
    spentFrom: iso(s.spentFrom),
    never: s.never,
    undetermined: s.undetermined,
    spentOnAsOf: s.spentOnAsOf,
    basis: s.basis,
    provision: s.provision,
    extendedBy: [...s.extendedBy],
  }
  if (s.scheme2014 !== undefined) {
    json.scheme2014 = { spentFrom: iso(s.scheme2014.spentFrom), never: s.scheme2014.never, basis: s.scheme2014.basis }
  }
  return json
}

export function explanationToJson(e: Explanation): ExplanationJson {
  return {
    asOf: formatDay(e.asOf),
    personId: e.personId,
    policies: e.policies.map(evaluationJson),
    rehabilitation: e.rehabilitation.map(spentJson),
  }
}
