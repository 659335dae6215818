import t from 'tap'
import type { App } from '../../src/app.js'
import { adCounterTables, createAd, DESKTOP_UA, hitAdUrl, type ServedAd } from '../fixtures/ads.js'
import { buildTestApp, expectProblem } from '../helper.js'

// GET /v1/ads/serve is limited per client address (BROADSHEET_AD_SERVES_PER_MINUTE), before the
// route's own fast path answers a URL it has seen: a repeated URL is limited like a new one.

const LIMITED = /^Too many requests from this address: try again in \d+ s$/

function serve (app: App, query: string, remoteAddress: string) {
  return app.inject({ url: `/v1/ads/serve?${query}`, headers: { 'user-agent': DESKTOP_UA }, remoteAddress })
}

t.test('GET /v1/ads/serve → past the per-address limit: 429 problem with Retry-After and RateLimit-*, for a repeated URL and a new one; nothing counted', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AD_SERVES_PER_MINUTE: '3' } })
  await createAd(app, { slot: { key: 'sidebar' } })
  await createAd(app, { slot: { key: 'footer', placement: 'footer' } })
  const a = '198.51.100.30'
  const answers = [await serve(app, 'slots=sidebar', a), await serve(app, 'slots=sidebar', a), await serve(app, 'slots=sidebar', a)]
  t.same(answers.map((r) => r.statusCode), [200, 200, 200], 'the second and third come from the fast path')
  t.same(answers.map((r) => r.headers['ratelimit-remaining']), ['2', '1', '0'])
  for (const r of answers) t.equal(r.headers['ratelimit-limit'], '3')
  await app.ads.flush()
  const counted = (await adCounterTables(app)).sums

  const repeated = await serve(app, 'slots=sidebar', a)
  expectProblem(t, repeated, 429, 'rate-limited', LIMITED)
  const retryAfter = Number(repeated.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter} within the minute`)
  t.equal(repeated.headers['ratelimit-limit'], '3')
  t.equal(repeated.headers['ratelimit-remaining'], '0')
  t.equal(repeated.headers['ratelimit-reset'], String(retryAfter))
  const fresh = await serve(app, 'slots=footer,sidebar', a)
  expectProblem(t, fresh, 429, 'rate-limited', LIMITED)
  t.match(fresh.headers['retry-after'], /^\d+$/)
  await app.ads.flush()
  t.same((await adCounterTables(app)).sums, counted, 'a refused serve counts no request and no fill')
})

t.test('GET /v1/ads/serve → two addresses have independent budgets, and serving does not use up the ad-event budget', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AD_SERVES_PER_MINUTE: '2' } })
  await createAd(app, { slot: { key: 'sidebar' } })
  const [a, b] = ['203.0.113.7', '203.0.113.8']
  t.equal((await serve(app, 'slots=sidebar', a)).statusCode, 200)
  const last = await serve(app, 'slots=sidebar', a)
  t.equal(last.statusCode, 200)
  t.equal((await serve(app, 'slots=sidebar', a)).statusCode, 429, 'a is done')
  t.equal((await serve(app, 'slots=sidebar', b)).statusCode, 200, 'b, repeated URL')
  t.equal((await serve(app, 'slots=sidebar&device=mobile', b)).statusCode, 200, 'b, new URL')
  t.equal((await serve(app, 'slots=sidebar&device=tablet', b)).statusCode, 429, 'then b is done too')
  t.equal((await serve(app, 'slots=sidebar', a)).statusCode, 429, 'and a is still done')

  const ad = (last.json() as { slots: Record<string, { ad: ServedAd }> }).slots.sidebar!.ad
  const impression = await hitAdUrl(app, ad.impressionUrl)
  t.equal(impression.statusCode, 204, 'the ad of a served page still counts its impression')
  t.equal(impression.headers['ratelimit-limit'], '600', 'under the ad-event limit, its own group')
})

t.test('the OpenAPI document lists 429 problem+json for GET /v1/ads/serve', async (t) => {
  const app = await buildTestApp(t)
  const doc = (await app.inject({ url: '/openapi.json' })).json()
  const responses = doc.paths['/v1/ads/serve'].get.responses
  t.ok(responses['429'], 'a 429 answer is documented')
  t.ok(responses['429'].content['application/problem+json'], 'as problem+json')
})
