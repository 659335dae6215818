import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { Db } from './client.js'

// src/db and dist/db sit at the same depth, so this resolves to <root>/migrations from both.
export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Applies every drizzle-kit migration not yet applied; safe to run at each start. */
export function runMigrations (db: Db): void {
  migrate(db, { migrationsFolder })
}
