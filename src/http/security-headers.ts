// Security headers of every answer (helmet's, computed once) and X-Request-Id.
import helmet, { type HelmetOptions } from 'helmet'
import fp from 'fastify-plugin'

/**
 * The headers helmet sets, computed once. @fastify/helmet runs helmet's middleware on every
 * request, a real share of a cached read; helmet's output does not depend on the request, so
 * it is captured at start-up and applied as a plain header object.
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

/**
 * Helmet's headers that only act on a document a browser renders (opener isolation, agent
 * clusters, DNS prefetching, IE8 downloads, Flash and Acrobat policies, the retired XSS
 * auditor). A JSON answer is never one, so API responses leave them out; the headers that
 * protect an API response stay (the OWASP REST Security list): CSP with frame-ancestors
 * 'none', X-Frame-Options DENY, nosniff, HSTS, Cross-Origin-Resource-Policy and a referrer
 * policy. Pages (the docs and the demo site) get helmet's full set.
 */
const DOCUMENT_ONLY: HelmetOptions = {
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false
}

export interface SecurityHeadersOptions {
  helmet: HelmetOptions
  /** Path prefixes that serve HTML pages: these get helmet's full set. */
  pagePrefixes: string[]
}

/** Sets the security headers and X-Request-Id on every response (a callback hook: no promise per request). */
export const securityHeadersPlugin = fp(async function securityHeadersPlugin (app, options: SecurityHeadersOptions) {
  const page = helmetHeaders(options.helmet)
  const api = helmetHeaders({ ...options.helmet, ...DOCUMENT_ONLY, xFrameOptions: { action: 'deny' } } as HelmetOptions)
  // By the matched route, not the raw URL: /%64ocs is routed to /docs too.
  const isPage = (route: string | undefined) => route !== undefined && options.pagePrefixes.some((prefix) => route.startsWith(prefix))
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isPage(request.routeOptions.url) ? page : api)
    reply.header('x-request-id', request.id)
    done()
  })
}, { name: 'broadsheet-security-headers' })
