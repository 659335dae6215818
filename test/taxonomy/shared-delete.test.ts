import t from 'tap'
import type { App } from '../../src/app.js'
import { createTaxon, taxonPaths, taxonRows, type TaxonPath } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// DELETE behaviour every taxonomy resource shares (articles in use: see the per-kind files).

function del (app: App, path: TaxonPath, id: number | string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'DELETE', url: `/v1/${path}/${id}`, headers: { ...admin, ...headers } })
}

for (const path of taxonPaths) {
  t.test(`DELETE /v1/${path}/{id} → 204, then GET and DELETE → 404`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    await createTaxon(app, path, { name: 'Sport' })
    const res = await del(app, path, 1)
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    t.same((await taxonRows(app, path)).map((r) => r.id), [2], 'only that row is gone')
    expectProblem(t, await app.inject({ url: `/v1/${path}/1` }), 404, 'not-found', /^There is no \w+ .*1/)
    expectProblem(t, await app.inject({ url: `/v1/${path}/world` }), 404, 'not-found', /^There is no \w+ .*world/)
    expectProblem(t, await del(app, path, 1), 404, 'not-found', /^There is no \w+ .*1/)
    t.same((await taxonRows(app, path)).map((r) => r.id), [2])
    // The slug is free again.
    const again = await createTaxon(app, path, { name: 'World' })
    t.equal(again.slug, 'world')
    t.equal(again.id, 3, 'ids are never reused')
  })

  t.test(`DELETE /v1/${path}/{id} → 412 with a stale If-Match, and it is still there`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const stale = String((await app.inject({ url: `/v1/${path}/1` })).headers.etag)
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/${path}/1`, headers: admin, payload: { name: 'Globe' } })).statusCode, 200)
    const before = await taxonRows(app, path)
    const res = await del(app, path, 1, { 'if-match': stale })
    expectProblem(t, res, 412, 'precondition-failed', 'The resource has changed since you read it (If-Match is stale); nothing was changed')
    t.same(await taxonRows(app, path), before)
    t.equal((await app.inject({ url: `/v1/${path}/1` })).statusCode, 200)
  })

  t.test(`DELETE /v1/${path}/{id} → 204 with the current If-Match`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const current = String((await app.inject({ url: `/v1/${path}/1` })).headers.etag)
    const res = await del(app, path, 1, { 'if-match': current })
    t.equal(res.statusCode, 204)
    t.same(await taxonRows(app, path), [])
  })

  t.test(`DELETE /v1/${path}/{id} → 404 problem for an unknown id, and nothing is deleted`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const before = await taxonRows(app, path)
    expectProblem(t, await del(app, path, 999), 404, 'not-found', /^There is no \w+ .*999/)
    t.same(await taxonRows(app, path), before)
  })
}
