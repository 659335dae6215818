// Opens the SQLite database through Drizzle, with WAL and its pragmas.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema.js'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

/** Turns DATABASE_URL (a path, a file: URL or :memory:) into what better-sqlite3 opens. */
export function databasePath (databaseUrl: string): string {
  if (databaseUrl === ':memory:' || databaseUrl === 'file::memory:') return ':memory:'
  if (databaseUrl.startsWith('file:')) {
    // file:relative/path and file:///absolute/path both work; query strings are not options here.
    const withoutQuery = databaseUrl.split('?')[0]!
    return withoutQuery.startsWith('file://') ? fileURLToPath(withoutQuery) : resolve(withoutQuery.slice(5))
  }
  return resolve(databaseUrl)
}

/**
 * How long the write-ahead log grows (in pages: 64 MiB of 4 KiB pages) before the commit that
 * reaches it checkpoints, on the server's thread. Well above SQLite's default of 1,000: a page
 * written again and again (an index's tail) is copied once per checkpoint, and fsyncs are
 * rarer, so write throughput rises and tail latency falls, for a rarer, longer stall.
 */
export const WAL_CHECKPOINT_PAGES = 16_384

/** Opens the SQLite database with WAL, foreign keys and a busy timeout, creating parent folders. */
export function openDatabase (databaseUrl: string): Db {
  const path = databasePath(databaseUrl)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // 32 MiB of pages kept in-process (the default is 2 MiB): a search reads thousands of index
  // pages, and writes must not push the hot articles' pages out. Larger pushes memory past
  // the server's budget.
  sqlite.pragma('cache_size = -32768')
  sqlite.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
  // A log grown past this by one big write is cut back to it when it starts over.
  sqlite.pragma(`journal_size_limit = ${WAL_CHECKPOINT_PAGES * Number(sqlite.pragma('page_size', { simple: true }))}`)
  // SQLite's lower() folds only A-Z; name searches need "Über" to find "über".
  sqlite.function('casefold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLocaleLowerCase('und') : value))
  const db = drizzle({ client: statementCaching(sqlite), schema }) as Db
  // Code that prepares its own statements (statements.ts keeps them in raw mode) gets the real handle.
  db.$client = sqlite
  return db
}

/** Distinct statement texts Drizzle's builders keep prepared: their shapes, not their values. */
const BUILDER_STATEMENTS = 500

/**
 * The connection as Drizzle's builders see it: `prepare` answers from a cache by SQL text.
 * Drizzle prepares every builder query again on every call, and preparing (parsing and
 * planning) cost as much as running the statement on the hot write paths. A cached statement
 * is shared, so raw mode (which Drizzle turns on for mapped selects) is set on every use.
 */
function statementCaching (sqlite: Database.Database): Database.Database {
  // A plain Map: a lookup per statement must cost next to nothing; past the bound it starts over.
  const cache = new Map<string, Database.Statement>()
  const prepare = (source: string) => {
    let statement = cache.get(source)
    if (!statement) {
      if (cache.size >= BUILDER_STATEMENTS) cache.clear()
      statement = sqlite.prepare(source)
      cache.set(source, statement)
    }
    return sharedStatement(statement)
  }
  return new Proxy(sqlite, {
    get (target, key) {
      if (key === 'prepare') return prepare
      const value = Reflect.get(target, key, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/** A cached statement as one caller uses it: plain rows unless the caller asks for raw ones. */
function sharedStatement (statement: Database.Statement) {
  const plain = () => { if (statement.reader) statement.raw(false); return statement }
  return {
    run: (...params: unknown[]) => statement.run(...params),
    get: (...params: unknown[]) => plain().get(...params),
    all: (...params: unknown[]) => plain().all(...params),
    iterate: (...params: unknown[]) => plain().iterate(...params),
    raw: (toggle = true) => statement.raw(toggle),
    get reader () { return statement.reader },
    columns: () => statement.columns()
  }
}
