import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, commentTotal, postComment } from '../fixtures/comments.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// Where a comment may be posted: a published article with comments open. Closed comments
// answer 403, anything the public cannot see 404, and nothing is stored either way.

async function expectRefused (t: Test, app: App, article: number | string, status: 403 | 404, detail: string) {
  const before = await storedComments(app)
  const res = await postComment(app, article, commentForm())
  expectProblem(t, res, status, status === 403 ? 'forbidden' : 'not-found', detail)
  t.same(await storedComments(app), before, 'nothing stored')
}

t.test('POST comments on an article with commentsEnabled false → 403 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app, { commentsEnabled: false })
  await expectRefused(t, app, article.id, 403, 'Comments are closed on this article')
  t.equal(await commentTotal(app), 0)
})

t.test('POST comments after comments are closed on an article → 403; reopened → 201', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  // A post first: the article's state is then remembered, and closing must still show at once.
  t.equal((await postComment(app, article.id, commentForm({ body: 'Before closing' }))).statusCode, 201)
  const close = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { commentsEnabled: false } })
  t.equal(close.statusCode, 200)
  await expectRefused(t, app, article.id, 403, 'Comments are closed on this article')
  const reopen = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { commentsEnabled: true } })
  t.equal(reopen.statusCode, 200)
  t.equal((await postComment(app, article.id, commentForm())).statusCode, 201)
  t.equal(await commentTotal(app), 2)
})

t.test('POST comments on a draft → 404 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app, { title: 'Embargoed story' })
  await expectRefused(t, app, draft.id, 404, `There is no published article "${draft.id}"`)
  await expectRefused(t, app, 'embargoed-story', 404, 'There is no published article "embargoed-story"')
})

t.test('POST comments on an article scheduled in the future → 404; once it is live → 201', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const scheduled = await createArticle(app, { status: 'scheduled', publishAt: '2025-03-01T12:00:00.000Z' })
  await expectRefused(t, app, scheduled.id, 404, `There is no published article "${scheduled.id}"`)
  clock.set('2025-03-01T12:00:00.001Z')
  const res = await postComment(app, scheduled.id, commentForm())
  t.equal(res.statusCode, 201)
  t.equal(await commentTotal(app), 1)
})

t.test('POST comments on a trashed article → 404 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })).statusCode, 204)
  await expectRefused(t, app, article.id, 404, `There is no published article "${article.id}"`)
})

t.test('POST comments on an unpublished article → 404 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/unpublish`, headers: admin })).statusCode, 200)
  await expectRefused(t, app, article.id, 404, `There is no published article "${article.id}"`)
})

t.test('POST comments on an unknown article id or slug → 404 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  await createPublishedArticle(app)
  await expectRefused(t, app, 999, 404, 'There is no published article "999"')
  await expectRefused(t, app, 'no-such-story', 404, 'There is no published article "no-such-story"')
})

t.test('POST comments with a token does not open a draft: an admin gets the same 404', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app)
  const before = await storedComments(app)
  const res = await postComment(app, draft.id, commentForm(), { headers: admin })
  expectProblem(t, res, 404, 'not-found', `There is no published article "${draft.id}"`)
  t.same(await storedComments(app), before)
})
