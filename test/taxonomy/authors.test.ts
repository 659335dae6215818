import t from 'tap'
import type { App } from '../../src/app.js'
import { articleState, insertArticle } from '../fixtures/articles.js'
import { createTaxon, taxonBody, taxonRows } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// What only authors do: bio and an http(s) avatarUrl, articleCount by byline, and deletes that
// articles block unless ?reassignTo= moves them.

function post (app: App, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/authors', headers: admin, payload })
}
function patch (app: App, id: number, payload: Record<string, unknown>) {
  return app.inject({ method: 'PATCH', url: `/v1/authors/${id}`, headers: admin, payload })
}
function del (app: App, target: string) {
  return app.inject({ method: 'DELETE', url: `/v1/authors/${target}`, headers: admin })
}

const URL_MESSAGE = 'Use an http or https URL'

t.test('POST /v1/authors → 201 with bio and avatarUrl', async (t) => {
  const app = await buildTestApp(t)
  const res = await post(app, { name: 'Amara Okafor', bio: 'Foreign correspondent.', avatarUrl: 'https://img.example.com/amara.png' })
  expectJson(t, res, 201, taxonBody('authors', { id: 1, slug: 'amara-okafor', name: 'Amara Okafor', bio: 'Foreign correspondent.', avatarUrl: 'https://img.example.com/amara.png' }))
  const plain = await post(app, { name: 'José Álvarez', bio: null, avatarUrl: 'http://img.example.com/jose.png' })
  expectJson(t, plain, 201, taxonBody('authors', { id: 2, slug: 'jose-alvarez', name: 'José Álvarez', avatarUrl: 'http://img.example.com/jose.png' }))
})

t.test('POST /v1/authors → 400 naming avatarUrl for javascript:, data: and other non-http URLs; nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const bad = ['javascript:alert(1)', 'JavaScript:alert(document.cookie)', 'data:image/png;base64,AAAA', 'ftp://img.example.com/a.png', 'file:///etc/passwd', '/relative/avatar.png', 'not a url']
  for (const avatarUrl of bad) {
    const res = await post(app, { name: 'Amara Okafor', avatarUrl })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'avatarUrl', message: URL_MESSAGE }])
  }
  const long = await post(app, { name: 'Amara Okafor', avatarUrl: `https://img.example.com/${'a'.repeat(2000)}.png` })
  expectProblem(t, long, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'avatarUrl', message: 'A URL has at most 2000 characters' }])
  t.same(await taxonRows(app, 'authors'), [])
})

t.test('POST /v1/authors → 400 when the bio has 5001 characters', async (t) => {
  const app = await buildTestApp(t)
  const res = await post(app, { name: 'Amara Okafor', bio: 'b'.repeat(5001) })
  expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'bio', message: 'bio has at most 5000 characters' }])
  t.same(await taxonRows(app, 'authors'), [])
})

t.test('PATCH /v1/authors/{id} → 400 for a javascript: avatarUrl and unchanged; null clears it', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'authors', { name: 'Amara Okafor', avatarUrl: 'https://img.example.com/amara.png' })
  const before = await taxonRows(app, 'authors')
  const res = await patch(app, 1, { avatarUrl: 'javascript:alert(1)' })
  expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'avatarUrl', message: URL_MESSAGE }])
  t.same(await taxonRows(app, 'authors'), before)
  const cleared = await patch(app, 1, { avatarUrl: null, bio: 'Foreign correspondent.' })
  expectJson(t, cleared, 200, taxonBody('authors', { id: 1, slug: 'amara-okafor', name: 'Amara Okafor', bio: 'Foreign correspondent.' }))
})

t.test('GET /v1/authors → articleCount counts published articles only', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  await createTaxon(app, 'authors', { name: 'Ben Hale' })
  await insertArticle(app, { slug: 'a1', authorId: 1 })
  await insertArticle(app, { slug: 'a2', authorId: 1 })
  await insertArticle(app, { slug: 'a3', authorId: 1, status: 'draft' })
  await insertArticle(app, { slug: 'a4', authorId: 2, status: 'draft' })
  expectJson(t, await app.inject({ url: '/v1/authors' }), 200, {
    data: [
      taxonBody('authors', { id: 1, slug: 'amara-okafor', name: 'Amara Okafor', articleCount: 2 }),
      taxonBody('authors', { id: 2, slug: 'ben-hale', name: 'Ben Hale', articleCount: 0 })
    ],
    meta: { limit: 20, nextCursor: null }
  })
  expectJson(t, await app.inject({ url: '/v1/authors/amara-okafor' }), 200, taxonBody('authors', { id: 1, slug: 'amara-okafor', name: 'Amara Okafor', articleCount: 2 }))
})

t.test('DELETE /v1/authors/{id} → 409 in-use while articles carry the byline, and it is still there', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  await insertArticle(app, { slug: 'a1', authorId: 1, status: 'draft' })
  const rows = await taxonRows(app, 'authors')
  const articles = await articleState(app)
  expectProblem(t, await del(app, '1'), 409, 'in-use', '1 article uses this author; pass ?reassignTo=<id or slug> to move them')
  t.same(await taxonRows(app, 'authors'), rows)
  t.same(await articleState(app), articles)
})

t.test('DELETE /v1/authors/{id}?reassignTo=<slug> → 204, the articles move and the old one is gone', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  await createTaxon(app, 'authors', { name: 'Ben Hale' })
  const a1 = await insertArticle(app, { slug: 'a1', authorId: 1 })
  const a2 = await insertArticle(app, { slug: 'a2', authorId: 1, status: 'draft' })
  const res = await del(app, '1?reassignTo=ben-hale')
  t.equal(res.statusCode, 204)
  t.same((await articleState(app)).articles, [
    { id: a1, slug: 'a1', categoryId: null, authorId: 2, revision: 2 },
    { id: a2, slug: 'a2', categoryId: null, authorId: 2, revision: 2 }
  ])
  expectJson(t, await app.inject({ url: '/v1/authors/ben-hale' }), 200, taxonBody('authors', { id: 2, slug: 'ben-hale', name: 'Ben Hale', articleCount: 1 }))
  t.equal((await app.inject({ url: '/v1/authors/amara-okafor' })).statusCode, 404)
})

t.test('DELETE /v1/authors/{id}?reassignTo= → 400 for an unknown target or itself, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  await insertArticle(app, { slug: 'a1', authorId: 1 })
  const rows = await taxonRows(app, 'authors')
  const articles = await articleState(app)
  const unknown = await del(app, '1?reassignTo=nobody')
  expectProblem(t, unknown, 400, 'validation', 'There is no author "nobody" to reassign the articles to', [
    { path: 'reassignTo', message: 'There is no author "nobody" to reassign the articles to' }
  ])
  for (const self of ['amara-okafor', '1']) {
    const res = await del(app, `1?reassignTo=${self}`)
    expectProblem(t, res, 400, 'validation', /^The author to delete cannot take over its own articles$/, [{ path: 'reassignTo', message: /^The author to delete cannot take over its own articles$/ }])
  }
  t.same(await taxonRows(app, 'authors'), rows)
  t.same(await articleState(app), articles)
})
