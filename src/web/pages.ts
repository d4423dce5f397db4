import type { ApiServer } from '../api/route-kit.ts'
import type { AppContext } from '../app/context.ts'
import { assetRoutes } from './assets.ts'
import { problemPage } from './problem-page.ts'
import { adminPages } from './routes/admin.ts'
import { auditPages } from './routes/audit.ts'
import { caseloadPages } from './routes/caseload.ts'
import { helpPages } from './routes/help.ts'
import { impactPages } from './routes/impact.ts'
import { personPages } from './routes/person.ts'
import { recordingPages } from './routes/recording.ts'
import { registrationPages } from './routes/registration.ts'
import { searchPages } from './routes/search.ts'
import { signInPages } from './routes/sign-in.ts'
import { pagesOf } from './view.ts'

// The practitioners' pages (issue 6): server-rendered on the GOV.UK and MoJ
// design systems, working without JavaScript. Each page route declares its
// access like an API route (src/api/route-kit.ts) and calls the same
// application services, so a page can show no more than the API would.

export async function webPages(server: ApiServer, app: AppContext): Promise<void> {
  server.problemPage = problemPage
  pagesOf(server, app)
  assetRoutes(server)
  signInPages(server, app)
  caseloadPages(server, app)
  searchPages(server, app)
  personPages(server, app)
  registrationPages(server, app)
  recordingPages(server, app)
  impactPages(server, app)
  auditPages(server, app)
  adminPages(server, app)
  helpPages(server, app)
}
