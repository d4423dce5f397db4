import type { MissingFact, Reason, Truth } from '../explain/evaluation.ts'

// A criterion's result in three values: the record shows it (true), rules it
// out (false), or cannot tell (null, with the facts that would settle it).
// Combining findings follows Kleene's logic, so a missing fact only makes the
// outcome uncertain when it could actually change it.

export interface Finding {
  holds: Truth
  /** Ids of the records the finding rests on. */
  facts: string[]
  missing: MissingFact[]
  explanation: string
}

export function finding(holds: Truth, explanation: string, facts: string[] = [], missing: MissingFact[] = []): Finding {
  return { holds, facts, missing: holds === null ? missing : [], explanation }
}

export function allOf(parts: Finding[], explanation: (holds: Truth) => string): Finding {
  let holds: Truth = true
  for (const part of parts) {
    if (part.holds === false) {
      holds = false
      break
    }
    if (part.holds === null) holds = null
  }
  const used = holds === false ? parts.filter((part) => part.holds === false) : parts
  return {
    holds,
    facts: unique(used.flatMap((part) => part.facts)),
    missing: holds === null ? parts.flatMap((part) => part.missing) : [],
    explanation: explanation(holds),
  }
}

export function anyOf(parts: Finding[], explanation: (holds: Truth) => string): Finding {
  let holds: Truth = false
  for (const part of parts) {
    if (part.holds === true) {
      holds = true
      break
    }
    if (part.holds === null) holds = null
  }
  const used = holds === true ? parts.filter((part) => part.holds === true) : parts
  return {
    holds,
    facts: unique(used.flatMap((part) => part.facts)),
    missing: holds === null ? parts.flatMap((part) => part.missing) : [],
    explanation: explanation(holds),
  }
}

export function reasonFrom(rule: string, provision: string, result: Finding): Reason {
  return { rule, provision, holds: result.holds, facts: result.facts, explanation: result.explanation }
}

export function unique<T>(items: T[]): T[] {
  return items.length < 2 ? items : [...new Set(items)]
}
