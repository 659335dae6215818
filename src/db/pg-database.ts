/**
 * The Database interface over PostgreSQL: a node-postgres pool and Drizzle's node-postgres
 * driver. Lost connections become DatabaseUnavailableError (a 503); the pool reconnects on
 * the next query once the server is back.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'
import { fillPlaceholders, is, SQL } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { PgDialect } from 'drizzle-orm/pg-core'
import { DatabaseStartError, DatabaseUnavailableError, redactDatabaseUrl, type Database, type Executor, type Tables } from './database.js'
import * as pgSchema from './pg-schema.js'

// Counts and sums come back as int8/numeric, which node-postgres gives as strings to keep
// precision past 2^53; every count Broadsheet keeps is far below that, and SQLite gives numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value))

/** SQLSTATE classes and socket errors that mean "the server is not there", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006'])

function isUnavailable (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, message, cause } = err as { code?: unknown, message?: unknown, cause?: unknown }
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
  if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(message)) return true
  return cause !== undefined && cause !== err && isUnavailable(cause)
}

/** Rethrows a lost connection as DatabaseUnavailableError, anything else as it was. */
function translate (err: unknown): never {
  if (err instanceof DatabaseUnavailableError || !isUnavailable(err)) throw err
  throw new DatabaseUnavailableError('The database is not reachable', { cause: err })
}

type Orm = NodePgDatabase<typeof pgSchema>
type Queryable = Pick<Orm, 'execute' | 'transaction'>
/** What runs a raw query: the pool, or the connection a transaction holds. */
type Client = Pick<pg.Pool, 'query'>

const dialect = new PgDialect()
const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date

/**
 * How raw `sql` rows read their values, so they are SQLite's: a timestamptz as ISO-8601 UTC
 * text ('2025-01-29T08:00:00.000Z', what SQLite stores), a json document as its text. (Rows of
 * builders and of fields() go through the columns' own mapping, which takes either form.)
 */
const rawTypes = {
  getTypeParser: (id: number, format?: 'text' | 'binary') => {
    if (id === pg.types.builtins.TIMESTAMPTZ) return (text: string) => parseTimestamptz(text).toISOString()
    if (id === pg.types.builtins.JSON || id === pg.types.builtins.JSONB) return (text: string) => text
    return pg.types.getTypeParser(id, format)
  }
}

/** Distinct raw statement texts that get a name (and stay prepared on each connection). */
const NAMED_STATEMENTS = 2000
const statementNames = new Map<string, string>()

/**
 * A name for the statement's text, so each connection parses and plans it once and then
 * only binds and runs it; undefined past NAMED_STATEMENTS texts (a runaway of shapes then
 * runs unnamed rather than filling every connection's memory).
 */
function statementName (text: string): string | undefined {
  let name = statementNames.get(text)
  if (name === undefined && statementNames.size < NAMED_STATEMENTS) {
    name = `b${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
    statementNames.set(text, name)
  }
  return name
}

/** Templates (see Executor.all) rendered once: their text, parameters and statement name. */
const templates = new WeakMap<SQL, { text: string, params: unknown[], name: string | undefined }>()

/**
 * Runs a raw `sql` query on `client` with rawTypes, as a named prepared statement; with
 * `values`, a template whose text was rendered on its first run.
 */
async function rawQuery (client: Client, query: SQL, values?: Record<string, unknown>): Promise<pg.QueryResult> {
  let rendered = values === undefined ? undefined : templates.get(query)
  if (!rendered) {
    const { sql: text, params } = dialect.sqlToQuery(query)
    rendered = { text, params, name: statementName(text) }
    if (values !== undefined) templates.set(query, rendered)
  }
  const params = values === undefined ? rendered.params : fillPlaceholders(rendered.params, values)
  return await client.query({ name: rendered.name, text: rendered.text, values: params, types: rawTypes as pg.CustomTypesConfig })
}

/** The connection Drizzle's transaction holds (its session's client), so raw queries join the transaction. */
function transactionClient (tx: unknown): Client {
  const client = (tx as { session?: { client?: Client } }).session?.client
  if (client === undefined || typeof client.query !== 'function') throw new Error('drizzle-orm changed: a node-postgres transaction no longer exposes its client as session.client')
  return client
}

function executor (orm: Queryable, client: Client): Executor {
  const rows = async (query: unknown, values?: Record<string, unknown>): Promise<unknown[]> => {
    try {
      return is(query, SQL) ? (await rawQuery(client, query, values)).rows : await (query as Promise<unknown[]>)
    } catch (err) { return translate(err) }
  }
  return {
    dialect: 'postgres',
    // Builders are made by the pg driver; their types are declared as SQLite's (see Tables).
    orm: orm as unknown as Executor['orm'],
    tables: pgSchema as unknown as Tables,
    all: rows as Executor['all'],
    get: (async (query: unknown, values?: Record<string, unknown>) => (await rows(query, values))[0]) as Executor['get'],
    async run (query, values) {
      try {
        const result = is(query, SQL) ? await rawQuery(client, query, values) : await (query as Promise<{ rowCount: number | null }>)
        return result.rowCount ?? 0
      } catch (err) { return translate(err) }
    },
    async transaction (fn) {
      try {
        return await orm.transaction(async (tx) => fn(executor(tx, transactionClient(tx))))
      } catch (err) { return translate(err) }
    }
  }
}

export interface PgOptions { poolSize: number }

/** Why a connection at start failed, in words an operator can act on (never the password). */
function startFailure (databaseUrl: string, err: unknown): DatabaseStartError {
  const { code, message } = (err ?? {}) as { code?: string, message?: string }
  const reason = code === '28P01' || code === '28000'
    ? 'the user name or password was refused'
    : code === '3D000'
      ? 'the database does not exist'
      : code === 'ECONNREFUSED'
        ? 'nothing answers at that host and port'
        : code === 'ENOTFOUND'
          ? 'the host name does not resolve'
          : (message ?? String(err)).split('\n')[0]
  return new DatabaseStartError(`DATABASE_URL ${redactDatabaseUrl(databaseUrl)}: cannot connect: ${reason}`)
}

/** Opens a pool on DATABASE_URL and checks it answers; throws DatabaseStartError otherwise. */
export async function openPgDatabase (databaseUrl: string, { poolSize }: PgOptions): Promise<Database & { pool: pg.Pool, orm: Executor['orm'] }> {
  let pool: pg.Pool
  try {
    pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5000, application_name: 'broadsheet' })
  } catch (err) {
    throw startFailure(databaseUrl, err)
  }
  // An idle connection the server closed (a restart) is dropped from the pool; the next query opens another.
  pool.on('error', () => {})
  try {
    await pool.query('select 1')
  } catch (err) {
    await pool.end().catch(() => {})
    throw startFailure(databaseUrl, err)
  }
  const orm = drizzle({ client: pool, schema: pgSchema })
  let closing: Promise<void> | undefined
  return {
    ...executor(orm, pool),
    pool,
    async ping () {
      try { await pool.query('select 1') } catch (err) { translate(err) }
    },
    // Idempotent: the app's onClose may close it again after a test or the CLI did.
    close () {
      closing ??= pool.end()
      return closing
    }
  }
}
