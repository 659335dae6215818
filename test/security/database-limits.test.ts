// Values one database takes and the other refuses: ids past 2147483647 (PostgreSQL's integer)
// and the NUL character (PostgreSQL's text). The API answers them the same on both, before
// any query: a 404 for an id-or-slug that names nothing, a 400 naming the field otherwise,
// and nothing changes. Runs on SQLite, and on PostgreSQL under BROADSHEET_TEST_DIALECT=postgres.
import { test } from 'tap'
import { admin, buildTestApp, expectProblem } from '../helper.js'
import { createArticle, createPublishedArticle, countRows } from '../fixtures/articles.js'
import { createComment } from '../fixtures/comments.js'
import { createTaxon } from '../fixtures/taxonomy.js'

const PAST = 2147483648
const tooLarge = (field: string) => `${field} must be at most 2147483647: ids are positive 32-bit integers`
const nul = (field: string) => `${field} must not contain the NUL character (U+0000)`
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url')
const INVALID_CURSOR = 'cursor is not valid for this list; use meta.nextCursor from the previous page'

test('an id-or-slug past the largest id names nothing: 404, as any id no row has', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Kept story' })
  for (const url of ['/v1/categories', '/v1/tags', '/v1/authors', '/v1/articles', '/v1/ad-slots']) {
    const res = await app.inject({ method: 'GET', url: `${url}/${PAST}`, headers: admin })
    t.equal(res.statusCode, 404, `GET ${url}/${PAST}`)
  }
  t.equal((await app.inject({ method: 'GET', url: `/v1/article-pages/${PAST}` })).statusCode, 404, 'an article page')
  const publish = await app.inject({ method: 'POST', url: `/v1/articles/${PAST}/publish`, headers: admin })
  t.equal(publish.statusCode, 404, 'publishing')
  const remove = await app.inject({ method: 'DELETE', url: `/v1/tags/${PAST}`, headers: admin })
  t.equal(remove.statusCode, 404, 'deleting')
  const filter = await app.inject({ method: 'GET', url: `/v1/articles?category=${PAST}`, headers: admin })
  expectProblem(t, filter, 400, 'validation', `There is no category with id ${PAST}`, [{ path: 'category', message: `There is no category with id ${PAST}` }])
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${article.id}`, headers: admin })).statusCode, 200, 'the article is still there')
})

test('a typed id past the largest id is a 400 naming the field, and changes nothing', async (t) => {
  const app = await buildTestApp(t)
  const published = await createPublishedArticle(app, { title: 'Commented story' })
  const comment = await createComment(app, published.id)

  const byId = await app.inject({ method: 'GET', url: `/v1/comments/${PAST}`, headers: admin })
  expectProblem(t, byId, 400, 'validation', 'The path has 1 invalid field', [{ path: 'id', message: tooLarge('id') }])
  const revision = await app.inject({ method: 'GET', url: `/v1/articles/${published.id}/revisions/${PAST}`, headers: admin })
  expectProblem(t, revision, 400, 'validation', 'The path has 1 invalid field', [{ path: 'revision', message: 'revision must be at most 2147483647' }])

  const bulk = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [comment.id, PAST], status: 'spam' } })
  expectProblem(t, bulk, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'ids.1', message: tooLarge('A comment id') }])
  t.equal((await app.inject({ method: 'GET', url: `/v1/comments/${comment.id}`, headers: admin })).json().status, comment.status, 'the comment kept its status')

  const parent = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name: 'Orphan', parentId: PAST } })
  expectProblem(t, parent, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'parentId', message: tooLarge('parentId') }])
  const token = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'Byline', role: 'author', authorId: PAST } })
  expectProblem(t, token, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'authorId', message: tooLarge('authorId') }])
  const articles = await countRows(app, 'articles')
  const article = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Placed', category: PAST, tags: [PAST] } })
  expectProblem(t, article, 400, 'validation', 'The request body has 2 invalid fields', [
    { path: 'category', message: tooLarge('category') },
    { path: 'tags.0', message: tooLarge('A tag id') }
  ])
  t.equal(await countRows(app, 'articles'), articles, 'no article was created')
  const creatives = await app.inject({ method: 'GET', url: `/v1/ad-creatives?campaignId=${PAST}`, headers: admin })
  expectProblem(t, creatives, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'campaignId', message: tooLarge('campaignId') }])
  const categories = await app.inject({ method: 'GET', url: '/v1/categories', headers: admin })
  t.same(categories.json().data, [], 'no category was created')
})

test('the largest id itself is an id: it names nothing yet, and is not refused', async (t) => {
  const app = await buildTestApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/v1/comments/2147483647', headers: admin })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/v1/categories/2147483647', headers: admin })).statusCode, 404)
  const bulk = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: [2147483647], status: 'spam' } })
  t.same(bulk.json(), { updated: 0, notFound: [2147483647] })
})

test('a cursor with an id past the largest, a NUL character or a date that is none is refused as a cursor', async (t) => {
  const app = await buildTestApp(t)
  const cases = [
    ['/v1/tags', cursorOf(['x', PAST])],
    ['/v1/tags', cursorOf(['x\u0000', 1])],
    ['/v1/tokens', cursorOf([PAST])],
    ['/v1/ad-campaigns', cursorOf([PAST])],
    ['/v1/comments', cursorOf(['yesterday', 1])]
  ]
  for (const [url, cursor] of cases) {
    const res = await app.inject({ method: 'GET', url: `${url}?cursor=${cursor}`, headers: admin })
    expectProblem(t, res, 400, 'validation', INVALID_CURSOR, [{ path: 'cursor', message: INVALID_CURSOR }])
  }
})

test('text holding the NUL character is a 400 naming the field, in a body, a query or a path, and changes nothing', async (t) => {
  const app = await buildTestApp(t)
  const published = await createPublishedArticle(app, { title: 'Open story' })
  await createTaxon(app, 'tags', { name: 'Kept' })

  const token = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: 'a\u0000b', role: 'editor' } })
  expectProblem(t, token, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'name', message: nul('name') }])
  const tokens = await app.inject({ method: 'GET', url: '/v1/tokens', headers: admin })
  t.equal(tokens.json().data.length, 1, 'only the bootstrap token exists')

  const articles = await countRows(app, 'articles')
  const article = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Clean', tags: ['ok', 'bad\u0000'] } })
  expectProblem(t, article, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'tags.1', message: nul('tags.1') }])
  t.equal(await countRows(app, 'articles'), articles, 'no article was created')

  const comment = await app.inject({ method: 'POST', url: `/v1/articles/${published.id}/comments`, payload: { body: 'Hi\u0000', authorName: 'Rosa', authorEmail: 'rosa@example.net' } })
  expectProblem(t, comment, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'body', message: nul('body') }])

  const search = await app.inject({ method: 'GET', url: '/v1/tags?q=a%00b', headers: admin })
  expectProblem(t, search, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'q', message: nul('q') }])
  const path = await app.inject({ method: 'GET', url: '/v1/tags/a%00b', headers: admin })
  expectProblem(t, path, 400, 'validation', 'The path has 1 invalid field', [{ path: 'idOrSlug', message: nul('idOrSlug') }])
  t.equal((await app.inject({ method: 'GET', url: '/v1/tags', headers: admin })).json().data.length, 1, 'only the one tag exists')
})

test('the OpenAPI document gives every id its maximum', async (t) => {
  const app = await buildTestApp(t)
  const doc = app.swagger() as any
  const idParam = doc.paths['/v1/comments/{id}'].get.parameters.find((p: any) => p.name === 'id')
  t.equal(idParam.schema.maximum, 2147483647, 'a path id')
  const createCategory = doc.components.schemas.CreateCategory
  t.equal(createCategory.properties.parentId.anyOf.find((s: any) => s.type === 'integer').maximum, 2147483647, 'a body id')
})
