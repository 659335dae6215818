import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, assertProblem, bearer, buildTestApp } from '../helper.js'

/** Every category row, to prove a refused write changed nothing. */
function categoryRows (app: App) {
  const { categories } = app.database.tables
  return app.database.all(app.database.orm.select().from(categories).orderBy(categories.id))
}

async function tokenCount (app: App) {
  return (await app.database.get<{ n: number }>(sql`select count(*) as "n" from api_tokens`))!.n
}

t.test('an unknown route → 404 problem+json naming the method and path', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/no-such-thing?x=1' })
  const body = assertProblem(t, res, 404, 'not-found')
  t.same(body, {
    type: 'urn:broadsheet:problem:not-found',
    title: 'Not Found',
    status: 404,
    detail: 'No route matches GET /v1/no-such-thing',
    requestId: res.headers['x-request-id']
  })
})

t.test('malformed JSON → 400 malformed-json and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/categories',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: '{"name": "World",'
  })
  const body = assertProblem(t, res, 400)
  t.match(body.type, /malformed-json$/)
  t.same(await categoryRows(app), [])
})

t.test('an empty JSON body → 400 malformed-json', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/categories',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: ''
  })
  assertProblem(t, res, 400, 'malformed-json')
})

t.test('POST /v1/categories with three bad fields → 400 whose errors name every one', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/categories',
    headers: admin,
    payload: { name: '', slug: 'Not A Slug', parentId: 'one' }
  })
  const body = assertProblem(t, res, 400, 'validation')
  t.equal(body.detail, 'The request body has 3 invalid fields')
  t.same(body.errors.map((e: { path: string }) => e.path).sort(), ['name', 'parentId', 'slug'])
  for (const error of body.errors) t.match(error, { path: String, message: /\S/ })
  t.same(await categoryRows(app), [], 'nothing was created')
})

t.test('a field the caller may not set is named in errors', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'World', id: 7 } })
  const body = assertProblem(t, res, 400, 'validation')
  t.same(body.errors, [{ path: 'id', message: '"id" is not a field you can set here' }])
  t.same(await categoryRows(app), [])
})

t.test('a protected route without a token → 401 with WWW-Authenticate: Bearer', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/categories', payload: { name: 'World' } })
  const body = assertProblem(t, res, 401, 'unauthorized')
  t.match(res.headers['www-authenticate'], /^Bearer\b/)
  t.match(body.detail, /Authorization: Bearer/)
  t.same(await categoryRows(app), [])
})

t.test('a protected route without a token → 401 even when the body is invalid (auth comes before validation)', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/categories', payload: { name: '', bogus: true } })
  assertProblem(t, res, 401, 'unauthorized')
  t.same(await categoryRows(app), [])
})

t.test('an unknown token → 401 with WWW-Authenticate, even on a public route', async (t) => {
  const app = await buildTestApp(t)
  for (const url of ['/v1/tokens', '/v1/categories']) {
    const res = await app.inject({ url, headers: bearer('bs_not-a-real-token') })
    const body = assertProblem(t, res, 401, 'unauthorized')
    t.match(res.headers['www-authenticate'], /^Bearer\b/)
    t.equal(body.detail, 'The API token is unknown or revoked')
  }
})

t.test('an Authorization header that is not Bearer → 401', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/tokens', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
  const body = assertProblem(t, res, 401, 'unauthorized')
  t.equal(body.detail, 'The Authorization header must be "Bearer <token>"')
})

t.test('POST /v1/tokens with a contributor token → 403 and no token is created', async (t) => {
  const app = await buildTestApp(t)
  const contributor = await tokenFor(app, 'contributor')
  const before = await tokenCount(app)
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: contributor.headers, payload: { name: 'sneaky', role: 'admin' } })
  const body = assertProblem(t, res, 403, 'forbidden')
  t.equal(body.detail, 'This route needs the admin role or higher; the token has the contributor role')
  t.equal(await tokenCount(app), before)
})

t.test('GET /v1/categories/{slug} for a missing one → 404 problem', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/categories/atlantis' })
  const body = assertProblem(t, res, 404, 'not-found')
  t.equal(body.detail, 'There is no category "atlantis"')
})

t.test('POST /v1/categories with a taken slug → 409 and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'categories', { name: 'World', slug: 'world' })
  const before = await categoryRows(app)
  const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'Globe', slug: 'world' } })
  const body = assertProblem(t, res, 409, 'slug-taken')
  t.equal(body.detail, 'The slug "world" is already taken')
  t.same(await categoryRows(app), before)
})

t.test('PATCH with a stale If-Match → 412 and the category is unchanged', async (t) => {
  const app = await buildTestApp(t)
  const created = await createTaxon(app, 'categories', { name: 'World' })
  const before = await categoryRows(app)
  const res = await app.inject({
    method: 'PATCH',
    url: `/v1/categories/${created.id}`,
    headers: { ...admin, 'if-match': '"99-stale"' },
    payload: { name: 'Globe' }
  })
  assertProblem(t, res, 412, 'precondition-failed')
  t.same(await categoryRows(app), before)
})

t.test('a body over 1 MiB → 413 problem naming the limit', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/categories',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'World', description: 'x'.repeat(1024 * 1024) })
  })
  const body = assertProblem(t, res, 413, 'payload-too-large')
  t.equal(body.detail, 'The request body is larger than the limit of 1048576 bytes')
  t.same(await categoryRows(app), [])
})

for (const contentType of ['text/plain', 'application/xml']) {
  t.test(`a ${contentType} body → 415 problem asking for JSON`, async (t) => {
    const app = await buildTestApp(t)
    const res = await app.inject({
      method: 'POST',
      url: '/v1/categories',
      headers: { ...admin, 'content-type': contentType },
      payload: contentType === 'text/plain' ? 'name=World' : '<category><name>World</name></category>'
    })
    const body = assertProblem(t, res, 415, 'unsupported-media-type')
    t.equal(body.detail, `Send the request body as application/json (got ${contentType})`)
    t.same(await categoryRows(app), [])
  })
}
