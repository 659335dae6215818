import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { createSettingsRepository } from '../../src/db/settings.js'
import { admin, buildTestApp, createClock } from '../helper.js'

function repository (t: Test) {
  const db = openDatabase(':memory:')
  t.teardown(() => db.$client.close())
  runMigrations(db)
  const rows = () => db.$client.prepare('select key, value, updated_at as updatedAt from settings order by key').all()
  return { settings: createSettingsRepository(db), rows }
}

t.test('put stores a setting and replaces it, one row stamped with the time given', async (t) => {
  const { settings, rows } = repository(t)
  t.equal(settings.get('ads-txt'), undefined)
  settings.put('ads-txt', 'contact=a@example.com', '2025-02-01T00:00:00.000Z')
  settings.put('ads-txt', 'contact=b@example.com', '2025-02-02T00:00:00.000Z')
  t.equal(settings.get('ads-txt'), 'contact=b@example.com')
  t.same(rows(), [{ key: 'ads-txt', value: 'contact=b@example.com', updatedAt: '2025-02-02T00:00:00.000Z' }])
})

t.test('putIfAbsent keeps what is stored and answers it', async (t) => {
  const { settings } = repository(t)
  t.equal(settings.putIfAbsent('secret', 'first'), 'first')
  t.equal(settings.putIfAbsent('secret', 'second'), 'first', 'the first value wins')
  t.equal(settings.get('secret'), 'first')
})

t.test('both settings writes of the API go through it, stamped by the app clock', async (t) => {
  const app = await buildTestApp(t, { now: createClock('2025-02-01T08:00:00.000Z').now })
  t.equal((await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: { moderation: 'none' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', headers: admin, payload: { content: 'contact=ads@news.example\n' } })).statusCode, 200)
  const rows = app.db.$client.prepare("select key, updated_at as updatedAt from settings where key in ('comments', 'ads-txt') order by key").all()
  t.same(rows, [{ key: 'ads-txt', updatedAt: '2025-02-01T08:00:00.000Z' }, { key: 'comments', updatedAt: '2025-02-01T08:00:00.000Z' }])
})
