import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import {
  apiCommentCount, approvedInDb, commentForm, storedComments, createApprovedComment, createComment, moderateComment,
  postComment, putCommentSettings
} from '../fixtures/comments.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'
import { tableNames } from '../support/tables.js'

// Email, IP and user agent are for moderators only: no public answer ever carries them. And an
// admin can erase everything stored for one commenter's email.

const EMAIL = 'Private.Person@Example.ORG'
const IP = '198.51.100.77'
const UA = 'PrivacyProbe/7.3 (X11; secret-agent)'

interface Answer { statusCode: number, body: string, headers: Record<string, unknown> }

/** Asserts that neither the body nor any header of a public answer holds the email (any case), IP or user agent. */
function assertClean (t: Test, label: string, res: Answer) {
  const text = `${res.body}\n${JSON.stringify(res.headers)}`.toLowerCase()
  t.notOk(text.includes(EMAIL.toLowerCase()), `${label}: no email`)
  t.notOk(text.includes(IP), `${label}: no IP`)
  t.notOk(text.includes(UA.toLowerCase()), `${label}: no user agent`)
}

/** Every stored value in every table, as one lower-cased string. */
async function wholeDatabase (app: App): Promise<string> {
  const tables = (await tableNames(app)).map((name) => ({ name }))
  const dumps = await Promise.all(tables.map(async ({ name }) => JSON.stringify(await app.database.all(sql`select * from ${sql.identifier(name)}`))))
  return dumps.join('\n').toLowerCase()
}

const asPerson = { ip: IP, headers: { 'user-agent': UA } }

t.test('no public answer in a whole comment scenario carries the commenter\'s email, IP or user agent', async (t) => {
  const app = await buildTestApp(t)
  // One person posting many times from one address: lift the rate limit for the scenario.
  await putCommentSettings(app, { postsPerMinute: 100 })
  const article = await createPublishedArticle(app, { title: 'Privacy matters' })
  const other = await createPublishedArticle(app, { title: 'Another story' })
  const answers: Array<[string, Answer]> = []
  const post = async (label: string, articleId: number, partial: Record<string, unknown>) => {
    const res = await postComment(app, articleId, commentForm({ authorEmail: EMAIL, authorName: 'Pat', ...partial }), asPerson)
    answers.push([label, res])
    return res
  }
  const first = await post('POST pending', article.id, { body: 'First thoughts', authorUrl: 'https://pat.example.net' })
  t.equal(first.statusCode, 201)
  t.equal(first.json().status, 'pending')
  await moderateComment(app, first.json().id, { status: 'approved' })
  const second = await post('POST approved', article.id, { body: 'Second thoughts\nwith a link https://example.org/x', commenterToken: first.json().commenterToken })
  t.equal(second.json().status, 'approved')
  const reply = await post('POST reply', article.id, { body: 'Replying to myself', parentId: first.json().id })
  t.equal(reply.statusCode, 201)
  t.equal((await post('POST on another article', other.id, { body: 'Elsewhere' })).statusCode, 201)
  t.equal((await post('POST honeypot', article.id, { body: 'Bot-like', homepage: 'x' })).statusCode, 201)
  t.equal((await post('POST duplicate', article.id, { body: 'First thoughts' })).statusCode, 409)
  t.equal((await post('POST invalid', article.id, { body: 'x', authorUrl: 'javascript:alert(1)' })).statusCode, 400)
  t.equal((await post('POST bad parent', article.id, { body: 'y', parentId: 999 })).statusCode, 400)
  await createApprovedComment(app, article.id, { body: 'Someone else', parentId: second.json().id })

  const reads = [
    `/v1/articles/${article.id}/comments`,
    `/v1/articles/${article.id}/comments?sort=newest&count=true`,
    `/v1/articles/${article.id}/comments?tree=true`,
    `/v1/articles/${article.id}/comments?tree=true&count=true&limit=1`,
    `/v1/articles/${other.id}/comments?tree=true`,
    '/v1/articles/privacy-matters/comments',
    `/v1/articles/${article.id}`,
    '/v1/articles/privacy-matters',
    `/v1/articles/${article.id}?fields=commentCount`,
    '/v1/articles',
    `/v1/articles/${article.id}/related`
  ]
  for (const url of reads) {
    const res = await app.inject({ url, remoteAddress: IP, headers: { 'user-agent': UA } })
    t.equal(res.statusCode, 200, `GET ${url}`)
    answers.push([`GET ${url}`, res])
  }
  t.ok(answers.length >= 19, `${answers.length} public answers scanned`)
  for (const [label, res] of answers) assertClean(t, label, res)

  // The scan is meaningful: the data is there, for editors.
  const queue = await app.inject({ url: '/v1/comments?status=any', headers: admin })
  t.equal(queue.statusCode, 200)
  t.match(queue.json().data, Array(6).fill({}))
  t.ok(queue.body.includes(EMAIL.toLowerCase()) && queue.body.includes(IP) && queue.body.includes(UA), 'editors see email, IP and user agent')
})

t.test('DELETE /v1/comments?email= (admin) erases every comment of that email, any case → {erased}; counts stay exact; nothing of it is left', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const b = await createPublishedArticle(app)
  const mine = await createApprovedComment(app, a.id, { authorEmail: EMAIL }, asPerson)
  await createComment(app, a.id, { authorEmail: EMAIL, parentId: mine.id, commenterToken: mine.commenterToken }, asPerson)
  await createComment(app, b.id, { authorEmail: 'private.person@example.org', commenterToken: mine.commenterToken }, asPerson)
  await createComment(app, b.id, { authorEmail: EMAIL, homepage: 'x' }, asPerson)
  const answer = await createApprovedComment(app, a.id, { authorEmail: 'friend@example.net', parentId: mine.id })
  const keep = await createApprovedComment(app, b.id, { authorEmail: 'friend@example.net' })
  t.equal(await apiCommentCount(app, a.id), 3)
  t.ok((await wholeDatabase(app)).includes(EMAIL.toLowerCase()), 'the email is stored before')

  const res = await app.inject({ method: 'DELETE', url: `/v1/comments?email=${encodeURIComponent('  PRIVATE.PERSON@example.org ')}`, headers: admin })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { erased: 4 })
  t.notOk((await wholeDatabase(app)).includes(EMAIL.toLowerCase()), 'no table holds the email afterwards')
  t.same((await storedComments(app)).filter((r) => r.ip === IP || r.user_agent === UA), [], 'no comment row keeps their IP or user agent')
  t.same((await storedComments(app)).map((r) => r.id), [answer.id, keep.id], 'other people\'s comments stay')
  t.equal((await storedComments(app))[0]!.parent_id, null, 'a reply to an erased comment loses its parent')
  for (const article of [a, b]) {
    t.equal(await apiCommentCount(app, article.id), await approvedInDb(app, article.id))
    t.equal(await apiCommentCount(app, article.id), 1)
  }
  const again = await app.inject({ method: 'DELETE', url: `/v1/comments?email=${encodeURIComponent(EMAIL)}`, headers: admin })
  t.equal(again.statusCode, 200)
  t.same(again.json(), { erased: 0 })
})

t.test('DELETE /v1/comments?email= by an editor → 403 and nothing erased', async (t) => {
  const app = await buildTestApp(t)
  const editor = await tokenFor(app, 'editor')
  const article = await createPublishedArticle(app)
  await createComment(app, article.id, { authorEmail: EMAIL })
  const before = await storedComments(app)
  const res = await app.inject({ method: 'DELETE', url: `/v1/comments?email=${encodeURIComponent(EMAIL)}`, headers: editor.headers })
  expectProblem(t, res, 403, 'forbidden', 'This route needs the admin role or higher; the token has the editor role')
  t.same(await storedComments(app), before)
})

t.test('DELETE /v1/comments without an email or with a bad one → 400 naming email, nothing erased', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createComment(app, article.id, { authorEmail: EMAIL })
  const before = await storedComments(app)
  const bad = await app.inject({ method: 'DELETE', url: '/v1/comments?email=not-an-email', headers: admin })
  expectProblem(t, bad, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'email', message: 'email must be the commenter\'s email address' }])
  const missing = await app.inject({ method: 'DELETE', url: '/v1/comments', headers: admin })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { type: 'urn:broadsheet:problem:validation', errors: [{ path: 'email' }] })
  t.same(await storedComments(app), before)
})
