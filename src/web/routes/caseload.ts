import type { ApiServer } from '../../api/route-kit.ts'
import { can } from '../../app/access.ts'
import {
  type AttentionFilter,
  attentionFilters,
  type Caseload,
  type CaseloadPerson,
  type CaseloadQuery,
  type CaseloadScope,
  type CaseloadSort,
  caseloadScopes,
  caseloadSorts,
  defaultScope,
  dueSoonDays,
  type PersonStatus,
  personStatuses,
  type RiskFilter,
  readCaseload,
  riskFilters,
  type SortOrder,
  sortOrders,
} from '../../app/caseload.ts'
import { myTasks } from '../../app/compliance.ts'
import type { AppContext } from '../../app/context.ts'
import { page, pageCall } from '../page-kit.ts'
import { render, ukDate } from '../view.ts'

// "My caseload" (issue 6, item 2): the officer's registrants with what is due
// and overdue, the MoJ filter pattern (above the table, so the page keeps the
// standard GOV.UK width), sortable columns and pages, all in the query string, so the page works without JavaScript and a view can be
// bookmarked. The service decides who is listed and what of each is shown
// (src/app/caseload.ts) and audits the reading; this page only lays it out.

const tasksShown = 25

const attentionLabels: Record<AttentionFilter, string> = {
  overdue: 'Something overdue',
  'due-soon': `Due in the next ${dueSoonDays} days`,
  breach: 'Suspected breach',
}
const riskLabels: Record<RiskFilter, string> = {
  'very-high': 'Very high',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  'not-assessed': 'Not assessed',
}
const statusLabels: Record<PersonStatus, string> = {
  recorded: 'Recorded',
  referred: 'Referred',
  registered: 'Registered',
  ended: 'Ended',
  archived: 'Archived',
}
const statusTags: Record<PersonStatus, string> = {
  recorded: 'govuk-tag--grey',
  referred: 'govuk-tag--yellow',
  registered: 'govuk-tag--blue',
  ended: 'govuk-tag--grey',
  archived: 'govuk-tag--grey',
}

interface View {
  scope: CaseloadScope
  attention: AttentionFilter[]
  risk: RiskFilter[]
  status: PersonStatus[]
  sort: CaseloadSort
  order: SortOrder
  page: number
}

/** The query string's values of a field (repeated, or comma-separated), those allowed only. */
function valuesOf<T extends string>(query: Record<string, unknown>, name: string, allowed: readonly T[]): T[] {
  const raw = query[name]
  const texts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((value) => String(value).split(','))
  return [...new Set(texts.filter((text): text is T => (allowed as readonly string[]).includes(text)))]
}

function oneOf<T extends string>(query: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  return valuesOf(query, name, allowed)[0]
}

/** The caseload page's address for a view: only what differs from the defaults is in it. */
function hrefOf(view: View, fallbackScope: CaseloadScope): string {
  const params = new URLSearchParams()
  if (view.scope !== fallbackScope) params.set('scope', view.scope)
  for (const value of view.attention) params.append('attention', value)
  for (const value of view.risk) params.append('risk', value)
  for (const value of view.status) params.append('status', value)
  if (view.sort !== 'nextDue' || view.order !== 'ascending') {
    params.set('sort', view.sort)
    params.set('order', view.order)
  }
  if (view.page > 1) params.set('page', String(view.page))
  const text = params.toString()
  return text === '' ? '/caseload' : `/caseload?${text}`
}

/**
 * The table's columns, narrow enough for the standard page width: a column
 * may hold two things, one line each (registration and risk; the next home
 * visit and the next review), and then has a sort link for each.
 */
const columns: { sorts: { sort: CaseloadSort; text: string }[]; numeric?: boolean }[] = [
  { sorts: [{ sort: 'name', text: 'Name' }] },
  {
    sorts: [
      { sort: 'status', text: 'Registration' },
      { sort: 'risk', text: 'Risk' },
    ],
  },
  { sorts: [{ sort: 'nextDue', text: 'Next due' }] },
  { sorts: [{ sort: 'overdue', text: 'Overdue' }], numeric: true },
  { sorts: [{ sort: 'breaches', text: 'Suspected breaches' }], numeric: true },
  {
    sorts: [
      { sort: 'nextVisit', text: 'Next home visit' },
      { sort: 'nextReview', text: 'Next review' },
    ],
  },
]

/** Columns where the most needing attention come first when sorted the first time. */
const descendingFirst: ReadonlySet<CaseloadSort> = new Set(['risk', 'overdue', 'breaches'])

function rowOf(person: CaseloadPerson) {
  const c = person.compliance
  return {
    id: person.id,
    href: `/people/${person.id}`,
    name: `${person.givenNames} ${person.familyName}`,
    reference: person.reference,
    status: { text: statusLabels[person.status], classes: statusTags[person.status] },
    risk: person.riskLevel === null ? 'Not assessed' : riskLabels[person.riskLevel],
    officer: person.responsibleOfficer ?? 'None',
    compliance:
      c === undefined
        ? undefined
        : {
            next:
              c.next === null
                ? undefined
                : { title: c.next.title, dueOn: ukDate(c.next.dueOn), overdue: c.next.status === 'overdue' },
            overdue: c.overdue,
            breaches: c.suspectedBreaches,
            nextVisit: c.nextVisitOn === null ? 'None due' : ukDate(c.nextVisitOn),
          },
    nextReview:
      person.nextReviewOn === undefined
        ? undefined
        : person.nextReviewOn === null
          ? 'None set'
          : ukDate(person.nextReviewOn),
  }
}

function contextOf(caseload: Caseload, view: View, fallbackScope: CaseloadScope, mayChooseScope: boolean) {
  const href = (changes: Partial<View>) => hrefOf({ ...view, page: 1, ...changes }, fallbackScope)
  const headers = columns.map((column) => {
    const sorted = column.sorts.find((item) => item.sort === caseload.sort)
    return {
      numeric: column.numeric === true,
      ariaSort: sorted === undefined ? 'none' : caseload.order,
      links: column.sorts.map((item) => {
        const current = caseload.sort === item.sort
        const nextOrder: SortOrder = current
          ? caseload.order === 'ascending'
            ? 'descending'
            : 'ascending'
          : descendingFirst.has(item.sort)
            ? 'descending'
            : 'ascending'
        return {
          text: item.text,
          sorted: current ? caseload.order : undefined,
          href: href({ sort: item.sort, order: nextOrder }),
          action: `sort by ${item.text.toLowerCase()}, ${nextOrder}`,
        }
      }),
    }
  })
  const checkboxes = <T extends string>(values: readonly T[], labels: Record<T, string>, chosen: readonly T[]) =>
    values.map((value) => ({ value, text: labels[value], checked: chosen.includes(value) }))
  const tag = <T extends string>(field: 'attention' | 'risk' | 'status', value: T, label: string) => ({
    text: label,
    href: href({ [field]: (view[field] as string[]).filter((v) => v !== value) } as Partial<View>),
  })
  const categories = [
    {
      heading: { text: 'Needs attention' },
      items: view.attention.map((v) => tag('attention', v, attentionLabels[v])),
    },
    { heading: { text: 'Risk level' }, items: view.risk.map((v) => tag('risk', v, riskLabels[v])) },
    { heading: { text: 'Registration' }, items: view.status.map((v) => tag('status', v, statusLabels[v])) },
  ].filter((category) => category.items.length > 0)
  const pages = Array.from({ length: caseload.totalPages }, (_, i) => i + 1)
  const pageHref = (number: number) => hrefOf({ ...view, page: number }, fallbackScope)
  const first = caseload.totalItems === 0 ? 0 : (caseload.page - 1) * caseload.pageSize + 1
  const last = Math.min(caseload.page * caseload.pageSize, caseload.totalItems)
  const scopeTitle = caseload.scope === 'mine' ? 'My caseload' : 'My organisation’s caseload'
  return {
    pageTitle: caseload.page > 1 ? `${scopeTitle} (page ${caseload.page} of ${caseload.totalPages})` : scopeTitle,
    heading: scopeTitle,
    caseload,
    asOf: ukDate(caseload.asOf),
    showOfficer: caseload.scope === 'organisation',
    scopes: mayChooseScope
      ? caseloadScopes.map((scope) => ({
          text: scope === 'mine' ? 'My cases' : 'My organisation’s cases',
          href: hrefOf({ ...view, scope, page: 1, attention: [], risk: [], status: [] }, fallbackScope),
          active: caseload.scope === scope,
        }))
      : undefined,
    summary: [
      {
        count: caseload.summary.overdue,
        label: 'with something overdue',
        href: href({ attention: ['overdue'], risk: [], status: [] }),
      },
      {
        count: caseload.summary.dueSoon,
        label: `with something due in the next ${dueSoonDays} days`,
        href: href({ attention: ['due-soon'], risk: [], status: [] }),
      },
      {
        count: caseload.summary.suspectedBreaches,
        label: 'with a suspected breach to decide',
        href: href({ attention: ['breach'], risk: [], status: [] }),
      },
    ],
    filter: {
      hidden: [
        ...(view.scope !== fallbackScope ? [{ name: 'scope', value: view.scope }] : []),
        ...(view.sort !== 'nextDue' || view.order !== 'ascending'
          ? [
              { name: 'sort', value: view.sort },
              { name: 'order', value: view.order },
            ]
          : []),
      ],
      attention: checkboxes(attentionFilters, attentionLabels, view.attention),
      risk: checkboxes(riskFilters, riskLabels, view.risk),
      status: checkboxes(personStatuses, statusLabels, view.status),
      selected: categories.length === 0 ? undefined : categories,
      clearHref: href({ attention: [], risk: [], status: [] }),
    },
    filtered: view.attention.length + view.risk.length + view.status.length > 0,
    headers,
    rows: caseload.items.map(rowOf),
    results: { first, last, total: caseload.totalItems },
    pagination:
      caseload.totalPages > 1
        ? {
            previous: caseload.page > 1 ? { href: pageHref(caseload.page - 1) } : undefined,
            next: caseload.page < caseload.totalPages ? { href: pageHref(caseload.page + 1) } : undefined,
            items: pages
              .filter((n) => n === 1 || n === caseload.totalPages || Math.abs(n - caseload.page) <= 2)
              .flatMap((n, i, shown) => [
                ...(i > 0 && n - (shown[i - 1] as number) > 1 ? [{ ellipsis: true }] : []),
                { number: n, href: pageHref(n), current: n === caseload.page },
              ]),
          }
        : undefined,
  }
}

export function caseloadPages(server: ApiServer, app: AppContext): void {
  server.get('/caseload', page({ action: 'person:read', personal: true }), async (request, reply) => {
    const call = pageCall(app, request)
    const query = (request.query ?? {}) as Record<string, unknown>
    const fallbackScope = defaultScope(call)
    // Those who can be a responsible officer have cases of their own, and may look at their organisation's.
    const mayChooseScope = fallbackScope === 'mine'
    const pageText = typeof query.page === 'string' ? query.page : ''
    const view: View = {
      scope: (mayChooseScope ? oneOf(query, 'scope', caseloadScopes) : undefined) ?? fallbackScope,
      attention: valuesOf(query, 'attention', attentionFilters),
      risk: valuesOf(query, 'risk', riskFilters),
      status: valuesOf(query, 'status', personStatuses),
      sort: oneOf(query, 'sort', caseloadSorts) ?? 'nextDue',
      order: oneOf(query, 'order', sortOrders) ?? 'ascending',
      page: /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : 1,
    }
    const caseloadQuery: CaseloadQuery = { ...view }
    const caseload = await readCaseload(call, caseloadQuery)
    const tasks = can(call.actor, 'task:read') ? await myTasks(call, tasksShown + 1) : undefined
    const taskRows = (tasks?.items ?? []).slice(0, tasksShown).map((task) => ({
      title: String(task.title),
      href: `/people/${String(task.personId)}`,
      reference: String(task.reference),
      dueOn: ukDate(task.dueOn),
      overdue: String(task.dueOn) < caseload.asOf,
    }))
    return render(request, reply, 'caseload/caseload.njk', {
      ...contextOf(caseload, { ...view, page: caseload.page }, fallbackScope, mayChooseScope),
      tasks: tasks === undefined ? undefined : { rows: taskRows, more: tasks.items.length > tasksShown },
    })
  })
}
