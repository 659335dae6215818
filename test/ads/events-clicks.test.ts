import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { adCounterTables, adStats, createAd, GOOGLEBOT_UA, hitAdUrl, pathOf, serveOne, statsRow, DESKTOP_UA } from '../fixtures/ads.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// Click links: a 302 to the creative's targetUrl as stored, whatever the request says (never
// an open redirect); counted once per token; a tampered token is 404 and counts nothing.

const START = '2031-03-01T10:00:00.000Z'
const DAY = 'from=2031-03-01&to=2031-03-01'
const TARGET = 'https://harbourlines.example/spring?utm_source=news&utm_medium=display'

async function setup (t: Test) {
  const clock = createClock(START)
  const app = await buildTestApp(t, { now: clock.now })
  const { creative } = await createAd(app, { slot: { key: 'sidebar' }, creative: { targetUrl: TARGET } })
  const ad = await serveOne(app, 'sidebar')
  return { app, clock, creative, ad }
}

async function creativeRow (app: App, creativeId: number) {
  return (await adStats(app, `${DAY}&groupBy=creative`)).find((r) => r.key === String(creativeId))
}

function click (app: App, url: string, headers: Record<string, string | undefined> = {}, method: 'GET' | 'HEAD' = 'GET') {
  return app.inject({ method, url, headers: { 'user-agent': DESKTOP_UA, ...headers } as Record<string, string> })
}

t.test('clickUrl → 302 with Location exactly the stored targetUrl, no-store, and one click counted', async (t) => {
  const { app, creative, ad } = await setup(t)
  const res = await hitAdUrl(app, ad.clickUrl)
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, TARGET)
  t.equal(res.headers['cache-control'], 'no-store')
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, clicks: 1 }))
})

t.test('clickUrl → a repeated click still redirects but counts as a filtered click', async (t) => {
  const { app, creative, ad } = await setup(t)
  for (let i = 0; i < 3; i++) {
    const res = await hitAdUrl(app, ad.clickUrl)
    t.equal(res.statusCode, 302)
    t.equal(res.headers.location, TARGET)
  }
  await app.ads.flush()
  t.equal((await hitAdUrl(app, ad.clickUrl)).statusCode, 302, 'and after a flush')
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, clicks: 1, filteredClicks: 3 }))
})

t.test('clickUrl → a bot, a prefetch, HEAD or no User-Agent redirect to the target but count as filtered', async (t) => {
  const { app, creative, ad } = await setup(t)
  const path = pathOf(ad.clickUrl)
  for (const [headers, method] of [[{ 'user-agent': GOOGLEBOT_UA }, 'GET'], [{ 'sec-purpose': 'prefetch' }, 'GET'], [{ purpose: 'prefetch' }, 'GET'], [{ 'user-agent': undefined }, 'GET'], [{}, 'HEAD']] as const) {
    const res = await click(app, path, headers, method)
    t.equal(res.statusCode, 302)
    t.equal(res.headers.location, TARGET)
  }
  t.same(await creativeRow(app, creative.id), statsRow(String(creative.id), { requests: 1, fills: 1, filteredClicks: 5 }))
})

t.test('clickUrl → added query parameters, other Host headers and forwarded headers never change Location', async (t) => {
  const { app, creative, ad } = await setup(t)
  const path = pathOf(ad.clickUrl)
  const evil = 'https://evil.example/phish'
  const attempts: Array<[string, Record<string, string>]> = [
    [`${path}?url=${encodeURIComponent(evil)}`, {}],
    [`${path}?to=${evil}`, {}],
    [`${path}?redirect=${evil}`, {}],
    [`${path}?next=//evil.example&target=${evil}&targetUrl=${evil}`, {}],
    [`${path}?url=javascript:alert(1)`, {}],
    [`${path}/`, {}],
    [path, { host: 'evil.example' }],
    [path, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }],
    [path, { referer: evil }]
  ]
  for (const [url, headers] of attempts) {
    const res = await click(app, url, headers)
    t.equal(res.statusCode, 302, url)
    t.equal(res.headers.location, TARGET, `${url} ${JSON.stringify(headers)}`)
  }
  const row = await creativeRow(app, creative.id)
  t.equal(row!.clicks + row!.filteredClicks, attempts.length, 'every attempt was one click on the same token')
})

t.test('clickUrl → path suffixes and encoded URLs are 404 or the stored target, never elsewhere', async (t) => {
  const { app, ad } = await setup(t)
  const path = pathOf(ad.clickUrl)
  for (const url of [
    `${path}/https://evil.example`,
    `${path}//evil.example`,
    `${path}%2F%2Fevil.example`,
    `${path}%2Fhttps%3A%2F%2Fevil.example`,
    `${path}/..%2F..%2Fevil.example`,
    `${path}%00https://evil.example`,
    `/v1/ads/click/${encodeURIComponent('https://evil.example')}`,
    '/v1/ads/click/https:%2F%2Fevil.example'
  ]) {
    const res = await click(app, url)
    if (res.statusCode === 302) t.equal(res.headers.location, TARGET, url)
    else {
      t.equal(res.statusCode, 404, url)
      t.equal(res.headers.location, undefined)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
    }
  }
})

t.test('clickUrl → 404 for a tampered token (payload or signature changed, no or another ad index, a forged payload), and nothing is counted', async (t) => {
  const { app, ad } = await setup(t)
  const token = ad.clickUrl.slice(ad.clickUrl.lastIndexOf('/') + 1)
  const [payload, signature] = token.split('.') as [string, string, string]
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
  // A payload naming another creative (id~issued~slot~creative~campaign), kept with the old tag.
  const fields = payload.split('~')
  t.equal(fields.length, 5, 'one placement in the payload')
  fields[3] = '999'
  const forged = fields.join('~')
  for (const bad of [`${flip(payload, 3)}.${signature}.0`, `${payload}.${flip(signature, 20)}.0`, `${payload}.${signature}`, `${payload}.${signature}.1`, `${forged}.${signature}.0`, `${payload}.`, 'x.y']) {
    const res = await click(app, `/v1/ads/click/${bad}`)
    expectProblem(t, res, 404, 'not-found', 'Unknown click token')
    t.equal(res.headers.location, undefined)
  }
  await app.ads.flush()
  t.same((await adCounterTables(app)).sums, { requests: 1, fills: 1, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 })
  t.equal((await adCounterTables(app)).usedTokens, 0)
})

t.test('clickUrl → after the creative\'s targetUrl changes, the same token redirects to the new stored URL', async (t) => {
  const { app, creative, ad } = await setup(t)
  t.equal((await hitAdUrl(app, ad.clickUrl)).headers.location, TARGET)
  const res = await app.inject({ method: 'PATCH', url: `/v1/ad-creatives/${creative.id}`, headers: admin, payload: { targetUrl: 'https://harbourlines.example/summer' } })
  t.equal(res.statusCode, 200)
  const again = await hitAdUrl(app, ad.clickUrl)
  t.equal(again.statusCode, 302)
  t.equal(again.headers.location, 'https://harbourlines.example/summer')
})

t.test('clickUrl → a click token is good for a day: later it still redirects but counts as filtered', async (t) => {
  const { app, clock, creative, ad } = await setup(t)
  clock.advance(24 * 60 * 60 * 1000)
  const res = await hitAdUrl(app, ad.clickUrl)
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, TARGET)
  const rows = await adStats(app, 'from=2031-03-01&to=2031-03-02&groupBy=creative')
  t.same(rows.find((r) => r.key === String(creative.id)), statsRow(String(creative.id), { requests: 1, fills: 1, filteredClicks: 1 }))
})

t.test('clickUrl → 404 once the creative is deleted, and nothing is counted', async (t) => {
  const { app, creative, ad } = await setup(t)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/ad-creatives/${creative.id}`, headers: admin })).statusCode, 204)
  const res = await hitAdUrl(app, ad.clickUrl)
  expectProblem(t, res, 404, 'not-found', 'The ad no longer exists')
  await app.ads.flush()
  t.equal((await adCounterTables(app)).sums.clicks, 0)
})
