// GET /v1/article-pages/{slug}: everything an article page shows, in one request.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { ArticleSchema, ArticleTeaserSchema, TEASER_FIELDS } from '../articles/schemas.js'
import { isLive } from '../articles/workflow.js'
import { sendRead } from '../http/caching.js'
import { dependsOn, keys } from '../http/dependencies.js'
import { articleKeys } from '../articles/dependencies.js'
import { NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { SlugSchema } from '../lib/slug.js'
import { AdSlotSchema } from '../ads/schemas.js'
import { pick } from '../lib/pick.js'

const RELATED = 4
const LATEST = 5
/** Placements that belong on an article page ("between_list_items" is for lists). */
const ARTICLE_PAGE_PLACEMENTS = new Set(['header', 'above_article', 'in_article', 'below_article', 'sidebar', 'footer'])

const PageSlotSchema = AdSlotSchema.pick({ key: true, name: true, placement: true, sizes: true, sizeMapping: true, label: true, inArticle: true })

const ArticlePageSchema = z.object({
  article: ArticleSchema,
  related: z.array(ArticleTeaserSchema).describe('"More articles": up to 4 sharing the category or a tag, most shared first'),
  latest: z.array(ArticleTeaserSchema).describe('"Latest article": the 5 newest published articles other than this one'),
  adSlots: z.array(PageSlotSchema).describe('The enabled ad slots for article pages; ask /v1/ads/serve for their ads'),
  commentCount: z.number().int().nonnegative().describe('Approved comments')
}).meta({ id: 'ArticlePage', description: 'Everything an article page needs, in one answer' })

/** GET /v1/article-pages/{slug}: the whole article page in one request, in a fixed number of queries. */
export const articlePageRoutes: FastifyPluginAsyncZod = async function (app) {
  const { articles } = app

  app.get('/article-pages/:slug', {
    config: { publicCache: true },
    schema: {
      tags: ['Article page'],
      operationId: 'getArticlePage',
      summary: 'Everything an article page needs, in one request',
      description: 'The article, "More articles" (4), "Latest article" (5 newest others), the ad slots for article pages and the comment count. Cacheable like any public read (ETag, 304). Ads themselves come from /v1/ads/serve, which is never cached.',
      params: z.object({ slug: SlugSchema.or(z.string().regex(/^\d+$/)).describe('The article slug (or id)') }),
      response: { 200: ArticlePageSchema, 304: z.undefined().describe('Not modified'), ...problemResponses(404) }
    }
  }, async (request, reply) => {
    const now = app.now().toISOString()
    const row = await articles.findRow(request.params.slug)
    if (!row || !isLive(row, now)) throw new NotFoundError(`There is no published article "${request.params.slug}"`)
    // Teasers: their rows are read in one query, without the body and html.
    const relatedIds = await articles.relatedIds(row, RELATED, now)
    const latestIds = await articles.latestIds(LATEST, now, row.id)
    const teasers = new Map((await articles.liveRows([...relatedIds, ...latestIds], now, TEASER_FIELDS)).map((r) => [r.id, r]))
    const rowsOf = (ids: number[]) => ids.map((id) => teasers.get(id)).filter((r) => r !== undefined)
    const related = rowsOf(relatedIds)
    const latest = rowsOf(latestIds)
    // One present() for all rows: categories, authors and tags in three queries for the page.
    const [article, ...others] = await articles.present([row, ...related, ...latest], now, request.auth)
    const teaser = (a: typeof article) => pick(a!, TEASER_FIELDS) as z.infer<typeof ArticleTeaserSchema>
    const adSlots = app.ads.config().slots
      .filter((s) => s.enabled && ARTICLE_PAGE_PLACEMENTS.has(s.placement))
      .map(({ key, name, placement, sizes, sizeMapping, label, inArticle }) => ({ key, name, placement, sizes, sizeMapping, label, inArticle }))
    dependsOn(request, [keys.articles, keys.ads, ...articleKeys([article!], false), ...articleKeys(others, true)])
    const body = {
      article: article!,
      related: others.slice(0, related.length).map(teaser),
      latest: others.slice(related.length).map(teaser),
      adSlots,
      commentCount: row.commentCount
    }
    return sendRead(request, reply, body)
  })
}
