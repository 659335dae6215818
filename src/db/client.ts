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
 * How long the write-ahead log grows (in pages: 64 MiB of 4 KiB pages) before the commit that reaches
 * it copies the log into the database file and fsyncs it, there and then, on the server's
 * thread. SQLite's default, 1,000 pages, meant under a stream of comment posts one ~7 ms
 * stall every ~1,900 posts; at 16,384 pages a page written again and again (an index's tail,
 * a busy commenter's entry) is copied once per checkpoint, not once per 1,000 pages, and
 * there are 16 times fewer fsyncs: POST comment 13,402 → 15,513 req/s, p99 14 → 9 ms (eight
 * alternating runs, medians), for one ~70 ms stall every ~24,000 posts. A worker thread
 * checkpointing in the background did as well (15,346 req/s) but cost ~12 MB of RSS.
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
  // 32 MiB of pages kept in-process (the default is 2 MiB): a search reads a few thousand
  // index pages, and with a big database each miss is a read from the OS; a stream of
  // comment posts would otherwise push the hot articles' pages out. 64 MiB made warm
  // mid-frequency searches at a million articles ~30 % faster but took the server past the
  // 250 MB RSS budget of the benchmark.
  sqlite.pragma('cache_size = -32768')
  sqlite.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
  // A log grown past this by one big write is cut back to it when it starts over.
  sqlite.pragma(`journal_size_limit = ${WAL_CHECKPOINT_PAGES * Number(sqlite.pragma('page_size', { simple: true }))}`)
  // SQLite's lower() folds only A-Z; name searches need "Über" to find "über".
  sqlite.function('casefold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLocaleLowerCase('und') : value))
  return drizzle({ client: sqlite, schema }) as Db
}
