import t from 'tap'
import { asc, sql } from 'drizzle-orm'
import type { Connected } from '../../src/db/connect.js'
import { createSettingsRepository } from '../../src/db/settings.js'
import { testDatabases } from '../support/databases.js'
import { admin, buildTestApp, createClock } from '../helper.js'

function repository (db: Connected) {
  const { settings } = db.tables
  const rows = () => db.all(db.orm.select({ key: settings.key, value: settings.value, updatedAt: settings.updatedAt }).from(settings).orderBy(asc(settings.key)))
  return { settings: createSettingsRepository(db), rows }
}

for (const [name, open] of testDatabases) {
  t.test(`${name}: put stores a setting and replaces it, one row stamped with the time given`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { settings, rows } = repository(db)
    t.equal(await settings.get('ads-txt'), undefined)
    await settings.put('ads-txt', 'contact=a@example.com', '2025-02-01T00:00:00.000Z')
    await settings.put('ads-txt', 'contact=b@example.com', '2025-02-02T00:00:00.000Z')
    t.equal(await settings.get('ads-txt'), 'contact=b@example.com')
    t.same(await rows(), [{ key: 'ads-txt', value: 'contact=b@example.com', updatedAt: '2025-02-02T00:00:00.000Z' }])
  })

  t.test(`${name}: putIfAbsent keeps what is stored and answers it`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { settings } = repository(db)
    t.equal(await settings.putIfAbsent('secret', 'first'), 'first')
    t.equal(await settings.putIfAbsent('secret', 'second'), 'first', 'the first value wins')
    t.equal(await settings.get('secret'), 'first')
  })
}

t.test('both settings writes of the API go through it, stamped by the app clock', async (t) => {
  const app = await buildTestApp(t, { now: createClock('2025-02-01T08:00:00.000Z').now })
  t.equal((await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: { moderation: 'none' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', headers: admin, payload: { content: 'contact=ads@news.example\n' } })).statusCode, 200)
  const rows = await app.database.all(sql`select key, updated_at as "updatedAt" from settings where key in ('comments', 'ads-txt') order by key`)
  t.same(rows, [{ key: 'ads-txt', updatedAt: '2025-02-01T08:00:00.000Z' }, { key: 'comments', updatedAt: '2025-02-01T08:00:00.000Z' }])
})
