import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/client.js'
import { adStatsDaily, adUsedTokens } from '../db/schema.js'
import type { Delivered } from './selection.js'

type Metric = 'requests' | 'fills' | 'impressions' | 'clicks' | 'filteredImpressions' | 'filteredClicks'
type Counts = Record<Metric, number>

const zero = (): Counts => ({ requests: 0, fills: 0, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 })

export interface CountKey { day: string, slotKey: string, campaignId: number, creativeId: number }

/**
 * Ad counters buffered in memory and written in one transaction per flush (every few
 * seconds and at shutdown), so serving and beacons never write to the database. Campaign
 * totals stay in memory too (loaded once, then counted), so limits see unflushed events.
 * Used impression and click tokens are kept the same way and persisted at each flush.
 */
export function createAdCounters (db: Db, log: FastifyBaseLogger, opts: { onLimitsChanged: (campaignIds: number[]) => void, now: () => Date }) {
  let pending = new Map<string, { key: CountKey, counts: Counts }>()
  let pendingTokens: Array<{ id: string, expiresAt: number }> = []
  const usedTokens = new Map<string, number>()
  const totals = new Map<number, { impressions: number, clicks: number, daily: Map<string, number> }>()

  for (const row of db.all<{ campaignId: number, day: string, impressions: number, clicks: number }>(sql`
    select campaign_id as campaignId, day, sum(impressions) as impressions, sum(clicks) as clicks
    from ad_stats_daily where campaign_id != 0 group by campaign_id, day`)) {
    const t = totalsOf(row.campaignId)
    t.impressions += row.impressions
    t.clicks += row.clicks
    t.daily.set(row.day, (t.daily.get(row.day) ?? 0) + row.impressions)
  }
  for (const row of db.select().from(adUsedTokens).where(sql`${adUsedTokens.expiresAt} > ${Math.floor(opts.now().getTime() / 1000)}`).all()) {
    usedTokens.set(row.id, row.expiresAt)
  }

  function totalsOf (campaignId: number) {
    let t = totals.get(campaignId)
    if (!t) { t = { impressions: 0, clicks: 0, daily: new Map() }; totals.set(campaignId, t) }
    return t
  }

  /** The pending counts of one day, slot, campaign and creative (the key object is made only for a new entry). */
  function pendingOf (day: string, slotKey: string, campaignId: number, creativeId: number): Counts {
    const id = `${day}|${slotKey}|${campaignId}|${creativeId}`
    let entry = pending.get(id)
    if (!entry) { entry = { key: { day, slotKey, campaignId, creativeId }, counts: zero() }; pending.set(id, entry) }
    return entry.counts
  }

  function add (key: CountKey, metric: Metric) {
    pendingOf(key.day, key.slotKey, key.campaignId, key.creativeId)[metric]++
    if (key.campaignId === 0) return
    if (metric === 'impressions') {
      const t = totalsOf(key.campaignId)
      t.impressions++
      t.daily.set(key.day, (t.daily.get(key.day) ?? 0) + 1)
    } else if (metric === 'clicks') {
      totalsOf(key.campaignId).clicks++
    }
  }

  /** One slot of a serve call: a request, and a fill when an ad was picked (campaign and creative 0 when none). */
  function served (day: string, slotKey: string, campaignId: number, creativeId: number): void {
    const counts = pendingOf(day, slotKey, campaignId, creativeId)
    counts.requests++
    if (creativeId !== 0) counts.fills++
  }

  const delivered: Delivered = {
    impressions: (id) => totals.get(id)?.impressions ?? 0,
    clicks: (id) => totals.get(id)?.clicks ?? 0,
    dailyImpressions: (id, day) => totals.get(id)?.daily.get(day) ?? 0
  }

  return {
    delivered,
    add,
    served,

    /** True the first time a token id is seen (and remembers it until it expires). */
    firstUse (id: string, expiresAt: number): boolean {
      if (usedTokens.has(id)) return false
      usedTokens.set(id, expiresAt)
      pendingTokens.push({ id, expiresAt })
      return true
    },

    /** Writes every buffered count and used token in one transaction; completes campaigns at a limit. */
    flush (campaigns: Array<{ id: number, status: string, limits: { impressions: number | null, clicks: number | null } }>): void {
      const batch = pending
      const tokens = pendingTokens
      if (batch.size === 0 && tokens.length === 0) return
      pending = new Map()
      pendingTokens = []
      const nowSeconds = Math.floor(opts.now().getTime() / 1000)
      let completed: number[] = []
      try {
        db.transaction((tx) => {
          for (const { key, counts } of batch.values()) {
            tx.insert(adStatsDaily).values({ ...key, ...counts }).onConflictDoUpdate({
              target: [adStatsDaily.day, adStatsDaily.slotKey, adStatsDaily.campaignId, adStatsDaily.creativeId],
              set: {
                requests: sql`requests + excluded.requests`,
                fills: sql`fills + excluded.fills`,
                impressions: sql`impressions + excluded.impressions`,
                clicks: sql`clicks + excluded.clicks`,
                filteredImpressions: sql`filtered_impressions + excluded.filtered_impressions`,
                filteredClicks: sql`filtered_clicks + excluded.filtered_clicks`
              }
            }).run()
          }
          for (const token of tokens) tx.insert(adUsedTokens).values(token).onConflictDoNothing().run()
          tx.delete(adUsedTokens).where(sql`${adUsedTokens.expiresAt} <= ${nowSeconds}`).run()
          completed = campaigns.filter((c) => c.status === 'active' && (
            (c.limits.impressions !== null && delivered.impressions(c.id) >= c.limits.impressions) ||
            (c.limits.clicks !== null && delivered.clicks(c.id) >= c.limits.clicks))).map((c) => c.id)
          for (const id of completed) {
            tx.run(sql`update ad_campaigns set status = 'completed', revision = revision + 1, updated_at = ${opts.now().toISOString()} where id = ${id} and status = 'active'`)
          }
        }, { behavior: 'immediate' })
      } catch (err) {
        // Put the counts back: the next flush tries again, nothing is lost while the process lives.
        for (const [id, entry] of batch) {
          const current = pending.get(id)
          if (!current) { pending.set(id, entry); continue }
          for (const metric of Object.keys(entry.counts) as Metric[]) current.counts[metric] += entry.counts[metric]
        }
        pendingTokens = [...tokens, ...pendingTokens]
        log.error({ err }, 'flushing ad counters failed; keeping them for the next flush')
        return
      }
      for (const [id, expiresAt] of usedTokens) if (expiresAt <= nowSeconds) usedTokens.delete(id)
      if (completed.length > 0) {
        log.info({ campaignIds: completed }, 'campaigns reached a limit and are completed')
        opts.onLimitsChanged(completed)
      }
    },

    /** True when nothing waits to be written. */
    isEmpty (): boolean {
      return pending.size === 0 && pendingTokens.length === 0
    },

    /** Counts not yet written, for tests and shutdown logs. */
    pendingCount (): number {
      let n = 0
      for (const { counts } of pending.values()) for (const v of Object.values(counts)) n += v
      return n
    }
  }
}

export type AdCounters = ReturnType<typeof createAdCounters>
