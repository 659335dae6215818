// Reads of the daily ad counters for the stats route.
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'

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

// A fixed map from the validated group to its column: the only SQL not bound as a parameter.
const columns: Record<StatsGroup, string> = { day: 'day', slot: 'slot_key', campaign: 'campaign_id', creative: 'creative_id' }

/** Reads the daily ad counters (ad_stats_daily), which the engine's flush writes. */
export function createAdStatsRepository (db: Db) {
  return {
    /** Sums per group from `from` to `to` (UTC days, inclusive), ordered by the group's key. */
    totals (from: string, to: string, groupBy: StatsGroup): StatsRow[] {
      const column = sql.raw(columns[groupBy])
      const rows = db.all<Omit<StatsRow, 'ctr'>>(sql`
        select cast(${column} as text) as key, sum(requests) as requests, sum(fills) as fills, sum(impressions) as impressions,
          sum(clicks) as clicks, sum(filtered_impressions) as filteredImpressions, sum(filtered_clicks) as filteredClicks
        from ad_stats_daily where day >= ${from} and day <= ${to}
        group by ${column} order by ${column}`)
      return rows.map((r) => ({ ...r, ctr: r.impressions > 0 ? Math.round((r.clicks / r.impressions) * 10_000) / 10_000 : 0 }))
    }
  }
}

export type AdStatsRepository = ReturnType<typeof createAdStatsRepository>
