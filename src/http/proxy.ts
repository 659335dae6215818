// Trusted proxies and the public origin absolute links start with.
import fp from 'fastify-plugin'
import type { FastifyRequest, FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import { createCache } from '../lib/cache.js'
import { BadHostError } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The origin (`https://news.example.com`) every absolute URL Broadsheet hands out starts
     * with: BROADSHEET_PUBLIC_URL when set, else the request's scheme and host (those a trusted
     * proxy forwarded). Throws a 400 when that host is not a valid http(s) origin.
     */
    publicOrigin: (request: FastifyRequest) => string
  }
}

/**
 * Fastify's `trustProxy` for BROADSHEET_TRUST_PROXY. A hop count becomes a trust function
 * (trust the `hops` nearest peers, as Express does): Fastify 5.12 ignores a plain number and
 * trusts nothing, which would quietly leave every client with the proxy's address.
 */
export function trustProxyOption (value: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof value !== 'number') return value
  return (_address: string, hop: number) => hop < value
}

/** How many distinct scheme+host pairs keep their checked origin (a hostile client can only churn it). */
const KNOWN_HOSTS = 100

/** `scheme://host` as an origin, or null unless it is http(s) with a bare host (no user, path or fragment). */
function originOf (claimed: string): string | null {
  let url: URL
  try {
    url = new URL(claimed)
  } catch {
    return null
  }
  const bare = url.username === '' && url.password === '' && url.pathname === '/' && url.search === '' && url.hash === ''
  return (url.protocol === 'http:' || url.protocol === 'https:') && bare ? url.origin : null
}

/** Decorates `app.publicOrigin`: the one place absolute URLs (ads today, feeds and media later) get their origin. */
export const publicOriginPlugin = fp(async function publicOriginPlugin (app) {
  const fixed = app.config.publicUrl
  if (fixed !== undefined) {
    app.decorate('publicOrigin', () => fixed)
    return
  }
  // false: not a valid origin (a cache holds no null).
  const checked = createCache<string, string | false>({ max: KNOWN_HOSTS })
  app.decorate('publicOrigin', (request: FastifyRequest) => {
    const claimed = `${request.protocol}://${request.host}`
    let origin = checked.get(claimed)
    if (origin === undefined) {
      origin = originOf(claimed) ?? false
      checked.set(claimed, origin)
    }
    if (origin === false) throw new BadHostError('The Host header (or a trusted proxy\'s X-Forwarded-Proto and X-Forwarded-Host) does not name a valid http or https origin')
    return origin
  })
}, { name: 'broadsheet-public-origin' })
