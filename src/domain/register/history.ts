import { addDays, type Day } from '../dates/day.ts'
import type { RiskLevel } from './settings.ts'

// How a newly recorded fact takes its place in the person's history (decision
// 0004: a fact is never overwritten; a change or an end date is a new row that
// supersedes the old one). Periods are inclusive at both ends: a fact "from"
// the day it began "to" its last day, so the home address a person left ends
// the day before the new one begins (as the demo population and the notice
// count them).
//
// Only what the law makes single-valued is replaced: a person has one home
// address at a time, or, with no fixed abode, one place where they can
// regularly be found (SOA 2003 s.83(7)); a change of it is notified under
// s.84(1)(b). Names, aliases, other addresses, phones, accounts and the rest
// are additions: a new one does not end the others.

/** A fact's period, both ends inclusive; either may be unknown. */
export interface Period {
  from?: Day
  to?: Day
}

export interface SingleValuedFact {
  /** What there is one of at a time. */
  slot: 'home-address'
  /** In words, for the timeline. */
  label: string
  /** Why there is only one. */
  provision: string
}

const homeAddress: SingleValuedFact = {
  slot: 'home-address',
  label: 'home address',
  provision: 'SOA 2003 s.83(5)(f) and s.83(7): one home address, or one place where the person can regularly be found',
}

/** Address types that fill the home address: a home, or (with no fixed abode) where the person can be found. */
const homeAddressTypes: ReadonlySet<unknown> = new Set(['home', 'no-fixed-abode'])

/** The single-valued thing a fact records, or undefined when a fact of its kind is an addition. */
export function singleValued(kind: string, data: Readonly<Record<string, unknown>>): SingleValuedFact | undefined {
  if (kind === 'address' && homeAddressTypes.has(data.addressType)) return homeAddress
  return undefined
}

export interface Succession {
  /** Facts that now end the day before the new one begins: each gets its "to" date. */
  ended: { id: string; to: Day }[]
  /** Facts that began the same day as the new one: the new one replaces them. */
  replaced: string[]
  /**
   * When a fact already recorded began after the new one (a change notified
   * late, after a later one), the new one ends the day before it.
   */
  newTo?: Day
}

/**
 * How a new fact of a single-valued kind, in force from `incoming.from`,
 * changes the current facts of the same kind: those in force on that day end
 * the day before it; one that began the same day is replaced; one that began
 * later ends the new one. A fact that ended before the new one began is left as
 * it is, and so is everything when the new fact comes with its own end date
 * (a past period recorded for the history only).
 */
export function succession(
  incoming: { from: Day; to?: Day },
  current: readonly (Period & { id: string })[],
): Succession {
  const result: Succession = { ended: [], replaced: [] }
  if (incoming.to !== undefined) return result
  for (const fact of current) {
    if (fact.to !== undefined && fact.to < incoming.from) continue
    if (fact.from === undefined || fact.from < incoming.from) {
      result.ended.push({ id: fact.id, to: addDays(incoming.from, -1) })
    } else if (fact.from === incoming.from) {
      result.replaced.push(fact.id)
    } else {
      const to = addDays(fact.from, -1)
      if (result.newTo === undefined || to < result.newTo) result.newTo = to
    }
  }
  return result
}

/**
 * The person's current risk level after a risk assessment is recorded: the
 * assessment's RoSH level when it gives one and nothing already recorded is
 * newer (`levelAsOf`: the date of the newest other assessment that gave a
 * level, or of the last change of the level by hand, whichever is later); on
 * the same day, the assessment recorded last wins. Otherwise undefined: an
 * older, back-dated assessment goes into the history without changing the
 * level. The level sets how often the person is visited
 * (`visitIntervalDays`, local practice [U]).
 */
export function riskLevelAfter(
  assessment: { date: Day; rosh?: RiskLevel | undefined },
  levelAsOf: Day | undefined,
): RiskLevel | undefined {
  if (assessment.rosh === undefined) return undefined
  if (levelAsOf !== undefined && assessment.date < levelAsOf) return undefined
  return assessment.rosh
}
