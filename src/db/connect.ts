/**
 * Opens the database DATABASE_URL names and brings its schema up to date: a SQLite file (the
 * embedded default) or PostgreSQL (postgres:// or postgresql://). Failures a person must fix
 * (unreachable server, refused password, schema newer than the code) are DatabaseStartError,
 * whose message is one line naming DATABASE_URL and never the password.
 */
import { openDatabase as openSqlite, type Db } from './client.js'
import { dialectOf, type Database } from './database.js'
import { runMigrations } from './migrate.js'
import { openPgDatabase } from './pg-database.js'
import { runPgMigrations } from './pg-migrate.js'
import { sqliteDatabase } from './sqlite-database.js'

export interface ConnectOptions { databaseUrl: string, pgPoolSize: number }

/** The connection, and on SQLite the synchronous handle the code not yet on the async interface uses. */
export type Connected = Database & { sqlite?: Db }

/** Opens and migrates the database; see the file's comment for what it throws. */
export async function connectDatabase ({ databaseUrl, pgPoolSize }: ConnectOptions): Promise<Connected> {
  if (dialectOf(databaseUrl) === 'postgres') {
    const database = await openPgDatabase(databaseUrl, { poolSize: pgPoolSize })
    try {
      await runPgMigrations(database.pool)
    } catch (err) {
      await database.close()
      throw err
    }
    return database
  }
  const sqlite = openSqlite(databaseUrl)
  try {
    runMigrations(sqlite)
  } catch (err) {
    sqlite.$client.close()
    throw err
  }
  return Object.assign(sqliteDatabase(sqlite), { sqlite })
}
