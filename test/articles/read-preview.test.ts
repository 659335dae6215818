import t, { type Test } from 'tap'
import { createArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem, ISO_TIMESTAMP } from '../helper.js'

// GET /v1/articles/{idOrSlug}: published articles publicly, others by role or with a signed,
// expiring preview token from POST /v1/articles/{id}/preview-token.

const HOUR = 60 * 60_000
const PREVIEW_401 = 'The preview token is invalid or has expired; ask for a new one'

async function setup (t: Test) {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const author = await tokenFor(app, 'author')
  const other = await tokenFor(app, 'author')
  const editor = await tokenFor(app, 'editor')
  const draft = await createArticle(app, { title: 'Secret draft', body: 'Not yet.' }, author.headers)
  const published = await createArticle(app, { title: 'Open news', body: 'Out now.', status: 'published' }, author.headers)
  return { app, clock, author, other, editor, draft, published }
}

async function previewToken (app: Awaited<ReturnType<typeof setup>>['app'], id: number, headers: Record<string, string>, payload: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${id}/preview-token`, headers, payload })
  if (res.statusCode !== 201) throw new Error(`preview token failed: ${res.statusCode} ${res.body}`)
  return res.json() as { token: string, expiresAt: string, url: string }
}

/** The token with one character of its signature changed. */
function tamper (token: string, at: number): string {
  const chars = token.split('')
  chars[at] = chars[at] === 'A' ? 'B' : 'A'
  return chars.join('')
}

t.test('GET /v1/articles/{id} and /{slug} → 200 with the published article', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'categories', { name: 'World' })
  const created = await createArticle(app, { title: 'Sea wall holds', body: 'The barrier *held*.', category: 'world', tags: ['Climate'], status: 'published', publishedAt: '2025-01-29T08:00:00.000Z' })
  const byId = await app.inject({ url: `/v1/articles/${created.id}` })
  expectJson(t, byId, 200, created)
  t.match(byId.json(), {
    slug: 'sea-wall-holds',
    html: '<p>The barrier <em>held</em>.</p>',
    status: 'published',
    category: { slug: 'world', name: 'World' },
    tags: [{ slug: 'climate', name: 'Climate' }],
    publishedAt: '2025-01-29T08:00:00.000Z',
    createdAt: ISO_TIMESTAMP,
    revision: 1
  })
  const bySlug = await app.inject({ url: '/v1/articles/sea-wall-holds' })
  expectJson(t, bySlug, 200, created)
  const projected = await app.inject({ url: '/v1/articles/sea-wall-holds?fields=title,status' })
  expectJson(t, projected, 200, { id: created.id, title: 'Sea wall holds', status: 'published' })
})

t.test('GET /v1/articles/{id}?fields=nope → 400 naming fields', async (t) => {
  const app = await buildTestApp(t)
  const a = await createArticle(app, { title: 'Anything', status: 'published' })
  const res = await app.inject({ url: `/v1/articles/${a.id}?fields=title,nope` })
  expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'fields', message: /^Unknown field nope; choose from / }])
})

t.test('GET /v1/articles/{id} of an unknown article → 404', async (t) => {
  const app = await buildTestApp(t)
  expectProblem(t, await app.inject({ url: '/v1/articles/9999' }), 404, 'not-found', 'There is no article "9999"')
  expectProblem(t, await app.inject({ url: '/v1/articles/no-such-slug', headers: admin }), 404, 'not-found', 'There is no article "no-such-slug"')
})

t.test('GET /v1/articles/{id} of a draft → 404 anonymously and with another author\'s token', async (t) => {
  const { app, other, draft } = await setup(t)
  const anonymous = await app.inject({ url: `/v1/articles/${draft.id}` })
  expectProblem(t, anonymous, 404, 'not-found', `There is no published article "${draft.id}"`)
  const bySlug = await app.inject({ url: `/v1/articles/${draft.slug}` })
  expectProblem(t, bySlug, 404, 'not-found', `There is no published article "${draft.slug}"`)
  const otherAuthor = await app.inject({ url: `/v1/articles/${draft.id}`, headers: other.headers })
  expectProblem(t, otherAuthor, 404, 'not-found', `There is no published article "${draft.id}"`)
})

t.test('GET /v1/articles/{id} of a draft → 200 with an editor token and with its author\'s token', async (t) => {
  const { app, author, editor, draft } = await setup(t)
  expectJson(t, await app.inject({ url: `/v1/articles/${draft.id}`, headers: editor.headers }), 200, draft)
  expectJson(t, await app.inject({ url: `/v1/articles/${draft.slug}`, headers: author.headers }), 200, draft)
  expectJson(t, await app.inject({ url: `/v1/articles/${draft.id}`, headers: admin }), 200, draft)
})

t.test('POST /v1/articles/{id}/preview-token without a body → 201: the body is optional', async (t) => {
  const { app, author, draft } = await setup(t)
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: author.headers })
  t.equal(res.statusCode, 201, 'a POST without a body (curl -X POST) is accepted')
  t.match(res.json(), { token: /^[\w-]+\.[\w-]+$/, expiresAt: '2025-02-02T00:00:00.000Z', url: /^\/v1\/articles\/secret-draft\?preview=/ })
})

t.test('POST /v1/articles/{id}/preview-token → 201 with token, expiresAt (24 h by default) and url', async (t) => {
  const { app, author, draft } = await setup(t)
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: author.headers, payload: {} })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.same(body, {
    token: body.token,
    expiresAt: '2025-02-02T00:00:00.000Z',
    url: `/v1/articles/secret-draft?preview=${encodeURIComponent(body.token)}`
  })
  t.match(body.token, /^[\w-]+\.[\w-]+$/)
  t.equal(res.headers['cache-control'], 'no-store')
  const custom = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: author.headers, payload: { expiresInMinutes: 30 } })
  t.equal(custom.statusCode, 201)
  t.equal(custom.json().expiresAt, '2025-02-01T00:30:00.000Z')
})

t.test('POST /v1/articles/{id}/preview-token → only for the article\'s author or an editor', async (t) => {
  const { app, other, editor, draft, published } = await setup(t)
  const contributor = await tokenFor(app, 'contributor')
  const asEditor = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: editor.headers, payload: {} })
  t.equal(asEditor.statusCode, 201, 'an editor may preview any article')
  expectProblem(t, await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, payload: {} }), 401, 'unauthorized',
    'This route needs an API token: send Authorization: Bearer <token>')
  expectProblem(t, await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: contributor.headers, payload: {} }), 403, 'forbidden',
    'This route needs the author role or higher; the token has the contributor role')
  expectProblem(t, await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: other.headers, payload: {} }), 404, 'not-found',
    `There is no article "${draft.id}" you can change`)
  expectProblem(t, await app.inject({ method: 'POST', url: `/v1/articles/${published.id}/preview-token`, headers: other.headers, payload: {} }), 403, 'forbidden',
    'An author token may only change articles under its own byline')
  const tooLong = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: editor.headers, payload: { expiresInMinutes: 10081 } })
  expectProblem(t, tooLong, 400, 'validation', 'The request body has 1 invalid field',
    [{ path: 'expiresInMinutes', message: 'A preview token lives at most 7 days (10080 minutes)' }])
})

t.test('GET /v1/articles/{idOrSlug}?preview=<token> → 200 with the draft, no bearer token, private, no-store', async (t) => {
  const { app, author, draft } = await setup(t)
  const preview = await previewToken(app, draft.id, author.headers)
  const viaUrl = await app.inject({ url: preview.url })
  expectJson(t, viaUrl, 200, draft)
  t.equal(viaUrl.headers['cache-control'], 'private, no-store')
  const byId = await app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(preview.token)}` })
  expectJson(t, byId, 200, draft)
  t.equal(byId.headers['cache-control'], 'private, no-store')
  const projected = await app.inject({ url: `/v1/articles/${draft.id}?fields=title&preview=${encodeURIComponent(preview.token)}` })
  expectJson(t, projected, 200, { id: draft.id, title: 'Secret draft' })
})

t.test('GET /v1/articles/{id}?preview=<token> → the draft as it is now, after later edits', async (t) => {
  const { app, author, draft } = await setup(t)
  const preview = await previewToken(app, draft.id, author.headers)
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: author.headers, payload: { title: 'Secret draft, revised' } })
  t.equal(patched.statusCode, 200)
  const res = await app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(preview.token)}` })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: draft.id, title: 'Secret draft, revised', status: 'draft', revision: 2 })
})

t.test('GET /v1/articles/{id}?preview=<token for another article> → 401', async (t) => {
  const { app, author, draft } = await setup(t)
  const second = await createArticle(app, { title: 'Second draft' }, author.headers)
  const preview = await previewToken(app, second.id, author.headers)
  const res = await app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(preview.token)}` })
  expectProblem(t, res, 401, 'unauthorized', PREVIEW_401)
})

t.test('GET /v1/articles/{id}?preview=<tampered token> → 401', async (t) => {
  const { app, author, draft } = await setup(t)
  const { token } = await previewToken(app, draft.id, author.headers)
  const dot = token.indexOf('.')
  // One character in the payload, one in the middle of the signature, and a forged payload.
  const forged = `${Buffer.from(JSON.stringify({ a: draft.id, e: 4102444800 })).toString('base64url')}${token.slice(dot)}`
  const cases: Array<[string, string]> = [
    ['one payload character changed', tamper(token, 2)],
    ['one signature character changed', tamper(token, dot + 10)],
    ['a payload with a later expiry under the old signature', forged],
    ['the payload without its signature', token.slice(0, dot)],
    ['an extra dotted part', `${token}.x`],
    ['not a token at all', 'garbage']
  ]
  for (const [name, bad] of cases) {
    const res = await app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(bad)}` })
    t.test(name, async (t) => {
      expectProblem(t, res, 401, 'unauthorized', PREVIEW_401)
    })
  }
})

t.test('GET /v1/articles/{id}?preview=<expired token> → 401', async (t) => {
  const { app, clock, author, draft } = await setup(t)
  const { token } = await previewToken(app, draft.id, author.headers, { expiresInMinutes: 60 })
  const url = `/v1/articles/${draft.id}?preview=${encodeURIComponent(token)}`
  clock.advance(HOUR - 1000)
  t.equal((await app.inject({ url })).statusCode, 200, 'a second before expiry it still works')
  clock.advance(1000)
  expectProblem(t, await app.inject({ url }), 401, 'unauthorized', PREVIEW_401)
  clock.advance(24 * HOUR)
  expectProblem(t, await app.inject({ url }), 401, 'unauthorized', PREVIEW_401)
})

t.test('GET /v1/articles/{id} of a published article → 200 without a preview token, public', async (t) => {
  const { app, author, published } = await setup(t)
  const res = await app.inject({ url: `/v1/articles/${published.id}` })
  expectJson(t, res, 200, published)
  t.equal(res.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=300')
  const { token } = await previewToken(app, published.id, author.headers)
  const withToken = await app.inject({ url: `/v1/articles/${published.id}?preview=${encodeURIComponent(token)}` })
  expectJson(t, withToken, 200, published)
})

t.test('GET /v1/articles/{id}?preview=… of an article published after the link was made → 200', async (t) => {
  const { app, author, draft } = await setup(t)
  const { token } = await previewToken(app, draft.id, author.headers)
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: author.headers })
  t.equal(res.statusCode, 200)
  const read = await app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(token)}` })
  t.equal(read.statusCode, 200)
  t.match(read.json(), { id: draft.id, status: 'published', revision: 2 })
})
