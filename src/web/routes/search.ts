import type { ApiServer } from '../../api/route-kit.ts'
import type { AppContext } from '../../app/context.ts'
import { ValidationFailed } from '../../app/errors.ts'
import { type PersonFound, searchPeople } from '../../app/search.ts'
import { formatDay } from '../../domain/dates/day.ts'
import { hasTerms, readSearch } from '../../domain/search/normalise.ts'
import {
  addError,
  dateParts,
  type FormErrors,
  formFields,
  hasErrors,
  noErrors,
  page,
  pageCall,
  readDate,
} from '../page-kit.ts'
import { render, ukDate } from '../view.ts'

// Finding a person (issue 6, item 3): one box for a name, alias, NI number,
// vehicle, phone, e-mail or online name, an optional date of birth, and the
// reason for the search, which the audit trail keeps with it (DPA 2018
// s.62(3)(a)). A GET form, so a search can be repeated from the browser's
// history; the reason travels on to the person's record in its links.

const maxQuery = 100
const resultLimit = 50

interface SearchForm {
  q: string
  dateOfBirth: { day: string; month: string; year: string }
  because: string
}

const submitted = (query: Record<string, string>) =>
  ['q', 'because', 'dateOfBirth-day', 'dateOfBirth-month', 'dateOfBirth-year'].some((name) => name in query)

function check(
  form: SearchForm,
  justificationRequired: boolean,
  today: string,
): { errors: FormErrors; dateOfBirth?: string } {
  const errors = noErrors()
  let dateOfBirth: string | undefined
  if (form.q === '') addError(errors, 'q', 'Enter a name, number or other detail to search for')
  else if (form.q.length > maxQuery) addError(errors, 'q', `Search must be ${maxQuery} characters or fewer`)
  else if (!hasTerms(readSearch(form.q))) {
    addError(errors, 'q', 'Enter at least 2 letters of a name, or a whole number, registration or email address')
  }
  const { day, month, year } = form.dateOfBirth
  if (day !== '' || month !== '' || year !== '') {
    const read = readDate(form.dateOfBirth, 'Date of birth')
    if ('error' in read) addError(errors, 'dateOfBirth', read.error, 'dateOfBirth-day')
    else if (read.date > today) addError(errors, 'dateOfBirth', 'Date of birth must be in the past', 'dateOfBirth-day')
    else dateOfBirth = read.date
  }
  if (form.because === '') {
    if (justificationRequired) addError(errors, 'because', 'Enter a reason for this search')
  } else if (form.because.length < 3) addError(errors, 'because', 'Reason for this search must be 3 characters or more')
  else if (form.because.length > 500)
    addError(errors, 'because', 'Reason for this search must be 500 characters or fewer')
  return { errors, ...(dateOfBirth === undefined ? {} : { dateOfBirth }) }
}

function resultOf(person: PersonFound, because: string) {
  const params = because === '' ? '' : `?${new URLSearchParams({ because }).toString()}`
  return {
    href: `/people/${person.id}${params}`,
    name: `${person.givenNames} ${person.familyName}`,
    reference: person.reference,
    dateOfBirth: ukDate(person.dateOfBirth),
    managedBy: person.managingOrganisation.name,
    shared: person.reach !== 'managing',
    reasons: person.reasons.map((reason) => reason.text),
  }
}

export function searchPages(server: ApiServer, app: AppContext): void {
  server.get('/search', page({ action: 'person:search', personal: true }), async (request, reply) => {
    const query = formFields(request.query)
    const form: SearchForm = {
      q: (query.q ?? '').trim().replace(/\s+/g, ' '),
      dateOfBirth: dateParts(query, 'dateOfBirth'),
      because: (query.because ?? '').trim(),
    }
    const show = (context: Record<string, unknown>, status = 200) =>
      render(request, reply, 'search/search.njk', { pageTitle: 'Find a person', form, ...context }, status)
    if (!submitted(query)) return show({})

    const { errors, dateOfBirth } = check(
      form,
      app.settings.consultationJustification === 'required',
      formatDay(app.today()),
    )
    if (hasErrors(errors)) return show({ ...errors }, 422)
    try {
      const found = await searchPeople(pageCall(app, request), { query: form.q, dateOfBirth, limit: resultLimit })
      return show({
        pageTitle: `Find a person: ${found.items.length === 1 ? '1 result' : `${found.items.length} results`}`,
        results: found.items.map((person) => resultOf(person, form.because)),
        more: found.more,
        limit: resultLimit,
      })
    } catch (error) {
      // The page checks what the service checks; should they ever disagree, the service's word is shown on the form.
      if (!(error instanceof ValidationFailed)) throw error
      const refused = noErrors()
      for (const problem of error.problems) {
        const field = problem.field === '$.dateOfBirth' ? 'dateOfBirth' : problem.in === 'headers' ? 'because' : 'q'
        const message = `${problem.message[0]?.toUpperCase() ?? ''}${problem.message.slice(1)}`
        addError(refused, field, message, field === 'dateOfBirth' ? 'dateOfBirth-day' : field)
      }
      return show({ ...refused }, 422)
    }
  })
}
