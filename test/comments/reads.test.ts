import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { createApprovedComment, createComment, expectedAvatarHash, moderateComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// GET /v1/articles/{idOrSlug}/comments: approved comments only, oldest or newest first,
// keyset cursor pages, count, ETag/304, and 404 for anything the public cannot see.
// tree=true is in tree.test.ts.

const MINUTE = 60_000

async function publicIds (t: Test, app: App, url: string) {
  const res = await app.inject({ url })
  t.equal(res.statusCode, 200, `GET ${url}`)
  return (res.json().data as Array<{ id: number }>).map((c) => c.id)
}

t.test('GET comments → only approved comments, oldest first, in the public shape', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const article = await createPublishedArticle(app, { title: 'Tide tables' })
  const first = await createApprovedComment(app, article.id, { body: 'First', authorName: 'Rosa', authorEmail: 'rosa@example.net', authorUrl: 'https://rosa.example.net' })
  clock.advance(MINUTE)
  await createComment(app, article.id, { body: 'Pending' })
  await createComment(app, article.id, { body: 'Spam', homepage: 'x' })
  const trashed = await createApprovedComment(app, article.id, { body: 'Trashed' })
  await moderateComment(app, trashed.id, { status: 'trash' })
  const second = await createApprovedComment(app, article.id, { body: 'Second', authorName: 'Ben', authorEmail: 'ben@example.org' })
  const res = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  expectJson(t, res, 200, {
    data: [
      {
        id: first.id,
        articleId: article.id,
        parentId: null,
        authorName: 'Rosa',
        authorUrl: 'https://rosa.example.net',
        avatarHash: expectedAvatarHash('rosa@example.net'),
        body: 'First',
        html: '<p>First</p>',
        createdAt: '2025-03-01T10:00:00.000Z'
      },
      {
        id: second.id,
        articleId: article.id,
        parentId: null,
        authorName: 'Ben',
        authorUrl: null,
        avatarHash: expectedAvatarHash('ben@example.org'),
        body: 'Second',
        html: '<p>Second</p>',
        createdAt: '2025-03-01T10:01:00.000Z'
      }
    ],
    meta: { limit: 20, nextCursor: null }
  })
  t.same(await publicIds(t, app, '/v1/articles/tide-tables/comments'), [first.id, second.id], 'by slug too')
})

t.test('GET comments?sort=newest → newest first; sort=oldest → oldest first; a bad sort → 400', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const ids: number[] = []
  for (let i = 0; i < 4; i++) {
    clock.advance(MINUTE)
    ids.push((await createComment(app, article.id)).id)
  }
  t.same(await publicIds(t, app, `/v1/articles/${article.id}/comments?sort=oldest`), ids)
  t.same(await publicIds(t, app, `/v1/articles/${article.id}/comments?sort=newest`), [...ids].reverse())
  const bad = await app.inject({ url: `/v1/articles/${article.id}/comments?sort=best` })
  expectProblem(t, bad, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'sort', message: 'sort must be oldest or newest' }])
})

t.test('GET comments pages with the cursor: every approved comment exactly once, in both orders, even with equal timestamps', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const ids: number[] = []
  // Pairs share a timestamp so the id has to break ties.
  for (let i = 0; i < 7; i++) {
    if (i % 2 === 0) clock.advance(MINUTE)
    ids.push((await createComment(app, article.id)).id)
  }
  for (const sort of ['oldest', 'newest'] as const) {
    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const url: string = `/v1/articles/${article.id}/comments?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`
      const res = await app.inject({ url })
      t.equal(res.statusCode, 200)
      seen.push(...res.json().data.map((c: { id: number }) => c.id))
      cursor = res.json().meta.nextCursor
      pages++
    } while (cursor && pages < 10)
    t.equal(pages, 3, `${sort}: 3 pages of 3`)
    t.same(seen, sort === 'oldest' ? ids : [...ids].reverse(), `${sort}: each once, in order`)
  }
})

t.test('GET comments: a comment approved while a reader pages never makes one repeat or go missing', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const ids: number[] = []
  for (let i = 0; i < 4; i++) {
    clock.advance(MINUTE)
    ids.push((await createComment(app, article.id)).id)
  }
  const page1 = await app.inject({ url: `/v1/articles/${article.id}/comments?sort=newest&limit=2` })
  t.equal(page1.statusCode, 200)
  clock.advance(MINUTE)
  await createComment(app, article.id)
  const page2 = await app.inject({ url: `/v1/articles/${article.id}/comments?sort=newest&limit=2&cursor=${page1.json().meta.nextCursor}` })
  t.equal(page2.statusCode, 200)
  const seen = [...page1.json().data, ...page2.json().data].map((c: { id: number }) => c.id)
  t.same(seen, [...ids].reverse())
  t.equal(page2.json().meta.nextCursor, null)
})

t.test('GET comments with a bad cursor or limit → 400 naming it', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const message = 'cursor is not valid for this list; use meta.nextCursor from the previous page'
  expectProblem(t, await app.inject({ url: `/v1/articles/${article.id}/comments?cursor=garbage` }), 400, 'validation', message, [{ path: 'cursor', message }])
  expectProblem(t, await app.inject({ url: `/v1/articles/${article.id}/comments?limit=0` }), 400, 'validation', 'The query string has 1 invalid field', [{ path: 'limit', message: 'limit must be an integer from 1 to 100' }])
})

t.test('GET comments?count=true adds meta.total, the approved comments only', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  for (let i = 0; i < 3; i++) await createApprovedComment(app, article.id)
  await createComment(app, article.id)
  const res = await app.inject({ url: `/v1/articles/${article.id}/comments?count=true&limit=2` })
  t.equal(res.statusCode, 200)
  t.match(res.json().meta, { limit: 2, nextCursor: String, total: 3 })
  t.equal(res.json().data.length, 2)
  const without = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.notOk('total' in without.json().meta)
})

t.test('GET comments sends an ETag and public caching; If-None-Match → 304; a new approved comment changes the ETag', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createApprovedComment(app, article.id)
  const url = `/v1/articles/${article.id}/comments`
  const first = await app.inject({ url })
  t.equal(first.statusCode, 200)
  const etag = String(first.headers.etag)
  t.match(etag, /^"[\w-]+"$/)
  t.equal(first.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=300')
  const cached = await app.inject({ url, headers: { 'if-none-match': etag } })
  t.equal(cached.statusCode, 304)
  t.equal(cached.body, '')
  t.equal(cached.headers.etag, etag)
  await createComment(app, article.id)
  t.equal((await app.inject({ url, headers: { 'if-none-match': etag } })).statusCode, 304, 'a pending comment changes nothing public')
  await createApprovedComment(app, article.id)
  const changed = await app.inject({ url, headers: { 'if-none-match': etag } })
  t.equal(changed.statusCode, 200)
  t.not(changed.headers.etag, etag)
  t.equal(changed.json().data.length, 2)
})

t.test('GET comments of an article the public cannot see → 404: unpublished, draft, trashed, unknown', async (t) => {
  const app = await buildTestApp(t)
  const unpublished = await createPublishedArticle(app)
  await createApprovedComment(app, unpublished.id)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${unpublished.id}/unpublish`, headers: admin })).statusCode, 200)
  const trashed = await createPublishedArticle(app)
  await createApprovedComment(app, trashed.id)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })).statusCode, 204)
  const draft = await createArticle(app)
  for (const idOrSlug of [unpublished.id, trashed.id, draft.id, 999, 'no-such-story']) {
    expectProblem(t, await app.inject({ url: `/v1/articles/${idOrSlug}/comments` }), 404, 'not-found', `There is no published article "${idOrSlug}"`)
  }
})
