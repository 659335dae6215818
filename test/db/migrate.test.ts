import { sql } from 'drizzle-orm'
import { join } from 'node:path'
import t from 'tap'
import type { App } from '../../src/app.js'
import { openDatabase } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { buildTestApp, tempDir } from '../helper.js'

const expectedTables = ['api_tokens', 'article_tags', 'articles', 'authors', 'categories', 'settings', 'tags']

async function categorySlugs (app: App) {
  return (await app.database.all<{ slug: string }>(sql`select slug from categories order by slug`)).map((r) => r.slug)
}

// The two runMigrations tests are SQLite-only: they drive SQLite's migrator on its own handle
// (PostgreSQL's, pg-migrate.ts, has its tests on PostgreSQL).
t.test('runMigrations on a fresh file database creates every table and is idempotent', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  const db = openDatabase(file)
  t.teardown(() => { db.$client.close() })

  runMigrations(db)
  const tables = () => (db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map((r) => r.name)
  const afterFirst = tables()
  for (const table of expectedTables) t.ok(afterFirst.includes(table), `table ${table} exists`)
  const applied = () => db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }
  const appliedFirst = applied()

  t.doesNotThrow(() => runMigrations(db), 'a second run does not throw')
  t.same(tables(), afterFirst, 'no table added or lost')
  t.same(applied(), appliedFirst, 'no migration applied twice')
})

t.test('runMigrations on a database opened again later changes nothing', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  const first = openDatabase(file)
  runMigrations(first)
  first.$client.exec("insert into categories (slug, name) values ('kept', 'Kept')")
  first.$client.close()

  const second = openDatabase(file)
  t.teardown(() => { second.$client.close() })
  t.doesNotThrow(() => runMigrations(second))
  t.same(second.$client.prepare('select slug from categories').all(), [{ slug: 'kept' }])
})

t.test('without BROADSHEET_SECRET a secret is generated, persisted and reused by the next start', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'broadsheet.db') }
  const first = await buildTestApp(t, { env })
  const secret = first.secret
  t.type(secret, 'string')
  t.ok(secret.length >= 32, 'the generated secret is long enough to sign with')
  t.same(await first.database.get(sql`select value from settings where key = 'secret'`), { value: secret })
  await first.close()

  const second = await buildTestApp(t, { env })
  t.equal(second.secret, secret)
})

t.test('two in-memory databases get different generated secrets', async (t) => {
  const a = await buildTestApp(t)
  const b = await buildTestApp(t)
  t.not(a.secret, b.secret)
})

t.test('with BROADSHEET_SECRET the app signs with exactly that secret', async (t) => {
  const dir = await tempDir(t)
  const configured = 'configured-signing-secret-0123456789abcdef'
  const env = { DATABASE_URL: join(dir, 'broadsheet.db') }
  const withoutFirst = await buildTestApp(t, { env })
  const generated = withoutFirst.secret
  await withoutFirst.close()

  const app = await buildTestApp(t, { env: { ...env, BROADSHEET_SECRET: configured } })
  t.equal(app.secret, configured)
  t.not(app.secret, generated, 'the configured secret wins over a stored one')
})

t.test('BROADSHEET_DEMO=true on an empty database seeds demo content', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_DEMO: 'true' } })
  const res = await app.inject({ url: '/v1/categories?limit=100' })
  t.equal(res.statusCode, 200)
  const slugs = res.json().data.map((item: { slug: string }) => item.slug)
  t.ok(slugs.includes('world'), 'the demo categories include world')
  const authors = await app.inject({ url: '/v1/authors' })
  t.equal(authors.statusCode, 200)
  t.ok(authors.json().data.length > 0, 'demo authors exist')
})

t.test('BROADSHEET_DEMO=true on a second start does not duplicate the demo content', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'broadsheet.db'), BROADSHEET_DEMO: 'true' }
  const first = await buildTestApp(t, { env })
  const before = await categorySlugs(first)
  t.ok(before.includes('world'))
  await first.close()

  const second = await buildTestApp(t, { env })
  t.same(await categorySlugs(second), before)
})

t.test('a database that already holds a category never gets demo content', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'broadsheet.db') }
  const first = await buildTestApp(t, { env: { ...env, BROADSHEET_DEMO: 'false' } })
  await createTaxon(first, 'categories', { name: 'Local News' })
  await first.close()

  const second = await buildTestApp(t, { env: { ...env, BROADSHEET_DEMO: 'true' } })
  t.same(await categorySlugs(second), ['local-news'])
  t.same(await second.database.get(sql`select count(*) as "n" from authors`), { n: 0 }, 'no demo authors')
  t.same(await second.database.get(sql`select count(*) as "n" from tags`), { n: 0 }, 'no demo tags')
})

t.test('BROADSHEET_DEMO=false leaves an empty database empty', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_DEMO: 'false' } })
  t.same(await categorySlugs(app), [])
})
