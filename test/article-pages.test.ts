import t from 'tap'
import type { App } from '../src/app.js'
import { buildTestApp } from './helper.js'
import { createArticle } from './fixtures/articles.js'
import { createTaxon } from './fixtures/taxonomy.js'

/** Counts the statements the app's database runs (all, get, run) while fn runs. */
async function countQueries (app: App, fn: () => Promise<unknown>): Promise<number> {
  const db = app.database as unknown as Record<'all' | 'get' | 'run', (...args: unknown[]) => unknown>
  const methods = ['all', 'get', 'run'] as const
  const originals = methods.map((m) => db[m])
  let count = 0
  methods.forEach((m, i) => { db[m] = (...args: unknown[]) => { count++; return originals[i]!(...args) } })
  try {
    await fn()
  } finally {
    methods.forEach((m, i) => { db[m] = originals[i]! })
  }
  return count
}

t.test('GET /v1/article-pages/{slug} → the article, related (4), latest (5), ad slots and commentCount', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_DEMO: 'true' } })
  const list = await app.inject({ url: '/v1/articles?featured=true&fields=slug' })
  const slug = list.json().data[0].slug
  const res = await app.inject({ url: `/v1/article-pages/${slug}` })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.article.slug, slug)
  t.ok(body.related.length >= 1 && body.related.length <= 4)
  t.equal(body.latest.length, 5)
  t.notOk(body.latest.some((a: { slug: string }) => a.slug === slug), 'latest never holds the article itself')
  t.notOk(body.related.some((a: { slug: string }) => a.slug === slug), 'related never holds the article itself')
  t.notOk('body' in body.related[0], 'teasers carry no body')
  t.same(body.adSlots.map((s: { key: string }) => s.key).sort(), ['article-inline', 'below-article', 'header', 'sidebar'])
  t.equal(body.commentCount, body.article.commentCount)
  t.match(res.headers['cache-control'], /^public/)
  const again = await app.inject({ url: `/v1/article-pages/${slug}`, headers: { 'if-none-match': res.headers.etag as string } })
  t.equal(again.statusCode, 304)
})

t.test('GET /v1/article-pages/{slug} → 404 for a draft or unknown article', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app, { title: 'Unpublished', status: 'draft' })
  t.equal((await app.inject({ url: `/v1/article-pages/${draft.slug}` })).statusCode, 404)
  const unknown = await app.inject({ url: '/v1/article-pages/no-such-story' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
})

t.test('the article page runs the same number of queries however many tags, related and latest articles there are', async (t) => {
  const app = await buildTestApp(t)
  const bare = await createArticle(app, { title: 'Bare story', status: 'published' })
  const category = await createTaxon(app, 'categories', { name: 'World' })
  const tags = Array.from({ length: 10 }, (_, i) => `Topic ${i}`)
  const rich = await createArticle(app, { title: 'Rich story', status: 'published', category: category.slug, tags })
  for (let i = 0; i < 12; i++) await createArticle(app, { title: `Neighbour ${i}`, status: 'published', category: category.slug, tags: tags.slice(0, 1 + (i % 10)) })
  const page = (slug: string) => async () => {
    app.contentChanged()
    const res = await app.inject({ url: `/v1/article-pages/${slug}` })
    t.equal(res.statusCode, 200)
  }
  await page(bare.slug)()
  await page(rich.slug)()
  const bareQueries = await countQueries(app, page(bare.slug))
  const richQueries = await countQueries(app, page(rich.slug))
  t.comment(`article page: ${bareQueries} queries for a bare article, ${richQueries} for one with 10 tags, 4 related and 5 latest`)
  t.ok(bareQueries > 0)
  // The bare article has no category or tag, so "More articles" has nothing to look up.
  t.ok(richQueries <= bareQueries + 1, 'one query more at most, whatever the number of tags, related and latest articles')
})
