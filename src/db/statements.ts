import type Database from 'better-sqlite3'
import type { SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import type { Db } from './client.js'

const dialect = new SQLiteSyncDialect()
/** Distinct statement texts kept per connection: list and search shapes, not their values. */
const MAX_STATEMENTS = 500
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/**
 * The prepared statement for a drizzle `sql` query, kept per connection and SQL text.
 * `db.all(sql)` prepares the text again on every call, which cost a list request about a
 * sixth of its time; the values are bound parameters, so one text serves every request of
 * the same shape. Least recently used texts are dropped past MAX_STATEMENTS.
 */
function prepared (db: Db, query: SQL): { statement: Database.Statement, params: unknown[] } {
  const { sql, params } = dialect.sqlToQuery(query)
  let cache = caches.get(db.$client)
  if (!cache) { cache = new Map(); caches.set(db.$client, cache) }
  let statement = cache.get(sql)
  if (statement) {
    cache.delete(sql)
  } else {
    statement = db.$client.prepare(sql)
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!)
  }
  cache.set(sql, statement)
  return { statement, params }
}

/** Every row of a read query, through a cached prepared statement. */
export function allRows<T> (db: Db, query: SQL): T[] {
  const { statement, params } = prepared(db, query)
  return statement.all(...params) as T[]
}

/** The first row of a read query (or undefined), through a cached prepared statement. */
export function firstRow<T> (db: Db, query: SQL): T | undefined {
  const { statement, params } = prepared(db, query)
  return statement.get(...params) as T | undefined
}
