// config.addressLimit: per-address request limits of public routes, with RateLimit-* headers.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { addressKey } from '../lib/address-key.js'
import type { WindowCount } from '../lib/window-counter.js'
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
 * Sets RateLimit-Limit, -Remaining and -Reset (seconds until the window ends) for a count, and
 * Retry-After on the 429 of a count past `limit`: the headers docs/api.md promises.
 */
function answerCount (reply: FastifyReply, limit: number, counted: WindowCount, now: number, done: Done): void {
  const reset = Math.max(1, Math.ceil((counted.resetAt - now) / 1000))
  reply.header('ratelimit-limit', String(limit))
  reply.header('ratelimit-remaining', String(Math.max(0, limit - counted.count)))
  reply.header('ratelimit-reset', String(reset))
  if (counted.count <= limit) { done(); return }
  reply.header('retry-after', String(reset))
  done(new TooManyRequestsError(`Too many requests from this address: try again in ${reset} s`))
}

/**
 * `config.addressLimit` on a route: a per-address limit (comment posts, ad serving and events,
 * expensive reads) counted in `app.counterStore`, from a callback hook so a hot beacon with the
 * in-memory store awaits nothing. A 429 comes before the body is read. The routes of a group
 * share one count per address, as the configuration documents.
 */
export const addressLimitPlugin = fp(async function addressLimitPlugin (app) {
  const hooks = new Map<string, (request: FastifyRequest, reply: FastifyReply, done: Done) => void>()

  function limiter ({ max, timeWindow, group }: AddressLimit) {
    const store = app.counterStore(`address:${group}`)
    return (request: FastifyRequest, reply: FastifyReply, done: Done) => {
      const limit = typeof max === 'number' ? max : max()
      const counted = store.incr(addressKey(request.ip), timeWindow)
      if (counted instanceof Promise) {
        counted.then((c) => { answerCount(reply, limit, c, app.now().getTime(), done) }, done)
      } else {
        answerCount(reply, limit, counted, app.now().getTime(), done)
      }
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
