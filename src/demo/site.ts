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
  await app.register(fastifyStatic, { root: siteRoot, prefix: '/demo/', decorateReply: false, index: ['index.html'], redirect: true })
}
