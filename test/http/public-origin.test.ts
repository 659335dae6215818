import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import { adStats, createAd, hitAdUrl, serveAds, type ServedAd } from '../fixtures/ads.js'
import { buildTestApp, expectProblem } from '../helper.js'
import type { App } from '../../src/app.js'

// Absolute URLs (ad click and impression links, relative ad images) come from app.publicOrigin:
// BROADSHEET_PUBLIC_URL when set, else the request's scheme and host, which a trusted proxy may
// forward (X-Forwarded-Proto/-Host) and nobody else may.

const PROXY = '10.0.0.5'
const HOSTILE = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }

type ServeBody = { slots: Record<string, { ad: ServedAd | null } | null> }

/** A sidebar image ad whose image lives on this server (a relative URL, as the demo's do). */
async function relativeImageAd (app: App) {
  const ad = await createAd(app, { slot: { key: 'sidebar' } })
  // The API takes absolute image URLs only; the demo seed writes relative ones straight to the table.
  await app.database.run(sql`update ad_creatives set image_url = ${'/demo/assets/ferry.webp'} where id = ${ad.creative.id}`)
  // Serving holds the ads in memory, reloaded by the API's writes: this one went past it.
  await app.ads.reload()
  return ad
}

/** The sidebar ad served for these request headers and peer. */
async function served (t: Test, app: App, headers: Record<string, string>, remoteAddress = '198.51.100.1'): Promise<ServedAd> {
  const res = await app.inject({ url: '/v1/ads/serve?slots=sidebar', headers, remoteAddress })
  t.equal(res.statusCode, 200)
  return (res.json() as ServeBody).slots.sidebar!.ad!
}

const originsOf = (ad: ServedAd) => [ad.clickUrl, ad.impressionUrl, ad.image?.src ?? ''].map((url) => new URL(url).origin)

t.test('BROADSHEET_PUBLIC_URL set: every link and relative image starts with it, whatever Host the client sends', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_PUBLIC_URL: 'https://news.example.com/' } })
  await relativeImageAd(app)
  const ad = await served(t, app, HOSTILE)
  t.same(originsOf(ad), ['https://news.example.com', 'https://news.example.com', 'https://news.example.com'])
  t.match(ad.clickUrl, /^https:\/\/news\.example\.com\/v1\/ads\/click\//)
  t.equal(ad.image?.src, 'https://news.example.com/demo/assets/ferry.webp')
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204, 'the link works')
})

t.test('BROADSHEET_PUBLIC_URL set: it wins over a trusted proxy\'s X-Forwarded-Host too, and reaches html creatives', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_PUBLIC_URL: 'https://news.example.com', BROADSHEET_TRUST_PROXY: PROXY } })
  await createAd(app, { slot: { key: 'sidebar' }, creative: { kind: 'html', imageUrl: null, alt: null, html: '<a href="{{clickUrl}}">Go</a>' } })
  const ad = await served(t, app, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }, PROXY)
  t.match(ad.clickUrl, /^https:\/\/news\.example\.com\/v1\/ads\/click\//)
  t.match(ad.html?.srcdoc, `<a href="${ad.clickUrl}">Go</a>`)
  t.notMatch(JSON.stringify(ad), /evil/)
})

t.test('no public URL, no trusted proxy: the request\'s own Host; X-Forwarded-Proto/-Host are ignored', async (t) => {
  const app = await buildTestApp(t)
  await relativeImageAd(app)
  const ad = await served(t, app, { host: 'news.local:8080', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' })
  t.same(originsOf(ad), ['http://news.local:8080', 'http://news.local:8080', 'http://news.local:8080'])
})

t.test('no public URL, behind a trusted TLS proxy: https links on the forwarded host; an untrusted peer\'s forwarding is ignored', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: PROXY } })
  await relativeImageAd(app)
  const forwarded = { host: 'app.internal:3000', 'x-forwarded-host': 'news.example.com', 'x-forwarded-proto': 'https' }
  t.same(originsOf(await served(t, app, forwarded, PROXY)), ['https://news.example.com', 'https://news.example.com', 'https://news.example.com'])
  t.same(originsOf(await served(t, app, forwarded, '198.51.100.9')), ['http://app.internal:3000', 'http://app.internal:3000', 'http://app.internal:3000'])
})

t.test('a hop count trusts the nearest proxy\'s X-Forwarded-Proto: https links', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_TRUST_PROXY: '1' } })
  await createAd(app, { slot: { key: 'sidebar' } })
  const ad = await served(t, app, { host: 'news.example.com', 'x-forwarded-proto': 'https' })
  t.match(ad.clickUrl, /^https:\/\/news\.example\.com\/v1\/ads\/click\//)
})

t.test('no public URL and a Host that is no http(s) origin → 400 bad-host, nothing counted; the same URL with a good Host still serves', async (t) => {
  const app = await buildTestApp(t)
  const { slot } = await createAd(app, { slot: { key: 'sidebar' } })
  for (const host of ['evil.example/x?', 'user@evil.example', 'bad host']) {
    // Twice: the second request of a URL takes the route's remembered-query path.
    for (let i = 0; i < 2; i++) {
      const res = await serveAds(app, 'slots=sidebar', { host })
      expectProblem(t, res, 400, 'bad-host', /does not name a valid http or https origin/)
    }
  }
  const row = (await adStats(app, 'groupBy=slot')).find((r) => r.key === slot.key)
  t.equal(row?.requests ?? 0, 0, 'refused serves counted no request')
  t.equal((await serveAds(app, 'slots=sidebar', { host: 'news.example.com' })).statusCode, 200)
})
