// Public comment routes: the "Leave a reply" form and an article's approved comments.
import { z } from 'zod'
import { changed, dependsOn, keys } from '../http/dependencies.js'
import { commentChangeKeys } from '../articles/dependencies.js'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { isLive } from '../articles/workflow.js'
import { sendJson, sendRead } from '../http/caching.js'
import { FieldError, ForbiddenError, NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { IdOrSlugParamsSchema } from '../http/schemas.js'
import { createVersionedMemo } from '../lib/cache.js'
import { createCommenterTokens } from './commenter-token.js'
import { judge } from './defences.js'
import { normalizeEmail } from './render.js'
import type { CommentRow } from './repository.js'
import { postedComment, publicComment } from './shapes.js'
import { CommentListQuerySchema, CommentPageSchema, CommentTreePageSchema, NewCommentSchema, PostedCommentSchema, type CommentNode } from './schemas.js'
import type { CommentSettingsStore } from './settings.js'
import { moderationRoutes } from './moderation-routes.js'
import { headerText } from '../lib/header-text.js'

const tags = ['Comments']

/** Nests replies under their parents; `roots` keep their order, replies are oldest first. */
function tree (roots: CommentRow[], descendants: CommentRow[]): CommentNode[] {
  const nodes = new Map<number, CommentNode>()
  for (const row of [...roots, ...descendants]) nodes.set(row.id, { ...publicComment(row), replies: [] })
  for (const row of descendants) {
    const parent = row.parentId === null ? undefined : nodes.get(row.parentId)
    parent?.replies.push(nodes.get(row.id)!)
  }
  return roots.map((row) => nodes.get(row.id)!)
}

/** The "Leave a reply" form and the approved comments under an article, plus moderation. */
export const commentsRoutes: FastifyPluginAsyncZod<{ settings: CommentSettingsStore }> = async function (app, { settings }) {
  const repo = app.comments
  const { articles } = app
  const commenters = createCommenterTokens(app.secret)

  // An article's state per id or slug, for the content version it was read at: a post to a
  // busy article makes no query to find it again.
  const states = createVersionedMemo<ReturnType<typeof articles.findState>>(app.contentVersion)

  /** The article if the public can see it, else 404. */
  async function liveArticle (idOrSlug: string) {
    // The lookup's promise is what is kept; a failed one is not.
    const row = await states.get(idOrSlug, () => articles.findState(idOrSlug).catch((err: unknown) => { states.delete(idOrSlug); throw err }))
    if (!row || !isLive(row, app.now().toISOString())) throw new NotFoundError(`There is no published article "${idOrSlug}"`)
    return row
  }

  app.get('/articles/:idOrSlug/comments', {
    config: { publicCache: true },
    schema: {
      tags,
      operationId: 'listArticleComments',
      summary: 'Approved comments of an article',
      description: 'Oldest first by default. With `tree=true` the page holds top-level comments, each with its approved replies nested (a reply whose parent is not shown stands at the top level).',
      params: IdOrSlugParamsSchema,
      querystring: CommentListQuerySchema,
      response: { 200: z.union([CommentTreePageSchema, CommentPageSchema]), 304: z.undefined().describe('Not modified'), ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const article = await liveArticle(request.params.idOrSlug)
    const { limit, cursor, sort, tree: nested, count } = request.query
    const page = await repo.listApproved(article.id, { limit, cursor, sort, topLevelOnly: nested === true })
    const data = nested ? tree(page.rows, await repo.approvedDescendants(article.id, page.rows.map((r) => r.id))) : page.rows.map(publicComment)
    const meta = { limit, nextCursor: page.nextCursor, ...(count ? { total: await repo.countApproved(article.id, nested === true) } : {}) }
    const body = { data, meta }
    dependsOn(request, [keys.comments(article.id)])
    return sendRead(request, reply, body)
  })

  app.post('/articles/:idOrSlug/comments', {
    config: {
      idempotent: true,
      scheduleNeutral: true,
      addressLimit: { max: () => settings.get().postsPerMinute, timeWindow: 60_000, group: 'comment-posts' }
    },
    schema: {
      tags,
      operationId: 'createComment',
      summary: 'Post a comment (public: the "Leave a reply" form)',
      description: 'body, authorName and authorEmail are required; every missing or bad field is named with a message a form can show. The answer says `approved` (shown now) or `pending` (awaiting moderation), and carries a `commenterToken` for the next post: under first-time moderation, a post is approved at once only when it sends back a valid token for its email and a comment posted with that token was approved (the email alone is public through avatarHash). Spam defences: the `homepage` honeypot, a per-address rate limit (429), duplicate detection (409), a link limit, a length limit and a blocklist; spam is kept for moderators and answered like any other comment. Closed comments: 403; an article that is not published: 404.',
      params: IdOrSlugParamsSchema,
      body: NewCommentSchema,
      response: { 201: PostedCommentSchema, ...problemResponses(403, 404, 409, 429) }
    }
  }, async (request, reply) => {
    const article = await liveArticle(request.params.idOrSlug)
    if (!article.commentsEnabled) throw new ForbiddenError('Comments are closed on this article')
    const input = request.body
    const config = settings.get()
    if (input.body.length > config.maxLength) throw new FieldError('body', `Your comment is too long: at most ${config.maxLength} characters, please`)
    let depth = 1
    if (input.parentId !== undefined && input.parentId !== null) {
      const parent = await repo.get(input.parentId)
      if (!parent || parent.articleId !== article.id || parent.status !== 'approved') {
        throw new FieldError('parentId', 'You can only reply to a published comment of this article')
      }
      depth = parent.depth + 1
      if (depth > config.maxDepth) throw new FieldError('parentId', `Replies nest at most ${config.maxDepth} deep: reply to an earlier comment in the thread`)
    }
    const email = normalizeEmail(input.authorEmail)
    const now = app.now()
    const duplicateSince = config.duplicateWindowMinutes > 0 ? new Date(now.getTime() - config.duplicateWindowMinutes * 60_000).toISOString() : null
    const authorUrl = input.authorUrl ?? null
    // A genuine token keeps its chain; approval needs an approved comment in that chain.
    const presented = commenters.read(input.commenterToken, email, now)
    const verdict = await judge(config, { body: input.body, authorName: input.authorName, authorEmail: email, authorUrl, homepage: input.homepage, ip: request.ip },
      () => repo.hasApproved(email),
      async () => presented.proof !== 'genuine' ? presented.proof : await repo.hasApprovedInChain(email, presented.key) ? 'valid' : 'unapproved')
    const row = await repo.insert({
      articleId: article.id,
      parentId: input.parentId ?? null,
      depth,
      status: verdict.status,
      body: input.body,
      authorName: input.authorName,
      authorEmail: email,
      authorUrl,
      ip: request.ip,
      userAgent: headerText(request.headers['user-agent'], 500).trim() || null,
      flags: verdict.flags,
      commenterKey: presented.key
    }, now.toISOString(), duplicateSince)
    // A comment held for moderation (or as spam) changes no public read: cached pages stay.
    if (row.status !== 'approved') request.contentUnchanged = true
    else changed(request, commentChangeKeys(article.id))
    reply.header('cache-control', 'no-store')
    // Where moderators reach this comment (PATCH/DELETE); every 201 names what it created.
    reply.header('location', `/v1/comments/${row.id}`)
    // Spam is answered exactly like a comment awaiting moderation: a bot learns nothing.
    return sendJson(reply, postedComment(row, commenters.issue(email, presented.key, now)), 201)
  })

  await app.register(moderationRoutes, { repo, articles, settings })
}
