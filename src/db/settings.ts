// The settings table's repository: signing secret, comment policy and ads.txt.
import { eq, sql } from 'drizzle-orm'
import type { Executor } from './database.js'

/** The rows of the settings table: the signing secret, the comment policy (JSON) and ads.txt. */
export type SettingKey = 'secret' | 'comments' | 'ads-txt'

/** The settings repository, created once per app (`app.settings`). */
export function createSettingsRepository (db: Executor) {
  const { settings } = db.tables
  const get = async (key: SettingKey): Promise<string | undefined> =>
    (await db.get(db.orm.select({ value: settings.value }).from(settings).where(eq(settings.key, key))))?.value
  return {
    get,

    /** Stores `value` under `key`, replacing what was there, stamped `at` (the app clock). */
    async put (key: SettingKey, value: string, at: string): Promise<void> {
      await db.run(db.orm.insert(settings).values({ key, value, updatedAt: at })
        .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` } }))
    },

    /** Stores `value` unless `key` has one, and returns what is stored: another process may have won the race. */
    async putIfAbsent (key: SettingKey, value: string): Promise<string> {
      await db.run(db.orm.insert(settings).values({ key, value }).onConflictDoNothing())
      return (await get(key))!
    }
  }
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>
