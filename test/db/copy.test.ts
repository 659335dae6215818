import t from 'tap'
import { asc, getTableColumns, sql, type Column, type Table } from 'drizzle-orm'
import { connectDatabase, type Connected } from '../../src/db/connect.js'
import { COPY_ORDER, copySite } from '../../src/db/copy.js'
import { seedDemo } from '../../src/demo/seed.js'
import { freshPostgresUrl } from '../support/postgres.js'

/** Every row of every table, in key order, as the target's Drizzle reads them. */
async function dump (db: Connected) {
  const out: Record<string, unknown[]> = {}
  for (const name of COPY_ORDER) {
    const table = db.tables[name] as unknown as Table
    // Every column but JSON documents, which PostgreSQL's json type cannot order.
    const columns = (Object.values(getTableColumns(table)) as Column[]).filter((c) => c.dataType !== 'json')
    const rows = await db.all<Record<string, unknown>>((db.orm.select().from(table as never) as any).orderBy(...columns.map((c) => asc(c))))
    out[name] = rows
  }
  return out
}

t.test('the demo site copied from SQLite to PostgreSQL reads back row for row, ids and sequences kept', async (t) => {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return
  const source = await connectDatabase({ databaseUrl: ':memory:', pgPoolSize: 1 })
  t.teardown(() => source.close())
  t.ok(await seedDemo(source, new Date('2025-02-01T08:00:00.000Z')), 'the demo is seeded')
  // A reply, so the self-reference of comments is copied too.
  source.sqlite!.$client.exec('insert into comments (article_id, status, body, author_name, author_email, avatar_hash) values (1, \'approved\', \'First\', \'A\', \'a@example.com\', \'h\')')
  source.sqlite!.$client.exec('insert into comments (article_id, parent_id, depth, status, body, author_name, author_email, avatar_hash) values (1, 1, 1, \'approved\', \'Reply\', \'B\', \'b@example.com\', \'h\')')
  const target = await connectDatabase({ databaseUrl: url, pgPoolSize: 2 })
  t.teardown(() => target.close())

  let indexed = 0
  const report = await copySite(source, target, { afterArticles: async (tx) => { indexed = (await tx.all(tx.orm.select().from(tx.tables.articles))).length } })
  t.ok(report.rows > 50, `${report.rows} rows copied`)
  t.equal(indexed, report.tables.find((r) => r.table === 'articles')!.rows, 'the search hook ran with every article in place')
  t.same(await dump(target), await dump(source), 'every table reads back the same on both databases')

  const next = await target.get<{ id: number }>(target.orm.insert(target.tables.tags).values({ slug: 'new-after-copy', name: 'New' }).returning({ id: target.tables.tags.id }))
  const highest = await source.get<{ n: number }>(sql`select max(id) as "n" from tags`)
  t.equal(next!.id, highest!.n + 1, 'a new row continues after the copied ids')
})

t.test('a copy into a database that holds content is refused and changes nothing', async (t) => {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return
  const source = await connectDatabase({ databaseUrl: ':memory:', pgPoolSize: 1 })
  t.teardown(() => source.close())
  await seedDemo(source)
  const target = await connectDatabase({ databaseUrl: url, pgPoolSize: 1 })
  t.teardown(() => target.close())
  await target.run(target.orm.insert(target.tables.tags).values({ slug: 'already', name: 'Already' }))
  await t.rejects(copySite(source, target), { name: 'CopyError', message: /already holds rows in tags/ })
  t.equal((await target.all(target.orm.select().from(target.tables.tags))).length, 1, 'only the row that was there')
})

t.test('a copy that fails half-way leaves the target empty', async (t) => {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return
  const source = await connectDatabase({ databaseUrl: ':memory:', pgPoolSize: 1 })
  t.teardown(() => source.close())
  await seedDemo(source)
  const target = await connectDatabase({ databaseUrl: url, pgPoolSize: 1 })
  t.teardown(() => target.close())
  await t.rejects(copySite(source, target, { afterArticles: async () => { throw new Error('search index failed') } }), /search index failed/)
  t.equal((await target.all(target.orm.select().from(target.tables.articles))).length, 0, 'no article was left behind')
})
