// Serves the demo news site (examples/news-site) at /demo/.
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync } from 'fastify'
import fastifyStatic from '@fastify/static'

// src/demo and dist/demo sit at the same depth: both resolve to <root>/examples/news-site.
export const siteRoot = fileURLToPath(new URL('../../examples/news-site/', import.meta.url))

// The demo page runs its own modules and shows ads in sandboxed srcdoc frames, whose
// creatives style themselves inline; everything else comes from this server.
const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
  "frame-ancestors 'self'"
].join('; ')

/** The demo news site (examples/news-site) at /demo/, rendered in the browser from the API. */
export const demoSitePlugin: FastifyPluginAsync = async function (app) {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', DEMO_CSP)
    return payload
  })
  await app.register(fastifyStatic, { root: siteRoot, prefix: '/demo/', decorateReply: true, index: false, wildcard: true })
  // The router ignores trailing slashes, so "/demo/" never reaches the "/demo/*" route above:
  // this route answers both. "/demo" redirects to "/demo/" so the page's relative URLs resolve.
  app.get('/demo', { schema: { hide: true } }, async (request, reply) => {
    const [path, query] = request.url.split('?', 2) as [string, string | undefined]
    if (!path.endsWith('/')) return reply.redirect(`/demo/${query === undefined ? '' : `?${query}`}`, 301)
    return reply.sendFile('index.html')
  })
}
