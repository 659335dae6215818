// Ad selection: which campaigns are live, which targeting matches a page, which creative fits a slot.
import type { AdSizes, AdTargetingSet } from '../db/schema.js'
import type { CampaignRow, CreativeRow, SlotRow } from './repository.js'

export type Device = 'mobile' | 'tablet' | 'desktop'

/** What targeting can see of the page: its article (if any) and the device. */
export interface PageContext {
  article: { slug: string, category: string | null, tags: string[], author: string | null } | null
  device: Device
  viewportWidth: number | undefined
  now: Date
}

/** Impressions and clicks delivered so far, counted and not yet flushed included. */
export interface Delivered {
  impressions: (campaignId: number) => number
  clicks: (campaignId: number) => number
  dailyImpressions: (campaignId: number, day: string) => number
}

export interface Snapshot { slots: SlotRow[], campaigns: CampaignRow[], creatives: CreativeRow[] }
export interface Pick { slot: SlotRow, campaign: CampaignRow, creative: CreativeRow }

const TIER_RANK: Record<CampaignRow['tier'], number> = { sponsorship: 3, standard: 2, house: 1 }

/** The sizes a slot accepts for this viewport: the widest size-mapping rule that fits, else its sizes. */
export function slotSizes (slot: SlotRow, viewportWidth: number | undefined): AdSizes {
  if (viewportWidth === undefined || !slot.sizeMapping?.length) return slot.sizes
  const rule = [...slot.sizeMapping].sort((a, b) => b.minWidth - a.minWidth).find((r) => r.minWidth <= viewportWidth)
  return rule ? rule.sizes : slot.sizes
}

/** True when a width × height ad fits one of the sizes ("fluid" takes any). */
export function sizeFits (sizes: AdSizes, width: number, height: number): boolean {
  return sizes === 'fluid' || sizes.some(([w, h]) => w === width && h === height)
}

type TargetTest = (list: string[], ctx: PageContext) => boolean
const TARGET_TESTS: Array<[keyof AdTargetingSet, TargetTest]> = [
  ['categories', (list, { article: a }) => a !== null && a.category !== null && list.includes(a.category)],
  ['tags', (list, { article: a }) => a !== null && a.tags.some((tag) => list.includes(tag))],
  ['articles', (list, { article: a }) => a !== null && list.includes(a.slug)],
  ['authors', (list, { article: a }) => a !== null && a.author !== null && list.includes(a.author)],
  ['devices', (list, ctx) => list.includes(ctx.device)]
]

/** include: every non-empty list must match; exclude: any non-empty list that matches excludes. */
function matchesSet (set: AdTargetingSet, ctx: PageContext, mode: 'include' | 'exclude'): boolean {
  for (const [field, test] of TARGET_TESTS) {
    const list = set[field]
    if (list === undefined || list.length === 0) continue
    const hit = test(list, ctx)
    if (mode === 'include' && !hit) return false
    if (mode === 'exclude' && hit) return true
  }
  return mode === 'include'
}

let lastTime = NaN
let lastIso = ''
/** date.toISOString(), remembered for the last millisecond asked: serving asks it several times a request. */
export function isoTime (date: Date): string {
  const time = date.getTime()
  if (time !== lastTime) { lastTime = time; lastIso = date.toISOString() }
  return lastIso
}

/** Contextual targeting: every non-empty include list matches, and no exclude list does. */
export function targetingMatches (targeting: CampaignRow['targeting'], ctx: PageContext): boolean {
  return matchesSet(targeting.include ?? {}, ctx, 'include') && !matchesSet(targeting.exclude ?? {}, ctx, 'exclude')
}

/** True when a campaign may deliver now: active, inside its schedule and under its limits. */
export function campaignLive (campaign: CampaignRow, ctx: PageContext, delivered: Delivered, now: string = isoTime(ctx.now)): boolean {
  if (campaign.status !== 'active') return false
  if (campaign.startsAt !== null && now < campaign.startsAt) return false
  if (campaign.endsAt !== null && now >= campaign.endsAt) return false
  const { impressions, clicks, dailyImpressions } = campaign.limits
  if (impressions !== null && delivered.impressions(campaign.id) >= impressions) return false
  if (clicks !== null && delivered.clicks(campaign.id) >= clicks) return false
  if (dailyImpressions !== null && delivered.dailyImpressions(campaign.id, now.slice(0, 10)) >= dailyImpressions) return false
  return true
}

interface Candidate { rank: number, weight: number, campaign: CampaignRow, creative: CreativeRow }

const bySlot = new WeakMap<Snapshot, Map<string, Candidate[]>>()
const rankOf = (c: CampaignRow) => TIER_RANK[c.tier] * 100 + c.priority

/**
 * The active creatives whose campaign names the slot, indexed once per snapshot: highest
 * tier and priority first, snapshot order inside a rank (a stable sort), so the weighted draw
 * sees the candidates in the same order whatever else is eligible.
 */
function slotCandidates (snapshot: Snapshot, slotKey: string): Candidate[] {
  let index = bySlot.get(snapshot)
  if (!index) { index = new Map(); bySlot.set(snapshot, index) }
  let list = index.get(slotKey)
  if (!list) {
    const named = new Map(snapshot.campaigns.filter((c) => c.slotKeys.includes(slotKey)).map((c) => [c.id, c]))
    list = snapshot.creatives
      .filter((creative) => creative.status === 'active' && named.has(creative.campaignId))
      .map((creative) => {
        const campaign = named.get(creative.campaignId)!
        return { rank: rankOf(campaign), weight: campaign.weight * creative.weight, campaign, creative }
      })
      .sort((a, b) => b.rank - a.rank)
    index.set(slotKey, list)
  }
  return list
}

/**
 * Picks an ad for each slot key in order: eligible creatives (active creative and campaign,
 * in schedule, under limits, targeting, size), the highest tier and then priority, and a
 * weighted random draw (campaign weight × creative weight) inside it. A creative or campaign
 * fills at most one slot of the call. `random` returns [0, 1) and is injectable for tests.
 * Candidates come ranked, so a slot stops at the first rank with an eligible one, and each
 * campaign's schedule, limits and targeting are checked once per call, when first met.
 */
export function selectAds (snapshot: Snapshot, slots: SlotRow[], ctx: PageContext, delivered: Delivered, random: () => number): Map<string, Pick | null> {
  const now = isoTime(ctx.now)
  // A call has a handful of slots and campaigns: small arrays, not Maps and Sets.
  const checked: number[] = []
  const passed: boolean[] = []
  const eligible = (campaign: CampaignRow) => {
    const at = checked.indexOf(campaign.id)
    if (at >= 0) return passed[at]!
    const ok = campaignLive(campaign, ctx, delivered, now) && targetingMatches(campaign.targeting, ctx)
    checked.push(campaign.id)
    passed.push(ok)
    return ok
  }
  const usedCampaigns: number[] = []
  const usedCreatives: number[] = []
  const out = new Map<string, Pick | null>()
  const top: Candidate[] = []
  for (const slot of slots) {
    const sizes = slotSizes(slot, ctx.viewportWidth)
    top.length = 0
    let total = 0
    for (const candidate of slotCandidates(snapshot, slot.key)) {
      if (top.length > 0 && candidate.rank < top[0]!.rank) break
      const { campaign, creative } = candidate
      if (usedCreatives.includes(creative.id) || usedCampaigns.includes(campaign.id)) continue
      if (!sizeFits(sizes, creative.width, creative.height) || !eligible(campaign)) continue
      top.push(candidate)
      total += candidate.weight
    }
    if (top.length === 0) { out.set(slot.key, null); continue }
    let draw = random() * total
    let chosen = top[top.length - 1]!
    for (const candidate of top) {
      draw -= candidate.weight
      if (draw < 0) { chosen = candidate; break }
    }
    usedCampaigns.push(chosen.campaign.id)
    usedCreatives.push(chosen.creative.id)
    out.set(slot.key, { slot, campaign: chosen.campaign, creative: chosen.creative })
  }
  return out
}
