// The ads plugin: builds the repositories, the engine and tokens, then registers every ad route.
import type { FastifyPluginAsync } from 'fastify'
import { adAdminRoutes } from './admin-routes.js'
import { createAdEngine } from './engine.js'
import { adEventRoutes } from './event-routes.js'
import { createAdsRepository } from './repository.js'
import { adServeRoutes } from './serve-routes.js'
import { createAdStatsRepository } from './stats-repository.js'
import { adStatsRoutes, adsTxtRoute } from './stats-routes.js'
import { createDecisionTokens } from './tokens.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Ads, one object: the engine (snapshot in memory, the counter buffer, which tests flush)
     * with the app's one ads repository (`repo`: slots, campaigns, creatives) and stats
     * repository (`stats`), both on `app.database`.
     */
    ads: ReturnType<typeof createAdEngine>
  }
}

/** Ads: slots, campaigns and creatives, serving, counting, stats and ads.txt. */
export const adsPlugin: FastifyPluginAsync<{ random: () => number }> = async function (app, { random }) {
  const repos = { repo: createAdsRepository(app.database), stats: createAdStatsRepository(app.database) }
  const engine = createAdEngine(app.database, repos, app.log, { flushMs: app.config.adFlushSeconds * 1000, now: app.now })
  // Serving reads the snapshot from memory: it is there before the first request.
  await engine.load()
  app.addHook('onReady', async () => { engine.start() })
  app.addHook('onClose', async () => { await engine.stop() })
  await app.register(adAdminRoutes, { engine, prefix: '/v1' })
  const tokens = createDecisionTokens(app.secret)
  await app.register(adServeRoutes, { engine, tokens, random, prefix: '/v1' })
  await app.register(adEventRoutes, { engine, tokens, prefix: '/v1' })
  await app.register(adStatsRoutes, { engine, prefix: '/v1' })
  await app.register(adsTxtRoute)
  // Visible on the root instance (the plugin is registered without encapsulation below).
  app.decorate('ads', engine)
}
