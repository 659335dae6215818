import t, { type Test } from 'tap'
import { createArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// GET /v1/articles?status=…: the public only ever sees published articles; a token widens the
// list by role (editors everything, authors their own byline besides what is live).

const MINUTE = 60_000

async function setup (t: Test) {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const editor = await tokenFor(app, 'editor')
  const ann = await tokenFor(app, 'author')
  const bobAuthorId = (await createTaxon(app, 'authors', { name: 'Bob Roy' })).id
  const bob = await tokenFor(app, 'author', bobAuthorId)
  const make = async (payload: Record<string, unknown>, headers = admin) => {
    clock.advance(MINUTE)
    return (await createArticle(app, payload, headers)).id
  }
  const older = await make({ title: 'Older news', status: 'published', publishedAt: '2025-01-10T08:00:00.000Z' })
  const annDraft = await make({ title: 'Ann draft' }, ann.headers)
  const annLive = await make({ title: 'Ann live', status: 'published' }, ann.headers)
  const bobDraft = await make({ title: 'Bob draft', author: bobAuthorId })
  const archived = await make({ title: 'Archived', status: 'archived', publishedAt: '2025-01-05T08:00:00.000Z' })
  const scheduled = await make({ title: 'Scheduled', status: 'scheduled', publishAt: '2025-03-01T00:00:00.000Z' })
  const trashed = await make({ title: 'Trashed', status: 'published', publishedAt: '2025-01-12T08:00:00.000Z' })
  clock.advance(MINUTE)
  const del = await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed}`, headers: admin })
  if (del.statusCode !== 204) throw new Error(`trash failed: ${del.body}`)
  return { app, editor, ann, bob, ids: { older, annDraft, annLive, bobDraft, archived, scheduled, trashed } }
}

function statuses (res: { json: () => any }): Array<[number, string]> {
  return (res.json().data as Array<{ id: number, status: string }>).map((a) => [a.id, a.status])
}

for (const status of ['draft', 'any', 'draft,published', 'trashed']) {
  t.test(`GET /v1/articles?status=${status} without a token → 400 naming status`, async (t) => {
    const { app } = await setup(t)
    const res = await app.inject({ url: `/v1/articles?status=${status}` })
    const message = 'Only published articles are visible without a token; send Authorization: Bearer <token> to list others'
    expectProblem(t, res, 400, 'validation', message, [{ path: 'status', message }])
  })
}

t.test('GET /v1/articles with a token and no status → published only, like the public', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: '/v1/articles', headers: editor.headers })
  t.equal(res.statusCode, 200)
  t.same(statuses(res), [[ids.annLive, 'published'], [ids.older, 'published']])
})

t.test('GET /v1/articles?status=draft with an editor token → every draft', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?status=draft', headers: editor.headers })
  t.equal(res.statusCode, 200)
  // Drafts have no publication date: with a token they sort by creation, newest first.
  t.same(statuses(res), [[ids.bobDraft, 'draft'], [ids.annDraft, 'draft']])
  t.match(res.json().data[0], { title: 'Bob draft', publishedAt: null })
})

t.test('GET /v1/articles?status=any with an editor token → every article, trashed included', async (t) => {
  const { app, editor, ids } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?status=any&count=true', headers: editor.headers })
  t.equal(res.statusCode, 200)
  const seen = new Map(statuses(res))
  t.same(Object.fromEntries(seen), {
    [ids.older]: 'published',
    [ids.annDraft]: 'draft',
    [ids.annLive]: 'published',
    [ids.bobDraft]: 'draft',
    [ids.archived]: 'archived',
    [ids.scheduled]: 'scheduled',
    [ids.trashed]: 'trashed'
  })
  t.equal(res.json().meta.total, 7)
})

t.test('GET /v1/articles?status=… with an editor token → exactly the statuses asked for', async (t) => {
  const { app, editor, ids } = await setup(t)
  const cases: Array<[string, Array<[number, string]>]> = [
    ['trashed', [[ids.trashed, 'trashed']]],
    ['archived', [[ids.archived, 'archived']]],
    ['scheduled', [[ids.scheduled, 'scheduled']]],
    ['archived,trashed', [[ids.trashed, 'trashed'], [ids.archived, 'archived']]]
  ]
  for (const [status, expected] of cases) {
    const res = await app.inject({ url: `/v1/articles?status=${status}&sort=title`, headers: editor.headers })
    t.equal(res.statusCode, 200, `${status}: status`)
    t.same(statuses(res).sort((a, b) => a[0] - b[0]), expected.sort((a, b) => a[0] - b[0]), `${status}: articles`)
  }
})

t.test('GET /v1/articles?status=draft with an author token → only its own drafts', async (t) => {
  const { app, ann, bob, ids } = await setup(t)
  const own = await app.inject({ url: '/v1/articles?status=draft', headers: ann.headers })
  t.equal(own.statusCode, 200)
  t.same(statuses(own), [[ids.annDraft, 'draft']])
  const other = await app.inject({ url: '/v1/articles?status=draft', headers: bob.headers })
  t.equal(other.statusCode, 200)
  t.same(statuses(other), [[ids.bobDraft, 'draft']])
})

t.test('GET /v1/articles?status=any with an author token → what is live plus its own, never others\' unpublished', async (t) => {
  const { app, ann, ids } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?status=any', headers: ann.headers })
  t.equal(res.statusCode, 200)
  t.same(statuses(res).sort((a, b) => a[0] - b[0]), [
    [ids.older, 'published'],
    [ids.annDraft, 'draft'],
    [ids.annLive, 'published']
  ])
})

t.test('GET /v1/articles → a scheduled article whose time has come is published, even before the scheduler runs', async (t) => {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const editor = await tokenFor(app, 'editor')
  const due = await createArticle(app, { title: 'Goes live at one', status: 'scheduled', publishAt: '2025-02-01T01:00:00.000Z' })
  t.same(statuses(await app.inject({ url: '/v1/articles' })), [], 'not yet')
  // The clock moves, real time does not: the scheduler's timer has not fired.
  clock.advance(2 * 60 * MINUTE)
  const res = await app.inject({ url: '/v1/articles' })
  t.equal(res.statusCode, 200)
  t.same(statuses(res), [[due.id, 'published']])
  t.match(res.json().data[0], { publishedAt: '2025-02-01T01:00:00.000Z' })
  const read = await app.inject({ url: `/v1/articles/${due.id}` })
  t.equal(read.statusCode, 200)
  t.match(read.json(), { status: 'published', publishedAt: '2025-02-01T01:00:00.000Z' })
  const scheduled = await app.inject({ url: '/v1/articles?status=scheduled', headers: editor.headers })
  t.equal(scheduled.statusCode, 200)
  t.same(statuses(scheduled), [], 'no longer scheduled')
  const published = await app.inject({ url: '/v1/articles?status=published,scheduled', headers: editor.headers })
  t.equal(published.statusCode, 200)
  t.same(statuses(published), [[due.id, 'published']], 'listed once')
})
