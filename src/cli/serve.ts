import type { Actor } from '../app/actor.ts'
import { systemActor } from '../app/actor.ts'
import { configureAuthentication } from '../app/authentication-runtime.ts'
import { createUser, ensureOrganisation, issueToken } from '../app/directory.ts'
import { openDatabase } from '../store/database.ts'
import { migrate } from '../store/migrate.ts'
import { help, parse, UsageError } from './common.ts'
import { ensureDemoSignIn } from './demo-sign-in.ts'
import { appContext } from './register-commands.ts'

// `dasr serve`: migrate, start the HTTP server, print its address, and run
// the compliance scan on a schedule. On an empty embedded register it sets up
// a demonstration force with its users and prints a token to try the API with
// (a token is shown once; only its hash is stored).

const scanEveryMinutes = Number(process.env.DASR_SCAN_EVERY_MINUTES ?? 60)
// How often new audit entries are sealed into the hash chain (decision 0011).
const sealEveryMs = Number(process.env.DASR_AUDIT_SEAL_EVERY_MS ?? 1000)
// Where and how often the chain's head is exported (ASVS 16.4.3); no directory, no export.
const checkpointDir = process.env.DASR_AUDIT_CHECKPOINT_DIR?.trim() || undefined
const checkpointEveryMinutes = Number(process.env.DASR_AUDIT_CHECKPOINT_EVERY_MINUTES ?? 60)

export async function serve(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { port: { type: 'string' }, host: { type: 'string' }, help })
  if (positionals.length > 0) throw new UsageError(`dasr: unexpected argument ${JSON.stringify(positionals[0])}`)
  if (values.help) {
    process.stdout.write('dasr serve [--port N] [--host ADDRESS]: start the register (PORT and HOST also work)\n')
    return
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port: must be a whole number from 0 to 65535')
  const host = values.host ?? process.env.HOST ?? '127.0.0.1'
  if (!Number.isInteger(sealEveryMs) || sealEveryMs < 10 || sealEveryMs > 60_000)
    throw new UsageError('DASR_AUDIT_SEAL_EVERY_MS: must be a whole number of milliseconds from 10 to 60000')
  if (!Number.isInteger(checkpointEveryMinutes) || checkpointEveryMinutes < 1 || checkpointEveryMinutes > 1440)
    throw new UsageError('DASR_AUDIT_CHECKPOINT_EVERY_MINUTES: must be a whole number of minutes from 1 to 1440')

  const db = await openDatabase()
  const applied = await migrate(db)
  const app = await appContext(db)
  // Sign-in settings and the identity provider come from the environment: a mistake stops the start.
  configureAuthentication(app)
  // A checkpoint directory that cannot be written stops the start, rather than failing an hour later.
  if (checkpointDir !== undefined) {
    const { exportCheckpoint } = await import('../app/audit-trail.ts')
    await exportCheckpoint(db, checkpointDir).catch((error: unknown) => {
      throw new UsageError(
        `DASR_AUDIT_CHECKPOINT_DIR: cannot export a checkpoint to ${checkpointDir}: ${(error as Error).message}`,
      )
    })
  }
  const loaded = db.kind === 'pglite' ? await populateIfEmpty(app) : undefined
  const demo = db.kind === 'pglite' ? await ensureDemoUsers(db) : undefined
  const demoSignIns = demo === undefined ? [] : await ensureDemoSignIns(app, demo.actor)

  const { buildServer } = await import('../api/server.ts')
  const trustProxy = process.env.DASR_TRUST_PROXY?.split(',')
    .map((address) => address.trim())
    .filter(Boolean)
  const server = await buildServer({
    app,
    logger: process.env.DASR_LOG === '1',
    ...(trustProxy !== undefined && trustProxy.length > 0 ? { trustProxy } : {}),
  })
  const address = await server.listen({ port, host })

  const { scan } = await import('../app/compliance.ts')
  const runScan = () =>
    scan({ app, actor: systemActor }).catch((error: unknown) =>
      process.stderr.write(`dasr: scheduled scan failed: ${(error as Error).message}\n`),
    )
  const timer = setInterval(runScan, scanEveryMinutes * 60_000)
  timer.unref()
  const { startAuditSealer, startCheckpointExports } = await import('../app/audit-sealer.ts')
  const sealer = startAuditSealer(db, sealEveryMs)
  const checkpoints =
    checkpointDir === undefined ? undefined : startCheckpointExports(db, checkpointDir, checkpointEveryMinutes * 60_000)

  const lines = [
    `dasr: the register is running at ${address}`,
    `  database: ${db.kind} (${db.location})${applied.length > 0 ? `, applied ${applied.join(', ')}` : ''}`,
    `  health:   ${address}/health`,
    `  API:      ${address}/api/v1  (OpenAPI: ${address}/api/openapi.json)`,
  ]
  if (loaded !== undefined) lines.push(`  data:     ${loaded}`)
  if (checkpointDir !== undefined)
    lines.push(`  audit:    checkpoints of the chain exported to ${checkpointDir} every ${checkpointEveryMinutes} min`)
  if (demo !== undefined) {
    lines.push(
      `  try it:   curl -H "Authorization: Bearer ${demo.token}" -H "X-Justification: trying the demo" ${address}/api/v1/people`,
    )
    lines.push(
      `            (a token for ${demo.actor.displayName}, registrar of ${demo.actor.organisationId}; valid 1 day)`,
    )
  }
  if (demoSignIns.length > 0) {
    lines.push(`  sign in:  ${address}/sign-in with one of these demo accounts (passwords are new at every start):`)
    for (const { label, signIn } of demoSignIns) {
      lines.push(`            ${label.padEnd(24)} ${signIn.email}  password ${signIn.password}`)
      lines.push(`            ${''.padEnd(24)} TOTP secret ${signIn.secret}`)
    }
    lines.push(
      '            The security code: add the secret to an authenticator app, or run',
      '            npx dasr totp --secret SECRET (the JSON API signs in with POST /auth/login, then POST /auth/totp)',
    )
  }
  lines.push('  stop:     Ctrl+C')
  process.stdout.write(`${lines.join('\n')}\n`)

  const stop = async () => {
    clearInterval(timer)
    await server.close()
    await sealer.stop()
    await checkpoints?.stop()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

const demoPeople = Number(process.env.DASR_DEMO_PEOPLE ?? 2000)

/**
 * A newcomer should find a register with something in it: on an empty
 * embedded register, load a synthetic population (dasr demo-data) and scan it.
 */
async function populateIfEmpty(app: Awaited<ReturnType<typeof appContext>>): Promise<string | undefined> {
  const rows = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person')
  if ((rows[0]?.n ?? 0) > 0 || demoPeople <= 0) return undefined
  const { loadPopulation } = await import('../demo/load.ts')
  const { formatDay } = await import('../domain/dates/day.ts')
  process.stdout.write(`dasr: empty register; loading ${demoPeople} synthetic people (dasr demo-data)…\n`)
  const summary = await loadPopulation(app.db, {
    people: demoPeople,
    seed: 1,
    asOf: formatDay(app.today()),
    softwareVersion: app.softwareVersion,
  })
  const { scan } = await import('../app/compliance.ts')
  const scanned = await scan({ app, actor: systemActor })
  return `${summary.people} synthetic people, ${summary.activeRegistrations} active registrations, ${scanned.newBreaches} suspected breaches (all synthetic)`
}

/**
 * Sign-in details for the demonstration force's registrar, an offender
 * manager with a caseload and a victim liaison officer (the last two exist
 * once the synthetic population is loaded).
 */
async function ensureDemoSignIns(app: Awaited<ReturnType<typeof appContext>>, registrar: Actor) {
  const { actorFor } = await import('../app/directory.ts')
  const out = [
    { label: 'registrar', signIn: await ensureDemoSignIn(app, registrar, 'registrar@demo-shire.example.test') },
  ]
  for (const [label, email] of [
    ['offender manager', 'offender-manager.1@demo-shire.example.test'],
    ['victim liaison officer', 'victim-liaison-officer.1@demo-shire.example.test'],
  ] as const) {
    const row = (await app.db.query<{ id: string }>('SELECT id FROM app_user WHERE email = $1', [email]))[0]
    const actor = row === undefined ? undefined : await actorFor(app.db, row.id)
    if (actor !== undefined) out.push({ label, signIn: await ensureDemoSignIn(app, actor, email) })
  }
  return out
}

/** The demonstration force and its users on the embedded register, and a fresh token for its registrar. */
async function ensureDemoUsers(db: Awaited<ReturnType<typeof openDatabase>>): Promise<{ actor: Actor; token: string }> {
  await ensureOrganisation(db, { id: 'police:demo-shire', name: 'Demo Shire Police (synthetic)', kind: 'police' })
  const existing = await db.query<{ id: string }>(
    `SELECT id FROM app_user WHERE email = 'registrar@demo-shire.example.test'`,
  )
  const actor =
    existing[0] === undefined
      ? await createUser(db, {
          organisationId: 'police:demo-shire',
          displayName: 'Demo Registrar',
          email: 'registrar@demo-shire.example.test',
          roles: ['registrar'],
        })
      : ((await (await import('../app/directory.ts')).actorFor(db, existing[0].id)) as Actor)
  const token = await issueToken(db, actor.userId, 'dasr serve demonstration', ['*'], 1)
  return { actor, token }
}
