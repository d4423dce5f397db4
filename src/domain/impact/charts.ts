import type { Assessment } from './assess.ts'

// The charts of the impact model: cohort composition, cost range by role, the
// projection fan chart (with years) and the tornado of the sensitivity
// ranking. Pure: an assessment in, SVG text out, drawn with presentation
// attributes only (no style attributes, which the pages' CSP forbids). Each
// chart has a title, labelled axes with units, and a text alternative
// (<desc>) that gives the figures drawn. Colours are the GOV.UK palette.
//
// `dasr impact --svg FILE` writes them as one document, each chart a group
// with role="img"; the impact page (src/web) shows each as its own inline
// <svg role="img">, beside a table of the same figures.

const width = 860
const left = 300
const right = 40
const plotWidth = width - left - right
const palette = ['#1d70b8', '#f47738', '#00703c', '#4c2c92', '#d4351c', '#28a197', '#912b88', '#85994b', '#505a5f']
const text = '#0b0c0c'
const grey = '#b1b4b6'

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const pounds = (n: number) => `£${fmt(Math.round(n))}`
const millions = (n: number) => `£${fmt(n / 1e6, 1)}m`
const r2 = (n: number) => Math.round(n * 100) / 100

/** About five round tick values covering [0, max]: steps of 1, 2 or 5 × 10^k. */
export function ticks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / target
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
  const result: number[] = []
  for (let t = 0; t <= max + step * 1e-9; t += step) result.push(Math.round(t / power) * power)
  if ((result.at(-1) as number) < max) result.push((result.at(-1) as number) + step)
  return result
}

/** One chart: its title and text alternative, and its drawing in local coordinates (0, 0 at its top left). */
export interface Chart {
  key: 'cohort' | 'cost' | 'projection' | 'tornado'
  title: string
  description: string
  width: number
  height: number
  body: string
}

type Drawn = Omit<Chart, 'key' | 'width'>

/** A horizontal value axis along the bottom of a plot, with grid lines, tick labels and a unit label. */
function xAxis(plotTop: number, plotHeight: number, max: number, label: string, format: (n: number) => string): string {
  const parts: string[] = []
  for (const t of ticks(max)) {
    const x = r2(left + (t / (ticks(max).at(-1) as number)) * plotWidth)
    parts.push(
      `<line x1="${x}" y1="${plotTop}" x2="${x}" y2="${plotTop + plotHeight}" stroke="${grey}" stroke-width="0.5"/>`,
    )
    parts.push(
      `<text x="${x}" y="${plotTop + plotHeight + 16}" font-size="12" text-anchor="middle" fill="${text}">${esc(format(t))}</text>`,
    )
  }
  parts.push(
    `<line x1="${left}" y1="${plotTop + plotHeight}" x2="${left + plotWidth}" y2="${plotTop + plotHeight}" stroke="${text}"/>`,
    `<text x="${left + plotWidth / 2}" y="${plotTop + plotHeight + 36}" font-size="13" text-anchor="middle" fill="${text}">${esc(label)}</text>`,
  )
  return parts.join('\n')
}

const scaleFor = (max: number) => {
  const top = ticks(max).at(-1) as number
  return (value: number) => r2(left + (value / top) * plotWidth)
}

function cohortChart(a: Assessment): Drawn {
  const bars = [a.bounds.conservative, a.bounds.generous]
  const max = Math.max(...bars.map((b) => b.cohort))
  const x = scaleFor(max)
  const plotTop = 44
  const barHeight = 34
  const plotHeight = bars.length * (barHeight + 16) + 8
  const parts: string[] = []
  bars.forEach((bar, i) => {
    const y = plotTop + 8 + i * (barHeight + 16)
    parts.push(
      `<text x="${left - 10}" y="${y + barHeight / 2 + 5}" font-size="13" text-anchor="end" fill="${text}">${bar.bound === 'conservative' ? 'Conservative' : 'Generous'}: ${fmt(bar.cohort)}</text>`,
    )
    let start = 0
    bar.components.forEach((component, k) => {
      const x0 = x(start)
      const x1 = x(start + component.persons)
      parts.push(
        `<rect x="${x0}" y="${y}" width="${r2(x1 - x0)}" height="${barHeight}" fill="${palette[k % palette.length]}"><title>${esc(`${component.label}: ${fmt(component.persons)}`)}</title></rect>`,
      )
      start += component.persons
    })
  })
  parts.push(xAxis(plotTop, plotHeight, max, 'Registrants in year one (persons)', (n) => fmt(n)))
  const legendTop = plotTop + plotHeight + 52
  a.scenario.cohort.forEach((component, k) => {
    const y = legendTop + k * 20
    parts.push(
      `<rect x="20" y="${y - 11}" width="14" height="14" fill="${palette[k % palette.length]}"/>`,
      `<text x="42" y="${y}" font-size="13" fill="${text}">${esc(component.label)}</text>`,
    )
  })
  const height = legendTop + a.scenario.cohort.length * 20 + 10
  const description = `Stacked bars of the year-one cohort by component. ${bars
    .map(
      (bar) =>
        `${bar.bound}: ${bar.components.map((c) => `${c.label} ${fmt(c.persons)}`).join(', ')}; total ${fmt(bar.cohort)}.`,
    )
    .join(' ')}`
  return { title: 'Cohort composition, year one', description, height, body: parts.join('\n') }
}

function costChart(a: Assessment): Drawn {
  const c = a.bounds.conservative
  const g = a.bounds.generous
  const rows = [
    ...c.roles.map((role, i) => ({ label: role.label, low: role.cost, high: (g.roles[i] as typeof role).cost })),
    ...c.otherCosts
      .map((other, i) => ({ label: other.label, low: other.cost, high: (g.otherCosts[i] as typeof other).cost }))
      .filter((row) => row.low !== 0 || row.high !== 0),
    { label: 'Total', low: c.totalCost, high: g.totalCost },
  ]
  const max = Math.max(...rows.map((r) => Math.max(r.low, r.high)))
  const x = scaleFor(max)
  const plotTop = 44
  const rowHeight = 36
  const plotHeight = rows.length * rowHeight + 8
  const parts: string[] = []
  rows.forEach((row, i) => {
    const y = plotTop + 8 + i * rowHeight + rowHeight / 2
    const lo = Math.min(row.low, row.high)
    const hi = Math.max(row.low, row.high)
    parts.push(
      `<text x="${left - 10}" y="${y + 5}" font-size="13" text-anchor="end" fill="${text}">${esc(row.label)}</text>`,
      `<rect x="${x(lo)}" y="${y - 8}" width="${Math.max(2, r2(x(hi) - x(lo)))}" height="16" fill="${palette[0]}" opacity="0.35"/>`,
      `<circle cx="${x(row.low)}" cy="${y}" r="5" fill="${palette[0]}"><title>${esc(`conservative ${pounds(row.low)}`)}</title></circle>`,
      `<circle cx="${x(row.high)}" cy="${y}" r="5" fill="${palette[1]}"><title>${esc(`generous ${pounds(row.high)}`)}</title></circle>`,
    )
  })
  parts.push(xAxis(plotTop, plotHeight, max, 'Cost in year one (£ million a year)', millions))
  const legendTop = plotTop + plotHeight + 52
  parts.push(
    `<circle cx="27" cy="${legendTop - 4}" r="5" fill="${palette[0]}"/><text x="42" y="${legendTop}" font-size="13" fill="${text}">Conservative estimate</text>`,
    `<circle cx="227" cy="${legendTop - 4}" r="5" fill="${palette[1]}"/><text x="242" y="${legendTop}" font-size="13" fill="${text}">Generous estimate</text>`,
  )
  const height = legendTop + 14
  const description = `Range of the year-one cost of each role, conservative to generous. ${rows
    .map((row) => `${row.label}: ${pounds(row.low)} to ${pounds(row.high)}.`)
    .join(' ')}`
  return { title: 'Cost range by role, year one', description, height, body: parts.join('\n') }
}

function fanChart(a: Assessment): Drawn | undefined {
  const projection = a.projection
  if (!projection) return undefined
  const bands = a.monteCarlo?.projection
  const years = projection.years
  const series = [
    ...projection.conservative.map((y) => y.totalCost),
    ...projection.generous.map((y) => y.totalCost),
    ...(bands ?? []).map((b) => b.totalCost.p95),
  ]
  const yTicks = ticks(Math.max(...series))
  const yMax = yTicks.at(-1) as number
  const plotLeft = 110
  const plotW = width - plotLeft - right
  const plotTop = 50
  const plotHeight = 260
  const x = (year: number) => r2(plotLeft + (years === 1 ? plotW / 2 : ((year - 1) / (years - 1)) * plotW))
  const y = (value: number) => r2(plotTop + plotHeight - (value / yMax) * plotHeight)
  const parts: string[] = []
  for (const t of yTicks) {
    parts.push(
      `<line x1="${plotLeft}" y1="${y(t)}" x2="${plotLeft + plotW}" y2="${y(t)}" stroke="${grey}" stroke-width="0.5"/>`,
      `<text x="${plotLeft - 8}" y="${y(t) + 4}" font-size="12" text-anchor="end" fill="${text}">${esc(millions(t))}</text>`,
    )
  }
  for (let year = 1; year <= years; year++) {
    parts.push(
      `<text x="${x(year)}" y="${plotTop + plotHeight + 16}" font-size="12" text-anchor="middle" fill="${text}">${year}</text>`,
    )
  }
  parts.push(
    `<line x1="${plotLeft}" y1="${plotTop + plotHeight}" x2="${plotLeft + plotW}" y2="${plotTop + plotHeight}" stroke="${text}"/>`,
    `<line x1="${plotLeft}" y1="${plotTop}" x2="${plotLeft}" y2="${plotTop + plotHeight}" stroke="${text}"/>`,
    `<text x="${plotLeft + plotW / 2}" y="${plotTop + plotHeight + 36}" font-size="13" text-anchor="middle" fill="${text}">Year of operation</text>`,
    `<text transform="translate(24 ${plotTop + plotHeight / 2}) rotate(-90)" font-size="13" text-anchor="middle" fill="${text}">Cost a year (£ million)</text>`,
  )
  const line = (values: number[], colour: string, dash = '') =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${values.map((v, i) => `${x(i + 1)},${y(v)}`).join(' ')}"/>`
  if (bands) {
    const upper = bands.map((b, i) => `${x(i + 1)},${y(b.totalCost.p95)}`)
    const lower = bands.map((b, i) => `${x(i + 1)},${y(b.totalCost.p5)}`).reverse()
    parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${palette[3]}" opacity="0.18"/>`)
    parts.push(
      line(
        bands.map((b) => b.totalCost.p50),
        palette[3] as string,
        '6 4',
      ),
    )
  }
  parts.push(
    line(
      projection.conservative.map((p) => p.totalCost),
      palette[0] as string,
    ),
  )
  parts.push(
    line(
      projection.generous.map((p) => p.totalCost),
      palette[1] as string,
    ),
  )
  const legendTop = plotTop + plotHeight + 60
  const legend = [
    { colour: palette[0], label: 'Conservative' },
    { colour: palette[1], label: 'Generous' },
    ...(bands ? [{ colour: palette[3], label: 'Monte Carlo median; band P5 to P95' }] : []),
  ]
  legend.forEach((item, i) => {
    const lx = 20 + i * 200
    parts.push(
      `<line x1="${lx}" y1="${legendTop - 4}" x2="${lx + 20}" y2="${legendTop - 4}" stroke="${item.colour}" stroke-width="3"/>`,
      `<text x="${lx + 28}" y="${legendTop}" font-size="13" fill="${text}">${esc(item.label)}</text>`,
    )
  })
  const height = legendTop + 14
  const description = `Cost a year over ${years} years. ${projection.conservative
    .map((cy, i) => {
      const gy = projection.generous[i] as typeof cy
      const band = bands?.[i]
      return `Year ${cy.year}: conservative ${pounds(cy.totalCost)}, generous ${pounds(gy.totalCost)}${
        band
          ? `, Monte Carlo P5 ${pounds(band.totalCost.p5)}, P50 ${pounds(band.totalCost.p50)}, P95 ${pounds(band.totalCost.p95)}`
          : ''
      }.`
    })
    .join(' ')}`
  return { title: `Projected cost a year over ${years} years`, description, height, body: parts.join('\n') }
}

function tornadoChart(a: Assessment): Drawn | undefined {
  const rows = a.sensitivity.rows.slice(0, 12)
  if (rows.length === 0) return undefined
  const base = a.sensitivity.baseCost
  const max = Math.max(base, ...rows.map((r) => Math.max(r.costAtConservative, r.costAtGenerous)))
  const x = scaleFor(max)
  const plotTop = 44
  const rowHeight = 32
  const plotHeight = rows.length * rowHeight + 8
  const parts: string[] = []
  rows.forEach((row, i) => {
    const y = plotTop + 8 + i * rowHeight
    const lo = Math.min(row.costAtConservative, row.costAtGenerous)
    const hi = Math.max(row.costAtConservative, row.costAtGenerous)
    // The input's owner on one line, what it is on the next.
    const cut = (line: string) => (line.length > 48 ? `${line.slice(0, 47)}…` : line)
    const split = row.label.lastIndexOf(': ')
    const lines = split > 0 ? [row.label.slice(0, split), row.label.slice(split + 2)] : [row.label]
    parts.push(
      `<text x="${left - 10}" y="${y + (lines.length > 1 ? 11 : 17)}" font-size="11" text-anchor="end" fill="${text}">${lines
        .map((line, k) => `<tspan x="${left - 10}" dy="${k === 0 ? 0 : 13}">${esc(cut(line))}</tspan>`)
        .join('')}</text>`,
      `<rect x="${x(lo)}" y="${y + 3}" width="${Math.max(1, r2(x(hi) - x(lo)))}" height="${rowHeight - 10}" fill="${palette[0]}"><title>${esc(`${row.label} (${row.path}): ${pounds(row.costAtConservative)} at the conservative bound, ${pounds(row.costAtGenerous)} at the generous bound`)}</title></rect>`,
    )
  })
  parts.push(
    xAxis(plotTop, plotHeight, max, 'Total cost in year one (£ million a year)', millions),
    `<line x1="${x(base)}" y1="${plotTop}" x2="${x(base)}" y2="${plotTop + plotHeight}" stroke="${text}" stroke-dasharray="4 3"/>`,
    `<text x="${x(base)}" y="${plotTop - 4}" font-size="12" text-anchor="middle" fill="${text}">all inputs likely: ${esc(millions(base))}</text>`,
  )
  const height = plotTop + plotHeight + 50
  const description = `Sensitivity of the year-one total cost: each input moved alone from its conservative to its generous bound, the others at their likely values (total ${pounds(base)}). ${rows
    .map((row, i) => `${i + 1}. ${row.label}: ${pounds(row.costAtConservative)} to ${pounds(row.costAtGenerous)}.`)
    .join(' ')}`
  return { title: 'What moves the total most (tornado)', description, height, body: parts.join('\n') }
}

/** The charts the assessment has: the projection only with years, the tornado only when an input has a range. */
export function assessmentCharts(a: Assessment): Chart[] {
  const made: [Chart['key'], Drawn | undefined][] = [
    ['cohort', cohortChart(a)],
    ['cost', costChart(a)],
    ['projection', fanChart(a)],
    ['tornado', tornadoChart(a)],
  ]
  return made.flatMap(([key, drawn]) => (drawn === undefined ? [] : [{ key, width, ...drawn }]))
}

/** The charts as one SVG document (`dasr impact --svg FILE`), each a group with role="img" and its own text alternative. */
export function assessmentSvg(a: Assessment): string {
  const charts: string[] = []
  let top = 10
  assessmentCharts(a).forEach((chart, i) => {
    const id = `chart-${i + 1}`
    charts.push(
      [
        `<g role="img" aria-labelledby="${id}-title ${id}-desc" transform="translate(0 ${top})">`,
        `<title id="${id}-title">${esc(chart.title)}</title>`,
        `<desc id="${id}-desc">${esc(chart.description)}</desc>`,
        `<text x="20" y="24" font-size="18" font-weight="bold" fill="${text}">${esc(chart.title)}</text>`,
        chart.body,
        '</g>',
      ].join('\n'),
    )
    top += chart.height + 30
  })
  const title = `Impact assessment: ${a.scenario.title}`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" viewBox="0 0 ${width} ${top}" font-family="Arial, Helvetica, sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<desc>${esc(`Charts of the ${a.scenario.id} scenario (${a.scenario.source}); each chart carries its own text alternative.`)}</desc>`,
    `<rect width="${width}" height="${top}" fill="#ffffff"/>`,
    ...charts,
    '</svg>',
    '',
  ].join('\n')
}

/** Where every chart's drawing starts: below the title line, which a page gives as a heading instead. */
const standaloneTop = 30

/**
 * One chart as an <svg role="img"> for a web page: its title and text
 * alternative named by ids made from `id` (unique on the page), no heading of
 * its own (the page gives one), and a class to scale it to the column.
 */
export function chartSvg(chart: Chart, id: string, className = 'app-chart'): string {
  const height = chart.height - standaloneTop
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="${esc(className)}" width="${chart.width}" height="${height}" viewBox="0 ${standaloneTop} ${chart.width} ${height}" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" font-family="Arial, Helvetica, sans-serif" focusable="false">`,
    `<title id="${esc(id)}-title">${esc(chart.title)}</title>`,
    `<desc id="${esc(id)}-desc">${esc(chart.description)}</desc>`,
    `<rect x="0" y="${standaloneTop}" width="${chart.width}" height="${height}" fill="#ffffff"/>`,
    chart.body,
    '</svg>',
  ].join('\n')
}
