// Fixed-window counters by key: what the per-address limits and the failed-authentication budget count with.
import { createCache } from './cache.js'

/** A key's count in its current window, and when that window ends (epoch ms). */
export interface WindowCount { count: number, resetAt: number }

/**
 * Where a limit keeps its counts. The in-memory store serves one process; a store shared by
 * several processes (Redis, the database) implements the same two calls and may answer with a
 * promise, which callers accept so the in-memory one costs a hot route no promise.
 */
export interface CounterStore {
  /** Counts one hit of `key`; its first hit, or the first after its window ended, opens a window of `windowMs`. */
  incr: (key: string, windowMs: number) => WindowCount | Promise<WindowCount>
  /** The key's open window, without counting; undefined when none is open. */
  peek: (key: string) => WindowCount | undefined | Promise<WindowCount | undefined>
}

/** The in-memory store answers at once. */
export interface MemoryCounterStore extends CounterStore {
  incr: (key: string, windowMs: number) => WindowCount
  peek: (key: string) => WindowCount | undefined
}

/**
 * Counts in memory, for at most `maxKeys` keys: a new key in a full store drops the key counted
 * least recently, so a flood of new addresses cannot grow it, and an address that keeps
 * counting keeps its count.
 */
export function createMemoryCounterStore (now: () => number, maxKeys = 5000): MemoryCounterStore {
  const windows = createCache<string, WindowCount>({ max: maxKeys })
  return {
    incr (key, windowMs) {
      const at = now()
      const open = windows.get(key)
      const next = open && open.resetAt > at
        ? { count: open.count + 1, resetAt: open.resetAt }
        : { count: 1, resetAt: at + windowMs }
      // Least recently counted keys go first when the store is full.
      windows.set(key, next)
      return next
    },
    peek (key) {
      // A peek is not a count: it must not keep a key from being dropped.
      const open = windows.peek(key)
      return open && open.resetAt > now() ? open : undefined
    }
  }
}
