import { type day, formatDay } from '../../src/domain/dates/day.ts'
import type { PolicyEvaluation, PolicyId } from '../../src/domain/explain/evaluation.ts'
import { explainPerson } from '../../src/domain/explain/explain.ts'
import type { PersonRecord } from '../../src/domain/record/person-record.ts'

export function evaluate(record: PersonRecord, policy: PolicyId, settings?: object): PolicyEvaluation {
  const result = explainPerson(record, {
    policies: [policy],
    ...(settings ? { settings: { [policy]: settings } } : {}),
  })
  return result.policies[0] as PolicyEvaluation
}

export function iso(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : formatDay(value as ReturnType<typeof day>)
}

export function rules(evaluation: PolicyEvaluation): Record<string, boolean | null> {
  return Object.fromEntries(evaluation.reasons.map((r) => [r.rule, r.holds]))
}

export function missingFacts(evaluation: PolicyEvaluation): string[] {
  return evaluation.missing.map((m) => m.fact)
}

export function warningCodes(evaluation: PolicyEvaluation): string[] {
  return evaluation.warnings.map((w) => w.code)
}
