// The articles plugin: scheduler and the /v1/articles routes, on the app's articles repository.
import type { FastifyPluginAsync } from 'fastify'
import type { ArticlesRepository } from './repository.js'
import { articlesRoutes } from './routes.js'
import { createScheduler } from './scheduler.js'
import { createRankingCache } from './search.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The articles repository (created once in app.ts: comments, ads and article pages read it too). */
    articles: ArticlesRepository
  }
}

/** Articles: the publication scheduler and the /v1/articles routes. */
export const articlesPlugin: FastifyPluginAsync = async function (app) {
  const repo = app.articles
  const scheduler = createScheduler(repo, app.log, app.now, () => app.contentChanged())
  app.addHook('onReady', async () => { await scheduler.start() })
  app.addHook('onClose', async () => { scheduler.stop() })
  await app.register(articlesRoutes, { repo, scheduler, rankings: createRankingCache() })
}
