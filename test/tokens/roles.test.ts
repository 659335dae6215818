import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, assertProblem, bearer, buildTestApp } from '../helper.js'

interface Route {
  name: string
  success: number
  /** Builds the request; victimId is a live editor token the route may act on. */
  request: (victimId: number) => { method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown> }
}

const routes: Route[] = [
  { name: 'POST /v1/tokens', success: 201, request: () => ({ method: 'POST', url: '/v1/tokens', payload: { name: 'made in the matrix', role: 'editor' } }) },
  { name: 'GET /v1/tokens', success: 200, request: () => ({ method: 'GET', url: '/v1/tokens' }) },
  { name: 'DELETE /v1/tokens/{id}', success: 204, request: (victimId) => ({ method: 'DELETE', url: `/v1/tokens/${victimId}` }) }
]

function tokenState (app: App) {
  return app.database.all(sql`select id, name, role, revoked_at from api_tokens order by id`)
}

/** A live editor token for a DELETE to aim at. */
async function victim (app: App) {
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'victim', role: 'editor' } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as number
}

for (const route of routes) {
  t.test(`${route.name} without a token → 401 and changes nothing`, async (t) => {
    const app = await buildTestApp(t)
    const id = await victim(app)
    const before = await tokenState(app)
    const res = await app.inject(route.request(id))
    assertProblem(t, res, 401, 'unauthorized')
    t.match(res.headers['www-authenticate'], /^Bearer\b/)
    t.same(await tokenState(app), before)
  })

  t.test(`${route.name} with a revoked admin token → 401 and changes nothing`, async (t) => {
    const app = await buildTestApp(t)
    const id = await victim(app)
    const revokedAdmin = await tokenFor(app, 'admin')
    const revoke = await app.inject({ method: 'DELETE', url: `/v1/tokens/${revokedAdmin.id}`, headers: admin })
    t.equal(revoke.statusCode, 204)
    const before = await tokenState(app)
    const res = await app.inject({ ...route.request(id), headers: revokedAdmin.headers })
    assertProblem(t, res, 401, 'unauthorized')
    t.same(await tokenState(app), before)
  })

  for (const role of ['contributor', 'author', 'editor'] as const) {
    t.test(`${route.name} with a ${role} token → 403 and changes nothing`, async (t) => {
      const app = await buildTestApp(t)
      const id = await victim(app)
      const caller = await tokenFor(app, role)
      const before = await tokenState(app)
      const res = await app.inject({ ...route.request(id), headers: caller.headers })
      const body = assertProblem(t, res, 403, 'forbidden')
      t.equal(body.detail, `This route needs the admin role or higher; the token has the ${role} role`)
      t.same(await tokenState(app), before)
    })
  }

  t.test(`${route.name} with an admin token → ${route.success}`, async (t) => {
    const app = await buildTestApp(t)
    const id = await victim(app)
    const caller = await tokenFor(app, 'admin')
    const res = await app.inject({ ...route.request(id), headers: caller.headers })
    t.equal(res.statusCode, route.success)
  })
}

t.test('a token with a trailing space or lower-case "bearer" still authenticates', async (t) => {
  const app = await buildTestApp(t)
  const { secret } = await tokenFor(app, 'admin')
  const lower = await app.inject({ url: '/v1/tokens', headers: { authorization: `bearer ${secret}` } })
  t.equal(lower.statusCode, 200)
  const trailing = await app.inject({ url: '/v1/tokens', headers: { authorization: `Bearer ${secret} ` } })
  t.equal(trailing.statusCode, 200)
  const wrongCase = await app.inject({ url: '/v1/tokens', headers: bearer(secret.toUpperCase()) })
  assertProblem(t, wrongCase, 401, 'unauthorized')
})

// Authentication should come before input validation: an anonymous caller must not learn
// how the route validates its input.
t.test('tokens routes without a token → 401 even when the input is invalid', async (t) => {
  const app = await buildTestApp(t)
  const before = await tokenState(app)
  const post = await app.inject({ method: 'POST', url: '/v1/tokens', payload: { role: 'root' } })
  assertProblem(t, post, 401, 'unauthorized')
  const list = await app.inject({ url: '/v1/tokens?limit=1000' })
  assertProblem(t, list, 401, 'unauthorized')
  const remove = await app.inject({ method: 'DELETE', url: '/v1/tokens/abc' })
  assertProblem(t, remove, 401, 'unauthorized')
  t.same(await tokenState(app), before)
})
