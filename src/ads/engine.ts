// The ad engine: the in-memory snapshot of slots, campaigns and creatives, and its counters.
import type { Log } from '../lib/log.js'
import type { Executor } from '../db/database.js'
import { createAdCounters } from './counters.js'
import type { AdsRepository } from './repository.js'
import type { AdStatsRepository } from './stats-repository.js'
import type { Snapshot } from './selection.js'

/**
 * The serving side of ads: slots, campaigns and creatives held in memory, and the counter
 * buffer with its flush timer. Serving reads the snapshot synchronously, so it is loaded
 * before the app answers (`load`) and reloaded, awaited, after every write to those tables
 * (`reload`): the write's answer goes out once serving sees it.
 */
export function createAdEngine (db: Executor, repos: { repo: AdsRepository, stats: AdStatsRepository }, log: Log, opts: { flushMs: number, now: () => Date }) {
  const { repo, stats } = repos
  let snapshot: Snapshot | undefined
  // Reloads may overlap: the one started last read the newest rows, so an older one never replaces it.
  let started = 0
  let held = 0
  let reloadFailed = false
  let timer: NodeJS.Timeout | undefined
  const counters = createAdCounters(db, log, {
    campaigns: () => snapshot?.campaigns ?? [],
    onLimitsChanged: () => engine.reload(),
    now: opts.now,
    flushEarly: () => engine.flush()
  })

  const engine = {
    repo,
    stats,
    counters,
    /** Reads slots, campaigns and creatives again; resolves once serving uses what it read. */
    async reload (): Promise<void> {
      const generation = ++started
      try {
        const next = await repo.snapshot()
        if (generation > held) { snapshot = next; held = generation }
        reloadFailed = false
      } catch (err) {
        // Serving goes on with what it held; the flush timer tries again.
        reloadFailed = true
        throw err
      }
    },
    /** The snapshot serving reads; loaded by `load`, so never missing while the app answers. */
    config (): Snapshot {
      if (!snapshot) throw new Error('The ad engine has not loaded its snapshot: await engine.load() first')
      return snapshot
    },
    /** Loads the snapshot and the campaigns' delivered totals: before the app answers. */
    async load (): Promise<void> {
      await Promise.all([engine.reload(), counters.load()])
    },
    /** Writes the buffered counts (waiting for a flush already running, never writing anything twice). */
    async flush (): Promise<void> {
      await counters.flush()
    },
    start (): void {
      timer = setInterval(() => {
        // A failed write is logged and kept by the counters: this never rejects.
        engine.flush().catch(() => {})
        if (reloadFailed) engine.reload().catch((err: unknown) => { log.error({ err }, 'reloading the ads failed') })
      }, opts.flushMs)
      timer.unref()
    },
    /** Stops the timer and writes what is buffered: a clean stop loses no count. */
    async stop (): Promise<void> {
      if (timer) clearInterval(timer)
      timer = undefined
      await engine.flush()
    }
  }
  return engine
}

export type AdEngine = ReturnType<typeof createAdEngine>
