// Applies drizzle-kit's migrations at start.
import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { Db } from './client.js'
import { DatabaseStartError } from './database.js'
import { lastKnownMigration, schemaTooNew } from './migration-journal.js'

// src/db and dist/db sit at the same depth, so these resolve to <root>/migrations/<dialect> from both.
export const sqliteMigrationsFolder = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url))

/**
 * Applies every drizzle-kit migration not yet applied; safe to run at each start.
 *
 * Foreign keys are off while migrations run, as SQLite's table-rebuild procedure asks
 * (https://sqlite.org/lang_altertable.html#otheralter): drizzle runs the migrations in one
 * transaction, where the pragma cannot be changed, and dropping a rebuilt table with them on
 * would cascade to its children (0005 refuses to run with them on). When a migration was
 * applied, foreign_key_check must then find nothing, or the start fails with the violations.
 */
export function runMigrations (db: Db, migrationsFolder = sqliteMigrationsFolder): void {
  const client = db.$client
  const applied = () => (client.prepare("select count(*) from sqlite_master where name = '__drizzle_migrations'").pluck().get() === 0
    ? 0
    : client.prepare('select count(*) from __drizzle_migrations').pluck().get() as number)
  const before = applied()
  if (before > 0) {
    const last = Number(client.prepare('select max(created_at) from __drizzle_migrations').pluck().get() ?? 0)
    const known = lastKnownMigration(migrationsFolder)
    if (last > known) throw new DatabaseStartError(schemaTooNew(last, known))
  }
  const enforced = client.pragma('foreign_keys', { simple: true }) === 1
  if (enforced) client.pragma('foreign_keys = OFF')
  try {
    migrate(db, { migrationsFolder })
  } finally {
    if (enforced) client.pragma('foreign_keys = ON')
  }
  // Only after a migration ran: the check reads every table with a reference.
  if (applied() === before) return
  const violations = client.pragma('foreign_key_check') as unknown[]
  if (violations.length > 0) throw new Error(`Migrations left ${violations.length} foreign key violations: ${JSON.stringify(violations.slice(0, 5))}`)
}
