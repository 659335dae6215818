import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { apiCommentCount, approvedInDb, createApprovedComment, createComment, moderateComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, buildTestApp } from '../helper.js'

// An article's commentCount (approved comments only) stays exact through every transition:
// after each step the API's commentCount, a direct SQL count of approved rows and the
// expected number agree.

/** Asserts GET /v1/articles/{id}?fields=commentCount and SQL both say `expected`. */
async function expectCount (t: Test, app: App, articleId: number, expected: number, step: string) {
  t.equal(await apiCommentCount(app, articleId), expected, `${step}: commentCount`)
  t.equal(await approvedInDb(app, articleId), expected, `${step}: approved rows in SQL`)
}

function patch (app: App, id: number, payload: Record<string, unknown>) {
  return app.inject({ method: 'PATCH', url: `/v1/comments/${id}`, headers: admin, payload })
}

t.test('commentCount follows one comment through every status', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await expectCount(t, app, article.id, 0, 'new article')
  const c = await createComment(app, article.id)
  t.equal(c.status, 'pending')
  await expectCount(t, app, article.id, 0, 'posted pending')
  const steps: Array<[string, number]> = [
    ['approved', 1], ['approved', 1], ['spam', 0], ['approved', 1], ['trash', 0], ['approved', 1],
    ['pending', 0], ['trash', 0], ['spam', 0], ['pending', 0], ['approved', 1]
  ]
  for (const [status, expected] of steps) {
    t.equal((await patch(app, c.id, { status })).statusCode, 200)
    await expectCount(t, app, article.id, expected, `→ ${status}`)
  }
  t.equal((await patch(app, c.id, { body: 'Edited' })).statusCode, 200)
  await expectCount(t, app, article.id, 1, 'body edited')
})

t.test('commentCount: a post approved at once +1, a pending post 0, a spam post 0', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const known = await createApprovedComment(app, article.id, { authorEmail: 'known@example.net' })
  await expectCount(t, app, article.id, 1, 'approved first comment')
  const again = await createComment(app, article.id, { authorEmail: 'KNOWN@example.net', commenterToken: known.commenterToken })
  t.equal(again.status, 'approved', 'first-time lets a known email through')
  await expectCount(t, app, article.id, 2, 'post approved at once')
  await createComment(app, article.id)
  await expectCount(t, app, article.id, 2, 'post pending')
  await createComment(app, article.id, { homepage: 'http://bot.example' })
  await expectCount(t, app, article.id, 2, 'honeypot spam')
  await putCommentSettings(app, { moderation: 'none', blocklist: { words: ['casino'] } })
  await createComment(app, article.id)
  await expectCount(t, app, article.id, 3, 'moderation none')
  await createComment(app, article.id, { body: 'casino' })
  await expectCount(t, app, article.id, 3, 'blocklisted spam')
})

t.test('commentCount: a bulk status change moves the counts of every article it touches', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const b = await createPublishedArticle(app)
  const a1 = await createComment(app, a.id)
  const a2 = await createComment(app, a.id)
  const a3 = await createApprovedComment(app, a.id)
  const b1 = await createComment(app, b.id)
  const b2 = await createApprovedComment(app, b.id)
  await expectCount(t, app, a.id, 1, 'before bulk (A)')
  await expectCount(t, app, b.id, 1, 'before bulk (B)')
  const approve = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [a1.id, a2.id, a3.id, b1.id, b2.id, 999], status: 'approved' } })
  t.equal(approve.statusCode, 200)
  t.same(approve.json(), { updated: 3, notFound: [999] })
  await expectCount(t, app, a.id, 3, 'bulk approve (A)')
  await expectCount(t, app, b.id, 2, 'bulk approve (B)')
  const spam = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [a1.id, b1.id, b2.id], status: 'spam' } })
  t.equal(spam.statusCode, 200)
  t.same(spam.json(), { updated: 3, notFound: [] })
  await expectCount(t, app, a.id, 2, 'bulk spam (A)')
  await expectCount(t, app, b.id, 0, 'bulk spam (B)')
  const trash = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [a1.id, a2.id, a3.id], status: 'trash' } })
  t.same(trash.json(), { updated: 3, notFound: [] })
  await expectCount(t, app, a.id, 0, 'bulk trash (A)')
  await expectCount(t, app, b.id, 0, 'bulk trash (B)')
})

t.test('commentCount: a bulk change with the same id twice counts it once', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const c = await createComment(app, a.id)
  const res = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [c.id, c.id, c.id], status: 'approved' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { updated: 1, notFound: [] })
  await expectCount(t, app, a.id, 1, 'approved once')
})

t.test('commentCount: DELETE of an approved comment −1, of a pending or spam one 0', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const approved = await createApprovedComment(app, article.id)
  const other = await createApprovedComment(app, article.id)
  const pending = await createComment(app, article.id)
  const spam = await createComment(app, article.id, { homepage: 'x' })
  await expectCount(t, app, article.id, 2, 'before')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/comments/${approved.id}`, headers: admin })).statusCode, 204)
  await expectCount(t, app, article.id, 1, 'approved deleted')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/comments/${pending.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/comments/${spam.id}`, headers: admin })).statusCode, 204)
  await expectCount(t, app, article.id, 1, 'pending and spam deleted')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/comments/${other.id}`, headers: admin })).statusCode, 204)
  await expectCount(t, app, article.id, 0, 'last approved deleted')
})

t.test('commentCount: erasing an email removes its approved comments from every article\'s count', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const b = await createPublishedArticle(app)
  const { commenterToken } = await createApprovedComment(app, a.id, { authorEmail: 'leaving@example.net' })
  await createComment(app, a.id, { authorEmail: 'leaving@example.net', commenterToken })
  await createComment(app, b.id, { authorEmail: 'Leaving@Example.net', commenterToken })
  await createComment(app, b.id, { authorEmail: 'leaving@example.net', homepage: 'x' })
  await createApprovedComment(app, a.id, { authorEmail: 'staying@example.net' })
  await createApprovedComment(app, b.id, { authorEmail: 'staying@example.net' })
  await expectCount(t, app, a.id, 3, 'before erase (A)')
  await expectCount(t, app, b.id, 2, 'before erase (B)')
  const res = await app.inject({ method: 'DELETE', url: '/v1/comments?email=LEAVING@example.net', headers: admin })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { erased: 4 })
  await expectCount(t, app, a.id, 1, 'after erase (A)')
  await expectCount(t, app, b.id, 1, 'after erase (B)')
})

t.test('commentCount: trashing and restoring the article leaves the count as it is; moderation while trashed still counts', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createApprovedComment(app, article.id)
  await createApprovedComment(app, article.id)
  const pending = await createComment(app, article.id)
  await expectCount(t, app, article.id, 2, 'before trash')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })).statusCode, 204)
  await expectCount(t, app, article.id, 2, 'trashed')
  await moderateComment(app, pending.id, { status: 'approved' })
  await expectCount(t, app, article.id, 3, 'approved while trashed')
  const restore = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/restore`, headers: admin })
  t.equal(restore.statusCode, 200)
  t.equal(restore.json().commentCount, 3)
  await expectCount(t, app, article.id, 3, 'restored')
})

t.test('commentCount: the public article read and the article list show the same exact count', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const b = await createPublishedArticle(app)
  for (let i = 0; i < 3; i++) await createApprovedComment(app, a.id)
  await createComment(app, a.id)
  await createApprovedComment(app, b.id)
  const read = await app.inject({ url: `/v1/articles/${a.id}` })
  t.equal(read.statusCode, 200)
  t.equal(read.json().commentCount, 3)
  const list = await app.inject({ url: '/v1/articles' })
  t.equal(list.statusCode, 200)
  const counts = Object.fromEntries((list.json().data as Array<{ id: number, commentCount: number }>).map((x) => [x.id, x.commentCount]))
  t.same(counts, { [a.id]: (await approvedInDb(app, a.id)), [b.id]: (await approvedInDb(app, b.id)) })
  t.same(counts, { [a.id]: 3, [b.id]: 1 })
})
