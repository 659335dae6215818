import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import {
  adCounterTables, adStats, createAd, createSlot, GOOGLEBOT_UA, hitAdUrl, serveAds, serveOne, statsRow,
  type ServedAd
} from '../fixtures/ads.js'
import { buildTestApp, createClock, tempDir, ON_SQLITE } from '../helper.js'

// The counter buffer: serving, impressions and clicks write nothing to the database; a flush
// writes everything in one go; a graceful shutdown flushes, so a restart keeps every count.

const START = '2031-03-01T10:00:00.000Z'

/** SQLite's count of rows changed on the app's connection: any write moves it. */
async function totalChanges (app: App): Promise<number> {
  return (await app.database.get<{ n: number }>(sql`select total_changes() as "n"`))!.n
}

/** Serves the page, shows every ad (one replay), clicks the first twice; returns the ads. */
async function burst (t: Test, app: App, keys: string[], rounds: number) {
  const ads: ServedAd[] = []
  for (let i = 0; i < rounds; i++) {
    const res = await serveAds(app, `slots=${keys.join(',')}`)
    for (const key of keys) {
      const ad = (res.json() as { slots: Record<string, { ad: ServedAd | null } | null> }).slots[key]?.ad
      if (ad) ads.push(ad)
    }
  }
  for (const ad of ads) t.equal((await hitAdUrl(app, ad.impressionUrl, { method: 'POST' })).statusCode, 204)
  t.equal((await hitAdUrl(app, ads[0]!.impressionUrl)).statusCode, 204)
  t.equal((await hitAdUrl(app, ads[0]!.impressionUrl, { headers: { 'user-agent': GOOGLEBOT_UA } })).statusCode, 204)
  t.equal((await hitAdUrl(app, ads[0]!.clickUrl)).statusCode, 302)
  t.equal((await hitAdUrl(app, ads[0]!.clickUrl)).statusCode, 302)
  return ads
}

// SQLite only: total_changes() counts every row written on the connection; PostgreSQL has no
// such synchronous counter (its statistics arrive late). The same flush code is checked on
// both databases in repository-dialects.test.ts.
t.test('sqlite only: serve, impression and click write nothing to the database until a flush, which writes every count in one go', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now, env: ON_SQLITE })
  await createAd(app, { slot: { key: 'top' } })
  await createAd(app, { slot: { key: 'side' } })
  await createSlot(app, { key: 'empty' })
  const before = await adCounterTables(app)
  const changes = await totalChanges(app)
  t.same(before, { stats: [], statsCount: 0, sums: { requests: 0, fills: 0, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 }, usedTokens: 0 })
  const ads = await burst(t, app, ['top', 'side', 'empty'], 10)
  t.equal(ads.length, 20)
  t.same(await adCounterTables(app), before, 'no counter row yet')
  t.equal(await totalChanges(app), changes, 'no database write at all on the hot path')
  t.ok(app.ads.counters.pendingCount() > 0, 'the counts wait in memory')

  await app.ads.flush()
  const after = await adCounterTables(app)
  t.same(after.sums, { requests: 30, fills: 20, impressions: 20, clicks: 1, filteredImpressions: 2, filteredClicks: 1 })
  t.equal(after.statsCount, 3, 'one row per day, slot, campaign and creative (the empty slot under campaign 0)')
  t.equal(after.usedTokens, 21, '20 impression tokens and 1 click token')
  t.equal(app.ads.counters.pendingCount(), 0)
  t.ok(app.ads.counters.isEmpty())

  const settled = await totalChanges(app)
  await app.ads.flush()
  t.equal(await totalChanges(app), settled, 'an empty buffer flushes nothing')
})

t.test('GET /v1/ads/stats → serving counts one request per slot asked and one fill per ad given', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now })
  const { campaign, creative } = await createAd(app, { slot: { key: 'top' } })
  await createSlot(app, { key: 'empty' })
  for (let i = 0; i < 4; i++) t.equal((await serveAds(app, 'slots=top,empty,nowhere')).statusCode, 200)
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=slot'), [
    statsRow('empty', { requests: 4 }),
    statsRow('top', { requests: 4, fills: 4 })
  ], 'an unknown slot is not counted')
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=campaign'), [
    statsRow('0', { requests: 4 }),
    statsRow(String(campaign.id), { requests: 4, fills: 4 })
  ])
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=creative'), [
    statsRow('0', { requests: 4 }),
    statsRow(String(creative.id), { requests: 4, fills: 4 })
  ])
})

t.test('flushing twice adds, never overwrites: counts of two flushes on one day sum up', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now })
  const { creative } = await createAd(app, { slot: { key: 'top' } })
  const first = await serveOne(app, 'top')
  await hitAdUrl(app, first.impressionUrl)
  await app.ads.flush()
  const second = await serveOne(app, 'top')
  await hitAdUrl(app, second.impressionUrl)
  await hitAdUrl(app, second.clickUrl)
  await app.ads.flush()
  t.equal((await adCounterTables(app)).statsCount, 1)
  t.same(await adStats(app, 'from=2031-03-01&to=2031-03-01&groupBy=creative'), [statsRow(String(creative.id), { requests: 2, fills: 2, impressions: 2, clicks: 1, ctr: 0.5 })])
})

t.test('counts survive a graceful shutdown and restart on the same database file, and replays stay filtered', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'ads.db') }
  const first = await buildTestApp(t, { env })
  const { creative } = await createAd(first, { slot: { key: 'top' } })
  const ads = [await serveOne(first, 'top'), await serveOne(first, 'top'), await serveOne(first, 'top')]
  for (const ad of ads) t.equal((await hitAdUrl(first, ad.impressionUrl)).statusCode, 204)
  t.equal((await hitAdUrl(first, ads[0]!.clickUrl)).statusCode, 302)
  t.equal((await hitAdUrl(first, ads[1]!.impressionUrl)).statusCode, 204, 'a replay before the restart')
  t.ok(first.ads.counters.pendingCount() > 0, 'nothing flushed yet')
  await first.close()

  const second = await buildTestApp(t, { env })
  const expected = statsRow(String(creative.id), { requests: 3, fills: 3, impressions: 3, clicks: 1, filteredImpressions: 1, ctr: 0.3333 })
  t.same(await adStats(second, 'groupBy=creative'), [expected], 'every count of the first run is there')
  t.equal((await hitAdUrl(second, ads[0]!.impressionUrl)).statusCode, 204)
  t.equal((await hitAdUrl(second, ads[0]!.clickUrl)).statusCode, 302)
  t.same(await adStats(second, 'groupBy=creative'), [{ ...expected, filteredImpressions: 2, filteredClicks: 1 }], 'tokens used before the restart are still used')
  const fresh = await serveOne(second, 'top')
  t.equal((await hitAdUrl(second, fresh.impressionUrl)).statusCode, 204)
  t.same((await adStats(second, 'groupBy=creative'))[0], { ...expected, requests: 4, fills: 4, impressions: 4, filteredImpressions: 2, filteredClicks: 1, ctr: 0.25 })
})

t.test('a restart on a file database keeps limits: impressions counted before it still count toward the cap', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'ads.db') }
  const first = await buildTestApp(t, { env })
  const { campaign } = await createAd(first, { slot: { key: 'top' }, campaign: { limits: { impressions: 3 } } })
  for (let i = 0; i < 2; i++) await hitAdUrl(first, (await serveOne(first, 'top')).impressionUrl)
  await first.close()
  const second = await buildTestApp(t, { env })
  const last = await serveOne(second, 'top')
  t.equal(last.campaignId, campaign.id)
  t.equal((await hitAdUrl(second, last.impressionUrl)).statusCode, 204)
  const res = await serveAds(second, 'slots=top')
  t.equal(res.json().slots.top.ad, null, 'the third impression overall reached the cap')
})

t.test('one signed decision per serve: its ads\' links differ only in their index, and each counts once for its own ad', async (t) => {
  const app = await buildTestApp(t, { now: createClock(START).now })
  const top = await createAd(app, { slot: { key: 'top' } })
  const side = await createAd(app, { slot: { key: 'side' } })
  await createSlot(app, { key: 'empty' })
  const res = await serveAds(app, 'slots=top,empty,side')
  const slots = (res.json() as { slots: Record<string, { ad: ServedAd | null }> }).slots
  const [a, b] = [slots.top!.ad!, slots.side!.ad!]
  t.equal(slots.empty!.ad, null)
  const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1)
  t.match(tokenOf(a.impressionUrl), /^[\w~-]+\.[\w-]+\.0$/, 'the first ad is index 0')
  t.equal(tokenOf(b.impressionUrl), tokenOf(a.impressionUrl).replace(/\.0$/, '.1'), 'the second filled slot is index 1 of the same decision')
  t.equal(tokenOf(a.clickUrl), tokenOf(a.impressionUrl), 'click and impression name the same placement')
  for (const url of [a.impressionUrl, b.impressionUrl, b.impressionUrl, b.clickUrl]) t.ok([204, 302].includes((await hitAdUrl(app, url)).statusCode))
  t.same((await adStats(app, 'groupBy=creative')).filter((r) => r.key !== '0'), [
    statsRow(String(top.creative.id), { requests: 1, fills: 1, impressions: 1 }),
    statsRow(String(side.creative.id), { requests: 1, fills: 1, impressions: 1, filteredImpressions: 1, clicks: 1, ctr: 1 })
  ].sort((x, y) => (x.key < y.key ? -1 : 1)), 'each index counts for its own creative, once')
})
