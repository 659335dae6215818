import t from 'tap'
import { assertProblem, build } from './helper.js'

t.test('GET /health → 200 {status: ok}, never cached', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('GET /ready → 200 {status: ready, database: ok}, never cached', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/ready' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready', database: 'ok' })
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('GET /ready with the database closed → 503 problem+json, while /health stays 200', async (t) => {
  // build() closes the app in teardown, and its onClose closes the database again:
  // better-sqlite3 treats a second close as a no-op, so the teardown is unchanged.
  const app = await build(t)
  app.db.$client.close()
  const res = await app.inject({ url: '/ready' })
  const body = assertProblem(t, res, 503)
  t.equal(body.title, 'Service Unavailable')
  t.notMatch(res.body, /sqlite|database connection/i, 'no driver detail in the body')
  const health = await app.inject({ url: '/health' })
  t.equal(health.statusCode, 200)
})
