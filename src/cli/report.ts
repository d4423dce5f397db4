import { ageOn, type Day, formatDay, formatDayLong } from '../domain/dates/day.ts'
import type {
  Consequences,
  NotificationPeriod,
  Outcome,
  PolicyEvaluation,
  RegistrationEffect,
  Truth,
} from '../domain/explain/evaluation.ts'
import type { Explanation } from '../domain/explain/explain.ts'
import type { SpentStatus } from '../domain/rehabilitation/spent.ts'
import { hanging, table } from './text.ts'

// The plain-text report of `dasr explain`: what a probation officer reads.
// A header, a summary with one row per policy, each policy's reasoning, and the
// rehabilitation status of every record. No colours; 100 columns.

/** What the report needs to know about a policy beyond its evaluation. */
export interface PolicyHeading {
  title: string
  source: string
}

const none = '—'

const outcomeText: Record<Outcome, string> = {
  eligible: 'eligible',
  'not-eligible': 'not eligible',
  'needs-review': 'needs review',
}

const effectText: Record<RegistrationEffect, string> = {
  'notification-requirements': 'notification requirements (SOA 2003 Part 2 model)',
  'register-entry': 'entry on the register',
  'mappa-management': 'management under MAPPA',
  'identification-only': 'identification only (no requirements on the person)',
  'public-listing': 'public listing',
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

export function periodText(period: NotificationPeriod | null): string {
  if (period === null) return none
  if ('indefinite' in period) return 'indefinite'
  if ('untilEndOfOrder' in period) return `until end of order (${plural(period.months, 'month')})`
  if (Number.isInteger(period.years)) return plural(period.years, 'year')
  const years = Math.floor(period.months / 12)
  const months = period.months - years * 12
  return years === 0 ? plural(months, 'month') : `${plural(years, 'year')} ${plural(months, 'month')}`
}

const dayOrNone = (d: Day | null) => (d === null ? none : formatDay(d))
const longOrNone = (d: Day | null) => (d === null ? none : formatDayLong(d))

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

const truthMark = (holds: Truth) => (holds === true ? '✓' : holds === false ? '✗' : '?')

function header(e: Explanation): string[] {
  return [
    `Domestic abuse and stalking register: explanation for ${e.personId}`,
    '',
    `Person:         ${e.personId}`,
    `Date of birth:  ${formatDayLong(e.dateOfBirth)} (aged ${ageOn(e.dateOfBirth, e.asOf)} on the as-of date)`,
    `As of:          ${formatDayLong(e.asOf)}`,
  ]
}

function summary(e: Explanation): string[] {
  const rows = e.policies.map((p) => {
    const c = p.consequences
    return [
      p.policy,
      outcomeText[p.outcome],
      periodText(c?.notificationPeriod ?? null),
      dayOrNone(c?.periodLastDay ?? null),
      dayOrNone(c?.initialNotificationDue ?? null),
      c?.mappaCategory == null ? none : String(c.mappaCategory),
    ]
  })
  return table(
    [
      { header: 'Policy' },
      { header: 'Outcome' },
      { header: 'Notification period', flex: true },
      { header: 'Last day' },
      { header: 'Initial notice due' },
      { header: 'MAPPA' },
    ],
    rows,
  )
}

const factsText = (facts: readonly string[]) => (facts.length > 0 ? `; facts: ${facts.join(', ')}` : '')

function consequencesLines(c: Consequences): string[] {
  const out: string[] = ['  Consequences']
  const item = (label: string, text: string) => out.push(...hanging(`    ${label}: `, text, 6))
  item('Effect', effectText[c.effect])
  const period = periodText(c.notificationPeriod)
  const from = c.periodStart === null ? '' : `, beginning with ${formatDayLong(c.periodStart)}`
  const index = c.indexFact === null ? '' : ` (index record ${c.indexFact})`
  item('Notification period', `${period}${from}${index}`)
  if (c.periodLastDay !== null) item('Last day', formatDayLong(c.periodLastDay))
  item('Initial notification due', longOrNone(c.initialNotificationDue))
  item('Earliest review', longOrNone(c.earliestReview))
  const category = c.mappaCategory === null ? 'no category' : `category ${c.mappaCategory}`
  const level =
    c.mappaLevelProposed === null ? '' : `; level ${c.mappaLevelProposed} proposed (a MAPPA meeting decides)`
  item('MAPPA', `${category}${c.mappaBasis ? ` — ${c.mappaBasis}` : ''}${level}`)
  if (c.victimContact.length === 0) item('Victim contact', 'no victims recorded')
  else {
    out.push('    Victim contact (VCS: Victim Contact Scheme, DVCVA 2004 s.35; VNS: Victim Notification Scheme):')
    for (const v of c.victimContact) {
      const via = v.convictionIds.length > 0 ? ` (${v.convictionIds.join(', ')})` : ''
      const schemes = `VCS ${yesNo(v.victimContactScheme)}, VNS ${yesNo(v.victimNotificationScheme)}`
      out.push(...hanging(`      ${v.victimId}${via}: `, `${schemes}${v.basis ? `. ${v.basis}` : ''}`, 8))
    }
  }
  item(
    'Right to Know',
    c.considerRightToKnow ? 'consider a proactive DVDS disclosure' : 'no proactive disclosure indicated',
  )
  if (c.provisions.length > 0) item('Provisions', c.provisions.join('; '))
  return out
}

function policySection(p: PolicyEvaluation, heading: PolicyHeading | undefined): string[] {
  const out: string[] = ['', ...hanging(`${p.policy}: `, heading?.title ?? p.policy, 2)]
  if (heading) out.push(...hanging('  Source: ', heading.source, 10))
  out.push(`  Outcome: ${outcomeText[p.outcome]}`)
  if (p.reasons.length > 0) {
    out.push('  Reasons')
    for (const r of p.reasons) {
      out.push(
        ...hanging(
          `    ${truthMark(r.holds)} `,
          `${r.rule} — ${r.explanation} (${r.provision}${factsText(r.facts)})`,
          6,
        ),
      )
    }
  }
  if (p.missing.length > 0) {
    out.push('  Missing facts')
    for (const m of p.missing) out.push(...hanging('    ? ', `${m.fact} — ${m.needed} (for: ${m.rule})`, 6))
  }
  if (p.warnings.length > 0) {
    out.push('  Warnings')
    for (const w of p.warnings) out.push(...hanging('    ! ', `${w.message} (${w.code}${factsText(w.facts)})`, 6))
  }
  if (p.consequences) out.push(...consequencesLines(p.consequences))
  else out.push('  Consequences: none')
  return out
}

function spentText(s: SpentStatus): string {
  if (s.never) return 'never'
  if (s.undetermined || s.spentFrom === null) return 'undetermined'
  return formatDay(s.spentFrom)
}

function rehabilitationLines(e: Explanation): string[] {
  const out = ['', 'Rehabilitation of Offenders Act 1974']
  if (e.rehabilitation.length === 0) return [...out, '  No convictions or cautions recorded.']
  const rows = e.rehabilitation.map((s) => {
    const basis = [s.basis, s.provision].filter((t) => t).join(' — ')
    const extended = s.extendedBy.length > 0 ? `; extended by ${s.extendedBy.join(', ')}` : ''
    return [s.recordId, s.kind, spentText(s), s.spentOnAsOf ? 'spent' : 'unspent', `${basis}${extended}`]
  })
  return [
    ...out,
    ...table(
      [
        { header: 'Record' },
        { header: 'Kind' },
        { header: 'Spent from' },
        { header: 'On as-of date' },
        { header: 'Basis', flex: true },
      ],
      rows,
    ),
  ]
}

/** The whole report; `headings` gives each policy's title and source. */
export function explanationText(e: Explanation, headings: (id: PolicyEvaluation['policy']) => PolicyHeading): string {
  return [
    ...header(e),
    '',
    ...summary(e),
    ...e.policies.flatMap((p) => policySection(p, headings(p.policy))),
    ...rehabilitationLines(e),
  ].join('\n')
}
