// What a public answer shows and what a write changed, as dependency keys: the response cache
// drops exactly the answers a write touched, and a CDN gets the same keys (Surrogate-Key for
// Fastly and Varnish xkey, Cache-Tag for Cloudflare) to purge exactly those.
import type { FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The keys of what this answer shows (see dependsOn); null: it depends on every write. */
    dependencies: string[] | null
    /** The keys of what this write changed (see changed); null: anything public may have changed. */
    changedKeys: string[] | null
  }
}

export { keys } from '../lib/dependency-keys.js'

/** Records keys of what the answer to `request` shows; an answer that names none depends on every write. */
export function dependsOn (request: FastifyRequest, shown: Iterable<string>): void {
  const list = request.dependencies ?? (request.dependencies = [])
  for (const key of shown) list.push(key)
}

/** Records what a write changed: the response cache then drops only the answers that show it. */
export function changed (request: FastifyRequest, changedKeys: Iterable<string>): void {
  const list = request.changedKeys ?? (request.changedKeys = [])
  for (const key of changedKeys) list.push(key)
}

/** The keys of an answer without repeats, in the order first named. */
export function uniqueKeys (list: string[]): string[] {
  return [...new Set(list)]
}

/**
 * Sends the dependency keys of a public answer as Surrogate-Key (space-separated: Fastly,
 * Varnish xkey, Akamai) and Cache-Tag (comma-separated: Cloudflare, Bunny), or the one
 * BROADSHEET_CACHE_KEY_HEADERS names: a list's keys are about a tenth of its bytes. Answers
 * that name no keys send none: a CDN purges them by URL or with everything.
 */
export function sendKeys (reply: FastifyReply, list: string[]): void {
  const which = reply.server.config.cacheKeyHeaders
  if (which === 'both' || which === 'surrogate-key') reply.header('surrogate-key', list.join(' '))
  if (which === 'both' || which === 'cache-tag') reply.header('cache-tag', list.join(','))
}
