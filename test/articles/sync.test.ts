import t, { type Test } from 'tap'
import { createArticle } from '../fixtures/articles.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// The sync feed: sort=updatedAt&updatedAfter=X lets a script mirror changes; with a token (and
// no status, or status=any), trashed and unpublished articles appear with their status so a
// mirror can drop them, within what the token's role may see.

const HOUR = 60 * 60_000
const T0 = '2025-02-01T00:00:00.000Z'
const MARK = '2025-02-01T00:30:00.000Z'

async function setup (t: Test) {
  const clock = createClock(T0)
  const app = await buildTestApp(t, { now: clock.now })
  const editor = await tokenFor(app, 'editor')
  const live = { status: 'published', publishedAt: '2025-01-20T08:00:00.000Z' }
  const edited = await createArticle(app, { ...live, title: 'Edited later' })
  const trashed = await createArticle(app, { ...live, title: 'Trashed later' })
  const unchanged = await createArticle(app, { ...live, title: 'Never touched' })
  const unpublished = await createArticle(app, { ...live, title: 'Unpublished later' })
  const archived = await createArticle(app, { ...live, title: 'Archived later' })
  const oldDraft = await createArticle(app, { title: 'Old draft' })

  const step = async (method: 'PATCH' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
    clock.advance(HOUR)
    const res = await app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url} failed: ${res.body}`)
  }
  // One change an hour after the mark, in this order.
  await step('PATCH', `/v1/articles/${edited.id}`, { title: 'Edited now' })
  await step('DELETE', `/v1/articles/${trashed.id}`)
  await step('POST', `/v1/articles/${unpublished.id}/unpublish`)
  await step('PATCH', `/v1/articles/${archived.id}`, { status: 'archived' })
  clock.advance(HOUR)
  const newDraft = await createArticle(app, { title: 'New draft' })
  clock.advance(HOUR)
  const newLive = await createArticle(app, { title: 'New live', status: 'published' })
  return { app, clock, editor, ids: { edited: edited.id, trashed: trashed.id, unchanged: unchanged.id, unpublished: unpublished.id, archived: archived.id, oldDraft: oldDraft.id, newDraft: newDraft.id, newLive: newLive.id } }
}

function feed (res: { json: () => any }) {
  return (res.json().data as Array<{ id: number, status: string, updatedAt: string }>).map((a) => ({ id: a.id, status: a.status, updatedAt: a.updatedAt }))
}

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X&status=any with a token → every change since X, trashed and unpublished with their status', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=any`, headers: editor.headers })
  t.equal(res.statusCode, 200)
  t.same(feed(res), [
    { id: ids.edited, status: 'published', updatedAt: '2025-02-01T01:00:00.000Z' },
    { id: ids.trashed, status: 'trashed', updatedAt: '2025-02-01T02:00:00.000Z' },
    { id: ids.unpublished, status: 'draft', updatedAt: '2025-02-01T03:00:00.000Z' },
    { id: ids.archived, status: 'archived', updatedAt: '2025-02-01T04:00:00.000Z' },
    { id: ids.newDraft, status: 'draft', updatedAt: '2025-02-01T05:00:00.000Z' },
    { id: ids.newLive, status: 'published', updatedAt: '2025-02-01T06:00:00.000Z' }
  ])
  t.equal(res.json().meta.nextCursor, null)
  t.match(res.json().data[0], { title: 'Edited now', revision: 2 })
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=… → strictly after: the last seen updatedAt resumes the feed', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?sort=updatedAt&updatedAfter=2025-02-01T03:00:00.000Z&status=any', headers: editor.headers })
  t.equal(res.statusCode, 200)
  t.same(feed(res).map((a) => a.id), [ids.archived, ids.newDraft, ids.newLive])
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X&status=any&limit=2 → the feed pages by cursor without gaps', async (t) => {
  const { app, editor, ids } = await setup(t)
  const seen: Array<{ id: number, status: string }> = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=any&limit=2${cursor ? `&cursor=${cursor}` : ''}`
    const res = await app.inject({ url, headers: editor.headers })
    t.equal(res.statusCode, 200, `page ${pages + 1}`)
    seen.push(...feed(res).map(({ id, status }) => ({ id, status })))
    cursor = res.json().meta.nextCursor
    pages++
  } while (cursor && pages < 10)
  t.equal(pages, 3)
  t.same(seen, [
    { id: ids.edited, status: 'published' },
    { id: ids.trashed, status: 'trashed' },
    { id: ids.unpublished, status: 'draft' },
    { id: ids.archived, status: 'archived' },
    { id: ids.newDraft, status: 'draft' },
    { id: ids.newLive, status: 'published' }
  ])
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X after a restore → the article is back with its former status', async (t) => {
  const { app, clock, editor, ids } = await setup(t)
  clock.advance(HOUR)
  const restored = await app.inject({ method: 'POST', url: `/v1/articles/${ids.trashed}/restore`, headers: admin })
  t.equal(restored.statusCode, 200)
  const res = await app.inject({ url: '/v1/articles?sort=updatedAt&updatedAfter=2025-02-01T06:00:00.000Z&status=any', headers: editor.headers })
  t.equal(res.statusCode, 200)
  t.same(feed(res), [{ id: ids.trashed, status: 'published', updatedAt: '2025-02-01T07:00:00.000Z' }])
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X with an editor token and no status → the mirror sees trashed and unpublished articles too, as with status=any', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}`, headers: editor.headers })
  t.equal(res.statusCode, 200)
  t.same(feed(res), [
    { id: ids.edited, status: 'published', updatedAt: '2025-02-01T01:00:00.000Z' },
    { id: ids.trashed, status: 'trashed', updatedAt: '2025-02-01T02:00:00.000Z' },
    { id: ids.unpublished, status: 'draft', updatedAt: '2025-02-01T03:00:00.000Z' },
    { id: ids.archived, status: 'archived', updatedAt: '2025-02-01T04:00:00.000Z' },
    { id: ids.newDraft, status: 'draft', updatedAt: '2025-02-01T05:00:00.000Z' },
    { id: ids.newLive, status: 'published', updatedAt: '2025-02-01T06:00:00.000Z' }
  ])
  const any = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=any`, headers: editor.headers })
  t.same(res.json(), any.json(), 'the same answer as status=any')
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X without a token → only what the public sees changed', async (t) => {
  const { app, ids } = await setup(t)
  const res = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}` })
  t.equal(res.statusCode, 200)
  t.same(feed(res).map((a) => a.id), [ids.edited, ids.newLive])
  t.equal(res.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=300')
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X&status=published with a token → the explicit status wins', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=published`, headers: editor.headers })
  t.equal(res.statusCode, 200)
  t.same(feed(res).map((a) => a.id), [ids.edited, ids.newLive])
  const trash = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=trashed`, headers: editor.headers })
  t.same(feed(trash), [{ id: ids.trashed, status: 'trashed', updatedAt: '2025-02-01T02:00:00.000Z' }])
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X with a contributor token and no status → live changes and its own drafts and trash, never the newsroom\'s', async (t) => {
  const { app, clock, ids } = await setup(t)
  const contributor = await tokenFor(app, 'contributor')
  clock.advance(HOUR)
  const own = await createArticle(app, { title: 'My draft' }, contributor.headers)
  clock.advance(HOUR)
  const binned = await createArticle(app, { title: 'My binned draft' }, contributor.headers)
  clock.advance(HOUR)
  const trashed = await app.inject({ method: 'DELETE', url: `/v1/articles/${binned.id}`, headers: contributor.headers })
  t.equal(trashed.statusCode, 204)
  const res = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}`, headers: contributor.headers })
  t.equal(res.statusCode, 200)
  t.same(feed(res), [
    { id: ids.edited, status: 'published', updatedAt: '2025-02-01T01:00:00.000Z' },
    { id: ids.newLive, status: 'published', updatedAt: '2025-02-01T06:00:00.000Z' },
    { id: own.id, status: 'draft', updatedAt: '2025-02-01T07:00:00.000Z' },
    { id: binned.id, status: 'trashed', updatedAt: '2025-02-01T09:00:00.000Z' }
  ])
  const any = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=any`, headers: contributor.headers })
  t.same(res.json(), any.json(), 'the same limits as status=any')
})

t.test('GET /v1/articles?sort=updatedAt&updatedAfter=X&status=any without a token → 400 naming status', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: `/v1/articles?sort=updatedAt&updatedAfter=${MARK}&status=any` })
  const message = 'Only published articles are visible without a token; send Authorization: Bearer <token> to list others'
  expectProblem(t, res, 400, 'validation', message, [{ path: 'status', message }])
})
