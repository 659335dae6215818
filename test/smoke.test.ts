import t from 'tap'
import { build } from './helper.js'

t.test('GET /health → 200 with X-Request-Id', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.ok(res.headers['x-request-id'])
})
