import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { withVaryField } from '../../src/http/caching.js'
import { createArticle } from '../fixtures/articles.js'
import { admin, buildTestApp } from '../helper.js'

// Vary is merged, never overwritten: the Vary: Origin @fastify/cors sets must survive the
// Vary: Authorization of public reads, or a shared cache hands one origin's CORS answer to another.

const ORIGIN = 'https://news.example.com'

const varies = (res: { headers: Record<string, unknown> }) =>
  String(res.headers.vary ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).sort()

/** A published article's public URL, and a way to change its title past the API (so a cache hit shows). */
async function story (app: App) {
  const article = await createArticle(app, { title: 'Original', status: 'published' })
  return {
    url: `/v1/articles/${article.slug}`,
    quietly: async () => { await app.database.run(sql`update articles set title = ${'Changed'} where id = ${article.id}`) }
  }
}

/** The first answer, a response-cache hit, a 304 from the cache and a 304 of a token-bearing read. */
async function answers (t: Test, app: App, headers: Record<string, string>) {
  const { url, quietly } = await story(app)
  const first = await app.inject({ url, headers })
  await app.inject({ url, headers })
  await quietly()
  const hit = await app.inject({ url, headers })
  t.equal(hit.json().title, 'Original', 'the third read came from the response cache')
  const cached304 = await app.inject({ url, headers: { ...headers, 'if-none-match': String(hit.headers.etag) } })
  t.equal(cached304.statusCode, 304)
  const own = await app.inject({ url, headers: { ...headers, ...admin } })
  const handler304 = await app.inject({ url, headers: { ...headers, ...admin, 'if-none-match': String(own.headers.etag) } })
  t.equal(handler304.statusCode, 304)
  return { first, hit, cached304, handler304 }
}

t.test('with CORS_ORIGINS and an Origin: the first answer, a cache hit and 304s all vary on Origin and Authorization', async (t) => {
  const app = await buildTestApp(t, { env: { CORS_ORIGINS: ORIGIN } })
  for (const [name, res] of Object.entries(await answers(t, app, { origin: ORIGIN }))) {
    t.same(varies(res), ['authorization', 'origin'], `${name}: Vary ${String(res.headers.vary)}`)
    t.equal(res.headers['access-control-allow-origin'], ORIGIN, `${name}: still a CORS answer`)
  }
})

t.test('without CORS: Vary is Authorization alone, written once', async (t) => {
  const app = await buildTestApp(t)
  for (const [name, res] of Object.entries(await answers(t, app, { origin: ORIGIN }))) {
    t.equal(res.headers.vary, 'Authorization', name)
  }
})

t.test('withVaryField adds a field once, keeps what is listed, and leaves * alone', async (t) => {
  t.equal(withVaryField(undefined, 'Authorization'), 'Authorization')
  t.equal(withVaryField('', 'Authorization'), 'Authorization')
  t.equal(withVaryField('Origin', 'Authorization'), 'Origin, Authorization')
  t.equal(withVaryField(['Origin', 'Accept-Encoding'], 'Authorization'), 'Origin, Accept-Encoding, Authorization')
  t.equal(withVaryField('origin,  AUTHORIZATION', 'Authorization'), 'origin,  AUTHORIZATION', 'already there in another case')
  t.equal(withVaryField('*', 'Authorization'), '*', '* varies on everything already')
  t.equal(withVaryField('Origin, *', 'Authorization'), 'Origin, *')
})
