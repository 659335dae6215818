// A bounded memo whose entries hold only for the content version they were read at.
import { setBounded } from './bounded-map.js'

/**
 * A bounded map of values read from the database, each valid for the content version it was
 * read at (app.contentVersion: every API write, and other processes' commits). A hot path can
 * then look up what rarely changes (an article's state, what ad targeting needs of it) without
 * a query; any write starts over. The oldest entry goes first when the map is full.
 */
export function createVersionedMemo<V> (version: () => string, maxEntries = 10_000) {
  const entries = new Map<string, { version: string, value: V }>()
  return {
    get (key: string, load: () => V): V {
      const current = version()
      const entry = entries.get(key)
      if (entry && entry.version === current) return entry.value
      const value = load()
      setBounded(entries, key, { version: current, value }, maxEntries)
      return value
    },
    delete (key: string): void {
      entries.delete(key)
    }
  }
}
