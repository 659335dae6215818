import t from 'tap'
import { bearer, buildTestApp } from '../helper.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

t.test('every response carries X-Request-Id: 200, 404 and 401', async (t) => {
  const app = await buildTestApp(t)
  const ok = await app.inject({ url: '/health' })
  t.equal(ok.statusCode, 200)
  t.match(ok.headers['x-request-id'], UUID)
  const missing = await app.inject({ url: '/v1/nowhere' })
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['x-request-id'], UUID)
  const unauthorized = await app.inject({ url: '/v1/tokens' })
  t.equal(unauthorized.statusCode, 401)
  t.match(unauthorized.headers['x-request-id'], UUID)
  const badToken = await app.inject({ url: '/v1/tokens', headers: bearer('bs_nope') })
  t.equal(badToken.statusCode, 401)
  t.match(badToken.headers['x-request-id'], UUID)
})

t.test('each request gets its own request id', async (t) => {
  const app = await buildTestApp(t)
  const a = await app.inject({ url: '/health' })
  const b = await app.inject({ url: '/health' })
  t.not(a.headers['x-request-id'], b.headers['x-request-id'])
})

t.test('a sane X-Request-Id from the caller is echoed, also in problem bodies', async (t) => {
  const app = await buildTestApp(t)
  for (const id of ['abc-123', 'edge.lb:42@eu-west_1', 'x'.repeat(128)]) {
    const res = await app.inject({ url: '/health', headers: { 'x-request-id': id } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-request-id'], id)
  }
  const missing = await app.inject({ url: '/v1/nowhere', headers: { 'x-request-id': 'trace-404' } })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['x-request-id'], 'trace-404')
  t.equal(missing.json().requestId, 'trace-404')
})

t.test('a garbage X-Request-Id is replaced by a generated one', async (t) => {
  const app = await buildTestApp(t)
  for (const id of ['x'.repeat(300), 'has spaces in it', 'semi;colon', '<script>', '']) {
    const res = await app.inject({ url: '/health', headers: { 'x-request-id': id } })
    t.equal(res.statusCode, 200)
    t.match(res.headers['x-request-id'], UUID, `replaced ${JSON.stringify(id.slice(0, 20))}`)
  }
})

t.test('helmet security headers are sent and X-Powered-By is not', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/categories' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.ok(res.headers['content-security-policy'], 'a CSP is sent')
  t.ok(res.headers['x-frame-options'], 'framing is restricted')
  t.ok(res.headers['referrer-policy'], 'a referrer policy is sent')
  t.notOk('x-powered-by' in res.headers, 'no X-Powered-By')
  const problem = await app.inject({ url: '/v1/nowhere' })
  t.equal(problem.statusCode, 404)
  t.equal(problem.headers['x-content-type-options'], 'nosniff', 'on errors too')
})

// Headers that act only on a rendered document: pages get them, JSON answers do not.
const DOCUMENT_ONLY = ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']

t.test('API responses carry the OWASP REST security headers and none of the document-only ones', async (t) => {
  const app = await buildTestApp(t)
  for (const url of ['/v1/categories', '/health', '/v1/nowhere', '/']) {
    const res = await app.inject({ url })
    t.match(res.headers, {
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': /max-age=\d+/,
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer'
    }, url)
    for (const name of DOCUMENT_ONLY) t.notOk(name in res.headers, `${url}: no ${name}`)
  }
})

t.test('HTML pages (the docs, the demo site) get helmet\'s full set', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_DEMO_SITE: 'true' } })
  for (const url of ['/docs', '/demo/', '/%64ocs']) {
    const res = await app.inject({ url })
    t.ok(res.statusCode < 400, `${url} answers`)
    for (const name of DOCUMENT_ONLY) t.ok(name in res.headers, `${url}: ${name}`)
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url)
  }
})

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/v1/categories',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
})

t.test('CORS: a preflight from a configured origin is allowed', async (t) => {
  const app = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://news.example.com' } })
  const res = await app.inject(preflight('https://news.example.com'))
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], 'https://news.example.com')
  t.match(String(res.headers['access-control-allow-methods']), /POST/)
  t.match(String(res.headers['access-control-allow-headers']), /Authorization/i)
  const get = await app.inject({ url: '/v1/categories', headers: { origin: 'https://news.example.com' } })
  t.equal(get.statusCode, 200)
  t.equal(get.headers['access-control-allow-origin'], 'https://news.example.com')
  t.match(String(get.headers['access-control-expose-headers']), /X-Request-Id/i)
})

t.test('CORS: a preflight from another origin gets no Access-Control-Allow-Origin', async (t) => {
  const app = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://news.example.com' } })
  const res = await app.inject(preflight('https://evil.example'))
  t.notOk('access-control-allow-origin' in res.headers)
  const get = await app.inject({ url: '/v1/categories', headers: { origin: 'https://evil.example' } })
  t.equal(get.statusCode, 200)
  t.notOk('access-control-allow-origin' in get.headers)
})

t.test('CORS: without CORS_ORIGINS no origin is allowed', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject(preflight('https://news.example.com'))
  t.notOk('access-control-allow-origin' in res.headers)
  const get = await app.inject({ url: '/v1/categories', headers: { origin: 'https://news.example.com' } })
  t.equal(get.statusCode, 200)
  t.notOk('access-control-allow-origin' in get.headers)
})

t.test('GET /docs → 200 Swagger UI HTML', async (t) => {
  const app = await buildTestApp(t)
  let res = await app.inject({ url: '/docs' })
  for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
    res = await app.inject({ url: new URL(String(res.headers.location), 'http://localhost/docs').pathname })
  }
  t.equal(res.statusCode, 200)
  t.match(String(res.headers['content-type']), /^text\/html/)
  t.match(res.body, /swagger-ui/i)
})

t.test('GET /openapi.json → the OpenAPI 3.1 document with the bearer scheme', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  t.match(String(res.headers['content-type']), /^application\/json/)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')
  t.match(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' })
  t.ok(doc.paths['/v1/tokens'], 'documents the tokens routes')
  t.same(doc.paths['/v1/tokens'].get.security, [{ bearerAuth: [] }])
})
