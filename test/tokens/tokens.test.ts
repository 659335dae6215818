import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, assertProblem, bearer, buildTestApp, createClock } from '../helper.js'

/** The token rows, minus last_used_at (the admin caller's own use moves it). */
function tokenRows (app: App) {
  return app.database.all<Record<string, unknown>>(sql`select id, name, role, author_id, token_hash, prefix, revoked_at, created_at from api_tokens order by id`)
}

async function createToken (t: Test, app: App, payload: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload })
  t.equal(res.statusCode, 201, `created ${JSON.stringify(payload)}`)
  return res.json() as { id: number, token: string, prefix: string } & Record<string, unknown>
}

t.test('POST /v1/tokens → 201 with the secret shown once, a Location and no-store', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'newsroom importer', role: 'editor' } })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, {
    id: Number,
    name: 'newsroom importer',
    role: 'editor',
    authorId: null,
    prefix: String,
    createdAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    lastUsedAt: null,
    revokedAt: null,
    token: /^bs_[A-Za-z0-9_-]{40,}$/
  })
  t.same(Object.keys(body).sort(), ['authorId', 'createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role', 'token'])
  t.ok(body.token.startsWith(body.prefix), 'the prefix is the start of the secret')
  t.ok(body.prefix.length < 12, 'the prefix is short')
  t.equal(res.headers.location, `/v1/tokens/${body.id}`)
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('a token secret is stored only as a SHA-256 hash', async (t) => {
  const app = await buildTestApp(t)
  const created = await createToken(t, app, { name: 'ci', role: 'admin' })
  const row = (await app.database.get<Record<string, unknown>>(sql`select * from api_tokens where id = ${created.id}`))!
  t.ok(row, 'the row exists')
  for (const [column, value] of Object.entries(row)) {
    t.not(value, created.token, `${column} is not the secret`)
    if (typeof value === 'string') t.notOk(value.includes(created.token), `${column} does not contain the secret`)
  }
  t.match(row.token_hash, /^[0-9a-f]{64}$/)
})

t.test('a new admin token works on GET /v1/tokens', async (t) => {
  const app = await buildTestApp(t)
  const created = await createToken(t, app, { name: 'second admin', role: 'admin' })
  const res = await app.inject({ url: '/v1/tokens', headers: bearer(created.token) })
  t.equal(res.statusCode, 200)
  t.ok(res.json().data.some((item: { id: number }) => item.id === created.id))
})

t.test('GET /v1/tokens lists tokens without secrets or hashes', async (t) => {
  const app = await buildTestApp(t)
  const created = await createToken(t, app, { name: 'ci', role: 'editor' })
  const res = await app.inject({ url: '/v1/tokens', headers: admin })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.match(body, { data: Array, meta: { limit: 20, nextCursor: null } })
  t.equal(body.data.length, 2, 'the bootstrap token and the new one')
  for (const item of body.data) {
    t.same(Object.keys(item).sort(), ['authorId', 'createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role'])
  }
  t.notOk(res.body.includes(created.token), 'no secret in the list')
  t.notMatch(res.body, /[0-9a-f]{64}/, 'no hash in the list')
  t.notMatch(res.body, /tokenHash|token_hash|"token"/, 'no secret-bearing field')
})

t.test('DELETE /v1/tokens/{id} revokes: 204, then the token → 401, revoking again → 404', async (t) => {
  const app = await buildTestApp(t)
  const created = await createToken(t, app, { name: 'leaked', role: 'admin' })
  const works = await app.inject({ url: '/v1/tokens', headers: bearer(created.token) })
  t.equal(works.statusCode, 200)

  const revoked = await app.inject({ method: 'DELETE', url: `/v1/tokens/${created.id}`, headers: admin })
  t.equal(revoked.statusCode, 204)
  t.equal(revoked.body, '')
  t.match((await tokenRows(app)).find((r) => r.id === created.id), { revoked_at: /^\d{4}-/ })

  const refused = await app.inject({ url: '/v1/tokens', headers: bearer(created.token) })
  assertProblem(t, refused, 401, 'unauthorized')

  const again = await app.inject({ method: 'DELETE', url: `/v1/tokens/${created.id}`, headers: admin })
  const body = assertProblem(t, again, 404, 'not-found')
  t.equal(body.detail, `There is no live token with id ${created.id}`)
})

t.test('DELETE /v1/tokens/{id} for an id that never existed → 404', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'DELETE', url: '/v1/tokens/9999', headers: admin })
  assertProblem(t, res, 404, 'not-found')
})

t.test('DELETE /v1/tokens/{id} with a non-numeric id → 400 naming id', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'DELETE', url: '/v1/tokens/abc', headers: admin })
  const body = assertProblem(t, res, 400, 'validation')
  t.same(body.errors, [{ path: 'id', message: 'id must be a positive integer' }])
})

for (const role of ['author', 'contributor'] as const) {
  t.test(`POST /v1/tokens for a ${role} token without authorId → 400 naming authorId, nothing created`, async (t) => {
    const app = await buildTestApp(t)
    const before = await tokenRows(app)
    const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'writer', role } })
    const body = assertProblem(t, res, 400, 'validation')
    t.match(body.errors, [{ path: 'authorId', message: /needs authorId/ }])
    t.equal(body.errors.length, 1)
    t.same(await tokenRows(app), before)
  })
}

t.test('POST /v1/tokens with an unknown authorId → 400 naming authorId, nothing created', async (t) => {
  const app = await buildTestApp(t)
  const before = await tokenRows(app)
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'writer', role: 'author', authorId: 999 } })
  const body = assertProblem(t, res, 400, 'validation')
  t.same(body.errors, [{ path: 'authorId', message: 'There is no author with id 999' }])
  t.same(await tokenRows(app), before)
})

t.test('POST /v1/tokens for an author with a real authorId → 201 bound to the byline', async (t) => {
  const app = await buildTestApp(t)
  const author = await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  const created = await createToken(t, app, { name: 'amara', role: 'author', authorId: author.id })
  t.match(created, { role: 'author', authorId: author.id })
})

t.test('POST /v1/tokens with a bad role → 400 naming role, nothing created', async (t) => {
  const app = await buildTestApp(t)
  const before = await tokenRows(app)
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'x', role: 'superuser' } })
  const body = assertProblem(t, res, 400, 'validation')
  t.same(body.errors, [{ path: 'role', message: 'role must be one of admin, editor, author, contributor' }])
  t.same(await tokenRows(app), before)
})

t.test('POST /v1/tokens with an empty name or an unknown field → 400 naming each', async (t) => {
  const app = await buildTestApp(t)
  const before = await tokenRows(app)
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: '  ', role: 'editor', token: 'bs_mine' } })
  const body = assertProblem(t, res, 400, 'validation')
  t.same(body.errors.map((e: { path: string }) => e.path).sort(), ['name', 'token'])
  t.same(await tokenRows(app), before)
})

t.test('GET /v1/tokens pages with a cursor and hides revoked tokens unless includeRevoked=true', async (t) => {
  const app = await buildTestApp(t)
  const made = []
  for (const name of ['one', 'two', 'three', 'four']) made.push(await createToken(t, app, { name, role: 'editor' }))
  const revoked = await app.inject({ method: 'DELETE', url: `/v1/tokens/${made[1]!.id}`, headers: admin })
  t.equal(revoked.statusCode, 204)

  async function walk (query: string) {
    const names: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const url: string = `/v1/tokens?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`
      const res = await app.inject({ url, headers: admin })
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.ok(body.data.length <= 2)
      t.equal(body.meta.limit, 2)
      names.push(...body.data.map((item: { name: string }) => item.name))
      cursor = body.meta.nextCursor
      pages++
    } while (cursor && pages < 10)
    return { names, pages }
  }

  const live = await walk('')
  t.same(live.names, ['bootstrap', 'one', 'three', 'four'])
  t.equal(live.pages, 2)
  const all = await walk('&includeRevoked=true')
  t.same(all.names, ['bootstrap', 'one', 'two', 'three', 'four'])
  t.equal(all.pages, 3)
})

t.test('GET /v1/tokens with a bad cursor, limit or includeRevoked → 400 naming it', async (t) => {
  const app = await buildTestApp(t)
  const cursor = await app.inject({ url: '/v1/tokens?cursor=not-a-cursor', headers: admin })
  t.same(assertProblem(t, cursor, 400, 'validation').errors.map((e: { path: string }) => e.path), ['cursor'])
  const limit = await app.inject({ url: '/v1/tokens?limit=101', headers: admin })
  t.same(assertProblem(t, limit, 400, 'validation').errors.map((e: { path: string }) => e.path), ['limit'])
  const flag = await app.inject({ url: '/v1/tokens?includeRevoked=yes', headers: admin })
  t.same(assertProblem(t, flag, 400, 'validation').errors.map((e: { path: string }) => e.path), ['includeRevoked'])
})

t.test('using a token records lastUsedAt', async (t) => {
  const app = await buildTestApp(t)
  const created = await createToken(t, app, { name: 'ci', role: 'admin' })
  const res = await app.inject({ url: '/v1/tokens', headers: bearer(created.token) })
  t.equal(res.statusCode, 200)
  const self = res.json().data.find((item: { id: number }) => item.id === created.id)
  t.match(self, { lastUsedAt: /^\d{4}-\d{2}-\d{2}T/ })
})

t.test('lastUsedAt is read from the app clock, touched at most once a minute', async (t) => {
  const clock = createClock('2025-02-01T08:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const lastUsed = async () => (await app.inject({ url: '/v1/tokens', headers: admin })).json().data
    .find((item: { name: string }) => item.name === 'bootstrap').lastUsedAt as string | null
  t.equal(await lastUsed(), '2025-02-01T08:00:00.000Z')
  clock.advance(30_000)
  t.equal(await lastUsed(), '2025-02-01T08:00:00.000Z', 'not written again within a minute')
  clock.advance(31_000)
  t.equal(await lastUsed(), '2025-02-01T08:01:01.000Z')
})
