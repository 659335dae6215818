/**
 * The one data-layer interface both databases implement: repositories are written once
 * against it, and `openDatabase` picks SQLite or PostgreSQL from DATABASE_URL.
 *
 * Queries are built with Drizzle (`db.orm` and `db.tables`, or the `sql` tag) and run through
 * `all`, `get` and `run`, never by awaiting a builder: the SQLite implementation must see
 * every statement so that one open transaction is never joined by another request's.
 */
import type { SQL } from 'drizzle-orm'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type * as schema from './schema.js'

export type Dialect = 'sqlite' | 'postgres'

/**
 * The tables, typed as SQLite's. On PostgreSQL the same names hold `pg-schema.ts`'s tables,
 * which have the same keys and columns (a test compares them), so builder code reads alike.
 */
export type Tables = typeof schema

/** A query the executor runs: a Drizzle builder (typed by its SQLite form) or raw `sql`. */
export interface Runnable<T> { all: () => T[] }
export interface RunnableOne<T> { get: () => T | undefined }

/** What runs statements: the database itself, or a transaction. */
export interface Executor {
  readonly dialect: Dialect
  /** Builds queries only: pass them to all/get/run. */
  readonly orm: BetterSQLite3Database<typeof schema>
  readonly tables: Tables
  /**
   * Every row. Raw `sql` rows are the driver's values under the query's aliases. With
   * `values`, the query is a template made once (kept, not rebuilt per call) whose
   * `sql.placeholder(name)`s take them: its text is rendered once, not on every run.
   */
  all: (<T>(query: Runnable<T>) => Promise<T[]>) & (<T>(query: SQL, values?: Record<string, unknown>) => Promise<T[]>)
  /** The first row, or undefined (`values` as for all). */
  get: (<T>(query: RunnableOne<T>) => Promise<T | undefined>) & (<T>(query: SQL, values?: Record<string, unknown>) => Promise<T | undefined>)
  /** Runs a write; resolves to the number of rows it changed (`values` as for all). */
  run: (query: SQL | object, values?: Record<string, unknown>) => Promise<number>
  /**
   * Runs `fn` in a transaction (a savepoint when already in one): committed when it resolves,
   * rolled back when it throws. Nothing else runs on SQLite's connection meanwhile.
   */
  transaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>
}

export interface Database extends Executor {
  /** Resolves when the database answers a trivial query; rejects with DatabaseUnavailableError. */
  ping: () => Promise<void>
  /**
   * SQLite only: a number that moves when another connection (another process, the CLI)
   * commits, read synchronously (`pragma data_version`). PostgreSQL has no such counter:
   * other processes' writes reach it by notification (issue 20), so it is absent there.
   */
  readonly dataVersion?: () => number
  close: () => Promise<void>
}

/** The database could not be reached (PostgreSQL down, connection refused): a 503, not a 500. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
  readonly code = 'CMS_ERR_DATABASE_UNAVAILABLE'
}

/**
 * SQLSTATEs of a value PostgreSQL cannot take: a number out of range (22003), a NUL character
 * in text (22021), an escape jsonb cannot hold (22P05).
 */
const REFUSED_VALUE_CODES = new Set(['22003', '22021', '22P05'])

/**
 * Whether the database refused a value as it stands (out of range, a NUL character), the
 * driver's error or one wrapping it (Drizzle keeps it as `cause`). Validation refuses such
 * values first; this is what is left if one slips past it.
 */
export function isRefusedValue (err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false
  const { code, cause } = err as { code?: unknown, cause?: unknown }
  if (typeof code === 'string' && REFUSED_VALUE_CODES.has(code)) return true
  return cause !== undefined && cause !== err && isRefusedValue(cause, depth + 1)
}

/** A start-up failure to report in one line and exit 1: bad DATABASE_URL, wrong password, schema too new. */
export class DatabaseStartError extends Error {
  override name = 'DatabaseStartError'
}

/** Which database a DATABASE_URL names: postgres:// and postgresql:// are PostgreSQL, anything else a SQLite file. */
export function dialectOf (databaseUrl: string): Dialect {
  return /^postgres(?:ql)?:\/\//i.test(databaseUrl) ? 'postgres' : 'sqlite'
}

/**
 * A DATABASE_URL fit for a log line or an error: the password (and any credential in the
 * query string) replaced. SQLite paths are returned as they are.
 */
export function redactDatabaseUrl (databaseUrl: string): string {
  if (dialectOf(databaseUrl) === 'sqlite') return databaseUrl
  try {
    const url = new URL(databaseUrl)
    if (url.hostname === '' && !url.searchParams.has('host')) throw new Error('no host')
    if (url.password) url.password = '***'
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, '***')
    }
    return url.toString()
  } catch {
    return 'postgres://(not a valid URL)'
  }
}
