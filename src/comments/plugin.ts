// The comments plugin: the public form and lists, moderation and settings.
import type { FastifyPluginAsync } from 'fastify'
import { commentsRoutes } from './routes.js'
import { createCommentSettings } from './settings.js'

/** Comments: the public form and list, moderation and settings, all under /v1. */
export const commentsPlugin: FastifyPluginAsync = async function (app) {
  await app.register(commentsRoutes, { settings: await createCommentSettings(app.settings, app.now) })
}
