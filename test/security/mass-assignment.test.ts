import { sql } from 'drizzle-orm'
// Mass assignment (OWASP API3): fields a caller may not set are a 400 naming the field, and the
// database shows they were never applied.
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { admin, buildTestApp } from '../helper.js'
import { articleTables, createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { storedComments, createComment, freshIp } from '../fixtures/comments.js'
import { createTaxon, taxonRows } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'

const FORBIDDEN_ARTICLE_FIELDS: Record<string, unknown> = {
  id: 999,
  html: '<p>injected</p>',
  revision: 42,
  commentCount: 1000,
  wordCount: 5000,
  readingTimeMinutes: 60,
  createdAt: '2000-01-01T00:00:00.000Z',
  updatedAt: '2000-01-01T00:00:00.000Z',
  trashedAt: '2000-01-01T00:00:00.000Z',
  createdByTokenId: 1
}

interface Res { statusCode: number, headers: Record<string, unknown>, body: string, json: () => any }

/** A 400 problem whose errors name `field` (at the top level of the body). */
function rejects (t: Test, res: Res, field: string, label: string) {
  t.equal(res.statusCode, 400, `${label}: 400`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, `${label}: problem+json`)
  const errors = (res.json().errors ?? []) as Array<{ path: string, message: string }>
  t.ok(errors.some((e) => e.path === field || e.path.endsWith(`/${field}`) || e.path.endsWith(`.${field}`) || e.message.includes(field)), `${label}: the errors name ${field} (${JSON.stringify(errors)})`)
}

function tokenRows (app: App) {
  return app.database.all(sql`select id, name, role, author_id, token_hash, prefix, revoked_at, created_at from api_tokens order by id`)
}

t.test('articles: read-only fields on create and update', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Sea wall', body: 'Waves broke over the wall.' })
  const before = await articleTables(app)
  for (const [field, value] of Object.entries(FORBIDDEN_ARTICLE_FIELDS)) {
    const create = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: `With ${field}`, [field]: value } })
    rejects(t, create, field, `POST /v1/articles with ${field}`)
    const patch = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { [field]: value } })
    rejects(t, patch, field, `PATCH /v1/articles/{id} with ${field}`)
    const mixed = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Changed title', [field]: value } })
    rejects(t, mixed, field, `PATCH with a valid field and ${field}`)
  }
  t.same(await articleTables(app), before, 'no article, revision or tag row changed')
})

t.test('articles: status for a contributor, publishedAt for an author', async (t) => {
  const app = await buildTestApp(t)
  const byline = await createTaxon(app, 'authors', { name: 'Contributing writer' })
  const contributor = await tokenFor(app, 'contributor', byline.id)
  const author = await tokenFor(app, 'author', byline.id)
  const draft = await createArticle(app, { title: 'Contributor draft' }, contributor.headers)
  const own = await createArticle(app, { title: 'Author draft' }, author.headers)
  const before = await articleTables(app)

  for (const status of ['published', 'scheduled', 'archived']) {
    const extra = status === 'scheduled' ? { publishAt: '2099-01-01T00:00:00.000Z' } : {}
    const create = await app.inject({ method: 'POST', url: '/v1/articles', headers: contributor.headers, payload: { title: `Contributor ${status}`, status, ...extra } })
    t.ok([400, 403].includes(create.statusCode), `contributor POST status=${status} → ${create.statusCode}`)
    const patch = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: contributor.headers, payload: { status, ...extra } })
    t.ok([400, 403].includes(patch.statusCode), `contributor PATCH status=${status} → ${patch.statusCode}`)
  }
  const backdate = '2001-09-09T01:46:40.000Z'
  const create = await app.inject({ method: 'POST', url: '/v1/articles', headers: author.headers, payload: { title: 'Backdated', status: 'published', publishedAt: backdate } })
  t.equal(create.statusCode, 403, 'author POST with publishedAt → 403')
  const patch = await app.inject({ method: 'PATCH', url: `/v1/articles/${own.id}`, headers: author.headers, payload: { publishedAt: backdate } })
  t.equal(patch.statusCode, 403, 'author PATCH with publishedAt → 403')
  const contributorDate = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: contributor.headers, payload: { publishedAt: backdate } })
  t.ok([400, 403].includes(contributorDate.statusCode), `contributor PATCH with publishedAt → ${contributorDate.statusCode}`)

  t.same(await articleTables(app), before, 'nothing was applied')
  const rows = await app.database.all(sql`select status, published_at as "publishedAt" from articles order by id`)
  t.same(rows, [{ status: 'draft', publishedAt: null }, { status: 'draft', publishedAt: null }], 'both stay unpublished drafts without a date')

  // An editor may set publishedAt (imports keep their dates): the control case.
  const editor = await tokenFor(app, 'editor')
  const imported = await app.inject({ method: 'POST', url: '/v1/articles', headers: editor.headers, payload: { title: 'Imported', status: 'published', publishedAt: backdate } })
  t.equal(imported.statusCode, 201, 'an editor may set publishedAt')
  t.equal(imported.json().publishedAt, backdate)
})

t.test('comments: the public POST cannot set moderation or server fields', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app, { title: 'Open for comments' })
  const other = await createPublishedArticle(app, { title: 'Another article' })
  const fields: Record<string, unknown> = {
    status: 'approved',
    articleId: other.id,
    ip: '1.2.3.4',
    avatarHash: 'f'.repeat(64),
    createdAt: '2000-01-01T00:00:00.000Z'
  }
  const before = (await storedComments(app))
  for (const [field, value] of Object.entries(fields)) {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/articles/${article.id}/comments`,
      remoteAddress: freshIp(),
      payload: { body: `Trying ${field}`, authorName: 'Mallory', authorEmail: 'mallory@example.net', [field]: value }
    })
    rejects(t, res, field, `POST comment with ${field}`)
  }
  t.same((await storedComments(app)), before, 'no comment was stored')
  // The control: the same form without the extra field is accepted, pending, on this article.
  const ok = await createComment(app, article.id, { authorEmail: 'mallory@example.net' })
  const row = (await app.database.get<Record<string, unknown>>(sql`select article_id as "articleId", status, created_at as "createdAt" from comments where id = ${ok.id}`))!
  t.equal(row.articleId, article.id, 'the comment belongs to the article in the URL')
  t.not(row.createdAt, '2000-01-01T00:00:00.000Z')
})

t.test('taxonomy: id, articleCount and revision', async (t) => {
  const app = await buildTestApp(t)
  for (const path of ['categories', 'tags', 'authors'] as const) {
    const item = await createTaxon(app, path, { name: `First ${path}` })
    const before = await taxonRows(app, path)
    for (const [field, value] of Object.entries({ id: 9999, articleCount: 500, revision: 77 })) {
      const create = await app.inject({ method: 'POST', url: `/v1/${path}`, headers: admin, payload: { name: `New ${path} ${field}`, [field]: value } })
      rejects(t, create, field, `POST /v1/${path} with ${field}`)
      const patch = await app.inject({ method: 'PATCH', url: `/v1/${path}/${item.id}`, headers: admin, payload: { name: 'Renamed', [field]: value } })
      rejects(t, patch, field, `PATCH /v1/${path}/{id} with ${field}`)
    }
    t.same(await taxonRows(app, path), before, `${path}: nothing changed`)
  }
})

t.test('tokens: id, prefix, tokenHash and revokedAt', async (t) => {
  const app = await buildTestApp(t)
  const before = await tokenRows(app)
  const fields: Record<string, unknown> = { id: 999, prefix: 'bs_evil', tokenHash: 'a'.repeat(64), revokedAt: null }
  for (const [field, value] of Object.entries(fields)) {
    const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: `With ${field}`, role: 'editor', [field]: value } })
    rejects(t, res, field, `POST /v1/tokens with ${field}`)
  }
  t.same(await tokenRows(app), before, 'no token was created')
})
