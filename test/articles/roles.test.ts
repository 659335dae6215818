import t from 'tap'
import type { App } from '../../src/app.js'
import { articleTables, createArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// Who may write articles: contributors their own drafts, authors their own articles,
// editors and admins anything; only admins delete for good.

/** Three bylines and a token for each role; contributor and author tokens are bound to their byline. */
async function setup (app: App) {
  const cora = await createTaxon(app, 'authors', { name: 'Cora Contributor' })
  const amara = await createTaxon(app, 'authors', { name: 'Amara Author' })
  const ben = await createTaxon(app, 'authors', { name: 'Ben Author' })
  return {
    cora,
    amara,
    ben,
    contributor: (await tokenFor(app, 'contributor', cora.id)).headers,
    author: (await tokenFor(app, 'author', amara.id)).headers,
    otherAuthor: (await tokenFor(app, 'author', ben.id)).headers,
    editor: (await tokenFor(app, 'editor')).headers
  }
}

function patch (app: App, id: number, headers: Record<string, string>, payload: Record<string, unknown> = { title: 'Changed' }) {
  return app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers, payload })
}

const OWN_BYLINE = (role: string) => new RegExp(`^An? ${role} token may only change articles under its own byline$`)

t.test('POST /v1/articles → 201 for a contributor: a draft under its own byline', async (t) => {
  const app = await buildTestApp(t)
  const { contributor, cora } = await setup(app)
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: contributor, payload: { title: 'My first draft' } })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { status: 'draft', author: { id: cora.id, slug: 'cora-contributor', name: 'Cora Contributor' } })
})

t.test('POST /v1/articles → 403 when a contributor asks for published, scheduled or archived, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const { contributor } = await setup(app)
  for (const payload of [
    { title: 'Straight out', status: 'published' },
    { title: 'Later', status: 'scheduled', publishAt: '2999-01-01T00:00:00Z' },
    { title: 'Old', status: 'archived' }
  ]) {
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: contributor, payload })
    expectProblem(t, res, 403, 'forbidden', 'A contributor cannot publish, schedule or archive: an editor or the author publishes')
  }
  t.same((await articleTables(app)).articles, [])
})

t.test('PATCH /v1/articles/{id} → 200 when a contributor edits its own draft', async (t) => {
  const app = await buildTestApp(t)
  const { contributor } = await setup(app)
  const draft = await createArticle(app, {}, contributor)
  const res = await patch(app, draft.id, contributor, { title: 'Better headline', body: 'More words' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { title: 'Better headline', body: 'More words', status: 'draft', revision: 2 })
})

t.test('PATCH /v1/articles/{id} → 403 when a contributor edits its own article once published, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { contributor, editor } = await setup(app)
  const draft = await createArticle(app, {}, contributor)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: editor })).statusCode, 200)
  const before = await articleTables(app)
  const res = await patch(app, draft.id, contributor)
  expectProblem(t, res, 403, 'forbidden', 'A contributor may only change its own drafts')
  const trash = await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: contributor })
  expectProblem(t, trash, 403, 'forbidden', 'A contributor may only change its own drafts')
  t.same(await articleTables(app), before)
})

t.test('PATCH /v1/articles/{id} → 404 when a contributor edits another byline\'s draft, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { contributor, author } = await setup(app)
  const other = await createArticle(app, {}, author)
  const before = await articleTables(app)
  const res = await patch(app, other.id, contributor)
  expectProblem(t, res, 404, 'not-found', `There is no article "${other.id}" you can change`)
  const read = await app.inject({ url: `/v1/articles/${other.id}`, headers: contributor })
  expectProblem(t, read, 404, 'not-found', `There is no published article "${other.id}"`)
  t.same(await articleTables(app), before)
})

t.test('POST /v1/articles/{id}/publish → 403 for a contributor (the route needs author), and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { contributor } = await setup(app)
  const draft = await createArticle(app, {}, contributor)
  const before = await articleTables(app)
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: contributor })
  expectProblem(t, res, 403, 'forbidden', 'This route needs the author role or higher; the token has the contributor role')
  const viaPatch = await patch(app, draft.id, contributor, { status: 'published' })
  expectProblem(t, viaPatch, 403, 'forbidden', 'A contributor cannot publish, schedule or archive: an editor or the author publishes')
  t.same(await articleTables(app), before)
})

t.test('POST and PATCH /v1/articles → 400 naming author when a contributor or author writes under another byline', async (t) => {
  const app = await buildTestApp(t)
  const { contributor, author, cora, amara, ben } = await setup(app)
  for (const [role, headers, own] of [['contributor', contributor, cora], ['author', author, amara]] as const) {
    const message = new RegExp(`^An? ${role} token writes as its own byline \\(author id ${own.id}\\)$`)
    const res = await app.inject({ method: 'POST', url: '/v1/articles', headers, payload: { title: 'Ghost-written', author: ben.slug } })
    expectProblem(t, res, 400, 'validation', message, [{ path: 'author', message }])
    t.same((await articleTables(app)).articles, [], `${role}: nothing created`)
    const ownAuthor = await app.inject({ method: 'POST', url: '/v1/articles', headers, payload: { title: `Own ${role}`, author: own.id } })
    t.equal(ownAuthor.statusCode, 201, 'naming its own byline is fine')
    const before = await articleTables(app)
    const changed = await patch(app, ownAuthor.json().id, headers, { author: ben.id })
    expectProblem(t, changed, 400, 'validation', message, [{ path: 'author', message }])
    t.same(await articleTables(app), before)
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${ownAuthor.json().id}?permanent=true`, headers: admin })).statusCode, 204)
  }
})

t.test('role messages use the right article: "A contributor token", "An author token"', async (t) => {
  const app = await buildTestApp(t)
  const { contributor, cora, ben } = await setup(app)
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: contributor, payload: { title: 'Ghost-written', author: ben.id } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().detail, `A contributor token writes as its own byline (author id ${cora.id})`)
  const other = await createArticle(app, { status: 'published', author: ben.id })
  const denied = await patch(app, other.id, contributor)
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().detail, 'A contributor token may only change articles under its own byline')
})

t.test('POST /v1/articles and /publish → an author creates, publishes and changes its own articles', async (t) => {
  const app = await buildTestApp(t)
  const { author, amara } = await setup(app)
  const direct = await app.inject({ method: 'POST', url: '/v1/articles', headers: author, payload: { title: 'Straight out', status: 'published' } })
  t.equal(direct.statusCode, 201)
  t.match(direct.json(), { status: 'published', author: { id: amara.id }, publishedAt: String })
  const draft = await createArticle(app, {}, author)
  t.equal(draft.author?.id, amara.id)
  const published = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: author })
  t.equal(published.statusCode, 200)
  t.equal(published.json().status, 'published')
  const edited = await patch(app, draft.id, author, { title: 'Corrected headline' })
  t.equal(edited.statusCode, 200)
  t.equal(edited.json().title, 'Corrected headline')
  const unpublished = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/unpublish`, headers: author })
  t.equal(unpublished.statusCode, 200)
  t.equal(unpublished.json().status, 'draft')
})

t.test('PATCH, publish and DELETE → 403 when an author touches another author\'s published article, 404 for a draft; nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { author, otherAuthor } = await setup(app)
  const published = await createArticle(app, { status: 'published' }, otherAuthor)
  const draft = await createArticle(app, {}, otherAuthor)
  const before = await articleTables(app)
  expectProblem(t, await patch(app, published.id, author), 403, 'forbidden', OWN_BYLINE('author'))
  expectProblem(t, await app.inject({ method: 'POST', url: `/v1/articles/${published.id}/unpublish`, headers: author }), 403, 'forbidden', OWN_BYLINE('author'))
  expectProblem(t, await app.inject({ method: 'DELETE', url: `/v1/articles/${published.id}`, headers: author }), 403, 'forbidden', OWN_BYLINE('author'))
  expectProblem(t, await patch(app, draft.id, author), 404, 'not-found', `There is no article "${draft.id}" you can change`)
  expectProblem(t, await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: author }), 404, 'not-found', `There is no article "${draft.id}" you can change`)
  t.same(await articleTables(app), before)
})

t.test('PATCH, publish and DELETE → editors and admins change any article', async (t) => {
  const app = await buildTestApp(t)
  const { contributor, author, editor } = await setup(app)
  const draft = await createArticle(app, {}, contributor)
  const published = await createArticle(app, { status: 'published' }, author)
  for (const [role, headers] of [['editor', editor], ['admin', admin]] as const) {
    for (const article of [draft, published]) {
      const res = await patch(app, article.id, headers, { title: `${role} edit of ${article.id}` })
      t.equal(res.statusCode, 200, `${role} edits ${article.status} ${article.id}`)
      t.equal(res.json().title, `${role} edit of ${article.id}`)
    }
  }
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: editor })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${published.id}/unpublish`, headers: editor })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: editor })).statusCode, 204)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/restore`, headers: admin })).statusCode, 200)
})

t.test('DELETE /v1/articles/{id}?permanent=true → 403 for an editor (the article stays), 204 for an admin', async (t) => {
  const app = await buildTestApp(t)
  const { editor } = await setup(app)
  const article = await createArticle(app, { status: 'published' })
  const before = await articleTables(app)
  const res = await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}?permanent=true`, headers: editor })
  expectProblem(t, res, 403, 'forbidden', 'Only an admin may delete an article for good; others move it to the trash')
  t.same(await articleTables(app), before, 'still there, not even trashed')
  t.equal((await app.inject({ url: `/v1/articles/${article.id}` })).statusCode, 200)
  const gone = await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}?permanent=true`, headers: admin })
  t.equal(gone.statusCode, 204)
  t.same((await articleTables(app)).articles, [])
})

const writeRoutes: Array<[string, 'POST' | 'PATCH' | 'DELETE', string]> = [
  ['create', 'POST', '/v1/articles'],
  ['update', 'PATCH', '/v1/articles/1'],
  ['publish', 'POST', '/v1/articles/1/publish'],
  ['unpublish', 'POST', '/v1/articles/1/unpublish'],
  ['trash', 'DELETE', '/v1/articles/1'],
  ['delete for good', 'DELETE', '/v1/articles/1?permanent=true'],
  ['restore', 'POST', '/v1/articles/1/restore'],
  ['restore a revision', 'POST', '/v1/articles/1/revisions/1/restore'],
  ['preview token', 'POST', '/v1/articles/1/preview-token']
]

t.test('every article write route → 401 without a token and with an unknown one, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { title: 'Target', status: 'published' })
  const before = await articleTables(app)
  for (const [name, method, url] of writeRoutes) {
    const payload = method === 'DELETE' ? undefined : { title: 'Intruder' }
    const none = await app.inject({ method, url, payload })
    expectProblem(t, none, 401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>')
    t.equal(none.headers['www-authenticate'], 'Bearer realm="broadsheet"', `${name}: WWW-Authenticate`)
    const unknown = await app.inject({ method, url, payload, headers: { authorization: 'Bearer bs_not-a-real-token' } })
    expectProblem(t, unknown, 401, 'unauthorized', 'The API token is unknown or revoked')
  }
  t.same(await articleTables(app), before)
})
