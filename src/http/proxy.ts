import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'

/**
 * Fastify's `trustProxy` for BROADSHEET_TRUST_PROXY. A hop count becomes a trust function
 * (trust the `hops` nearest peers, as Express does): Fastify 5.12 ignores a plain number and
 * trusts nothing, which would quietly leave every client with the proxy's address.
 */
export function trustProxyOption (value: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof value !== 'number') return value
  return (_address: string, hop: number) => hop < value
}
