// Publishes scheduled articles at their time, without a request.
import type { Log } from '../lib/log.js'
import type { ArticlesRepository } from './repository.js'

// Look again at least once a minute: another process (the import CLI, a second server on
// the same file) may have scheduled something earlier than what this timer waits for.
const MAX_DELAY_MS = 60_000

/**
 * Publishes scheduled articles at their time without any request: one timer for the next
 * due article, re-armed after every write that can change the schedule and after each run.
 * Reads never depend on it (a due article is already visible), and on start it publishes
 * whatever came due while the server was down.
 */
export function createScheduler (repo: ArticlesRepository, log: Log, now: () => Date = () => new Date(), onPublished: () => void = () => {}) {
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  async function run (): Promise<void> {
    timer = undefined
    if (stopped) return
    try {
      const ids = await repo.publishDue(now().toISOString())
      if (ids.length > 0) {
        log.info({ articleIds: ids }, 'published scheduled articles')
        onPublished()
      }
    } catch (err) {
      log.error({ err }, 'publishing scheduled articles failed; retrying in a minute')
      arm(60_000)
      return
    }
    await rearm()
  }

  function arm (delay: number) {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => { run().catch((err: unknown) => { log.error({ err }, 'the publication timer failed') }) }, Math.max(0, Math.min(delay, MAX_DELAY_MS)))
    timer.unref()
  }

  /**
   * Looks up the next scheduled article and sets the timer for it. A failed lookup (the
   * database gone for a moment) is logged and tried again within MAX_DELAY_MS: the write that
   * asked for it has succeeded and must not fail for it.
   */
  async function rearm (): Promise<void> {
    if (stopped) return
    let next: string | undefined
    try {
      next = await repo.nextScheduledAt()
    } catch (err) {
      log.error({ err }, 'looking up the next scheduled article failed; looking again in a minute')
      arm(MAX_DELAY_MS)
      return
    }
    if (!stopped) arm(next === undefined ? MAX_DELAY_MS : Date.parse(next) - now().getTime())
  }

  return {
    start: run,
    rearm,
    stop () {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
    }
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
