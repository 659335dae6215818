import t from 'tap'
import { adStats, createAd, DESKTOP_UA, serveOne, statsRow } from '../fixtures/ads.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, postComment, putCommentSettings } from '../fixtures/comments.js'
import { buildTestApp, expectProblem } from '../helper.js'

// config.addressLimit: per-address limits of the public write routes (comment posts, ad events).

const LIMITED = /^Too many requests from this address: try again in \d+ s$/

t.test('ad events: impressions (GET and POST) and clicks share one budget per address; past it → 429 with Retry-After, nothing counted', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AD_EVENTS_PER_MINUTE: '3' } })
  const { creative } = await createAd(app, { slot: { key: 'sidebar' } })
  const ads = [await serveOne(app, 'sidebar'), await serveOne(app, 'sidebar'), await serveOne(app, 'sidebar'), await serveOne(app, 'sidebar')]
  const hit = (url: string, method: 'GET' | 'POST' = 'GET', remoteAddress = '198.51.100.20') =>
    app.inject({ method, url: new URL(url).pathname, headers: { 'user-agent': DESKTOP_UA }, remoteAddress })
  const answers = [await hit(ads[0]!.impressionUrl), await hit(ads[1]!.impressionUrl, 'POST'), await hit(ads[2]!.clickUrl)]
  t.same(answers.map((r) => r.statusCode), [204, 204, 302])
  t.same(answers.map((r) => r.headers['ratelimit-remaining']), ['2', '1', '0'], 'one budget, counted down')
  for (const r of answers) t.equal(r.headers['ratelimit-limit'], '3')

  const limited = await hit(ads[3]!.impressionUrl, 'POST')
  expectProblem(t, limited, 429, 'rate-limited', LIMITED)
  t.equal(limited.headers['ratelimit-limit'], '3')
  t.equal(limited.headers['ratelimit-remaining'], '0')
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter} within the minute`)
  t.equal(limited.headers['ratelimit-reset'], String(retryAfter))
  t.equal((await hit(ads[3]!.clickUrl)).statusCode, 429, 'a click too')

  t.equal((await hit(ads[3]!.impressionUrl, 'GET', '198.51.100.21')).statusCode, 204, 'another address has its own budget')
  const [row] = (await adStats(app, 'groupBy=creative')).filter((r) => r.key === String(creative.id))
  t.same(row, statsRow(String(creative.id), { requests: 4, fills: 4, impressions: 3, clicks: 1, ctr: row?.ctr }), 'the refused events counted nothing')
})

t.test('IPv6: addresses of one /64 share a budget, another /64 has its own; an IPv4-mapped address is its IPv4 one', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { postsPerMinute: 1 })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm({ body: 'One' }), { ip: '2001:db8:1:2::1' })).statusCode, 201)
  expectProblem(t, await postComment(app, article.id, commentForm({ body: 'Two' }), { ip: '2001:db8:1:2:ffff::9' }), 429, 'rate-limited', LIMITED)
  t.equal((await postComment(app, article.id, commentForm({ body: 'Three' }), { ip: '2001:db8:1:3::1' })).statusCode, 201)
  // An IPv4 client seen through an IPv6 socket is the same client.
  t.equal((await postComment(app, article.id, commentForm({ body: 'Four' }), { ip: '203.0.113.50' })).statusCode, 201)
  expectProblem(t, await postComment(app, article.id, commentForm({ body: 'Five' }), { ip: '::ffff:203.0.113.50' }), 429, 'rate-limited', LIMITED)
})

t.test('a comment post past the limit is refused before its body is read: 429, not the 400 of a bad form', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { postsPerMinute: 1 })
  const article = await createPublishedArticle(app)
  const ip = '203.0.113.40'
  t.equal((await postComment(app, article.id, commentForm(), { ip })).statusCode, 201)
  const before = (await storedComments(app))
  // Not even JSON: a limiter that ran after the body parser would answer 400.
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${article.id}/comments`, headers: { 'content-type': 'application/json' }, payload: '{"body": ', remoteAddress: ip })
  expectProblem(t, res, 429, 'rate-limited', LIMITED)
  t.same((await storedComments(app)), before)
})

t.test('a new postsPerMinute applies to the next post, without a restart', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const ip = '203.0.113.41'
  await putCommentSettings(app, { postsPerMinute: 2 })
  t.equal((await postComment(app, article.id, commentForm({ body: 'One' }), { ip })).headers['ratelimit-remaining'], '1')
  await putCommentSettings(app, { postsPerMinute: 1 })
  const res = await postComment(app, article.id, commentForm({ body: 'Two' }), { ip })
  expectProblem(t, res, 429, 'rate-limited', LIMITED)
  t.equal(res.headers['ratelimit-limit'], '1')
})
