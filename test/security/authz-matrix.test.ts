import { sql } from 'drizzle-orm'
// Authorization matrix (OWASP API1/API5), generated from the app's own route table.
//
// Every operation of app.swagger() (built from the registered routes) must have an entry in
// EXPECTED, written from docs/api.md "Auth and roles": a new route without one fails this test. For
// each operation the test reads the role the route declares (`config.auth`, recorded by an
// onRequest hook) and checks it against the table, then calls it with no token, an unknown token,
// a revoked token, every role below the required one and the required role itself.
import t from 'tap'
import type { App } from '../../src/app.js'
import { admin, bearer, buildTestApp } from '../helper.js'
import { createAd, pathOf, serveOne } from '../fixtures/ads.js'
import { articleTables, createArticle } from '../fixtures/articles.js'
import { createComment, freshIp } from '../fixtures/comments.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'

type Role = 'contributor' | 'author' | 'editor' | 'admin'
// `ignores-token`: public, and any token is ignored rather than checked (the probes, config.ignoreToken).
type Level = 'public' | 'ignores-token' | Role
const ROLES: Role[] = ['contributor', 'author', 'editor', 'admin']

/** The least role each operation needs, from docs/api.md. */
const EXPECTED: Record<string, Level> = {
  'GET /health': 'ignores-token',
  'GET /ready': 'ignores-token',
  'POST /v1/tokens': 'admin',
  'GET /v1/tokens': 'admin',
  'DELETE /v1/tokens/{id}': 'admin',
  'GET /v1/categories': 'public',
  'POST /v1/categories': 'editor',
  'GET /v1/categories/{idOrSlug}': 'public',
  'PATCH /v1/categories/{idOrSlug}': 'editor',
  'DELETE /v1/categories/{idOrSlug}': 'editor',
  'GET /v1/tags': 'public',
  'POST /v1/tags': 'editor',
  'GET /v1/tags/{idOrSlug}': 'public',
  'PATCH /v1/tags/{idOrSlug}': 'editor',
  'DELETE /v1/tags/{idOrSlug}': 'editor',
  'GET /v1/authors': 'public',
  'POST /v1/authors': 'editor',
  'GET /v1/authors/{idOrSlug}': 'public',
  'PATCH /v1/authors/{idOrSlug}': 'editor',
  'DELETE /v1/authors/{idOrSlug}': 'editor',
  'GET /v1/articles': 'public',
  'POST /v1/articles': 'contributor',
  'GET /v1/articles/{idOrSlug}': 'public',
  'PATCH /v1/articles/{idOrSlug}': 'contributor',
  'DELETE /v1/articles/{idOrSlug}': 'contributor',
  'GET /v1/articles/{idOrSlug}/related': 'public',
  'POST /v1/articles/{idOrSlug}/publish': 'author',
  'POST /v1/articles/{idOrSlug}/unpublish': 'author',
  'POST /v1/articles/{idOrSlug}/restore': 'contributor',
  'POST /v1/articles/{idOrSlug}/preview-token': 'author',
  'GET /v1/articles/{idOrSlug}/revisions': 'contributor',
  'GET /v1/articles/{idOrSlug}/revisions/{revision}': 'contributor',
  'POST /v1/articles/{idOrSlug}/revisions/{revision}/restore': 'contributor',
  'GET /v1/articles/{idOrSlug}/comments': 'public',
  'POST /v1/articles/{idOrSlug}/comments': 'public',
  'GET /v1/comments': 'editor',
  'PATCH /v1/comments': 'editor',
  'DELETE /v1/comments': 'admin',
  'GET /v1/comments/{id}': 'editor',
  'PATCH /v1/comments/{id}': 'editor',
  'DELETE /v1/comments/{id}': 'editor',
  'GET /v1/settings/comments': 'editor',
  'PUT /v1/settings/comments': 'admin',
  'GET /v1/ad-slots': 'public',
  'POST /v1/ad-slots': 'editor',
  'GET /v1/ad-slots/{idOrSlug}': 'public',
  'PATCH /v1/ad-slots/{idOrSlug}': 'editor',
  'DELETE /v1/ad-slots/{idOrSlug}': 'editor',
  'GET /v1/ad-campaigns': 'editor',
  'POST /v1/ad-campaigns': 'editor',
  'GET /v1/ad-campaigns/{id}': 'editor',
  'PATCH /v1/ad-campaigns/{id}': 'editor',
  'DELETE /v1/ad-campaigns/{id}': 'editor',
  'GET /v1/ad-creatives': 'editor',
  'POST /v1/ad-creatives': 'editor',
  'GET /v1/ad-creatives/{id}': 'editor',
  'PATCH /v1/ad-creatives/{id}': 'editor',
  'DELETE /v1/ad-creatives/{id}': 'editor',
  'GET /v1/ads/serve': 'public',
  'GET /v1/ads/impression/{token}': 'public',
  'POST /v1/ads/impression/{token}': 'public',
  'GET /v1/ads/click/{token}': 'public',
  'GET /v1/ads/stats': 'editor',
  // Settings are read by editors (as GET /v1/settings/comments) but written by admins only:
  // docs/api.md "admin: everything, including tokens and settings".
  'GET /v1/settings/ads-txt': 'editor',
  'PUT /v1/settings/ads-txt': 'admin',
  'GET /v1/article-pages/{slug}': 'public'
}

interface Res { statusCode: number, headers: Record<string, unknown>, body: string, json: () => any }

/** A 403 from the route-level role check (not an object-level rule). */
const ROUTE_DENIED = /^This route needs the \w+ role or higher/

t.test('authorization matrix over every operation of the route table', async (t) => {
  const declared = new Map<string, string | undefined>()
  const app: App = await buildTestApp(t, {
    env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '100000' },
    before: (app) => {
      app.addHook('onRequest', async (request) => {
        declared.set(`${request.method} ${request.routeOptions.url ?? ''}`, request.routeOptions.config?.auth)
      })
    }
  })

  // Real objects for every path parameter. The contributor and author tokens share byline A, so
  // the draft below is their own and only the route-level rule can refuse them.
  const bylineA = await createTaxon(app, 'authors', { name: 'Byline A' })
  const tokens: Record<Role, Record<string, string>> = {
    contributor: (await tokenFor(app, 'contributor', bylineA.id)).headers,
    author: (await tokenFor(app, 'author', bylineA.id)).headers,
    editor: (await tokenFor(app, 'editor')).headers,
    admin
  }
  const revoked = await tokenFor(app, 'editor')
  const revoke = await app.inject({ method: 'DELETE', url: `/v1/tokens/${revoked.id}`, headers: admin })
  t.ok(revoke.statusCode < 300, 'a token is revoked')
  const victimToken = await tokenFor(app, 'editor')
  const category = await createTaxon(app, 'categories', { name: 'Harbour' })
  const tag = await createTaxon(app, 'tags', { name: 'Ferries' })
  const published = await createArticle(app, { title: 'Published story', status: 'published', author: bylineA.slug, category: category.slug, tags: [tag.slug] })
  const draft = await createArticle(app, { title: 'Draft story', author: bylineA.slug, category: category.slug })
  // The author-level actions (publish, unpublish, preview) work on a draft of their own, so
  // publishing it does not take the contributor's draft away from the contributor routes.
  const authorDraft = await createArticle(app, { title: 'Author draft', author: bylineA.slug })
  const comment = await createComment(app, published.id)
  const { slot, campaign, creative } = await createAd(app)
  const ad = await serveOne(app, slot.key)

  const fill = (method: string, path: string): string => {
    let url = path
    if (path.startsWith('/v1/articles/{idOrSlug}')) {
      // Public reads of the published article; every write and every contributor route on the draft.
      const publicRead = (method === 'GET' || path.endsWith('/comments')) && /^\/v1\/articles\/\{idOrSlug\}(\/related|\/comments)?$/.test(path)
      const authorAction = /\/(publish|unpublish|preview-token)$/.test(path)
      url = url.replace('{idOrSlug}', String(publicRead ? published.id : authorAction ? authorDraft.id : draft.id)).replace('{revision}', '1')
    }
    if (path.startsWith('/v1/categories/')) url = url.replace('{idOrSlug}', category.slug)
    if (path.startsWith('/v1/tags/')) url = url.replace('{idOrSlug}', tag.slug)
    if (path.startsWith('/v1/authors/')) url = url.replace('{idOrSlug}', bylineA.slug)
    if (path.startsWith('/v1/tokens/')) url = url.replace('{id}', String(victimToken.id))
    if (path.startsWith('/v1/comments/')) url = url.replace('{id}', String(comment.id))
    if (path.startsWith('/v1/ad-slots/')) url = url.replace('{idOrSlug}', slot.key)
    if (path.startsWith('/v1/ad-campaigns/')) url = url.replace('{id}', String(campaign.id))
    if (path.startsWith('/v1/ad-creatives/')) url = url.replace('{id}', String(creative.id))
    if (path.startsWith('/v1/ads/impression/')) return pathOf(ad.impressionUrl)
    if (path.startsWith('/v1/ads/click/')) return pathOf(ad.clickUrl)
    if (path === '/v1/article-pages/{slug}') url = url.replace('{slug}', published.slug)
    if (path === '/v1/ads/serve') url += `?slots=${slot.key}`
    if (path === '/v1/ads/stats') url += '?from=2025-01-01&to=2025-01-31'
    t.notMatch(url, /\{/, `${path}: every path parameter filled`)
    return url
  }
  // Minimal bodies: a 400 still proves the role check passed (it runs before validation).
  const bodyFor = (method: string, path: string): unknown => {
    if (method === 'PATCH' && path === '/v1/comments/{id}') return { status: 'approved' }
    if (method === 'POST' && path === '/v1/articles/{idOrSlug}/comments') return { body: 'Hello', authorName: 'Reader', authorEmail: 'reader@example.net' }
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') return {}
    return undefined
  }
  const call = (method: string, path: string, headers: Record<string, string> = {}) => {
    const payload = bodyFor(method, path)
    return app.inject({
      method: method as 'GET',
      url: fill(method, path),
      headers,
      remoteAddress: freshIp(),
      ...(payload === undefined ? {} : { payload: payload as object })
    }) as Promise<Res>
  }

  const doc = app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> }
  const operations: Array<{ method: string, path: string, secured: boolean }> = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      operations.push({ method: method.toUpperCase(), path, secured: Array.isArray(op.security) && op.security.length > 0 && op.security.every((r) => Object.keys(r as object).length > 0) })
    }
  }
  // Destructive operations last, so the objects stay in place for the others.
  const rank = (o: { method: string, path: string }) => (o.method === 'DELETE' ? (o.path.startsWith('/v1/ad-') ? 2 : 1) : 0) +
    (o.path === '/v1/ad-slots/{idOrSlug}' && o.method === 'DELETE' ? 1 : 0) + (o.path === '/v1/ad-campaigns/{id}' && o.method === 'DELETE' ? 0.5 : 0)
  operations.sort((a, b) => rank(a) - rank(b))

  const keys = operations.map((o) => `${o.method} ${o.path}`)
  t.same(Object.keys(EXPECTED).filter((k) => !keys.includes(k)), [], 'no stale entry in the expectation table')
  t.ok(operations.length >= 60, `the route table has ${operations.length} operations`)
  t.comment(`authorization matrix: ${operations.length} operations × (no token, unknown, revoked, roles below, required role)`)

  let requests = 0
  for (const { method, path, secured } of operations) {
    const key = `${method} ${path}`
    const expected = EXPECTED[key]
    if (expected === undefined) {
      t.fail(`${key} has no entry in the expectation table: add the role docs/api.md gives it`)
      continue
    }
    const routeKey = `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`

    const anonymous = await call(method, path)
    requests++
    t.equal(declared.has(routeKey), true, `${key}: the route was reached`)
    const isPublic = expected === 'public' || expected === 'ignores-token'
    t.equal(declared.get(routeKey) ?? 'public', isPublic ? 'public' : expected, `${key}: the route declares ${expected}`)
    t.equal(secured, !isPublic, `${key}: OpenAPI security matches`)

    if (isPublic) {
      t.notOk([401, 403].includes(anonymous.statusCode), `${key}: public, no token → ${anonymous.statusCode}`)
    } else {
      t.equal(anonymous.statusCode, 401, `${key}: no token → 401`)
      t.match(String(anonymous.headers['content-type']), /^application\/problem\+json/, `${key}: 401 is problem+json`)
    }
    t.ok(anonymous.statusCode < 500, `${key}: no 5xx without a token`)

    const unknown = await call(method, path, bearer('bs_this-token-was-never-issued-0000000000'))
    const gone = await call(method, path, revoked.headers)
    requests += 2
    if (expected === 'ignores-token') {
      t.equal(unknown.statusCode, anonymous.statusCode, `${key}: an unknown token is ignored`)
      t.equal(gone.statusCode, anonymous.statusCode, `${key}: a revoked token is ignored`)
      continue
    }
    t.equal(unknown.statusCode, 401, `${key}: unknown token → 401`)
    t.equal(gone.statusCode, 401, `${key}: revoked token → 401`)

    if (expected === 'public') continue
    const required = ROLES.indexOf(expected)
    for (const role of ROLES.slice(0, required)) {
      const res = await call(method, path, tokens[role])
      requests++
      t.equal(res.statusCode, 403, `${key}: ${role} → 403`)
      t.match(res.json().detail, ROUTE_DENIED, `${key}: ${role} refused by the role check`)
    }
    const allowed = await call(method, path, tokens[expected])
    requests++
    t.notOk([401, 403].includes(allowed.statusCode), `${key}: ${expected} → ${allowed.statusCode}, not 401/403 (${allowed.statusCode === 403 ? allowed.body : ''})`)
    t.ok(allowed.statusCode < 500, `${key}: no 5xx for ${expected}`)
  }
  t.comment(`authorization matrix: ${requests} requests sent`)
})

t.test('object-level rules', async (t) => {
  const app: App = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '100000' } })
  const bylineA = await createTaxon(app, 'authors', { name: 'Owner A' })
  const bylineB = await createTaxon(app, 'authors', { name: 'Other B' })
  const authorA = await tokenFor(app, 'author', bylineA.id)
  const authorB = await tokenFor(app, 'author', bylineB.id)
  const contributorA = await tokenFor(app, 'contributor', bylineA.id)
  const publishedA = await createArticle(app, { title: 'A published', status: 'published' }, authorA.headers)
  const draftA = await createArticle(app, { title: 'A draft' }, authorA.headers)
  const contributorDraft = await createArticle(app, { title: 'Contributor draft' }, contributorA.headers)
  t.equal(publishedA.author?.id, bylineA.id, 'the author token writes under its byline')

  const before = await articleTables(app)
  const as = (headers: Record<string, string>, method: string, url: string, payload?: object) =>
    app.inject({ method: method as 'GET', url, headers, remoteAddress: freshIp(), ...(payload ? { payload } : {}) })

  await t.test('an author cannot change another author\'s article', async (t) => {
    for (const [method, suffix, payload] of [['PATCH', '', { title: 'Taken over' }], ['DELETE', '', undefined], ['POST', '/publish', undefined], ['POST', '/unpublish', undefined], ['POST', '/preview-token', {}]] as const) {
      const pub = await as(authorB.headers, method, `/v1/articles/${publishedA.id}${suffix}`, payload)
      t.equal(pub.statusCode, 403, `${method} ${suffix || '/'} on a published article of another author → 403`)
      const dr = await as(authorB.headers, method, `/v1/articles/${draftA.id}${suffix}`, payload)
      t.equal(dr.statusCode, 404, `${method} ${suffix || '/'} on a draft of another author → 404 (its existence is not revealed)`)
    }
    const revisions = await as(authorB.headers, 'GET', `/v1/articles/${draftA.id}/revisions`)
    t.equal(revisions.statusCode, 404, 'another author\'s draft revisions → 404')
    const read = await as(authorB.headers, 'GET', `/v1/articles/${draftA.id}`)
    t.equal(read.statusCode, 404, 'another author\'s draft is not readable')
    t.same(await articleTables(app), before, 'nothing changed in the database')
  })

  await t.test('a contributor cannot publish', async (t) => {
    const publish = await as(contributorA.headers, 'POST', `/v1/articles/${contributorDraft.id}/publish`)
    t.equal(publish.statusCode, 403, 'POST …/publish → 403')
    const patch = await as(contributorA.headers, 'PATCH', `/v1/articles/${contributorDraft.id}`, { status: 'published' })
    t.equal(patch.statusCode, 403, 'PATCH status=published → 403')
    const schedule = await as(contributorA.headers, 'PATCH', `/v1/articles/${contributorDraft.id}`, { status: 'scheduled', publishAt: '2099-01-01T00:00:00.000Z' })
    t.equal(schedule.statusCode, 403, 'PATCH status=scheduled → 403')
    const create = await as(contributorA.headers, 'POST', '/v1/articles', { title: 'Straight to print', status: 'published' })
    t.equal(create.statusCode, 403, 'POST status=published → 403')
    const editPublished = await as(contributorA.headers, 'PATCH', `/v1/articles/${publishedA.id}`, { title: 'Edited after publication' })
    t.equal(editPublished.statusCode, 403, 'a contributor cannot edit a published article, even under its byline')
    t.same(await articleTables(app), before, 'nothing changed in the database')
    const row = await app.database.get(sql`select status, published_at as "publishedAt" from articles where id = ${contributorDraft.id}`)
    t.same(row, { status: 'draft', publishedAt: null }, 'the draft is still a draft')
  })

  await t.test('moderation routes never answer a public caller', async (t) => {
    const comment = await createComment(app, publishedA.id, { authorEmail: 'secret.reader@example.net' })
    for (const [method, url, payload] of [
      ['GET', '/v1/comments', undefined], ['GET', '/v1/comments?status=pending', undefined], ['GET', '/v1/comments?status=approved', undefined],
      ['PATCH', `/v1/comments/${comment.id}`, { status: 'approved' }], ['PATCH', `/v1/comments/${comment.id}`, { body: 'rewritten' }],
      ['DELETE', `/v1/comments/${comment.id}`, undefined], ['PATCH', '/v1/comments', { ids: [comment.id], status: 'approved' }]
    ] as const) {
      const res = await app.inject({ method, url, remoteAddress: freshIp(), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 401, `${method} ${url} without a token → 401`)
      t.notMatch(res.body, /secret\.reader/, 'no email in the answer')
      const author = await as(authorA.headers, method, url, payload)
      t.equal(author.statusCode, 403, `${method} ${url} as an author → 403`)
    }
    const stored = (await app.database.get<{ status: string, body: string }>(sql`select status, body from comments where id = ${comment.id}`))!
    t.equal(stored.status, comment.status, 'the comment status is unchanged')
    t.not(stored.body, 'rewritten', 'the comment body is unchanged')
  })
})
