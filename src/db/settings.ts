// The settings table's repository: signing secret, comment policy and ads.txt.
import { eq, sql } from 'drizzle-orm'
import type { Db } from './client.js'
import { settings } from './schema.js'

/** The rows of the settings table: the signing secret, the comment policy (JSON) and ads.txt. */
export type SettingKey = 'secret' | 'comments' | 'ads-txt'

/** The settings table's one reader and writer, so every setting is stored and stamped alike. */
export function createSettingsRepository (db: Db) {
  const get = (key: SettingKey): string | undefined =>
    db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value
  return {
    get,

    /** Stores `value` under `key`, replacing what was there, stamped `at` (the app clock). */
    put (key: SettingKey, value: string, at: string): void {
      db.insert(settings).values({ key, value, updatedAt: at })
        .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` } }).run()
    },

    /** Stores `value` unless `key` has one, and returns what is stored: another process may have won the race. */
    putIfAbsent (key: SettingKey, value: string): string {
      db.insert(settings).values({ key, value }).onConflictDoNothing().run()
      return get(key)!
    }
  }
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>
