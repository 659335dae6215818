// Public article reads: lists, search and one article.
import { z } from 'zod'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { sendRead } from '../http/caching.js'
import { dependsOn, keys } from '../http/dependencies.js'
import { articleKeys, listKeys, teaserOnly } from './dependencies.js'
import { UnauthorizedError } from '../http/errors.js'
import { NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { IdOrSlugParamsSchema } from '../http/schemas.js'
import { canReadUnpublished } from './access.js'
import { previewAllows } from './preview.js'
import type { ArticlesRepository } from './repository.js'
import { type ArticleListQuery, ArticleAnswerSchema, ArticleListAnswerSchema, ArticleListQuerySchema, ArticlePageAnswerSchema, ArticleReadQuerySchema, RelatedQuerySchema } from './schemas.js'
import { isLive } from './workflow.js'
import { revisionRoutes } from './revision-routes.js'
import { writeRoutes } from './write-routes.js'
import type { Scheduler } from './scheduler.js'
import type { RankingCache } from './search.js'

export interface ArticlesRoutesOptions { repo: ArticlesRepository, scheduler: Scheduler, rankings: RankingCache }

const tags = ['Articles']
const notModifiedResponse = { 304: z.undefined().describe('Not modified') }

/**
 * An anonymous list read that costs more than a page off an index: a full-text search (any
 * page: a later one may rank again) or a count of every match. Plain pages are keyset seeks,
 * so a deep one costs what the first does. Token holders are the newsroom's own tools.
 */
function expensiveRead (request: FastifyRequest): boolean {
  const query = request.query as ArticleListQuery
  return request.auth === null && (query.q !== undefined || query.count === true)
}

/** /v1/articles: public reads here; writes in write-routes.ts, revisions in revision-routes.ts. */
export const articlesRoutes: FastifyPluginAsyncZod<ArticlesRoutesOptions> = async function (app, { repo, scheduler, rankings }) {
  const { tokens } = app
  app.get('/', {
    config: {
      publicCache: true,
      addressLimit: { max: app.config.expensiveReadsPerMinute, timeWindow: 60_000, group: 'expensive-reads', only: expensiveRead }
    },
    schema: {
      tags,
      operationId: 'listArticles',
      summary: 'List articles (public: published only, newest first)',
      description: 'Filters combine with AND; `tag` repeated means all of them. `q` searches title, excerpt and body (SQLite FTS5 or PostgreSQL full-text search) and ranks the results; on a big index relevance covers the newest matches (see `q`). ' +
        'Query parameters not listed here are ignored, and do not make a new cache entry. ' +
        'Expensive reads without a token (any `q` search, any `count=true`) that the server cache cannot answer spend a per-address budget, `BROADSHEET_EXPENSIVE_READS_PER_MINUTE` (default 120 a minute), and carry RateLimit-* headers; past it they answer 429 with Retry-After until the minute ends. ' +
        'Answers from the cache, other list reads and requests with a token are never limited.',
      querystring: ArticleListQuerySchema,
      response: { 200: ArticlePageAnswerSchema, ...notModifiedResponse, ...problemResponses(401, 429) }
    }
  }, async (request, reply) => {
    const now = app.now().toISOString()
    const { query, page } = await repo.list(request.query, request.auth, now, { rankings, window: app.config.searchWindow })
    const data = query.fields ? await repo.presentFields(page.rows, now, query.fields, request.auth) : await repo.present(page.rows, now, request.auth)
    // A filter names its category, author or tags by slug: a rename or a deletion changes its answer.
    const filters = [query.category !== undefined && keys.categories, query.author !== undefined && keys.authors, query.tag !== undefined && keys.tags]
    dependsOn(request, [...listKeys(query), ...filters.filter((key) => key !== false), ...articleKeys(data as Array<{ id: number }>, teaserOnly(query.fields))])
    const body = {
      data,
      meta: {
        limit: query.limit,
        nextCursor: page.nextCursor,
        ...(page.total !== undefined ? { total: page.total } : {}),
        ...(page.totalIsLowerBound ? { totalIsLowerBound: page.totalIsLowerBound } : {})
      }
    }
    return sendRead(request, reply, body)
  })

  app.get('/:idOrSlug', {
    config: { publicCache: true },
    schema: {
      tags,
      operationId: 'getArticle',
      summary: 'Get an article by id or slug',
      description: 'Published articles are public. Others need a token that may see them (editors any, authors and contributors their own) or a `preview` token. A preview token dies when it expires or when the API token that asked for it is revoked (links made before preview tokens named their issuer are refused too); a bad, expired or dead one is 401 and counts as a failed authentication: past BROADSHEET_AUTH_FAILURES_PER_MINUTE from one address, preview reads answer 429 until the window ends.',
      params: IdOrSlugParamsSchema,
      querystring: ArticleReadQuerySchema,
      response: { 200: ArticleAnswerSchema, ...notModifiedResponse, ...problemResponses(401, 404, 429) }
    }
  }, async (request, reply) => {
    const { idOrSlug } = request.params
    const { fields, preview } = request.query
    const now = app.now()
    const row = await repo.findRow(idOrSlug)
    const live = row !== undefined && isLive(row, now.toISOString())
    let previewing = false
    if (row && !live && !canReadUnpublished(request.auth, row)) {
      if (preview === undefined) throw new NotFoundError(`There is no published article "${idOrSlug}"`)
      // A preview token is a credential: bad ones spend the address's failed-authentication budget.
      await app.authFailures.assertAllowed(request, reply)
      if (!await previewAllows(app.secret, preview, row.id, now, tokens.isLive)) {
        await app.authFailures.record(request, reply)
        throw new UnauthorizedError('The preview token is invalid or has expired; ask for a new one')
      }
      previewing = true
    }
    if (!row) throw new NotFoundError(`There is no article "${idOrSlug}"`)
    const body = fields ? (await repo.presentFields([row], now.toISOString(), fields, request.auth))[0]! : (await repo.present([row], now.toISOString(), request.auth))[0]!
    dependsOn(request, articleKeys([body as { id: number }], teaserOnly(fields)))
    const cacheControl = previewing ? 'private, no-store' : undefined
    return sendRead(request, reply, body, { revision: row.revision, publicWhenAnonymous: live && !previewing, cacheControl })
  })

  app.get('/:idOrSlug/related', {
    config: { publicCache: true },
    schema: {
      tags,
      operationId: 'listRelatedArticles',
      summary: '"More articles": published articles sharing the category or a tag',
      description: 'The most shared first (the category counts as one shared item), then the newest; never the article itself.',
      params: IdOrSlugParamsSchema,
      querystring: RelatedQuerySchema,
      response: { 200: ArticleListAnswerSchema, ...notModifiedResponse, ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const now = app.now().toISOString()
    const row = await repo.findRow(request.params.idOrSlug)
    if (!row || (!isLive(row, now) && !canReadUnpublished(request.auth, row))) {
      throw new NotFoundError(`There is no published article "${request.params.idOrSlug}"`)
    }
    const { limit, fields } = request.query
    const related = await repo.related(row, limit, now, fields)
    const body = { data: fields ? await repo.presentFields(related, now, fields, request.auth) : await repo.present(related, now, request.auth) }
    // Which articles are related follows this one's category and tags (its teaser), and the others'.
    dependsOn(request, [keys.articles, keys.teaser(row.id), ...articleKeys(body.data as Array<{ id: number }>, teaserOnly(fields))])
    return sendRead(request, reply, body)
  })

  await app.register(writeRoutes, { repo, scheduler })
  await app.register(revisionRoutes, { repo, scheduler })
}
