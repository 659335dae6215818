import t, { type Test } from 'tap'
import { createPublishedArticle } from '../fixtures/articles.js'
import { createComment, expectedAvatarHash, moderateComment, type PostedComment } from '../fixtures/comments.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// GET /v1/comments: the editors' moderation queue across articles, with email, IP, user
// agent and flags. Writes (PATCH, bulk, DELETE) live in moderation-writes.test.ts.

const MINUTE = 60_000

/**
 * Two articles and five comments a minute apart: c1 pending (A), c2 approved (A), c3 spam (B),
 * c4 pending (B), c5 trash (A).
 */
async function scenario (t: Test) {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const a = await createPublishedArticle(app, { title: 'Harbour news' })
  const b = await createPublishedArticle(app, { title: 'Market day' })
  const post = async (articleId: number, partial: Record<string, unknown>, ip: string) => {
    clock.advance(MINUTE)
    return createComment(app, articleId, partial, { ip, headers: { 'user-agent': `Reader/${ip}` } })
  }
  const c1 = await post(a.id, { body: 'The tide was high', authorName: 'Rosa', authorEmail: 'Rosa@Example.net' }, '192.0.2.1')
  const c2 = await post(a.id, { body: 'Agreed with the mayor', authorName: 'Ben', authorEmail: 'ben@example.org' }, '192.0.2.2')
  const c3 = await post(b.id, { body: 'Cheap loans', authorName: 'Bot', authorEmail: 'bot@spam.example', homepage: 'http://x.example' }, '192.0.2.3')
  const c4 = await post(b.id, { body: 'Stalls were busy', authorName: 'Ülla', authorEmail: 'ulla@example.net' }, '192.0.2.4')
  const c5 = await post(a.id, { body: 'Off topic', authorName: 'Dan', authorEmail: 'dan@example.org' }, '192.0.2.5')
  clock.advance(MINUTE)
  await moderateComment(app, c2.id, { status: 'approved' })
  await moderateComment(app, c5.id, { status: 'trash' })
  return { app, clock, a, b, c: [c1, c2, c3, c4, c5] as PostedComment[] }
}

async function ids (t: Test, app: Awaited<ReturnType<typeof scenario>>['app'], query: string) {
  const res = await app.inject({ url: `/v1/comments${query}`, headers: admin })
  t.equal(res.statusCode, 200, `GET /v1/comments${query}`)
  return (res.json().data as Array<{ id: number }>).map((c) => c.id)
}

t.test('GET /v1/comments → the pending queue, newest first, each with email, IP, user agent and flags', async (t) => {
  const { app, a, b, c } = await scenario(t)
  const res = await app.inject({ url: '/v1/comments', headers: admin })
  expectJson(t, res, 200, {
    data: [
      {
        id: c[3]!.id,
        articleId: b.id,
        parentId: null,
        authorName: 'Ülla',
        authorUrl: null,
        avatarHash: expectedAvatarHash('ulla@example.net'),
        body: 'Stalls were busy',
        html: '<p>Stalls were busy</p>',
        createdAt: '2025-03-01T10:04:00.000Z',
        status: 'pending',
        authorEmail: 'ulla@example.net',
        ip: '192.0.2.4',
        userAgent: 'Reader/192.0.2.4',
        flags: ['first-time'],
        updatedAt: '2025-03-01T10:04:00.000Z'
      },
      {
        id: c[0]!.id,
        articleId: a.id,
        parentId: null,
        authorName: 'Rosa',
        authorUrl: null,
        avatarHash: expectedAvatarHash('rosa@example.net'),
        body: 'The tide was high',
        html: '<p>The tide was high</p>',
        createdAt: '2025-03-01T10:01:00.000Z',
        status: 'pending',
        authorEmail: 'rosa@example.net',
        ip: '192.0.2.1',
        userAgent: 'Reader/192.0.2.1',
        flags: ['first-time'],
        updatedAt: '2025-03-01T10:01:00.000Z'
      }
    ],
    meta: { limit: 20, nextCursor: null }
  })
  t.equal(res.headers['cache-control'], 'private, no-store')
})

t.test('GET /v1/comments?status=any → every status; a comma list → those statuses; sort=oldest reverses', async (t) => {
  const { app, c } = await scenario(t)
  const [c1, c2, c3, c4, c5] = c.map((x) => x.id)
  t.same(await ids(t, app, '?status=any'), [c5, c4, c3, c2, c1])
  t.same(await ids(t, app, '?status=spam,trash'), [c5, c3])
  t.same(await ids(t, app, '?status=approved'), [c2])
  t.same(await ids(t, app, '?status=pending,approved&sort=oldest'), [c1, c2, c4])
  t.same(await ids(t, app, '?status=approved,approved'), [c2], 'a repeated status counts once')
})

t.test('GET /v1/comments?status=<unknown> → 400 path status', async (t) => {
  const { app } = await scenario(t)
  const message = 'status takes any, or a comma list of pending, approved, spam, trash'
  for (const status of ['bogus', 'pending,bogus', ',']) {
    const res = await app.inject({ url: `/v1/comments?status=${encodeURIComponent(status)}`, headers: admin })
    expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'status', message }])
  }
})

t.test('GET /v1/comments?article= filters by article id or slug; an unknown one → 400 path article', async (t) => {
  const { app, a, b, c } = await scenario(t)
  const [c1, c2, c3, c4, c5] = c.map((x) => x.id)
  t.same(await ids(t, app, `?status=any&article=${a.id}`), [c5, c2, c1])
  t.same(await ids(t, app, '?status=any&article=harbour-news'), [c5, c2, c1])
  t.same(await ids(t, app, `?article=${b.id}`), [c4], 'combined with the default pending')
  t.same(await ids(t, app, '?status=spam&article=market-day'), [c3])
  for (const article of ['no-such-story', '999']) {
    const res = await app.inject({ url: `/v1/comments?article=${article}`, headers: admin })
    const message = `There is no article "${article}"`
    expectProblem(t, res, 400, 'validation', message, [{ path: 'article', message }])
  }
})

t.test('GET /v1/comments?q= finds text in the body, name or email, any case', async (t) => {
  const { app, c } = await scenario(t)
  const [c1, c2, c3, c4] = c.map((x) => x.id)
  t.same(await ids(t, app, '?status=any&q=TIDE'), [c1], 'body')
  t.same(await ids(t, app, '?status=any&q=ben'), [c2], 'name')
  t.same(await ids(t, app, '?status=any&q=%C3%BCLLA'), [c4], 'name, beyond ASCII')
  t.same(await ids(t, app, '?status=any&q=SPAM.EXAMPLE'), [c3], 'email')
  t.same(await ids(t, app, '?status=any&q=example.org'), [c[4]!.id, c2], 'email, several')
  t.same(await ids(t, app, '?status=pending&q=example.org'), [], 'combined with status')
  t.same(await ids(t, app, '?status=any&q=nothing-like-this'), [])
})

t.test('GET /v1/comments pages with the cursor: never an item twice, never one skipped; count=true adds the total', async (t) => {
  const { app, clock, a, c } = await scenario(t)
  const all = await ids(t, app, '?status=any')
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  let newer = 0
  do {
    const url: string = `/v1/comments?status=any&limit=2&count=true${cursor ? `&cursor=${cursor}` : ''}`
    const res = await app.inject({ url, headers: admin })
    t.equal(res.statusCode, 200)
    const body = res.json() as { data: Array<{ id: number }>, meta: { total: number, limit: number, nextCursor: string | null } }
    t.equal(body.meta.total, pages === 0 ? 5 : 6, 'total counts every match now, not just this page')
    t.equal(body.meta.limit, 2)
    seen.push(...body.data.map((x: { id: number }) => x.id))
    cursor = body.meta.nextCursor
    // A new comment arriving while an editor pages must not shift what the next page holds.
    if (pages === 0) {
      clock.advance(MINUTE)
      newer = (await createComment(app, a.id)).id
    }
    pages++
  } while (cursor && pages < 10)
  t.equal(pages, 3)
  t.same(seen, all)
  t.equal(new Set(seen).size, seen.length, 'no repeats')
  t.notOk(seen.includes(newer), 'the newer comment is not on later pages of the newest-first list')
  t.equal(c.length, 5)
})

t.test('GET /v1/comments with a bad cursor or limit → 400 naming it', async (t) => {
  const { app } = await scenario(t)
  const cursor = await app.inject({ url: '/v1/comments?cursor=not-a-cursor', headers: admin })
  const message = 'cursor is not valid for this list; use meta.nextCursor from the previous page'
  expectProblem(t, cursor, 400, 'validation', message, [{ path: 'cursor', message }])
  const limit = await app.inject({ url: '/v1/comments?limit=101', headers: admin })
  expectProblem(t, limit, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'limit', message: 'limit must be an integer from 1 to 100 (it is never silently capped)' }])
})

t.test('POST a comment with no, an empty or an 8 KB User-Agent → 201; the queue shows null for none and the first 500 characters of a long one', async (t) => {
  const app = await buildTestApp(t, { now: createClock('2025-03-01T10:00:00.000Z').now })
  const article = await createPublishedArticle(app, { title: 'Odd clients' })
  const long = `Reader/${'x'.repeat(8192)}`
  const sent: Array<string | undefined> = [undefined, '', '   ', long]
  for (const ua of sent) await createComment(app, article.id, {}, { headers: { 'user-agent': ua } as Record<string, string> })
  const res = await app.inject({ url: '/v1/comments?sort=oldest', headers: admin })
  t.equal(res.statusCode, 200)
  t.same((res.json().data as Array<{ userAgent: string | null }>).map((c) => c.userAgent), [null, null, null, long.slice(0, 500)])
})
