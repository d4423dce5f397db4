import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

// One way to talk to PostgreSQL, whichever PostgreSQL it is: PGlite (Postgres
// compiled to WASM, data in a local directory) by default, or a server named by
// DATABASE_URL. Both speak the same SQL; the schema uses only what PostgreSQL 15
// (the oldest server we support) and PGlite share.
//
// Values come back the same from both: DATE as "YYYY-MM-DD" text (a legal date
// is a calendar date, never a JS Date at midnight somewhere), BIGINT as a
// number, TIMESTAMPTZ as a JS Date (an instant).

export type Row = Record<string, unknown>

export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs one statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>
  /** Runs a script of several statements without parameters (migrations). */
  script(sql: string): Promise<void>
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Where the data is, for messages: a directory or the server address (never a password). */
  readonly location: string
  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

const OID = { INT8: 20, DATE: 1082 } as const

function parseInt8(text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond the safe integer range`)
  return value
}

export interface OpenOptions {
  /** A postgres:// URL; without one, PGlite in `dataDir`. */
  databaseUrl?: string | undefined
  /** PGlite's data directory, or "memory://" for a database that lives only in this process. */
  dataDir?: string | undefined
}

/** Opens the database named by the options, or by DATABASE_URL / DATA_DIR, or PGlite in ./data. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl)
  if (options.dataDir !== undefined) return openPglite(options.dataDir)
  const databaseUrl = nonEmpty(process.env.DATABASE_URL)
  if (databaseUrl !== undefined) return openPostgres(databaseUrl)
  return openPglite(nonEmpty(process.env.DATA_DIR) ?? './data')
}

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value)

// ---------------------------------------------------------------------------
// PGlite

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite')
  const inMemory = dataDir.startsWith('memory://')
  const location = inMemory ? dataDir : resolve(dataDir)
  if (!inMemory) mkdirSync(location, { recursive: true })
  const parsers = { [types.DATE]: (text: string) => text, [types.INT8]: parseInt8 }
  const db = await PGlite.create(inMemory ? undefined : location, { parsers })

  type PgliteLike = Pick<typeof db, 'query' | 'exec'>
  const wrap = (target: PgliteLike): Queryable => ({
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await target.query<T>(sql, params as unknown[])).rows
    },
    async execute(sql: string, params: readonly unknown[] = []) {
      return (await target.query(sql, params as unknown[])).affectedRows ?? 0
    },
    async script(sql: string) {
      await target.exec(sql)
    },
  })
  const top = wrap(db)
  return {
    kind: 'pglite',
    location,
    ...top,
    // PGlite is one connection: its transaction() holds a lock, so concurrent
    // callers in this process wait their turn rather than interleave.
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    close: () => db.close(),
  }
}

// ---------------------------------------------------------------------------
// PostgreSQL server

async function openPostgres(url: string): Promise<Database> {
  const { default: pg } = await import('pg')
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
    if (oid === OID.DATE) return (text: string) => text
    if (oid === OID.INT8) return parseInt8
    return pg.types.getTypeParser(oid, format)
  }) as typeof pg.types.getTypeParser
  const pool = new pg.Pool({
    connectionString: url,
    types: { getTypeParser },
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    application_name: 'dasr',
  })
  // An idle client that loses its connection must not crash the process; the
  // next query gets a fresh one.
  pool.on('error', () => {})

  type Client = { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; rowCount: number | null }> }
  const wrap = (target: Client): Queryable => ({
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await target.query(sql, params as unknown[])).rows as T[]
    },
    async execute(sql: string, params: readonly unknown[] = []) {
      return (await target.query(sql, params as unknown[])).rowCount ?? 0
    },
    async script(sql: string) {
      // Without parameters node-postgres uses the simple query protocol, which
      // accepts several statements.
      await target.query(sql)
    },
  })
  const top = wrap(pool as unknown as Client)
  return {
    kind: 'postgres',
    location: redact(url),
    ...top,
    async transaction(work) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await work(wrap(client as unknown as Client))
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}

/** The server address without credentials, for logs and messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.password = ''
    parsed.username = parsed.username ? parsed.username : ''
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  } catch {
    return 'postgres (unparseable URL)'
  }
}
