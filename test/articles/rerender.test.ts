import t from 'tap'
import { asc, eq, sql } from 'drizzle-orm'
import { rerenderArticles } from '../../src/articles/rerender.js'
import { createArticle } from '../fixtures/articles.js'
import { buildTestApp } from '../helper.js'

// Articles stored before the user-content- prefix keep their html until rendered again:
// `npm run cli -- rerender` does that, changing html only.

t.test('rerenderArticles → html stored before the id prefix gets it; revision and updatedAt stay; a second run changes nothing', async (t) => {
  const app = await buildTestApp(t)
  const old = await createArticle(app, { title: 'Old', format: 'html', body: '<p id="comments"><a href="#comments">x</a></p>', status: 'published' })
  const fresh = await createArticle(app, { title: 'Fresh', body: 'No ids here' })
  // As an article written before the prefix was stored.
  const db = app.database
  const { articles } = db.tables
  const rows = () => db.all(db.orm.select().from(articles).orderBy(asc(articles.id)))
  await db.run(db.orm.update(articles).set({ html: '<p id="comments"><a href="#comments">x</a></p>' }).where(eq(articles.id, old.id)))
  const before = await rows()

  t.same(await rerenderArticles(db), { checked: 2, changed: 1 })
  const after = await rows()
  t.equal(after[0]!.html, '<p id="user-content-comments"><a href="#user-content-comments">x</a></p>')
  t.same({ ...after[0], html: before[0]!.html }, before[0], 'nothing else of the old article changed (revision, updatedAt)')
  t.same(after[1], before[1], 'an article already rendered with the prefix is left alone')
  t.equal(after[1]!.id, fresh.id)

  t.same(await rerenderArticles(db), { checked: 2, changed: 0 }, 'idempotent: nothing prefixed twice')
})

t.test('rerenderArticles → walks every batch', async (t) => {
  const app = await buildTestApp(t)
  const db = app.database
  const { articles } = db.tables
  const html = '<p id="a">a</p>'
  await db.transaction(async (tx) => {
    for (let i = 0; i < 1201; i++) {
      await tx.run(tx.orm.insert(articles).values({ slug: `a-${i}`, title: 't', body: html, format: 'html', html, status: 'draft', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' }))
    }
  })
  t.same(await rerenderArticles(db), { checked: 1201, changed: 1201 })
  const left = await db.get<{ n: number }>(sql`select count(*) as "n" from articles where html not like '%user-content-a%'`)
  t.equal(left!.n, 0)
})
