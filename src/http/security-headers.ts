import helmet, { type HelmetOptions } from 'helmet'
import fp from 'fastify-plugin'

/**
 * The headers helmet sets, computed once. @fastify/helmet builds helmet's middleware on
 * every request (about 5 % of a cached read here); helmet's output does not depend on the
 * request, so it is captured at start-up and applied as a plain header object.
 */
export function helmetHeaders (options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] },
    getHeader: () => undefined
  }
  let failed: unknown
  helmet(options)({} as never, res as never, (err?: unknown) => { failed = err })
  if (failed) throw failed
  return headers
}

/** Sets helmet's security headers and X-Request-Id on every response (a callback hook: no promise per request). */
export const securityHeadersPlugin = fp(async function securityHeadersPlugin (app, options: HelmetOptions) {
  const headers = helmetHeaders(options)
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers)
    reply.header('x-request-id', request.id)
    done()
  })
}, { name: 'broadsheet-security-headers' })
