import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, createApprovedComment, createComment, moderateComment, postComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// Replies: parentId must name an approved comment of the same article, and nesting stops at
// maxDepth (a top-level comment has depth 1). The nested public view is in tree.test.ts.

const NOT_A_PARENT = 'You can only reply to a published comment of this article'

/** Posts a reply and asserts a 400 naming parentId with `message`, nothing stored. */
async function expectBadParent (t: Test, app: App, articleId: number, parentId: unknown, message: string, detail = message) {
  const before = await storedComments(app)
  const res = await postComment(app, articleId, commentForm({ parentId }))
  expectProblem(t, res, 400, 'validation', detail, [{ path: 'parentId', message }])
  t.same(await storedComments(app), before, 'nothing stored')
}

/** A chain of approved replies, each answering the one before: ids from depth 1 to `length`. */
async function chain (app: App, articleId: number, length: number): Promise<number[]> {
  const ids: number[] = []
  for (let depth = 1; depth <= length; depth++) {
    const parentId = ids.at(-1) ?? null
    ids.push((await createApprovedComment(app, articleId, { parentId })).id)
  }
  return ids
}

t.test('a reply to an approved comment of the same article → 201 with parentId, stored one level deeper', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const parent = await createApprovedComment(app, article.id)
  const res = await postComment(app, article.id, commentForm({ parentId: parent.id, body: 'Good point' }))
  t.equal(res.statusCode, 201)
  t.match(res.json(), { parentId: parent.id, articleId: article.id, body: 'Good point' })
  t.match((await storedComments(app)).at(-1), { parent_id: parent.id, depth: 2 })
})

t.test('parentId null → a top-level comment', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, commentForm({ parentId: null }))
  t.equal(res.statusCode, 201)
  t.equal(res.json().parentId, null)
  t.match(await storedComments(app), [{ parent_id: null, depth: 1 }])
})

t.test('a reply to a pending, spam or trashed comment → 400 path parentId, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const pending = await createComment(app, article.id)
  const spam = await createComment(app, article.id, { homepage: 'x' })
  const trashed = await createApprovedComment(app, article.id)
  await moderateComment(app, trashed.id, { status: 'trash' })
  for (const parent of [pending, spam, trashed]) await expectBadParent(t, app, article.id, parent.id, NOT_A_PARENT)
})

t.test('a reply to a comment of another article → 400 path parentId, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const other = await createPublishedArticle(app)
  const elsewhere = await createApprovedComment(app, other.id)
  await expectBadParent(t, app, article.id, elsewhere.id, NOT_A_PARENT)
})

t.test('a reply to an unknown or deleted comment → 400 path parentId, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await expectBadParent(t, app, article.id, 999, NOT_A_PARENT)
  const deleted = await createApprovedComment(app, article.id)
  const { statusCode } = await app.inject({ method: 'DELETE', url: `/v1/comments/${deleted.id}`, headers: admin })
  t.equal(statusCode, 204)
  await expectBadParent(t, app, article.id, deleted.id, NOT_A_PARENT)
})

t.test('a parentId that is not a positive integer → 400 path parentId, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  for (const parentId of [0, -3, 'abc', '1']) {
    await expectBadParent(t, app, article.id, parentId, 'parentId must be the id of the comment you reply to', 'The request body has 1 invalid field')
  }
})

t.test('depth: with maxDepth 3 a reply at depth 3 → 201, at depth 4 → 400 path parentId, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', maxDepth: 3 })
  const article = await createPublishedArticle(app)
  const [, second, third] = await chain(app, article.id, 3)
  t.match((await storedComments(app)).map((r) => r.depth), [1, 2, 3])
  await expectBadParent(t, app, article.id, third, 'Replies nest at most 3 deep: reply to an earlier comment in the thread')
  const sibling = await postComment(app, article.id, commentForm({ parentId: second }))
  t.equal(sibling.statusCode, 201, 'another reply at depth 3 is fine')
  t.equal((await storedComments(app)).at(-1)!.depth, 3)
})

t.test('depth: the default maxDepth is 5', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const ids = await chain(app, article.id, 5)
  await expectBadParent(t, app, article.id, ids[4], 'Replies nest at most 5 deep: reply to an earlier comment in the thread')
})

t.test('depth: maxDepth 1 allows no replies at all', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', maxDepth: 1 })
  const article = await createPublishedArticle(app)
  const top = await createComment(app, article.id)
  await expectBadParent(t, app, article.id, top.id, 'Replies nest at most 1 deep: reply to an earlier comment in the thread')
})
