import t from 'tap'
import { createPublishedArticle } from '../fixtures/articles.js'
import { storedComments, createComment, expectedAvatarHash, storedCommentStatus } from '../fixtures/comments.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// Moderating comments: PATCH /v1/comments/{id} (status or body), PATCH /v1/comments (bulk
// status) and DELETE /v1/comments/{id} (for good). Counts are in counts.test.ts.

const ONE_FIELD = 'The request body has 1 invalid field'

t.test('PATCH /v1/comments/{id} {status} → 200 with the whole moderation comment, updatedAt moved', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id, { body: 'Hello', authorName: 'Rosa', authorEmail: 'rosa@example.net' }, { ip: '192.0.2.9' })
  clock.advance(60_000)
  const res = await app.inject({ method: 'PATCH', url: `/v1/comments/${posted.id}`, headers: admin, payload: { status: 'approved' } })
  expectJson(t, res, 200, {
    id: posted.id,
    articleId: article.id,
    parentId: null,
    authorName: 'Rosa',
    authorUrl: null,
    avatarHash: expectedAvatarHash('rosa@example.net'),
    body: 'Hello',
    html: '<p>Hello</p>',
    createdAt: '2025-03-01T10:00:00.000Z',
    status: 'approved',
    authorEmail: 'rosa@example.net',
    ip: '192.0.2.9',
    userAgent: 'lightMyRequest',
    flags: ['first-time'],
    updatedAt: '2025-03-01T10:01:00.000Z'
  })
  t.equal(await storedCommentStatus(app, posted.id), 'approved')
})

t.test('PATCH /v1/comments/{id} moves a comment through every status', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id)
  for (const status of ['approved', 'spam', 'trash', 'pending', 'approved'] as const) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/comments/${posted.id}`, headers: admin, payload: { status } })
    t.equal(res.statusCode, 200)
    t.equal(res.json().status, status)
    t.equal(await storedCommentStatus(app, posted.id), status)
  }
})

t.test('PATCH /v1/comments/{id} {body} → 200 with the edited body and its html; the status stays', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id, { body: 'Teh tide' })
  const res = await app.inject({ method: 'PATCH', url: `/v1/comments/${posted.id}`, headers: admin, payload: { body: '  The tide <3\nhttps://example.org/t  ' } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    id: posted.id,
    status: 'pending',
    body: 'The tide <3\nhttps://example.org/t',
    html: '<p>The tide &lt;3<br><a href="https://example.org/t" rel="nofollow ugc">https://example.org/t</a></p>'
  })
  t.match(await storedComments(app), [{ id: posted.id, body: 'The tide <3\nhttps://example.org/t', status: 'pending' }])
})

t.test('PATCH /v1/comments/{id} {status, body} changes both', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id)
  const res = await app.inject({ method: 'PATCH', url: `/v1/comments/${posted.id}`, headers: admin, payload: { status: 'approved', body: 'Edited' } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'approved', body: 'Edited', html: '<p>Edited</p>' })
})

t.test('PATCH /v1/comments/{unknown} → 404 and nothing changed', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createComment(app, article.id)
  const before = await storedComments(app)
  const res = await app.inject({ method: 'PATCH', url: '/v1/comments/999', headers: admin, payload: { status: 'approved' } })
  expectProblem(t, res, 404, 'not-found', 'There is no comment with id 999')
  t.same(await storedComments(app), before)
})

t.test('PATCH /v1/comments/{id} with a bad status, a blank body, nothing or an unknown field → 400 and the comment unchanged', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id)
  const before = await storedComments(app)
  const cases: Array<[Record<string, unknown>, string, Array<{ path: string, message: string }>]> = [
    [{ status: 'published' }, ONE_FIELD, [{ path: 'status', message: 'status must be pending, approved, spam or trash' }]],
    [{ status: 'APPROVED' }, ONE_FIELD, [{ path: 'status', message: 'status must be pending, approved, spam or trash' }]],
    [{ body: '   ' }, ONE_FIELD, [{ path: 'body', message: 'Please enter the comment' }]],
    [{ status: 'approved', authorEmail: 'x@example.net' }, ONE_FIELD, [{ path: 'authorEmail', message: '"authorEmail" is not a field you can set here' }]]
  ]
  for (const [payload, detail, errors] of cases) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/comments/${posted.id}`, headers: admin, payload })
    expectProblem(t, res, 400, 'validation', detail, errors)
    t.same(await storedComments(app), before, `unchanged after ${JSON.stringify(payload)}`)
  }
  const empty = await app.inject({ method: 'PATCH', url: `/v1/comments/${posted.id}`, headers: admin, payload: {} })
  t.equal(empty.statusCode, 400)
  t.match(empty.json(), { type: 'urn:broadsheet:problem:validation', errors: [{ message: 'Send status or body' }] })
  t.same(await storedComments(app), before)
})

t.test('PATCH /v1/comments {ids, status} → {updated, notFound}: only changed comments count, unknown ids are listed', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const one = await createComment(app, article.id)
  const two = await createComment(app, article.id)
  const three = await createComment(app, article.id)
  await app.inject({ method: 'PATCH', url: `/v1/comments/${three.id}`, headers: admin, payload: { status: 'spam' } })
  const res = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [one.id, two.id, three.id, 998, one.id, 999], status: 'spam' } })
  expectJson(t, res, 200, { updated: 2, notFound: [998, 999] })
  t.same(await Promise.all([one.id, two.id, three.id].map((id) => storedCommentStatus(app, id))), ['spam', 'spam', 'spam'])
  const again = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [one.id, two.id], status: 'approved' } })
  expectJson(t, again, 200, { updated: 2, notFound: [] })
  t.same(await Promise.all([one.id, two.id, three.id].map((id) => storedCommentStatus(app, id))), ['approved', 'approved', 'spam'])
})

t.test('PATCH /v1/comments with more than 100 ids, no ids or a bad status → 400 and nothing changed', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id)
  const before = await storedComments(app)
  const cases: Array<[Record<string, unknown>, { path: string, message: string }]> = [
    [{ ids: Array.from({ length: 101 }, (_, i) => (i === 0 ? posted.id : 1000 + i)), status: 'approved' }, { path: 'ids', message: 'At most 100 comments at once' }],
    [{ ids: [], status: 'approved' }, { path: 'ids', message: 'Send at least one id' }],
    [{ ids: [posted.id], status: 'gone' }, { path: 'status', message: 'status must be pending, approved, spam or trash' }]
  ]
  for (const [payload, error] of cases) {
    const res = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload })
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [error])
    t.same(await storedComments(app), before)
  }
})

t.test('PATCH /v1/comments with exactly 100 ids → 200', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const posted = await createComment(app, article.id)
  const ids = [posted.id, ...Array.from({ length: 99 }, (_, i) => 1000 + i)]
  const res = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids, status: 'trash' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { updated: 1, notFound: ids.slice(1) })
})

t.test('DELETE /v1/comments/{id} → 204 and the row is gone; again → 404', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const keep = await createComment(app, article.id)
  const gone = await createComment(app, article.id)
  const res = await app.inject({ method: 'DELETE', url: `/v1/comments/${gone.id}`, headers: admin })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.same((await storedComments(app)).map((r) => r.id), [keep.id])
  const before = await storedComments(app)
  expectProblem(t, await app.inject({ method: 'DELETE', url: `/v1/comments/${gone.id}`, headers: admin }), 404, 'not-found', `There is no comment with id ${gone.id}`)
  expectProblem(t, await app.inject({ method: 'PATCH', url: `/v1/comments/${gone.id}`, headers: admin, payload: { status: 'approved' } }), 404, 'not-found', `There is no comment with id ${gone.id}`)
  t.same(await storedComments(app), before)
})

t.test('DELETE /v1/comments/{id} with a bad id → 400 and nothing deleted', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createComment(app, article.id)
  const before = await storedComments(app)
  const res = await app.inject({ method: 'DELETE', url: '/v1/comments/abc', headers: admin })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { type: 'urn:broadsheet:problem:validation', errors: [{ path: 'id' }] })
  t.same(await storedComments(app), before)
})
