import { addDays, ageOn, type Day, day, formatDay, lastDayOfMonthsBeginningWith } from '../dates/day.ts'
import { offence } from '../offences/offences.ts'
import type { Caution, Conviction, Disposal, PersonRecord } from '../record/person-record.ts'
import { endOfSentence } from '../record/sentence.ts'

export { endOfSentence }

// Rehabilitation of Offenders Act 1974: when each conviction and caution
// becomes spent. Source: shared/spec/legal-rules.md §7.
//
// The periods substituted by PCSCA 2022 s.193 (in force 28 October 2023) apply
// to every conviction, old or new, so they give the effective date. For older
// convictions the 2014 periods (LASPO 2012 s.139) are reported alongside, and
// a conviction already spent under them before 28 October 2023 stays spent.

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
  /**
   * Other convictions that delay spending (ROA s.6(4) drag-through, s.1(1)(b)):
   * later convictions within this one's rehabilitation period, or an earlier
   * conviction whose period this one fell within and which ends later.
   */
  extendedBy: string[]
  /** For convictions before 28 October 2023: the date under the 2014 scheme (before any drag-through), for reference. */
  scheme2014?: { spentFrom: Day | null; never: boolean; basis: string }
}

/** PCSCA 2022 s.193 came into force on 28 October 2023. */
export const scheme2023Start: Day = day('2023-10-28')

const provision2023 = 'ROA 1974 s.5(2) Table A (as amended by PCSCA 2022 s.193)'
const provision2023Orders = 'ROA 1974 s.5(2) and s.5(8) (as amended by PCSCA 2022 s.193)'
const provision2014 = 'ROA 1974 s.5(2) Table (as substituted by LASPO 2012 s.139)'

/** What a scheme says about one sentence, before drag-through. */
type Period =
  | { kind: 'date'; spentFrom: Day; basis: string; provision: string }
  | { kind: 'never'; basis: string; provision: string }
  | { kind: 'undetermined'; basis: string; provision: string }

const spentOn = (spentFrom: Day, basis: string, provision: string): Period => ({
  kind: 'date',
  spentFrom,
  basis,
  provision,
})
const never = (basis: string, provision: string): Period => ({ kind: 'never', basis, provision })
const undetermined = (basis: string, provision: string): Period => ({ kind: 'undetermined', basis, provision })

/**
 * The rehabilitation period ends at the end of a buffer of `months` beginning
 * with the day after the sentence ends, so the record is spent the day after
 * that: e.g. sentence ends 2025-08-31, a buffer of 48 months runs 2025-09-01 to
 * 2029-08-31, spent from 2029-09-01. Both schemes use this reading. The Table's
 * words, "beginning with the day on which the sentence (including any licence
 * period) is completed", could make the last day of the sentence day one of the
 * buffer, one day earlier; this reading is the later, cautious one.
 */
export function spentAfterBuffer(endOfSentenceDay: Day, months: number): Day {
  return addDays(lastDayOfMonthsBeginningWith(addDays(endOfSentenceDay, 1), months), 1)
}

/** First day after a period of whole months beginning with a date (fines, discharges, orders, cautions). */
function dayAfterMonthsBeginningWith(start: Day, months: number): Day {
  return addDays(lastDayOfMonthsBeginningWith(start, months), 1)
}

function describeMonths(months: number): string {
  if (months % 12 === 0 && months >= 12) return months === 12 ? '1 year' : `${months / 12} years`
  if (months % 6 === 0 && months > 12) return `${months / 12} years`
  return months === 1 ? '1 month' : `${months} months`
}

function describeCustody(disposal: Extract<Disposal, { type: 'custody' }>): string {
  const what = disposal.detentionAndTraining
    ? 'detention and training order'
    : disposal.suspended
      ? 'suspended sentence (treated as custody)'
      : 'custody'
  return `${what} of ${disposal.months} month${disposal.months === 1 ? '' : 's'}`
}

interface Band {
  label: string
  bufferMonths: number
}

type FineOrDischarge = Extract<Disposal, { type: 'fine' | 'conditional-discharge' | 'absolute-discharge' }>

/** Fines and discharges have the same periods in both schemes; only the provisions cited differ. */
function fineOrDischarge(
  conviction: Conviction,
  disposal: FineOrDischarge,
  youth: boolean,
  provisions: { fine: string; conditional: string; absolute: string },
): Period {
  switch (disposal.type) {
    case 'fine': {
      const months = youth ? 6 : 12
      return spentOn(
        dayAfterMonthsBeginningWith(conviction.date, months),
        `fine${youth ? ' (under 18 at conviction)' : ''}: ${describeMonths(months)} beginning with the conviction date`,
        provisions.fine,
      )
    }
    case 'conditional-discharge':
      return spentOn(
        dayAfterMonthsBeginningWith(conviction.date, disposal.months),
        `conditional discharge of ${disposal.months} months: spent when the discharge period ends`,
        provisions.conditional,
      )
    case 'absolute-discharge':
      return spentOn(conviction.date, 'absolute discharge: spent immediately', provisions.absolute)
  }
}

/** 2023 scheme, custodial sentences (ROA s.5(2) Table A as amended): the buffer after the sentence ends. */
function band2023(months: number, youth: boolean): Band | 'over-4-years' {
  if (months <= 12) return { label: '12 months or less', bufferMonths: youth ? 6 : 12 }
  if (months <= 48) return { label: 'over 12 months to 4 years', bufferMonths: youth ? 24 : 48 }
  return 'over-4-years'
}

function period2023(conviction: Conviction, youth: boolean): Period {
  const disposal = conviction.disposal
  const ageBand = youth ? ' (under 18 at conviction)' : ''
  switch (disposal.type) {
    case 'custody': {
      const sentence = describeCustody(disposal)
      if (disposal.life) return never(`life sentence: excluded from rehabilitation`, 'ROA 1974 s.5(1)(a)')
      const end = endOfSentence(conviction.date, disposal.months)
      const band = band2023(disposal.months, youth)
      if (band === 'over-4-years') {
        // Sentencing Code Sch.18 is the successor list to CJA 2003 Sch.15.
        if (offence(conviction.offence).cjaSchedule15.listed) {
          return never(
            `${sentence} (over 4 years) for a serious violent or sexual offence (Sentencing Code Sch.18): excluded from rehabilitation`,
            'ROA 1974 s.5(1)(b) (as amended by PCSCA 2022 s.193)',
          )
        }
        const bufferMonths = youth ? 42 : 84
        return spentOn(
          spentAfterBuffer(end, bufferMonths),
          `${sentence} (over 4 years, not a Sch.18 offence)${ageBand}: end of sentence ${formatDay(end)} + ${describeMonths(bufferMonths)}`,
          provision2023,
        )
      }
      return spentOn(
        spentAfterBuffer(end, band.bufferMonths),
        `${sentence} (${band.label})${ageBand}: end of sentence ${formatDay(end)} + ${describeMonths(band.bufferMonths)}`,
        provision2023,
      )
    }
    case 'hospital-order':
      return undetermined(
        `hospital order${disposal.restriction ? ' with restriction' : ''}: spent when the order ceases to have effect, which the record does not show`,
        provision2023Orders,
      )
    case 'community': {
      if (disposal.months === undefined) {
        return undetermined(
          'community order: spent after its last day, but the record does not give its length',
          provision2023,
        )
      }
      const last = lastDayOfMonthsBeginningWith(conviction.date, disposal.months)
      return spentOn(
        addDays(last, 1),
        `community order of ${disposal.months} months: spent after its last day, ${formatDay(last)}`,
        provision2023,
      )
    }
    default:
      return fineOrDischarge(conviction, disposal, youth, {
        fine: provision2023,
        conditional: provision2023Orders,
        absolute: 'ROA 1974 s.5(4)(a)',
      })
  }
}

/** 2014 scheme, custodial sentences (ROA s.5(2) Table as substituted by LASPO 2012 s.139). */
function band2014(months: number, youth: boolean): Band | 'over-4-years' {
  if (months <= 6) return { label: '6 months or less', bufferMonths: youth ? 18 : 24 }
  if (months <= 30) return { label: 'over 6 months to 30 months', bufferMonths: youth ? 24 : 48 }
  if (months <= 48) return { label: 'over 30 months to 4 years', bufferMonths: youth ? 42 : 84 }
  return 'over-4-years'
}

function period2014(conviction: Conviction, youth: boolean): Period {
  const disposal = conviction.disposal
  const ageBand = youth ? ' (under 18 at conviction)' : ''
  switch (disposal.type) {
    case 'custody': {
      const sentence = describeCustody(disposal)
      if (disposal.life) return never('life sentence: excluded from rehabilitation', 'ROA 1974 s.5(1)(a)')
      const band = band2014(disposal.months, youth)
      if (band === 'over-4-years') {
        return never(
          `${sentence} (over 4 years): excluded from rehabilitation`,
          'ROA 1974 s.5(1)(b) (as amended by LASPO 2012 s.139)',
        )
      }
      const end = endOfSentence(conviction.date, disposal.months)
      return spentOn(
        spentAfterBuffer(end, band.bufferMonths),
        `${sentence} (${band.label})${ageBand}: end of sentence ${formatDay(end)} + ${describeMonths(band.bufferMonths)}`,
        provision2014,
      )
    }
    case 'hospital-order':
      return undetermined(
        'hospital order: spent when the order ceases to have effect, which the record does not show',
        provision2014,
      )
    case 'community': {
      if (disposal.months === undefined) {
        return undetermined('community order: the record does not give its length', provision2014)
      }
      const months = youth ? 6 : 12
      const last = lastDayOfMonthsBeginningWith(conviction.date, disposal.months)
      return spentOn(
        spentAfterBuffer(last, months),
        `community order of ${disposal.months} months${ageBand}: end of order ${formatDay(last)} + ${describeMonths(months)}`,
        provision2014,
      )
    }
    default:
      return fineOrDischarge(conviction, disposal, youth, {
        fine: provision2014,
        conditional: provision2014,
        absolute: provision2014,
      })
  }
}

/** A conviction as drag-through works on it. */
interface Working {
  conviction: Conviction
  /** The s.6 rehabilitation period: its end as a first spent day, or undetermined; none when excluded (s.6(1)). */
  period: { kind: 'date'; spentFrom: Day } | { kind: 'undetermined' } | { kind: 'none' }
  /** Last known day of the period, for deciding which further convictions fall within it. */
  windowEnd: Day | null
  /** Excluded from rehabilitation by its own sentence (s.5(1)). */
  excluded: boolean
  /** Never spent because of an excluded sentence on a further conviction within the period (s.1(1)(b)). */
  neverByFurther: boolean
  extendedBy: string[]
  notes: string[]
}

/** Extends `target`'s period to end with `by`'s where that ends later (ROA s.6(4)); undetermined outranks a date. */
function extend(target: Working, by: Working): boolean {
  const a = target.period
  const b = by.period
  if (a.kind === 'none' || b.kind === 'none' || a.kind === 'undetermined') return false
  if (b.kind === 'date' && b.spentFrom <= a.spentFrom) return false
  target.period = b
  if (b.kind === 'date') target.windowEnd = b.spentFrom
  return true
}

function note(target: Working, by: Working, why: string): void {
  if (!target.extendedBy.includes(by.conviction.id)) target.extendedBy.push(by.conviction.id)
  target.notes.push(why)
}

/** Whether `further` was convicted during `earlier`'s rehabilitation period as it now stands. */
function convictedDuring(earlier: Working, further: Working): boolean {
  if (earlier === further || earlier.windowEnd === null) return false
  return further.conviction.date >= earlier.conviction.date && further.conviction.date < earlier.windowEnd
}

/**
 * Drag-through, iterated to a fixed point so chains of three or more settle:
 * - s.6(4): a further conviction during a rehabilitation period ties the two
 *   together, and whichever period ends first is extended to end with the
 *   other (both directions); an undetermined end makes both undetermined.
 * - s.6(6)(a): a further conviction for an offence not triable on indictment
 *   (summary only) is disregarded for s.6(4).
 * - s.1(1)(b): a sentence excluded from rehabilitation, imposed on a further
 *   conviction during the period (as extended), means the earlier conviction is
 *   never spent. s.6(4) itself does not apply to it (s.6(4)(b)), so this does
 *   not lengthen the s.6 period other convictions are measured against.
 * Cautions play no part (Sch.2 is separate).
 */
function dragThrough(items: Working[]): void {
  let changed = true
  while (changed) {
    changed = false
    for (const earlier of items) {
      for (const further of items) {
        if (!convictedDuring(earlier, further)) continue
        const id = further.conviction.id
        const when = formatDay(further.conviction.date)
        if (further.excluded) {
          if (!earlier.neverByFurther) {
            earlier.neverByFurther = true
            note(
              earlier,
              further,
              `${id} (${when}), within this period, has a sentence excluded from rehabilitation (ROA 1974 s.1(1)(b))`,
            )
            changed = true
          }
          continue
        }
        if (offence(further.conviction.offence).modeOfTrial === 'summary-only') continue
        if (extend(earlier, further)) {
          note(
            earlier,
            further,
            `${id} (${when}) was convicted within this period, which now ends with its period (ROA 1974 s.6(4))`,
          )
          changed = true
        }
        if (extend(further, earlier)) {
          note(
            further,
            earlier,
            `convicted within the period of ${earlier.conviction.id}, so its period ends with that one (ROA 1974 s.6(4))`,
          )
          changed = true
        }
      }
    }
  }
}

function cautionStatus(caution: Caution, asOf: Day): SpentStatus {
  const spentFrom = caution.conditional ? dayAfterMonthsBeginningWith(caution.date, 3) : caution.date
  return {
    recordId: caution.id,
    kind: 'caution',
    scheme: '2023',
    spentFrom,
    never: false,
    undetermined: false,
    spentOnAsOf: spentFrom <= asOf,
    basis: caution.conditional
      ? `conditional caution: 3 months beginning with the caution date, ${formatDay(caution.date)}`
      : 'simple caution: spent immediately (unconfirmed reading, [U] in the legal research)',
    provision: caution.conditional ? 'ROA 1974 Sch.2 para 1(1)(a) and 1(2)' : 'ROA 1974 Sch.2 para 1(1)(b)',
    extendedBy: [],
  }
}

/** Every conviction (in input order), then every caution, with the first day each is spent. */
export function rehabilitation(record: PersonRecord): SpentStatus[] {
  const items: Working[] = []
  const base: { effective: Period; scheme: '2023' | '2014'; old?: Period }[] = []
  for (const conviction of record.convictions) {
    const youth = ageOn(record.person.dateOfBirth, conviction.date) < 18
    const current = period2023(conviction, youth)
    let effective = current
    let scheme: '2023' | '2014' = '2023'
    let old: Period | undefined
    if (conviction.date < scheme2023Start) {
      old = period2014(conviction, youth)
      // Already spent under the 2014 periods when the new ones began: it stays spent.
      const earlierUnder2014 =
        old.kind === 'date' &&
        old.spentFrom <= scheme2023Start &&
        (current.kind !== 'date' || old.spentFrom < current.spentFrom)
      if (earlierUnder2014) {
        effective = {
          ...old,
          basis: `${old.basis}; already spent before the 2023 periods began on 28 October 2023`,
          provision: `${old.provision}; PCSCA 2022 s.193 transitional provision`,
        }
        scheme = '2014'
      }
    }
    base.push({ effective, scheme, ...(old ? { old } : {}) })
    items.push({
      conviction,
      period:
        effective.kind === 'date'
          ? { kind: 'date', spentFrom: effective.spentFrom }
          : effective.kind === 'undetermined'
            ? { kind: 'undetermined' }
            : { kind: 'none' },
      windowEnd: effective.kind === 'date' ? effective.spentFrom : null,
      excluded: effective.kind === 'never',
      neverByFurther: false,
      extendedBy: [],
      notes: [],
    })
  }

  dragThrough(items)

  const convictions = items.map((item, index): SpentStatus => {
    const { effective, scheme, old } = base[index] as (typeof base)[number]
    const isNever = item.excluded || item.neverByFurther
    const spentFrom = !isNever && item.period.kind === 'date' ? item.period.spentFrom : null
    const dragged = item.notes.length > 0
    let basis = effective.basis
    if (dragged) {
      const outcome = isNever
        ? 'never spent'
        : spentFrom === null
          ? 'spent date undetermined'
          : `spent from ${formatDay(spentFrom)}`
      basis = `${basis}; drag-through: ${item.notes.join('; ')}; so ${outcome}`
    }
    const provisions = [effective.provision]
    if (dragged && item.notes.some((n) => n.includes('s.6(4)'))) provisions.push('ROA 1974 s.6(4)')
    if (dragged && item.notes.some((n) => n.includes('s.1(1)(b)'))) provisions.push('ROA 1974 s.1(1)(b)')
    const status: SpentStatus = {
      recordId: item.conviction.id,
      kind: 'conviction',
      scheme,
      spentFrom,
      never: isNever,
      undetermined: !isNever && spentFrom === null,
      spentOnAsOf: spentFrom !== null && spentFrom <= record.asOf,
      basis,
      provision: provisions.join('; '),
      extendedBy: item.extendedBy,
    }
    if (old) {
      status.scheme2014 = {
        spentFrom: old.kind === 'date' ? old.spentFrom : null,
        never: old.kind === 'never',
        basis: old.basis,
      }
    }
    return status
  })

  return [...convictions, ...record.cautions.map((caution) => cautionStatus(caution, record.asOf))]
}
