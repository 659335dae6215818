import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createArticle, dataIds } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, createClock, expectProblem, ISO_TIMESTAMP, type TestClock } from '../helper.js'

// GET /v1/articles for the public: what is visible, the order, every filter alone and with q,
// the sorts, count, fields and the 400s for bad parameters (unknown filter values: list-filters.test.ts).

const day = (d: number) => `2025-01-${String(d).padStart(2, '0')}T08:00:00.000Z`
const MINUTE = 60_000

interface Seeded { a1: number, a2: number, a3: number, a4: number, a5: number, draft: number, scheduled: number, archived: number, trashed: number }

/**
 * Five published articles (a1 oldest … a5 newest by publishedAt, created in the order a3, a1,
 * a5, a2, a4 one minute apart, so updatedAt orders them differently) and one each of draft,
 * scheduled (in the future), archived and trashed that the public must never see. "harbour"
 * is in a1..a4 and in every hidden one, never in a5.
 */
async function seed (app: App, clock: TestClock): Promise<Seeded> {
  await createTaxon(app, 'categories', { name: 'World' })
  await createTaxon(app, 'categories', { name: 'Sport' })
  await createTaxon(app, 'authors', { name: 'Ann Lee' })
  await createTaxon(app, 'authors', { name: 'Bob Roy' })
  const make = async (payload: Record<string, unknown>) => {
    clock.advance(MINUTE)
    return (await createArticle(app, payload)).id
  }
  const live = { status: 'published' }
  const a3 = await make({ ...live, title: 'Solar farm opens', body: 'Panels cover the old harbour field.', category: 'world', author: 'bob-roy', tags: ['Climate', 'Energy'], publishedAt: day(14) })
  const a1 = await make({ ...live, title: 'Sea wall holds', body: 'The harbour barrier held through the storm.', category: 'world', author: 'ann-lee', tags: ['Climate', 'Coast'], featured: true, publishedAt: day(10) })
  const draft = await make({ title: 'Harbour draft', body: 'Unfinished harbour notes.', category: 'world', author: 'ann-lee', tags: ['Climate', 'Coast'], featured: true })
  const a5 = await make({ ...live, title: 'market report', body: 'Prices fell again.', category: 'world', author: 'ann-lee', tags: ['Energy'], publishedAt: day(18) })
  const scheduled = await make({ status: 'scheduled', publishAt: '2025-03-01T00:00:00.000Z', title: 'Harbour tomorrow', body: 'The harbour reopens.', category: 'world', author: 'ann-lee', tags: ['Climate', 'Coast'] })
  const a2 = await make({ ...live, title: 'Derby day', body: 'Fans crowded the harbour stadium.', category: 'sport', author: 'bob-roy', publishedAt: day(12) })
  const archived = await make({ status: 'archived', title: 'Harbour archive', body: 'An old harbour story.', category: 'world', author: 'ann-lee', tags: ['Climate', 'Coast'], publishedAt: day(11) })
  const a4 = await make({ ...live, title: 'Harbour floods again', body: 'Water rose over the quay.', category: 'world', author: 'ann-lee', tags: ['Coast'], featured: true, publishedAt: day(16) })
  const trashed = await make({ ...live, title: 'Harbour trashed', body: 'A harbour piece withdrawn.', category: 'world', author: 'ann-lee', tags: ['Climate', 'Coast'], publishedAt: day(13) })
  clock.advance(MINUTE)
  const del = await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed}`, headers: admin })
  if (del.statusCode !== 204) throw new Error(`trash failed: ${del.body}`)
  return { a1, a2, a3, a4, a5, draft, scheduled, archived, trashed }
}

async function setup (t: Test) {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const s = await seed(app, clock)
  return { app, clock, s }
}

t.test('GET /v1/articles → 200 with published articles only, newest publishedAt first', async (t) => {
  const { app, s } = await setup(t)
  const res = await app.inject({ url: '/v1/articles' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(dataIds(res), [s.a5, s.a4, s.a3, s.a2, s.a1], 'draft, scheduled, archived and trashed are hidden')
  t.same(body.meta, { limit: 20, nextCursor: null })
  t.match(body.data[1], {
    id: s.a4,
    slug: 'harbour-floods-again',
    title: 'Harbour floods again',
    status: 'published',
    featured: true,
    category: { slug: 'world', name: 'World' },
    author: { slug: 'ann-lee', name: 'Ann Lee' },
    tags: [{ slug: 'coast', name: 'Coast' }],
    publishedAt: day(16),
    createdAt: ISO_TIMESTAMP,
    updatedAt: ISO_TIMESTAMP
  })
  t.ok(body.data.every((a: { status: string }) => a.status === 'published'), 'every item says published')
})

t.test('GET /v1/articles?status=published → the same list anonymously', async (t) => {
  const { app, s } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?status=published' })
  t.equal(res.statusCode, 200)
  t.same(dataIds(res), [s.a5, s.a4, s.a3, s.a2, s.a1])
})

t.test('GET /v1/articles?sort=… → each sort orders the published articles', async (t) => {
  const { app, s } = await setup(t)
  const expected: Record<string, number[]> = {
    '-publishedAt': [s.a5, s.a4, s.a3, s.a2, s.a1],
    publishedAt: [s.a1, s.a2, s.a3, s.a4, s.a5],
    '-updatedAt': [s.a4, s.a2, s.a5, s.a1, s.a3],
    updatedAt: [s.a3, s.a1, s.a5, s.a2, s.a4],
    // Without regard to case: "market report" sorts between Harbour and Sea.
    title: [s.a2, s.a4, s.a5, s.a1, s.a3]
  }
  for (const [sort, order] of Object.entries(expected)) {
    const res = await app.inject({ url: `/v1/articles?sort=${encodeURIComponent(sort)}` })
    t.equal(res.statusCode, 200, `sort=${sort}: status`)
    t.same(dataIds(res), order, `sort=${sort}: order`)
  }
})

t.test('GET /v1/articles with one filter → only the matching published articles', async (t) => {
  const { app, clock, s } = await setup(t)
  // a5 and a2 change an hour later: updatedAfter picks exactly them.
  clock.advance(60 * MINUTE)
  for (const id of [s.a5, s.a2, s.draft]) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: admin, payload: { subtitle: 'Updated' } })
    t.equal(res.statusCode, 200)
  }
  const cases: Array<[string, number[]]> = [
    ['category=world', [s.a5, s.a4, s.a3, s.a1]],
    ['category=sport', [s.a2]],
    ['author=ann-lee', [s.a5, s.a4, s.a1]],
    ['author=bob-roy', [s.a3, s.a2]],
    ['tag=climate', [s.a3, s.a1]],
    ['tag=coast', [s.a4, s.a1]],
    ['tag=climate&tag=coast', [s.a1]],
    ['tag=climate,coast', [s.a1]],
    ['tag=energy&tag=coast', []],
    ['featured=true', [s.a4, s.a1]],
    ['featured=false', [s.a5, s.a3, s.a2]],
    ['publishedAfter=2025-01-12T08:00:00Z', [s.a5, s.a4, s.a3]],
    ['publishedBefore=2025-01-14T08:00:00.000Z', [s.a2, s.a1]],
    ['publishedAfter=2025-01-11T00:00:00Z&publishedBefore=2025-01-17T00:00:00Z', [s.a4, s.a3, s.a2]],
    ['updatedAfter=2025-02-01T00:30:00Z', [s.a5, s.a2]],
    ['category=world&author=bob-roy&tag=energy', [s.a3]]
  ]
  for (const [query, expected] of cases) {
    const res = await app.inject({ url: `/v1/articles?${query}` })
    t.equal(res.statusCode, 200, `${query}: status`)
    t.same(dataIds(res), expected, `${query}: articles`)
  }
})

t.test('GET /v1/articles with each filter and q → the articles matching both', async (t) => {
  const { app, clock, s } = await setup(t)
  clock.advance(60 * MINUTE)
  for (const id of [s.a5, s.a2]) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: admin, payload: { subtitle: 'Updated' } })
    t.equal(res.statusCode, 200)
  }
  const q = 'q=harbour&sort=-publishedAt'
  const alone = await app.inject({ url: `/v1/articles?${q}` })
  t.equal(alone.statusCode, 200)
  t.same(dataIds(alone), [s.a4, s.a3, s.a2, s.a1], 'q alone: every published article with the word')
  const cases: Array<[string, number[]]> = [
    ['category=world', [s.a4, s.a3, s.a1]],
    ['author=ann-lee', [s.a4, s.a1]],
    ['tag=energy', [s.a3]],
    ['tag=climate&tag=coast', [s.a1]],
    ['tag=climate,coast', [s.a1]],
    ['featured=true', [s.a4, s.a1]],
    ['featured=false', [s.a3, s.a2]],
    ['publishedAfter=2025-01-13T00:00:00Z', [s.a4, s.a3]],
    ['publishedBefore=2025-01-13T00:00:00Z', [s.a2, s.a1]],
    ['updatedAfter=2025-02-01T00:30:00Z', [s.a2]],
    ['category=sport', [s.a2]]
  ]
  for (const [filter, expected] of cases) {
    const res = await app.inject({ url: `/v1/articles?${q}&${filter}` })
    t.equal(res.statusCode, 200, `${filter} with q: status`)
    t.same(dataIds(res), expected, `${filter} with q: articles`)
  }
})

t.test('GET /v1/articles?count=true → meta.total is the number of matches, not of the page', async (t) => {
  const { app, s } = await setup(t)
  const cases: Array<[string, number, number[]]> = [
    ['count=true&limit=2', 5, [s.a5, s.a4]],
    ['count=true&category=world&limit=1', 4, [s.a5]],
    ['count=true&q=harbour&sort=-publishedAt&limit=3', 4, [s.a4, s.a3, s.a2]],
    ['count=true&tag=climate&tag=coast', 1, [s.a1]],
    ['count=true&category=sport&tag=climate', 0, []]
  ]
  for (const [query, total, expected] of cases) {
    const res = await app.inject({ url: `/v1/articles?${query}` })
    t.equal(res.statusCode, 200, `${query}: status`)
    const body = res.json()
    t.equal(body.meta.total, total, `${query}: total`)
    t.same(dataIds(res), expected, `${query}: page`)
  }
  const second = await app.inject({ url: `/v1/articles?count=true&limit=2&cursor=${(await app.inject({ url: '/v1/articles?limit=2' })).json().meta.nextCursor}` })
  t.equal(second.statusCode, 200)
  t.equal(second.json().meta.total, 5, 'the total counts every match on later pages too')
  const without = await app.inject({ url: '/v1/articles?count=false' })
  t.equal(without.statusCode, 200)
  t.notOk('total' in without.json().meta, 'count=false adds no total')
})

t.test('GET /v1/articles?fields=slug,title → items with only id, slug and title', async (t) => {
  const { app, s } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?fields=slug,title&limit=2' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(body.data, [
    { id: s.a5, slug: 'market-report', title: 'market report' },
    { id: s.a4, slug: 'harbour-floods-again', title: 'Harbour floods again' }
  ])
  t.match(body.meta, { limit: 2, nextCursor: /^[\w-]+$/ })
})

t.test('GET /v1/articles?fields=nope → 400 naming fields', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?fields=slug,nope' })
  expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'fields', message: /^Unknown field nope; choose from id, slug, title/ }])
})

t.test('GET /v1/articles with an invalid parameter → 400 naming it', async (t) => {
  const { app } = await setup(t)
  const limitMessage = 'limit must be an integer from 1 to 100'
  const dateMessage = 'Use an ISO 8601 date-time such as 2025-01-29T08:00:00Z'
  const cases: Array<[string, string, string | RegExp]> = [
    ['sort=newest', 'sort', 'sort must be one of -publishedAt, publishedAt, -updatedAt, updatedAt, title, relevance'],
    ['sort=-title', 'sort', /^sort must be one of/],
    ['limit=0', 'limit', limitMessage],
    ['limit=101', 'limit', `${limitMessage} (it is never silently capped)`],
    ['limit=abc', 'limit', limitMessage],
    ['limit=2.5', 'limit', limitMessage],
    ['status=bogus', 'status', 'status takes any, or a comma list of draft, scheduled, published, archived, trashed'],
    ['featured=yes', 'featured', 'Use true or false'],
    ['publishedAfter=yesterday', 'publishedAfter', dateMessage],
    ['publishedBefore=2025-01-01', 'publishedBefore', dateMessage],
    ['updatedAfter=2025-13-01T00:00:00Z', 'updatedAfter', dateMessage],
    ['tag=' + Array.from({ length: 11 }, (_, i) => `t${i}`).join('&tag='), 'tag', 'At most 10 tag filters'],
    ['tag=' + Array.from({ length: 11 }, (_, i) => `t${i}`).join(','), 'tag', 'At most 10 tag filters']
  ]
  for (const [query, path, message] of cases) {
    const res = await app.inject({ url: `/v1/articles?${query}` })
    t.test(query, async (t) => {
      expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path, message }])
    })
  }
})

t.test('GET /v1/articles with exactly ten tag filters → 200 (ten is allowed)', async (t) => {
  const { app } = await setup(t)
  for (let i = 0; i < 10; i++) await createTaxon(app, 'tags', { name: `t${i}` })
  const res = await app.inject({ url: '/v1/articles?tag=' + Array.from({ length: 10 }, (_, i) => `t${i}`).join('&tag=') })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { data: [], meta: { limit: 20, nextCursor: null } })
})

t.test('GET /v1/articles?sort=relevance without q → 400 naming sort', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/v1/articles?sort=relevance' })
  expectProblem(t, res, 400, 'validation', 'sort=relevance needs q, the words to rank by', [{ path: 'sort', message: 'sort=relevance needs q, the words to rank by' }])
})
