import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { createApprovedComment, createComment, moderateComment, putCommentSettings } from '../fixtures/comments.js'
import { buildTestApp, createClock } from '../helper.js'

// GET /v1/articles/{idOrSlug}/comments?tree=true: top-level comments are paged, each with its
// approved replies nested under `replies` (oldest first); a reply whose parent is not shown
// stands at the top level.

const MINUTE = 60_000

interface Node { id: number, replies: Node[] }

/** Only ids and nesting, to compare a tree's shape. */
function shape (nodes: Array<{ id: number, replies?: unknown }>): unknown {
  return nodes.map((n) => ({ id: n.id, replies: Array.isArray(n.replies) ? shape(n.replies as Node[]) : 'missing' }))
}

async function treeOf (t: Test, app: App, articleId: number, query = '') {
  const res = await app.inject({ url: `/v1/articles/${articleId}/comments?tree=true${query}` })
  t.equal(res.statusCode, 200)
  return res.json() as { data: Array<Node & Record<string, unknown>>, meta: Record<string, unknown> }
}

/**
 * root1 ─ r1 ─ r11 ─ r111
 *       └ r2
 * root2 ─ r3
 * plus a pending reply under root1 and a spam one under root2 (never shown).
 */
async function thread (t: Test) {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const post = async (parentId: number | null, partial: Record<string, unknown> = {}) => {
    clock.advance(MINUTE)
    return (await createComment(app, article.id, { parentId, ...partial })).id
  }
  const root1 = await post(null)
  const r1 = await post(root1)
  const root2 = await post(null)
  const r11 = await post(r1)
  const r2 = await post(root1)
  const r3 = await post(root2)
  const r111 = await post(r11)
  const pending = await post(root1)
  await moderateComment(app, pending, { status: 'pending' })
  await post(root2, { homepage: 'x' })
  return { app, clock, article, ids: { root1, r1, r11, r111, r2, root2, r3 } }
}

t.test('tree=true nests approved replies under `replies`, several levels deep, replies oldest first', async (t) => {
  const { app, article, ids } = await thread(t)
  const body = await treeOf(t, app, article.id)
  t.same(shape(body.data), [
    { id: ids.root1, replies: [{ id: ids.r1, replies: [{ id: ids.r11, replies: [{ id: ids.r111, replies: [] }] }] }, { id: ids.r2, replies: [] }] },
    { id: ids.root2, replies: [{ id: ids.r3, replies: [] }] }
  ])
  t.match(body.data[0], { id: ids.root1, parentId: null, articleId: article.id, body: String, html: String, avatarHash: String, createdAt: String })
  t.match(body.data[0]?.replies?.[0], { id: ids.r1, parentId: ids.root1 })
  t.same(body.meta, { limit: 20, nextCursor: null })
})

t.test('tree=true&sort=newest puts the newest thread first; replies stay oldest first', async (t) => {
  const { app, article, ids } = await thread(t)
  const body = await treeOf(t, app, article.id, '&sort=newest')
  t.same(shape(body.data), [
    { id: ids.root2, replies: [{ id: ids.r3, replies: [] }] },
    { id: ids.root1, replies: [{ id: ids.r1, replies: [{ id: ids.r11, replies: [{ id: ids.r111, replies: [] }] }] }, { id: ids.r2, replies: [] }] }
  ])
})

t.test('tree=true: a reply whose parent became spam stands at the top level, its own replies still nested', async (t) => {
  const { app, article, ids } = await thread(t)
  await moderateComment(app, ids.r1, { status: 'spam' })
  const body = await treeOf(t, app, article.id)
  t.same(body.data.map((c) => c.id), [ids.root1, ids.root2, ids.r11], 'the orphaned reply is a top-level comment')
  t.same(shape(body.data), [
    { id: ids.root1, replies: [{ id: ids.r2, replies: [] }] },
    { id: ids.root2, replies: [{ id: ids.r3, replies: [] }] },
    { id: ids.r11, replies: [{ id: ids.r111, replies: [] }] }
  ])
  t.equal(body.data[2]?.parentId, ids.r1, 'it keeps its parentId')
})

t.test('tree=true pages the top-level comments with the cursor; count=true counts top-level ones', async (t) => {
  const { app, article, ids } = await thread(t)
  const first = await treeOf(t, app, article.id, '&limit=1&count=true')
  t.same(shape(first.data), [{ id: ids.root1, replies: [{ id: ids.r1, replies: [{ id: ids.r11, replies: [{ id: ids.r111, replies: [] }] }] }, { id: ids.r2, replies: [] }] }])
  t.match(first.meta, { limit: 1, nextCursor: String, total: 2 })
  const second = await treeOf(t, app, article.id, `&limit=1&count=true&cursor=${first.meta.nextCursor}`)
  t.same(shape(second.data), [{ id: ids.root2, replies: [{ id: ids.r3, replies: [] }] }])
  t.same(second.meta, { limit: 1, nextCursor: null, total: 2 })
  const flat = await app.inject({ url: `/v1/articles/${article.id}/comments?count=true` })
  t.equal(flat.json().meta.total, 7, 'the flat list counts every approved comment')
})

t.test('without tree the list is flat: replies appear in time order with their parentId and no `replies`', async (t) => {
  const { app, article, ids } = await thread(t)
  const res = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.equal(res.statusCode, 200)
  const data = res.json().data as Array<Record<string, unknown>>
  t.same(data.map((c) => c.id), [ids.root1, ids.r1, ids.root2, ids.r11, ids.r2, ids.r3, ids.r111])
  t.same(data.map((c) => c.parentId), [null, ids.root1, null, ids.r1, ids.root1, ids.root2, ids.r11])
  t.notOk(data.some((c) => 'replies' in c))
})

t.test('tree=true with an approved reply to an approved comment → the parent carries it (two levels)', async (t) => {
  const app = await buildTestApp(t, { now: createClock('2025-02-01T00:00:00.000Z').now })
  const article = await createPublishedArticle(app)
  const parent = await createApprovedComment(app, article.id)
  const reply = await createApprovedComment(app, article.id, { parentId: parent.id })
  const body = await treeOf(t, app, article.id)
  t.same(shape(body.data), [{ id: parent.id, replies: [{ id: reply.id, replies: [] }] }])
})
