// The response cache's key of a URL: its path and the query parameters its route knows.
import { z } from 'zod'
import { createCache, type Cache } from '../lib/cache.js'

/** How many raw URLs the key memo remembers: the hot pages' URLs, read again and again. */
export const KEY_MEMO_SIZE = 4096

/**
 * The query parameter names a route's querystring schema knows, sorted; undefined when the
 * schema is not a plain object (its keys cannot be listed), so the raw URL stays the key.
 */
export function knownQueryKeys (schema: unknown): readonly string[] | undefined {
  if (schema === undefined) return []
  return schema instanceof z.ZodObject ? Object.keys(schema.shape).sort() : undefined
}

/** Turns a request's URL into its response-cache key; undefined when it cannot be cached. */
export type CacheKeyOf = (url: string, query: unknown, known: readonly string[] | undefined) => string | undefined

/**
 * Makes the response cache's key function: the path, then only the parameters the route's
 * schema knows, sorted by name (a repeated one keeps its values' order), each value
 * percent-encoded again from its decoded form. The API ignores other parameters, so
 * `?_=<random>` or `utm_source` must not split the cache, and `a+b`, `a%20b` are one query.
 * A URL without a query is its own key; others go through a bounded memo of raw URL → key,
 * so a hot URL costs one cache lookup. A flood of cache-busting URLs only
 * pushes out the least recently used (lru-cache finds it through its own list, not by walking
 * the Map's deleted slots).
 */
export function createCacheKeyOf (memo: Cache<string, string> = createCache({ max: KEY_MEMO_SIZE })): CacheKeyOf {
  return (url, query, known) => {
    if (known === undefined) return url
    const mark = url.indexOf('?')
    if (mark === -1) return url
    const remembered = memo.get(url)
    if (remembered !== undefined) return remembered
    const params = query as Record<string, unknown>
    let key = url.slice(0, mark)
    let separator = '?'
    try {
      for (const name of known) {
        const value = params[name]
        if (value === undefined) continue
        for (const one of Array.isArray(value) ? value : [value]) {
          key += `${separator}${name}=${encodeURIComponent(String(one))}`
          separator = '&'
        }
      }
    } catch {
      // A lone surrogate cannot be encoded: such a request is simply not cached.
      return undefined
    }
    memo.set(url, key)
    return key
  }
}
