import t from 'tap'
import type { App } from '../../src/app.js'
import { createTaxon, taxonBody, taxonPaths, taxonRows, type TaxonPath } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// Who may write categories, tags and authors: editor and admin; reads are public.

type Method = 'POST' | 'PATCH' | 'DELETE'

function write (app: App, method: Method, path: TaxonPath, headers: Record<string, string>, id = 1) {
  if (method === 'POST') return app.inject({ method, url: `/v1/${path}`, headers, payload: { name: 'Politics' } })
  if (method === 'PATCH') return app.inject({ method, url: `/v1/${path}/${id}`, headers, payload: { name: 'Politics' } })
  return app.inject({ method, url: `/v1/${path}/${id}`, headers })
}

const methods: Method[] = ['POST', 'PATCH', 'DELETE']

for (const path of taxonPaths) {
  for (const method of methods) {
    t.test(`${method} /v1/${path} → 401 with WWW-Authenticate without a token, and nothing changes`, async (t) => {
      const app = await buildTestApp(t)
      await createTaxon(app, path, { name: 'World' })
      const before = await taxonRows(app, path)
      const res = await write(app, method, path, {})
      expectProblem(t, res, 401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>')
      t.equal(res.headers['www-authenticate'], 'Bearer realm="broadsheet"')
      const unknown = await write(app, method, path, { authorization: 'Bearer bs_not-a-real-token' })
      expectProblem(t, unknown, 401, 'unauthorized', 'The API token is unknown or revoked')
      t.equal(unknown.headers['www-authenticate'], 'Bearer realm="broadsheet"')
      t.same(await taxonRows(app, path), before)
    })

    t.test(`${method} /v1/${path} → 403 for author and contributor tokens, and nothing changes`, async (t) => {
      const app = await buildTestApp(t)
      // Role tokens for authors and contributors create their bylines: make them first.
      const author = await tokenFor(app, 'author')
      const contributor = await tokenFor(app, 'contributor')
      const target = (await createTaxon(app, path, { name: 'World' })).id
      const before = await taxonRows(app, path)
      for (const [role, token] of [['author', author], ['contributor', contributor]] as const) {
        const res = await write(app, method, path, token.headers, target)
        expectProblem(t, res, 403, 'forbidden', `This route needs the editor role or higher; the token has the ${role} role`)
      }
      t.same(await taxonRows(app, path), before)
    })
  }

  for (const role of ['editor', 'admin'] as const) {
    t.test(`POST, PATCH, DELETE /v1/${path} → 201, 200, 204 for an ${role} token`, async (t) => {
      const app = await buildTestApp(t)
      const headers = role === 'admin' ? admin : (await tokenFor(app, 'editor')).headers
      const created = await write(app, 'POST', path, headers)
      expectJson(t, created, 201, taxonBody(path, { id: 1, slug: 'politics', name: 'Politics' }))
      const changed = await app.inject({ method: 'PATCH', url: `/v1/${path}/1`, headers, payload: { name: 'Politics & Power' } })
      expectJson(t, changed, 200, taxonBody(path, { id: 1, slug: 'politics', name: 'Politics & Power' }))
      const deleted = await write(app, 'DELETE', path, headers)
      t.equal(deleted.statusCode, 204)
      t.same(await taxonRows(app, path), [])
    })
  }

  t.test(`GET /v1/${path} and /v1/${path}/{idOrSlug} → 200 without a token`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    expectJson(t, await app.inject({ url: `/v1/${path}` }), 200, { data: [taxonBody(path, { id: 1, slug: 'world', name: 'World' })], meta: { limit: 20, nextCursor: null } })
    expectJson(t, await app.inject({ url: `/v1/${path}/1` }), 200, taxonBody(path, { id: 1, slug: 'world', name: 'World' }))
    expectJson(t, await app.inject({ url: `/v1/${path}/world` }), 200, taxonBody(path, { id: 1, slug: 'world', name: 'World' }))
    const contributor = await tokenFor(app, 'contributor')
    t.equal((await app.inject({ url: `/v1/${path}/1`, headers: contributor.headers })).statusCode, 200, 'any role reads too')
  })
}
