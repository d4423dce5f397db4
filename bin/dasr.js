#!/usr/bin/env node
// The `dasr` command. The CLI is TypeScript run by Node's type stripping
// (Node 23+, or 22.18+). On an older Node, such as a v20 first on PATH, this
// re-runs itself with the Node 24 binary from the `node` devDependency, so
// `npx dasr` works whatever the user's default Node is.

import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const stripsTypes = major >= 23 || (major === 22 && minor >= 18)

if (stripsTypes) {
  await import('../src/cli/dasr.ts')
} else {
  let node
  try {
    node = createRequire(import.meta.url).resolve('node/bin/node')
  } catch {
    process.stderr.write(
      `dasr: needs Node 22.18 or later (this is ${process.version}) and the "node" devDependency is not installed; run npm install\n`,
    )
    process.exit(1)
  }
  const result = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  if (result.error) {
    process.stderr.write(`dasr: internal error: cannot run ${node}: ${result.error.message}\n`)
    process.exit(1)
  }
  if (result.signal) process.kill(process.pid, result.signal)
  process.exit(result.status ?? 1)
}
