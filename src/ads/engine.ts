// The ad engine: the in-memory snapshot of slots, campaigns and creatives, and its counters.
import type { Log } from '../lib/log.js'
import type { Db } from '../db/client.js'
import { createAdCounters } from './counters.js'
import { createAdsRepository } from './repository.js'
import type { Snapshot } from './selection.js'

/**
 * The serving side of ads: slots, campaigns and creatives held in memory (reloaded after
 * any write to them), and the counter buffer with its flush timer.
 */
export function createAdEngine (db: Db, log: Log, opts: { flushMs: number, now: () => Date }) {
  const repo = createAdsRepository(db)
  let snapshot: Snapshot | undefined
  let timer: NodeJS.Timeout | undefined
  const invalidate = () => { snapshot = undefined }
  const counters = createAdCounters(db, log, { onLimitsChanged: invalidate, now: opts.now, flushEarly: () => engine.flush() })

  const engine = {
    repo,
    counters,
    invalidate,
    config (): Snapshot {
      snapshot ??= repo.snapshot()
      return snapshot
    },
    flush (): void {
      if (!counters.isEmpty()) counters.flush(engine.config().campaigns)
    },
    start (): void {
      timer = setInterval(() => engine.flush(), opts.flushMs)
      timer.unref()
    },
    /** Stops the timer and writes what is buffered: a clean stop loses no count. */
    stop (): void {
      if (timer) clearInterval(timer)
      timer = undefined
      engine.flush()
    }
  }
  return engine
}

export type AdEngine = ReturnType<typeof createAdEngine>
