// Prepared statements cached per SQL text, and fast row mapping, for hot reads.
import type Database from 'better-sqlite3'
import { fillPlaceholders, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import type { Db } from './client.js'

const dialect = new SQLiteSyncDialect()
/** Distinct statement texts kept per connection: list and search shapes, not their values. */
const MAX_STATEMENTS = 500
type Row = Record<string, unknown>
interface Prepared { statement: Database.Statement, toObject: (values: unknown[]) => Row }
const caches = new WeakMap<Database.Database, Map<string, Prepared>>()

/**
 * A function making a row object from its values, compiled for the statement's column names
 * (as fast-json-stringify compiles serialisers): better-sqlite3 builds row objects property
 * by property through V8's C++ API, which took half of a list query's time; raw arrays turned
 * into objects by a compiled literal take a fraction. Names are JSON-quoted, never code.
 */
function objectMaker (columns: string[]): (values: unknown[]) => Row {
  if (columns.includes('__proto__')) throw new Error('A column named __proto__ cannot be a row field')
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')
  // eslint-disable-next-line no-new-func -- see above: a literal per statement, from column names only
  return new Function('v', `return { ${fields} }`) as (values: unknown[]) => Row
}

/**
 * The statement kept in `caches` (or `writes` for statements that return no rows) for one
 * connection and SQL text. `db.all(sql)` prepared the text again on every call, a large share
 * of a list request's time; the values are bound parameters, so one text serves every
 * request of the same shape. Texts are query shapes, a few hundred at most; past
 * MAX_STATEMENTS the cache starts over.
 */
function kept<S> (store: WeakMap<Database.Database, Map<string, S>>, db: Db, text: string, make: () => S): S {
  let cache = store.get(db.$client)
  if (!cache) { cache = new Map(); store.set(db.$client, cache) }
  let entry = cache.get(text)
  if (!entry) {
    entry = make()
    if (cache.size >= MAX_STATEMENTS) cache.clear()
    cache.set(text, entry)
  }
  return entry
}

const readStatement = (db: Db, text: string): Prepared => kept(caches, db, text, () => {
  const statement = db.$client.prepare(text).raw(true)
  return { statement, toObject: objectMaker(statement.columns().map((c) => c.name)) }
})

const templates = new WeakMap<SQL, { sql: string, params: unknown[] }>()

/** A template's text and parameters (see Executor.all), rendered on its first run only. */
function rendered (query: SQL): { sql: string, params: unknown[] } {
  let text = templates.get(query)
  if (!text) { text = dialect.sqlToQuery(query); templates.set(query, text) }
  return text
}

/**
 * The statement of a read query and its parameters: a template's (`values` given) takes them
 * in its placeholders; Drizzle building and rendering a query's text on every run was a
 * tenth of an uncached article read.
 */
function statementOf (db: Db, query: SQL, values: Record<string, unknown> | undefined): Prepared & { params: unknown[] } {
  const { sql, params } = values === undefined ? dialect.sqlToQuery(query) : rendered(query)
  return { ...readStatement(db, sql), params: values === undefined ? params : fillPlaceholders(params, values) }
}

/** Every row of a read query, through a cached prepared statement. */
export function allRows<T> (db: Db, query: SQL, values?: Record<string, unknown>): T[] {
  const { statement, toObject, params } = statementOf(db, query, values)
  return (statement.all(...params) as unknown[][]).map(toObject) as T[]
}

/** The first row of a read query (or undefined), through a cached prepared statement. */
export function firstRow<T> (db: Db, query: SQL, values?: Record<string, unknown>): T | undefined {
  const { statement, toObject, params } = statementOf(db, query, values)
  const row = statement.get(...params) as unknown[] | undefined
  return row === undefined ? undefined : toObject(row) as T
}

/** A fixed read statement (prepared once) whose rows come as objects through a compiled maker. */
export function rowReader<T> (db: Db, text: string) {
  const statement = db.$client.prepare(text).raw(true)
  const toObject = objectMaker(statement.columns().map((c) => c.name))
  return {
    get: (...params: unknown[]): T | undefined => {
      const values = statement.get(...params) as unknown[] | undefined
      return values === undefined ? undefined : toObject(values) as T
    },
    all: (...params: unknown[]): T[] => (statement.all(...params) as unknown[][]).map(toObject) as T[]
  }
}

const writes = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** Runs a write template (see Executor.run) through a statement prepared once per text; its changed rows. */
export function runTemplate (db: Db, query: SQL, values: Record<string, unknown>): number {
  const { sql, params } = rendered(query)
  const statement: Database.Statement<unknown[]> = kept(writes, db, sql, () => db.$client.prepare(sql))
  return statement.run(...fillPlaceholders(params, values)).changes
}
