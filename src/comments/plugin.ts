// The comments plugin: the public form and lists, moderation and settings.
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { createCommentsRepository, type CommentsRepository } from './repository.js'
import { commentsRoutes } from './routes.js'
import { createCommentSettings } from './settings.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Comments: the one repository the comment routes (and tests) use. */
    comments: CommentsRepository
  }
}

/**
 * Comments: the public form and list, moderation and settings, under the prefix given (/v1).
 * Not encapsulated, so `app.comments` is on the root instance; the routes take the prefix.
 */
const plugin: FastifyPluginAsync<{ prefix?: string }> = async function (app, { prefix }) {
  app.decorate('comments', createCommentsRepository(app.database))
  await app.register(commentsRoutes, { prefix, settings: await createCommentSettings(app.settings, app.now) })
}
export const commentsPlugin = fp(plugin)
