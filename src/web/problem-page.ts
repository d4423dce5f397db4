import type { FastifyReply } from 'fastify'
import type { Problem } from '../api/problem.ts'
import { render } from './view.ts'

// Errors on a page are pages too, in the GOV.UK pattern for service errors:
// what happened and what to do next, never a message from the code. A record
// outside the user's reach and one that does not exist get the same page, so
// a page never tells whether a record exists (the refusal is audited by the
// service that refused it).

interface ErrorPage {
  title: string
  paragraphs: string[]
}

const notAvailable: ErrorPage = {
  title: 'Page not found or not available to you',
  paragraphs: [
    'If you typed the web address, check it is correct.',
    'If you followed a link to a record, it may not exist, or it may not be shared with your organisation. Ask the organisation that manages the record if you need to see it.',
  ],
}

function pageFor(problem: Problem): ErrorPage {
  switch (problem.status) {
    case 403:
    case 404:
      return problem.type.endsWith('/csrf')
        ? {
            title: 'Your form could not be sent',
            paragraphs: [
              'The page you sent the form from had expired, or it did not come from this service.',
              'Go back, reload the page and try again.',
            ],
          }
        : notAvailable
    case 409:
    case 412:
      return {
        title: 'The record has changed since you opened it',
        paragraphs: [
          'Someone else changed this record after you opened the page, so nothing you sent was saved.',
          'Go back to the record to see the latest version and try again.',
        ],
      }
    case 429:
      return {
        title: 'Too many requests',
        paragraphs: ['You have sent too many requests in a short time. Wait a minute and try again.'],
      }
    default:
      if (problem.status >= 500) {
        return {
          title: 'Sorry, there is a problem with the service',
          paragraphs: ['Try again later. Nothing you sent has been saved.'],
        }
      }
      return {
        title: 'Sorry, the service could not understand that request',
        paragraphs: ['Go back and try again.'],
      }
  }
}

export function problemPage(reply: FastifyReply, problem: Problem): FastifyReply {
  const page = pageFor(problem)
  const reference = problem.status >= 500 ? reply.request.id : undefined
  return render(
    reply.request,
    reply,
    'errors/problem.njk',
    { pageTitle: page.title, paragraphs: page.paragraphs, reference },
    problem.status,
  )
}
