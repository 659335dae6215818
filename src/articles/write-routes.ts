// Article write routes: create, change, publish, trash, restore and preview links.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { assertIfMatch, itemEtag } from '../http/caching.js'
import { ForbiddenError, NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { IdOrSlugParamsSchema, IfMatchHeadersSchema } from '../http/schemas.js'
import { assertCanSetStatus, assertCanWrite, canReadUnpublished } from './access.js'
import { previewToken } from './preview.js'
import type { ArticleRow, ArticlesRepository } from './repository.js'
import { ArticleSchema, CreateArticleSchema, DeleteArticleQuerySchema, PreviewRequestSchema, PreviewTokenSchema, UpdateArticleSchema } from './schemas.js'
import type { Scheduler } from './scheduler.js'
import { isLive } from './workflow.js'
import { changed } from '../http/dependencies.js'
import { articleChangeKeys } from './dependencies.js'
import { aRole, roleAtLeast } from '../lib/roles.js'

const tags = ['Articles']

/** Article writes: create, change, publish, trash and restore, preview links. */
export const writeRoutes: FastifyPluginAsyncZod<{ repo: ArticlesRepository, scheduler: Scheduler }> = async function (app, { repo, scheduler }) {
  /** The article the path names, or 404 when there is none or the caller may not see it. */
  async function target (request: FastifyRequest): Promise<ArticleRow> {
    const { idOrSlug } = request.params as { idOrSlug: string }
    const row = await repo.findRow(idOrSlug)
    if (!row || !canReadUnpublished(request.auth, row)) {
      // Another byline's article: say 403 when it is public anyway, 404 when it is not.
      if (row && isLive(row, app.now().toISOString())) throw new ForbiddenError(`${aRole(request.auth!.role)} token may only change articles under its own byline`)
      throw new NotFoundError(`There is no article "${idOrSlug}" you can change`)
    }
    return row
  }

  async function answer (reply: FastifyReply, row: ArticleRow, status = 200) {
    const article = (await repo.present([row], app.now().toISOString(), reply.request.auth))[0]!
    reply.header('etag', itemEtag(row.revision, article))
    reply.header('cache-control', 'no-store')
    return reply.code(status).send(article)
  }

  /** Tells the response cache what the write changed (see articleChangeKeys); unnamed, it drops every answer. */
  function touched (request: FastifyRequest, before: ArticleRow | undefined, after: ArticleRow | undefined, now: string, tagsChanged = false) {
    const changedKeys = articleChangeKeys(before, after, now, tagsChanged)
    if (changedKeys) changed(request, changedKeys)
  }

  /**
   * A write's check that keeps the row it was given inside the write's transaction: what the
   * write changed is told from that row, not from one read before it (another write may
   * have come between).
   */
  function seeing (check: (row: ArticleRow) => void) {
    let seen: ArticleRow | undefined
    return { check: (row: ArticleRow) => { seen = row; check(row) }, before: (read: ArticleRow) => seen ?? read }
  }

  const guarded = (request: FastifyRequest, nextStatus?: string) => (row: ArticleRow) => {
    assertIfMatch(request, row.revision)
    assertCanWrite(request.auth!, row)
    if (nextStatus !== undefined) assertCanSetStatus(request.auth!, nextStatus)
  }

  app.post('/', {
    config: { auth: 'contributor', idempotent: true },
    schema: {
      tags,
      operationId: 'createArticle',
      summary: 'Create an article',
      description: 'Contributors create drafts under their byline; authors may also publish or schedule their own; editors anything. Send `Idempotency-Key` to make retries safe.',
      body: CreateArticleSchema,
      response: { 201: ArticleSchema, ...problemResponses(409) }
    }
  }, async (request, reply) => {
    assertCanSetStatus(request.auth!, request.body.status)
    const now = app.now().toISOString()
    const row = await repo.create(request.body, request.auth!, now)
    touched(request, undefined, row, now, true)
    if (row.status === 'scheduled') await scheduler.rearm()
    reply.header('location', `/v1/articles/${row.id}`)
    return await answer(reply, row, 201)
  })

  app.patch('/:idOrSlug', {
    config: { auth: 'contributor' },
    schema: {
      tags,
      operationId: 'updateArticle',
      summary: 'Change an article (partial; If-Match honoured)',
      description: 'Only the fields sent change, as one new revision. A stale `If-Match` answers 412 and changes nothing.',
      params: IdOrSlugParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateArticleSchema,
      response: { 200: ArticleSchema, ...problemResponses(404, 409, 412) }
    }
  }, async (request, reply) => {
    const before = await target(request)
    const now = app.now().toISOString()
    const write = seeing(guarded(request, request.body.status))
    const row = await repo.update(before.id, request.body, request.auth!, now, write.check)
    if (!row) throw new NotFoundError(`There is no article "${request.params.idOrSlug}"`)
    touched(request, write.before(before), row, now, request.body.tags !== undefined)
    await scheduler.rearm()
    return await answer(reply, row)
  })

  for (const action of ['publish', 'unpublish'] as const) {
    app.post(`/:idOrSlug/${action}`, {
      config: { auth: 'author' },
      schema: {
        tags,
        operationId: `${action}Article`,
        summary: action === 'publish' ? 'Publish an article now' : 'Unpublish an article (back to draft)',
        description: action === 'publish'
          ? 'Sets status published; publishedAt becomes now unless the article was published before (it keeps its date).'
          : 'Sets status draft; the public no longer sees it. Publishing again keeps the original publishedAt.',
        params: IdOrSlugParamsSchema,
        headers: IfMatchHeadersSchema,
        response: { 200: ArticleSchema, ...problemResponses(404, 409, 412) }
      }
    }, async (request, reply) => {
      const before = await target(request)
      if (before.status === 'trashed') throw new NotFoundError('The article is in the trash: restore it first')
      const change = action === 'publish' ? { status: 'published' as const } : { status: 'draft' as const }
      const now = app.now().toISOString()
      const write = seeing(guarded(request, change.status))
      const row = await repo.update(before.id, change, request.auth!, now, write.check)
      if (!row) throw new NotFoundError(`There is no article "${request.params.idOrSlug}"`)
      touched(request, write.before(before), row, now)
      await scheduler.rearm()
      return await answer(reply, row)
    })
  }

  app.delete('/:idOrSlug', {
    config: { auth: 'contributor' },
    schema: {
      tags,
      operationId: 'deleteArticle',
      summary: 'Move an article to the trash (or delete it for good)',
      description: 'The article gets status trashed and disappears from public reads; `POST …/restore` brings it back with its former status. `?permanent=true` (admin only) deletes it and its revisions for good.',
      params: IdOrSlugParamsSchema,
      headers: IfMatchHeadersSchema,
      querystring: DeleteArticleQuerySchema,
      response: { 204: z.undefined().describe('Trashed or deleted'), ...problemResponses(404, 412) }
    }
  }, async (request, reply) => {
    const before = await target(request)
    const { id } = before
    const now = app.now().toISOString()
    const write = seeing(request.query.permanent ? (row) => assertIfMatch(request, row.revision) : guarded(request))
    if (request.query.permanent) {
      if (!roleAtLeast(request.auth!.role, 'admin')) throw new ForbiddenError('Only an admin may delete an article for good; others move it to the trash')
      if (!await repo.destroy(id, write.check)) throw new NotFoundError(`There is no article "${request.params.idOrSlug}"`)
    } else if (!await repo.trash(id, request.auth!, now, write.check)) {
      throw new NotFoundError(`The article "${request.params.idOrSlug}" is already in the trash`)
    }
    touched(request, write.before(before), undefined, now, true)
    await scheduler.rearm()
    return reply.code(204).send()
  })

  app.post('/:idOrSlug/restore', {
    config: { auth: 'contributor' },
    schema: {
      tags,
      operationId: 'restoreArticle',
      summary: 'Bring an article back from the trash',
      description: 'It returns with the status it had when it was trashed.',
      params: IdOrSlugParamsSchema,
      headers: IfMatchHeadersSchema,
      response: { 200: ArticleSchema, ...problemResponses(404, 412) }
    }
  }, async (request, reply) => {
    const before = await target(request)
    const now = app.now().toISOString()
    const write = seeing((current) => {
      assertIfMatch(request, current.revision)
      assertCanWrite(request.auth!, { authorId: current.authorId, status: current.statusBeforeTrash ?? 'draft' })
    })
    const row = await repo.restore(before.id, request.auth!, now, write.check)
    if (!row) throw new NotFoundError(`The article "${request.params.idOrSlug}" is not in the trash`)
    touched(request, write.before(before), row, now, true)
    await scheduler.rearm()
    return await answer(reply, row)
  })

  app.post('/:idOrSlug/preview-token', {
    // A signed link: nothing a public read shows changes.
    config: { auth: 'author', cacheNeutral: true },
    schema: {
      tags,
      operationId: 'createArticlePreviewToken',
      summary: 'Get a signed, expiring preview link for an article',
      description: '`GET /v1/articles/{idOrSlug}?preview=<token>` then shows the article, draft or not, without a bearer token, until the token expires (default 24 hours) or the API token that asked for it is revoked, whichever comes first.',
      params: IdOrSlugParamsSchema,
      body: PreviewRequestSchema.nullish(),
      response: { 201: PreviewTokenSchema, ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const row = await target(request)
    assertCanWrite(request.auth!, { authorId: row.authorId, status: 'draft' })
    const minutes = request.body?.expiresInMinutes ?? 60 * 24
    const expiresAt = new Date(app.now().getTime() + minutes * 60_000)
    const token = previewToken(app.secret, row.id, expiresAt, request.auth!.tokenId)
    const url = `/v1/articles/${row.slug}?preview=${encodeURIComponent(token)}`
    // What was created is the preview link itself: Location names it, as every 201 does.
    reply.header('cache-control', 'no-store').header('location', url)
    return reply.code(201).send({ token, expiresAt: expiresAt.toISOString(), url })
  })
}
