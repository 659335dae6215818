import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, postComment, putCommentSettings } from '../fixtures/comments.js'
import { buildTestApp, expectProblem } from '../helper.js'

// The link limit (more than maxLinks links: pending or spam, as linkAction says) and the
// length limit (a body over maxLength is a 400 naming body).

/** Posts and returns the status answered and the status and flags stored. */
async function post (t: Test, app: App, articleId: number, body: string) {
  const res = await postComment(app, articleId, commentForm({ body }))
  t.equal(res.statusCode, 201)
  const row = (await storedComments(app)).at(-1)!
  t.equal(row.id, res.json().id)
  return { answered: res.json().status as string, stored: row.status as string, flags: JSON.parse(String(row.flags)) as string[] }
}

const links = (n: number) => Array.from({ length: n }, (_, i) => `https://site${i}.example.org/page`).join(' and ')

t.test('links: up to maxLinks (default 2) links → the policy decides (none: approved)', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  t.same(await post(t, app, article.id, `See ${links(2)}`), { answered: 'approved', stored: 'approved', flags: [] })
})

t.test('links: more than maxLinks with linkAction pending (default) → pending, flagged with the count', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  t.same(await post(t, app, article.id, `See ${links(3)}`), { answered: 'pending', stored: 'pending', flags: ['links:3'] })
})

t.test('links: more than maxLinks with linkAction spam → answered pending, stored as spam', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', linkAction: 'spam' })
  const article = await createPublishedArticle(app)
  t.same(await post(t, app, article.id, `See ${links(3)}`), { answered: 'pending', stored: 'spam', flags: ['links:3'] })
})

t.test('links: maxLinks 0 makes a single link too many', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', maxLinks: 0 })
  const article = await createPublishedArticle(app)
  t.same(await post(t, app, article.id, 'Only http://one.example.org'), { answered: 'pending', stored: 'pending', flags: ['links:1'] })
  t.same(await post(t, app, article.id, 'No link at all'), { answered: 'approved', stored: 'approved', flags: [] })
})

t.test('links: http and https links both count; an email address does not', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  t.same(await post(t, app, article.id, 'http://a.example.org https://b.example.org write to c@example.org'), { answered: 'approved', stored: 'approved', flags: [] })
  t.same(await post(t, app, article.id, 'http://a.example.org https://b.example.org HTTP://C.EXAMPLE.ORG'), { answered: 'pending', stored: 'pending', flags: ['links:3'] })
})

// src/comments/render.ts countLinks counts links without a scheme (`m.schema === ''`), but the
// linkify-it 6 it uses finds none: fuzzyLink is off by default there. A spammer writing
// "www.casino.example" passes the link limit however many links the comment holds.
t.test('links: bare www. addresses count towards the link limit too', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  t.same(await post(t, app, article.id, 'www.pills.example.com www.casino.example.com www.loans.example.com'), { answered: 'pending', stored: 'pending', flags: ['links:3'] })
})

t.test('length: a body of exactly maxLength (default 5000) → 201; one character more → 400 path body, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm({ body: 'a'.repeat(5000) }))).statusCode, 201)
  const before = await storedComments(app)
  const res = await postComment(app, article.id, commentForm({ body: 'b'.repeat(5001) }))
  const message = 'Your comment is too long: at most 5000 characters, please'
  expectProblem(t, res, 400, 'validation', message, [{ path: 'body', message }])
  t.same(await storedComments(app), before)
})

t.test('length: maxLength from the settings applies; surrounding whitespace does not count', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { maxLength: 100 })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm({ body: `  ${'a'.repeat(100)}\n\n` }))).statusCode, 201)
  const before = await storedComments(app)
  const message = 'Your comment is too long: at most 100 characters, please'
  expectProblem(t, await postComment(app, article.id, commentForm({ body: 'c'.repeat(101) })), 400, 'validation', message, [{ path: 'body', message }])
  t.same(await storedComments(app), before)
})

t.test('length: a body over the hard limit of 20000 characters → 400 path body, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { maxLength: 20_000 })
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, commentForm({ body: 'd'.repeat(20_001) }))
  expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'body', message: 'Your comment is too long' }])
  t.same(await storedComments(app), [])
})
