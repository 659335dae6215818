import t from 'tap'
import { admin, assertProblem, bearer, buildTestApp } from './helper.js'

t.test('GET /health → 200 {status: ok}, never cached', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('GET /ready → 200 {status: ready, database: ok}, never cached', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/ready' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready', database: 'ok' })
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('GET /ready with the database closed → 503 problem+json, while /health stays 200', async (t) => {
  // buildTestApp() closes the app in teardown, and its onClose closes the database again:
  // a second close is a no-op on both databases, so the teardown is unchanged.
  const app = await buildTestApp(t)
  await app.database.close()
  const res = await app.inject({ url: '/ready' })
  const body = assertProblem(t, res, 503)
  t.equal(body.title, 'Service Unavailable')
  t.notMatch(res.body, /sqlite|postgres|pool|database connection/i, 'no driver detail in the body')
  const health = await app.inject({ url: '/health' })
  t.equal(health.statusCode, 200)
})

t.test('the probes ignore any token: a bad one answers 200, spends no failed-auth budget, and a limited address still gets 200', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '1' } })
  const ip = '203.0.113.70'
  for (const url of ['/health', '/ready']) {
    const res = await app.inject({ url, headers: bearer('bs_wrong'), remoteAddress: ip })
    t.equal(res.statusCode, 200, `${url} with a bad token`)
    t.equal(res.headers['ratelimit-remaining'], undefined, `${url} counted nothing`)
  }
  t.equal((await app.inject({ url: '/v1/tokens', headers: admin, remoteAddress: ip })).statusCode, 200, 'the budget is untouched')

  assertProblem(t, await app.inject({ url: '/v1/tokens', headers: bearer('bs_wrong'), remoteAddress: ip }), 401, 'unauthorized')
  assertProblem(t, await app.inject({ url: '/v1/tokens', headers: admin, remoteAddress: ip }), 429, 'rate-limited')
  for (const url of ['/health', '/ready']) {
    t.equal((await app.inject({ url, headers: admin, remoteAddress: ip })).statusCode, 200, `${url} while the address is limited`)
  }
})
