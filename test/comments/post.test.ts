import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, commentTotal, expectedAvatarHash, freshIp, postComment } from '../fixtures/comments.js'
import { buildTestApp, expectJson, expectProblem, ISO_TIMESTAMP } from '../helper.js'

// POST /v1/articles/{idOrSlug}/comments: the "Leave a reply" form, what it answers and stores,
// and every validation message a form shows as is. Closed and unpublished articles live in
// availability.test.ts, the html in html.test.ts.

const ONE_FIELD = 'The request body has 1 invalid field'
const COMMENT = 'Please enter your comment'
const NAME = 'Please enter your name'
const EMAIL = 'Please enter a valid email address'
const URL_MESSAGE = 'Please enter a website address starting with http:// or https://'

/** Posts `payload` and asserts a 400 naming exactly `errors`, with no comment stored. */
async function expectRejected (t: Test, app: App, articleId: number, payload: Record<string, unknown>, errors: Array<{ path: string, message: string }>) {
  const before = await storedComments(app)
  const res = await postComment(app, articleId, payload)
  const detail = errors.length === 1 ? ONE_FIELD : `The request body has ${errors.length} invalid fields`
  expectProblem(t, res, 400, 'validation', detail, errors)
  t.same(await storedComments(app), before, 'nothing stored')
}

t.test('POST comments → 201 with the whole public comment and status pending; the row keeps email, IP and user agent', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, {
    body: 'Dry floors for the first time in years.',
    authorName: 'Rosa',
    authorEmail: '  Rosa@Example.NET ',
    authorUrl: 'https://rosa.example.net'
  }, { ip: '192.0.2.44', headers: { 'user-agent': 'FormTest/1.0' } })
  const body = expectJson(t, res, 201, {
    id: 1,
    articleId: article.id,
    parentId: null,
    authorName: 'Rosa',
    authorUrl: 'https://rosa.example.net',
    avatarHash: expectedAvatarHash('rosa@example.net'),
    body: 'Dry floors for the first time in years.',
    html: '<p>Dry floors for the first time in years.</p>',
    createdAt: ISO_TIMESTAMP,
    status: 'pending',
    commenterToken: /^[\w-]+\.[\w-]{43}$/
  })
  t.equal(res.headers['cache-control'], 'no-store')
  t.same(await storedComments(app), [{
    id: 1,
    article_id: article.id,
    parent_id: null,
    depth: 1,
    status: 'pending',
    body: 'Dry floors for the first time in years.',
    author_name: 'Rosa',
    author_email: 'rosa@example.net',
    avatar_hash: expectedAvatarHash('rosa@example.net'),
    author_url: 'https://rosa.example.net',
    ip: '192.0.2.44',
    user_agent: 'FormTest/1.0',
    flags: '["first-time"]',
    created_at: body.createdAt,
    updated_at: body.createdAt,
    commenter_key: JSON.parse(Buffer.from(body.commenterToken.split('.')[0], 'base64url').toString('utf8')).k
  }])
})

t.test('POST comments by slug → 201 on the article with that slug', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app, { title: 'Sea wall holds' })
  const res = await postComment(app, 'sea-wall-holds', commentForm())
  t.equal(res.statusCode, 201)
  t.match(res.json(), { articleId: article.id, status: 'pending' })
  t.equal(await commentTotal(app), 1)
})

t.test('POST comments trims body and name and stores them trimmed', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, commentForm({ body: '\n  Well said.  \n', authorName: '  Ana  ' }))
  t.equal(res.statusCode, 201)
  t.match(res.json(), { body: 'Well said.', authorName: 'Ana', html: '<p>Well said.</p>' })
  t.match(await storedComments(app), [{ body: 'Well said.', author_name: 'Ana' }])
})

t.test('POST comments with nothing → 400 naming body, authorName and authorEmail with the form messages', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await expectRejected(t, app, article.id, {}, [
    { path: 'body', message: COMMENT }, { path: 'authorName', message: NAME }, { path: 'authorEmail', message: EMAIL }
  ])
})

t.test('POST comments with all three fields null or blank → 400 naming all three', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const all = [{ path: 'body', message: COMMENT }, { path: 'authorName', message: NAME }, { path: 'authorEmail', message: EMAIL }]
  await expectRejected(t, app, article.id, { body: null, authorName: null, authorEmail: null }, all)
  await expectRejected(t, app, article.id, { body: '   ', authorName: '\t', authorEmail: ' ' }, all)
})

t.test('POST comments without body → 400 path body "Please enter your comment"', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const { body: _omit, ...form } = commentForm()
  await expectRejected(t, app, article.id, form, [{ path: 'body', message: COMMENT }])
})

t.test('POST comments with an empty or whitespace-only body → 400 path body "Please enter your comment"', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  for (const body of ['', '   ', '\n\t \n']) {
    await expectRejected(t, app, article.id, commentForm({ body }), [{ path: 'body', message: COMMENT }])
  }
})

t.test('POST comments without authorName, or a blank one → 400 path authorName "Please enter your name"', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const { authorName: _omit, ...form } = commentForm()
  await expectRejected(t, app, article.id, form, [{ path: 'authorName', message: NAME }])
  await expectRejected(t, app, article.id, commentForm({ authorName: '  ' }), [{ path: 'authorName', message: NAME }])
})

t.test('POST comments without authorEmail → 400 path authorEmail "Please enter a valid email address"', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const { authorEmail: _omit, ...form } = commentForm()
  await expectRejected(t, app, article.id, form, [{ path: 'authorEmail', message: EMAIL }])
})

t.test('POST comments with an invalid authorEmail → 400 path authorEmail "Please enter a valid email address"', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  for (const authorEmail of ['', 'rosa', 'rosa@', '@example.net', 'rosa@example', 'rosa example@example.net']) {
    await expectRejected(t, app, article.id, commentForm({ authorEmail }), [{ path: 'authorEmail', message: EMAIL }])
  }
})

t.test('POST comments with a javascript: or ftp: authorUrl → 400 path authorUrl', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  for (const authorUrl of ['javascript:alert(1)', 'ftp://files.example.net', 'data:text/html,<b>x</b>', 'rosa.example.net']) {
    await expectRejected(t, app, article.id, commentForm({ authorUrl }), [{ path: 'authorUrl', message: URL_MESSAGE }])
  }
})

t.test('POST comments with an http or https authorUrl → 201 keeping it; an empty one is stored as none', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  for (const [authorUrl, expected] of [['http://rosa.example.net', 'http://rosa.example.net'], ['https://rosa.example.net/about?x=1', 'https://rosa.example.net/about?x=1'], ['', null], [null, null]] as const) {
    const res = await postComment(app, article.id, commentForm({ authorUrl }))
    t.equal(res.statusCode, 201, `authorUrl ${JSON.stringify(authorUrl)}`)
    t.equal(res.json().authorUrl, expected)
    t.equal((await storedComments(app)).at(-1)!.author_url, expected, 'stored')
  }
})

t.test('POST comments with an unknown field → 400 naming it, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await expectRejected(t, app, article.id, commentForm({ website: 'https://rosa.example.net' }), [
    { path: 'website', message: '"website" is not a field you can set here' }
  ])
  await expectRejected(t, app, article.id, commentForm({ status: 'approved' }), [
    { path: 'status', message: '"status" is not a field you can set here' }
  ])
})

t.test('POST comments with several bad fields → 400 naming each of them', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await expectRejected(t, app, article.id, { body: ' ', authorName: 'Rosa', authorEmail: 'nope', authorUrl: 'ftp://x.example' }, [
    { path: 'body', message: COMMENT }, { path: 'authorEmail', message: EMAIL }, { path: 'authorUrl', message: URL_MESSAGE }
  ])
})

t.test('POST comments with a body that is not JSON → 415 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await app.inject({
    method: 'POST',
    url: `/v1/articles/${article.id}/comments`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'body=hi&authorName=Rosa&authorEmail=rosa%40example.net',
    remoteAddress: freshIp()
  })
  expectProblem(t, res, 415, 'unsupported-media-type', /^Send the request body as application\/json/)
  t.equal(await commentTotal(app), 0)
})

t.test('POST comments with a lone UTF-16 surrogate → 201 answering exactly what is stored (U+FFFD in its place)', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, commentForm({ body: 'Broken \ud800 text', authorName: 'Ro\udc00sa' }))
  t.equal(res.statusCode, 201)
  t.equal(res.json().body, 'Broken \ufffd text')
  t.equal(res.json().authorName, 'Ro\ufffdsa')
  const [row] = await storedComments(app)
  t.equal(row!.body, res.json().body, 'the answer is the stored body')
  t.equal(row!.author_name, res.json().authorName)
})
