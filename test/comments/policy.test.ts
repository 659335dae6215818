import t from 'tap'
import { createPublishedArticle } from '../fixtures/articles.js'
import { storedComments, createComment, moderateComment, postComment, commentForm, putCommentSettings, storedCommentStatus } from '../fixtures/comments.js'
import { admin, buildTestApp, expectJson } from '../helper.js'

// The moderation policy: first-time (default), all, none. POST answers 201 with the status
// the policy gave; the row says why in its flags.

const flagsOf = async (app: Parameters<typeof storedComments>[0], id: number) => JSON.parse(String((await storedComments(app)).find((r) => r.id === id)!.flags))

t.test('GET /v1/settings/comments → the defaults: first-time moderation and the documented limits', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/settings/comments', headers: admin })
  expectJson(t, res, 200, {
    moderation: 'first-time',
    maxDepth: 5,
    maxLength: 5000,
    maxLinks: 2,
    linkAction: 'pending',
    duplicateWindowMinutes: 10,
    postsPerMinute: 5,
    blocklist: { words: [], emails: [], ips: [] }
  })
  t.equal(res.headers['cache-control'], 'private, no-store')
})

t.test('first-time (default): the first comment of an email → 201 pending, flagged first-time', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'casey@example.com' })
  t.equal(first.status, 'pending')
  t.equal(await storedCommentStatus(app, first.id), 'pending')
  t.same(await flagsOf(app, first.id), ['first-time'])
  const second = await createComment(app, article.id, { authorEmail: 'casey@example.com' })
  t.equal(second.status, 'pending', 'still pending while none of theirs is approved')
})

t.test('first-time: once one comment of an email is approved, the next from it (any case or spacing) with its commenterToken → 201 approved at once', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const other = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'Casey@Example.com' })
  await moderateComment(app, first.id, { status: 'approved' })
  for (const [articleId, authorEmail] of [[article.id, 'casey@example.com'], [article.id, '  CASEY@EXAMPLE.COM '], [other.id, 'cAsEy@example.com']] as const) {
    const res = await postComment(app, articleId, commentForm({ authorEmail, commenterToken: first.commenterToken }))
    t.equal(res.statusCode, 201)
    t.equal(res.json().status, 'approved', `${JSON.stringify(authorEmail)} on article ${articleId}`)
    t.equal(await storedCommentStatus(app, res.json().id), 'approved')
    t.same(await flagsOf(app, res.json().id), [])
  }
  const stranger = await createComment(app, article.id, { authorEmail: 'stranger@example.com' })
  t.equal(stranger.status, 'pending', 'another email is still a first-timer')
})

t.test('first-time: when the only approved comment of an email goes to spam, its next comment waits again', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'turned@example.com' })
  await moderateComment(app, first.id, { status: 'approved' })
  await moderateComment(app, first.id, { status: 'spam' })
  const next = await createComment(app, article.id, { authorEmail: 'turned@example.com' })
  t.equal(next.status, 'pending')
})

t.test('all: every comment → 201 pending, even from an email with approved comments', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'all' })
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'regular@example.com' })
  t.equal(first.status, 'pending')
  t.same(await flagsOf(app, first.id), ['moderation:all'])
  await moderateComment(app, first.id, { status: 'approved' })
  const next = await createComment(app, article.id, { authorEmail: 'regular@example.com' })
  t.equal(next.status, 'pending')
  t.equal(await storedCommentStatus(app, next.id), 'pending')
})

t.test('none: every comment → 201 approved at once and shown publicly', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'new@example.com' })
  t.equal(first.status, 'approved')
  t.equal(await storedCommentStatus(app, first.id), 'approved')
  t.same(await flagsOf(app, first.id), [])
  const list = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.equal(list.statusCode, 200)
  t.same(list.json().data.map((c: { id: number }) => c.id), [first.id])
})

t.test('a pending comment is not public until approved', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const pending = await createComment(app, article.id)
  const before = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.equal(before.statusCode, 200)
  t.same(before.json().data, [])
  await moderateComment(app, pending.id, { status: 'approved' })
  const after = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.equal(after.statusCode, 200)
  t.same(after.json().data.map((c: { id: number }) => c.id), [pending.id])
})
