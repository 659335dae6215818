import t from 'tap'
import { createPublishedArticle } from '../fixtures/articles.js'
import { postComment } from '../fixtures/comments.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// GET /v1/comments/{id}: the moderation view of one comment, the address a comment post's
// Location names.

t.test('GET /v1/comments/{id} → 200 with the moderation comment a post\'s Location names', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await postComment(app, article.id, { body: 'The tide was high', authorName: 'Rosa', authorEmail: 'Rosa@Example.net' }, { ip: '192.0.2.7' })
  t.equal(posted.statusCode, 201)
  const location = posted.headers.location
  t.equal(location, `/v1/comments/${posted.json().id}`)
  const res = await app.inject({ url: String(location), headers: admin })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'private, no-store')
  t.match(res.json(), { id: posted.json().id, articleId: article.id, status: 'pending', body: 'The tide was high', authorName: 'Rosa', authorEmail: 'rosa@example.net', ip: '192.0.2.7' })
  const queue = await app.inject({ url: '/v1/comments?status=pending', headers: admin })
  t.same(res.json(), queue.json().data[0], 'the same object as in the moderation queue')
})

t.test('GET /v1/comments/{id} without a token → 401, with an author token → 403: email and IP stay with editors', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await postComment(app, article.id, { body: 'Hello', authorName: 'Rosa', authorEmail: 'rosa@example.net' })
  const url = `/v1/comments/${posted.json().id}`
  expectProblem(t, await app.inject({ url }), 401, 'unauthorized', /needs an API token/)
  const author = await tokenFor(app, 'author')
  expectProblem(t, await app.inject({ url, headers: author.headers }), 403, 'forbidden', /editor role or higher/)
})

t.test('GET /v1/comments/{unknown} → 404, a bad id → 400 naming it', async (t) => {
  const app = await buildTestApp(t)
  expectProblem(t, await app.inject({ url: '/v1/comments/999', headers: admin }), 404, 'not-found', 'There is no comment with id 999')
  const bad = await app.inject({ url: '/v1/comments/abc', headers: admin })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { errors: [{ path: 'id' }] })
})
