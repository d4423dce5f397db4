import { readdir, readFile } from 'node:fs/promises'
import type { Database } from './database.ts'

// Migrations are numbered SQL files in ./migrations, applied in order, each in
// its own transaction, exactly once. Two processes starting together (two app
// instances, or `dasr migrate` beside a running server) take turns on an
// advisory lock, so a migration never runs twice.

const folder = new URL('./migrations/', import.meta.url)
const lockKey = 7_340_001 // any constant; it names "dasr migrations" among advisory locks

export interface Migration {
  version: number
  name: string
  sql: string
}

export async function migrations(): Promise<Migration[]> {
  const files = (await readdir(folder)).filter((file) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(file)).sort()
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: await readFile(new URL(file, folder), 'utf8'),
    })),
  )
}

/** Applies every migration not yet applied; returns the names of those it applied. */
export async function migrate(db: Database): Promise<string[]> {
  const all = await migrations()
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey])
    await tx.script(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
  })
  for (const migration of all) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey])
      const rows = await tx.query('SELECT 1 FROM schema_migration WHERE version = $1', [migration.version])
      if (rows.length > 0) return false
      await tx.script(migration.sql)
      await tx.execute('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ])
      return true
    })
    if (done) applied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`)
  }
  return applied
}

/** The highest applied version, or 0 for an empty database. */
export async function schemaVersion(db: Database): Promise<number> {
  const rows = await db
    .query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_migration`)
    .catch(() => [{ version: null }])
  return rows[0]?.version ?? 0
}
