// The ad serve route: one decision for every slot of a page, answered from memory.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isLive } from '../articles/workflow.js'
import { FieldError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import { createCache, createVersionedMemo } from '../lib/cache.js'
import { createDecisionWriter, type DecisionEntry } from './decision-json.js'
import type { AdEngine } from './engine.js'
import { InArticleAnswerSchema, SlotKeySchema } from './schemas.js'
import { isoTime, selectAds, type PageContext } from './selection.js'
import type { DecisionTokens, Placement } from './tokens.js'
import { deviceOf } from './user-agent.js'

const MAX_SLOTS = 20
/** How many distinct serve URLs keep their parsed query (the least recently used goes first). */
const KNOWN_URLS = 1000
// Room for MAX_SLOTS keys of the longest kind (64 characters) and their commas.
const SLOTS_TEXT_MAX = MAX_SLOTS * 65

const ServeQuerySchema = z.object({
  slots: z.string().min(1, 'slots names at least one slot key').max(SLOTS_TEXT_MAX, `slots has at most ${SLOTS_TEXT_MAX} characters`)
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(SlotKeySchema).min(1, 'slots names at least one slot key').max(MAX_SLOTS, `At most ${MAX_SLOTS} slots in one call`))
    .describe(`Comma-separated slot keys, most valuable first; at most ${MAX_SLOTS}`),
  article: z.string().min(1).max(200).optional().describe('The article the page shows (id or slug), for contextual targeting'),
  device: z.enum(['mobile', 'tablet', 'desktop'], { error: 'device is mobile, tablet or desktop' }).optional()
    .describe('Default: from the User-Agent'),
  viewportWidth: z.coerce.number().int().min(0).max(10_000).optional().describe('CSS pixels; picks the size-mapping rule of each slot')
})

type ServeQuery = z.infer<typeof ServeQuerySchema>

const SlotInfoSchema = z.object({
  key: z.string(),
  label: z.string(),
  sizes: z.union([z.array(z.tuple([z.number(), z.number()])), z.literal('fluid')]),
  placement: z.string(),
  inArticle: InArticleAnswerSchema.nullable()
})

const AdSchema = z.object({
  creativeId: z.number().int().positive(),
  campaignId: z.number().int().positive(),
  kind: z.enum(['image', 'html']),
  width: z.number().int().min(1).max(4000),
  height: z.number().int().min(1).max(4000),
  image: z.object({ src: z.string(), alt: z.string() }).optional(),
  html: z.object({ srcdoc: z.string(), sandbox: z.string().describe('Use as the iframe sandbox attribute, as is') }).optional(),
  clickUrl: z.string().describe('Send clicks here: it counts the click and redirects to the advertiser'),
  impressionUrl: z.string().describe('Call (GET or POST) when the ad is actually visible: that is when an impression counts')
})

const ServeResponseSchema = z.object({
  slots: z.record(z.string(), z.object({ slot: SlotInfoSchema, ad: AdSchema.nullable() }).nullable()
    .describe('null: no such enabled slot. ad null: nothing to show; collapse the slot or keep its space'))
}).meta({ id: 'AdDecision', description: 'One ad decision per requested slot' })

// Token ids only need to be unique: a random prefix per process (fixed length, lower-case hex,
// as tokens.ts expects of a token field) and a counter, instead of random bytes per ad.
const boot = randomBytes(6).toString('hex')
let sequence = 0
const nextTokenId = () => `${boot}${(sequence++).toString(36)}`

/** Ad serving: one decision for all the slots of a page, with no database write. */
export const adServeRoutes: FastifyPluginAsyncZod<{ engine: AdEngine, tokens: DecisionTokens, random: () => number }> = async function (app, { engine, tokens, random }) {
  const { articles } = app
  const writeDecision = createDecisionWriter()

  // What targeting needs of an article, per id or slug, for the content version it was read at:
  // serving a page then touches no table at all.
  type Context = { liveUntil: string, article: NonNullable<PageContext['article']> | null }
  const contexts = createVersionedMemo<Promise<Context>>(app.contentVersion)

  async function readContext (idOrSlug: string, nowIso: string): Promise<Context> {
    const row = await articles.findRow(idOrSlug)
    let article: NonNullable<PageContext['article']> | null = null
    if (row && isLive(row, nowIso)) {
      const refs = await articles.refs([row])
      article = { slug: row.slug, category: refs.category(row.categoryId)?.slug ?? null, tags: refs.tags(row.id).map((t) => t.slug), author: refs.author(row.authorId)?.slug ?? null }
    }
    // A scheduled article not yet live is looked up again once its time may have come.
    return { liveUntil: article || !row?.publishedAt || row.publishedAt <= nowIso ? '9999' : row.publishedAt, article }
  }

  async function articleContext (idOrSlug: string, now: Date): Promise<PageContext['article']> {
    const nowIso = isoTime(now)
    // The lookup's promise is what is kept; a failed one is not.
    const entry = await contexts.get(idOrSlug, () => readContext(idOrSlug, nowIso).catch((err: unknown) => { contexts.delete(idOrSlug); throw err }))
    if (!entry.article && entry.liveUntil <= nowIso) { contexts.delete(idOrSlug); return await articleContext(idOrSlug, now) }
    if (!entry.article) throw new FieldError('article', `There is no published article "${idOrSlug}"`)
    return entry.article
  }

  async function pageContext (request: FastifyRequest, query: ServeQuery): Promise<PageContext> {
    const now = app.now()
    const article = query.article !== undefined ? await articleContext(query.article, now) : null
    return { article, device: query.device ?? deviceOf(request.headers['user-agent']), viewportWidth: query.viewportWidth, now }
  }

  /** One decision for the slots a query names, sent as the answer. */
  async function serve (request: FastifyRequest, reply: FastifyReply, query: ServeQuery): Promise<FastifyReply> {
    // First: a bad host is a 400 before anything is counted.
    const origin = app.publicOrigin(request)
    const ctx = await pageContext(request, query)
    const snapshot = engine.config()
    const slots = query.slots.map((key) => snapshot.slots.find((s) => s.key === key && s.enabled))
    const picks = selectAds(snapshot, slots.filter((s) => s !== undefined), ctx, engine.counters.delivered, random)
    const day = isoTime(ctx.now).slice(0, 10)
    const entries: DecisionEntry[] = []
    let placements: Placement[] | undefined
    for (const [index, key] of query.slots.entries()) {
      const slot = slots[index]
      const pick = slot ? picks.get(key) : undefined
      if (slot) engine.counters.served(day, key, pick?.campaign.id ?? 0, pick?.creative.id ?? 0)
      if (pick) (placements ??= []).push([key, pick.creative.id, pick.campaign.id])
      entries.push({ key, slot, creative: pick?.creative })
    }
    const token = placements ? tokens.sign(nextTokenId(), Math.floor(ctx.now.getTime() / 1000), placements) : ''
    // Written from pieces cached per ads snapshot (decision-json.ts) in the documented shape
    // (the fuzzer checks every answer against it): no per-request serialiser pass.
    const json = writeDecision(snapshot, entries, origin, token)
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(json)
  }

  // The queries of URLs that passed the schema, by URL. A page asks for its ads with the same
  // URL on every view, so a URL seen before is answered from this route's onRequest hook: no
  // second zod parse of the same text, and no preValidation, validation, preHandler or handler
  // step after it (the onSend and onResponse hooks still run).
  const knownQueries = createCache<string, ServeQuery>({ max: KNOWN_URLS })
  function remember (url: string, query: ServeQuery): void {
    // Shared by every later request of the URL: frozen, so nothing can change it for them.
    Object.freeze(query.slots)
    knownQueries.set(url, Object.freeze(query))
  }

  app.get('/ads/serve', {
    // Runs before the fast path below (address-limit.ts puts its hook first), repeated URLs included.
    config: { addressLimit: { max: app.config.adServesPerMinute, timeWindow: 60_000, group: 'ad-serves' } },
    onRequest: async (request, reply) => {
      const query = knownQueries.get(request.url)
      if (query === undefined) return
      return await serve(request, reply, query)
    },
    schema: {
      tags: ['Ad serving'],
      operationId: 'serveAds',
      summary: 'Ads for all the slots of a page, in one call',
      description: 'For each slot: the highest tier and priority among eligible creatives (active, in schedule, under limits, matching targeting, fitting the slot), weighted random inside; a creative or campaign fills at most one slot per call. Image ads come as data; html ads as an iframe srcdoc with a sandbox list (never allow-scripts with allow-same-origin). Serving counts requests and fills only; impressions count when `impressionUrl` is called. `Cache-Control: no-store`. Limited per client address (BROADSHEET_AD_SERVES_PER_MINUTE, default 600): past it, 429 with Retry-After.',
      querystring: ServeQuerySchema,
      response: { 200: ServeResponseSchema, ...problemResponses(429) }
    }
  }, async (request, reply) => {
    remember(request.url, request.query)
    return await serve(request, reply, request.query)
  })
}
