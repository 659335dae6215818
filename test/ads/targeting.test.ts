import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createAd, DESKTOP_UA, IPAD_UA, IPHONE_UA, serveAds, type ServedAd } from '../fixtures/ads.js'
import { createArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp } from '../helper.js'

// Contextual targeting: every non-empty include list must match the page, no exclude list
// may; by category, tag, article, author and device (the device parameter, else the UA).

const SIDEBAR = { key: 'sidebar', name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250]] }

/** Two published articles with different category, tags and author. */
async function newsroom (app: App) {
  await createTaxon(app, 'categories', { name: 'World' })
  await createTaxon(app, 'categories', { name: 'Sport' })
  await createTaxon(app, 'authors', { name: 'Jane Doe' })
  await createTaxon(app, 'authors', { name: 'Sam Roe' })
  const ferry = await createArticle(app, { slug: 'ferry-news', status: 'published', category: 'world', tags: ['ferries', 'harbour'], author: 'jane-doe' })
  const match = await createArticle(app, { slug: 'match-report', status: 'published', category: 'sport', tags: ['football'], author: 'sam-roe' })
  return { ferry, match }
}

/** True when the sidebar gets an ad for this page (article slug or none) and these headers. */
async function served (t: Test, app: App, article: string | null, extra = '', headers: Record<string, string> = {}): Promise<boolean> {
  const res = await serveAds(app, `slots=sidebar${article ? `&article=${article}` : ''}${extra}`, headers)
  t.equal(res.statusCode, 200)
  const ad = (res.json() as { slots: Record<string, { ad: ServedAd | null }> }).slots.sidebar!.ad
  return ad !== null
}

const dimensions: Array<[string, string[], string]> = [
  ['categories', ['world'], 'category'],
  ['tags', ['harbour', 'sailing'], 'tag (any of the list)'],
  ['articles', ['ferry-news'], 'article slug'],
  ['authors', ['jane-doe'], 'author']
]

for (const [list, values, what] of dimensions) {
  t.test(`GET /v1/ads/serve → include by ${what}: only pages that match, never a page without an article`, async (t) => {
    const app = await buildTestApp(t)
    await newsroom(app)
    await createAd(app, { slot: SIDEBAR, campaign: { targeting: { include: { [list]: values } } } })
    t.equal(await served(t, app, 'ferry-news'), true, 'the matching article')
    t.equal(await served(t, app, 'match-report'), false, 'another article')
    t.equal(await served(t, app, null), false, 'no article')
  })

  t.test(`GET /v1/ads/serve → exclude by ${what}: every page but those that match`, async (t) => {
    const app = await buildTestApp(t)
    await newsroom(app)
    await createAd(app, { slot: SIDEBAR, campaign: { targeting: { exclude: { [list]: values } } } })
    t.equal(await served(t, app, 'ferry-news'), false, 'the matching article')
    t.equal(await served(t, app, 'match-report'), true, 'another article')
    t.equal(await served(t, app, null), true, 'no article')
  })
}

t.test('GET /v1/ads/serve → the article is found by id as well as slug', async (t) => {
  const app = await buildTestApp(t)
  const { ferry, match } = await newsroom(app)
  await createAd(app, { slot: SIDEBAR, campaign: { targeting: { include: { categories: ['world'] } } } })
  t.equal(await served(t, app, String(ferry.id)), true)
  t.equal(await served(t, app, String(match.id)), false)
})

t.test('GET /v1/ads/serve → every non-empty include list must match, and any matching exclude list wins', async (t) => {
  const app = await buildTestApp(t)
  await newsroom(app)
  await createAd(app, { slot: SIDEBAR, campaign: { targeting: { include: { categories: ['world'], authors: ['sam-roe'] } } } })
  t.equal(await served(t, app, 'ferry-news'), false, 'the category matches, the author does not')
  t.equal(await served(t, app, 'match-report'), false, 'the author matches, the category does not')
  const other = await buildTestApp(t)
  await newsroom(other)
  await createAd(other, { slot: SIDEBAR, campaign: { targeting: { include: { categories: ['world', 'sport'], tags: [] }, exclude: { tags: ['harbour'] } } } })
  t.equal(await served(t, other, 'ferry-news'), false, 'included by category, excluded by tag')
  t.equal(await served(t, other, 'match-report'), true, 'an empty list constrains nothing')
})

t.test('GET /v1/ads/serve → include by device: the device parameter, else the User-Agent (an iPhone is mobile, an iPad a tablet)', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: SIDEBAR, campaign: { targeting: { include: { devices: ['mobile'] } } } })
  t.equal(await served(t, app, null, '&device=mobile'), true)
  t.equal(await served(t, app, null, '&device=desktop'), false)
  t.equal(await served(t, app, null, '&device=tablet'), false)
  t.equal(await served(t, app, null, '', { 'user-agent': IPHONE_UA }), true, 'iPhone UA → mobile')
  t.equal(await served(t, app, null, '', { 'user-agent': DESKTOP_UA }), false, 'desktop UA → desktop')
  t.equal(await served(t, app, null, '', { 'user-agent': IPAD_UA }), false, 'iPad UA → tablet')
  t.equal(await served(t, app, null, '&device=desktop', { 'user-agent': IPHONE_UA }), false, 'the parameter wins over the UA')
})

t.test('GET /v1/ads/serve → exclude by device keeps the ad from that device only', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: SIDEBAR, campaign: { targeting: { exclude: { devices: ['mobile', 'tablet'] } } } })
  t.equal(await served(t, app, null, '', { 'user-agent': IPHONE_UA }), false)
  t.equal(await served(t, app, null, '', { 'user-agent': IPAD_UA }), false)
  t.equal(await served(t, app, null, '', { 'user-agent': DESKTOP_UA }), true)
  t.equal(await served(t, app, null, '&device=desktop', { 'user-agent': IPHONE_UA }), true)
})

t.test('GET /v1/ads/serve → targeting follows a PATCH of the campaign at once', async (t) => {
  const app = await buildTestApp(t)
  await newsroom(app)
  const { campaign } = await createAd(app, { slot: SIDEBAR })
  t.equal(await served(t, app, 'match-report'), true)
  const res = await app.inject({ method: 'PATCH', url: `/v1/ad-campaigns/${campaign.id}`, headers: admin, payload: { targeting: { include: { categories: ['world'] } } } })
  t.equal(res.statusCode, 200)
  t.same(res.json().targeting, { include: { categories: ['world'] }, exclude: {} })
  t.equal(await served(t, app, 'match-report'), false)
  t.equal(await served(t, app, 'ferry-news'), true)
})

t.test('GET /v1/ads/serve with no, an empty, a repeated or an 8 KB User-Agent → 200, targeted as a desktop (server-side renderers send none)', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: SIDEBAR, campaign: { targeting: { include: { devices: ['desktop'] } } } })
  const cases: Array<[string, string | string[] | undefined]> = [
    ['absent', undefined], ['empty', ''], ['blank', '  '], ['repeated', [IPHONE_UA, DESKTOP_UA]], ['8 KB', `${IPHONE_UA} ${'x'.repeat(8192)}`]
  ]
  for (const [label, ua] of cases) {
    const res = await serveAds(app, 'slots=sidebar', { 'user-agent': ua } as Record<string, string | undefined>)
    t.equal(res.statusCode, 200, `${label}: 200`)
    const ad = (res.json() as { slots: Record<string, { ad: ServedAd | null }> }).slots.sidebar!.ad
    // A repeated header counts as its first value (Node keeps the first User-Agent); an 8 KB one by its start.
    t.equal(ad !== null, label !== 'repeated' && label !== '8 KB', `${label}: ${label === 'repeated' || label === '8 KB' ? 'mobile (its first 512 characters)' : 'desktop'}`)
  }
})
