import { sql } from 'drizzle-orm'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { logRedactPaths, requestSerializer } from '../../src/http/logging.js'
import { admin, assertProblem, bearer, BOOTSTRAP, buildTestApp } from '../helper.js'

/** A stream that keeps every log line pino writes. */
function logCollector () {
  const chunks: string[] = []
  const stream = new Writable({
    write (chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    }
  })
  return {
    stream,
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>)
  }
}

/** The production app with its log captured: the logger option is how tests read the log. */
async function buildLogged (t: Test, logger: Record<string, unknown> = {}) {
  const logs = logCollector()
  const config = loadConfig({ DATABASE_URL: ':memory:', BROADSHEET_DEMO: 'false', BROADSHEET_BOOTSTRAP_TOKEN: BOOTSTRAP })
  const app = await buildApp({ config, logger: { level: 'info', stream: logs.stream, ...logger } })
  t.teardown(() => app.close())
  await app.ready()
  return { app, logs }
}

/** Requests that carry every kind of secret a log must never show; returns the secrets. */
async function sendSecrets (app: Awaited<ReturnType<typeof buildApp>>) {
  const wrongToken = 'bs_wrong-secret-sent-in-a-header'
  const email = 'someone@example.com'
  const created = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'ci', role: 'editor' } })
  await app.inject({ url: '/v1/tokens', headers: admin })
  await app.inject({ url: '/v1/tokens', headers: bearer(wrongToken) })
  await app.inject({ url: `/v1/categories?email=${email}` })
  await app.inject({ url: `/v1/nowhere?limit=2&email=${encodeURIComponent(email)}` })
  return { wrongToken, email, createdSecret: String(created.json().token) }
}

/** Drops the categories table (on PostgreSQL with what depends on it), so reading them fails inside the driver. */
async function breakCategories (app: { database: App['database'] }) {
  await app.database.run(app.database.dialect === 'sqlite' ? sql`drop table categories` : sql`drop table categories cascade`)
}

t.test('a 5xx → 500 problem+json that discloses nothing but the request id', async (t) => {
  const app = await buildTestApp(t)
  await breakCategories(app)
  const res = await app.inject({ url: '/v1/categories' })
  const body = assertProblem(t, res, 500, 'internal')
  t.same(Object.keys(body).sort(), ['detail', 'requestId', 'status', 'title', 'type'])
  t.ok(body.detail.includes(body.requestId), 'detail quotes the request id')
  t.notMatch(res.body, /\n\s+at /, 'no stack trace')
  t.notMatch(res.body, /sql/i, 'no mention of SQL or SQLite')
  t.notMatch(res.body, /categories/i, 'no table name')
  t.notMatch(res.body, /no such table|does not exist/i, 'no driver message')
})

t.test('a 5xx is logged at error level with the request id and the error', async (t) => {
  const { app, logs } = await buildLogged(t)
  await breakCategories(app)
  const res = await app.inject({ url: '/v1/categories', headers: { 'x-request-id': 'trace-500-check' } })
  t.equal(res.statusCode, 500)
  t.equal(res.json().requestId, 'trace-500-check')
  const failures = logs.lines().filter((line) => line.level === 50)
  t.equal(failures.length, 1, 'one error line')
  t.match(failures[0], {
    reqId: 'trace-500-check',
    msg: 'request failed',
    err: { message: /no such table: categories/, stack: /\S/ }
  })
})

t.test('secrets never reach the log: bootstrap token, Authorization values, new token secrets, emails in URLs', async (t) => {
  const { app, logs } = await buildLogged(t)
  const { wrongToken, email, createdSecret } = await sendSecrets(app)
  const text = logs.text()
  t.match(text, /incoming request/, 'requests were logged')
  t.notOk(text.includes(BOOTSTRAP), 'no bootstrap secret')
  t.notOk(text.includes(wrongToken), 'no Authorization header value')
  t.notOk(text.includes(createdSecret), 'no newly created token secret')
  t.notOk(text.includes(email), 'no email from a query string')
  t.notOk(text.includes(encodeURIComponent(email)), 'no url-encoded email either')
})

// The same checks with the logger options app.ts uses when no logger is given, to tell a
// redaction rule that is wrong apart from one that is dropped by the logger override.
t.test('the production redaction rules hide the same secrets', async (t) => {
  const { app, logs } = await buildLogged(t, {
    redact: { paths: logRedactPaths, censor: '[redacted]' },
    serializers: { req: requestSerializer }
  })
  const { wrongToken, email, createdSecret } = await sendSecrets(app)
  const text = logs.text()
  t.match(text, /incoming request/)
  t.match(text, /email=\[redacted\]/, 'the email query value is masked')
  for (const secret of [BOOTSTRAP, wrongToken, createdSecret, email]) t.notOk(text.includes(secret), 'secret absent')
})

t.test('request logs: at info every request writes its lines with its reqId; at warn a plain request writes none', async (t) => {
  const info = await buildLogged(t)
  t.equal((await info.app.inject({ url: '/health', headers: { 'x-request-id': 'trace-info' } })).statusCode, 200)
  const lines = info.logs.lines().filter((line) => line.reqId === 'trace-info')
  t.same(lines.map((line) => line.msg), ['incoming request', 'request completed'])
  t.equal(lines[1]!.res.statusCode, 200)

  const warn = await buildLogged(t, { level: 'warn' })
  t.equal((await warn.app.inject({ url: '/health' })).statusCode, 200)
  t.equal((await warn.app.inject({ url: '/v1/nowhere' })).statusCode, 404)
  t.same(warn.logs.lines(), [], 'nothing logged')
})
