// The articles plugin: repository, scheduler and the /v1/articles routes.
import type { FastifyPluginAsync } from 'fastify'
import { createArticlesRepository } from './repository.js'
import { articlesRoutes } from './routes.js'
import { createScheduler } from './scheduler.js'
import { createRankingCache } from './search.js'

/** Articles: the repository, the publication scheduler and the /v1/articles routes. */
export const articlesPlugin: FastifyPluginAsync = async function (app) {
  const repo = createArticlesRepository(app.db)
  const scheduler = createScheduler(repo, app.log, app.now, () => app.contentChanged())
  app.addHook('onReady', async () => { scheduler.start() })
  app.addHook('onClose', async () => { scheduler.stop() })
  await app.register(articlesRoutes, { repo, scheduler, rankings: createRankingCache() })
}
