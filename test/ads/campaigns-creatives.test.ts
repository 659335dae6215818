import t from 'tap'
import type { App } from '../../src/app.js'
import { adTables, createAd, createCampaign, createCreative, createSlot } from '../fixtures/ads.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// Campaigns and creatives: create with defaults, validation (nothing stored on a 400),
// creatives fitting their campaign's slots, If-Match on PATCH and DELETE.

const AT = '2031-03-01T08:00:00.000Z'
const ONE_FIELD = 'The request body has 1 invalid field'
const STALE = 'The resource has changed since you read it (If-Match is stale); nothing was changed'
const URL_MESSAGE = 'targetUrl must be an http or https URL (no javascript:, data: or other schemes, no user:password@)'

function postCampaign (app: App, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/ad-campaigns', headers: admin, payload: { name: 'Spring ferries', advertiser: 'Harbour Lines', ...payload } })
}

/** A creative body for `campaignId` that is valid unless `partial` spoils it. */
function creativeBody (campaignId: number, partial: Record<string, unknown> = {}) {
  return {
    campaignId,
    name: 'Ferry 300x250',
    kind: 'image',
    imageUrl: 'https://cdn.example.com/ferry.webp',
    alt: 'A ferry leaving the harbour at sunset',
    targetUrl: 'https://harbourlines.example/spring',
    width: 300,
    height: 250,
    ...partial
  }
}

function postCreative (app: App, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/ad-creatives', headers: admin, payload })
}

t.test('POST /v1/ad-campaigns → 201 with every default: draft, standard, priority 5, weight 1, no limits, no targeting', async (t) => {
  const app = await buildTestApp(t, { now: createClock(AT).now })
  const res = await postCampaign(app, {})
  expectJson(t, res, 201, {
    id: 1,
    name: 'Spring ferries',
    advertiser: 'Harbour Lines',
    tier: 'standard',
    priority: 5,
    weight: 1,
    status: 'draft',
    startsAt: null,
    endsAt: null,
    limits: { impressions: null, clicks: null, dailyImpressions: null },
    targeting: { include: {}, exclude: {} },
    slotKeys: [],
    createdAt: AT,
    updatedAt: AT
  })
  t.equal(res.headers.location, '/v1/ad-campaigns/1')
})

t.test('POST /v1/ad-campaigns → 400 for priority 0 or 11, an unknown tier or status, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ priority: 0 }, 'priority', 'priority is 1 to 10'],
    [{ priority: 11 }, 'priority', 'priority is 1 to 10'],
    [{ tier: 'gold' }, 'tier', 'tier must be sponsorship, standard or house'],
    [{ status: 'live' }, 'status', 'status must be draft, active, paused or completed']
  ]
  for (const [payload, path, message] of cases) {
    const res = await postCampaign(app, payload)
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path, message }])
  }
  t.same((await adTables(app)).campaigns, [])
  for (const priority of [1, 10]) {
    const ok = await postCampaign(app, { priority })
    t.equal(ok.statusCode, 201, `priority ${priority} is accepted`)
  }
})

t.test('POST /v1/ad-campaigns → 400 unless startsAt is before endsAt, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  for (const [startsAt, endsAt] of [['2031-03-02T00:00:00Z', '2031-03-01T00:00:00Z'], ['2031-03-01T00:00:00Z', '2031-03-01T00:00:00.000Z']]) {
    const res = await postCampaign(app, { startsAt, endsAt })
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'endsAt', message: 'endsAt must be after startsAt' }])
  }
  t.same((await adTables(app)).campaigns, [])
  const ok = await postCampaign(app, { startsAt: '2031-03-01T00:00:00Z', endsAt: '2031-03-01T00:00:00.001Z' })
  t.equal(ok.statusCode, 201)
  t.match(ok.json(), { startsAt: '2031-03-01T00:00:00.000Z', endsAt: '2031-03-01T00:00:00.001Z' })
})

t.test('PATCH /v1/ad-campaigns/{id} → 400 when endsAt would fall before the stored startsAt, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const campaign = await createCampaign(app, { startsAt: '2031-03-10T00:00:00Z' })
  const before = await adTables(app)
  const res = await app.inject({ method: 'PATCH', url: `/v1/ad-campaigns/${campaign.id}`, headers: admin, payload: { endsAt: '2031-03-09T00:00:00Z' } })
  expectProblem(t, res, 400, 'validation', 'endsAt must be after startsAt', [{ path: 'endsAt', message: 'endsAt must be after startsAt' }])
  t.same(await adTables(app), before)
})

t.test('POST and PATCH /v1/ad-campaigns → 400 naming slotKeys.N for a slot that does not exist, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, { key: 'sidebar' })
  const res = await postCampaign(app, { slotKeys: ['sidebar', 'nowhere'] })
  expectProblem(t, res, 400, 'validation', 'There is no ad slot "nowhere"', [{ path: 'slotKeys.1', message: 'There is no ad slot "nowhere"' }])
  t.same((await adTables(app)).campaigns, [])
  const campaign = await createCampaign(app, { slotKeys: ['sidebar'] })
  const before = await adTables(app)
  const patch = await app.inject({ method: 'PATCH', url: `/v1/ad-campaigns/${campaign.id}`, headers: admin, payload: { slotKeys: ['gone'] } })
  expectProblem(t, patch, 400, 'validation', 'There is no ad slot "gone"', [{ path: 'slotKeys.0', message: 'There is no ad slot "gone"' }])
  t.same(await adTables(app), before)
})

t.test('POST /v1/ad-creatives → 400 for a targetUrl that is not plain http or https, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const { campaign } = await createAd(app)
  const before = await adTables(app)
  for (const targetUrl of [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'ftp://files.example.com/ad',
    '//evil.com/landing',
    '/relative/path',
    'https://user:pass@harbourlines.example/',
    'https://user@harbourlines.example/',
    'not a url'
  ]) {
    const res = await postCreative(app, creativeBody(campaign.id, { targetUrl }))
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'targetUrl', message: URL_MESSAGE }])
  }
  t.same(await adTables(app), before)
})

t.test('POST /v1/ad-creatives → 201 for http and https targetUrls, stored exactly as sent', async (t) => {
  const app = await buildTestApp(t)
  const { campaign } = await createAd(app)
  for (const targetUrl of ['http://harbourlines.example/', 'https://harbourlines.example/spring?utm_source=news&x=1#top']) {
    const res = await postCreative(app, creativeBody(campaign.id, { targetUrl }))
    t.equal(res.statusCode, 201)
    t.equal(res.json().targetUrl, targetUrl)
  }
})

t.test('POST /v1/ad-creatives → 400 for an image ad without alt or imageUrl, or a javascript: imageUrl, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const { campaign } = await createAd(app)
  const before = await adTables(app)
  const alt = 'alt is required for an image ad: describe it for people who cannot see it'
  for (const partial of [{ alt: undefined }, { alt: null }]) {
    const res = await postCreative(app, creativeBody(campaign.id, partial))
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'alt', message: alt }])
  }
  const noImage = await postCreative(app, creativeBody(campaign.id, { imageUrl: undefined }))
  expectProblem(t, noImage, 400, 'validation', ONE_FIELD, [{ path: 'imageUrl', message: 'An image ad needs imageUrl' }])
  const badImage = await postCreative(app, creativeBody(campaign.id, { imageUrl: 'javascript:alert(1)' }))
  expectProblem(t, badImage, 400, 'validation', ONE_FIELD, [{ path: 'imageUrl', message: /./ }])
  t.same(await adTables(app), before)
})

t.test('POST /v1/ad-creatives → 400 for an html ad without html or over 64 KB, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const { campaign } = await createAd(app)
  const before = await adTables(app)
  const html = { kind: 'html', imageUrl: undefined, alt: undefined }
  const missing = await postCreative(app, creativeBody(campaign.id, html))
  expectProblem(t, missing, 400, 'validation', ONE_FIELD, [{ path: 'html', message: 'An html ad needs html' }])
  for (const body of ['x'.repeat(65_537), 'é'.repeat(32_769)]) {
    const res = await postCreative(app, creativeBody(campaign.id, { ...html, html: body }))
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'html', message: 'html is at most 65536 bytes (64 KB)' }])
  }
  t.same(await adTables(app), before)
  const exact = await postCreative(app, creativeBody(campaign.id, { ...html, html: 'x'.repeat(65_536) }))
  t.equal(exact.statusCode, 201, 'exactly 64 KB is accepted')
})

t.test('POST /v1/ad-creatives → 400 when the size fits none of the campaign\'s slots, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, { key: 'sidebar', sizes: [[300, 250], [300, 600]] })
  const campaign = await createCampaign(app, { slotKeys: ['sidebar'] })
  const bare = await createCampaign(app, { slotKeys: [] })
  const before = await adTables(app)
  const wrong = await postCreative(app, creativeBody(campaign.id, { width: 728, height: 90 }))
  const message = `728x90 fits no slot of campaign ${campaign.id} (sidebar: 300x250, 300x600)`
  expectProblem(t, wrong, 400, 'validation', message, [{ path: 'width', message }])
  const none = await postCreative(app, creativeBody(bare.id))
  const noSlots = `300x250 fits no slot of campaign ${bare.id} (it lists no slots yet)`
  expectProblem(t, none, 400, 'validation', noSlots, [{ path: 'width', message: noSlots }])
  const noCampaign = await postCreative(app, creativeBody(9999))
  expectProblem(t, noCampaign, 400, 'validation', 'There is no ad campaign with id 9999', [{ path: 'campaignId', message: 'There is no ad campaign with id 9999' }])
  t.same(await adTables(app), before)
  const tall = await postCreative(app, creativeBody(campaign.id, { width: 300, height: 600 }))
  t.equal(tall.statusCode, 201, 'the second size of the slot fits')
})

t.test('POST /v1/ad-creatives → any size fits a fluid slot or a size-mapping rule', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, { key: 'fluid-slot', sizes: 'fluid' })
  await createSlot(app, { key: 'mapped', sizes: [[320, 50]], sizeMapping: [{ minWidth: 1024, sizes: [[970, 250]] }] })
  const fluid = await createCampaign(app, { slotKeys: ['fluid-slot'] })
  const mapped = await createCampaign(app, { slotKeys: ['mapped'] })
  t.equal((await postCreative(app, creativeBody(fluid.id, { width: 1234, height: 56 }))).statusCode, 201)
  t.equal((await postCreative(app, creativeBody(mapped.id, { width: 970, height: 250 }))).statusCode, 201)
})

t.test('PATCH /v1/ad-creatives/{id} → 400 when the new size fits no slot or the kind loses its html, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { slot, campaign, creative } = await createAd(app)
  const before = await adTables(app)
  const size = await app.inject({ method: 'PATCH', url: `/v1/ad-creatives/${creative.id}`, headers: admin, payload: { width: 728, height: 90 } })
  const message = `728x90 fits no slot of campaign ${campaign.id} (${slot.key}: 300x250)`
  expectProblem(t, size, 400, 'validation', message, [{ path: 'width', message }])
  const kind = await app.inject({ method: 'PATCH', url: `/v1/ad-creatives/${creative.id}`, headers: admin, payload: { kind: 'html' } })
  expectProblem(t, kind, 400, 'validation', 'An html ad needs html', [{ path: 'html', message: 'An html ad needs html' }])
  const url = await app.inject({ method: 'PATCH', url: `/v1/ad-creatives/${creative.id}`, headers: admin, payload: { targetUrl: 'javascript:alert(1)' } })
  expectProblem(t, url, 400, 'validation', ONE_FIELD, [{ path: 'targetUrl', message: URL_MESSAGE }])
  t.same(await adTables(app), before)
})

for (const resource of ['ad-campaigns', 'ad-creatives'] as const) {
  t.test(`PATCH and DELETE /v1/${resource}/{id} → 412 for a stale If-Match, and nothing changes`, async (t) => {
    const app = await buildTestApp(t)
    const { campaign, creative } = await createAd(app)
    const id = resource === 'ad-campaigns' ? campaign.id : creative.id
    const read = await app.inject({ url: `/v1/${resource}/${id}`, headers: admin })
    t.equal(read.statusCode, 200)
    const firstEtag = String(read.headers.etag)
    const changed = await app.inject({ method: 'PATCH', url: `/v1/${resource}/${id}`, headers: { ...admin, 'if-match': firstEtag }, payload: { name: 'Renamed' } })
    t.equal(changed.statusCode, 200, 'the current ETag is accepted')
    t.equal(changed.json().name, 'Renamed')
    const before = await adTables(app)
    const patch = await app.inject({ method: 'PATCH', url: `/v1/${resource}/${id}`, headers: { ...admin, 'if-match': firstEtag }, payload: { name: 'Lost update' } })
    expectProblem(t, patch, 412, 'precondition-failed', STALE)
    const del = await app.inject({ method: 'DELETE', url: `/v1/${resource}/${id}`, headers: { ...admin, 'if-match': firstEtag } })
    expectProblem(t, del, 412, 'precondition-failed', STALE)
    t.same(await adTables(app), before)
    const ok = await app.inject({ method: 'DELETE', url: `/v1/${resource}/${id}`, headers: { ...admin, 'if-match': String(changed.headers.etag) } })
    t.equal(ok.statusCode, 204)
    const gone = await app.inject({ url: `/v1/${resource}/${id}`, headers: admin })
    t.equal(gone.statusCode, 404)
  })
}

t.test('DELETE /v1/ad-campaigns/{id} → 204 and its creatives go with it', async (t) => {
  const app = await buildTestApp(t)
  const { campaign, creative } = await createAd(app)
  const other = await createAd(app)
  const res = await app.inject({ method: 'DELETE', url: `/v1/ad-campaigns/${campaign.id}`, headers: admin })
  t.equal(res.statusCode, 204)
  const gone = await app.inject({ url: `/v1/ad-creatives/${creative.id}`, headers: admin })
  expectProblem(t, gone, 404, 'not-found', `There is no ad creative with id ${creative.id}`)
  t.same((await adTables(app)).creatives.map((c) => (c as { id: number }).id), [other.creative.id])
})

t.test('GET /v1/ad-campaigns and /v1/ad-creatives → editor reads with private, no-store caching and filters', async (t) => {
  const app = await buildTestApp(t, { now: createClock(AT).now })
  const { campaign, creative } = await createAd(app)
  const draft = await createCampaign(app, { status: 'draft' })
  const second = await createCreative(app, campaign.id, { name: 'Second' })
  const active = await app.inject({ url: '/v1/ad-campaigns?status=active', headers: admin })
  t.equal(active.statusCode, 200)
  t.same(active.json(), { data: [campaign], meta: { limit: 20, nextCursor: null } })
  t.equal(active.headers['cache-control'], 'private, no-store')
  const all = await app.inject({ url: '/v1/ad-campaigns', headers: admin })
  t.same(all.json().data.map((c: { id: number }) => c.id), [campaign.id, draft.id])
  const creatives = await app.inject({ url: `/v1/ad-creatives?campaignId=${campaign.id}`, headers: admin })
  t.equal(creatives.statusCode, 200)
  t.same(creatives.json(), { data: [creative, second], meta: { limit: 20, nextCursor: null } })
  t.equal(creatives.headers['cache-control'], 'private, no-store')
})
