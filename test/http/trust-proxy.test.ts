import t from 'tap'
import { adStats, createAd, DESKTOP_UA, pathOf, serveOne } from '../fixtures/ads.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, postComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, bearer, buildTestApp, expectProblem } from '../helper.js'

// BROADSHEET_TRUST_PROXY: behind a proxy every request comes from the proxy's address, so each
// per-address rule (failed authentication, comment posts, ad events, the comment IP and its
// blocklist, the idempotency scope) must use the client address the proxy forwards.

const PROXY = '10.0.0.5'
const ALICE = '203.0.113.10'
const BOB = '198.51.100.20'
const LIMITED = /^Too many requests from this address: try again in \d+ s$/

/** A request as the proxy at PROXY passes it on for `client`. */
const via = (client: string) => ({ ip: PROXY, headers: { 'x-forwarded-for': client } })
const lastCommentIp = async (app: Parameters<typeof storedComments>[0]) => (await storedComments(app)).at(-1)?.ip

t.test('trusted proxy: two clients behind it have separate failed-auth budgets', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: PROXY, BROADSHEET_AUTH_FAILURES_PER_MINUTE: '2' } })
  const attempt = (client: string, headers: Record<string, string>) =>
    app.inject({ url: '/v1/tokens', remoteAddress: PROXY, headers: { 'x-forwarded-for': client, ...headers } })
  t.equal((await attempt(ALICE, bearer('bs_wrong-1'))).statusCode, 401)
  t.equal((await attempt(ALICE, bearer('bs_wrong-2'))).statusCode, 401)
  expectProblem(t, await attempt(ALICE, bearer('bs_wrong-3')), 429, 'rate-limited', /failed authentication/)
  t.equal((await attempt(BOB, admin)).statusCode, 200, 'the newsroom behind the same proxy keeps working')
  const bobFails = await attempt(BOB, bearer('bs_wrong-4'))
  t.equal(bobFails.statusCode, 401)
  t.equal(bobFails.headers['ratelimit-remaining'], '1', 'Bob has his own budget')
})

t.test('trusted proxy: separate comment budgets, and the stored IP is the client\'s', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: PROXY } })
  await putCommentSettings(app, { postsPerMinute: 1 })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm(), via(ALICE))).statusCode, 201)
  t.equal(await lastCommentIp(app), ALICE)
  const before = (await storedComments(app))
  expectProblem(t, await postComment(app, article.id, commentForm(), via(ALICE)), 429, 'rate-limited', LIMITED)
  t.same((await storedComments(app)), before, 'the refused post stored nothing')
  t.equal((await postComment(app, article.id, commentForm(), via(BOB))).statusCode, 201)
  t.equal(await lastCommentIp(app), BOB)
})

t.test('trusted proxy: separate ad-event budgets', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: PROXY, BROADSHEET_AD_EVENTS_PER_MINUTE: '1' } })
  const { creative } = await createAd(app, { slot: { key: 'sidebar' } })
  const ads = [await serveOne(app, 'sidebar'), await serveOne(app, 'sidebar'), await serveOne(app, 'sidebar')]
  const impression = (url: string, client: string) =>
    app.inject({ url: pathOf(url), remoteAddress: PROXY, headers: { 'user-agent': DESKTOP_UA, 'x-forwarded-for': client } })
  t.equal((await impression(ads[0]!.impressionUrl, ALICE)).statusCode, 204)
  expectProblem(t, await impression(ads[1]!.impressionUrl, ALICE), 429, 'rate-limited', LIMITED)
  t.equal((await impression(ads[2]!.impressionUrl, BOB)).statusCode, 204)
  const row = (await adStats(app, 'groupBy=creative')).find((r) => r.key === String(creative.id))
  t.equal(row?.impressions, 2, 'Alice\'s refused impression counted nothing')
})

t.test('trusted proxy: the IP blocklist matches the client, not the proxy', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: PROXY } })
  await putCommentSettings(app, { moderation: 'none', blocklist: { ips: [ALICE] } })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm(), via(ALICE))).statusCode, 201)
  t.equal((await storedComments(app)).at(-1)?.status, 'spam')
  t.equal((await postComment(app, article.id, commentForm(), via(BOB))).statusCode, 201)
  t.equal((await storedComments(app)).at(-1)?.status, 'approved')
})

t.test('trusted proxy: an anonymous Idempotency-Key is scoped to the client, not shared by everyone behind the proxy', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: PROXY } })
  const article = await createPublishedArticle(app)
  // Two readers whose forms happen to pick the same key: in one shared scope Bob would get a 422.
  const post = (client: string) => postComment(app, article.id, commentForm(), { ip: PROXY, headers: { 'x-forwarded-for': client, 'idempotency-key': 'same-key-123' } })
  const first = await post(ALICE)
  const second = await post(BOB)
  t.equal(first.statusCode, 201)
  t.equal(second.statusCode, 201)
  t.not(second.json().id, first.json().id, 'Bob is not handed Alice\'s answer')
  t.same((await storedComments(app)).map((r) => r.ip), [ALICE, BOB])
})

t.test('no trust (the default): X-Forwarded-For is ignored, so a client cannot escape a limit by sending it', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '2' } })
  await putCommentSettings(app, { postsPerMinute: 1 })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm(), { ip: ALICE, headers: { 'x-forwarded-for': '192.0.2.1' } })).statusCode, 201)
  t.equal(await lastCommentIp(app), ALICE, 'the stored IP is the peer\'s')
  expectProblem(t, await postComment(app, article.id, commentForm(), { ip: ALICE, headers: { 'x-forwarded-for': '192.0.2.2' } }), 429, 'rate-limited', LIMITED)

  const statuses: number[] = []
  for (let i = 1; i <= 3; i++) {
    const res = await app.inject({ url: '/v1/tokens', remoteAddress: BOB, headers: { ...bearer(`bs_wrong-${i}`), 'x-forwarded-for': `192.0.2.${i}` } })
    statuses.push(res.statusCode)
  }
  t.same(statuses, [401, 401, 429])
})

t.test('a hop count trusts that many nearest peers: the address before them is the client\'s', async (t) => {
  // A CDN (10.0.0.9) in front of a load balancer (PROXY): the client prepends a lie.
  const chain = { ip: PROXY, headers: { 'x-forwarded-for': `192.0.2.66, ${ALICE}, 10.0.0.9` } }
  const two = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: '2' } })
  const article2 = await createPublishedArticle(two)
  t.equal((await postComment(two, article2.id, commentForm(), chain)).statusCode, 201)
  t.equal(await lastCommentIp(two), ALICE, 'two hops: past the CDN, not the spoofed first entry')

  const one = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: '1' } })
  const article1 = await createPublishedArticle(one)
  t.equal((await postComment(one, article1.id, commentForm(), chain)).statusCode, 201)
  t.equal(await lastCommentIp(one), '10.0.0.9', 'one hop: the peer\'s forwarder is the client')
})

t.test('an address/CIDR list: only listed proxies are believed; the client cannot pick its address by prepending to X-Forwarded-For', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: '10.0.0.0/8, 2001:db8:ff::/48' } })
  const article = await createPublishedArticle(app)
  const post = async (peer: string, xff: string) => {
    t.equal((await postComment(app, article.id, commentForm(), { ip: peer, headers: { 'x-forwarded-for': xff } })).statusCode, 201)
    return await lastCommentIp(app)
  }
  t.equal(await post('10.20.30.40', ALICE), ALICE, 'an IPv4 proxy in the CIDR')
  t.equal(await post('2001:db8:ff::7', BOB), BOB, 'an IPv6 proxy in the CIDR')
  t.equal(await post('10.20.30.40', `192.0.2.66, ${ALICE}, 10.1.1.1`), ALICE, 'listed hops are skipped, the first unlisted one is the client')
  t.equal(await post('192.0.2.99', ALICE), '192.0.2.99', 'an untrusted peer\'s X-Forwarded-For is ignored')
})

t.test('true trusts every peer: the first X-Forwarded-For entry is the client', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: 'true' } })
  const article = await createPublishedArticle(app)
  t.equal((await postComment(app, article.id, commentForm(), { ip: PROXY, headers: { 'x-forwarded-for': `${ALICE}, 10.0.0.9` } })).statusCode, 201)
  t.equal(await lastCommentIp(app), ALICE)
})
