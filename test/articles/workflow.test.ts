import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { asc, eq } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { articleTables, createArticle } from '../fixtures/articles.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectProblem, tempDir } from '../helper.js'

// Draft → published → draft, scheduling (with a controllable clock, the real timer and a
// restart) and who may set publishedAt.

const HOUR = 60 * 60 * 1000

function action (app: App, id: number, name: 'publish' | 'unpublish', headers: Record<string, string> = admin) {
  return app.inject({ method: 'POST', url: `/v1/articles/${id}/${name}`, headers })
}

function storedRow (app: App, id: number) {
  const { articles } = app.database.tables
  return app.database.get(app.database.orm.select().from(articles).where(eq(articles.id, id)))
}

function storedRevisions (app: App, id: number) {
  const { articleRevisions } = app.database.tables
  return app.database.all(app.database.orm.select().from(articleRevisions).where(eq(articleRevisions.articleId, id)).orderBy(asc(articleRevisions.revision)))
}

async function publicList (t: Test, app: App) {
  const res = await app.inject({ url: '/v1/articles' })
  t.equal(res.statusCode, 200)
  return (res.json().data as Array<{ id: number }>).map((a) => a.id)
}

/** Polls until `check` holds or `ms` pass; returns whether it held. Never waits longer than `ms`. */
async function waitFor (check: () => Promise<boolean>, ms: number) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check()) return true
    await sleep(50)
  }
  return await check()
}

t.test('a draft is not public: GET without a token → 404 and the public list leaves it out', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app, { title: 'Embargoed' })
  t.equal(draft.status, 'draft')
  expectProblem(t, await app.inject({ url: `/v1/articles/${draft.id}` }), 404, 'not-found', `There is no published article "${draft.id}"`)
  expectProblem(t, await app.inject({ url: '/v1/articles/embargoed' }), 404, 'not-found', 'There is no published article "embargoed"')
  t.same(await publicList(t, app), [])
  const editor = await app.inject({ url: `/v1/articles/${draft.id}`, headers: admin })
  t.equal(editor.statusCode, 200)
  t.equal(editor.json().status, 'draft')
})

t.test('POST /v1/articles/{id}/publish → status published, publishedAt now, public at once', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const draft = await createArticle(app, { title: 'Going live' })
  clock.advance(5 * 60_000)
  const res = await action(app, draft.id, 'publish')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: draft.id, status: 'published', publishedAt: '2025-03-01T10:05:00.000Z', updatedAt: '2025-03-01T10:05:00.000Z', revision: 2 })
  t.match(res.headers.etag, /^"2-/)
  const read = await app.inject({ url: `/v1/articles/${draft.id}` })
  t.equal(read.statusCode, 200)
  t.same(read.json(), res.json())
  t.same(await publicList(t, app), [draft.id])
})

t.test('POST /v1/articles/{id}/publish with the real clock → publishedAt between the request\'s start and end', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app)
  const before = new Date().toISOString()
  const res = await action(app, draft.id, 'publish')
  const after = new Date().toISOString()
  t.equal(res.statusCode, 200)
  const { publishedAt } = res.json()
  t.ok(publishedAt >= before && publishedAt <= after, `${before} ≤ ${publishedAt} ≤ ${after}`)
})

t.test('POST /v1/articles/{id}/unpublish → draft and gone publicly; publishing again keeps the first publishedAt', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const article = await createArticle(app, { title: 'Back and forth', status: 'published' })
  t.equal(article.publishedAt, '2025-03-01T10:00:00.000Z')
  clock.advance(HOUR)
  const down = await action(app, article.id, 'unpublish')
  t.equal(down.statusCode, 200)
  t.match(down.json(), { status: 'draft', revision: 2, updatedAt: '2025-03-01T11:00:00.000Z' })
  expectProblem(t, await app.inject({ url: `/v1/articles/${article.id}` }), 404, 'not-found', `There is no published article "${article.id}"`)
  t.same(await publicList(t, app), [])
  clock.advance(HOUR)
  const up = await action(app, article.id, 'publish')
  t.equal(up.statusCode, 200)
  t.match(up.json(), { status: 'published', publishedAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-01T12:00:00.000Z', revision: 3 })
  t.same(await publicList(t, app), [article.id])
})

t.test('POST /v1/articles → 400 naming publishAt for status scheduled without a future publishAt, and nothing is created', async (t) => {
  const app = await buildTestApp(t, { now: createClock('2025-03-01T10:00:00.000Z').now })
  const FUTURE = 'publishAt must be in the future; to publish now, use status published'
  const missing = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Later', status: 'scheduled' } })
  expectProblem(t, missing, 400, 'validation', 'A scheduled article needs publishAt, the time it goes live', [{ path: 'publishAt', message: 'A scheduled article needs publishAt, the time it goes live' }])
  for (const publishAt of ['2025-03-01T09:59:59Z', '2025-03-01T10:00:00.000Z', '2020-01-01T00:00:00+02:00']) {
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Later', status: 'scheduled', publishAt } })
    expectProblem(t, res, 400, 'validation', FUTURE, [{ path: 'publishAt', message: FUTURE }])
  }
  const notADate = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Later', status: 'scheduled', publishAt: 'tomorrow' } })
  expectProblem(t, notADate, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'publishAt', message: 'Use an ISO 8601 date-time such as 2025-01-29T08:00:00Z' }])
  t.same((await articleTables(app)).articles, [])
})

t.test('PATCH /v1/articles/{id} → 400 naming publishAt when scheduling without a future time, and nothing changes', async (t) => {
  const app = await buildTestApp(t, { now: createClock('2025-03-01T10:00:00.000Z').now })
  const draft = await createArticle(app)
  const before = await articleTables(app)
  const missing = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: admin, payload: { status: 'scheduled', title: 'Changed' } })
  expectProblem(t, missing, 400, 'validation', 'A scheduled article needs publishAt, the time it goes live', [{ path: 'publishAt', message: 'A scheduled article needs publishAt, the time it goes live' }])
  const past = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: admin, payload: { status: 'scheduled', publishAt: '2025-02-01T00:00:00Z' } })
  expectProblem(t, past, 400, 'validation', 'publishAt must be in the future; to publish now, use status published', [{ path: 'publishAt', message: 'publishAt must be in the future; to publish now, use status published' }])
  t.same(await articleTables(app), before)
})

t.test('a scheduled article is public once its time has come, before any timer has run', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const publishAt = '2025-03-01T11:00:00.000Z'
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'At eleven', status: 'scheduled', publishAt } })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { status: 'scheduled', publishAt, publishedAt: null })
  const id = res.json().id as number
  expectProblem(t, await app.inject({ url: `/v1/articles/${id}` }), 404, 'not-found', `There is no published article "${id}"`)
  t.same(await publicList(t, app), [])

  clock.set('2025-03-01T11:00:01.000Z')
  const read = await app.inject({ url: `/v1/articles/${id}` })
  t.equal(read.statusCode, 200, 'visible without a token')
  t.match(read.json(), { id, status: 'published', publishedAt: publishAt })
  t.same(await publicList(t, app), [id])
  t.equal((await storedRow(app, id))?.status, 'scheduled', 'the stored row has not been flipped yet: the read did not need the timer')
})

t.test('a scheduled article is published by the timer at its time, without any request', async (t) => {
  const app = await buildTestApp(t)
  const publishAt = new Date(Date.now() + 1500).toISOString()
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Timer', status: 'scheduled', publishAt } })
  t.equal(res.statusCode, 201)
  const id = res.json().id as number
  t.equal((await storedRow(app, id))?.status, 'scheduled')
  const flipped = await waitFor(async () => (await storedRow(app, id))?.status === 'published', 2800)
  t.ok(flipped, 'the stored row is published')
  t.match(await storedRow(app, id), { status: 'published', publishedAt: publishAt, revision: 2 })
  const revisions = await storedRevisions(app, id)
  t.same(revisions.map((r) => [r.revision, r.snapshot.status, r.tokenId]), [[1, 'scheduled', 1], [2, 'published', null]], 'a new revision by the system')
  const read = await app.inject({ url: `/v1/articles/${id}` })
  t.equal(read.statusCode, 200)
  t.match(read.json(), { status: 'published', publishedAt: publishAt, revision: 2 })
})

t.test('a schedule survives a restart: an article that came due while the server was down is published on start', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'broadsheet.db') }
  const first = await buildTestApp(t, { env })
  const publishAt = new Date(Date.now() + 1000).toISOString()
  const res = await first.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Across a restart', status: 'scheduled', publishAt } })
  t.equal(res.statusCode, 201)
  const id = res.json().id as number
  await first.close()
  const passed = await waitFor(async () => Date.now() > Date.parse(publishAt) + 100, 2000)
  t.ok(passed, 'the time has passed while no server ran')

  const second = await buildTestApp(t, { env })
  t.match(await storedRow(second, id), { status: 'published', publishedAt: publishAt, revision: 2 }, 'published right after ready')
  t.same((await storedRevisions(second, id)).map((r) => r.snapshot.status), ['scheduled', 'published'])
})

t.test('POST /v1/articles → an editor may set a past publishedAt (imports keep their dates)', async (t) => {
  const app = await buildTestApp(t)
  const editor = await tokenFor(app, 'editor')
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: editor.headers, payload: { title: 'From the archive', status: 'published', publishedAt: '2019-05-01T09:00:00+02:00' } })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { status: 'published', publishedAt: '2019-05-01T07:00:00.000Z' })
  const changed = await app.inject({ method: 'PATCH', url: `/v1/articles/${res.json().id}`, headers: editor.headers, payload: { publishedAt: '2018-01-01T00:00:00Z' } })
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().publishedAt, '2018-01-01T00:00:00.000Z')
})

t.test('POST and PATCH /v1/articles → 400 naming publishedAt when it is in the future, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const FUTURE = 'publishedAt of a published article cannot be in the future: schedule it instead'
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Time travel', status: 'published', publishedAt: '2999-01-01T00:00:00Z' } })
  expectProblem(t, res, 400, 'validation', FUTURE, [{ path: 'publishedAt', message: FUTURE }])
  t.same((await articleTables(app)).articles, [])
  const published = await createArticle(app, { status: 'published' })
  const before = await articleTables(app)
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${published.id}`, headers: admin, payload: { publishedAt: '2999-01-01T00:00:00Z' } })
  expectProblem(t, patched, 400, 'validation', FUTURE, [{ path: 'publishedAt', message: FUTURE }])
  t.same(await articleTables(app), before)
})

t.test('POST and PATCH /v1/articles → 403 when an author sets publishedAt, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const author = await tokenFor(app, 'author')
  const FORBIDDEN = 'Only editors and admins may set publishedAt; publishing sets it'
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: author.headers, payload: { title: 'Backdated', status: 'published', publishedAt: '2019-05-01T09:00:00Z' } })
  expectProblem(t, res, 403, 'forbidden', FORBIDDEN)
  t.same((await articleTables(app)).articles, [])
  const own = await createArticle(app, { status: 'published' }, author.headers)
  const before = await articleTables(app)
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${own.id}`, headers: author.headers, payload: { publishedAt: '2019-05-01T09:00:00Z' } })
  expectProblem(t, patched, 403, 'forbidden', FORBIDDEN)
  t.same(await articleTables(app), before)
})
