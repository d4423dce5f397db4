import type { MaxPenalty, Offence, ScheduleListing } from '../domain/offences/catalogue.ts'
import { offenceCatalogue } from '../domain/offences/catalogue.ts'
import type { Policy, SettingDoc } from '../domain/policies/policy.ts'
import { hanging, table } from './text.ts'

// `dasr offences` and `dasr policies`: the data the explanations rest on.

const offences = offenceCatalogue as readonly Offence[]

function penalty(max: MaxPenalty): string {
  const lines: string[] = []
  if (max.onIndictment !== null) {
    lines.push(`indictment: ${max.onIndictment === 'life' ? 'life' : `${max.onIndictment} years`}`)
  }
  if (max.summaryMonths !== null) lines.push(`summary: ${max.summaryMonths} months`)
  return lines.join('\n')
}

/** Schedule listing in a few characters; `*` marks a listing the research could not confirm. */
function listing(l: ScheduleListing): string {
  const text = !l.listed ? 'no' : l.from ? `from ${l.from}` : 'yes'
  return l.confirmed ? text : `${text}*`
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

export function offencesText(): string {
  const rows = offences.map((o) => [
    o.code,
    `${o.title}\n${o.statute}${o.aliases ? `\nalso: ${o.aliases.join(', ')}` : ''}`,
    penalty(o.maxPenalty),
    yesNo(o.specifiedStalking),
    listing(o.cjaSchedule15),
    yesNo(o.typicallyDomesticAbuse),
  ])
  const lines = table(
    [
      { header: 'Code' },
      { header: 'Offence and statute', flex: true },
      { header: 'Maximum penalty' },
      { header: 'Stalking' },
      { header: 'Sch.15' },
      { header: 'DA' },
    ],
    rows,
  )
  return [
    `Offence catalogue (${offences.length} offences)`,
    '',
    ...lines,
    '',
    'Stalking: a "specified stalking offence" (PHA 1997 s.2A or s.4A).',
    'Sch.15: a specified violent or sexual offence (CJA 2003 Sch.15); * not confirmed by the research.',
    'DA: typically prosecuted in a domestic abuse context.',
    'Codes are case-insensitive; aliases are accepted in input files.',
  ].join('\n')
}

export function offencesJson(): unknown {
  return offences
}

function settingEntries(policy: Policy<object>): { name: string; value: unknown; doc: SettingDoc | undefined }[] {
  const docs = policy.settingDocs as Record<string, SettingDoc | undefined>
  return Object.entries(policy.defaults).map(([name, value]) => ({ name, value, doc: docs[name] }))
}

export function policiesText(policies: readonly Policy<object>[]): string {
  const out: string[] = [`Registration policies (${policies.length})`]
  for (const p of policies) {
    out.push('', ...hanging(`${p.id}: `, p.title, 2))
    out.push(...hanging('  Status: ', `${p.status}; version ${p.version}; commencement ${p.commencement}`, 10))
    out.push(...hanging('  Source: ', p.source, 10))
    out.push(...hanging('  ', p.summary, 2))
    const settings = settingEntries(p)
    if (settings.length > 0) out.push('  Interpretation settings (default):')
    for (const s of settings) {
      out.push(...hanging(`    ${s.name} = `, JSON.stringify(s.value), 6))
      if (s.doc) {
        out.push(...hanging('      ', s.doc.description, 6))
        out.push(...hanging('      Basis: ', s.doc.basis, 13))
      }
    }
  }
  return out.join('\n')
}

export function policiesJson(policies: readonly Policy<object>[]): unknown {
  return policies.map((p) => ({
    id: p.id,
    title: p.title,
    version: p.version,
    status: p.status,
    source: p.source,
    commencement: p.commencement,
    summary: p.summary,
    settings: settingEntries(p).map((s) => ({
      name: s.name,
      default: s.value,
      description: s.doc?.description ?? null,
      basis: s.doc?.basis ?? null,
    })),
  }))
}
