// Reads of the daily ad counters for the stats route, on either database.
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/database.js'

/** What the ad counters can be summed by. */
export type StatsGroup = 'day' | 'slot' | 'campaign' | 'creative'

/** The counters of one group over a range of days, with the click-through rate. */
export interface StatsRow {
  key: string
  requests: number
  fills: number
  impressions: number
  clicks: number
  filteredImpressions: number
  filteredClicks: number
  ctr: number
}

/** Reads the daily ad counters (ad_stats_daily), which the counters' flush writes; created once (`app.ads.stats`). */
export function createAdStatsRepository (db: Executor) {
  const { adStatsDaily: s } = db.tables
  // A fixed map from the validated group to its column: nothing of the request reaches the SQL text.
  const columns = { day: s.day, slot: s.slotKey, campaign: s.campaignId, creative: s.creativeId }
  return {
    /** Sums per group from `from` to `to` (UTC days, inclusive), ordered by the group's key. */
    async totals (from: string, to: string, groupBy: StatsGroup): Promise<StatsRow[]> {
      const column = columns[groupBy]
      const rows = await db.all<Omit<StatsRow, 'ctr'>>(sql`
        select cast(${column} as text) as "key", sum(${s.requests}) as "requests", sum(${s.fills}) as "fills",
          sum(${s.impressions}) as "impressions", sum(${s.clicks}) as "clicks",
          sum(${s.filteredImpressions}) as "filteredImpressions", sum(${s.filteredClicks}) as "filteredClicks"
        from ${s} where ${s.day} >= ${from} and ${s.day} <= ${to}
        group by ${column} order by ${column}`)
      // Text keys in code-point order on both: PostgreSQL's order of text follows the database's collation.
      if (groupBy === 'slot' || groupBy === 'day') rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      return rows.map((r) => ({ ...r, ctr: r.impressions > 0 ? Math.round((r.clicks / r.impressions) * 10_000) / 10_000 : 0 }))
    }
  }
}

export type AdStatsRepository = ReturnType<typeof createAdStatsRepository>
