import t from 'tap'
import type { CampaignRow, CreativeRow, SlotRow } from '../../src/ads/repository.js'
import { campaignLive, selectAds, sizeFits, slotSizes, targetingMatches, type Delivered, type PageContext, type Snapshot } from '../../src/ads/selection.js'

// Unit tests of ad selection with a seeded random source: tier, then priority, then a
// weighted draw; eligibility rules; no campaign or creative twice in one call.

/** mulberry32: a small seeded PRNG returning [0, 1), so the statistical tests are deterministic. */
function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const T = '2031-03-01T12:00:00.000Z'

function slot (key: string, sizes: SlotRow['sizes'] = [[300, 250]], sizeMapping: SlotRow['sizeMapping'] = null): SlotRow {
  return { id: 1, key, name: key, description: null, placement: 'sidebar', sizes, sizeMapping, label: 'Advertisement', inArticle: null, enabled: true, allowTopNavigation: false, revision: 1, createdAt: T, updatedAt: T }
}

function campaign (id: number, partial: Partial<CampaignRow> = {}): CampaignRow {
  return {
    id,
    name: `Campaign ${id}`,
    advertiser: 'Advertiser',
    tier: 'standard',
    priority: 5,
    weight: 1,
    status: 'active',
    startsAt: null,
    endsAt: null,
    limits: { impressions: null, clicks: null, dailyImpressions: null },
    targeting: { include: {}, exclude: {} },
    slotKeys: ['sidebar'],
    revision: 1,
    createdAt: T,
    updatedAt: T,
    ...partial
  }
}

function creative (id: number, campaignId: number, partial: Partial<CreativeRow> = {}): CreativeRow {
  return {
    id,
    campaignId,
    name: `Creative ${id}`,
    kind: 'image',
    imageUrl: 'https://cdn.example.com/a.png',
    alt: 'An ad',
    html: null,
    targetUrl: 'https://advertiser.example/',
    width: 300,
    height: 250,
    weight: 1,
    status: 'active',
    revision: 1,
    createdAt: T,
    updatedAt: T,
    ...partial
  }
}

const ctx: PageContext = { article: null, device: 'desktop', viewportWidth: undefined, now: new Date(T) }
const nothingDelivered: Delivered = { impressions: () => 0, clicks: () => 0, dailyImpressions: () => 0 }

/** Draws `n` times for the sidebar and counts the campaign ids chosen (0 for none). */
function draws (snapshot: Snapshot, n: number, random: () => number, by: 'campaign' | 'creative' = 'campaign'): Map<number, number> {
  const counts = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const pick = selectAds(snapshot, [slot('sidebar')], ctx, nothingDelivered, random).get('sidebar')
    const id = pick ? (by === 'campaign' ? pick.campaign.id : pick.creative.id) : 0
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

t.test('selectAds → the tier beats priority and weight: sponsorship over standard over house', async (t) => {
  const snapshot: Snapshot = {
    slots: [],
    campaigns: [
      campaign(1, { tier: 'house', priority: 10, weight: 1000 }),
      campaign(2, { tier: 'standard', priority: 10, weight: 1000 }),
      campaign(3, { tier: 'sponsorship', priority: 1, weight: 1 })
    ],
    creatives: [creative(1, 1, { weight: 1000 }), creative(2, 2, { weight: 1000 }), creative(3, 3)]
  }
  t.same([...draws(snapshot, 500, mulberry32(1))], [[3, 500]], 'sponsorship every time')
  snapshot.campaigns[2]!.status = 'paused'
  t.same([...draws(snapshot, 500, mulberry32(2))], [[2, 500]], 'without it, standard every time')
  snapshot.campaigns[1]!.status = 'paused'
  t.same([...draws(snapshot, 500, mulberry32(3))], [[1, 500]], 'house fills what is left')
})

t.test('selectAds → within a tier, priority 10 beats priority 1 whatever the weights', async (t) => {
  const snapshot: Snapshot = {
    slots: [],
    campaigns: [campaign(1, { priority: 1, weight: 1000 }), campaign(2, { priority: 10 }), campaign(3, { priority: 9, weight: 1000 })],
    creatives: [creative(1, 1), creative(2, 2), creative(3, 3)]
  }
  t.same([...draws(snapshot, 500, mulberry32(4))], [[2, 500]])
})

t.test('selectAds → campaign weights 1:3 share 3000 draws about 25%/75% (±4 points, seeded)', async (t) => {
  const snapshot: Snapshot = {
    slots: [],
    campaigns: [campaign(1, { weight: 1 }), campaign(2, { weight: 3 })],
    creatives: [creative(1, 1), creative(2, 2)]
  }
  for (const seed of [42, 7, 2025]) {
    const counts = draws(snapshot, 3000, mulberry32(seed))
    const light = (counts.get(1) ?? 0) / 3000
    const heavy = (counts.get(2) ?? 0) / 3000
    t.equal((counts.get(1) ?? 0) + (counts.get(2) ?? 0), 3000, 'every draw fills the slot')
    t.ok(Math.abs(light - 0.25) <= 0.04, `seed ${seed}: weight 1 got ${(light * 100).toFixed(1)}%`)
    t.ok(Math.abs(heavy - 0.75) <= 0.04, `seed ${seed}: weight 3 got ${(heavy * 100).toFixed(1)}%`)
  }
})

t.test('selectAds → creative weights 1:3 inside one campaign share the draws about 25%/75%', async (t) => {
  const snapshot: Snapshot = { slots: [], campaigns: [campaign(1)], creatives: [creative(1, 1, { weight: 1 }), creative(2, 1, { weight: 3 })] }
  const counts = draws(snapshot, 3000, mulberry32(99), 'creative')
  t.ok(Math.abs((counts.get(1) ?? 0) / 3000 - 0.25) <= 0.04, `weight 1 got ${counts.get(1)} of 3000`)
  t.ok(Math.abs((counts.get(2) ?? 0) / 3000 - 0.75) <= 0.04, `weight 3 got ${counts.get(2)} of 3000`)
})

t.test('selectAds → the weight of a candidate is campaign weight × creative weight', async (t) => {
  const snapshot: Snapshot = {
    slots: [],
    campaigns: [campaign(1, { weight: 4 }), campaign(2, { weight: 1 })],
    creatives: [creative(1, 1, { weight: 1 }), creative(2, 2, { weight: 4 })]
  }
  const counts = draws(snapshot, 3000, mulberry32(5))
  t.ok(Math.abs((counts.get(1) ?? 0) / 3000 - 0.5) <= 0.04, `4×1 against 1×4: ${counts.get(1)} of 3000`)
})

t.test('selectAds → deterministic: the same seed gives the same picks, a fixed random the same pick every time', async (t) => {
  const snapshot: Snapshot = {
    slots: [],
    campaigns: [campaign(1, { weight: 2 }), campaign(2, { weight: 3 }), campaign(3, { weight: 5 })],
    creatives: [creative(1, 1), creative(2, 2), creative(3, 3)]
  }
  const sequence = (random: () => number) => Array.from({ length: 50 }, () => selectAds(snapshot, [slot('sidebar')], ctx, nothingDelivered, random).get('sidebar')!.campaign.id)
  t.same(sequence(mulberry32(11)), sequence(mulberry32(11)))
  t.same(new Set(sequence(mulberry32(11))), new Set([1, 2, 3]), 'and every candidate gets drawn')
  t.same(new Set(sequence(() => 0)), new Set([1]), 'random 0: the first candidate')
  t.same(new Set(sequence(() => 0.25)), new Set([2]), 'random 0.25 lands in the second weight band (0.2 to 0.5)')
  t.same(new Set(sequence(() => 0.999999)), new Set([3]), 'random just under 1: the last')
})

t.test('selectAds → no campaign or creative fills two slots of one call', async (t) => {
  const slots = [slot('a'), slot('b'), slot('c')]
  const oneCampaign: Snapshot = { slots, campaigns: [campaign(1, { slotKeys: ['a', 'b', 'c'] })], creatives: [creative(1, 1), creative(2, 1)] }
  const picks = selectAds(oneCampaign, slots, ctx, nothingDelivered, mulberry32(3))
  t.equal(picks.get('a')?.campaign.id, 1)
  t.equal(picks.get('b'), null)
  t.equal(picks.get('c'), null)
  const three: Snapshot = { slots, campaigns: [1, 2, 3].map((id) => campaign(id, { slotKeys: ['a', 'b', 'c'] })), creatives: [creative(1, 1), creative(2, 2), creative(3, 3)] }
  for (let i = 0; i < 100; i++) {
    const all = selectAds(three, slots, ctx, nothingDelivered, Math.random)
    t.same(new Set([...all.values()].map((p) => p?.campaign.id)).size, 3)
  }
})

t.test('campaignLive → status, schedule boundaries and limits', async (t) => {
  const at = (iso: string): PageContext => ({ ...ctx, now: new Date(iso) })
  const scheduled = campaign(1, { startsAt: '2031-03-01T12:00:00.000Z', endsAt: '2031-03-02T00:00:00.000Z' })
  t.equal(campaignLive(scheduled, at('2031-03-01T11:59:59.999Z'), nothingDelivered), false, 'one ms before startsAt')
  t.equal(campaignLive(scheduled, at('2031-03-01T12:00:00.000Z'), nothingDelivered), true, 'at startsAt')
  t.equal(campaignLive(scheduled, at('2031-03-01T23:59:59.999Z'), nothingDelivered), true, 'one ms before endsAt')
  t.equal(campaignLive(scheduled, at('2031-03-02T00:00:00.000Z'), nothingDelivered), false, 'at endsAt')
  for (const status of ['draft', 'paused', 'completed'] as const) t.equal(campaignLive(campaign(1, { status }), ctx, nothingDelivered), false, status)
  const limited = campaign(7, { limits: { impressions: 3, clicks: 2, dailyImpressions: 1 } })
  const delivered = (impressions: number, clicks: number, daily: number): Delivered => ({ impressions: () => impressions, clicks: () => clicks, dailyImpressions: (_id, day) => (day === '2031-03-01' ? daily : 0) })
  t.equal(campaignLive(limited, ctx, delivered(2, 1, 0)), true)
  t.equal(campaignLive(limited, ctx, delivered(3, 1, 0)), false, 'impressions reached')
  t.equal(campaignLive(limited, ctx, delivered(2, 2, 0)), false, 'clicks reached')
  t.equal(campaignLive(limited, ctx, delivered(2, 1, 1)), false, 'daily impressions reached today')
  t.equal(campaignLive(limited, at('2031-03-02T00:00:00.000Z'), delivered(2, 1, 1)), true, 'and free again the next UTC day')
})

t.test('sizeFits and slotSizes → exact sizes, fluid, and the widest size-mapping rule that fits the viewport', async (t) => {
  t.equal(sizeFits([[300, 250], [300, 600]], 300, 600), true)
  t.equal(sizeFits([[300, 250]], 250, 300), false, 'width and height are not swapped')
  t.equal(sizeFits('fluid', 1, 4000), true)
  const mapped = slot('leader', [[320, 50]], [{ minWidth: 1024, sizes: [[970, 250]] }, { minWidth: 768, sizes: [[728, 90]] }])
  t.same(slotSizes(mapped, undefined), [[320, 50]])
  t.same(slotSizes(mapped, 767), [[320, 50]])
  t.same(slotSizes(mapped, 768), [[728, 90]])
  t.same(slotSizes(mapped, 1440), [[970, 250]])
})

t.test('targetingMatches → include lists all match, exclude lists any match', async (t) => {
  const page: PageContext = { ...ctx, article: { slug: 'ferry-news', category: 'world', tags: ['ferries', 'harbour'], author: 'jane-doe' }, device: 'mobile' }
  t.equal(targetingMatches({ include: {}, exclude: {} }, page), true)
  t.equal(targetingMatches({ include: { categories: ['world'], tags: ['harbour'], devices: ['mobile'] }, exclude: {} }, page), true)
  t.equal(targetingMatches({ include: { categories: ['world'], authors: ['sam-roe'] }, exclude: {} }, page), false)
  t.equal(targetingMatches({ include: { tags: [] }, exclude: { tags: [] } }, page), true, 'empty lists constrain nothing')
  t.equal(targetingMatches({ include: {}, exclude: { articles: ['ferry-news'] } }, page), false)
  t.equal(targetingMatches({ include: {}, exclude: { devices: ['desktop'] } }, page), true)
  t.equal(targetingMatches({ include: { categories: ['world'] }, exclude: {} }, { ...page, article: null }), false, 'no article matches no include list')
})
