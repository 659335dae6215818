import t from 'tap'
import { DatabaseUnavailableError } from '../../src/db/database.js'
import { assertProblem, buildTestApp } from '../helper.js'

t.test('a lost database connection answers 503 problem+json with Retry-After, not a 500', async (t) => {
  const app = await buildTestApp(t, {
    before: (app) => {
      app.get('/test/lost-database', { schema: { hide: true } }, async () => {
        throw new DatabaseUnavailableError('The database is not reachable', { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }) })
      })
    }
  })
  const res = await app.inject({ url: '/test/lost-database' })
  assertProblem(t, res, 503, 'database-unavailable')
  t.equal(res.headers['retry-after'], '5')
  t.notMatch(res.body, /ECONNREFUSED|10\.0\.0\.5/, 'the driver message and the address stay in the log')
})

t.test('GET /ready → 503 problem+json while the database does not answer', async (t) => {
  const app = await buildTestApp(t)
  app.database.ping = async () => { throw new DatabaseUnavailableError('The database is not reachable') }
  const res = await app.inject({ url: '/ready' })
  assertProblem(t, res, 503)
  t.equal(res.headers['cache-control'], 'no-store')
})
