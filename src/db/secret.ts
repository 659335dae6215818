import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from './client.js'
import { settings } from './schema.js'

/** The signing secret: the configured one, else one generated once and kept in the database. */
export function loadSecret (db: Db, configured: string | undefined): string {
  if (configured) return configured
  const stored = db.select({ value: settings.value }).from(settings).where(eq(settings.key, 'secret')).get()
  if (stored) return stored.value
  const generated = randomBytes(32).toString('base64url')
  db.insert(settings).values({ key: 'secret', value: generated }).onConflictDoNothing().run()
  // Another process may have won the race: read back what is stored.
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, 'secret')).get()!.value
}
