// The ads plugin: builds the engine and tokens, then registers every ad route.
import type { FastifyPluginAsync } from 'fastify'
import { adAdminRoutes } from './admin-routes.js'
import { createAdEngine } from './engine.js'
import { adEventRoutes } from './event-routes.js'
import { adServeRoutes } from './serve-routes.js'
import { adStatsRoutes, adsTxtRoute } from './stats-routes.js'
import { createDecisionTokens } from './tokens.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The ad engine: config in memory and the counter buffer (tests flush it). */
    ads: ReturnType<typeof createAdEngine>
  }
}

/** Ads: slots, campaigns and creatives, serving, counting, stats and ads.txt. */
export const adsPlugin: FastifyPluginAsync<{ random: () => number }> = async function (app, { random }) {
  const engine = createAdEngine(app.db, app.log, { flushMs: app.config.adFlushSeconds * 1000, now: app.now })
  app.addHook('onReady', async () => { engine.start() })
  app.addHook('onClose', async () => { engine.stop() })
  await app.register(adAdminRoutes, { engine, prefix: '/v1' })
  const tokens = createDecisionTokens(app.secret)
  await app.register(adServeRoutes, { engine, tokens, random, prefix: '/v1' })
  await app.register(adEventRoutes, { engine, tokens, prefix: '/v1' })
  await app.register(adStatsRoutes, { engine, prefix: '/v1' })
  await app.register(adsTxtRoute)
  // Visible on the root instance (the plugin is registered without encapsulation below).
  app.decorate('ads', engine)
}
