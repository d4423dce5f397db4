import type { SubjectAccessDocument } from './subject-access.ts'

// The answer to a subject access request "in writing" (DPA 2018 s.45(3)): a
// plain printable page, or plain text. Everything shown is escaped; the only
// images are the subject's own photographs, inlined as data URIs.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

const labelOf = (key: string) => key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase())

/** A value as one line of text: nested objects as "key: value; …". */
function plain(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(plain).join('; ')
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${labelOf(k)}: ${plain(v)}`)
      .join('; ')
  }
  return String(value)
}

function sections(document: SubjectAccessDocument): { title: string; rows: [string, string][] }[] {
  const rowsOf = (items: Record<string, unknown>[]) =>
    items.map((item, i) => [`${i + 1}`, plain(item)] as [string, string])
  return [
    { title: 'About you', rows: Object.entries(document.subject ?? {}).map(([k, v]) => [labelOf(k), plain(v)]) },
    {
      title: 'Your responsible officer',
      rows: [['Role', document.responsibleOfficer ?? 'None recorded']],
    },
    {
      title: 'Information recorded about you',
      rows: document.data.facts.map((f) => [
        `${labelOf(f.kind)}${f.current ? '' : ' (earlier version)'}`,
        plain({ ...f.data, validFrom: f.validFrom, validTo: f.validTo, recordedOn: f.recordedOn }),
      ]),
    },
    { title: 'Registrations', rows: rowsOf(document.data.registrations) },
    { title: 'Notifications you gave', rows: rowsOf(document.data.notifications) },
    { title: 'Home visits', rows: rowsOf(document.data.visits) },
    { title: 'Compliance', rows: rowsOf(document.data.breaches) },
  ]
}

const lists = (document: SubjectAccessDocument): { title: string; items: string[] }[] => [
  { title: 'Why we hold it (purposes)', items: document.purposes },
  { title: 'The law that allows it (legal basis)', items: document.legalBasis },
  { title: 'Kinds of information held', items: document.categories },
  {
    title: 'Who it has been disclosed to',
    items: document.recipients.length > 0 ? document.recipients : ['Nobody outside the register'],
  },
  {
    title: 'How long it is kept',
    items: [
      document.retention.period,
      ...(document.retention.nextReviewBy === null ? [] : [`Next review by ${document.retention.nextReviewBy}.`]),
    ],
  },
  { title: 'Where it came from', items: document.origin },
  { title: 'What has been withheld', items: document.withheld },
  { title: 'Your rights', items: document.rights },
]

/** `nonce`: the response's CSP nonce, without which the browser would refuse the inline styles (ASVS 3.4.3). */
export function subjectAccessHtml(document: SubjectAccessDocument, nonce?: string): string {
  const table = (rows: [string, string][]) =>
    rows.length === 0
      ? '<p>None.</p>'
      : `<table><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}</tbody></table>`
  const list = (items: string[]) => `<ul>${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`
  const photos = document.data.photographs
    .filter((p) => /^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/.test(p.dataUri))
    .map(
      (p) =>
        `<figure><img src="${p.dataUri}" alt="Photograph${p.takenOn ? ` taken ${escapeHtml(p.takenOn)}` : ''}"><figcaption>${escapeHtml(p.caption ?? '')}</figcaption></figure>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.title)}</title>
<style${nonce === undefined ? '' : ` nonce="${escapeHtml(nonce)}"`}>
body { font-family: Arial, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #0b0c0c; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border-bottom: 1px solid #b1b4b6; text-align: left; padding: .5rem .5rem .5rem 0; vertical-align: top; }
th { width: 30%; } img { max-width: 12rem; }
h1 { font-size: 2rem; } h2 { font-size: 1.5rem; margin-top: 2rem; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(document.title)}</h1>
<p><strong>From:</strong> ${escapeHtml(document.controller.organisation)}<br>
<strong>Your request:</strong> received ${escapeHtml(document.request.receivedOn)}, answered ${escapeHtml(document.request.answeredOn)} (reference ${escapeHtml(document.request.id)})</p>
<p>${escapeHtml(document.confirmation)}</p>
${sections(document)
  .map((s) => `<h2>${escapeHtml(s.title)}</h2>\n${table(s.rows)}`)
  .join('\n')}
${photos === '' ? '' : `<h2>Photographs</h2>\n${photos}`}
${lists(document)
  .map((l) => `<h2>${escapeHtml(l.title)}</h2>\n${list(l.items)}`)
  .join('\n')}
</main>
</body>
</html>
`
}

export function subjectAccessText(document: SubjectAccessDocument): string {
  const out: string[] = [
    document.title,
    '='.repeat(Math.min(document.title.length, 78)),
    `From: ${document.controller.organisation}`,
    `Your request: received ${document.request.receivedOn}, answered ${document.request.answeredOn} (reference ${document.request.id})`,
    '',
    document.confirmation,
  ]
  for (const section of sections(document)) {
    out.push('', section.title, '-'.repeat(section.title.length))
    if (section.rows.length === 0) out.push('None.')
    for (const [k, v] of section.rows) out.push(`${k}: ${v}`)
  }
  if (document.data.photographs.length > 0) {
    out.push('', 'Photographs', '-----------')
    for (const p of document.data.photographs) {
      out.push(`A photograph (${p.contentType}${p.takenOn ? `, taken ${p.takenOn}` : ''}): a copy is enclosed.`)
    }
  }
  for (const list of lists(document)) {
    out.push('', list.title, '-'.repeat(list.title.length), ...list.items.map((item) => `- ${item}`))
  }
  return `${out.join('\n')}\n`
}
