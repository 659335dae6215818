import t from 'tap'
import type { App } from '../../src/app.js'
import { articleState, insertArticle } from '../fixtures/articles.js'
import { createTaxon, taxonBody, taxonRows } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// What only tags do: many per article, so articleCount goes through article_tags and a delete
// simply unlinks them. Also slug and search edge cases that tags meet first (years, accents).

function del (app: App, target: string) {
  return app.inject({ method: 'DELETE', url: `/v1/tags/${target}`, headers: admin })
}

t.test('GET /v1/tags → articleCount counts published articles only', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Climate' })
  await createTaxon(app, 'tags', { name: 'Energy' })
  await createTaxon(app, 'tags', { name: 'Oceans' })
  await insertArticle(app, { slug: 'a1', tagIds: [1, 2] })
  await insertArticle(app, { slug: 'a2', tagIds: [1] })
  await insertArticle(app, { slug: 'a3', tagIds: [1, 2, 3], status: 'draft' })
  await insertArticle(app, { slug: 'a4', tagIds: [3], status: 'draft' })
  expectJson(t, await app.inject({ url: '/v1/tags' }), 200, {
    data: [
      taxonBody('tags', { id: 1, slug: 'climate', name: 'Climate', articleCount: 2 }),
      taxonBody('tags', { id: 2, slug: 'energy', name: 'Energy', articleCount: 1 }),
      taxonBody('tags', { id: 3, slug: 'oceans', name: 'Oceans', articleCount: 0 })
    ],
    meta: { limit: 20, nextCursor: null }
  })
  expectJson(t, await app.inject({ url: '/v1/tags/climate' }), 200, taxonBody('tags', { id: 1, slug: 'climate', name: 'Climate', articleCount: 2 }))
  expectJson(t, await app.inject({ url: '/v1/tags/3?fields=articleCount' }), 200, { id: 3, articleCount: 0 })
})

t.test('DELETE /v1/tags/{id} → 204 for a tag articles use: their article_tags rows go, the articles stay', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Climate' })
  await createTaxon(app, 'tags', { name: 'Energy' })
  const a1 = await insertArticle(app, { slug: 'a1', tagIds: [1, 2] })
  const a2 = await insertArticle(app, { slug: 'a2', tagIds: [1], status: 'draft' })
  const res = await del(app, '1')
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  const state = await articleState(app)
  t.same(state.articles.map((a) => a.id), [a1, a2], 'no article is deleted')
  t.same(state.articleTags, [{ articleId: a1, tagId: 2, position: 1 }], 'only the other tag link is left')
  t.same((await taxonRows(app, 'tags')).map((r) => r.slug), ['energy'])
  expectJson(t, await app.inject({ url: '/v1/tags/energy' }), 200, taxonBody('tags', { id: 2, slug: 'energy', name: 'Energy', articleCount: 1 }))
  t.equal((await app.inject({ url: '/v1/tags/climate' })).statusCode, 404)
})

t.test('POST /v1/tags → 201 with the fallback slug "tag" for a name with no letters or digits', async (t) => {
  const app = await buildTestApp(t)
  expectJson(t, await app.inject({ method: 'POST', url: '/v1/tags', headers: admin, payload: { name: '!!!' } }), 201, taxonBody('tags', { id: 1, slug: 'tag', name: '!!!' }))
  expectJson(t, await app.inject({ method: 'POST', url: '/v1/tags', headers: admin, payload: { name: '???' } }), 201, taxonBody('tags', { id: 2, slug: 'tag-2', name: '???' }))
})

t.test('POST /v1/tags → 201 for a year tag ("2024") whose slug then finds it', async (t) => {
  const app = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/tags', headers: admin, payload: { name: '2024' } })
  t.equal(created.statusCode, 201)
  const { id, slug } = created.json()
  // The slug is a public handle: GET /v1/tags/{slug} must answer this tag, never another one or 404.
  const read = await app.inject({ url: `/v1/tags/${String(slug)}` })
  expectJson(t, read, 200, taxonBody('tags', { id, slug, name: '2024' }))
})

t.test('GET /v1/tags?q= → matches without regard to case beyond ASCII (Über, Привет)', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Über Straße' })
  await createTaxon(app, 'tags', { name: 'Привет мир' })
  const uber = taxonBody('tags', { id: 1, slug: 'uber-strasse', name: 'Über Straße' })
  const privet = taxonBody('tags', { id: 2, slug: 'privet-mir', name: 'Привет мир' })
  for (const q of ['Über', 'über', 'ÜBER']) {
    expectJson(t, await app.inject({ url: `/v1/tags?q=${encodeURIComponent(q)}` }), 200, { data: [uber], meta: { limit: 20, nextCursor: null } })
  }
  for (const q of ['Привет', 'привет', 'ПРИВЕТ']) {
    expectJson(t, await app.inject({ url: `/v1/tags?q=${encodeURIComponent(q)}` }), 200, { data: [privet], meta: { limit: 20, nextCursor: null } })
  }
})

t.test('DELETE /v1/tags/{id} → 404 for an unknown tag, and no article link goes', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Climate' })
  await insertArticle(app, { slug: 'a1', tagIds: [1] })
  const before = await articleState(app)
  expectProblem(t, await del(app, '99'), 404, 'not-found', /^There is no tag .*99/)
  t.same(await articleState(app), before)
  t.equal((await taxonRows(app, 'tags')).length, 1)
})
