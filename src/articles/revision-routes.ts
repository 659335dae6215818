// Article revision routes: list, read and restore.
import { z } from 'zod'
import { changed } from '../http/dependencies.js'
import { articleChangeKeys } from './dependencies.js'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { assertIfMatch, itemEtag, notModified } from '../http/caching.js'
import { NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { IdOrSlugParamsSchema, IfMatchHeadersSchema } from '../http/schemas.js'
import { MAX_ID } from '../lib/id-or-slug.js'
import { assertCanWrite, canReadUnpublished } from './access.js'
import type { ArticlesRepository } from './repository.js'
import { ArticleSchema, RevisionListSchema, RevisionSchema } from './schemas.js'
import type { Scheduler } from './scheduler.js'

const tags = ['Article revisions']
const RevisionParamsSchema = IdOrSlugParamsSchema.extend({
  revision: z.coerce.number({ error: 'revision must be a positive integer' }).int('revision must be a positive integer').positive('revision must be a positive integer')
    .max(MAX_ID, `revision must be at most ${MAX_ID}`)
})

// Content fields a restore brings back; status and dates stay as they are now.
const RESTORED = ['title', 'slug', 'subtitle', 'excerpt', 'body', 'format', 'featured', 'coverImage', 'seo', 'commentsEnabled'] as const

/** Every change of an article kept as a revision: list, read, restore. */
export const revisionRoutes: FastifyPluginAsyncZod<{ repo: ArticlesRepository, scheduler: Scheduler }> = async function (app, { repo }) {
  async function findReadable (idOrSlug: string, auth: Parameters<typeof canReadUnpublished>[0]) {
    const row = await repo.findRow(idOrSlug)
    if (!row || !canReadUnpublished(auth, row)) throw new NotFoundError(`There is no article "${idOrSlug}" whose revisions you can see`)
    return row
  }

  app.get('/:idOrSlug/revisions', {
    config: { auth: 'contributor' },
    schema: {
      tags,
      operationId: 'listArticleRevisions',
      summary: 'List the revisions of an article, newest first',
      params: IdOrSlugParamsSchema,
      response: { 200: RevisionListSchema, ...problemResponses(404) }
    }
  }, async (request) => {
    const row = await findReadable(request.params.idOrSlug, request.auth)
    return {
      data: (await repo.revisions(row.id)).map((r) => ({
        revision: r.revision,
        createdAt: r.createdAt,
        tokenId: r.tokenId,
        status: r.snapshot.status as z.infer<typeof RevisionSchema>['status'],
        title: String(r.snapshot.title)
      }))
    }
  })

  app.get('/:idOrSlug/revisions/:revision', {
    config: { auth: 'contributor' },
    schema: {
      tags,
      operationId: 'getArticleRevision',
      summary: 'Read an article as it was after one change',
      params: RevisionParamsSchema,
      response: { 200: RevisionSchema, 304: z.undefined().describe('Not modified'), ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const row = await findReadable(request.params.idOrSlug, request.auth)
    const r = await repo.revision(row.id, request.params.revision)
    if (!r) throw new NotFoundError(`Article ${row.id} has no revision ${request.params.revision}`)
    const body = {
      revision: r.revision,
      createdAt: r.createdAt,
      tokenId: r.tokenId,
      status: r.snapshot.status as z.infer<typeof RevisionSchema>['status'],
      title: String(r.snapshot.title),
      article: r.snapshot
    }
    if (notModified(request, reply, itemEtag(r.revision, body))) return reply
    return body
  })

  app.post('/:idOrSlug/revisions/:revision/restore', {
    config: { auth: 'contributor' },
    schema: {
      tags,
      operationId: 'restoreArticleRevision',
      summary: 'Restore the content of a revision (as a new revision)',
      description: 'Title, slug, subtitle, excerpt, body, format, featured, category, tags, author, cover image, SEO and commentsEnabled return to what they were; status and dates stay as they are. The restore is itself a new revision.',
      params: RevisionParamsSchema,
      headers: IfMatchHeadersSchema,
      response: { 200: ArticleSchema, ...problemResponses(404, 409, 412) }
    }
  }, async (request, reply) => {
    const row = await findReadable(request.params.idOrSlug, request.auth)
    const r = await repo.revision(row.id, request.params.revision)
    if (!r) throw new NotFoundError(`Article ${row.id} has no revision ${request.params.revision}`)
    const s = r.snapshot
    const patch: Record<string, unknown> = {}
    for (const field of RESTORED) patch[field] = s[field]
    patch.category = s.categoryId ?? null
    patch.author = s.authorId ?? null
    patch.tags = Array.isArray(s.tagIds) ? s.tagIds : []
    const now = app.now().toISOString()
    // What changed is told from the row the write locked, not the one read before it.
    let locked = row
    const updated = await repo.update(row.id, patch, request.auth!, now, (current) => {
      locked = current
      assertIfMatch(request, current.revision)
      assertCanWrite(request.auth!, current)
    })
    if (!updated) throw new NotFoundError(`There is no article "${request.params.idOrSlug}"`)
    const changedKeys = articleChangeKeys(locked, updated, now, true)
    if (changedKeys) changed(request, changedKeys)
    const article = (await repo.present([updated], now, request.auth))[0]!
    reply.header('etag', itemEtag(updated.revision, article))
    return article
  })
}
