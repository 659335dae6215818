import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { adCounterTables, adStats, createAd, GOOGLEBOT_UA, hitAdUrl, serveOne, statsRow, type ServedAd } from '../fixtures/ads.js'
import { buildTestApp, createClock, expectProblem } from '../helper.js'
import { previewToken } from '../../src/articles/preview.js'

// Impression beacons: 204 always, counted once per signed token; replays, HEAD, prefetches,
// bots, no User-Agent and expired tokens count as filtered; a tampered token is 404.

const START = '2031-03-01T10:00:00.000Z'
const DAY = 'from=2031-03-01&to=2031-03-01'

/** An app on a controllable clock with one servable sidebar ad, and one served ad. */
async function setup (t: Test) {
  const clock = createClock(START)
  const app = await buildTestApp(t, { now: clock.now })
  const { slot, campaign, creative } = await createAd(app, { slot: { key: 'sidebar' } })
  const ad = await serveOne(app, 'sidebar')
  return { app, clock, slot, campaign, creative, ad }
}

/** The one stats row of the creative for the test day, after a flush. */
async function creativeRow (app: App, creativeId: number) {
  return (await adStats(app, `${DAY}&groupBy=creative`)).find((r) => r.key === String(creativeId))
}

/** Replaces one character of `part` ('payload' or 'signature') of the token in `url`, keeping its ad index. */
function tamper (url: string, part: 'payload' | 'signature'): string {
  const slash = url.lastIndexOf('/')
  const [payload, signature, index] = url.slice(slash + 1).split('.') as [string, string, string]
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
  const token = part === 'payload' ? `${flip(payload, 5)}.${signature}.${index}` : `${payload}.${flip(signature, 10)}.${index}`
  return url.slice(0, slash + 1) + token
}

for (const method of ['GET', 'POST'] as const) {
  t.test(`${method} impressionUrl → 204 no-store, and one impression is counted after a flush`, async (t) => {
    const { app, creative, ad } = await setup(t)
    const res = await hitAdUrl(app, ad.impressionUrl, { method })
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    t.equal(res.headers['cache-control'], 'no-store')
    t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, impressions: 1 }))
    t.equal((await adCounterTables(app)).usedTokens, 1, 'the used token is stored')
  })
}

t.test('impressionUrl → the same token again answers 204 but counts as a filtered impression', async (t) => {
  const { app, creative, ad } = await setup(t)
  for (const method of ['GET', 'POST', 'GET'] as const) t.equal((await hitAdUrl(app, ad.impressionUrl, { method })).statusCode, 204)
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, impressions: 1, filteredImpressions: 2 }))
})

t.test('impressionUrl → a replay after a flush is still filtered', async (t) => {
  const { app, creative, ad } = await setup(t)
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  await app.ads.flush()
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, impressions: 1, filteredImpressions: 1 }))
})

t.test('impressionUrl → HEAD, Sec-Purpose: prefetch, Purpose: prefetch, Googlebot and no User-Agent answer 204 and count as filtered', async (t) => {
  const { app, creative, ad } = await setup(t)
  const attempts: Array<{ method?: 'HEAD', headers?: Record<string, string | undefined> }> = [
    { method: 'HEAD' },
    { headers: { 'sec-purpose': 'prefetch' } },
    { headers: { 'sec-purpose': 'prefetch;prerender' } },
    { headers: { purpose: 'prefetch' } },
    { headers: { 'user-agent': GOOGLEBOT_UA } },
    { headers: { 'user-agent': undefined } }
  ]
  for (const attempt of attempts) {
    const res = await hitAdUrl(app, ad.impressionUrl, attempt)
    t.equal(res.statusCode, 204, JSON.stringify(attempt))
  }
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, filteredImpressions: attempts.length }))
  t.equal((await adCounterTables(app)).usedTokens, 0, 'a filtered request uses up no token')
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, impressions: 1, filteredImpressions: attempts.length }), 'the real view afterwards counts')
})

t.test('impressionUrl → a token is good for one hour: filtered once the clock passes it', async (t) => {
  const { app, clock, creative } = await setup(t)
  const early = await serveOne(app, 'sidebar')
  const late = await serveOne(app, 'sidebar')
  clock.advance(60 * 60 * 1000 - 1)
  t.equal((await hitAdUrl(app, early.impressionUrl)).statusCode, 204, 'one ms before the hour')
  clock.advance(1)
  t.equal((await hitAdUrl(app, late.impressionUrl)).statusCode, 204, 'at the hour')
  clock.advance(60 * 60 * 1000)
  t.equal((await hitAdUrl(app, late.impressionUrl)).statusCode, 204, 'two hours later')
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 3, fills: 3, impressions: 1, filteredImpressions: 2 }))
})

t.test('impressionUrl → 404 for a tampered token (payload or signature changed, no or another ad index, a preview token, garbage), and nothing is counted', async (t) => {
  const { app, ad } = await setup(t)
  const base = ad.impressionUrl.slice(0, ad.impressionUrl.lastIndexOf('/') + 1)
  const signed = ad.impressionUrl.slice(base.length, ad.impressionUrl.lastIndexOf('.'))
  t.equal(ad.impressionUrl.slice(base.length), `${signed}.0`, 'the token is the signed decision and the ad\'s index')
  const urls = [
    tamper(ad.impressionUrl, 'payload'),
    tamper(ad.impressionUrl, 'signature'),
    base + signed,
    base + `${signed}.1`,
    base + `${signed}.-0`,
    base + `${signed}.00`,
    base + previewToken(app.secret, 1, new Date('2031-03-02T00:00:00Z'), 1),
    base + `${previewToken(app.secret, 1, new Date('2031-03-02T00:00:00Z'), 1)}.0`,
    ad.impressionUrl + 'x',
    ad.impressionUrl.replace('.', '..'),
    base + 'not-a-token',
    base + ad.impressionUrl.slice(ad.impressionUrl.lastIndexOf('/') + 1).split('.')[0]
  ]
  for (const url of urls) {
    for (const method of ['GET', 'POST'] as const) {
      const res = await hitAdUrl(app, url, { method })
      expectProblem(t, res, 404, 'not-found', 'Unknown impression token')
    }
  }
  await app.ads.flush()
  const { sums, usedTokens } = await adCounterTables(app)
  t.same(sums, { requests: 1, fills: 1, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 }, 'only the serve was counted')
  t.equal(usedTokens, 0)
})

t.test('impressionUrl → a token signed by another server\'s secret is 404', async (t) => {
  const { ad } = await setup(t)
  const other = await buildTestApp(t, { env: { BROADSHEET_SECRET: 'another-secret-that-is-long-enough-0123456789' } })
  const res = await hitAdUrl(other, ad.impressionUrl)
  expectProblem(t, res, 404, 'not-found', 'Unknown impression token')
})

t.test('impressionUrl → each served ad has its own token: two serves, two impressions', async (t) => {
  const { app, creative, ad } = await setup(t)
  const second: ServedAd = await serveOne(app, 'sidebar')
  t.not(second.impressionUrl, ad.impressionUrl)
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  t.equal((await hitAdUrl(app, second.impressionUrl)).statusCode, 204)
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 2, fills: 2, impressions: 2 }))
})

t.test('impressionUrl → sends RateLimit headers (ad events are rate limited)', async (t) => {
  const { app, ad } = await setup(t)
  const res = await hitAdUrl(app, ad.impressionUrl)
  t.equal(res.statusCode, 204)
  t.match(res.headers, { 'ratelimit-limit': /^\d+$/, 'ratelimit-remaining': /^\d+$/, 'ratelimit-reset': /^\d+$/ })
})

t.test('impressionUrl → a replay after a flush is still filtered when the app clock is not the wall clock', async (t) => {
  // The used-token cache must expire tokens by the app's clock, as the token check does.
  const clock = createClock('2025-02-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const { creative } = await createAd(app, { slot: { key: 'sidebar' } })
  const ad = await serveOne(app, 'sidebar')
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  await app.ads.flush()
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  const rows = await adStats(app, 'from=2025-02-01&to=2025-02-01&groupBy=creative')
  t.same(rows.find((r) => r.key === String(creative.id)), statsRow(String(creative.id), { requests: 1, fills: 1, impressions: 1, filteredImpressions: 1 }))
})

t.test('impressionUrl → over the per-minute limit of ad events: 429 problem with Retry-After, and that event is not counted', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now, env: { BROADSHEET_AD_EVENTS_PER_MINUTE: '3' } })
  const { creative } = await createAd(app, { slot: { key: 'sidebar' } })
  const ads: ServedAd[] = []
  for (let i = 0; i < 4; i++) ads.push(await serveOne(app, 'sidebar'))
  for (const ad of ads.slice(0, 3)) t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  const res = await hitAdUrl(app, ads[3]!.impressionUrl)
  expectProblem(t, res, 429, 'rate-limited', /./)
  t.match(res.headers['retry-after'], /^\d+$/)
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 4, fills: 4, impressions: 3 }))
})
