import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { adStats, createAd, GOOGLEBOT_UA, hitAdUrl, serveAds, serveOne, statsRow, type ServedAd } from '../fixtures/ads.js'
import { admin, buildTestApp, createClock } from '../helper.js'

// Delivery limits read the counts in memory, so a cap holds before any flush; the flush
// then marks the campaign completed. A daily cap pauses it until the next UTC day only.

const START = '2031-03-01T10:00:00.000Z'

/** The sidebar's ad, or null. */
async function sidebarAd (t: Test, app: App): Promise<ServedAd | null> {
  const res = await serveAds(app, 'slots=sidebar')
  t.equal(res.statusCode, 200)
  return (res.json() as { slots: Record<string, { ad: ServedAd | null }> }).slots.sidebar!.ad
}

async function campaignStatus (app: App, id: number): Promise<string> {
  const res = await app.inject({ url: `/v1/ad-campaigns/${id}`, headers: admin })
  if (res.statusCode !== 200) throw new Error(res.body)
  return (res.json() as { status: string }).status
}

t.test('limits.impressions = 3 → served until the 3rd counted impression, before any flush; after the flush the campaign is completed', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now })
  const { campaign } = await createAd(app, { slot: { key: 'sidebar' }, campaign: { limits: { impressions: 3 } } })
  const first = (await sidebarAd(t, app))!
  const second = (await sidebarAd(t, app))!
  t.equal((await hitAdUrl(app, first.impressionUrl)).statusCode, 204)
  t.equal((await hitAdUrl(app, first.impressionUrl)).statusCode, 204, 'a replay: filtered, not counted toward the cap')
  t.equal((await hitAdUrl(app, second.impressionUrl, { headers: { 'user-agent': GOOGLEBOT_UA } })).statusCode, 204, 'a bot: filtered')
  t.equal((await hitAdUrl(app, second.impressionUrl)).statusCode, 204)
  const third = await sidebarAd(t, app)
  t.ok(third, 'two impressions: still served')
  t.equal((await hitAdUrl(app, third!.impressionUrl)).statusCode, 204)
  t.equal(await sidebarAd(t, app), null, 'the 3rd impression stops it at once, unflushed')
  t.equal(await campaignStatus(app, campaign.id), 'active', 'not flushed yet')
  await app.ads.flush()
  t.equal(await campaignStatus(app, campaign.id), 'completed')
  t.equal(await sidebarAd(t, app), null)
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=campaign'), [
    statsRow('0', { requests: 2 }),
    statsRow(String(campaign.id), { requests: 3, fills: 3, impressions: 3, filteredImpressions: 2 })
  ], 'unfilled requests count under campaign 0')
})

t.test('limits.impressions → ads served before the cap may still report their impressions, counted but never served again', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now })
  const { campaign } = await createAd(app, { slot: { key: 'sidebar' }, campaign: { limits: { impressions: 1 } } })
  const a = (await sidebarAd(t, app))!
  const b = (await sidebarAd(t, app))!
  await hitAdUrl(app, a.impressionUrl)
  await hitAdUrl(app, b.impressionUrl)
  t.equal(await sidebarAd(t, app), null)
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=campaign'), [statsRow('0', { requests: 1 }), statsRow(String(campaign.id), { requests: 2, fills: 2, impressions: 2 })], 'stats stay honest')
  t.equal(await campaignStatus(app, campaign.id), 'completed')
})

t.test('limits.clicks = 2 → served until the 2nd counted click, before any flush; after the flush the campaign is completed', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now })
  const { campaign } = await createAd(app, { slot: { key: 'sidebar' }, campaign: { limits: { clicks: 2 } } })
  const first = (await sidebarAd(t, app))!
  t.equal((await hitAdUrl(app, first.clickUrl)).statusCode, 302)
  t.equal((await hitAdUrl(app, first.clickUrl)).statusCode, 302, 'a repeated click: filtered, not counted toward the cap')
  const second = await sidebarAd(t, app)
  t.ok(second, 'one click: still served')
  t.equal((await hitAdUrl(app, second!.clickUrl)).statusCode, 302)
  t.equal(await sidebarAd(t, app), null, 'the 2nd click stops it at once')
  await app.ads.flush()
  t.equal(await campaignStatus(app, campaign.id), 'completed')
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=campaign'), [statsRow('0', { requests: 1 }), statsRow(String(campaign.id), { requests: 2, fills: 2, clicks: 2, filteredClicks: 1 })])
})

t.test('limits.dailyImpressions = 2 → stops the campaign for the rest of the UTC day only; it stays active', async (t) => {
  const clock = createClock('2031-03-01T22:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const { campaign } = await createAd(app, { slot: { key: 'sidebar' }, campaign: { limits: { dailyImpressions: 2 } } })
  for (let i = 0; i < 2; i++) t.equal((await hitAdUrl(app, (await sidebarAd(t, app))!.impressionUrl)).statusCode, 204)
  t.equal(await sidebarAd(t, app), null, 'two today: no more today')
  await app.ads.flush()
  t.equal(await campaignStatus(app, campaign.id), 'active', 'a daily cap does not complete the campaign')
  clock.set('2031-03-01T23:59:59.999Z')
  t.equal(await sidebarAd(t, app), null, 'still the same UTC day')
  clock.set('2031-03-02T00:00:00.000Z')
  const tomorrow = await sidebarAd(t, app)
  t.ok(tomorrow, 'served again the next UTC day')
  t.equal((await hitAdUrl(app, tomorrow!.impressionUrl)).statusCode, 204)
  t.ok(await sidebarAd(t, app), 'one of two today')
  await app.ads.flush()
  t.equal(await campaignStatus(app, campaign.id), 'active')
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-02&groupBy=day'), [
    statsRow('2031-03-01', { requests: 4, fills: 2, impressions: 2 }),
    statsRow('2031-03-02', { requests: 2, fills: 2, impressions: 1 })
  ])
})

t.test('limits → another campaign takes the slot once the capped one stops', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now, random: () => 0 })
  const { campaign: capped } = await createAd(app, { slot: { key: 'sidebar' }, campaign: { limits: { impressions: 1 }, priority: 9 } })
  const res = await app.inject({ method: 'POST', url: '/v1/ad-campaigns', headers: admin, payload: { name: 'House', advertiser: 'Us', status: 'active', tier: 'house', slotKeys: ['sidebar'] } })
  const house = res.json() as { id: number }
  await app.inject({ method: 'POST', url: '/v1/ad-creatives', headers: admin, payload: { campaignId: house.id, name: 'House ad', kind: 'image', imageUrl: 'https://cdn.example.com/h.png', alt: 'Subscribe', targetUrl: 'https://news.example/subscribe', width: 300, height: 250 } })
  const ad = await serveOne(app, 'sidebar')
  t.equal(ad.campaignId, capped.id)
  await hitAdUrl(app, ad.impressionUrl)
  t.equal((await serveOne(app, 'sidebar')).campaignId, house.id)
})
