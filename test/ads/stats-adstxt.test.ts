import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { adStats, createAd, createSlot, GOOGLEBOT_UA, hitAdUrl, serveAds, statsRow, type ServedAd } from '../fixtures/ads.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// GET /v1/ads/stats: totals equal exactly the valid events sent, grouped by day, slot,
// campaign or creative, with CTR; and ads.txt managed through the API, served as text.

const ONE_FIELD = 'The query string has 1 invalid field'

/**
 * Day 1: slots top and side served 4 times with slot empty (never filled); 3 valid impressions
 * on top, 2 on side, one replay and one bot on top; one click on top and a repeat. Day 2: top
 * once, shown and clicked.
 */
async function traffic (app: App, clock: ReturnType<typeof createClock>) {
  const ads: Record<string, ServedAd[]> = { top: [], side: [] }
  for (let i = 0; i < 4; i++) {
    const body = (await serveAds(app, 'slots=top,side,empty')).json() as { slots: Record<string, { ad: ServedAd | null }> }
    ads.top!.push(body.slots.top!.ad!)
    ads.side!.push(body.slots.side!.ad!)
  }
  for (const ad of ads.top!.slice(0, 3)) await hitAdUrl(app, ad.impressionUrl)
  for (const ad of ads.side!.slice(0, 2)) await hitAdUrl(app, ad.impressionUrl, { method: 'POST' })
  await hitAdUrl(app, ads.top![0]!.impressionUrl)
  await hitAdUrl(app, ads.top![3]!.impressionUrl, { headers: { 'user-agent': GOOGLEBOT_UA } })
  await hitAdUrl(app, ads.top![0]!.clickUrl)
  await hitAdUrl(app, ads.top![0]!.clickUrl)
  clock.set('2031-03-02T09:00:00.000Z')
  const next = ((await serveAds(app, 'slots=top')).json() as { slots: Record<string, { ad: ServedAd }> }).slots.top!.ad
  await hitAdUrl(app, next.impressionUrl)
  await hitAdUrl(app, next.clickUrl)
}

async function setup (t: Test) {
  const clock = createClock('2031-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const first = await createAd(app, { slot: { key: 'top' } })
  const second = await createAd(app, { slot: { key: 'side' } })
  await createSlot(app, { key: 'empty' })
  await traffic(app, clock)
  return { app, clock, first, second }
}

t.test('GET /v1/ads/stats?groupBy=day → per-day totals equal exactly the valid and filtered events sent, with CTR', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/v1/ads/stats?from=2031-03-01&to=2031-03-02&groupBy=day', headers: admin })
  expectJson(t, res, 200, {
    data: [
      statsRow('2031-03-01', { requests: 12, fills: 8, impressions: 5, clicks: 1, filteredImpressions: 2, filteredClicks: 1, ctr: 0.2 }),
      statsRow('2031-03-02', { requests: 1, fills: 1, impressions: 1, clicks: 1, ctr: 1 })
    ]
  })
  t.equal(res.headers['cache-control'], 'private, no-store')
})

t.test('GET /v1/ads/stats?groupBy=slot|campaign|creative → the same events per slot, campaign and creative', async (t) => {
  const { app, first, second } = await setup(t)
  const range = 'from=2031-03-01&to=2031-03-02'
  const a = { requests: 5, fills: 5, impressions: 4, clicks: 2, filteredImpressions: 2, filteredClicks: 1, ctr: 0.5 }
  const b = { requests: 4, fills: 4, impressions: 2 }
  t.same(await adStats(app, `${range}&groupBy=slot`), [statsRow('empty', { requests: 4 }), statsRow('side', b), statsRow('top', a)])
  const byCampaign = [statsRow('0', { requests: 4 }), statsRow(String(first.campaign.id), a), statsRow(String(second.campaign.id), b)]
  t.same(await adStats(app, `${range}&groupBy=campaign`), byCampaign)
  t.same(await adStats(app, `${range}&groupBy=creative`), [statsRow('0', { requests: 4 }), statsRow(String(first.creative.id), a), statsRow(String(second.creative.id), b)])
  t.same(await adStats(app, range), await adStats(app, `${range}&groupBy=day`), 'groupBy defaults to day')
})

t.test('GET /v1/ads/stats → from and to bound the UTC days; the default is the 30 days up to today', async (t) => {
  const { app, clock } = await setup(t)
  t.same(await adStats(app, 'from=2031-03-02&to=2031-03-02&groupBy=slot'), [statsRow('top', { requests: 1, fills: 1, impressions: 1, clicks: 1, ctr: 1 })])
  t.same(await adStats(app, 'from=2031-02-01&to=2031-02-28'), [])
  t.same((await adStats(app)).map((r) => r.key), ['2031-03-01', '2031-03-02'])
  clock.set('2031-03-31T12:00:00.000Z')
  t.same((await adStats(app)).map((r) => r.key), ['2031-03-02'], '29 days before today is the first day')
})

t.test('GET /v1/ads/stats → ctr is clicks / impressions, rounded to 4 places, 0 without impressions', async (t) => {
  const clock = createClock('2031-03-01T10:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await createAd(app, { slot: { key: 'top' } })
  const ads: ServedAd[] = []
  for (let i = 0; i < 3; i++) ads.push(((await serveAds(app, 'slots=top')).json() as { slots: { top: { ad: ServedAd } } }).slots.top.ad)
  await hitAdUrl(app, ads[0]!.clickUrl)
  t.same((await adStats(app, 'groupBy=slot'))[0], statsRow('top', { requests: 3, fills: 3, clicks: 1 }), 'a click without impressions: ctr 0')
  for (const ad of ads) await hitAdUrl(app, ad.impressionUrl)
  t.same((await adStats(app, 'groupBy=slot'))[0], statsRow('top', { requests: 3, fills: 3, impressions: 3, clicks: 1, ctr: 0.3333 }))
})

t.test('GET /v1/ads/stats → 400 for from after to, a bad date or more than 366 days', async (t) => {
  const app = await buildTestApp(t)
  const cases: Array<[string, string, string, string]> = [
    ['from=2031-03-02&to=2031-03-01', 'from must not be after to', 'from', 'from must not be after to'],
    ['from=2031-13-01&to=2031-12-01', ONE_FIELD, 'from', 'Not a real date'],
    ['from=2030-01-01&to=2031-03-01', 'At most 366 days at once', 'from', 'At most 366 days at once'],
    ['groupBy=week', ONE_FIELD, 'groupBy', 'groupBy is day, slot, campaign or creative']
  ]
  for (const [query, detail, path, message] of cases) {
    const res = await app.inject({ url: `/v1/ads/stats?${query}`, headers: admin })
    expectProblem(t, res, 400, 'validation', detail, [{ path, message }])
  }
})

t.test('GET /v1/ads/stats → 400 for a day that does not exist in its month (February 30, April 31)', async (t) => {
  const app = await buildTestApp(t)
  const cases: Array<[string, string]> = [['from=2031-02-30&to=2031-03-10', 'from'], ['from=2031-03-01&to=2031-04-31', 'to'], ['from=2031-02-29&to=2031-03-01', 'from']]
  for (const [query, path] of cases) {
    const res = await app.inject({ url: `/v1/ads/stats?${query}`, headers: admin })
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path, message: 'Not a real date' }])
  }
})

t.test('GET /v1/ads/stats → 400 naming a malformed date once, as one invalid field', async (t) => {
  const app = await buildTestApp(t)
  for (const query of ['from=yesterday&to=2031-03-01', 'from=2031-3-1&to=2031-03-01']) {
    const res = await app.inject({ url: `/v1/ads/stats?${query}`, headers: admin })
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'from', message: 'Use a date such as 2025-01-29' }])
  }
})

t.test('GET /v1/ads/stats → 366 UTC days at once is the most: 366 pass, 367 are 400', async (t) => {
  const app = await buildTestApp(t)
  const ok = await app.inject({ url: '/v1/ads/stats?from=2030-03-01&to=2031-03-01', headers: admin })
  t.equal(ok.statusCode, 200, '2030-03-01..2031-03-01 is 366 days')
  const leap = await app.inject({ url: '/v1/ads/stats?from=2024-03-01&to=2025-03-01', headers: admin })
  t.equal(leap.statusCode, 200, '2024-03-01..2025-03-01 is 366 days')
  const over = await app.inject({ url: '/v1/ads/stats?from=2024-02-29&to=2025-03-01', headers: admin })
  expectProblem(t, over, 400, 'validation', 'At most 366 days at once', [{ path: 'from', message: 'At most 366 days at once' }])
})

const ADS_TXT = [
  '# ads.txt for news.example',
  'contact=ads@news.example',
  'google.com, pub-1234567890123456, DIRECT, f08c47fec0942fa0',
  'appnexus.com, 1234, RESELLER',
  '',
  'ownerdomain=news.example'
].join('\n')

t.test('PUT /v1/settings/ads-txt → 200, then GET /ads.txt serves it as text/plain with public Cache-Control, ETag and 304', async (t) => {
  const app = await buildTestApp(t)
  const empty = await app.inject({ url: '/ads.txt' })
  t.equal(empty.statusCode, 200)
  t.equal(empty.body, '', 'empty until someone sets it')
  const put = await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', headers: admin, payload: { content: ADS_TXT } })
  expectJson(t, put, 200, { content: ADS_TXT })
  const res = await app.inject({ url: '/ads.txt' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, ADS_TXT)
  t.match(res.headers['content-type'], /^text\/plain; charset=utf-8$/)
  t.match(res.headers['cache-control'], /^public, max-age=\d+/)
  t.match(res.headers.etag, /^"[\w-]+"$/)
  t.not(res.headers.etag, empty.headers.etag)
  const cached = await app.inject({ url: '/ads.txt', headers: { 'if-none-match': String(res.headers.etag) } })
  t.equal(cached.statusCode, 304)
  t.equal(cached.body, '')
  const stale = await app.inject({ url: '/ads.txt', headers: { 'if-none-match': String(empty.headers.etag) } })
  t.equal(stale.statusCode, 200)
  t.equal(stale.body, ADS_TXT)
  const read = await app.inject({ url: '/v1/settings/ads-txt', headers: admin })
  expectJson(t, read, 200, { content: ADS_TXT })
})

t.test('PUT /v1/settings/ads-txt → 400 naming every bad line as content.lineN, and nothing is stored', async (t) => {
  const app = await buildTestApp(t)
  t.equal((await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', headers: admin, payload: { content: ADS_TXT } })).statusCode, 200)
  const bad = [
    'google.com, pub-1, DIRECT',
    'just some words',
    'example.com, 42, PARTNER',
    '# fine',
    'not_a_domain, 1, DIRECT',
    'example.com, 1, DIRECT, bad cert!',
    'a.com, 1, DIRECT, abc, extra'
  ].join('\n')
  const res = await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', headers: admin, payload: { content: bad } })
  expectProblem(t, res, 400, 'validation', /^5 fields are invalid: Line 2/, [
    { path: 'content.line2', message: 'Line 2: a record is "domain, publisher id, DIRECT or RESELLER[, certification id]"' },
    { path: 'content.line3', message: 'Line 3: the relationship must be DIRECT or RESELLER' },
    { path: 'content.line5', message: 'Line 5: "not_a_domain" is not a domain name' },
    { path: 'content.line6', message: 'Line 6: the certification authority id must be letters and digits' },
    { path: 'content.line7', message: 'Line 7: a record is "domain, publisher id, DIRECT or RESELLER[, certification id]"' }
  ])
  const served = await app.inject({ url: '/ads.txt' })
  t.equal(served.body, ADS_TXT, 'the stored ads.txt is unchanged')
  const missing = await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', headers: admin, payload: {} })
  expectProblem(t, missing, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'content', message: 'Required' }])
  t.equal((await app.inject({ url: '/ads.txt' })).body, ADS_TXT)
})
