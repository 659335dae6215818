// The one in-memory cache utility (lru-cache) and the versioned memo built on it.
import { LRUCache } from 'lru-cache'

/** What a cache offers: LRUCache's own methods, so a lookup costs no wrapper call. */
export type Cache<K extends {}, V extends {}> = Pick<LRUCache<K, V>, 'get' | 'peek' | 'set' | 'has' | 'delete' | 'clear' | 'keys' | 'size' | 'calculatedSize'>

export type CacheOptions<K, V> = {
  /** Most entries kept; a new key in a full cache drops the least recently used. */
  max: number
  /** An entry ends this long after it was last set or read (a read renews it). */
  ttlMs?: number
  /** The clock of ttlMs, in ms (tests pass a fake one; lru-cache takes a time of 0 as "never set"). */
  now?: () => number
  /** Called with each entry that leaves: evicted, deleted, replaced or cleared. */
  onDrop?: (value: V, key: K) => void
} & (
  /** Most bytes kept, as sizeOf counts them; a value bigger than that is not kept at all. */
  { maxBytes: number, sizeOf: (value: V, key: K) => number } | { maxBytes?: undefined, sizeOf?: undefined }
)

/**
 * The one in-memory cache of the app (lru-cache): bounded by count, optionally by bytes and
 * by time since last use. Keys and values are never undefined or null (lru-cache's rule).
 */
export function createCache<K extends {}, V extends {}> (options: CacheOptions<K, V>): Cache<K, V> {
  const { max, maxBytes, sizeOf, ttlMs, now, onDrop } = options
  // lru-cache reads a max of 0 as "no bound by count": every cache here has one.
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`A cache keeps at least one entry (max ${max})`)
  return new LRUCache<K, V>({
    max,
    ...(onDrop ? { dispose: onDrop } : {}),
    ...(maxBytes !== undefined ? { maxSize: maxBytes, sizeCalculation: sizeOf } : {}),
    // ttlResolution 0: the clock is read at every check, with no timer, so a fake clock is obeyed at once.
    ...(ttlMs !== undefined ? { ttl: ttlMs, updateAgeOnGet: true, ttlResolution: 0, ...(now ? { perf: { now } } : {}) } : {})
  })
}

/**
 * A cache of values read from the database, each valid for the content version it was read at
 * (app.contentVersion: every API write, and other processes' commits). A hot path can then look
 * up what rarely changes (an article's state, what ad targeting needs of it) without a query;
 * any write starts over.
 */
export function createVersionedMemo<V> (version: () => string, max = 10_000) {
  const entries = createCache<string, { version: string, value: V }>({ max })
  return {
    get (key: string, load: () => V): V {
      const current = version()
      const entry = entries.get(key)
      if (entry && entry.version === current) return entry.value
      const value = load()
      entries.set(key, { version: current, value })
      return value
    },
    delete (key: string): void {
      entries.delete(key)
    }
  }
}
