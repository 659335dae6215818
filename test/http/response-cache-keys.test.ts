import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.js'
import { createCacheKeyOf, knownQueryKeys } from '../../src/http/cache-key.js'
import { createCache } from '../../src/lib/cache.js'
import { ArticleListQuerySchema } from '../../src/articles/schemas.js'
import { admin, buildTestApp } from '../helper.js'
import { createArticle } from '../fixtures/articles.js'
import { createApprovedComment } from '../fixtures/comments.js'
import { createTaxon } from '../fixtures/taxonomy.js'

// The response cache keys an answer by its path and known query parameters only.

/** A published article whose title can be changed past the API (no cache is told). */
async function quietArticle (app: App, title: string) {
  const article = await createArticle(app, { title, status: 'published' })
  return {
    article,
    quietly: async (value: string) => { await app.database.run(sql`update articles set title = ${value} where id = ${article.id}`) }
  }
}

const titles = async (app: App, url: string): Promise<string[]> => {
  const res = await app.inject({ url })
  t.equal(res.statusCode, 200, url)
  return res.json().data.map((a: { title: string }) => a.title)
}

t.test('parameter order, unknown parameters and cache busters share one entry', async (t) => {
  const app = await buildTestApp(t)
  const { quietly } = await quietArticle(app, 'Original')
  // Read twice: an answer is kept on its key's second read.
  t.same(await titles(app, '/v1/articles?limit=5&fields=title'), ['Original'])
  t.same(await titles(app, '/v1/articles?fields=title&limit=5'), ['Original'])
  await quietly('Changed quietly')
  for (const url of [
    '/v1/articles?limit=5&fields=title',
    '/v1/articles?fields=title&limit=5',
    '/v1/articles?fields=title&limit=5&utm_source=x',
    '/v1/articles?fields=title&limit=5&_=123',
    '/v1/articles?_=456&limit=5&utm_medium=mail&fields=title'
  ]) t.same(await titles(app, url), ['Original'], `${url} is a hit`)
  t.same(await titles(app, '/v1/articles?fields=title&limit=6&_=123'), ['Changed quietly'], 'another value of a known parameter is another entry')
  t.same(await titles(app, '/v1/articles?fields=title'), ['Changed quietly'], 'so is another set of known parameters')
})

t.test('values are compared decoded: %2C and a comma, + and %20 are one query', async (t) => {
  const app = await buildTestApp(t)
  const { quietly } = await quietArticle(app, 'Harbour town news')
  t.same(await titles(app, '/v1/articles?q=harbour+town&fields=title,slug'), ['Harbour town news'])
  t.same(await titles(app, '/v1/articles?q=harbour%20town&fields=title%2Cslug'), ['Harbour town news'])
  await quietly('Changed quietly')
  t.same(await titles(app, '/v1/articles?fields=title%2cslug&q=harbour%20town&_=1'), ['Harbour town news'], 'a hit')
})

t.test('a repeated parameter keeps its values in order, wherever unknown ones stand between them', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Tagged', status: 'published', tags: ['alpha', 'beta'] })
  t.same(await titles(app, '/v1/articles?tag=alpha&tag=beta&fields=title'), ['Tagged'])
  t.same(await titles(app, '/v1/articles?tag=alpha&utm_source=x&tag=beta&fields=title'), ['Tagged'])
  await app.database.run(sql`update articles set title = ${'Changed quietly'} where id = ${article.id}`)
  t.same(await titles(app, '/v1/articles?fields=title&tag=alpha&_=9&tag=beta'), ['Tagged'], 'a hit')
  t.same(await titles(app, '/v1/articles?tag=beta&tag=alpha&fields=title'), ['Changed quietly'], 'the values in another order are another entry')
})

t.test('the doorkeeper and the refresh after a write use the same key', async (t) => {
  const app = await buildTestApp(t)
  const { article, quietly } = await quietArticle(app, 'Before')
  const url = `/v1/articles/${article.slug}`
  const title = async (query: string): Promise<string> => (await app.inject({ url: `${url}${query}` })).json().title
  t.equal(await title('?_=1'), 'Before')
  t.equal(await title('?utm_source=feed'), 'Before', 'the second read of the key: kept')
  await quietly('Quiet')
  t.equal(await title(''), 'Before', 'a hit under a third spelling')
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'After' } })
  t.equal(patched.statusCode, 200)
  t.equal(await title('?_=2'), 'After', 'fresh after the write, and kept at once: it was cached before')
  await quietly('Quiet again')
  t.equal(await title('?_=3'), 'After', 'a hit')
})

t.test('an unknown parameter never changes the answer of any cached route', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Story', status: 'published', category: (await createTaxon(app, 'categories', { name: 'World' })).slug, tags: ['alpha'] })
  await createArticle(app, { title: 'Other story', status: 'published', tags: ['alpha'] })
  await createApprovedComment(app, article.id)
  const urls = [
    '/v1/articles?limit=5', '/v1/articles?q=story&count=true', `/v1/articles/${article.slug}`, `/v1/articles/${article.slug}/related`,
    `/v1/articles/${article.slug}/comments?count=true`, '/v1/tags?count=true', '/v1/categories/world', `/v1/article-pages/${article.slug}`, '/v1/ad-slots'
  ]
  for (const url of urls) {
    // Both reads run the handler: an answer is kept on its second read, not served from it.
    const busted = await app.inject({ url: `${url}${url.includes('?') ? '&' : '?'}_=1&utm_source=x` })
    const plain = await app.inject({ url })
    t.equal(plain.statusCode, 200, url)
    t.equal(busted.body, plain.body, `${url}: same answer`)
    t.equal(busted.headers.etag, plain.headers.etag)
  }
})

t.test('cache keys: no query is the URL itself, only known names count, sorted, values re-encoded', async (t) => {
  const keyOf = createCacheKeyOf()
  const known = knownQueryKeys(ArticleListQuerySchema)!
  t.ok(known.includes('q') && known.includes('tag'))
  t.same([...known], [...known].sort())
  t.equal(keyOf('/v1/articles', {}, known), '/v1/articles')
  t.equal(keyOf('/v1/articles?_=1', { _: '1' }, known), '/v1/articles')
  t.equal(keyOf('/v1/articles?tag=b&x=1&tag=a&q=a+b', { tag: ['b', 'a'], x: '1', q: 'a b' }, known), '/v1/articles?q=a%20b&tag=b&tag=a')
  t.equal(keyOf('/x?q=1', { q: '1' }, undefined), '/x?q=1', 'a schema whose keys are unknown keeps the raw URL')
  t.equal(keyOf('/v1/articles?q=%ED', { q: '\ud800' }, known), undefined, 'a lone surrogate is not cached')
  t.same(knownQueryKeys(undefined), [], 'a route without a query schema knows no parameter')
})

t.test('the key memo stays bounded and answers the same keys after it dropped them', async (t) => {
  const memo = createCache<string, string>({ max: 3 })
  const keyOf = createCacheKeyOf(memo)
  const known = ['limit']
  const keys = []
  let largest = 0
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) {
      keys.push(keyOf(`/v1/articles?limit=${i}&_=${round}`, { limit: String(i), _: String(round) }, known))
      largest = Math.max(largest, memo.size)
    }
  }
  t.same(keys, Array.from({ length: 15 }, (_, i) => `/v1/articles?limit=${i % 5}`))
  t.equal(largest, 3, 'never more than its size')
  t.equal(keyOf('/v1/articles?limit=4&_=2', {}, known), '/v1/articles?limit=4', 'a remembered URL is answered from the memo')
})
