import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import t from 'tap'
import { createAdCounters } from '../../src/ads/counters.js'
import { openDatabase } from '../../src/db/client.js'
import { sqliteDatabase } from '../../src/db/sqlite-database.js'
import { sqliteMigrationsFolder, runMigrations } from '../../src/db/migrate.js'
import { tempDir } from '../helper.js'

// The compact used-token table: keyed by (expires_at, id), WITHOUT ROWID, no second index, and
// the ids used before the upgrade are rewritten to the short form, so their replays stay refused.

const SUFFIX = '_compact_used_tokens'

/** A file database migrated up to the migration before the compact used-token table. */
async function databaseBefore (t: Parameters<typeof tempDir>[0]) {
  const dir = join(await tempDir(t), 'migrations')
  cpSync(sqliteMigrationsFolder, dir, { recursive: true })
  const journalFile = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> }
  const at = journal.entries.findIndex((e) => e.tag.endsWith(SUFFIX))
  t.ok(at > 0, `a migration named *${SUFFIX} is in the journal`)
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }))
  const db = openDatabase(join(dir, '..', 'old.db'))
  t.teardown(() => { db.$client.close() })
  db.$client.pragma('foreign_keys = OFF')
  migrate(db, { migrationsFolder: dir })
  db.$client.pragma('foreign_keys = ON')
  return db
}

t.test('the compact used-token migration keeps every used token, in the short form, in a WITHOUT ROWID table with no second index', async (t) => {
  const db = await databaseBefore(t)
  const c = db.$client
  c.exec(`insert into ad_used_tokens (id, expires_at) values
    ('imp:a1b2c3d4e5f6z.0', 1900000000), ('click:a1b2c3d4e5f6z.0', 1900082800), ('click:a1b2c3d4e5f6y.12', 1900000100)`)
  runMigrations(db)
  t.same(c.prepare('select expires_at as expiresAt, id from ad_used_tokens order by expires_at, id').all(), [
    { expiresAt: 1900000000, id: 'ia1b2c3d4e5f6z.0' },
    { expiresAt: 1900000100, id: 'ca1b2c3d4e5f6y.12' },
    { expiresAt: 1900082800, id: 'ca1b2c3d4e5f6z.0' }
  ])
  t.match(c.prepare("select sql from sqlite_master where name = 'ad_used_tokens'").pluck().get(), /WITHOUT ROWID/)
  t.same(c.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'ad_used_tokens'").pluck().all(), [], 'the key is the only index')

  // The counters decide replays at the flush, by the table's key: the old ids must match it.
  const counters = createAdCounters(sqliteDatabase(db), { error () {}, info () {} } as never, { campaigns: () => [], onLimitsChanged: async () => {}, now: () => new Date('2030-01-01T00:00:00Z'), flushEarly: async () => {} })
  const key = { day: '2030-01-01', slotKey: 'top', campaignId: 1, creativeId: 1 }
  await counters.event(key, 'impressions', { id: 'ia1b2c3d4e5f6z.0', expiresAt: 1900000000 })
  await counters.event(key, 'clicks', { id: 'ca1b2c3d4e5f6y.12', expiresAt: 1900000100 })
  await counters.event(key, 'clicks', { id: 'ca1b2c3d4e5f6y.11', expiresAt: 1900000100 })
  await counters.flush()
  t.match(c.prepare('select impressions, clicks, filtered_impressions as filteredImpressions, filtered_clicks as filteredClicks from ad_stats_daily').get(),
    { impressions: 0, filteredImpressions: 1, clicks: 1, filteredClicks: 1 }, 'an impression and a click used before the upgrade are replays; another placement of the decision is new')
})
