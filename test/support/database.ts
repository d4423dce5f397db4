import { randomBytes } from 'node:crypto'
import type { Actor } from '../../src/app/actor.ts'
import type { AppContext } from '../../src/app/context.ts'
import { createUser, ensureOrganisation } from '../../src/app/directory.ts'
import { type Day, day } from '../../src/domain/dates/day.ts'
import { defaultRegisterSettings } from '../../src/domain/register/settings.ts'
import { defaultLegalSettings } from '../../src/domain/settings/legal-settings.ts'
import { type Database, openDatabase } from '../../src/store/database.ts'
import { migrate } from '../../src/store/migrate.ts'

// Storage tests run on PGlite always and on PostgreSQL when DATABASE_URL is
// set (.ci/run sets it): each test file gets a fresh database of its own.

export type Backend = 'pglite' | 'postgres'
export const backends: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

export interface TestDatabase {
  db: Database
  drop(): Promise<void>
}

export async function freshDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' })
    await migrate(db)
    return { db, drop: () => db.close() }
  }
  const adminUrl = process.env.DATABASE_URL as string
  const name = `dasr_test_${randomBytes(6).toString('hex')}`
  const admin = await openDatabase({ databaseUrl: adminUrl })
  await admin.script(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = await openDatabase({ databaseUrl: url.toString() })
  await migrate(db)
  return {
    db,
    async drop() {
      await db.close()
      await admin.script(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.close()
    },
  }
}

/** A clock the test moves. */
export class TestClock {
  current: Day
  constructor(start: string) {
    this.current = day(start)
  }
  set(text: string) {
    this.current = day(text)
  }
  readonly today = () => this.current
}

export function testApp(db: Database, clock: TestClock): AppContext {
  return {
    db,
    settings: defaultRegisterSettings,
    legal: defaultLegalSettings,
    today: clock.today,
    softwareVersion: 'test',
  }
}

export interface People {
  registrar: Actor
  officer: Actor
  vlo: Actor
  probation: Actor
  otherForce: Actor
  analyst: Actor
  mappa: Actor
  partner: Actor
  auditor: Actor
  administrator: Actor
  otherOfficer: Actor
}

let counter = 0
/** Two police forces, a probation region and a victim liaison unit, each with its users. */
export async function seedPeople(db: Database): Promise<People> {
  const suffix = `${process.pid}-${counter++}`
  await ensureOrganisation(db, { id: 'police:test-shire', name: 'Test Shire Police', kind: 'police' })
  await ensureOrganisation(db, { id: 'police:other-shire', name: 'Other Shire Police', kind: 'police' })
  await ensureOrganisation(db, { id: 'probation:test-region', name: 'Test Region Probation', kind: 'probation' })
  await ensureOrganisation(db, { id: 'mappa:test-shire', name: 'Test Shire MAPPA Unit', kind: 'mappa' })
  await ensureOrganisation(db, { id: 'partner:test-housing', name: 'Test Housing Trust', kind: 'partner' })
  const user = (organisationId: string, roles: Actor['roles'][number][], name: string) =>
    createUser(db, {
      organisationId,
      roles,
      displayName: name,
      email: `${name.replace(/\s/g, '.')}.${suffix}@example.test`,
    })
  return {
    registrar: await user('police:test-shire', ['registrar'], 'Rita Registrar'),
    officer: await user('police:test-shire', ['offender-manager'], 'Omar Officer'),
    vlo: await user('police:test-shire', ['victim-liaison-officer'], 'Vera Liaison'),
    probation: await user('probation:test-region', ['offender-manager'], 'Pat Probation'),
    otherForce: await user('police:other-shire', ['registrar'], 'Olga Other'),
    analyst: await user('police:test-shire', ['analyst'], 'Ann Analyst'),
    mappa: await user('mappa:test-shire', ['mappa-coordinator'], 'Max Mappa'),
    partner: await user('partner:test-housing', ['partner-practitioner'], 'Pip Partner'),
    auditor: await user('police:test-shire', ['auditor'], 'Aud Auditor'),
    administrator: await user('police:test-shire', ['administrator'], 'Ada Admin'),
    otherOfficer: await user('police:other-shire', ['offender-manager'], 'Otto Other'),
  }
}
