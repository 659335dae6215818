// Comment moderation routes: the queue, status changes, erasure and settings.
import { z } from 'zod'
import { changed } from '../http/dependencies.js'
import { commentChangeKeys } from '../articles/dependencies.js'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { ArticlesRepository } from '../articles/repository.js'
import { FieldError, NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { IdParamsSchema } from '../http/schemas.js'
import { normalizeEmail } from './render.js'
import type { CommentsRepository } from './repository.js'
import { moderationComment } from './shapes.js'
import {
  BulkResultSchema, BulkStatusSchema, EraseQuerySchema, EraseResultSchema, ModerationCommentSchema, ModerationPageSchema,
  ModerationQuerySchema, UpdateCommentSchema
} from './schemas.js'
import { CommentSettingsSchema, type CommentSettingsStore } from './settings.js'

const tags = ['Comment moderation']

/** The moderation queue, one-comment and bulk status changes, erasure, and the settings. */
export const moderationRoutes: FastifyPluginAsyncZod<{ repo: CommentsRepository, articles: ArticlesRepository, settings: CommentSettingsStore }> = async function (app, { repo, articles, settings }) {
  app.get('/comments', {
    config: { auth: 'editor' },
    schema: {
      tags,
      operationId: 'listComments',
      summary: 'The moderation queue across articles (email and IP shown)',
      querystring: ModerationQuerySchema,
      response: { 200: ModerationPageSchema }
    }
  }, async (request, reply) => {
    const { limit, cursor, status, article, q, sort, count } = request.query
    let articleId: number | undefined
    if (article !== undefined) {
      const row = await articles.findRow(article)
      if (!row) throw new FieldError('article', `There is no article "${article}"`)
      articleId = row.id
    }
    const page = await repo.listForModeration({ limit, cursor, statuses: status, articleId, q, sort })
    reply.header('cache-control', 'private, no-store')
    return {
      data: page.rows.map(moderationComment),
      meta: { limit, nextCursor: page.nextCursor, ...(count ? { total: await page.count() } : {}) }
    }
  })

  app.patch('/comments', {
    config: { auth: 'editor', scheduleNeutral: true },
    schema: {
      tags,
      operationId: 'updateComments',
      summary: 'Set one status on many comments at once',
      body: BulkStatusSchema,
      response: { 200: BulkResultSchema }
    }
  }, async (request) => {
    const { ids, status } = request.body
    return await repo.bulkStatus([...new Set(ids)], status, app.now().toISOString())
  })

  // The address a comment post's Location names: the moderation view of one comment.
  app.get('/comments/:id', {
    config: { auth: 'editor' },
    schema: {
      tags,
      operationId: 'getComment',
      summary: 'One comment, whatever its status (email and IP shown)',
      description: 'The resource a comment post\'s `Location` names. Readers see approved comments through the article\'s comment list.',
      params: IdParamsSchema,
      response: { 200: ModerationCommentSchema, ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const row = await repo.get(request.params.id)
    if (!row) throw new NotFoundError(`There is no comment with id ${request.params.id}`)
    reply.header('cache-control', 'private, no-store')
    return moderationComment(row)
  })

  app.patch('/comments/:id', {
    config: { auth: 'editor', scheduleNeutral: true },
    schema: {
      tags,
      operationId: 'updateComment',
      summary: 'Moderate one comment: change its status or edit its body',
      params: IdParamsSchema,
      body: UpdateCommentSchema,
      response: { 200: ModerationCommentSchema, ...problemResponses(404) }
    }
  }, async (request) => {
    const row = await repo.update(request.params.id, request.body, app.now().toISOString())
    if (!row) throw new NotFoundError(`There is no comment with id ${request.params.id}`)
    changed(request, commentChangeKeys(row.articleId))
    return moderationComment(row)
  })

  app.delete('/comments/:id', {
    config: { auth: 'editor', scheduleNeutral: true },
    schema: {
      tags,
      operationId: 'deleteComment',
      summary: 'Delete a comment for good (trash is a status)',
      params: IdParamsSchema,
      response: { 204: z.undefined().describe('Deleted'), ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const row = await repo.get(request.params.id)
    if (!row || !await repo.remove(request.params.id)) throw new NotFoundError(`There is no comment with id ${request.params.id}`)
    changed(request, commentChangeKeys(row.articleId))
    return reply.code(204).send()
  })

  app.delete('/comments', {
    config: { auth: 'admin', scheduleNeutral: true },
    schema: {
      tags,
      operationId: 'eraseCommenter',
      summary: 'Erase everything stored for one commenter (by email)',
      description: 'Deletes every comment stored with this email, whatever its status or article, and answers how many. Article comment counts follow. The stored Idempotency-Key answers of their posts (name, body, address) go too, so a retry with such a key posts anew; the deleted bytes are zeroed in the database file and its log. A blocklist entry naming the email stays: it is a moderator\'s decision, edited through the settings.',
      querystring: EraseQuerySchema,
      response: { 200: EraseResultSchema }
    }
  }, async (request) => {
    const erased = await repo.eraseEmail(normalizeEmail(request.query.email))
    request.log.info({ erased }, 'erased a commenter\'s comments')
    return { erased }
  })

  app.get('/settings/comments', {
    config: { auth: 'editor' },
    schema: {
      tags,
      operationId: 'getCommentSettings',
      summary: 'Comment moderation policy and spam defences',
      response: { 200: CommentSettingsSchema }
    }
  }, async (_request, reply) => {
    reply.header('cache-control', 'private, no-store')
    return settings.get()
  })

  app.put('/settings/comments', {
    config: { auth: 'admin', scheduleNeutral: true },
    schema: {
      tags,
      operationId: 'replaceCommentSettings',
      summary: 'Replace the comment settings (absent fields take their defaults)',
      body: CommentSettingsSchema,
      response: { 200: CommentSettingsSchema }
    }
  }, async (request) => settings.set(request.body))
}
