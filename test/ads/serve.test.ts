import t from 'tap'
import { HTML_SANDBOX } from '../../src/ads/decision-json.js'
import { adCounterTables, createAd, createCampaign, createCreative, createSlot, serveAds, type ServedAd } from '../fixtures/ads.js'
import { createArticle } from '../fixtures/articles.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// GET /v1/ads/serve: one call for a whole page, the shape of each answer, and what it
// never does (fill a slot twice from one creative or campaign, let a page cache it).

// inject's Host is localhost:80; links carry its origin, where the default port is dropped.
const CLICK_URL = /^http:\/\/localhost\/v1\/ads\/click\/[\w~-]+\.[\w-]+\.\d+$/
const IMPRESSION_URL = /^http:\/\/localhost\/v1\/ads\/impression\/[\w~-]+\.[\w-]+\.\d+$/
const SIDEBAR = { key: 'sidebar', name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250]] }

type ServeBody = { slots: Record<string, { slot: Record<string, unknown>, ad: ServedAd | null } | null> }

t.test('GET /v1/ads/serve → 200 no-store with one decision per slot: image ads as data, unknown and disabled slots null, an empty slot with its label and sizes', async (t) => {
  const app = await buildTestApp(t)
  const top = await createAd(app, { slot: { key: 'article-top', name: 'Top', placement: 'above_article', sizes: [[728, 90]] }, creative: { width: 728, height: 90 } })
  const side = await createAd(app, { slot: SIDEBAR, creative: { imageUrl: 'https://cdn.example.com/side.png', alt: 'Side ad', targetUrl: 'https://side.example/' } })
  await createSlot(app, { key: 'footer', name: 'Footer', placement: 'footer', label: 'Sponsored', sizes: [[970, 250], [728, 90]] })
  await createSlot(app, { key: 'off', enabled: false })
  await createCampaign(app, { slotKeys: ['off'] }).then((c) => createCreative(app, c.id))
  const res = await serveAds(app, 'slots=article-top,sidebar,footer,off,nowhere')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json() as ServeBody
  t.same(Object.keys(body.slots), ['article-top', 'sidebar', 'footer', 'off', 'nowhere'])
  t.same(body.slots['article-top']!.slot, { key: 'article-top', label: 'Advertisement', sizes: [[728, 90]], placement: 'above_article', inArticle: null })
  t.match(body.slots['article-top']!.ad, {
    creativeId: top.creative.id,
    campaignId: top.campaign.id,
    kind: 'image',
    width: 728,
    height: 90,
    image: { src: 'https://cdn.example.com/ferry.webp', alt: 'A ferry leaving the harbour at sunset' },
    clickUrl: CLICK_URL,
    impressionUrl: IMPRESSION_URL
  })
  t.same(Object.keys(body.slots['article-top']!.ad!).sort(), ['campaignId', 'clickUrl', 'creativeId', 'height', 'image', 'impressionUrl', 'kind', 'width'], 'an image ad carries no html')
  t.match(body.slots.sidebar!.ad, { creativeId: side.creative.id, image: { src: 'https://cdn.example.com/side.png', alt: 'Side ad' } })
  t.same(body.slots.footer, { slot: { key: 'footer', label: 'Sponsored', sizes: [[970, 250], [728, 90]], placement: 'footer', inArticle: null }, ad: null })
  t.equal(body.slots.off, null, 'a disabled slot is null')
  t.equal(body.slots.nowhere, null, 'an unknown slot is null')
})

t.test('GET /v1/ads/serve → an html ad is a sandboxed srcdoc with {{clickUrl}} replaced by the click URL, never allow-scripts with allow-same-origin', async (t) => {
  const app = await buildTestApp(t)
  const html = '<a href="{{clickUrl}}"><img src="https://cdn.example.com/a.png" alt="Ferries"></a><a href="{{clickUrl}}">Book now</a>'
  const { creative } = await createAd(app, { slot: SIDEBAR, creative: { kind: 'html', imageUrl: null, alt: null, html } })
  const res = await serveAds(app, 'slots=sidebar')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const ad = (res.json() as ServeBody).slots.sidebar!.ad!
  t.match(ad, { creativeId: creative.id, kind: 'html', width: 300, height: 250, clickUrl: CLICK_URL, impressionUrl: IMPRESSION_URL, html: { srcdoc: String, sandbox: String } })
  t.equal(ad.image, undefined, 'an html ad carries no image')
  const srcdoc = ad.html!.srcdoc
  t.notMatch(srcdoc, /\{\{clickUrl\}\}/, 'no placeholder is left')
  t.equal(srcdoc.split(`href="${ad.clickUrl}"`).length - 1, 2, 'both links go to the counted click URL')
  t.match(srcdoc, /<img src="https:\/\/cdn\.example\.com\/a\.png" alt="Ferries">/)
  const sandbox = ad.html!.sandbox.split(/\s+/)
  t.notOk(sandbox.includes('allow-scripts') && sandbox.includes('allow-same-origin'), `sandbox "${ad.html!.sandbox}" never holds both`)
  t.notOk(sandbox.includes('allow-top-navigation'), 'the ad cannot navigate the page without a click')
  t.equal(ad.html!.sandbox, HTML_SANDBOX)
})

t.test('GET /v1/ads/serve → one campaign fills at most one slot of a call, even with a creative for each', async (t) => {
  const app = await buildTestApp(t, { random: () => 0 })
  await createSlot(app, SIDEBAR)
  await createSlot(app, { ...SIDEBAR, key: 'sidebar-2' })
  const campaign = await createCampaign(app, { slotKeys: ['sidebar', 'sidebar-2'] })
  const first = await createCreative(app, campaign.id, { name: 'First' })
  await createCreative(app, campaign.id, { name: 'Second' })
  const res = await serveAds(app, 'slots=sidebar,sidebar-2')
  t.equal(res.statusCode, 200)
  const body = res.json() as ServeBody
  t.equal(body.slots.sidebar!.ad!.creativeId, first.id)
  t.equal(body.slots['sidebar-2']!.ad, null, 'the campaign already filled a slot of this call')
})

t.test('GET /v1/ads/serve → no creative or campaign twice in one call: two campaigns fill two slots with different ads', async (t) => {
  const app = await buildTestApp(t)
  const keys = ['s-1', 's-2', 's-3', 's-4']
  for (const key of keys) await createSlot(app, { ...SIDEBAR, key })
  const campaigns = []
  for (const priority of [9, 5]) {
    const campaign = await createCampaign(app, { slotKeys: keys, priority })
    for (let i = 0; i < 3; i++) await createCreative(app, campaign.id)
    campaigns.push(campaign)
  }
  for (let round = 0; round < 25; round++) {
    const res = await serveAds(app, `slots=${keys.join(',')}`)
    t.equal(res.statusCode, 200)
    const ads = keys.map((k) => (res.json() as ServeBody).slots[k]!.ad)
    const filled = ads.filter((a): a is ServedAd => a !== null)
    t.equal(filled.length, 2, 'two campaigns fill two slots')
    t.equal(new Set(filled.map((a) => a.campaignId)).size, 2, 'never the same campaign twice')
    t.equal(new Set(filled.map((a) => a.creativeId)).size, 2, 'never the same creative twice')
    t.equal(ads[0]!.campaignId, campaigns[0]!.id, 'the higher priority takes the first slot')
    t.same(ads.slice(2), [null, null])
  }
})

t.test('GET /v1/ads/serve → a fixed random source makes the choice deterministic', async (t) => {
  const picks = async (random: () => number) => {
    const app = await buildTestApp(t, { random })
    await createSlot(app, SIDEBAR)
    const campaign = await createCampaign(app, { slotKeys: ['sidebar'] })
    const ids = []
    for (let i = 0; i < 3; i++) ids.push((await createCreative(app, campaign.id)).id)
    const served = []
    for (let i = 0; i < 5; i++) served.push(((await serveAds(app, 'slots=sidebar')).json() as ServeBody).slots.sidebar!.ad!.creativeId)
    return { ids, served }
  }
  const low = await picks(() => 0)
  t.same(low.served, Array(5).fill(low.ids[0]), 'random 0 always takes the first candidate')
  const high = await picks(() => 0.999999)
  t.same(high.served, Array(5).fill(high.ids[2]), 'random just under 1 always takes the last')
  const middle = await picks(() => 0.5)
  t.same(middle.served, Array(5).fill(middle.ids[1]))
})

t.test('GET /v1/ads/serve → 400 naming the bad query parameter', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: SIDEBAR })
  const key = await serveAds(app, 'slots=sidebar,Top')
  expectProblem(t, key, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'slots.1', message: 'A key is 2 to 64 lower-case letters, digits and hyphens, starting with a letter or digit' }])
  const device = await serveAds(app, 'slots=sidebar&device=phone')
  expectProblem(t, device, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'device', message: 'device is mobile, tablet or desktop' }])
  const none = await serveAds(app, 'slots=')
  expectProblem(t, none, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'slots', message: /slots names at least one slot key/ }])
  const again = await serveAds(app, 'slots=sidebar&device=phone')
  expectProblem(t, again, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'device', message: 'device is mobile, tablet or desktop' }]) // a refused URL is refused again: only valid queries are remembered
})

t.test('GET /v1/ads/serve → 400 path article for an unknown or unpublished article, and counts nothing', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: SIDEBAR })
  const draft = await createArticle(app, { title: 'Not yet' })
  for (const article of ['no-such-article', '99999', draft.slug, String(draft.id)]) {
    const res = await serveAds(app, `slots=sidebar&article=${article}`)
    expectProblem(t, res, 400, 'validation', `There is no published article "${article}"`, [{ path: 'article', message: `There is no published article "${article}"` }])
  }
  await app.ads.flush()
  t.same((await adCounterTables(app)).stats, [], 'no request was counted')
})

t.test('GET /v1/ads/serve → a URL asked again (answered before validation) gets a fresh, counted decision with its own links and host, and a 400 once its article is gone', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: SIDEBAR })
  const article = await createArticle(app, { status: 'published' })
  const url = `slots=sidebar&article=${article.slug}`
  const answers = []
  for (const host of ['news.example', 'news.example', 'other.example']) {
    const res = await serveAds(app, url, { host })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    answers.push((res.json() as ServeBody).slots.sidebar!.ad!)
  }
  t.equal(new Set(answers.map((ad) => ad.impressionUrl)).size, 3, 'each call is its own signed decision')
  t.match(answers[1]!.clickUrl, /^http:\/\/news\.example\/v1\/ads\/click\//)
  t.match(answers[2]!.clickUrl, /^http:\/\/other\.example\/v1\/ads\/click\//, 'links follow the host of each request')
  await app.ads.flush()
  t.match((await adCounterTables(app)).sums, { requests: 3, fills: 3 }, 'every call is counted')

  const deleted = await app.inject({ method: 'DELETE', url: `/v1/articles/${article.id}`, headers: admin })
  t.equal(deleted.statusCode, 204)
  const gone = await serveAds(app, url)
  expectProblem(t, gone, 400, 'validation', `There is no published article "${article.slug}"`, [{ path: 'article', message: `There is no published article "${article.slug}"` }])
  await app.ads.flush()
  t.match((await adCounterTables(app)).sums, { requests: 3, fills: 3 }, 'the refused call counts nothing')
})

t.test('GET /v1/ads/serve → a frontend on a configured origin gets CORS and the security headers on a repeated URL as on the first', async (t) => {
  const app = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://news.example.com' } })
  await createAd(app, { slot: SIDEBAR })
  for (const call of ['first', 'repeated']) {
    const res = await serveAds(app, 'slots=sidebar', { origin: 'https://news.example.com' })
    t.equal(res.statusCode, 200, call)
    t.equal(res.headers['access-control-allow-origin'], 'https://news.example.com', call)
    t.equal(res.headers['x-content-type-options'], 'nosniff', call)
    t.match(res.headers['x-request-id'], /^[\w-]+$/, call)
  }
})

t.test('GET /v1/ads/serve → public: no token needed, and a token changes nothing', async (t) => {
  const app = await buildTestApp(t, { random: () => 0 })
  const { creative } = await createAd(app, { slot: SIDEBAR })
  const anonymous = await serveAds(app, 'slots=sidebar')
  const signedIn = await serveAds(app, 'slots=sidebar', admin)
  t.equal(anonymous.statusCode, 200)
  t.equal(signedIn.statusCode, 200)
  t.equal((anonymous.json() as ServeBody).slots.sidebar!.ad!.creativeId, creative.id)
  t.equal((signedIn.json() as ServeBody).slots.sidebar!.ad!.creativeId, creative.id)
  t.equal(signedIn.headers['cache-control'], 'no-store')
})
