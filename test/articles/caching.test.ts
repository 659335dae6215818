import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import type { App } from '../../src/app.js'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp } from '../helper.js'

// Conditional and cacheable reads of articles: ETag and If-None-Match on items, lists and
// related lists; public Cache-Control for anonymous reads, private with a token.

const PUBLIC = 'public, max-age=60, stale-while-revalidate=300'
const PRIVATE = 'private, no-cache'
const ITEM_ETAG = /^"\d+-[\w-]{16}"$/
const LIST_ETAG = /^"[\w-]{16}"$/

async function setup (t: Test) {
  const app = await buildTestApp(t)
  const a = await createArticle(app, { title: 'Sea wall holds', status: 'published', category: null, tags: ['Coast'], publishedAt: '2025-01-10T08:00:00.000Z' })
  const b = await createArticle(app, { title: 'Harbour floods', status: 'published', tags: ['Coast'], publishedAt: '2025-01-11T08:00:00.000Z' })
  const draft = await createArticle(app, { title: 'Draft', tags: ['Coast'] })
  return { app, a, b, draft }
}

function varies (res: { headers: Record<string, unknown> }): string[] {
  return String(res.headers.vary ?? '').split(',').map((s) => s.trim().toLowerCase())
}

/** A 200, then the same read with its ETag in If-None-Match: a 304 with no body and the same headers. */
async function assertRevalidates (t: Test, app: App, url: string, headers: Record<string, string>, etag: RegExp, cacheControl: string) {
  const first = await app.inject({ url, headers })
  t.equal(first.statusCode, 200, `${url}: 200`)
  t.match(first.headers.etag, etag, `${url}: ETag`)
  t.equal(first.headers['cache-control'], cacheControl, `${url}: Cache-Control`)
  t.ok(varies(first).includes('authorization'), `${url}: Vary includes Authorization`)
  const again = await app.inject({ url, headers: { ...headers, 'if-none-match': String(first.headers.etag) } })
  t.equal(again.statusCode, 304, `${url}: 304 with the current ETag`)
  t.equal(again.body, '', `${url}: 304 has no body`)
  t.equal(again.headers.etag, first.headers.etag, `${url}: 304 repeats the ETag`)
  t.equal(again.headers['cache-control'], cacheControl, `${url}: 304 Cache-Control`)
  t.ok(varies(again).includes('authorization'), `${url}: 304 Vary includes Authorization`)
  return String(first.headers.etag)
}

t.test('anonymous reads → ETag, 304 on If-None-Match, public Cache-Control, Vary: Authorization', async (t) => {
  const { app, a } = await setup(t)
  await assertRevalidates(t, app, `/v1/articles/${a.id}`, {}, ITEM_ETAG, PUBLIC)
  await assertRevalidates(t, app, `/v1/articles/${a.slug}`, {}, ITEM_ETAG, PUBLIC)
  await assertRevalidates(t, app, '/v1/articles', {}, LIST_ETAG, PUBLIC)
  await assertRevalidates(t, app, '/v1/articles?tag=coast&count=true&fields=title', {}, LIST_ETAG, PUBLIC)
  await assertRevalidates(t, app, `/v1/articles/${a.id}/related`, {}, LIST_ETAG, PUBLIC)
})

t.test('reads with a token → ETag and 304 too, but private, no-cache', async (t) => {
  const { app, a, draft } = await setup(t)
  const editor = await tokenFor(app, 'editor')
  await assertRevalidates(t, app, `/v1/articles/${a.id}`, editor.headers, ITEM_ETAG, PRIVATE)
  await assertRevalidates(t, app, `/v1/articles/${draft.id}`, editor.headers, ITEM_ETAG, PRIVATE)
  await assertRevalidates(t, app, '/v1/articles', editor.headers, LIST_ETAG, PRIVATE)
  await assertRevalidates(t, app, '/v1/articles?status=any', editor.headers, LIST_ETAG, PRIVATE)
  await assertRevalidates(t, app, `/v1/articles/${a.id}/related`, editor.headers, LIST_ETAG, PRIVATE)
})

t.test('GET /v1/articles/{id} → the item ETag starts with the revision', async (t) => {
  const { app, a } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${a.id}` })
  t.equal(res.statusCode, 200)
  t.match(res.headers.etag, /^"1-/)
})

t.test('If-None-Match with weak, listed or * ETags → 304; with another ETag → 200', async (t) => {
  const { app, a } = await setup(t)
  const first = await app.inject({ url: `/v1/articles/${a.id}` })
  const etag = String(first.headers.etag)
  for (const header of [`W/${etag}`, `"0-nope", ${etag}`, '*']) {
    const res = await app.inject({ url: `/v1/articles/${a.id}`, headers: { 'if-none-match': header } })
    t.equal(res.statusCode, 304, `If-None-Match: ${header}`)
    t.equal(res.body, '')
  }
  const other = await app.inject({ url: `/v1/articles/${a.id}`, headers: { 'if-none-match': '"1-aaaaaaaaaaaaaaaa"' } })
  t.equal(other.statusCode, 200)
  t.same(other.json(), first.json())
})

t.test('GET /v1/articles/{id} after a change → the old ETag answers 200 with a new ETag', async (t) => {
  const { app, a } = await setup(t)
  const first = await app.inject({ url: `/v1/articles/${a.id}` })
  const old = String(first.headers.etag)
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { title: 'Sea wall still holds' } })
  t.equal(patched.statusCode, 200)
  const res = await app.inject({ url: `/v1/articles/${a.id}`, headers: { 'if-none-match': old } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: a.id, title: 'Sea wall still holds', revision: 2 })
  t.match(res.headers.etag, /^"2-[\w-]{16}"$/)
  t.not(res.headers.etag, old)
})

t.test('GET /v1/articles after a change → the old list ETag answers 200 with a new ETag', async (t) => {
  const { app, a, b } = await setup(t)
  const list = await app.inject({ url: '/v1/articles' })
  const old = String(list.headers.etag)
  const related = await app.inject({ url: `/v1/articles/${b.id}/related` })
  const oldRelated = String(related.headers.etag)

  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { subtitle: 'Engineers relieved' } })
  t.equal(patched.statusCode, 200)
  const afterEdit = await app.inject({ url: '/v1/articles', headers: { 'if-none-match': old } })
  t.equal(afterEdit.statusCode, 200, 'an edited item changes the list')
  t.not(afterEdit.headers.etag, old)
  const relatedAfter = await app.inject({ url: `/v1/articles/${b.id}/related`, headers: { 'if-none-match': oldRelated } })
  t.equal(relatedAfter.statusCode, 200, 'an edited related item changes the related list')

  const current = String(afterEdit.headers.etag)
  await createArticle(app, { title: 'Brand new', status: 'published' })
  const afterCreate = await app.inject({ url: '/v1/articles', headers: { 'if-none-match': current } })
  t.equal(afterCreate.statusCode, 200, 'a newly published article changes the list')
  t.equal(afterCreate.json().data[0].title, 'Brand new')
  t.not(afterCreate.headers.etag, current)
})

t.test('GET /v1/articles → the ETag differs between a full and a projected list', async (t) => {
  const { app } = await setup(t)
  const full = await app.inject({ url: '/v1/articles' })
  const projected = await app.inject({ url: '/v1/articles?fields=title' })
  t.equal(full.statusCode, 200)
  t.equal(projected.statusCode, 200)
  t.not(full.headers.etag, projected.headers.etag)
  const cross = await app.inject({ url: '/v1/articles?fields=title', headers: { 'if-none-match': String(full.headers.etag) } })
  t.equal(cross.statusCode, 200, 'the full list\'s ETag does not validate the projection')
})

t.test('GET /v1/articles/{id}?preview=… → 200 and 304 both private, no-store', async (t) => {
  const { app, draft } = await setup(t)
  const made = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: admin, payload: {} })
  t.equal(made.statusCode, 201)
  const url = made.json().url as string
  const first = await app.inject({ url })
  t.equal(first.statusCode, 200)
  t.equal(first.headers['cache-control'], 'private, no-store')
  t.ok(varies(first).includes('authorization'))
  const again = await app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } })
  t.equal(again.statusCode, 304)
  t.equal(again.headers['cache-control'], 'private, no-store', 'a preview is never stored, not even after a 304')
})

t.test('public reads are serialised once: the ETag digests exactly the bytes of the answer', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app, { title: 'Bytes', body: 'Some *text*.' })
  const digest = (body: string) => createHash('sha1').update(body).digest('base64url').slice(0, 16)
  const one = await app.inject({ url: `/v1/articles/${article.slug}` })
  t.equal(one.headers.etag, `"${article.revision}-${digest(one.body)}"`)
  for (const url of ['/v1/articles?limit=5', '/v1/articles?limit=5&fields=slug', `/v1/articles/${article.id}/comments`, `/v1/article-pages/${article.slug}`]) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers.etag, `"${digest(res.body)}"`, url)
    t.match(res.headers['content-type'], /^application\/json/, url)
  }
})
