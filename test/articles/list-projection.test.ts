import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { createPublishedArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { buildTestApp } from '../helper.js'

// ?fields= on lists: a projection without body and html reads rows without them, and one
// without category, tags or author runs no relation query; the values shown never change.

const ALL = ['slug', 'title', 'subtitle', 'excerpt', 'body', 'format', 'html', 'status', 'featured', 'category', 'tags', 'author', 'coverImage', 'seo', 'commentsEnabled', 'commentCount', 'wordCount', 'readingTimeMinutes', 'publishAt', 'publishedAt', 'createdAt', 'updatedAt', 'revision']

async function setup (t: Test) {
  const app = await buildTestApp(t)
  const category = await createTaxon(app, 'categories', { name: 'City' })
  const author = await createTaxon(app, 'authors', { name: 'Rosa Diaz' })
  for (let i = 0; i < 4; i++) {
    await createPublishedArticle(app, {
      title: `Flood barrier story ${i}`,
      body: `Paragraph about the flood barrier, number ${i}.\n\n${'Long text. '.repeat(600)}`,
      category: category.id,
      author: author.id,
      tags: ['harbour', `tag-${i}`],
      seo: { title: `SEO ${i}` }
    })
  }
  return app
}

/** The items of a list answer projected to `fields` by hand, from the full answer. */
function projected (items: Array<Record<string, unknown>>, fields: string[]) {
  return items.map((item) => Object.fromEntries(['id', ...fields].map((f) => [f, item[f]])))
}

for (const base of ['/v1/articles?limit=3', '/v1/articles?q=barrier&limit=3', '/v1/articles?q=barrier&sort=-publishedAt&limit=3']) {
  t.test(`${base}: every projection shows exactly the values of the full answer`, async (t) => {
    const app = await setup(t)
    const full = (await app.inject({ url: base })).json() as { data: Array<Record<string, unknown>>, meta: unknown }
    t.equal(full.data.length, 3)
    t.ok(String(full.data[0]!.body).length > 5000, 'the bodies are long (on overflow pages)')
    const sets = [
      ['slug', 'title', 'excerpt', 'publishedAt'],
      ['title', 'category', 'author', 'tags', 'wordCount', 'readingTimeMinutes'],
      ['html'],
      ['body', 'seo', 'commentCount', 'revision', 'updatedAt'],
      ALL,
      ...ALL.map((field) => [field])
    ]
    for (const fields of sets) {
      const res = await app.inject({ url: `${base}&fields=${fields.join(',')}` })
      t.equal(res.statusCode, 200)
      const body = res.json() as { data: Array<Record<string, unknown>>, meta: unknown }
      t.same(body.data, projected(full.data, fields), fields.join(','))
      // A relevance cursor names a cached ranking (its own per request); the others are exact.
      const cursorOf = (meta: unknown) => base.includes('sort=') || !base.includes('q=') ? meta : { ...(meta as object), nextCursor: Boolean((meta as { nextCursor: unknown }).nextCursor) }
      t.same(cursorOf(body.meta), cursorOf(full.meta), 'the same page and cursor')
    }
  })
}

t.test('GET /v1/articles/{id}/related?fields= shows the values of the full answer', async (t) => {
  const app = await setup(t)
  const first = (await app.inject({ url: '/v1/articles?limit=1' })).json().data[0] as { id: number }
  const full = (await app.inject({ url: `/v1/articles/${first.id}/related` })).json() as { data: Array<Record<string, unknown>> }
  t.ok(full.data.length > 0)
  for (const fields of [['slug', 'title'], ['tags', 'category'], ['html', 'excerpt']]) {
    const res = await app.inject({ url: `/v1/articles/${first.id}/related?fields=${fields.join(',')}` })
    t.same(res.json().data, projected(full.data, fields), fields.join(','))
  }
})

t.test('GET /v1/articles/{slug}?fields= shows the values of the full answer', async (t) => {
  const app = await setup(t)
  const first = (await app.inject({ url: '/v1/articles?limit=1' })).json().data[0] as { slug: string }
  const full = (await app.inject({ url: `/v1/articles/${first.slug}` })).json() as Record<string, unknown>
  for (const fields of [['slug', 'title'], ['tags', 'category', 'author'], ['html'], ...ALL.map((f) => [f])]) {
    const res = await app.inject({ url: `/v1/articles/${first.slug}?fields=${fields.join(',')}` })
    t.same(res.json(), projected([full], fields)[0], fields.join(','))
  }
})

t.test('raw reads: one prepared statement per SQL text serves every value, and results follow the values', async (t) => {
  const app = await buildTestApp(t)
  const db = app.database
  const rows = (n: number) => db.all<{ v: number }>(sql`select ${n} + 1 as "v"`)
  t.same(await rows(1), [{ v: 2 }])
  t.same(await rows(41), [{ v: 42 }], 'the same text with another value')
  t.same(await db.all<{ s: string }>(sql`select ${'a'} || ${'b'} as "s"`), [{ s: 'ab' }])
  // More distinct texts than the cache keeps: old ones are dropped and prepared again when needed.
  for (let i = 0; i < 600; i++) t.equal((await db.all<{ v: number }>(sql.raw(`select ${i} as "v"`)))[0]!.v, i)
  t.same(await rows(7), [{ v: 8 }])
})
