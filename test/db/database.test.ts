import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { connectDatabase } from '../../src/db/connect.js'
import { DatabaseStartError, DatabaseUnavailableError, redactDatabaseUrl, dialectOf } from '../../src/db/database.js'
import { freshPostgresUrl } from '../support/postgres.js'
import { testDatabases } from '../support/databases.js'

for (const [name, open] of testDatabases) {
  t.test(`${name}: builders and raw sql give the same row values (booleans, JSON, ISO timestamps)`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { articles } = db.tables
    const at = '2025-02-01T08:30:00.123Z'
    const inserted = await db.get(db.orm.insert(articles).values({
      slug: 'a', title: 'A', featured: true, seo: { title: 'T', description: null, canonicalUrl: null }, publishedAt: at
    }).returning({ id: articles.id, featured: articles.featured, seo: articles.seo, publishedAt: articles.publishedAt }))
    t.same(inserted, { id: 1, featured: true, seo: { title: 'T', description: null, canonicalUrl: null }, publishedAt: at })
    const row = await db.get(db.orm.select().from(articles).where(eq(articles.slug, 'a')))
    t.equal(row?.publishedAt, at, 'a timestamp reads back as the ISO text written')
    t.match(row?.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'a default timestamp is ISO-8601 UTC with milliseconds')
    t.equal(row?.commentsEnabled, true)
    const raw = await db.all<{ slug: string, n: number }>(sql`select slug, count(*) as "n" from articles group by slug`)
    t.same(raw, [{ slug: 'a', n: 1 }], 'a raw count is a number, under its quoted alias')
    t.equal(await db.run(db.orm.update(articles).set({ title: 'B' }).where(eq(articles.id, 1))), 1, 'run counts changed rows')
    t.equal(await db.run(sql`update articles set title = 'C' where id = 99`), 0)
  })

  t.test(`${name}: a template takes new values on every run, outside and inside a transaction`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { articles } = db.tables
    await db.run(db.orm.insert(articles).values([{ slug: 'one', title: 'One' }, { slug: 'two', title: 'Two' }]))
    const bySlug = sql`select title as "title" from articles where slug = ${sql.placeholder('slug')}`
    t.same(await db.get(bySlug, { slug: 'one' }), { title: 'One' })
    t.same(await db.get(bySlug, { slug: 'two' }), { title: 'Two' }, 'the same template, another value: not the first answer again')
    t.equal(await db.get(bySlug, { slug: 'three' }), undefined)
    t.same(await db.transaction((tx) => tx.all(bySlug, { slug: 'two' })), [{ title: 'Two' }])
    await t.rejects(db.get(bySlug, {}), 'a missing value is an error, not a match of null')
  })

  t.test(`${name}: a transaction commits when it resolves and rolls back when it throws; a nested one is a savepoint`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { tags } = db.tables
    await db.transaction(async (tx) => {
      await tx.run(tx.orm.insert(tags).values({ slug: 'kept', name: 'Kept' }))
      await tx.transaction(async (inner) => {
        await inner.run(inner.orm.insert(tags).values({ slug: 'undone', name: 'Undone' }))
        throw new Error('inner fails')
      }).catch(() => {})
    })
    await t.rejects(db.transaction(async (tx) => {
      await tx.run(tx.orm.insert(tags).values({ slug: 'rolled-back', name: 'Rolled back' }))
      throw new Error('outer fails')
    }), /outer fails/)
    const slugs = (await db.all(db.orm.select({ slug: tags.slug }).from(tags))).map((r) => r.slug)
    t.same(slugs, ['kept'], 'only the committed outer write is left')
  })

  t.test(`${name}: a statement outside a transaction never reads its uncommitted rows nor joins it`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { tags } = db.tables
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let inserted!: () => void
    const insertedInside = new Promise<void>((resolve) => { inserted = resolve })
    const tx = db.transaction(async (tx) => {
      await tx.run(tx.orm.insert(tags).values({ slug: 'inside', name: 'Inside' }))
      inserted()
      await held
      throw new Error('roll back')
    })
    await insertedInside
    const read = db.all(db.orm.select({ slug: tags.slug }).from(tags))
    const write = db.run(db.orm.insert(tags).values({ slug: 'outside', name: 'Outside' }))
    release()
    await t.rejects(tx, /roll back/)
    // On PostgreSQL the outside write may commit before the read runs: only 'inside' must never show.
    t.notOk((await read).some((r) => r.slug === 'inside'), 'the read saw nothing of the open transaction')
    t.equal(await write, 1)
    t.same((await db.all(db.orm.select({ slug: tags.slug }).from(tags))).map((r) => r.slug), ['outside'], 'the outside write survived the rollback')
  })

  t.test(`${name}: a schema newer than the code refuses to start, in one line`, async (t) => {
    const db = await open(t)
    if (!db) return
    const future = Date.now() + 10 * 365 * 86_400_000
    await db.run(sql`insert into __drizzle_migrations (hash, created_at) values ('future', ${future})`)
    if (db.dialect === 'sqlite') {
      const { runMigrations } = await import('../../src/db/migrate.js')
      t.throws(() => runMigrations(db.sqlite!), { name: 'DatabaseStartError', message: /^The database schema is newer than this release of Broadsheet[^\n]*$/ })
    } else {
      const { runPgMigrations } = await import('../../src/db/pg-migrate.js')
      const pool = (db as unknown as { pool: import('pg').Pool }).pool
      await t.rejects(runPgMigrations(pool), { name: 'DatabaseStartError', message: /^The database schema is newer than this release of Broadsheet[^\n]*$/ })
    }
  })
}

t.test('postgres: a server that does not answer is a one-line start error naming DATABASE_URL, without the password', async (t) => {
  const url = 'postgres://broadsheet:s3cret-pass@127.0.0.1:1/news'
  const err = await connectDatabase({ databaseUrl: url, pgPoolSize: 1 }).then(() => undefined, (e: unknown) => e)
  t.type(err, DatabaseStartError)
  const message = (err as Error).message
  t.match(message, /^DATABASE_URL postgres:\/\/broadsheet:\*\*\*@127\.0\.0\.1:1\/news: cannot connect: nothing answers at that host and port$/)
  t.notMatch(message, /s3cret/, 'the password is never shown')
})

t.test('postgres: a refused password is named as such', async (t) => {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return
  const bad = new URL(url)
  bad.username = 'no_such_role_broadsheet'
  bad.password = 'wrong-secret'
  const err = await connectDatabase({ databaseUrl: bad.toString(), pgPoolSize: 1 }).then(() => undefined, (e: unknown) => e)
  t.type(err, DatabaseStartError)
  t.notMatch((err as Error).message, /wrong-secret/)
  t.match((err as Error).message, /^DATABASE_URL .*: cannot connect: /)
})

t.test('postgres: a connection the server ends mid-query is DatabaseUnavailableError, and the pool recovers', async (t) => {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return
  const db = await connectDatabase({ databaseUrl: url, pgPoolSize: 2 })
  t.teardown(() => db.close())
  const admin = await connectDatabase({ databaseUrl: url, pgPoolSize: 1 })
  t.teardown(() => admin.close())
  // A query the server is still running when its backend is terminated, as a restart does.
  const running = db.all(sql`select pg_sleep(10) as "slept", ${'broadsheet-lost-connection-test'}::text as "marker"`).then(() => undefined, (e: unknown) => e)
  let pid: number | undefined
  for (let i = 0; i < 100 && pid === undefined; i++) {
    const row = await admin.get<{ pid: number }>(sql`select pid as "pid" from pg_stat_activity where query like ${'%pg_sleep(10)%'} and pid <> pg_backend_pid() and datname = current_database()`)
    pid = row?.pid
    if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.ok(pid, 'the running query was found')
  await admin.run(sql`select pg_terminate_backend(${pid!})`)
  t.type(await running, DatabaseUnavailableError, 'the interrupted query is a DatabaseUnavailableError')
  t.same(await db.all<{ one: number }>(sql`select 1 as "one"`), [{ one: 1 }], 'the pool opens a new connection for the next query')
})

t.test('DATABASE_URL helpers: the dialect and a redacted form', async (t) => {
  t.equal(dialectOf('postgres://h/db'), 'postgres')
  t.equal(dialectOf('postgresql://h/db'), 'postgres')
  t.equal(dialectOf('./data/broadsheet.db'), 'sqlite')
  t.equal(dialectOf('file:x.db'), 'sqlite')
  t.equal(redactDatabaseUrl('postgres://u:p@h:5432/db?sslmode=require&password=x'), 'postgres://u:***@h:5432/db?sslmode=require&password=***')
  t.equal(redactDatabaseUrl('./x.db'), './x.db')
  t.equal(redactDatabaseUrl('postgres://u:p@[bad/db'), 'postgres://(not a valid URL)')
})
