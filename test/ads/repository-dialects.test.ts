import { asc, sql } from 'drizzle-orm'
import t from 'tap'
import { createAdCounters, type CampaignLimits, type CountKey } from '../../src/ads/counters.js'
import { createAdsRepository } from '../../src/ads/repository.js'
import { createAdStatsRepository } from '../../src/ads/stats-repository.js'
import type { Connected } from '../../src/db/connect.js'
import { InUseError } from '../../src/lib/errors.js'
import { testDatabases } from '../support/databases.js'

// The ads repositories and counters on both databases: the flush's upserts and used-token
// inserts, the stats sums, and the slot, campaign and creative writes.

const NOW = '2031-03-01T10:00:00.000Z'
const EXPIRES = Math.floor(new Date('2999-01-01').getTime() / 1000)
const silent = { error () {}, info () {}, warn () {} } as never

function setup (db: Connected) {
  const repo = createAdsRepository(db)
  const stats = createAdStatsRepository(db)
  let campaigns: CampaignLimits[] = []
  const completed: number[][] = []
  const counters = createAdCounters(db, silent, {
    campaigns: () => campaigns,
    onLimitsChanged: async (ids) => { completed.push(ids) },
    now: () => new Date(NOW),
    flushEarly: () => counters.flush()
  })
  const statsRows = () => db.all(db.orm.select().from(db.tables.adStatsDaily)
    .orderBy(asc(db.tables.adStatsDaily.day), asc(db.tables.adStatsDaily.slotKey), asc(db.tables.adStatsDaily.creativeId)))
  return { repo, stats, counters, statsRows, completed, setCampaigns: (c: CampaignLimits[]) => { campaigns = c } }
}

const slot = (key: string) => ({ key, name: key, placement: 'sidebar', sizes: [[300, 250]] })
const campaign = (slotKeys: string[], limits: Partial<CampaignLimits['limits'] & { dailyImpressions: number | null }> = {}) => {
  const all = { impressions: null, clicks: null, dailyImpressions: null, ...limits }
  return { name: 'Spring', advertiser: 'Harbour Lines', status: 'active', slotKeys, limits: all, targeting: { include: {}, exclude: {} } }
}
const creative = (campaignId: number) => ({ campaignId, name: 'Ferry', kind: 'image', imageUrl: 'https://cdn.example/f.webp', alt: 'A ferry', targetUrl: 'https://harbour.example/', width: 300, height: 250 })

for (const [name, open] of testDatabases) {
  t.test(`${name}: two flushes add up, in one row per day, slot, campaign and creative`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { counters, statsRows } = setup(db)
    const key: CountKey = { day: '2031-03-01', slotKey: 'top', campaignId: 3, creativeId: 4 }
    counters.served('2031-03-01', 'top', 3, 4)
    counters.served('2031-03-01', 'empty', 0, 0)
    t.ok(await counters.event(key, 'impressions', { id: 'ia.0', expiresAt: EXPIRES }))
    await counters.event(key, 'clicks')
    await counters.flush()
    counters.served('2031-03-01', 'top', 3, 4)
    t.ok(await counters.event(key, 'impressions', { id: 'ib.0', expiresAt: EXPIRES }))
    t.ok(await counters.event(key, 'clicks', { id: 'cb.0', expiresAt: EXPIRES }))
    await counters.flush()
    t.same(await statsRows(), [
      { day: '2031-03-01', slotKey: 'empty', campaignId: 0, creativeId: 0, requests: 1, fills: 0, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 },
      { day: '2031-03-01', slotKey: 'top', campaignId: 3, creativeId: 4, requests: 2, fills: 2, impressions: 2, clicks: 1, filteredImpressions: 0, filteredClicks: 1 }
    ])
    t.ok(counters.isEmpty())
  })

  t.test(`${name}: a used token replayed after memory dropped it counts once, decided by ad_used_tokens at the flush`, async (t) => {
    const db = await open(t)
    if (!db) return
    const first = setup(db)
    const key: CountKey = { day: '2031-03-01', slotKey: 'top', campaignId: 3, creativeId: 4 }
    await first.counters.event(key, 'impressions', { id: 'ia.0', expiresAt: EXPIRES })
    await first.counters.flush()
    // A second process (or a restart): nothing of the first in memory.
    const second = setup(db)
    await second.counters.load()
    t.equal(second.counters.delivered.impressions(3), 1, 'the totals are read back')
    t.ok(await second.counters.event(key, 'impressions', { id: 'ia.0', expiresAt: EXPIRES }), 'counted for now')
    t.ok(await second.counters.event(key, 'impressions', { id: 'ib.0', expiresAt: EXPIRES }))
    t.equal(second.counters.delivered.impressions(3), 3)
    await second.counters.flush()
    t.match(await second.statsRows(), [{ impressions: 2, filteredImpressions: 1 }], 'the replay moved to filtered')
    t.equal(second.counters.delivered.impressions(3), 2, 'and left the totals')
    const used = await db.all<{ n: number }>(sql`select count(*) as "n" from ad_used_tokens`)
    t.same(used, [{ n: 2 }])
  })

  t.test(`${name}: a flush completes an active campaign at its limit, in the same transaction, and not a paused one`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { repo, counters, completed, setCampaigns } = setup(db)
    await repo.slots.create(slot('top'), NOW)
    const capped = await repo.campaigns.create(campaign(['top'], { impressions: 2 }), NOW)
    const paused = await repo.campaigns.create({ ...campaign(['top'], { clicks: 1 }), status: 'paused' }, NOW)
    setCampaigns([capped, paused])
    const at = (c: { id: number }): CountKey => ({ day: '2031-03-01', slotKey: 'top', campaignId: c.id, creativeId: 1 })
    await counters.event(at(capped), 'impressions', { id: 'i1.0', expiresAt: EXPIRES })
    await counters.event(at(paused), 'clicks', { id: 'c1.0', expiresAt: EXPIRES })
    await counters.flush()
    t.same(completed, [], 'one impression of two: still active')
    await counters.event(at(capped), 'impressions', { id: 'i1.0', expiresAt: EXPIRES })
    await counters.event(at(capped), 'impressions', { id: 'i2.0', expiresAt: EXPIRES })
    await counters.flush()
    t.same(completed, [[capped.id]])
    const after = await repo.campaigns.get(capped.id)
    t.match(after, { status: 'completed', revision: 2, updatedAt: NOW })
    t.match(await repo.campaigns.get(paused.id), { status: 'paused', revision: 1 })
  })

  t.test(`${name}: a replay does not complete a campaign: the limit is checked without it`, async (t) => {
    const db = await open(t)
    if (!db) return
    const first = setup(db)
    const capped = await first.repo.campaigns.create(campaign([], { impressions: 2 }), NOW)
    const key: CountKey = { day: '2031-03-01', slotKey: 'top', campaignId: capped.id, creativeId: 1 }
    await first.counters.event(key, 'impressions', { id: 'i1.0', expiresAt: EXPIRES })
    await first.counters.flush()
    const second = setup(db)
    await second.counters.load()
    second.setCampaigns([capped])
    await second.counters.event(key, 'impressions', { id: 'i1.0', expiresAt: EXPIRES })
    await second.counters.flush()
    t.same(second.completed, [])
    t.match(await second.repo.campaigns.get(capped.id), { status: 'active' })
  })

  t.test(`${name}: stats totals sum per day, slot, campaign and creative over the days asked`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { counters, stats } = setup(db)
    for (const [day, slotKey, campaignId, creativeId] of [['2031-03-01', 'b-top', 10, 100], ['2031-03-01', 'a-side', 10, 101], ['2031-03-02', 'b-top', 9, 90], ['2031-03-03', 'b-top', 10, 100]] as const) {
      counters.served(day, slotKey, campaignId, creativeId)
      await counters.event({ day, slotKey, campaignId, creativeId }, 'impressions', { id: `i${day}${creativeId}`, expiresAt: EXPIRES })
    }
    await counters.event({ day: '2031-03-01', slotKey: 'b-top', campaignId: 10, creativeId: 100 }, 'clicks', { id: 'cx', expiresAt: EXPIRES })
    await counters.flush()
    const row = (key: string, n: { requests: number, impressions: number, clicks?: number }) =>
      ({ key, requests: n.requests, fills: n.requests, impressions: n.impressions, clicks: n.clicks ?? 0, filteredImpressions: 0, filteredClicks: 0, ctr: n.impressions > 0 ? Math.round(((n.clicks ?? 0) / n.impressions) * 10_000) / 10_000 : 0 })
    t.same(await stats.totals('2031-03-01', '2031-03-02', 'day'), [row('2031-03-01', { requests: 2, impressions: 2, clicks: 1 }), row('2031-03-02', { requests: 1, impressions: 1 })])
    t.same(await stats.totals('2031-03-01', '2031-03-03', 'slot'), [row('a-side', { requests: 1, impressions: 1 }), row('b-top', { requests: 3, impressions: 3, clicks: 1 })])
    t.same(await stats.totals('2031-03-01', '2031-03-03', 'campaign'), [row('9', { requests: 1, impressions: 1 }), row('10', { requests: 3, impressions: 3, clicks: 1 })], 'numeric keys in numeric order')
    t.same(await stats.totals('2031-03-02', '2031-03-03', 'creative'), [row('90', { requests: 1, impressions: 1 }), row('100', { requests: 1, impressions: 1 })])
    t.same(await stats.totals('2030-01-01', '2030-12-31', 'day'), [])
  })

  t.test(`${name}: slot, campaign and creative writes: revisions, a rename carried into campaigns, a slot in use kept`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { repo } = setup(db)
    const top = await repo.slots.create(slot('top'), NOW)
    const side = await repo.slots.create({ ...slot('side'), enabled: false, sizeMapping: [{ minWidth: 0, sizes: 'fluid' }] }, NOW)
    t.match(side, { enabled: false, allowTopNavigation: false, sizeMapping: [{ minWidth: 0, sizes: 'fluid' }], revision: 1, createdAt: NOW })
    t.ok(await repo.slots.keyTaken('top'))
    t.notOk(await repo.slots.keyTaken('top', top.id), 'its own key is not taken')
    t.same([...await repo.slots.existingKeys(['top', 'nowhere', 'side'])].sort(), ['side', 'top'])
    t.match(await repo.slots.findByIdOrKey(String(side.id)), { key: 'side' })
    t.match(await repo.slots.findByIdOrKey('top'), { id: top.id })

    const c = await repo.campaigns.create(campaign(['top', 'side']), NOW)
    const other = await repo.campaigns.create(campaign(['side']), NOW)
    const later = '2031-03-02T00:00:00.000Z'
    const renamed = await repo.slots.update(top.id, { key: 'header' }, later)
    t.match(renamed, { key: 'header', revision: 2, updatedAt: later })
    t.match(await repo.campaigns.get(c.id), { slotKeys: ['header', 'side'], revision: 2, updatedAt: later }, 'the campaign follows the new key')
    t.match(await repo.campaigns.get(other.id), { slotKeys: ['side'], revision: 1 }, 'a campaign without it is untouched')

    await t.rejects(repo.slots.remove(side.id), InUseError, 'a slot campaigns list is kept')
    t.ok(await repo.slots.findByIdOrKey('side'))
    await t.rejects(repo.slots.update(side.id, { name: 'x' }, later, () => { throw new Error('412') }), /412/, 'a failed check writes nothing')
    t.match(await repo.slots.get(side.id), { name: 'side', revision: 1 })
    t.equal(await repo.slots.update(9999, { name: 'x' }, later), undefined)

    const ad = await repo.creatives.create(creative(c.id), NOW)
    const checked: number[] = []
    const changed = await repo.creatives.update(ad.id, { weight: 3 }, later, async (row, tx) => {
      checked.push((await repo.campaigns.get(row.campaignId, tx))!.id)
    })
    t.same(checked, [c.id], 'the check reads through the transaction')
    t.match(changed, { weight: 3, revision: 2 })
    t.same((await repo.creatives.list({ limit: 10, where: repo.creatives.filterCampaign(c.id) })).map((r) => r.id), [ad.id])
    t.same((await repo.campaigns.list({ limit: 1 })).map((r) => r.id), [c.id, other.id], 'a page asks one more row than its limit')
    t.same((await repo.campaigns.list({ limit: 10, afterId: c.id, where: repo.campaigns.filterStatus('active') })).map((r) => r.id), [other.id])

    t.ok(await repo.campaigns.remove(c.id))
    t.equal(await repo.creatives.get(ad.id), undefined, 'its creatives go with it')
    t.notOk(await repo.campaigns.remove(c.id), 'false once gone')
    const snapshot = await repo.snapshot()
    t.same(snapshot.slots.map((s) => s.key), ['header', 'side'], 'the snapshot in id order')
    t.same(snapshot.campaigns.map((x) => x.id), [other.id])
    t.same(snapshot.creatives, [])
  })
}
