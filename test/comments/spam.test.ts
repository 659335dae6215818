import t from 'tap'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, commentTotal, createComment, postComment, putCommentSettings, storedCommentStatus } from '../fixtures/comments.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// Spam defences that act on who posts and how: the honeypot, the per-IP rate limit and
// duplicate detection; and spam kept for editors. Links, length and the blocklist live in
// limits.test.ts and blocklist.test.ts.

t.test('honeypot filled → 201 looking exactly like a pending comment, stored as spam flagged honeypot', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const person = await postComment(app, article.id, commentForm())
  t.equal(person.statusCode, 201)
  const bot = await postComment(app, article.id, commentForm({ body: 'Cheap pills', homepage: 'http://pills.example' }))
  t.equal(bot.statusCode, 201)
  t.same(Object.keys(bot.json()).sort(), Object.keys(person.json()).sort(), 'same keys as a person\'s answer')
  t.match(bot.json(), { body: 'Cheap pills', status: 'pending', parentId: null })
  t.equal(bot.headers['content-type'], person.headers['content-type'])
  t.equal(bot.headers['cache-control'], person.headers['cache-control'])
  t.equal(await storedCommentStatus(app, bot.json().id), 'spam')
  t.equal((await storedComments(app)).at(-1)!.flags, '["honeypot"]')
})

t.test('honeypot filled while moderation is none → still answered pending, stored as spam', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const bot = await postComment(app, article.id, commentForm({ homepage: 'x' }))
  t.equal(bot.statusCode, 201)
  t.equal(bot.json().status, 'pending')
  t.equal(await storedCommentStatus(app, bot.json().id), 'spam')
})

t.test('an empty or blank honeypot is a person: stored with the policy\'s status', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  for (const homepage of ['', '   ']) {
    const res = await postComment(app, article.id, commentForm({ homepage }))
    t.equal(res.statusCode, 201)
    t.equal(res.json().status, 'approved')
    t.equal(await storedCommentStatus(app, res.json().id), 'approved')
  }
})

t.test('rate limit: with postsPerMinute 2 the 3rd POST from one IP → 429 with Retry-After and RateLimit headers, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { postsPerMinute: 2 })
  const article = await createPublishedArticle(app)
  const ip = '203.0.113.7'
  const first = await postComment(app, article.id, commentForm(), { ip })
  t.equal(first.statusCode, 201)
  t.equal(first.headers['ratelimit-limit'], '2')
  t.equal(first.headers['ratelimit-remaining'], '1')
  const second = await postComment(app, article.id, commentForm(), { ip })
  t.equal(second.statusCode, 201)
  t.equal(second.headers['ratelimit-remaining'], '0')
  const before = await storedComments(app)
  const third = await postComment(app, article.id, commentForm(), { ip })
  expectProblem(t, third, 429, 'rate-limited', /^Too many requests from this address: try again in \d+ s$/)
  t.match(third.headers['retry-after'], /^\d+$/)
  t.ok(Number(third.headers['retry-after']) > 0 && Number(third.headers['retry-after']) <= 60, 'Retry-After within the minute')
  t.equal(third.headers['ratelimit-limit'], '2')
  t.equal(third.headers['ratelimit-remaining'], '0')
  t.match(third.headers['ratelimit-reset'], /^\d+$/)
  t.same(await storedComments(app), before, 'nothing stored')
})

t.test('rate limit: another IP is not limited by the first one\'s posts', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { postsPerMinute: 2 })
  const article = await createPublishedArticle(app)
  for (let i = 0; i < 3; i++) await postComment(app, article.id, commentForm(), { ip: '203.0.113.8' })
  const other = await postComment(app, article.id, commentForm(), { ip: '198.51.100.8' })
  t.equal(other.statusCode, 201)
  t.equal(other.headers['ratelimit-remaining'], '1')
  t.equal(await commentTotal(app), 3)
})

t.test('rate limit: the default is 5 posts a minute and it counts posts to every article', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const b = await createPublishedArticle(app)
  const ip = '203.0.113.9'
  for (let i = 0; i < 5; i++) {
    const res = await postComment(app, i % 2 === 0 ? a.id : b.id, commentForm(), { ip })
    t.equal(res.statusCode, 201, `post ${i + 1}`)
    t.equal(res.headers['ratelimit-limit'], '5')
  }
  const before = await storedComments(app)
  expectProblem(t, await postComment(app, b.id, commentForm(), { ip }), 429, 'rate-limited', /^Too many requests from this address: try again in \d+ s$/)
  t.same(await storedComments(app), before)
})

t.test('duplicate: the same email (any case) and body on the same article → 409 and nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createComment(app, article.id, { body: 'First!', authorEmail: 'dup@example.net' })
  const before = await storedComments(app)
  const res = await postComment(app, article.id, commentForm({ body: '  First!  ', authorEmail: ' DUP@Example.net' }))
  expectProblem(t, res, 409, 'duplicate', 'You already posted this comment on this article')
  t.same(await storedComments(app), before, 'nothing stored')
})

t.test('duplicate: a spam comment counts too; the bot gets the 409 as well', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createComment(app, article.id, { body: 'Buy now', authorEmail: 'bot@example.net', homepage: 'x' })
  const before = await storedComments(app)
  expectProblem(t, await postComment(app, article.id, commentForm({ body: 'Buy now', authorEmail: 'bot@example.net' })), 409, 'duplicate', 'You already posted this comment on this article')
  t.same(await storedComments(app), before)
})

t.test('not a duplicate: another article, another email or another body → 201', async (t) => {
  const app = await buildTestApp(t)
  const a = await createPublishedArticle(app)
  const b = await createPublishedArticle(app)
  await createComment(app, a.id, { body: 'Same words', authorEmail: 'same@example.net' })
  t.equal((await postComment(app, b.id, commentForm({ body: 'Same words', authorEmail: 'same@example.net' }))).statusCode, 201)
  t.equal((await postComment(app, a.id, commentForm({ body: 'Same words', authorEmail: 'other@example.net' }))).statusCode, 201)
  t.equal((await postComment(app, a.id, commentForm({ body: 'Same words!', authorEmail: 'same@example.net' }))).statusCode, 201)
  t.equal(await commentTotal(app), 4)
})

t.test('duplicate window: after duplicateWindowMinutes the same comment may be posted again', async (t) => {
  const clock = createClock('2025-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const article = await createPublishedArticle(app)
  await createComment(app, article.id, { body: 'Again', authorEmail: 'again@example.net' })
  clock.advance(9 * 60_000)
  expectProblem(t, await postComment(app, article.id, commentForm({ body: 'Again', authorEmail: 'again@example.net' })), 409, 'duplicate', 'You already posted this comment on this article')
  clock.advance(2 * 60_000)
  t.equal((await postComment(app, article.id, commentForm({ body: 'Again', authorEmail: 'again@example.net' }))).statusCode, 201)
  t.equal(await commentTotal(app), 2)
})

t.test('duplicate window 0 turns duplicate detection off', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { duplicateWindowMinutes: 0 })
  const article = await createPublishedArticle(app)
  await createComment(app, article.id, { body: 'Echo', authorEmail: 'echo@example.net' })
  t.equal((await postComment(app, article.id, commentForm({ body: 'Echo', authorEmail: 'echo@example.net' }))).statusCode, 201)
  t.equal(await commentTotal(app), 2)
})

t.test('spam is kept: GET /v1/comments?status=spam shows it to editors with flags saying why; never public, not in the pending queue', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', blocklist: { words: ['casino'] } })
  const article = await createPublishedArticle(app)
  const honeypot = await createComment(app, article.id, { homepage: 'http://bot.example' })
  const blocked = await createComment(app, article.id, { body: 'Visit my CASINO' })
  const good = await createComment(app, article.id)
  const spam = await app.inject({ url: '/v1/comments?status=spam&sort=oldest', headers: admin })
  t.equal(spam.statusCode, 200)
  t.match(spam.json(), {
    data: [
      { id: honeypot.id, status: 'spam', flags: ['honeypot'] },
      { id: blocked.id, status: 'spam', flags: ['blocklist:word:casino'] }
    ],
    meta: { limit: 20, nextCursor: null }
  })
  t.equal(spam.json().data.length, 2)
  const pending = await app.inject({ url: '/v1/comments', headers: admin })
  t.equal(pending.statusCode, 200)
  t.same(pending.json().data, [])
  const list = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.equal(list.statusCode, 200)
  t.same(list.json().data.map((c: { id: number }) => c.id), [good.id])
})
