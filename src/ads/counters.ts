// Ad impression, click and serve counters: buffered in memory, flushed to the database in one transaction.
import { and, eq, inArray, lte, sql } from 'drizzle-orm'
import type { Log } from '../lib/log.js'
import type { Executor } from '../db/database.js'
import { createCache } from '../lib/cache.js'
import type { Delivered } from './selection.js'

type Metric = 'requests' | 'fills' | 'impressions' | 'clicks' | 'filteredImpressions' | 'filteredClicks'
type Counts = Record<Metric, number>
/** An event a used token stands for. */
export type EventKind = 'impressions' | 'clicks'

const zero = (): Counts => ({ requests: 0, fills: 0, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0 })
const filteredOf = (kind: EventKind): Metric => (kind === 'impressions' ? 'filteredImpressions' : 'filteredClicks')

export interface CountKey { day: string, slotKey: string, campaignId: number, creativeId: number }

/** What a flush needs of a campaign to complete it at a limit. */
export interface CampaignLimits { id: number, status: string, limits: { impressions: number | null, clicks: number | null } }

interface Entry { id: string, key: CountKey, counts: Counts }
/** A used token not yet written: its expiry, and the pending entry and metric it counted under. */
interface PendingToken { expiresAt: number, entry: string, kind: EventKind }

/** Used tokens waiting for a flush: at this many, the next new one flushes first. */
export const PENDING_TOKENS_MAX = 10_000
/** Flushed tokens kept in memory so a quick replay (a second beacon, a double click) is refused at once. */
export const RECENT_TOKENS_MAX = 10_000
/** After a failed early flush, the next try waits this long (a broken database is not retried per event). */
const EARLY_FLUSH_BACKOFF_MS = 1000
// Rows per statement: under SQLite's and PostgreSQL's limits on bound parameters, with room to spare.
const COUNT_ROWS_PER_INSERT = 500
const TOKEN_ROWS_PER_INSERT = 2000

/**
 * Ad counters buffered in memory and written in one transaction per flush (every few
 * seconds and at shutdown), so serving and beacons never wait for the database. Campaign
 * totals stay in memory too (loaded once, then counted), so limits see unflushed events.
 *
 * Used impression and click tokens: ad_used_tokens holds every used, unexpired token once
 * flushed (expired rows are deleted at each flush, when the event route already refuses their
 * links). Memory holds the tokens not yet flushed (at most PENDING_TOKENS_MAX: a new one past
 * that waits for an early flush, and counts as filtered if the flush fails) and the last
 * RECENT_TOKENS_MAX handed to a flush: a replay of any of those is filtered at once. A token
 * in neither counts for now, and the table decides at the flush: its insert meets the unique
 * key of a stored one, and that event moves from counted to filtered (in the rows written and
 * in the campaign totals) before the limits are checked. So at most 20,000 ids stay in memory
 * whatever the traffic, and a replay never counts twice.
 */
export function createAdCounters (db: Executor, log: Log, opts: {
  /** The campaigns to check against their limits at a flush (the engine's snapshot). */
  campaigns: () => CampaignLimits[]
  /** Called after a flush completed campaigns at a limit (the engine reloads its snapshot). */
  onLimitsChanged: (campaignIds: number[]) => Promise<void>
  now: () => Date
  /** Called when the pending tokens reach their cap: flushes everything (the engine's flush). */
  flushEarly: () => Promise<void>
  pendingTokensMax?: number
  recentTokensMax?: number
}) {
  const { adStatsDaily, adUsedTokens, adCampaigns } = db.tables
  const pendingMax = opts.pendingTokensMax ?? PENDING_TOKENS_MAX
  const recentMax = opts.recentTokensMax ?? RECENT_TOKENS_MAX
  let pending = new Map<string, Entry>()
  let pendingTokens = new Map<string, PendingToken>()
  const recentTokens = createCache<string, true>({ max: recentMax })
  let earlyFlushAfter = 0
  let running: Promise<void> | undefined
  const totals = new Map<number, { impressions: number, clicks: number, daily: Map<string, number> }>()

  function totalsOf (campaignId: number) {
    let t = totals.get(campaignId)
    if (!t) { t = { impressions: 0, clicks: 0, daily: new Map() }; totals.set(campaignId, t) }
    return t
  }

  /** Moves `n` delivered events of one campaign and day into or out of the in-memory totals. */
  function deliver (campaignId: number, day: string, kind: EventKind, n: number) {
    if (campaignId === 0) return
    const t = totalsOf(campaignId)
    if (kind === 'clicks') { t.clicks += n; return }
    t.impressions += n
    t.daily.set(day, (t.daily.get(day) ?? 0) + n)
  }

  /** The pending entry of one day, slot, campaign and creative (the key object is made only for a new one). */
  function pendingOf (day: string, slotKey: string, campaignId: number, creativeId: number): Entry {
    const id = `${day}|${slotKey}|${campaignId}|${creativeId}`
    let entry = pending.get(id)
    if (!entry) { entry = { id, key: { day, slotKey, campaignId, creativeId }, counts: zero() }; pending.set(id, entry) }
    return entry
  }

  function add (key: CountKey, metric: Metric): Entry {
    const entry = pendingOf(key.day, key.slotKey, key.campaignId, key.creativeId)
    entry.counts[metric]++
    if (metric === 'impressions' || metric === 'clicks') deliver(key.campaignId, key.day, metric, 1)
    return entry
  }

  /** One slot of a serve call: a request, and a fill when an ad was picked (campaign and creative 0 when none). */
  function served (day: string, slotKey: string, campaignId: number, creativeId: number): void {
    const counts = pendingOf(day, slotKey, campaignId, creativeId).counts
    counts.requests++
    if (creativeId !== 0) counts.fills++
  }

  const delivered: Delivered = {
    impressions: (id) => totals.get(id)?.impressions ?? 0,
    clicks: (id) => totals.get(id)?.clicks ?? 0,
    dailyImpressions: (id, day) => totals.get(id)?.daily.get(day) ?? 0
  }

  const known = (id: string) => pendingTokens.has(id) || recentTokens.has(id)

  /** Moves a pending use from counted to filtered: it turned out to be a replay. */
  function refuse (t: PendingToken): void {
    const entry = pending.get(t.entry)!
    entry.counts[t.kind]--
    entry.counts[filteredOf(t.kind)]++
    deliver(entry.key.campaignId, entry.key.day, t.kind, -1)
  }

  /** Waits for an early flush when the pending tokens are full (at most one try per back-off). */
  async function makeRoom (): Promise<void> {
    const now = Date.now()
    if (now < earlyFlushAfter) return
    try { await opts.flushEarly() } catch (err) { log.error({ err }, 'an early flush of ad counters failed') }
    if (pendingTokens.size >= pendingMax) earlyFlushAfter = now + EARLY_FLUSH_BACKOFF_MS
  }

  /** Writes one batch in one transaction; resolves to the campaigns it completed and the replays it found. */
  async function write (batch: Map<string, Entry>, tokens: Map<string, PendingToken>) {
    const nowSeconds = Math.floor(opts.now().getTime() / 1000)
    const nowIso = opts.now().toISOString()
    return await db.transaction(async (tx) => {
      // 1. The used tokens. A row already there (a replay of a token memory no longer held)
      // is not inserted: its event moves from counted to filtered, in what is written below.
      const stored = new Set<string>()
      // In key order, as the counters below: two processes flushing into one PostgreSQL
      // database then take their row locks in the same order and never deadlock.
      const rows = [...tokens].map(([id, t]) => ({ id, expiresAt: t.expiresAt }))
        .sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      for (let i = 0; i < rows.length; i += TOKEN_ROWS_PER_INSERT) {
        const inserted = await tx.all(tx.orm.insert(adUsedTokens).values(rows.slice(i, i + TOKEN_ROWS_PER_INSERT))
          .onConflictDoNothing().returning({ id: adUsedTokens.id }))
        for (const row of inserted) stored.add(row.id)
      }
      const counts = new Map<string, Counts>()
      for (const [id, entry] of batch) counts.set(id, { ...entry.counts })
      const replays: Array<{ key: CountKey, kind: EventKind }> = []
      for (const [id, t] of tokens) {
        if (stored.has(id)) continue
        const c = counts.get(t.entry)!
        c[t.kind]--
        c[filteredOf(t.kind)]++
        replays.push({ key: batch.get(t.entry)!.key, kind: t.kind })
      }

      // 2. The counters, added to what is stored.
      const countRows = [...batch.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((e) => ({ ...e.key, ...counts.get(e.id)! }))
      const plus = (column: string) => sql`${sql.identifier('ad_stats_daily')}.${sql.identifier(column)} + excluded.${sql.identifier(column)}`
      for (let i = 0; i < countRows.length; i += COUNT_ROWS_PER_INSERT) {
        await tx.run(tx.orm.insert(adStatsDaily).values(countRows.slice(i, i + COUNT_ROWS_PER_INSERT)).onConflictDoUpdate({
          target: [adStatsDaily.day, adStatsDaily.slotKey, adStatsDaily.campaignId, adStatsDaily.creativeId],
          set: {
            requests: plus('requests'),
            fills: plus('fills'),
            impressions: plus('impressions'),
            clicks: plus('clicks'),
            filteredImpressions: plus('filtered_impressions'),
            filteredClicks: plus('filtered_clicks')
          }
        }))
      }
      await tx.run(tx.orm.delete(adUsedTokens).where(lte(adUsedTokens.expiresAt, nowSeconds)))

      // 3. The limits, on the totals without the replays (which leave them once this commits).
      const less = new Map<number, { impressions: number, clicks: number }>()
      for (const { key, kind } of replays) {
        const l = less.get(key.campaignId) ?? { impressions: 0, clicks: 0 }
        l[kind]++
        less.set(key.campaignId, l)
      }
      const completed = opts.campaigns().filter((c) => c.status === 'active' && (
        (c.limits.impressions !== null && delivered.impressions(c.id) - (less.get(c.id)?.impressions ?? 0) >= c.limits.impressions) ||
        (c.limits.clicks !== null && delivered.clicks(c.id) - (less.get(c.id)?.clicks ?? 0) >= c.limits.clicks))).map((c) => c.id)
      if (completed.length > 0) {
        await tx.run(tx.orm.update(adCampaigns).set({ status: 'completed', revision: sql`${adCampaigns.revision} + 1`, updatedAt: nowIso })
          .where(and(inArray(adCampaigns.id, completed), eq(adCampaigns.status, 'active'))))
      }
      return { completed, replays }
    })
  }

  /** Writes what is buffered now; the caller makes sure no other write runs. */
  async function flushOnce (): Promise<void> {
    const batch = pending
    const tokens = pendingTokens
    if (batch.size === 0 && tokens.size === 0) return
    pending = new Map()
    pendingTokens = new Map()
    // Recent from now on, so a replay while they are written is refused at once (oldest out
    // first; an expired id left there is harmless: its link is refused before it counts).
    for (const id of tokens.keys()) recentTokens.set(id, true)
    let written: Awaited<ReturnType<typeof write>>
    try {
      written = await write(batch, tokens)
    } catch (err) {
      // Put everything back: the next flush tries again, nothing is lost while the process lives.
      for (const [id, entry] of batch) {
        const current = pending.get(id)
        if (!current) { pending.set(id, entry); continue }
        for (const metric of Object.keys(entry.counts) as Metric[]) current.counts[metric] += entry.counts[metric]
      }
      for (const [id, t] of pendingTokens) {
        // Used again during the write, once recent had dropped it: the second use is the replay.
        if (tokens.has(id)) refuse(t)
        else tokens.set(id, t)
      }
      pendingTokens = tokens
      log.error({ err }, 'flushing ad counters failed; keeping them for the next flush')
      return
    }
    const { completed, replays } = written
    for (const { key, kind } of replays) deliver(key.campaignId, key.day, kind, -1)
    if (completed.length > 0) {
      log.info({ campaignIds: completed }, 'campaigns reached a limit and are completed')
      try { await opts.onLimitsChanged(completed) } catch (err) { log.error({ err }, 'reloading the ads after campaigns completed failed') }
    }
  }

  return {
    delivered,
    add,
    served,

    /** Reads the delivered totals of every campaign from the counters stored; once, before serving. */
    async load (): Promise<void> {
      totals.clear()
      const raw = await db.all<{ campaignId: number, day: string, impressions: number, clicks: number }>(sql`
        select ${adStatsDaily.campaignId} as "campaignId", ${adStatsDaily.day} as "day",
          sum(${adStatsDaily.impressions}) as "impressions", sum(${adStatsDaily.clicks}) as "clicks"
        from ${adStatsDaily} where ${adStatsDaily.campaignId} <> 0 group by ${adStatsDaily.campaignId}, ${adStatsDaily.day}`)
      for (const row of raw) {
        deliver(row.campaignId, row.day, 'impressions', row.impressions)
        deliver(row.campaignId, row.day, 'clicks', row.clicks)
      }
    },

    /**
     * Counts one impression or click of a verified link: `token` is its used-token id and
     * expiry, or undefined when the request itself is filtered (a bot, HEAD, expired). Resolves
     * to true when it counted, false when it was filtered; it waits only when the pending
     * tokens are full and an early flush must make room.
     */
    async event (key: CountKey, kind: EventKind, token?: { id: string, expiresAt: number }): Promise<boolean> {
      if (token !== undefined && !known(token.id) && pendingTokens.size >= pendingMax) await makeRoom()
      // Still full: the database refused the flush. Not remembering the token could let it
      // count twice, so this use counts as filtered instead.
      const counts = token !== undefined && !known(token.id) && pendingTokens.size < pendingMax
      const entry = add(key, counts ? kind : filteredOf(kind))
      if (counts) pendingTokens.set(token.id, { expiresAt: token.expiresAt, entry: entry.id, kind })
      return counts
    },

    /** How many token ids memory holds (pending and recent, which holds those being written); see above for the bound. */
    tokensInMemory (): number {
      return pendingTokens.size + recentTokens.size
    },

    /**
     * Writes every buffered count and used token in one transaction and completes campaigns at
     * a limit. One write at a time: a call during another waits for it, then writes what came
     * in meanwhile, so nothing is written twice. A failed write is logged and kept for the next.
     */
    async flush (): Promise<void> {
      // Each wait may end with another write started by a caller woken first: wait for that too.
      for (let current = running; current !== undefined; current = running) await current
      if (pending.size === 0 && pendingTokens.size === 0) return
      running = flushOnce().finally(() => { running = undefined })
      await running
    },

    /** True when nothing waits to be written and no write runs. */
    isEmpty (): boolean {
      return pending.size === 0 && pendingTokens.size === 0 && running === undefined
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
