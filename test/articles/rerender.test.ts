import t from 'tap'
import { eq } from 'drizzle-orm'
import { rerenderArticles } from '../../src/articles/rerender.js'
import { articles } from '../../src/db/schema.js'
import { createArticle } from '../fixtures/articles.js'
import { buildTestApp } from '../helper.js'

// Articles stored before the user-content- prefix keep their html until rendered again:
// `npm run cli -- rerender` does that, changing html only.

t.test('rerenderArticles → html stored before the id prefix gets it; revision and updatedAt stay; a second run changes nothing', async (t) => {
  const app = await buildTestApp(t)
  const old = await createArticle(app, { title: 'Old', format: 'html', body: '<p id="comments"><a href="#comments">x</a></p>', status: 'published' })
  const fresh = await createArticle(app, { title: 'Fresh', body: 'No ids here' })
  // As an article written before the prefix was stored.
  app.db.update(articles).set({ html: '<p id="comments"><a href="#comments">x</a></p>' }).where(eq(articles.id, old.id)).run()
  const before = app.db.select().from(articles).orderBy(articles.id).all()

  t.same(rerenderArticles(app.db), { checked: 2, changed: 1 })
  const after = app.db.select().from(articles).orderBy(articles.id).all()
  t.equal(after[0]!.html, '<p id="user-content-comments"><a href="#user-content-comments">x</a></p>')
  t.same({ ...after[0], html: before[0]!.html }, before[0], 'nothing else of the old article changed (revision, updatedAt)')
  t.same(after[1], before[1], 'an article already rendered with the prefix is left alone')
  t.equal(after[1]!.id, fresh.id)

  t.same(rerenderArticles(app.db), { checked: 2, changed: 0 }, 'idempotent: nothing prefixed twice')
})

t.test('rerenderArticles → walks every batch', async (t) => {
  const app = await buildTestApp(t)
  const stmt = app.db.$client.prepare("insert into articles (slug, title, body, format, html, status, created_at, updated_at) values (?, 't', '<p id=\"a\">a</p>', 'html', '<p id=\"a\">a</p>', 'draft', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')")
  app.db.$client.transaction(() => { for (let i = 0; i < 1201; i++) stmt.run(`a-${i}`) })()
  t.same(rerenderArticles(app.db), { checked: 1201, changed: 1201 })
  const left = app.db.$client.prepare("select count(*) from articles where html not like '%user-content-a%'").pluck().get()
  t.equal(left, 0)
})
