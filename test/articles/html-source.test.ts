import t, { type Test } from 'tap'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp } from '../helper.js'

// An html article's raw source is for token holders: anonymous answers carry the sanitized
// html only (the source may hold what the sanitizer removed, and doubled the bytes).

const SOURCE = '<p onclick="steal()">Harbour <script>alert(1)</script>news</p>'

async function setup (t: Test) {
  const app = await buildTestApp(t)
  const html = await createPublishedArticle(app, { title: 'Html one', slug: 'html-one', format: 'html', body: SOURCE, tags: ['harbour'] })
  const markdown = await createPublishedArticle(app, { title: 'Markdown one', slug: 'markdown-one', body: 'Harbour *news*', tags: ['harbour'] })
  return { app, html, markdown }
}

t.test('GET /v1/articles/{slug} anonymously → an html article has html and no body', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/v1/articles/html-one' })
  t.equal(res.statusCode, 200)
  const article = res.json()
  t.notOk('body' in article, 'no body')
  t.equal(article.html, '<p>Harbour news</p>')
  t.notMatch(res.body, /onclick|<script/, 'nothing of the raw source in the answer')
})

t.test('GET /v1/articles/{slug} with a token → an html article carries its body too', async (t) => {
  const { app } = await setup(t)
  const editor = await tokenFor(app, 'editor')
  for (const headers of [admin, editor.headers]) {
    const res = await app.inject({ url: '/v1/articles/html-one', headers })
    t.equal(res.statusCode, 200)
    t.equal(res.json().body, SOURCE)
  }
})

t.test('a markdown article keeps its body for everyone: the source is what a frontend may render', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/v1/articles/markdown-one' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().body, 'Harbour *news*')
})

t.test('GET /v1/articles/{slug}?fields=body anonymously → an html article answers its id only', async (t) => {
  const { app, html, markdown } = await setup(t)
  const res = await app.inject({ url: '/v1/articles/html-one?fields=body,html' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: html.id, html: '<p>Harbour news</p>' })
  const list = await app.inject({ url: '/v1/articles?fields=body' })
  t.equal(list.statusCode, 200)
  t.same(list.json().data, [{ id: markdown.id, body: 'Harbour *news*' }, { id: html.id }])
  const withToken = await app.inject({ url: '/v1/articles/html-one?fields=body', headers: admin })
  t.same(withToken.json(), { id: html.id, body: SOURCE })
})

t.test('lists, related and the article page leave out the html source anonymously, not with a token', async (t) => {
  const { app } = await setup(t)
  const bodies = (items: Array<Record<string, unknown>>) => items.map((a) => [a.slug, a.body])
  const list = await app.inject({ url: '/v1/articles' })
  t.equal(list.statusCode, 200)
  t.same(bodies(list.json().data), [['markdown-one', 'Harbour *news*'], ['html-one', undefined]])
  const listed = await app.inject({ url: '/v1/articles', headers: admin })
  t.same(bodies(listed.json().data), [['markdown-one', 'Harbour *news*'], ['html-one', SOURCE]])
  const search = await app.inject({ url: '/v1/articles?q=harbour' })
  t.equal(search.statusCode, 200)
  t.notMatch(search.body, /onclick/, 'search answers too')
  const related = await app.inject({ url: '/v1/articles/markdown-one/related' })
  t.equal(related.statusCode, 200)
  t.same(bodies(related.json().data), [['html-one', undefined]])
  const page = await app.inject({ url: '/v1/article-pages/html-one' })
  t.equal(page.statusCode, 200)
  t.notOk('body' in page.json().article)
  const pageWithToken = await app.inject({ url: '/v1/article-pages/html-one', headers: admin })
  t.equal(pageWithToken.json().article.body, SOURCE)
})

t.test('a preview link reader is anonymous: html only', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app, { title: 'Draft', format: 'html', body: SOURCE })
  const issued = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: admin, payload: {} })
  t.equal(issued.statusCode, 201)
  const res = await app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(issued.json().token)}` })
  t.equal(res.statusCode, 200)
  t.notOk('body' in res.json())
  t.equal(res.json().html, '<p>Harbour news</p>')
})

t.test('the response cache and ETags keep the anonymous and token answers apart', async (t) => {
  const { app } = await setup(t)
  // Twice anonymously: the second read is kept in the response cache.
  const first = await app.inject({ url: '/v1/articles/html-one' })
  const second = await app.inject({ url: '/v1/articles/html-one' })
  t.equal(second.headers.etag, first.headers.etag)
  const withToken = await app.inject({ url: '/v1/articles/html-one', headers: admin })
  t.equal(withToken.json().body, SOURCE, 'a token read never gets the cached anonymous answer')
  t.not(withToken.headers.etag, first.headers.etag, 'the two answers have different ETags')
  t.match(String(withToken.headers.vary), /Authorization/i)
  const third = await app.inject({ url: '/v1/articles/html-one' })
  t.notOk('body' in third.json(), 'nor an anonymous read the token answer')
  // A token holder's ETag does not earn an anonymous 304.
  const conditional = await app.inject({ url: '/v1/articles/html-one', headers: { 'if-none-match': String(withToken.headers.etag) } })
  t.equal(conditional.statusCode, 200)
})
