import type { ForceSource } from '../contracts/impact-output.ts'
import type { Assessment } from '../domain/impact/assess.ts'
import { decimal, pence, percent, pounds, valueText, whole } from '../domain/impact/format.ts'
import type { Percentiles } from '../domain/impact/monte-carlo.ts'
import type { OneYearResult } from '../domain/impact/one-year.ts'

// The people-readable report of `dasr impact`: the report's tables as it lays
// them out (whole pounds; the TOTAL row adds up the rounded rows, as the
// report's does), how each figure is reached, then any uncertainty,
// projection and split by force that was asked for.

/** Rows of cells, the first column left-aligned, the others right-aligned. */
function table(rows: string[][], indent = ''): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('   ')
        .trimEnd(),
  )
}

const roundingWords = {
  none: 'staff counted in fractional FTE, as in Tables 1-2 (--fte-rounding none)',
  nearest: 'staff rounded to the nearest whole worker, as in Tables 3-4 (--fte-rounding nearest)',
  up: 'staff rounded up to whole workers, as a hiring plan needs (--fte-rounding up)',
}

function staffLines(c: OneYearResult, g: OneYearResult, rounding: Assessment['fteRounding']): string[] {
  const lines: string[] = []
  c.roles.forEach((role, i) => {
    const gen = g.roles[i] as typeof role
    lines.push(`  ${role.label}`)
    for (const [bound, r] of [
      ['conservative', role],
      ['generous', gen],
    ] as const) {
      const exact = r.cases / r.casesPerWorker
      const fte =
        rounding === 'none' || exact === r.fte
          ? `${decimal(r.fte)} FTE`
          : `${decimal(exact)}, counted as ${decimal(r.fte)} FTE`
      lines.push(
        `    ${bound.padEnd(12)} ${whole(r.cases)} ${r.driver} ÷ ${decimal(r.casesPerWorker)} cases per worker = ${fte} × ${pence(r.annualCostPerWorker)} = ${pence(r.cost)}`,
      )
    }
  })
  return lines
}

function percentileRow(label: string, p: Percentiles, money: boolean): string[] {
  const f = money ? pounds : whole
  return [label, f(p.p5), f(p.p50), f(p.p95)]
}

export function assessmentText(assessment: Assessment, forceSource?: ForceSource): string {
  const { scenario, bounds, monteCarlo, projection, byForce } = assessment
  const c = bounds.conservative
  const g = bounds.generous
  const cohortTable = scenario.reportTables?.cohort ?? 'Cohort'
  const costsTable = scenario.reportTables?.costs ?? 'Costs'
  const out: string[] = [
    `Impact assessment: ${scenario.id}`,
    scenario.title,
    `Source: ${scenario.source}`,
    `Year one; ${roundingWords[assessment.fteRounding]}.`,
    '',
    `${cohortTable}. New cohort of registrants, year 1`,
  ]

  const cohortRows: string[][] = [['', 'Conservative', 'Generous']]
  scenario.cohort.forEach((component, i) => {
    cohortRows.push([
      component.label,
      whole((c.components[i] as { persons: number }).persons),
      whole((g.components[i] as { persons: number }).persons),
    ])
    const ct = valueText(component.conservative)
    const gt = valueText(component.generous)
    if (ct !== undefined && ct === gt) cohortRows.push([`  ${ct}`, '', ''])
    else if (ct !== undefined || gt !== undefined) {
      if (ct !== undefined) cohortRows.push([`  conservative: ${ct}`, '', ''])
      if (gt !== undefined) cohortRows.push([`  generous: ${gt}`, '', ''])
    }
  })
  cohortRows.push(['New cohort of registrants, year 1', whole(c.cohort), whole(g.cohort)])
  const vpo =
    scenario.victimsPerOffender.conservative === scenario.victimsPerOffender.generous
      ? `${decimal(scenario.victimsPerOffender.conservative)} per offender`
      : 'victims per offender'
  cohortRows.push([`Linked victim-survivors (${vpo})`, whole(c.victims), whole(g.victims)])
  out.push(...table(cohortRows), '', `${costsTable}. Staffing costs in the first year`)

  const costRows: string[][] = [['Staffing costs', 'Conservative', 'Generous']]
  c.roles.forEach((role, i) => {
    costRows.push([role.label, pounds(role.cost), pounds((g.roles[i] as typeof role).cost)])
  })
  const costed = c.otherCosts.filter((o, i) => o.cost !== 0 || (g.otherCosts[i] as typeof o).cost !== 0)
  for (const other of costed) {
    const i = c.otherCosts.indexOf(other)
    costRows.push([other.label, pounds(other.cost), pounds((g.otherCosts[i] as typeof other).cost)])
  }
  costRows.push(['TOTAL', pounds(c.totalCostWholePounds), pounds(g.totalCostWholePounds)])
  out.push(...table(costRows))
  const uncosted = c.otherCosts.filter((o) => !costed.includes(o)).map((o) => o.label.toLowerCase())
  if (uncosted.length > 0) out.push(`Not costed (zero, as in the report, p.45): ${uncosted.join('; ')}.`)

  out.push('', 'How the staff costs are reached', ...staffLines(c, g, assessment.fteRounding))
  const exactDiffers = (r: OneYearResult) => Math.round(r.totalCost) !== r.totalCostWholePounds
  if (exactDiffers(c) || exactDiffers(g)) {
    out.push(
      `  The TOTAL adds the rounded rows, as the report does; unrounded it is ${pence(c.totalCost)} (conservative) and ${pence(g.totalCost)} (generous).`,
    )
  }
  out.push(
    '',
    `Break-even: to justify its cost the register would need about ${whole(c.breakEvenVictims)} to ${whole(g.breakEvenVictims)} fewer victims of DA a year`,
    `(total cost ÷ ${pence(c.costPerVictim)}${c.costPerVictim === g.costPerVictim ? '' : ` to ${pence(g.costPerVictim)}`}, the cost of one DA victim).`,
  )

  if (monteCarlo) {
    out.push(
      '',
      `Uncertainty: ${whole(monteCarlo.draws)} Monte Carlo draws, ${monteCarlo.distribution} between the bounds, seed ${monteCarlo.seed}`,
      ...table([
        ['', 'P5', 'P50', 'P95'],
        percentileRow('New cohort, year 1', monteCarlo.cohort, false),
        percentileRow('Total cost, year 1', monteCarlo.totalCost, true),
        percentileRow('Break-even victims', monteCarlo.breakEvenVictims, false),
      ]),
    )
  }
  const rows = assessment.sensitivity.rows
  if (monteCarlo && rows.length > 0) {
    out.push(
      '',
      `What moves the year-one total most: one input at a time from its conservative to its generous bound, the others at their likely values (total ${pounds(assessment.sensitivity.baseCost)})`,
      ...table(
        rows.map((row, i) => [
          `${i + 1}. ${row.label} (${row.path})`,
          `${decimal(row.conservative, 4)} → ${decimal(row.generous, 4)}`,
          `${pounds(row.costAtConservative)} → ${pounds(row.costAtGenerous)}`,
          `swing ${pounds(row.swing)}`,
        ]),
        '  ',
      ),
    )
  }

  if (projection) {
    const mix = scenario.projection.sentenceMix.entries
      .map((entry, i) => {
        const years = assessment.model.mixYears[i] as number
        return `${entry.label} ${percent(entry.share)}: ${Number.isFinite(years) ? `${years} years` : 'indefinite'}`
      })
      .join('; ')
    const head = ['Year', 'Registrants', '', 'Staff (FTE)', '', 'Cost', '']
    const sub = ['', 'conservative', 'generous', 'conservative', 'generous', 'conservative', 'generous']
    const bands = monteCarlo?.projection
    if (bands) {
      head.push('Monte Carlo cost', '', '')
      sub.push('P5', 'P50', 'P95')
    }
    const fteOf = (year: (typeof projection.conservative)[number]) => year.roles.reduce((sum, r) => sum + r.fte, 0)
    const projectionRows = projection.conservative.map((cy, y) => {
      const gy = projection.generous[y] as typeof cy
      const row = [
        String(cy.year),
        whole(cy.registrants),
        whole(gy.registrants),
        decimal(fteOf(cy), 1),
        decimal(fteOf(gy), 1),
        pounds(cy.totalCost),
        pounds(gy.totalCost),
      ]
      const band = bands?.[y]
      if (band) row.push(pounds(band.totalCost.p5), pounds(band.totalCost.p50), pounds(band.totalCost.p95))
      return row
    })
    out.push(
      '',
      `Projection over ${projection.years} years (stock and flow; year 1 is the one-year model)`,
      `Registration periods (SOA 2003 s.82) by sentence mix: ${mix}.`,
      ...table([head, sub, ...projectionRows]),
    )
  }

  if (byForce) {
    out.push('', 'By police force area (split by share of population)')
    if (forceSource) out.push(`Population: ${forceSource.source}, ${forceSource.year}.`, `Note: ${forceSource.note}`)
    const forceRows = byForce.conservative.map((force, i) => {
      const gen = byForce.generous[i] as typeof force
      const staff = (share: typeof force) => Object.values(share.fte).reduce((sum, fte) => sum + fte, 0)
      return [
        force.name,
        `${(force.share * 100).toFixed(2)}%`,
        whole(force.cohort),
        whole(gen.cohort),
        decimal(staff(force), 1),
        decimal(staff(gen), 1),
        pounds(force.totalCost),
        pounds(gen.totalCost),
      ]
    })
    out.push(
      ...table([
        ['Force area', 'Share', 'Cohort', '', 'Staff (FTE)', '', 'Cost, year 1', ''],
        ['', '', 'conservative', 'generous', 'conservative', 'generous', 'conservative', 'generous'],
        ...forceRows,
      ]),
    )
  }
  return `${out.join('\n')}\n`
}
