import t, { type Test } from 'tap'
import { createArticle, dataIds } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// GET /v1/articles/{idOrSlug}/related: "More articles", published ones sharing the category or
// a tag, the most shared first (the category counts as one), then the newest.

const day = (d: number) => `2025-01-${String(d).padStart(2, '0')}T08:00:00.000Z`
const live = (d: number) => ({ status: 'published', publishedAt: day(d) })

async function setup (t: Test) {
  const app = await buildTestApp(t)
  await createTaxon(app, 'categories', { name: 'World' })
  await createTaxon(app, 'categories', { name: 'Sport' })
  const target = await createArticle(app, { ...live(10), title: 'Target', category: 'world', tags: ['Alpha', 'Beta'] })
  const r = {
    three: (await createArticle(app, { ...live(2), title: 'World alpha beta', category: 'world', tags: ['alpha', 'beta'] })).id,
    twoTagsOlder: (await createArticle(app, { ...live(3), title: 'Sport alpha beta', category: 'sport', tags: ['alpha', 'beta'] })).id,
    categoryOnlyOlder: (await createArticle(app, { ...live(5), title: 'World only', category: 'world' })).id,
    oneTagNewer: (await createArticle(app, { ...live(6), title: 'Sport beta', category: 'sport', tags: ['beta'] })).id,
    twoCategoryTagNewer: (await createArticle(app, { ...live(4), title: 'World alpha', category: 'world', tags: ['alpha'] })).id,
    unrelated: (await createArticle(app, { ...live(7), title: 'Sport gamma', category: 'sport', tags: ['Gamma'] })).id,
    noCategory: (await createArticle(app, { ...live(8), title: 'Nothing at all' })).id
  }
  // Sharing everything, but not live: none of these is ever related.
  const shared = { category: 'world', tags: ['alpha', 'beta'] }
  const hidden = {
    draft: (await createArticle(app, { ...shared, title: 'Draft' })).id,
    scheduled: (await createArticle(app, { ...shared, title: 'Scheduled', status: 'scheduled', publishAt: '2999-01-01T00:00:00.000Z' })).id,
    archived: (await createArticle(app, { ...shared, title: 'Archived', status: 'archived', publishedAt: day(9) })).id,
    trashed: (await createArticle(app, { ...shared, ...live(9), title: 'Trashed' })).id,
    unpublished: (await createArticle(app, { ...shared, ...live(9), title: 'Unpublished' })).id
  }
  const del = await app.inject({ method: 'DELETE', url: `/v1/articles/${hidden.trashed}`, headers: admin })
  const unpub = await app.inject({ method: 'POST', url: `/v1/articles/${hidden.unpublished}/unpublish`, headers: admin })
  if (del.statusCode !== 204 || unpub.statusCode !== 200) throw new Error('setup failed')
  return { app, target, r, hidden }
}

t.test('GET /v1/articles/{id}/related → 4 articles, most shared first, then newest', async (t) => {
  const { app, target, r } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${target.id}/related` })
  t.equal(res.statusCode, 200)
  // Scores: three = category + 2 tags; twoCategoryTagNewer and twoTagsOlder = 2; oneTagNewer
  // and categoryOnlyOlder = 1; among equals the newer publishedAt first.
  t.same(dataIds(res), [r.three, r.twoCategoryTagNewer, r.twoTagsOlder, r.oneTagNewer])
  t.same(Object.keys(res.json()), ['data'], 'a plain list: no paging meta')
  t.match(res.json().data[0], { id: r.three, title: 'World alpha beta', status: 'published', category: { slug: 'world' }, tags: [{ slug: 'alpha' }, { slug: 'beta' }] })
})

t.test('GET /v1/articles/{slug}/related?limit=20 → every related article and never the article itself', async (t) => {
  const { app, target, r } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${target.slug}/related?limit=20` })
  t.equal(res.statusCode, 200)
  t.same(dataIds(res), [r.three, r.twoCategoryTagNewer, r.twoTagsOlder, r.oneTagNewer, r.categoryOnlyOlder])
  t.notOk(dataIds(res).includes(target.id), 'not itself')
  t.notOk(dataIds(res).includes(r.unrelated), 'sharing nothing is not related')
  t.notOk(dataIds(res).includes(r.noCategory), 'no category is not a shared category')
})

t.test('GET /v1/articles/{id}/related → drafts, scheduled, archived, trashed and unpublished articles are left out', async (t) => {
  const { app, target, hidden } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${target.id}/related?limit=20` })
  t.equal(res.statusCode, 200)
  const seen = dataIds(res)
  for (const [name, id] of Object.entries(hidden)) t.notOk(seen.includes(id), `${name} is not related`)
})

t.test('GET /v1/articles/{id}/related?limit=2 → the first two', async (t) => {
  const { app, target, r } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${target.id}/related?limit=2&fields=title` })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { data: [{ id: r.three, title: 'World alpha beta' }, { id: r.twoCategoryTagNewer, title: 'World alpha' }] })
})

t.test('GET /v1/articles/{id}/related for an article without category or tags → an empty list', async (t) => {
  const { app, r } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${r.noCategory}/related` })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { data: [] })
})

t.test('GET /v1/articles/{id}/related?limit=21 (or 0, or abc) → 400 naming limit', async (t) => {
  const { app, target } = await setup(t)
  for (const limit of ['21', '0', 'abc', '1.5']) {
    const res = await app.inject({ url: `/v1/articles/${target.id}/related?limit=${limit}` })
    t.test(`limit=${limit}`, async (t) => {
      expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'limit', message: 'limit must be an integer from 1 to 20' }])
    })
  }
})

t.test('GET /v1/articles/{id}/related for an unknown or unpublished article → 404 publicly', async (t) => {
  const { app, hidden } = await setup(t)
  const unknown = await app.inject({ url: '/v1/articles/no-such-article/related' })
  expectProblem(t, unknown, 404, 'not-found', 'There is no published article "no-such-article"')
  const missingId = await app.inject({ url: '/v1/articles/9999/related' })
  expectProblem(t, missingId, 404, 'not-found', 'There is no published article "9999"')
  for (const [name, id] of Object.entries(hidden)) {
    const res = await app.inject({ url: `/v1/articles/${id}/related` })
    t.test(name, async (t) => {
      expectProblem(t, res, 404, 'not-found', `There is no published article "${id}"`)
    })
  }
})

t.test('GET /v1/articles/{id}/related for a draft with an editor token → 200 with its published relations', async (t) => {
  const { app, target, hidden, r } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${hidden.draft}/related`, headers: admin })
  t.equal(res.statusCode, 200)
  // The draft shares everything with the target and with `three`: the newer of them first.
  t.same(dataIds(res), [target.id, r.three, r.twoCategoryTagNewer, r.twoTagsOlder])
})
