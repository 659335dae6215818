/**
 * Applies PostgreSQL's drizzle-kit migrations (migrations/postgres) at start, under an
 * advisory lock so instances starting together migrate once, and refuses a database whose
 * schema is newer than this release.
 */
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { DatabaseStartError } from './database.js'
import { lastKnownMigration, schemaTooNew } from './migration-journal.js'

export const pgMigrationsFolder = fileURLToPath(new URL('../../migrations/postgres', import.meta.url))

/** Any constant: the key of the advisory lock migrations hold, the same in every instance. */
const MIGRATION_LOCK = 7_210_401

/** Migrates the schema the connection's search_path names first (public by default). */
export async function runPgMigrations (pool: pg.Pool, folder = pgMigrationsFolder): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      const schema = (await client.query<{ schema: string }>('select current_schema() as schema')).rows[0]?.schema
      if (!schema) throw new DatabaseStartError('DATABASE_URL: the connection has no current schema (check search_path)')
      const known = lastKnownMigration(folder)
      const table = await client.query<{ exists: boolean }>('select to_regclass($1) is not null as exists', [`"${schema}".__drizzle_migrations`])
      if (table.rows[0]?.exists) {
        const applied = await client.query<{ at: string | null }>(`select max(created_at)::text as at from "${schema}".__drizzle_migrations`)
        const last = Number(applied.rows[0]?.at ?? 0)
        if (last > known) throw new DatabaseStartError(schemaTooNew(last, known))
      }
      // The migrations table sits beside the tables, so one database can hold several sites' schemas.
      await migrate(drizzle({ client }), { migrationsFolder: folder, migrationsSchema: schema })
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    client.release()
  }
}
