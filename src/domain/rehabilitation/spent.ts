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

/**
 * Text, or how to write it when someone reads it: the basis of a spent date is
 * read far less often than the date is worked out (decision 0005).
 */
type Text = string | (() => string)

const render = (text: Text): string => (typeof text === 'string' ? text : text())

/** What a scheme says about one sentence, before drag-through. */
type Period =
  | { kind: 'date'; spentFrom: Day; basis: Text; provision: string }
  | { kind: 'never'; basis: Text; provision: string }
  | { kind: 'undetermined'; basis: Text; provision: string }

const spentOn = (spentFrom: Day, basis: Text, provision: string): Period => ({
  kind: 'date',
  spentFrom,
  basis,
  provision,
})
const never = (basis: Text, provision: string): Period => ({ kind: 'never', basis, provision })
const undetermined = (basis: Text, provision: string): Period => ({ kind: 'undetermined', basis, provision })

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

function describeCustody(disposal: Custody): string {
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

type Custody = Extract<Disposal, { type: 'custody' }>
const underEighteen = (youth: boolean) => (youth ? ' (under 18 at conviction)' : '')

// The basis texts that need figures, written when read (made outside the
// period functions, so those allocate no closure context on every call).
const custodyBasis = (disposal: Custody, label: string, youth: boolean, end: Day, bufferMonths: number) => () =>
  `${describeCustody(disposal)} (${label})${underEighteen(youth)}: end of sentence ${formatDay(end)} + ${describeMonths(bufferMonths)}`
const excludedCustodyBasis = (disposal: Custody, why: string) => () => `${describeCustody(disposal)} ${why}`
const dischargeBasis = (months: number) => () =>
  `conditional discharge of ${months} months: spent when the discharge period ends`
const communityBasis2023 = (months: number, last: Day) => () =>
  `community order of ${months} months: spent after its last day, ${formatDay(last)}`
const communityBasis2014 = (months: number, youth: boolean, last: Day, bufferMonths: number) => () =>
  `community order of ${months} months${underEighteen(youth)}: end of order ${formatDay(last)} + ${describeMonths(bufferMonths)}`

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
        youth
          ? 'fine (under 18 at conviction): 6 months beginning with the conviction date'
          : 'fine: 1 year beginning with the conviction date',
        provisions.fine,
      )
    }
    case 'conditional-discharge':
      return spentOn(
        dayAfterMonthsBeginningWith(conviction.date, disposal.months),
        dischargeBasis(disposal.months),
        provisions.conditional,
      )
    case 'absolute-discharge':
      return spentOn(conviction.date, 'absolute discharge: spent immediately', provisions.absolute)
  }
}

/** 2023 scheme, custodial sentences (ROA s.5(2) Table A as amended): the buffer after the sentence ends. */
function band2023(months: number, youth: boolean): Band | 'over-4-years' {
  if (months <= 12) return youth ? bands2023.upTo12Youth : bands2023.upTo12
  if (months <= 48) return youth ? bands2023.upTo48Youth : bands2023.upTo48
  return 'over-4-years'
}

const bands2023 = {
  upTo12: { label: '12 months or less', bufferMonths: 12 },
  upTo12Youth: { label: '12 months or less', bufferMonths: 6 },
  upTo48: { label: 'over 12 months to 4 years', bufferMonths: 48 },
  upTo48Youth: { label: 'over 12 months to 4 years', bufferMonths: 24 },
} as const satisfies Record<string, Band>

const fineOrDischarge2023 = { fine: provision2023, conditional: provision2023Orders, absolute: 'ROA 1974 s.5(4)(a)' }
const fineOrDischarge2014 = { fine: provision2014, conditional: provision2014, absolute: provision2014 }

/** `end`: the last day of a custodial term (endOfSentence); null exactly for life and non-custodial sentences. */
function period2023(conviction: Conviction, youth: boolean, end: Day | null): Period {
  const disposal = conviction.disposal
  switch (disposal.type) {
    case 'custody': {
      if (disposal.life || end === null)
        return never(`life sentence: excluded from rehabilitation`, 'ROA 1974 s.5(1)(a)')
      const band = band2023(disposal.months, youth)
      if (band === 'over-4-years') {
        // Sentencing Code Sch.18 is the successor list to CJA 2003 Sch.15.
        if (offence(conviction.offence).cjaSchedule15.listed) {
          return never(
            excludedCustodyBasis(
              disposal,
              '(over 4 years) for a serious violent or sexual offence (Sentencing Code Sch.18): excluded from rehabilitation',
            ),
            'ROA 1974 s.5(1)(b) (as amended by PCSCA 2022 s.193)',
          )
        }
        const bufferMonths = youth ? 42 : 84
        return spentOn(
          spentAfterBuffer(end, bufferMonths),
          custodyBasis(disposal, 'over 4 years, not a Sch.18 offence', youth, end, bufferMonths),
          provision2023,
        )
      }
      return spentOn(
        spentAfterBuffer(end, band.bufferMonths),
        custodyBasis(disposal, band.label, youth, end, band.bufferMonths),
        provision2023,
      )
    }
    case 'hospital-order':
      return undetermined(
        disposal.restriction
          ? 'hospital order with restriction: spent when the order ceases to have effect, which the record does not show'
          : 'hospital order: spent when the order ceases to have effect, which the record does not show',
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
      return spentOn(addDays(last, 1), communityBasis2023(disposal.months, last), provision2023)
    }
    default:
      return fineOrDischarge(conviction, disposal, youth, fineOrDischarge2023)
  }
}

/** 2014 scheme, custodial sentences (ROA s.5(2) Table as substituted by LASPO 2012 s.139). */
function band2014(months: number, youth: boolean): Band | 'over-4-years' {
  if (months <= 6) return youth ? bands2014.upTo6Youth : bands2014.upTo6
  if (months <= 30) return youth ? bands2014.upTo30Youth : bands2014.upTo30
  if (months <= 48) return youth ? bands2014.upTo48Youth : bands2014.upTo48
  return 'over-4-years'
}

const bands2014 = {
  upTo6: { label: '6 months or less', bufferMonths: 24 },
  upTo6Youth: { label: '6 months or less', bufferMonths: 18 },
  upTo30: { label: 'over 6 months to 30 months', bufferMonths: 48 },
  upTo30Youth: { label: 'over 6 months to 30 months', bufferMonths: 24 },
  upTo48: { label: 'over 30 months to 4 years', bufferMonths: 84 },
  upTo48Youth: { label: 'over 30 months to 4 years', bufferMonths: 42 },
} as const satisfies Record<string, Band>

function period2014(conviction: Conviction, youth: boolean, end: Day | null): Period {
  const disposal = conviction.disposal
  switch (disposal.type) {
    case 'custody': {
      if (disposal.life || end === null)
        return never('life sentence: excluded from rehabilitation', 'ROA 1974 s.5(1)(a)')
      const band = band2014(disposal.months, youth)
      if (band === 'over-4-years') {
        return never(
          excludedCustodyBasis(disposal, '(over 4 years): excluded from rehabilitation'),
          'ROA 1974 s.5(1)(b) (as amended by LASPO 2012 s.139)',
        )
      }
      return spentOn(
        spentAfterBuffer(end, band.bufferMonths),
        custodyBasis(disposal, band.label, youth, end, band.bufferMonths),
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
        communityBasis2014(disposal.months, youth, last, months),
        provision2014,
      )
    }
    default:
      return fineOrDischarge(conviction, disposal, youth, fineOrDischarge2014)
  }
}

/** A conviction as drag-through works on it. */
interface Working {
  conviction: Conviction
  /** What its own sentence gives under the scheme that applies, and the scheme. */
  effective: Period
  scheme: '2023' | '2014'
  /** For convictions before 28 October 2023, the 2014 scheme's answer. */
  old: Period | undefined
  /** The s.6 rehabilitation period: its end as a first spent day, or undetermined; none when excluded (s.6(1)). */
  periodKind: 'date' | 'undetermined' | 'none'
  /** The period's end as a first spent day, when `periodKind` is 'date'. */
  periodEnd: Day
  /** Last known day of the period, for deciding which further convictions fall within it. */
  windowEnd: Day | null
  /** Excluded from rehabilitation by its own sentence (s.5(1)). */
  excluded: boolean
  /** Summary only, so disregarded as a further conviction for s.6(4) (s.6(6)(a)). */
  summaryOnly: boolean
  /** Never spent because of an excluded sentence on a further conviction within the period (s.1(1)(b)). */
  neverByFurther: boolean
  extendedBy: string[]
  /** Why drag-through changed the period, in order; written when read. Null until the first. */
  notes: (() => string)[] | null
}

/** Extends `target`'s period to end with `by`'s where that ends later (ROA s.6(4)); undetermined outranks a date. */
function extend(target: Working, by: Working): boolean {
  const a = target.periodKind
  const b = by.periodKind
  if (a === 'none' || b === 'none' || a === 'undetermined') return false
  if (b === 'date' && by.periodEnd <= target.periodEnd) return false
  target.periodKind = b
  target.periodEnd = by.periodEnd
  if (b === 'date') target.windowEnd = by.periodEnd
  return true
}

function note(target: Working, by: Working, why: () => string): void {
  if (!target.extendedBy.includes(by.conviction.id)) target.extendedBy.push(by.conviction.id)
  target.notes ??= []
  target.notes.push(why)
}

// The drag-through notes, written when read. Made here rather than in the loop
// of dragThrough, so the loop allocates nothing unless a note is taken.
const excludedNote = (further: Working) => () =>
  `${further.conviction.id} (${formatDay(further.conviction.date)}), within this period, has a sentence excluded from rehabilitation (ROA 1974 s.1(1)(b))`
const extendedNote = (further: Working) => () =>
  `${further.conviction.id} (${formatDay(further.conviction.date)}) was convicted within this period, which now ends with its period (ROA 1974 s.6(4))`
const withinNote = (earlier: Working) => () =>
  `convicted within the period of ${earlier.conviction.id}, so its period ends with that one (ROA 1974 s.6(4))`

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
    for (let e = 0; e < items.length; e++) {
      const earlier = items[e] as Working
      for (let f = 0; f < items.length; f++) {
        const further = items[f] as Working
        if (!convictedDuring(earlier, further)) continue
        if (further.excluded) {
          if (!earlier.neverByFurther) {
            earlier.neverByFurther = true
            note(earlier, further, excludedNote(further))
            changed = true
          }
          continue
        }
        if (further.summaryOnly) continue
        if (extend(earlier, further)) {
          note(earlier, further, extendedNote(further))
          changed = true
        }
        if (extend(further, earlier)) {
          note(further, earlier, withinNote(earlier))
          changed = true
        }
      }
    }
  }
}

/**
 * One record's ROA status. The dates and flags are worked out at once; the
 * basis and provision texts when first read (decision 0005).
 */
class Status implements SpentStatus {
  readonly recordId: string
  readonly kind: 'conviction' | 'caution'
  readonly scheme: '2023' | '2014'
  readonly spentFrom: Day | null
  readonly never: boolean
  readonly undetermined: boolean
  readonly spentOnAsOf: boolean
  readonly extendedBy: string[]
  #basis: Text
  #provision: Text
  #old: Period | undefined
  #scheme2014: SpentStatus['scheme2014']

  constructor(
    recordId: string,
    kind: 'conviction' | 'caution',
    scheme: '2023' | '2014',
    spentFrom: Day | null,
    never: boolean,
    asOf: Day,
    basis: Text,
    provision: Text,
    extendedBy: string[],
    old: Period | undefined,
  ) {
    this.recordId = recordId
    this.kind = kind
    this.scheme = scheme
    this.spentFrom = spentFrom
    this.never = never
    this.undetermined = !never && spentFrom === null
    this.spentOnAsOf = spentFrom !== null && spentFrom <= asOf
    this.extendedBy = extendedBy
    this.#basis = basis
    this.#provision = provision
    this.#old = old
    this.#scheme2014 = undefined
  }

  get basis(): string {
    const text = render(this.#basis)
    this.#basis = text
    return text
  }

  get provision(): string {
    const text = render(this.#provision)
    this.#provision = text
    return text
  }

  /** For convictions before 28 October 2023: the date under the 2014 scheme (before any drag-through), for reference. */
  get scheme2014(): SpentStatus['scheme2014'] {
    const old = this.#old
    if (old === undefined) return undefined
    this.#scheme2014 ??= {
      spentFrom: old.kind === 'date' ? old.spentFrom : null,
      never: old.kind === 'never',
      basis: render(old.basis),
    }
    return this.#scheme2014
  }
}

function cautionStatus(caution: Caution, asOf: Day): SpentStatus {
  const spentFrom = caution.conditional ? dayAfterMonthsBeginningWith(caution.date, 3) : caution.date
  return new Status(
    caution.id,
    'caution',
    '2023',
    spentFrom,
    false,
    asOf,
    caution.conditional
      ? () => `conditional caution: 3 months beginning with the caution date, ${formatDay(caution.date)}`
      : 'simple caution: spent immediately (unconfirmed reading, [U] in the legal research)',
    caution.conditional ? 'ROA 1974 Sch.2 para 1(1)(a) and 1(2)' : 'ROA 1974 Sch.2 para 1(1)(b)',
    [],
    undefined,
  )
}

/** A conviction already spent under the 2014 periods when the 2023 ones began stays spent (PCSCA 2022 s.193, transitional). */
function stillSpentUnder2014(old: Period): Period {
  return {
    ...old,
    basis: () => `${render(old.basis)}; already spent before the 2023 periods began on 28 October 2023`,
    provision: `${old.provision}; PCSCA 2022 s.193 transitional provision`,
  }
}

/** What the caller has already worked out about each conviction, in input order (eligibility/case-facts.ts). */
export interface KnownConvictionFacts {
  /** Age on the conviction date. */
  ageOnRelevantDate: number
  /** Last day of a custodial term (endOfSentence); null for life or non-custodial disposals. */
  sentenceLastDay: Day | null
}

/**
 * Every conviction (in input order), then every caution, with the first day each is spent.
 * `known`, when given, holds each conviction's age and end of sentence, so they are not worked out twice.
 */
export function rehabilitation(record: PersonRecord, known?: readonly KnownConvictionFacts[]): SpentStatus[] {
  const convictions = record.convictions
  const items: Working[] = []
  for (let index = 0; index < convictions.length; index++) {
    const conviction = convictions[index] as Conviction
    const facts = known?.[index]
    const youth = (facts ? facts.ageOnRelevantDate : ageOn(record.person.dateOfBirth, conviction.date)) < 18
    const disposal = conviction.disposal
    const end =
      disposal.type !== 'custody' || disposal.life
        ? null
        : facts
          ? (facts.sentenceLastDay as Day)
          : endOfSentence(conviction.date, disposal.months)
    const current = period2023(conviction, youth, end)
    let effective = current
    let scheme: '2023' | '2014' = '2023'
    let old: Period | undefined
    if (conviction.date < scheme2023Start) {
      old = period2014(conviction, youth, end)
      // Already spent under the 2014 periods when the new ones began: it stays spent.
      const earlierUnder2014 =
        old.kind === 'date' &&
        old.spentFrom <= scheme2023Start &&
        (current.kind !== 'date' || old.spentFrom < current.spentFrom)
      if (earlierUnder2014) {
        effective = stillSpentUnder2014(old)
        scheme = '2014'
      }
    }
    items.push({
      conviction,
      effective,
      scheme,
      old,
      periodKind: effective.kind === 'never' ? 'none' : effective.kind,
      periodEnd: effective.kind === 'date' ? effective.spentFrom : (0 as Day),
      windowEnd: effective.kind === 'date' ? effective.spentFrom : null,
      excluded: effective.kind === 'never',
      summaryOnly: offence(conviction.offence).modeOfTrial === 'summary-only',
      neverByFurther: false,
      extendedBy: [],
      notes: null,
    })
  }

  if (items.length > 1) dragThrough(items)

  const statuses = items.map((item) => convictionStatus(item, record.asOf))
  for (const caution of record.cautions) statuses.push(cautionStatus(caution, record.asOf))
  return statuses
}

function convictionStatus(item: Working, asOf: Day): SpentStatus {
  const isNever = item.excluded || item.neverByFurther
  const spentFrom = !isNever && item.periodKind === 'date' ? item.periodEnd : null
  const effective = item.effective
  const dragged = item.notes === null ? null : draggedTexts(effective, item.notes, isNever, spentFrom)
  return new Status(
    item.conviction.id,
    'conviction',
    item.scheme,
    spentFrom,
    isNever,
    asOf,
    dragged ? dragged.basis : effective.basis,
    dragged ? dragged.provision : effective.provision,
    item.extendedBy,
    item.old,
  )
}

/** The basis and provision of a conviction whose period drag-through changed, written when read. */
function draggedTexts(
  effective: Period,
  notes: (() => string)[],
  isNever: boolean,
  spentFrom: Day | null,
): { basis: () => string; provision: () => string } {
  let rendered: string[] | undefined
  const texts = () => {
    rendered ??= notes.map((n) => n())
    return rendered
  }
  const outcome = () =>
    isNever ? 'never spent' : spentFrom === null ? 'spent date undetermined' : `spent from ${formatDay(spentFrom)}`
  return {
    basis: () => `${render(effective.basis)}; drag-through: ${texts().join('; ')}; so ${outcome()}`,
    provision: () => {
      const provisions = [effective.provision]
      if (texts().some((n) => n.includes('s.6(4)'))) provisions.push('ROA 1974 s.6(4)')
      if (texts().some((n) => n.includes('s.1(1)(b)'))) provisions.push('ROA 1974 s.1(1)(b)')
      return provisions.join('; ')
    },
  }
}
