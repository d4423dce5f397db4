import type { NoticeDocument } from '../domain/register/notice.ts'

// The notice to the registrant as a printable page. Plain HTML with print
// styles: it must print well from any browser and read well aloud.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

/** `nonce`: the response's CSP nonce, without which the browser would refuse the inline styles (ASVS 3.4.3). */
export function noticeHtml(notice: NoticeDocument, nonce?: string): string {
  const rows = (cells: string[][]) =>
    cells.map((c) => `<tr>${c.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`).join('\n')
  const list = (items: string[]) => `<ul>${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(notice.title)}: ${escapeHtml(notice.reference)}</title>
<style${nonce === undefined ? '' : ` nonce="${escapeHtml(nonce)}"`}>
body { font-family: Arial, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #0b0c0c; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border-bottom: 1px solid #b1b4b6; text-align: left; padding: .5rem .5rem .5rem 0; vertical-align: top; }
h1 { font-size: 2rem; } h2 { font-size: 1.5rem; margin-top: 2rem; }
@media print { body { margin: 0; } a { color: inherit; } }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(notice.title)}</h1>
<p><strong>Name:</strong> ${escapeHtml(notice.name)}<br><strong>Date of birth:</strong> ${escapeHtml(notice.dateOfBirth)}<br>
<strong>Reference:</strong> ${escapeHtml(notice.reference)}<br><strong>Issued:</strong> ${escapeHtml(notice.issuedOn)}</p>
<p><strong>Why:</strong> ${escapeHtml(notice.basis)}</p>
<p><strong>For how long:</strong> ${escapeHtml(notice.period)}</p>
<h2>What you must do</h2>
<table><thead><tr><th scope="col">Duty</th><th scope="col">By when</th><th scope="col">Law</th></tr></thead>
<tbody>${rows(notice.duties.map((d) => [d.duty, d.deadline, d.provision]))}</tbody></table>
${
  notice.whatToTell.length > 0
    ? `<h2>What you must tell the police</h2>
<table><thead><tr><th scope="col">Information</th><th scope="col">What it means</th><th scope="col">Law</th></tr></thead>
<tbody>${rows(notice.whatToTell.map((w) => [w.item, w.duty, w.provision]))}</tbody></table>`
    : ''
}
<h2>If you do not do this</h2>
${list(notice.consequences)}
<h2>Your rights</h2>
${list(notice.rights)}
</main>
</body>
</html>
`
}
