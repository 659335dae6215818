import t from 'tap'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, postComment, putCommentSettings } from '../fixtures/comments.js'
import { buildTestApp, expectProblem } from '../helper.js'

// Posts that arrive together are written in one transaction, each in its own savepoint:
// duplicates are caught inside it, and one post that fails never takes the others with it.

t.test('concurrent identical posts: exactly one 201, the others 409, and one row stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const answers = await Promise.all(Array.from({ length: 5 }, () => postComment(app, article.id, commentForm({ body: 'Same words, sent five times', authorEmail: 'same@example.org' }))))
  t.same(answers.map((a) => a.statusCode).sort(), [201, 409, 409, 409, 409])
  for (const res of answers.filter((a) => a.statusCode === 409)) expectProblem(t, res, 409, 'duplicate', 'You already posted this comment on this article')
  t.equal((await storedComments(app)).filter((r) => r.body === 'Same words, sent five times').length, 1)
})

t.test('a failing post in a batch rolls back alone: the others are stored and the count is exact', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm({ body: 'First words', authorEmail: 'first@example.org' }))).statusCode, 201)
  const answers = await Promise.all([
    postComment(app, article.id, commentForm({ body: 'A new comment', authorEmail: 'a@example.org' })),
    postComment(app, article.id, commentForm({ body: 'First words', authorEmail: 'first@example.org' })),
    postComment(app, article.id, commentForm({ body: 'Another new one', authorEmail: 'b@example.org' }))
  ])
  t.same(answers.map((a) => a.statusCode), [201, 409, 201])
  t.same((await storedComments(app)).map((r) => r.body).sort(), ['A new comment', 'Another new one', 'First words'])
  const read = await app.inject({ url: `/v1/articles/${article.id}` })
  t.equal(read.json().commentCount, 3, 'commentCount counts the three stored comments')
})

t.test('an insert that fails inside a batch (a broken reference) fails alone: its savepoint is undone, the others commit', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const repo = app.comments
  const row = (articleId: number, body: string) => ({ articleId, parentId: null, depth: 1, status: 'approved' as const, body, authorName: 'Rosa', authorEmail: 'rosa@example.org', authorUrl: null, ip: null, userAgent: null, flags: [], commenterKey: null })
  const now = new Date().toISOString()
  const [before, broken, after] = await Promise.allSettled([
    repo.insert(row(article.id, 'Before the broken one'), now),
    repo.insert(row(article.id + 1000, 'Points at no article'), now),
    repo.insert(row(article.id, 'After the broken one'), now)
  ])
  t.equal(before.status, 'fulfilled')
  t.equal(after.status, 'fulfilled')
  t.equal(broken.status, 'rejected')
  // SQLite says FOREIGN KEY constraint failed; PostgreSQL, violates foreign key constraint.
  t.match(String((broken as PromiseRejectedResult).reason), /FOREIGN KEY|foreign key/)
  t.same((await storedComments(app)).map((r) => r.body).sort(), ['After the broken one', 'Before the broken one'])
  const stored = (after as PromiseFulfilledResult<Awaited<ReturnType<typeof repo.insert>>>).value
  t.same(await repo.get(stored.id), stored, 'the row answered is the row stored')
  t.equal((await app.inject({ url: `/v1/articles/${article.id}` })).json().commentCount, 2)
})
