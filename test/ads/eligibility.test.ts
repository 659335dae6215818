import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createAd, serveAds, type ServedAd } from '../fixtures/ads.js'
import { admin, buildTestApp, createClock } from '../helper.js'

// Which ads may be served: creative and campaign status, the schedule (exact to the
// millisecond with a controllable clock) and the slot's sizes.

const SIDEBAR = { key: 'sidebar', name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250]] }

/** The ad served for `slot`, or null. */
async function adFor (t: Test, app: App, slot = 'sidebar', query = ''): Promise<ServedAd | null> {
  const res = await serveAds(app, `slots=${slot}${query}`)
  t.equal(res.statusCode, 200)
  return (res.json() as { slots: Record<string, { ad: ServedAd | null }> }).slots[slot]!.ad
}

function patch (app: App, url: string, payload: Record<string, unknown>) {
  return app.inject({ method: 'PATCH', url, headers: admin, payload })
}

t.test('GET /v1/ads/serve → a paused creative is not served; active again, it is', async (t) => {
  const app = await buildTestApp(t)
  const { creative } = await createAd(app, { slot: SIDEBAR, creative: { status: 'paused' } })
  t.equal(await adFor(t, app), null)
  t.equal((await patch(app, `/v1/ad-creatives/${creative.id}`, { status: 'active' })).statusCode, 200)
  t.match(await adFor(t, app), { creativeId: creative.id })
  t.equal((await patch(app, `/v1/ad-creatives/${creative.id}`, { status: 'paused' })).statusCode, 200)
  t.equal(await adFor(t, app), null, 'pausing takes effect at once')
})

for (const status of ['draft', 'paused', 'completed'] as const) {
  t.test(`GET /v1/ads/serve → a ${status} campaign is not served; active, it is`, async (t) => {
    const app = await buildTestApp(t)
    const { campaign, creative } = await createAd(app, { slot: SIDEBAR, campaign: { status } })
    t.equal(await adFor(t, app), null)
    t.equal((await patch(app, `/v1/ad-campaigns/${campaign.id}`, { status: 'active' })).statusCode, 200)
    t.match(await adFor(t, app), { creativeId: creative.id, campaignId: campaign.id })
    t.equal((await patch(app, `/v1/ad-campaigns/${campaign.id}`, { status })).statusCode, 200)
    t.equal(await adFor(t, app), null, `setting ${status} takes effect at once`)
  })
}

t.test('GET /v1/ads/serve → the schedule is exact: one ms before startsAt no, at startsAt yes, one ms before endsAt yes, at endsAt no', async (t) => {
  const clock = createClock('2031-03-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const startsAt = '2031-03-01T12:00:00.000Z'
  const endsAt = '2031-03-02T12:00:00.000Z'
  const { creative } = await createAd(app, { slot: SIDEBAR, campaign: { startsAt, endsAt } })
  const at = (iso: string, ms = 0) => clock.set(new Date(Date.parse(iso) + ms))
  at(startsAt, -1)
  t.equal(await adFor(t, app), null, 'one ms before startsAt')
  at(startsAt)
  t.match(await adFor(t, app), { creativeId: creative.id }, 'at startsAt')
  at(endsAt, -1)
  t.match(await adFor(t, app), { creativeId: creative.id }, 'one ms before endsAt')
  at(endsAt)
  t.equal(await adFor(t, app), null, 'at endsAt')
  at(endsAt, 86_400_000)
  t.equal(await adFor(t, app), null, 'a day after endsAt')
})

t.test('GET /v1/ads/serve → an open-ended schedule: only startsAt, or only endsAt', async (t) => {
  const clock = createClock('2031-03-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const { creative: later } = await createAd(app, { slot: SIDEBAR, campaign: { startsAt: '2031-03-05T00:00:00.000Z' } })
  const { creative: until } = await createAd(app, { slot: { ...SIDEBAR, key: 'footer' }, campaign: { endsAt: '2031-03-05T00:00:00.000Z' } })
  t.equal(await adFor(t, app), null)
  t.match(await adFor(t, app, 'footer'), { creativeId: until.id })
  clock.set('2031-03-05T00:00:00.000Z')
  t.match(await adFor(t, app), { creativeId: later.id })
  t.equal(await adFor(t, app, 'footer'), null)
})

t.test('GET /v1/ads/serve → a creative whose size no longer fits the slot is not served', async (t) => {
  const app = await buildTestApp(t)
  const { creative } = await createAd(app, { slot: { ...SIDEBAR, sizes: [[300, 250], [300, 600]] } })
  t.match(await adFor(t, app), { creativeId: creative.id })
  t.equal((await patch(app, '/v1/ad-slots/sidebar', { sizes: [[300, 600]] })).statusCode, 200)
  t.equal(await adFor(t, app), null, '300x250 fits no size of the slot now')
  t.equal((await patch(app, '/v1/ad-slots/sidebar', { sizes: 'fluid' })).statusCode, 200)
  t.match(await adFor(t, app), { creativeId: creative.id }, 'a fluid slot takes any size')
})

t.test('GET /v1/ads/serve → a size-mapping rule picks the sizes for the viewport width', async (t) => {
  const app = await buildTestApp(t)
  const slot = { key: 'leader', name: 'Leaderboard', placement: 'header', sizes: [[320, 50]], sizeMapping: [{ minWidth: 768, sizes: [[728, 90]] }, { minWidth: 1024, sizes: [[970, 250]] }] }
  const { creative: wide } = await createAd(app, { slot, creative: { width: 970, height: 250 } })
  t.equal(await adFor(t, app, 'leader'), null, 'no viewport: the slot\'s own sizes')
  t.equal(await adFor(t, app, 'leader', '&viewportWidth=375'), null)
  t.equal(await adFor(t, app, 'leader', '&viewportWidth=800'), null, 'the 768 rule: 728x90 only')
  t.match(await adFor(t, app, 'leader', '&viewportWidth=1024'), { creativeId: wide.id }, 'the widest rule that fits')
  t.match(await adFor(t, app, 'leader', '&viewportWidth=1920'), { creativeId: wide.id })
})

t.test('GET /v1/ads/serve → a campaign that does not list the slot is not served there', async (t) => {
  const app = await buildTestApp(t)
  const { campaign } = await createAd(app, { slot: SIDEBAR })
  await createAd(app, { slot: { ...SIDEBAR, key: 'footer' }, creative: { status: 'paused' } })
  t.equal(await adFor(t, app, 'footer'), null)
  t.equal((await patch(app, `/v1/ad-campaigns/${campaign.id}`, { slotKeys: ['sidebar', 'footer'] })).statusCode, 200)
  t.match(await adFor(t, app, 'footer'), { campaignId: campaign.id })
})
