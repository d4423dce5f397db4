import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join } from 'node:path'
import type { ApiServer } from '../api/route-kit.ts'

// The design systems' stylesheets, scripts, fonts and images, and the
// register's own stylesheet, served from a list made at start: only files
// named here can be fetched, so no request path ever reaches the file system.

const require = createRequire(import.meta.url)
const govuk = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk')
const moj = join(dirname(require.resolve('@ministryofjustice/frontend/package.json')), 'moj')
const own = join(import.meta.dirname, 'assets')

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/manifest+json',
}

function filesIn(dir: string, urlPrefix: string): [string, string][] {
  return readdirSync(dir).map((name) => [`${urlPrefix}/${name}`, join(dir, name)])
}

/** URL → file: the GOV.UK assets, then the MoJ images (the MoJ stylesheet expects them beside GOV.UK's). */
export function assetFiles(): Map<string, string> {
  return new Map([
    ['/assets/govuk-frontend.min.css', join(govuk, 'govuk-frontend.min.css')],
    ['/assets/govuk-frontend.min.js', join(govuk, 'govuk-frontend.min.js')],
    ['/assets/moj-frontend.min.css', join(moj, 'moj-frontend.min.css')],
    ['/assets/moj-frontend.min.js', join(moj, 'moj-frontend.min.js')],
    ['/assets/manifest.json', join(govuk, 'assets', 'manifest.json')],
    ...filesIn(join(govuk, 'assets', 'fonts'), '/assets/fonts'),
    ...filesIn(join(govuk, 'assets', 'images'), '/assets/images'),
    ...filesIn(join(moj, 'assets', 'images'), '/assets/images'),
    ...filesIn(own, '/assets/register'),
  ])
}

export function assetRoutes(server: ApiServer): void {
  const files = assetFiles()
  // Read once: the set is small (about 1 MB) and fixed for the life of the process.
  const bodies = new Map([...files].map(([url, file]) => [url, readFileSync(file)]))
  server.get(
    '/assets/*',
    { schema: { hide: true }, config: { access: { public: true }, staticAsset: true, page: true } },
    async (request, reply) => {
      const path = request.url.split('?')[0] ?? ''
      const body = bodies.get(path)
      if (body === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('Not found')
      return reply
        .type(types[extname(path)] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(body)
    },
  )
}
