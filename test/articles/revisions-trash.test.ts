import t from 'tap'
import type { App } from '../../src/app.js'
import { articleTables, createArticle, searchIndexIds } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectProblem, ISO_TIMESTAMP } from '../helper.js'

// Revisions (every change kept, readable, restorable) and the trash (DELETE, restore,
// permanent deletion).

function req (app: App, method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string> = admin) {
  return app.inject({ method, url, headers })
}

async function ftsCount (app: App, id: number) {
  return (await searchIndexIds(app)).filter((r) => r.rowid === id).length
}

t.test('GET /v1/articles/{id}/revisions → every change is a revision, newest first', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Version one' })
  const steps: Array<[string, string, Record<string, unknown>?]> = [
    ['PATCH', `/v1/articles/${article.id}`, { title: 'Version two' }],
    ['POST', `/v1/articles/${article.id}/publish`],
    ['POST', `/v1/articles/${article.id}/unpublish`],
    ['DELETE', `/v1/articles/${article.id}`],
    ['POST', `/v1/articles/${article.id}/restore`]
  ]
  for (const [method, url, payload] of steps) {
    const res = await app.inject({ method: method as 'POST', url, headers: admin, ...(payload ? { payload } : {}) })
    t.ok(res.statusCode < 300, `${method} ${url} → ${res.statusCode}`)
  }
  const res = await req(app, 'GET', `/v1/articles/${article.id}/revisions`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    data: [
      { revision: 6, status: 'draft', title: 'Version two', tokenId: 1, createdAt: ISO_TIMESTAMP },
      { revision: 5, status: 'trashed', title: 'Version two', tokenId: 1 },
      { revision: 4, status: 'draft', title: 'Version two', tokenId: 1 },
      { revision: 3, status: 'published', title: 'Version two', tokenId: 1 },
      { revision: 2, status: 'draft', title: 'Version two', tokenId: 1 },
      { revision: 1, status: 'draft', title: 'Version one', tokenId: 1 }
    ]
  })
  t.equal(res.json().data.length, 6)
  const read = await req(app, 'GET', `/v1/articles/${article.id}`)
  t.equal(read.json().revision, 6, 'the article revision is the newest one')
})

t.test('GET /v1/articles/{id}/revisions/{n} → the editable fields as they were after that change', async (t) => {
  const app = await buildTestApp(t)
  const world = await createTaxon(app, 'categories', { name: 'World' })
  const article = await createArticle(app, { title: 'First take', body: 'Opening.', category: 'world', tags: ['Climate', 'Coast'], seo: { title: 'S' } })
  const editor = await tokenFor(app, 'editor')
  const changed = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: editor.headers, payload: { title: 'Second take', tags: ['Coast'], excerpt: 'Given' } })
  t.equal(changed.statusCode, 200)
  const first = await req(app, 'GET', `/v1/articles/${article.id}/revisions/1`)
  t.equal(first.statusCode, 200)
  t.same(first.json(), {
    revision: 1,
    createdAt: first.json().createdAt,
    tokenId: 1,
    status: 'draft',
    title: 'First take',
    article: {
      title: 'First take',
      slug: 'first-take',
      subtitle: null,
      excerpt: null,
      body: 'Opening.',
      format: 'markdown',
      status: 'draft',
      featured: false,
      categoryId: world.id,
      authorId: null,
      coverImage: null,
      seo: { title: 'S', description: null, canonicalUrl: null },
      commentsEnabled: true,
      publishAt: null,
      publishedAt: null,
      tagIds: [1, 2]
    }
  })
  const second = await req(app, 'GET', `/v1/articles/${article.id}/revisions/2`)
  t.equal(second.statusCode, 200)
  t.match(second.json(), { revision: 2, tokenId: editor.id, title: 'Second take', article: { title: 'Second take', excerpt: 'Given', tagIds: [2] } })
})

t.test('POST /v1/articles/{id}/revisions/{n}/restore → title, body and tags come back as a new revision; status stays', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Original', body: 'Original body.', tags: ['Climate', 'Coast'] })
  t.equal((await req(app, 'POST', `/v1/articles/${article.id}/publish`)).statusCode, 200)
  const changed = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Rewritten', body: 'New body.', tags: ['Energy'] } })
  t.equal(changed.statusCode, 200)
  const res = await req(app, 'POST', `/v1/articles/${article.id}/revisions/1/restore`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    title: 'Original',
    body: 'Original body.',
    html: '<p>Original body.</p>',
    excerpt: 'Original body.',
    status: 'published',
    publishedAt: changed.json().publishedAt,
    revision: 4
  })
  t.same(res.json().tags.map((tag: { slug: string }) => tag.slug), ['climate', 'coast'])
  t.match(res.headers.etag, /^"4-/)
  const revisions = (await req(app, 'GET', `/v1/articles/${article.id}/revisions`)).json().data
  t.same(revisions.map((r: { revision: number, status: string, title: string }) => [r.revision, r.status, r.title]), [
    [4, 'published', 'Original'], [3, 'published', 'Rewritten'], [2, 'published', 'Original'], [1, 'draft', 'Original']
  ])
  const search = await app.inject({ url: '/v1/articles?q=original' })
  t.same(search.json().data.map((a: { id: number }) => a.id), [article.id], 'the search index follows the restore')
})

t.test('POST /v1/articles/{id}/revisions/{n}/restore → seo and the cover image come back too, even when they were empty', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Plain' })
  const changed = await app.inject({
    method: 'PATCH',
    url: `/v1/articles/${article.id}`,
    headers: admin,
    payload: { seo: { title: 'Added later' }, coverImage: { url: 'https://images.example.com/a.jpg', alt: 'A' } }
  })
  t.equal(changed.statusCode, 200)
  const res = await req(app, 'POST', `/v1/articles/${article.id}/revisions/1/restore`)
  t.equal(res.statusCode, 200)
  t.same(res.json().coverImage, null)
  t.same(res.json().seo, { title: null, description: null, canonicalUrl: null }, 'seo as it was in revision 1')
})

t.test('GET and restore of an unknown revision → 404, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app)
  const before = await articleTables(app)
  expectProblem(t, await req(app, 'GET', `/v1/articles/${article.id}/revisions/99`), 404, 'not-found', `Article ${article.id} has no revision 99`)
  expectProblem(t, await req(app, 'POST', `/v1/articles/${article.id}/revisions/99/restore`), 404, 'not-found', `Article ${article.id} has no revision 99`)
  expectProblem(t, await req(app, 'GET', '/v1/articles/999/revisions'), 404, 'not-found', 'There is no article "999" whose revisions you can see')
  expectProblem(t, await req(app, 'GET', `/v1/articles/${article.id}/revisions/0`), 400, 'validation', 'The path has 1 invalid field', [{ path: 'revision', message: 'revision must be a positive integer' }])
  t.same(await articleTables(app), before)
})

t.test('DELETE /v1/articles/{id} → 204; the article is trashed: 404 publicly, visible with its status to editors', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Doomed', status: 'published' })
  const keep = await createArticle(app, { title: 'Kept', status: 'published' })
  const res = await req(app, 'DELETE', `/v1/articles/${article.id}`)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  expectProblem(t, await app.inject({ url: `/v1/articles/${article.id}` }), 404, 'not-found', `There is no published article "${article.id}"`)
  const editor = await tokenFor(app, 'editor')
  const read = await app.inject({ url: `/v1/articles/${article.id}`, headers: editor.headers })
  t.equal(read.statusCode, 200)
  t.match(read.json(), { status: 'trashed', revision: 2 })
  const ids = async (url: string, headers: Record<string, string> = {}) => {
    const list = await app.inject({ url, headers })
    t.equal(list.statusCode, 200, url)
    return list.json().data.map((a: { id: number, status: string }) => [a.id, a.status])
  }
  t.same(await ids('/v1/articles'), [[keep.id, 'published']], 'not in the public list')
  t.same(await ids('/v1/articles?status=trashed', editor.headers), [[article.id, 'trashed']])
  t.same((await ids('/v1/articles?status=any', editor.headers)).sort(), [[article.id, 'trashed'], [keep.id, 'published']])
  expectProblem(t, await req(app, 'POST', `/v1/articles/${article.id}/publish`), 404, 'not-found', 'The article is in the trash: restore it first')
})

t.test('POST /v1/articles/{id}/restore → back to the status it had: published stays published, draft stays draft', async (t) => {
  const app = await buildTestApp(t)
  const published = await createArticle(app, { status: 'published' })
  const draft = await createArticle(app)
  for (const article of [published, draft]) {
    t.equal((await req(app, 'DELETE', `/v1/articles/${article.id}`)).statusCode, 204)
    const res = await req(app, 'POST', `/v1/articles/${article.id}/restore`)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { status: article.status, publishedAt: article.publishedAt, revision: 3 })
  }
  t.equal((await app.inject({ url: `/v1/articles/${published.id}` })).statusCode, 200, 'public again')
  t.equal((await app.inject({ url: `/v1/articles/${draft.id}` })).statusCode, 404, 'still a draft')
})

t.test('POST /v1/articles/{id}/restore → a scheduled article that came due before it was trashed comes back published', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const article = await createArticle(app, { status: 'scheduled', publishAt: '2025-03-01T11:00:00.000Z' })
  const waiting = await createArticle(app, { status: 'scheduled', publishAt: '2025-03-02T11:00:00.000Z' })
  clock.set('2025-03-01T12:00:00.000Z')
  for (const [item, status, publishedAt] of [[article, 'published', '2025-03-01T11:00:00.000Z'], [waiting, 'scheduled', null]] as const) {
    t.equal((await req(app, 'DELETE', `/v1/articles/${item.id}`)).statusCode, 204)
    const res = await req(app, 'POST', `/v1/articles/${item.id}/restore`)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { status, publishedAt })
  }
  t.equal((await app.inject({ url: `/v1/articles/${article.id}` })).statusCode, 200)
  t.equal((await app.inject({ url: `/v1/articles/${waiting.id}` })).statusCode, 404)
})

t.test('DELETE twice → 404 the second time; restore of an article not in the trash → 404; nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app)
  const live = await createArticle(app)
  t.equal((await req(app, 'DELETE', `/v1/articles/${article.id}`)).statusCode, 204)
  const before = await articleTables(app)
  expectProblem(t, await req(app, 'DELETE', `/v1/articles/${article.id}`), 404, 'not-found', `The article "${article.id}" is already in the trash`)
  expectProblem(t, await req(app, 'POST', `/v1/articles/${live.id}/restore`), 404, 'not-found', `The article "${live.id}" is not in the trash`)
  expectProblem(t, await req(app, 'DELETE', '/v1/articles/999'), 404, 'not-found', 'There is no article "999" you can change')
  t.same(await articleTables(app), before)
})

t.test('DELETE /v1/articles/{id} → 412 with a stale If-Match, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app)
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'Moved on' } })).statusCode, 200)
  const before = await articleTables(app)
  const res = await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': '"1-stale"' } })
  expectProblem(t, res, 412, 'precondition-failed', 'The resource has changed since you read it (If-Match is stale); nothing was changed')
  t.same(await articleTables(app), before)
})

t.test('DELETE /v1/articles/{id}?permanent=true → the row, its tags, revisions and search entry are gone for good', async (t) => {
  const app = await buildTestApp(t)
  const doomed = await createArticle(app, { title: 'Gone for good', status: 'published', tags: ['Climate'] })
  const other = await createArticle(app, { title: 'Survivor', tags: ['Climate'] })
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/articles/${doomed.id}`, headers: admin, payload: { body: 'More' } })).statusCode, 200)
  t.equal(await ftsCount(app, doomed.id), 1, 'indexed before')
  const res = await req(app, 'DELETE', `/v1/articles/${doomed.id}?permanent=true`)
  t.equal(res.statusCode, 204)
  const tables = await articleTables(app)
  t.same(tables.articles.map((a) => a.id), [other.id])
  t.same(tables.revisions.map((r) => r.articleId), [other.id], 'its revisions are gone')
  t.same(tables.articleTags.map((r) => r.articleId), [other.id])
  t.equal(tables.tags.length, 1, 'the tag itself stays')
  t.equal(await ftsCount(app, doomed.id), 0, 'no search index row')
  t.equal(await ftsCount(app, other.id), 1)
  expectProblem(t, await req(app, 'GET', `/v1/articles/${doomed.id}`), 404, 'not-found', `There is no article "${doomed.id}"`)
  expectProblem(t, await req(app, 'GET', `/v1/articles/${doomed.id}/revisions`), 404, 'not-found', `There is no article "${doomed.id}" whose revisions you can see`)
  expectProblem(t, await req(app, 'DELETE', `/v1/articles/${doomed.id}?permanent=true`), 404, 'not-found', `There is no article "${doomed.id}" you can change`)
})

t.test('DELETE /v1/articles/{id}?permanent=true → works on an article already in the trash', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app)
  t.equal((await req(app, 'DELETE', `/v1/articles/${article.id}`)).statusCode, 204)
  t.equal((await req(app, 'DELETE', `/v1/articles/${article.id}?permanent=true`)).statusCode, 204)
  t.same(await articleTables(app), { articles: [], revisions: [], articleTags: [], tags: [], fts: [] })
})
