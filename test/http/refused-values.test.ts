import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// The last safety net behind validation: a value PostgreSQL refuses (a number out of range,
// 22003; a NUL character, 22021; an escape jsonb cannot hold, 22P05) that reaches the error
// handler is the request's fault, a 400 bad-request, not a 500. Validation refuses such values
// first (test/security/database-limits.test.ts); these routes skip it on purpose.

const DETAIL = 'The request holds a value the database cannot store (a number out of range or a NUL character)'

/** An error as Drizzle throws it: its own, with the driver's error (and its SQLSTATE) as the cause. */
function driverError (code: string) {
  const driver = Object.assign(new Error('value refused'), { code, severity: 'ERROR' })
  return new Error('Failed query: select 1', { cause: driver })
}

t.test('a refused value from the database → 400 bad-request problem+json, whichever way it is wrapped', async (t) => {
  const app = await buildTestApp(t, {
    before: (app) => {
      app.get('/test/refused/:code', async (request) => { throw driverError((request.params as { code: string }).code) })
      app.get('/test/bare', async () => { throw Object.assign(new Error('value refused'), { code: '22021' }) })
      app.get('/test/cast', async () => app.database.all(sql`select cast(${'2147483648'} as integer) as "n"`))
    }
  })
  for (const code of ['22003', '22021', '22P05']) {
    const res = await app.inject({ url: `/test/refused/${code}`, headers: admin })
    expectProblem(t, res, 400, 'bad-request', DETAIL)
  }
  expectProblem(t, await app.inject({ url: '/test/bare' }), 400, 'bad-request', DETAIL)
  const other = await app.inject({ url: '/test/refused/23505' })
  t.equal(other.statusCode, 500, 'another database error is still a 500')
  const cast = await app.inject({ url: '/test/cast' })
  // SQLite casts any integer; PostgreSQL's integer stops at 2147483647 and refuses the value.
  t.equal(cast.statusCode, app.database.dialect === 'postgres' ? 400 : 200, `a real out-of-range value on ${app.database.dialect}`)
})
