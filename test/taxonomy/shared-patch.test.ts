import t from 'tap'
import type { App } from '../../src/app.js'
import { createTaxon, taxonBody, taxonPaths, taxonRows, type TaxonPath } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// PATCH behaviour every taxonomy resource shares.

/** Fields beyond the name that a PATCH of another field must leave alone. */
const EXTRA: Record<TaxonPath, Record<string, unknown>> = {
  categories: { description: 'News from around the globe' },
  tags: {},
  authors: { bio: 'Foreign correspondent.', avatarUrl: 'https://img.example.com/amara.png' }
}

function patch (app: App, path: TaxonPath, id: number | string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PATCH', url: `/v1/${path}/${id}`, headers: { ...admin, ...headers }, payload: payload as Record<string, unknown> })
}

for (const path of taxonPaths) {
  t.test(`PATCH /v1/${path}/{id} → 200 changing only the fields sent; a rename keeps the slug`, async (t) => {
    const app = await buildTestApp(t)
    const created = await createTaxon(app, path, { name: 'World', ...EXTRA[path] })
    await createTaxon(app, path, { name: 'Sport' })
    const res = await patch(app, path, 1, { name: 'Globe' })
    const body = expectJson(t, res, 200, taxonBody(path, { id: 1, slug: 'world', name: 'Globe', ...EXTRA[path], createdAt: created.createdAt }))
    t.ok(body.updatedAt >= String(created.updatedAt), 'updatedAt moves forward')
    t.match(res.headers.etag, /^"2-[\w-]+"$/, 'the revision in the ETag is bumped')
    const read = await app.inject({ url: `/v1/${path}/world` })
    t.equal(read.statusCode, 200)
    t.same(read.json(), body)
    t.equal(read.headers.etag, res.headers.etag, 'the PATCH answers the ETag a GET sends')
    const rows = await taxonRows(app, path)
    t.same(rows.map((r) => [r.id, r.name, r.slug, r.revision]), [[1, 'Globe', 'world', 2], [2, 'Sport', 'sport', 1]], 'the other row is untouched')
  })

  t.test(`PATCH /v1/${path}/{id} → 200 with a new slug; the old slug no longer finds it`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World', ...EXTRA[path] })
    const res = await patch(app, path, 1, { slug: 'globe' })
    expectJson(t, res, 200, taxonBody(path, { id: 1, slug: 'globe', name: 'World', ...EXTRA[path] }))
    t.equal((await app.inject({ url: `/v1/${path}/globe` })).statusCode, 200)
    t.equal((await app.inject({ url: `/v1/${path}/world` })).statusCode, 404)
    const same = await patch(app, path, 1, { slug: 'globe', name: 'World news' })
    expectJson(t, same, 200, taxonBody(path, { id: 1, slug: 'globe', name: 'World news', ...EXTRA[path] }))
    t.match(same.headers.etag, /^"3-/)
  })

  t.test(`PATCH /v1/${path}/{id} → 412 with a stale If-Match, and the row is unchanged`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const stale = String((await app.inject({ url: `/v1/${path}/1` })).headers.etag)
    t.equal((await patch(app, path, 1, { name: 'Globe' })).statusCode, 200)
    const before = await taxonRows(app, path)
    for (const ifMatch of [stale, `W/${stale}`, '"7"', '"nonsense"']) {
      const res = await patch(app, path, 1, { name: 'Planet' }, { 'if-match': ifMatch })
      expectProblem(t, res, 412, 'precondition-failed', 'The resource has changed since you read it (If-Match is stale); nothing was changed')
    }
    t.same(await taxonRows(app, path), before)
  })

  t.test(`PATCH /v1/${path}/{id} → 200 with the current If-Match`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const current = String((await app.inject({ url: `/v1/${path}/1` })).headers.etag)
    const res = await patch(app, path, 1, { name: 'Globe' }, { 'if-match': current })
    expectJson(t, res, 200, taxonBody(path, { id: 1, slug: 'world', name: 'Globe' }))
    const next = await patch(app, path, 1, { name: 'Planet' }, { 'if-match': `"x", W/${String(res.headers.etag)}` })
    expectJson(t, next, 200, taxonBody(path, { id: 1, slug: 'world', name: 'Planet' }))
    const any = await patch(app, path, 1, { name: 'Earth' }, { 'if-match': '*' })
    expectJson(t, any, 200, taxonBody(path, { id: 1, slug: 'world', name: 'Earth' }))
  })

  t.test(`PATCH /v1/${path}/{id} → 400 for an empty body {}, and the row is unchanged`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const before = await taxonRows(app, path)
    const res = await patch(app, path, 1, {})
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'body', message: 'Send at least one field to change' }])
    t.same(await taxonRows(app, path), before)
  })

  t.test(`PATCH /v1/${path}/{id} → 409 when the new slug is taken, and the row is unchanged`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    await createTaxon(app, path, { name: 'Sport' })
    const before = await taxonRows(app, path)
    const res = await patch(app, path, 1, { name: 'Games', slug: 'sport' })
    expectProblem(t, res, 409, 'slug-taken', 'The slug "sport" is already taken')
    t.same(await taxonRows(app, path), before)
  })

  t.test(`PATCH /v1/${path}/{id} → 400 naming each bad field, and the row is unchanged`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const before = await taxonRows(app, path)
    const res = await patch(app, path, 1, { name: 'n'.repeat(101), slug: 'Bad Slug', id: 5, articleCount: 3 })
    expectProblem(t, res, 400, 'validation', 'The request body has 4 invalid fields', [
      { path: 'name', message: 'name has at most 100 characters' },
      { path: 'slug', message: 'Use lower-case letters, digits and single hyphens (e.g. world-news)' },
      { path: 'id', message: '"id" is not a field you can set here' },
      { path: 'articleCount', message: '"articleCount" is not a field you can set here' }
    ])
    const blank = await patch(app, path, 1, { name: '  ' })
    expectProblem(t, blank, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'name', message: 'name must not be empty' }])
    const nullName = await patch(app, path, 1, { name: null })
    expectProblem(t, nullName, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'name', message: /./ }])
    t.same(await taxonRows(app, path), before)
  })

  t.test(`PATCH /v1/${path}/{id} → 404 problem for an unknown id, and nothing is created`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const before = await taxonRows(app, path)
    const res = await patch(app, path, 999, { name: 'Globe' })
    expectProblem(t, res, 404, 'not-found', /^There is no \w+ .*999/)
    t.same(await taxonRows(app, path), before)
  })
}
