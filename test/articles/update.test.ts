import t from 'tap'
import type { App } from '../../src/app.js'
import { articleTables, createArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem, fit } from '../helper.js'

// PATCH /v1/articles/{id}: partial updates, revisions, ETag and If-Match, slugs, tags.

function patch (app: App, id: number | string, payload: unknown, headers: Record<string, string> = admin) {
  return app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers, payload: payload as Record<string, unknown> })
}

async function fullArticle (app: App) {
  const world = await createTaxon(app, 'categories', { name: 'World' })
  const amara = await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  const created = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: admin,
    payload: {
      title: 'Sea wall holds',
      subtitle: 'Engineers watched',
      body: 'The barrier held.',
      category: 'world',
      author: 'amara-okafor',
      tags: ['Climate', 'Coast'],
      featured: true,
      coverImage: { url: 'https://images.example.com/a.jpg', alt: 'Waves', caption: 'Night' },
      seo: { title: 'SEO title', description: 'SEO description' },
      commentsEnabled: false
    }
  })
  if (created.statusCode !== 201) throw new Error(created.body)
  return { world, amara, article: created.json(), etag: String(created.headers.etag) }
}

t.test('PATCH /v1/articles/{id} → 200 with the whole article; only the sent fields change', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const res = await patch(app, article.id, { title: 'Sea wall holds again' })
  const expected = { ...article, title: 'Sea wall holds again', revision: 2, updatedAt: /^\d{4}-/ }
  const body = expectJson(t, res, 200, expected)
  t.ok(body.updatedAt >= article.updatedAt, 'updatedAt moves forward')
  t.same(body.tags, article.tags, 'tags untouched')
  t.same(body.seo, article.seo, 'seo untouched')
  t.same(body.coverImage, article.coverImage, 'cover image untouched')
  t.equal((await articleTables(app)).articleTags.length, 2)
})

t.test('PATCH /v1/articles/{id} → every field changes alone and each change is one revision', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const other = await createTaxon(app, 'categories', { name: 'Science' })
  const changes: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [{ subtitle: null }, { subtitle: null }],
    [{ featured: false }, { featured: false }],
    [{ commentsEnabled: true }, { commentsEnabled: true }],
    [{ category: 'science' }, { category: { id: other.id, slug: 'science', name: 'Science' } }],
    [{ author: null }, { author: null }],
    [{ coverImage: null }, { coverImage: null }],
    [{ seo: { title: 'New SEO title', description: 'New SEO description', canonicalUrl: 'https://news.example.com/a' } }, { seo: { title: 'New SEO title', description: 'New SEO description', canonicalUrl: 'https://news.example.com/a' } }],
    [{ body: '<p>Now <b>html</b></p>', format: 'html' }, { body: '<p>Now <b>html</b></p>', format: 'html', html: '<p>Now <b>html</b></p>', excerpt: 'Now html', wordCount: 2 }],
    [{ slug: 'sea-wall' }, { slug: 'sea-wall' }]
  ]
  let current = article
  let etag: string | undefined
  for (const [change, effect] of changes) {
    const res = await patch(app, article.id, change)
    t.equal(res.statusCode, 200, JSON.stringify(change))
    const body = res.json()
    t.same(fit(body, { ...current, ...effect, revision: current.revision + 1, updatedAt: /^\d{4}-/ }), { ...current, ...effect, revision: current.revision + 1, updatedAt: /^\d{4}-/ }, `only ${Object.keys(change).join(', ')} changed`)
    t.not(res.headers.etag, etag, 'a new ETag')
    t.match(res.headers.etag, new RegExp(`^"${current.revision + 1}-`))
    etag = String(res.headers.etag)
    current = body
  }
  t.equal((await articleTables(app)).revisions.length, changes.length + 1, 'one revision per change')
})

t.test('PATCH /v1/articles/{id} → seo with one member changes that member and keeps the others', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  t.same(article.seo, { title: 'SEO title', description: 'SEO description', canonicalUrl: null })
  const res = await patch(app, article.id, { seo: { canonicalUrl: 'https://news.example.com/sea-wall' } })
  t.equal(res.statusCode, 200)
  t.same(res.json().seo, { title: 'SEO title', description: 'SEO description', canonicalUrl: 'https://news.example.com/sea-wall' }, 'title and description are not wiped')
  const cleared = await patch(app, article.id, { seo: { title: null } })
  t.equal(cleared.statusCode, 200)
  t.same(cleared.json().seo, { title: null, description: 'SEO description', canonicalUrl: 'https://news.example.com/sea-wall' }, 'an explicit null clears one member')
})

t.test('PATCH /v1/articles/{id} → 412 with a stale If-Match, and neither the article nor its revisions change', async (t) => {
  const app = await buildTestApp(t)
  const { article, etag } = await fullArticle(app)
  const first = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': etag }, payload: { title: 'Editor one' } })
  t.equal(first.statusCode, 200)
  const before = await articleTables(app)
  const stale = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': etag }, payload: { title: 'Editor two', tags: ['Lost update'] } })
  expectProblem(t, stale, 412, 'precondition-failed', 'The resource has changed since you read it (If-Match is stale); nothing was changed')
  t.same(await articleTables(app), before, 'no change, no revision, no new tag')
  const read = await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })
  t.equal(read.json().title, 'Editor one')
})

t.test('PATCH /v1/articles/{id} → 200 with the current If-Match (from the write or a read)', async (t) => {
  const app = await buildTestApp(t)
  const { article, etag } = await fullArticle(app)
  const first = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': etag }, payload: { title: 'One' } })
  t.equal(first.statusCode, 200)
  t.equal(first.json().revision, 2)
  const second = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': String(first.headers.etag) }, payload: { title: 'Two' } })
  t.equal(second.statusCode, 200)
  const read = await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })
  t.equal(read.headers.etag, second.headers.etag)
  const third = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': String(read.headers.etag) }, payload: { title: 'Three' } })
  t.equal(third.statusCode, 200)
  t.equal(third.json().title, 'Three')
  t.equal(third.json().revision, 4)
})

t.test('PATCH /v1/articles/{id} → 400 for an empty body, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const before = await articleTables(app)
  const res = await patch(app, article.id, {})
  expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'body', message: 'Send at least one field to change' }])
  t.same(await articleTables(app), before)
})

t.test('PATCH /v1/articles/{id} → 400 naming read-only and unknown fields, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const before = await articleTables(app)
  const res = await patch(app, article.id, { title: 'New', revision: 9, html: '<p>x</p>', colour: 'red' })
  expectProblem(t, res, 400, 'validation', 'The request body has 3 invalid fields', [
    { path: 'revision', message: '"revision" is not a field you can set here' },
    { path: 'html', message: '"html" is not a field you can set here' },
    { path: 'colour', message: '"colour" is not a field you can set here' }
  ])
  t.same(await articleTables(app), before)
})

t.test('PATCH /v1/articles/{id} → 409 when the new slug is taken, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { title: 'Other', slug: 'taken' })
  const { article } = await fullArticle(app)
  const before = await articleTables(app)
  const res = await patch(app, article.id, { slug: 'taken', title: 'Would change' })
  expectProblem(t, res, 409, 'slug-taken', 'The slug "taken" is already taken')
  t.same(await articleTables(app), before)
  const same = await patch(app, article.id, { slug: article.slug })
  t.equal(same.statusCode, 200, 'its own slug is not taken')
})

t.test('PATCH /v1/articles/{id} → tags are replaced, in the order given', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const res = await patch(app, article.id, { tags: ['coast', 'Energy', 'climate'] })
  t.equal(res.statusCode, 200)
  t.same(res.json().tags.map((tag: { slug: string }) => tag.slug), ['coast', 'energy', 'climate'])
  const read = await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })
  t.same(read.json().tags.map((tag: { slug: string }) => tag.slug), ['coast', 'energy', 'climate'])
  const cleared = await patch(app, article.id, { tags: [] })
  t.equal(cleared.statusCode, 200)
  t.same(cleared.json().tags, [])
  t.same((await articleTables(app)).articleTags, [])
})

t.test('PATCH /v1/articles/{id} → 400 for an unknown tag id or category, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const before = await articleTables(app)
  const tag = await patch(app, article.id, { tags: ['New name', 404] })
  expectProblem(t, tag, 400, 'validation', 'There is no tag with id 404', [{ path: 'tags.1', message: 'There is no tag with id 404' }])
  const category = await patch(app, article.id, { category: 'nowhere', title: 'Changed' })
  expectProblem(t, category, 400, 'validation', 'There is no category "nowhere"', [{ path: 'category', message: 'There is no category "nowhere"' }])
  t.same(await articleTables(app), before)
})

t.test('PATCH /v1/articles/{idOrSlug} → 404 for an unknown article', async (t) => {
  const app = await buildTestApp(t)
  const res = await patch(app, 999, { title: 'Ghost' })
  expectProblem(t, res, 404, 'not-found', 'There is no article "999" you can change')
  const bySlug = await patch(app, 'no-such-article', { title: 'Ghost' })
  expectProblem(t, bySlug, 404, 'not-found', 'There is no article "no-such-article" you can change')
  t.same((await articleTables(app)).articles, [])
})

t.test('PATCH /v1/articles/{slug} → the article can be addressed by its slug', async (t) => {
  const app = await buildTestApp(t)
  const { article } = await fullArticle(app)
  const res = await patch(app, article.slug, { featured: false })
  t.equal(res.statusCode, 200)
  t.equal(res.json().id, article.id)
  t.equal(res.json().featured, false)
})
