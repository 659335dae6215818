import t from 'tap'
import type { App } from '../../src/app.js'
import { articleState, insertArticle } from '../fixtures/articles.js'
import { createTaxon, taxonBody, taxonRows } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// What only categories do: description, parentId (no cycles), articleCount, and deletes that
// articles block unless ?reassignTo= moves them.

function post (app: App, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload })
}
function patch (app: App, id: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PATCH', url: `/v1/categories/${id}`, headers: { ...admin, ...headers }, payload })
}
function del (app: App, target: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'DELETE', url: `/v1/categories/${target}`, headers: { ...admin, ...headers } })
}

/** World (1) > Europe (2) > France (3), and Sport (4) on its own. */
async function tree (app: App) {
  await createTaxon(app, 'categories', { name: 'World' })
  await createTaxon(app, 'categories', { name: 'Europe', parentId: 1 })
  await createTaxon(app, 'categories', { name: 'France', parentId: 2 })
  await createTaxon(app, 'categories', { name: 'Sport' })
}

t.test('POST /v1/categories → 201 with description and parentId', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'categories', { name: 'World' })
  const res = await post(app, { name: 'Europe', description: 'The continent', parentId: 1 })
  expectJson(t, res, 201, taxonBody('categories', { id: 2, slug: 'europe', name: 'Europe', description: 'The continent', parentId: 1 }))
  const top = await post(app, { name: 'Sport', description: null, parentId: null })
  expectJson(t, top, 201, taxonBody('categories', { id: 3, slug: 'sport', name: 'Sport' }))
})

t.test('POST /v1/categories → 400 naming parentId when the parent does not exist, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'categories', { name: 'World' })
  const before = await taxonRows(app, 'categories')
  const res = await post(app, { name: 'Europe', parentId: 99 })
  expectProblem(t, res, 400, 'validation', 'There is no category with id 99', [{ path: 'parentId', message: 'There is no category with id 99' }])
  for (const parentId of [0, -1, 1.5, '1']) {
    const bad = await post(app, { name: 'Europe', parentId })
    expectProblem(t, bad, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'parentId', message: /./ }])
  }
  t.same(await taxonRows(app, 'categories'), before)
})

t.test('POST /v1/categories → 400 naming every bad field, with a type message for a non-string name', async (t) => {
  const app = await buildTestApp(t)
  const res = await post(app, { name: 7, description: 5, parentId: 'x', colour: 'red' })
  expectProblem(t, res, 400, 'validation', 'The request body has 4 invalid fields', [
    { path: 'name', message: /string/ },
    { path: 'description', message: /string/ },
    { path: 'parentId', message: /number/ },
    { path: 'colour', message: '"colour" is not a field you can set here' }
  ])
  t.same(await taxonRows(app, 'categories'), [])
})

t.test('POST /v1/categories → 400 when the description has 2001 characters', async (t) => {
  const app = await buildTestApp(t)
  const res = await post(app, { name: 'World', description: 'd'.repeat(2001) })
  expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'description', message: 'description has at most 2000 characters' }])
  t.same(await taxonRows(app, 'categories'), [])
})

t.test('PATCH /v1/categories/{id} → 400 when the parent would be itself or one of its descendants; nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  const before = await taxonRows(app, 'categories')
  const message = 'A category cannot be its own parent or the parent of one of its ancestors'
  for (const [id, parentId] of [[1, 1], [1, 2], [1, 3], [2, 3], [3, 3]] as const) {
    const res = await patch(app, id, { parentId })
    expectProblem(t, res, 400, 'validation', message, [{ path: 'parentId', message }])
  }
  const unknown = await patch(app, 2, { parentId: 99 })
  expectProblem(t, unknown, 400, 'validation', 'There is no category with id 99', [{ path: 'parentId', message: 'There is no category with id 99' }])
  t.same(await taxonRows(app, 'categories'), before)
})

t.test('PATCH /v1/categories/{id} → 200 moving a category under another branch or to the top', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  const moved = await patch(app, 3, { parentId: 4 })
  expectJson(t, moved, 200, taxonBody('categories', { id: 3, slug: 'france', name: 'France', parentId: 4 }))
  // France is no longer below World, so World may now go under France.
  const under = await patch(app, 1, { parentId: 3 })
  expectJson(t, under, 200, taxonBody('categories', { id: 1, slug: 'world', name: 'World', parentId: 3 }))
  const top = await patch(app, 2, { parentId: null, description: 'The continent' })
  expectJson(t, top, 200, taxonBody('categories', { id: 2, slug: 'europe', name: 'Europe', parentId: null, description: 'The continent' }))
  const keep = await patch(app, 2, { name: 'Europa' })
  expectJson(t, keep, 200, taxonBody('categories', { id: 2, slug: 'europe', name: 'Europa', parentId: null, description: 'The continent' }))
})

t.test('DELETE /v1/categories/{id} → 204 leaves its children at the top level', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  t.equal((await del(app, '2')).statusCode, 204)
  expectJson(t, await app.inject({ url: '/v1/categories/france' }), 200, taxonBody('categories', { id: 3, slug: 'france', name: 'France', parentId: null }))
})

t.test('GET /v1/categories → articleCount counts published articles only', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  await insertArticle(app, { slug: 'a1', categoryId: 1 })
  await insertArticle(app, { slug: 'a2', categoryId: 1 })
  await insertArticle(app, { slug: 'a3', categoryId: 1, status: 'draft' })
  await insertArticle(app, { slug: 'a4', categoryId: 4, status: 'draft' })
  await insertArticle(app, { slug: 'a5', categoryId: 3 })
  const list = await app.inject({ url: '/v1/categories' })
  expectJson(t, list, 200, {
    data: [
      taxonBody('categories', { id: 2, slug: 'europe', name: 'Europe', parentId: 1 }),
      taxonBody('categories', { id: 3, slug: 'france', name: 'France', parentId: 2, articleCount: 1 }),
      taxonBody('categories', { id: 4, slug: 'sport', name: 'Sport' }),
      taxonBody('categories', { id: 1, slug: 'world', name: 'World', articleCount: 2 })
    ],
    meta: { limit: 20, nextCursor: null }
  })
  expectJson(t, await app.inject({ url: '/v1/categories/world' }), 200, taxonBody('categories', { id: 1, slug: 'world', name: 'World', articleCount: 2 }))
})

t.test('GET /v1/categories/{id} → a new published article changes the ETag, but If-Match still holds', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'categories', { name: 'World' })
  const before = await app.inject({ url: '/v1/categories/1' })
  await insertArticle(app, { slug: 'a1', categoryId: 1 })
  const after = await app.inject({ url: '/v1/categories/1', headers: { 'if-none-match': String(before.headers.etag) } })
  t.equal(after.statusCode, 200, 'a changed articleCount is a changed representation')
  t.equal(after.json().articleCount, 1)
  // If-Match compares the revision only (documented): a counter moving is not a lost update.
  const res = await patch(app, 1, { name: 'Globe' }, { 'if-match': String(before.headers.etag) })
  expectJson(t, res, 200, taxonBody('categories', { id: 1, slug: 'world', name: 'Globe', articleCount: 1 }))
})

t.test('DELETE /v1/categories/{id} → 409 in-use while articles use it (drafts too), and it is still there', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  await insertArticle(app, { slug: 'a1', categoryId: 1 })
  await insertArticle(app, { slug: 'a2', categoryId: 1, status: 'draft' })
  await insertArticle(app, { slug: 'a3', categoryId: 4, status: 'draft' })
  const rows = await taxonRows(app, 'categories')
  const articles = await articleState(app)
  expectProblem(t, await del(app, '1'), 409, 'in-use', '2 articles use this category; pass ?reassignTo=<id or slug> to move them')
  expectProblem(t, await del(app, '4'), 409, 'in-use', '1 article uses this category; pass ?reassignTo=<id or slug> to move them')
  t.same(await taxonRows(app, 'categories'), rows)
  t.same(await articleState(app), articles)
  t.equal((await app.inject({ url: '/v1/categories/world' })).statusCode, 200)
})

t.test('DELETE /v1/categories/{id}?reassignTo=<slug> → 204, the articles move and the old one is gone', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  const a1 = await insertArticle(app, { slug: 'a1', categoryId: 1 })
  const a2 = await insertArticle(app, { slug: 'a2', categoryId: 1, status: 'draft' })
  const a3 = await insertArticle(app, { slug: 'a3', categoryId: 4 })
  const res = await del(app, '1?reassignTo=sport')
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.same((await articleState(app)).articles, [
    { id: a1, slug: 'a1', categoryId: 4, authorId: null, revision: 2 },
    { id: a2, slug: 'a2', categoryId: 4, authorId: null, revision: 2 },
    { id: a3, slug: 'a3', categoryId: 4, authorId: null, revision: 1 }
  ], 'moved articles get a new revision; the others are untouched')
  expectJson(t, await app.inject({ url: '/v1/categories/sport' }), 200, taxonBody('categories', { id: 4, slug: 'sport', name: 'Sport', articleCount: 2 }))
  t.equal((await app.inject({ url: '/v1/categories/1' })).statusCode, 404)
  // Europe's parent went with World.
  t.equal((await app.inject({ url: '/v1/categories/europe' })).json().parentId, null)
})

t.test('DELETE /v1/categories/{id}?reassignTo=<id> → 204 and the articles move', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  await insertArticle(app, { slug: 'a1', categoryId: 3 })
  t.equal((await del(app, '3?reassignTo=2')).statusCode, 204)
  t.same((await articleState(app)).articles.map((a) => a.categoryId), [2])
  t.same((await taxonRows(app, 'categories')).map((r) => r.id), [1, 2, 4])
})

t.test('DELETE /v1/categories/{id}?reassignTo= → 400 for an unknown target or itself, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  await insertArticle(app, { slug: 'a1', categoryId: 1 })
  const rows = await taxonRows(app, 'categories')
  const articles = await articleState(app)
  const unknown = await del(app, '1?reassignTo=nowhere')
  expectProblem(t, unknown, 400, 'validation', 'There is no category "nowhere" to reassign the articles to', [
    { path: 'reassignTo', message: 'There is no category "nowhere" to reassign the articles to' }
  ])
  const unknownId = await del(app, '1?reassignTo=99')
  expectProblem(t, unknownId, 400, 'validation', /^There is no category .*99.* to reassign the articles to$/, [
    { path: 'reassignTo', message: /^There is no category .*99.* to reassign the articles to$/ }
  ])
  for (const self of ['world', '1']) {
    const res = await del(app, `1?reassignTo=${self}`)
    expectProblem(t, res, 400, 'validation', 'The category to delete cannot take over its own articles', [{ path: 'reassignTo', message: 'The category to delete cannot take over its own articles' }])
  }
  t.same(await taxonRows(app, 'categories'), rows)
  t.same(await articleState(app), articles)
})

t.test('DELETE /v1/categories/{id}?reassignTo= → 412 with a stale If-Match, and no article moves', async (t) => {
  const app = await buildTestApp(t)
  await tree(app)
  await insertArticle(app, { slug: 'a1', categoryId: 1 })
  const stale = String((await app.inject({ url: '/v1/categories/1' })).headers.etag)
  t.equal((await patch(app, 1, { description: 'Everything abroad' })).statusCode, 200)
  const rows = await taxonRows(app, 'categories')
  const articles = await articleState(app)
  const res = await del(app, '1?reassignTo=sport', { 'if-match': stale })
  expectProblem(t, res, 412, 'precondition-failed', 'The resource has changed since you read it (If-Match is stale); nothing was changed')
  t.same(await taxonRows(app, 'categories'), rows)
  t.same(await articleState(app), articles)
})
