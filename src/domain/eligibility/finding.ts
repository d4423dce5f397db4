import type { MissingFact, Reason, Truth, Warning } from '../explain/evaluation.ts'

// A criterion's result in three values: the record shows it (true), rules it
// out (false), or cannot tell (null, with the facts that would settle it).
// Combining findings follows Kleene's logic, so a missing fact only makes the
// outcome uncertain when it could actually change it.
//
// Explanations are text for people, read far less often than outcomes are
// computed (a screening run evaluates millions), so they are rendered when
// first read, from the facts captured at decision time.

/** Text, or how to write it when someone reads it. */
export type Text = string | (() => string)

class LazyText {
  #text: Text
  constructor(text: Text) {
    this.#text = text
  }
  protected render(): string {
    const text = this.#text
    if (typeof text === 'string') return text
    const rendered = text()
    this.#text = rendered
    return rendered
  }
}

export class Finding extends LazyText {
  readonly holds: Truth
  /** Ids of the records the finding rests on. */
  readonly facts: string[]
  readonly missing: MissingFact[]
  constructor(holds: Truth, explanation: Text, facts: string[], missing: MissingFact[]) {
    super(explanation)
    this.holds = holds
    this.facts = facts
    this.missing = missing
  }
  get explanation(): string {
    return this.render()
  }
}

const none: MissingFact[] = []
const noFacts: string[] = []

export function finding(
  holds: Truth,
  explanation: Text,
  facts: string[] = noFacts,
  missing: MissingFact[] = none,
): Finding {
  return new Finding(holds, explanation, facts, holds === null ? missing : none)
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
  const result = holds
  return new Finding(holds, () => explanation(result), factsOf(used), holds === null ? missingOf(parts) : none)
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
  const result = holds
  return new Finding(holds, () => explanation(result), factsOf(used), holds === null ? missingOf(parts) : none)
}

class FindingReason implements Reason {
  readonly rule: string
  readonly provision: string
  readonly holds: Truth
  readonly facts: string[]
  readonly #finding: Finding
  constructor(rule: string, provision: string, result: Finding) {
    this.rule = rule
    this.provision = provision
    this.holds = result.holds
    this.facts = result.facts
    this.#finding = result
  }
  get explanation(): string {
    return this.#finding.explanation
  }
}

export function reasonFrom(rule: string, provision: string, result: Finding): Reason {
  return new FindingReason(rule, provision, result)
}

class LazyWarning extends LazyText implements Warning {
  readonly code: string
  readonly facts: string[]
  constructor(code: string, message: Text, facts: string[]) {
    super(message)
    this.code = code
    this.facts = facts
  }
  get message(): string {
    return this.render()
  }
}

export function warning(code: string, message: Text, facts: string[] = noFacts): Warning {
  return new LazyWarning(code, message, facts)
}

export function unique<T>(items: T[]): T[] {
  if (items.length < 2) return items
  if (items.length === 2) return items[0] === items[1] ? [items[0] as T] : items
  return [...new Set(items)]
}

/** The facts of several findings, without repeats; cheap for the usual one or two findings. */
function factsOf(parts: Finding[]): string[] {
  if (parts.length === 1) return (parts[0] as Finding).facts
  const all: string[] = []
  for (const part of parts) for (const fact of part.facts) all.push(fact)
  return unique(all)
}

function missingOf(parts: Finding[]): MissingFact[] {
  const all: MissingFact[] = []
  for (const part of parts) for (const m of part.missing) all.push(m)
  return all
}
