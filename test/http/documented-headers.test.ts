import t from 'tap'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, postComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, buildTestApp } from '../helper.js'

// The response headers the OpenAPI document promises (src/http/openapi-headers.ts), checked on
// real answers: Location on 201s, ETag and Cache-Control on reads, RateLimit-* and Retry-After.

t.test('a posted comment answers 201 with Location naming the comment moderators reach', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, commentForm())
  t.equal(res.statusCode, 201)
  const { id } = res.json() as { id: number }
  t.equal(res.headers.location, `/v1/comments/${id}`)
  const moderated = await app.inject({ method: 'PATCH', url: res.headers.location as string, headers: admin, payload: { status: 'approved' } })
  t.equal(moderated.statusCode, 200, 'the Location is the comment moderators change')
})

t.test('a preview token answers 201 with Location: the preview link, which shows the draft', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app, { title: 'Embargoed budget' })
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: admin, payload: {} })
  t.equal(res.statusCode, 201)
  t.equal(res.headers.location, (res.json() as { url: string }).url, 'Location is the url of the answer')
  const preview = await app.inject({ url: res.headers.location as string })
  t.equal(preview.statusCode, 200)
  t.equal((preview.json() as { title: string }).title, 'Embargoed budget')
})

t.test('a read sends ETag and Cache-Control; a rate-limited post sends RateLimit-*, and its 429 Retry-After', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const read = await app.inject({ url: '/v1/articles' })
  t.match(read.headers.etag, /^"[^"]+"$/)
  t.match(read.headers['cache-control'], /max-age=60/)
  await putCommentSettings(app, { postsPerMinute: 1 })
  const first = await postComment(app, article.id, commentForm(), { ip: '192.0.2.61' })
  t.equal(first.statusCode, 201)
  t.equal(first.headers['ratelimit-limit'], '1')
  t.equal(first.headers['ratelimit-remaining'], '0')
  t.match(first.headers['ratelimit-reset'], /^\d+$/)
  const second = await postComment(app, article.id, commentForm(), { ip: '192.0.2.61' })
  t.equal(second.statusCode, 429)
  t.match(second.headers['retry-after'], /^\d+$/)
  t.equal(second.headers['ratelimit-remaining'], '0')
})
