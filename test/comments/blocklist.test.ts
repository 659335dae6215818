import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, postComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, buildTestApp } from '../helper.js'

// The blocklist: words (case-insensitive, in body, name, email or URL), emails (whole, or
// @domain) and IPs (exact, or a prefix ending in . or :). A match is stored as spam and the
// poster gets the same 201 as anyone awaiting moderation.

async function setup (t: Test, blocklist: Record<string, string[]>) {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', blocklist })
  const article = await createPublishedArticle(app)
  return { app, articleId: article.id }
}

/** Posts and asserts 201; returns what was answered and stored. */
async function post (t: Test, app: App, articleId: number, partial: Record<string, unknown>, ip?: string) {
  const res = await postComment(app, articleId, commentForm(partial), ip ? { ip } : {})
  t.equal(res.statusCode, 201)
  const row = (await storedComments(app)).at(-1)!
  return { answered: res.json().status as string, stored: row.status as string, flags: JSON.parse(String(row.flags)) as string[] }
}

const spam = (flag: string) => ({ answered: 'pending', stored: 'spam', flags: [`blocklist:${flag}`] })
const clean = { answered: 'approved', stored: 'approved', flags: [] }

t.test('blocklist word in the body, any case → 201 answered pending, stored as spam', async (t) => {
  const { app, articleId } = await setup(t, { words: ['Casino'] })
  t.same(await post(t, app, articleId, { body: 'best CASINO bonus here' }), spam('word:Casino'))
  t.same(await post(t, app, articleId, { body: 'the casino down the road' }), spam('word:Casino'))
  t.same(await post(t, app, articleId, { body: 'Nothing to see' }), clean)
})

t.test('blocklist word in the name, email or website → spam', async (t) => {
  const { app, articleId } = await setup(t, { words: ['pills'] })
  t.same(await post(t, app, articleId, { authorName: 'Cheap Pills' }), spam('word:pills'))
  t.same(await post(t, app, articleId, { authorEmail: 'PILLS4u@example.net' }), spam('word:pills'))
  t.same(await post(t, app, articleId, { authorUrl: 'https://pills.example.net' }), spam('word:pills'))
})

t.test('blocklist phrase of several words matches the phrase only', async (t) => {
  const { app, articleId } = await setup(t, { words: ['free money'] })
  t.same(await post(t, app, articleId, { body: 'Get FREE MONEY now' }), spam('word:free money'))
  t.same(await post(t, app, articleId, { body: 'free advice, no money' }), clean)
})

t.test('blocklist whole email, any case → spam; another address at that domain is not', async (t) => {
  const { app, articleId } = await setup(t, { emails: ['Spammer@Example.com'] })
  t.same(await post(t, app, articleId, { authorEmail: ' spammer@EXAMPLE.com' }), spam('email:Spammer@Example.com'))
  t.same(await post(t, app, articleId, { authorEmail: 'friend@example.com' }), clean)
  t.same(await post(t, app, articleId, { authorEmail: 'spammer@example.com.au' }), clean)
})

t.test('blocklist @domain → every address at that domain is spam; a look-alike domain is not', async (t) => {
  const { app, articleId } = await setup(t, { emails: ['@spam.example'] })
  t.same(await post(t, app, articleId, { authorEmail: 'a@spam.example' }), spam('email:@spam.example'))
  t.same(await post(t, app, articleId, { authorEmail: 'B@SPAM.EXAMPLE' }), spam('email:@spam.example'))
  t.same(await post(t, app, articleId, { authorEmail: 'c@notspam.example' }), clean)
})

t.test('blocklist exact IP → spam from that address only', async (t) => {
  const { app, articleId } = await setup(t, { ips: ['198.51.100.7'] })
  t.same(await post(t, app, articleId, {}, '198.51.100.7'), spam('ip:198.51.100.7'))
  t.same(await post(t, app, articleId, {}, '198.51.100.70'), clean)
  t.same(await post(t, app, articleId, {}, '198.51.100.8'), clean)
})

t.test('blocklist IP prefix ending in . or : → spam from every address under it', async (t) => {
  const { app, articleId } = await setup(t, { ips: ['203.0.113.', '2001:db8:'] })
  t.same(await post(t, app, articleId, {}, '203.0.113.1'), spam('ip:203.0.113.'))
  t.same(await post(t, app, articleId, {}, '203.0.113.254'), spam('ip:203.0.113.'))
  t.same(await post(t, app, articleId, {}, '2001:db8::1'), spam('ip:2001:db8:'))
  t.same(await post(t, app, articleId, {}, '203.0.114.1'), clean)
})

t.test('blocklisted comments are kept for editors with the flag, and never shown publicly', async (t) => {
  const { app, articleId } = await setup(t, { words: ['casino'], emails: ['@spam.example'], ips: ['203.0.113.'] })
  await post(t, app, articleId, { body: 'casino' })
  await post(t, app, articleId, { authorEmail: 'x@spam.example' })
  await post(t, app, articleId, {}, '203.0.113.5')
  const queue = await app.inject({ url: '/v1/comments?status=spam&sort=oldest', headers: admin })
  t.equal(queue.statusCode, 200)
  t.same(queue.json().data.map((c: { flags: string[] }) => c.flags), [['blocklist:word:casino'], ['blocklist:email:@spam.example'], ['blocklist:ip:203.0.113.']])
  const list = await app.inject({ url: `/v1/articles/${articleId}/comments` })
  t.equal(list.statusCode, 200)
  t.same(list.json().data, [])
})
