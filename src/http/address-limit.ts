import { normalizeIP } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { TooManyRequestsError } from './errors.js'
import { addRouteHook } from './route-hooks.js'

export interface AddressLimit {
  /** Requests per window from one address (IPv6: one /64); a function is asked on every request. */
  max: number | (() => number)
  timeWindow: number
  /** Routes of one group share their counts (and the first such route's max and window). */
  group: string
  /**
   * Counts only the requests this calls costly, asked once they are authenticated, validated
   * and missed the response cache (a preHandler): an answer from the cache is never counted.
   * Requests it lets through get no RateLimit-* headers: they spend nothing.
   */
  only?: (request: FastifyRequest) => boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Limits requests per client address, with RateLimit-* headers on every answer. */
    addressLimit?: AddressLimit
  }
}

type Done = (error?: Error) => void

/**
 * The key a client address is counted under by every per-address limit: an IPv4 address is its
 * own key; IPv6 ones (and IPv4-mapped ones) go to @fastify/rate-limit's /64 rule, since one
 * subscriber usually holds a whole /64 and could otherwise rotate through its addresses.
 */
export function addressKey (ip: string): string {
  return ip.includes(':') ? normalizeIP(ip) : ip
}

/**
 * `config.addressLimit` on a route: a per-address limit (comment posts, ad serving and events,
 * expensive reads) with @fastify/rate-limit's store and address rule, run from a callback hook
 * because the plugin's async hook costs a hot beacon several awaits per request (measured in
 * commit cfc7f17; docs/performance.md lists it among the hot-path choices). The answers are the plugin's, as
 * docs/api.md asks: RateLimit-* on every counted answer, 429 with Retry-After before the body is
 * read. The routes of a group share one count per address, as the configuration documents.
 * The store is imported by file path (not exported by the package): package.json pins the
 * version and test/http/address-limit.test.ts fails if the file moves.
 */
export const addressLimitPlugin = fp(async function addressLimitPlugin (app) {
  const hooks = new Map<string, (request: FastifyRequest, reply: FastifyReply, done: Done) => void>()

  function limiter ({ max, timeWindow, group }: AddressLimit) {
    const store = new LocalStore(false, false)
    return (request: FastifyRequest, reply: FastifyReply, done: Done) => {
      const limit = typeof max === 'number' ? max : max()
      store.incr(addressKey(request.ip), (error, result) => {
        if (error || !result) { done(error ?? new Error('the rate-limit store gave no count')); return }
        const reset = Math.ceil(result.ttl / 1000)
        reply.header('ratelimit-limit', String(limit))
        reply.header('ratelimit-remaining', String(Math.max(0, limit - result.current)))
        reply.header('ratelimit-reset', String(reset))
        if (result.current <= limit) { done(); return }
        reply.header('retry-after', String(reset))
        done(new TooManyRequestsError(`Too many requests from this address: try again in ${reset} s`))
      }, timeWindow, limit)
    }
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    const options = route.config?.addressLimit
    if (!options) return
    let hook = hooks.get(options.group)
    if (!hook) { hook = limiter(options); hooks.set(options.group, hook) }
    const { only } = options
    // First of the route's own hooks: a route that answers from its onRequest hook (the ad
    // serve fast path) must not answer past the limit.
    if (!only) { addRouteHook(route, 'onRequest', hook, { first: true }); return }
    const counted = hook
    addRouteHook(route, 'preHandler', (request: FastifyRequest, reply: FastifyReply, done: Done) => {
      if (only(request)) counted(request, reply, done)
      else done()
    })
  })
}, { name: 'broadsheet-address-limit' })
