// Ad impression, click and serve counters: buffered in memory, flushed to the database in one transaction.
import { sql } from 'drizzle-orm'
import type { Log } from '../lib/log.js'
import type { Db } from '../db/client.js'
import { adStatsDaily, adUsedTokens } from '../db/schema.js'
import { createCache } from '../lib/cache.js'
import type { Delivered } from './selection.js'

type Metric = 'requests' | 'fills' | 'impressions' | 'clicks' | 'filteredImpressions' | 'filteredClicks'
type Counts = Record<Metric, number>

const zero = (): Counts => ({ requests: 0, fills: 0, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 })

export interface CountKey { day: string, slotKey: string, campaignId: number, creativeId: number }

/** Used tokens waiting for a flush: at this many, the next new one flushes first. */
export const PENDING_TOKENS_MAX = 10_000
/** Flushed tokens kept in memory so a quick replay (a second beacon, a double click) reads no row. */
export const RECENT_TOKENS_MAX = 10_000
/** After a failed early flush, the next try waits this long (a broken database is not retried per event). */
const EARLY_FLUSH_BACKOFF_MS = 1000

/**
 * Ad counters buffered in memory and written in one transaction per flush (every few
 * seconds and at shutdown), so serving and beacons never write to the database. Campaign
 * totals stay in memory too (loaded once, then counted), so limits see unflushed events.
 *
 * Used impression and click tokens: ad_used_tokens holds every used, unexpired token once
 * flushed (expired rows are deleted at each flush, when the event route already refuses their
 * links); memory holds only the tokens not yet flushed (at most PENDING_TOKENS_MAX: a new one
 * past that flushes first, and counts as filtered if the flush fails) and the last
 * RECENT_TOKENS_MAX flushed ones. A token in neither is looked up by primary key. So at most
 * 20,000 ids of ~30 characters stay in memory (under 4 MB) whatever the traffic, and a replay
 * never counts twice: a used token is always pending or in the table, and leaves the pending
 * set only in the transaction that writes it.
 */
export function createAdCounters (db: Db, log: Log, opts: {
  onLimitsChanged: (campaignIds: number[]) => void
  now: () => Date
  /** Called when the pending tokens reach their cap: flushes everything (the engine's flush). */
  flushEarly: () => void
  pendingTokensMax?: number
  recentTokensMax?: number
}) {
  const pendingMax = opts.pendingTokensMax ?? PENDING_TOKENS_MAX
  const recentMax = opts.recentTokensMax ?? RECENT_TOKENS_MAX
  let pending = new Map<string, { key: CountKey, counts: Counts }>()
  let pendingTokens = new Map<string, number>()
  const recentTokens = createCache<string, true>({ max: recentMax })
  let earlyFlushAfter = 0
  const storedToken = db.$client.prepare<[number, string], number>('select 1 from ad_used_tokens where expires_at = ? and id = ?').pluck()
  const totals = new Map<number, { impressions: number, clicks: number, daily: Map<string, number> }>()

  for (const row of db.all<{ campaignId: number, day: string, impressions: number, clicks: number }>(sql`
    select campaign_id as campaignId, day, sum(impressions) as impressions, sum(clicks) as clicks
    from ad_stats_daily where campaign_id != 0 group by campaign_id, day`)) {
    const t = totalsOf(row.campaignId)
    t.impressions += row.impressions
    t.clicks += row.clicks
    t.daily.set(row.day, (t.daily.get(row.day) ?? 0) + row.impressions)
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

    /** True the first time a token id is seen (remembered until it expires; see above for where). */
    firstUse (id: string, expiresAt: number): boolean {
      if (pendingTokens.has(id) || recentTokens.has(id) || storedToken.get(expiresAt, id) !== undefined) return false
      if (pendingTokens.size >= pendingMax) {
        const now = Date.now()
        if (now >= earlyFlushAfter) {
          try { opts.flushEarly() } catch (err) { log.error({ err }, 'an early flush of ad counters failed') }
        }
        // Still full: the database refused the flush. Not remembering the token could let it
        // count twice, so this use counts as filtered instead.
        if (pendingTokens.size >= pendingMax) { earlyFlushAfter = now + EARLY_FLUSH_BACKOFF_MS; return false }
      }
      pendingTokens.set(id, expiresAt)
      return true
    },

    /** How many token ids memory holds (pending and recent); never above pendingTokensMax + recentTokensMax. */
    tokensInMemory (): number {
      return pendingTokens.size + recentTokens.size
    },

    /** Writes every buffered count and used token in one transaction; completes campaigns at a limit. */
    flush (campaigns: Array<{ id: number, status: string, limits: { impressions: number | null, clicks: number | null } }>): void {
      const batch = pending
      const tokens = pendingTokens
      if (batch.size === 0 && tokens.size === 0) return
      pending = new Map()
      pendingTokens = new Map()
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
          for (const [id, expiresAt] of tokens) tx.insert(adUsedTokens).values({ id, expiresAt }).onConflictDoNothing().run()
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
        for (const [id, expiresAt] of pendingTokens) tokens.set(id, expiresAt)
        pendingTokens = tokens
        log.error({ err }, 'flushing ad counters failed; keeping them for the next flush')
        return
      }
      // Oldest out first. An expired id left here is harmless: its link is refused before firstUse.
      for (const id of tokens.keys()) recentTokens.set(id, true)
      if (completed.length > 0) {
        log.info({ campaignIds: completed }, 'campaigns reached a limit and are completed')
        opts.onLimitsChanged(completed)
      }
    },

    /** True when nothing waits to be written. */
    isEmpty (): boolean {
      return pending.size === 0 && pendingTokens.size === 0
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
