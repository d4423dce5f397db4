import { authenticate } from '../../api/authenticate.ts'
import type { ApiServer } from '../../api/route-kit.ts'
import type { AppContext } from '../../app/context.ts'
import { page } from '../page-kit.ts'
import { render } from '../view.ts'

// Pages about the service itself, open to everyone, signed in or not: the
// accessibility statement (the Public Sector Bodies (Websites and Mobile
// Applications) (No. 2) Accessibility Regulations 2018), linked from every
// page's footer.

/** When the statement was prepared and last reviewed: change it when the testing or the known issues change. */
const statementPrepared = '2026-11-24'

export function helpPages(server: ApiServer, app: AppContext): void {
  server.get('/accessibility', page({ public: true }), async (request, reply) => {
    // Signed in or not: someone signed in keeps their navigation.
    request.actor = await authenticate(app, request)
    return render(request, reply, 'help/accessibility.njk', {
      pageTitle: 'Accessibility statement',
      prepared: statementPrepared,
    })
  })
}
