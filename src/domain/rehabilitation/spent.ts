import type { Day } from '../dates/day.ts'
import type { PersonRecord } from '../record/person-record.ts'

// Rehabilitation of Offenders Act 1974: when each conviction becomes spent.
// PLACEHOLDER SIGNATURE: implemented in the rehabilitation work item.

export interface SpentStatus {
  recordId: string
  kind: 'conviction' | 'caution'
  /** The scheme whose rules give `spentFrom`. */
  scheme: '2023' | '2014'
  /** First day on which the record is spent; null when never spent or not determinable. */
  spentFrom: Day | null
  never: boolean
  undetermined: boolean
  spentOnAsOf: boolean
  basis: string
  provision: string
  /** Later convictions within the rehabilitation period that delay spending (ROA s.6(4)). */
  extendedBy: string[]
  /** For convictions before 28 October 2023: the date under the 2014 scheme, for reference. */
  scheme2014?: { spentFrom: Day | null; never: boolean; basis: string }
}

export function rehabilitation(record: PersonRecord): SpentStatus[] {
  void record
  throw new Error('not implemented yet')
}
