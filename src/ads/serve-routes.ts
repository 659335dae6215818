import { randomBytes } from 'node:crypto'
import Bowser from 'bowser'
import { isbot } from 'isbot'
import { escapeAttribute } from 'entities'
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import { createArticlesRepository } from '../articles/repository.js'
import { loadRefs } from '../articles/relations.js'
import { isLive } from '../articles/workflow.js'
import { FieldError, NotFoundError } from '../http/errors.js'
import { problemResponses } from '../http/problem.js'
import { sign, verify } from '../http/signing.js'
import type { AdEngine } from './engine.js'
import type { CreativeRow } from './repository.js'
import { SlotKeySchema } from './schemas.js'
import { selectAds, type Device, type PageContext } from './selection.js'

const IMPRESSION_TTL_S = 60 * 60
const CLICK_TTL_S = 24 * 60 * 60
/** Never both allow-scripts and allow-same-origin: together they let a creative lift its own sandbox. */
export const HTML_SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation'

const MAX_SLOTS = 20
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

const SlotInfoSchema = z.object({
  key: z.string(),
  label: z.string(),
  sizes: z.union([z.array(z.tuple([z.number(), z.number()])), z.literal('fluid')]),
  placement: z.string(),
  inArticle: z.object({ afterParagraph: z.number().int(), repeatEvery: z.number().int().nullable(), maxInsertions: z.number().int() }).nullable()
})

const AdSchema = z.object({
  creativeId: z.number().int(),
  campaignId: z.number().int(),
  kind: z.enum(['image', 'html']),
  width: z.number().int(),
  height: z.number().int(),
  image: z.object({ src: z.string(), alt: z.string() }).optional(),
  html: z.object({ srcdoc: z.string(), sandbox: z.string().describe('Use as the iframe sandbox attribute, as is') }).optional(),
  clickUrl: z.string().describe('Send clicks here: it counts the click and redirects to the advertiser'),
  impressionUrl: z.string().describe('Call (GET or POST) when the ad is actually visible: that is when an impression counts')
})

const ServeResponseSchema = z.object({
  slots: z.record(z.string(), z.object({ slot: SlotInfoSchema, ad: AdSchema.nullable() }).nullable()
    .describe('null: no such enabled slot. ad null: nothing to show; collapse the slot or keep its space'))
}).meta({ id: 'AdDecision', description: 'One ad decision per requested slot' })

const TokenParamsSchema = z.object({ token: z.string().min(1).max(1000) })
/** The signed payload of an impression or click token: id, slot, creative, campaign, expiry. */
const EventTokenSchema = z.object({ i: z.string(), s: z.string(), c: z.number().int(), k: z.number().int(), e: z.number().int() })

/** A request that must not count: HEAD, a prefetch or prerender, or a bot. */
function filtered (request: FastifyRequest): boolean {
  if (request.method === 'HEAD') return true
  const purpose = `${request.headers['sec-purpose'] ?? ''} ${request.headers.purpose ?? ''} ${request.headers['x-moz'] ?? ''}`.toLowerCase()
  if (/prefetch|prerender|preview/.test(purpose)) return true
  const ua = request.headers['user-agent']
  return !ua || isbot(ua)
}

// Parsing a User-Agent is the costly part of serving; the same few strings come back all day.
const devices = new Map<string, Device>()
function deviceOf (request: FastifyRequest): Device {
  const ua = request.headers['user-agent'] ?? ''
  let device = devices.get(ua)
  if (device === undefined) {
    const type = Bowser.parse(ua).platform.type
    device = type === 'mobile' || type === 'tablet' ? type : 'desktop'
    if (devices.size >= 5000) devices.delete(devices.keys().next().value!)
    devices.set(ua, device)
  }
  return device
}

// Token ids only need to be unique: a random prefix per process and a counter, instead of
// random bytes per ad.
const boot = randomBytes(6).toString('base64url')
let sequence = 0
const nextTokenId = () => `${boot}${(sequence++).toString(36)}`

/** Serving, impression beacons and click redirects: no database write on any of them. */
export const adServeRoutes: FastifyPluginAsyncZod<{ engine: AdEngine, random: () => number }> = async function (app, { engine, random }) {
  const articles = createArticlesRepository(app.db)
  const events = app.config.adEventsPerMinute

  // What targeting needs of an article, per id or slug, for the content version it was read at:
  // serving a page then touches no table at all.
  const contexts = new Map<string, { version: string, liveUntil: string, article: NonNullable<PageContext['article']> | null }>()

  function articleContext (idOrSlug: string, now: Date): PageContext['article'] {
    const version = app.contentVersion()
    const nowIso = now.toISOString()
    let entry = contexts.get(idOrSlug)
    if (!entry || entry.version !== version) {
      const row = articles.findRow(idOrSlug)
      let article: NonNullable<PageContext['article']> | null = null
      if (row && isLive(row, nowIso)) {
        const refs = loadRefs(app.db, [row])
        article = { slug: row.slug, category: refs.category(row.categoryId)?.slug ?? null, tags: refs.tags(row.id).map((t) => t.slug), author: refs.author(row.authorId)?.slug ?? null }
      }
      // A scheduled article not yet live is looked up again once its time may have come.
      entry = { version, liveUntil: article || !row?.publishedAt || row.publishedAt <= nowIso ? '9999' : row.publishedAt, article }
      if (contexts.size >= 10_000) contexts.delete(contexts.keys().next().value!)
      contexts.set(idOrSlug, entry)
    }
    if (!entry.article && entry.liveUntil <= nowIso) { contexts.delete(idOrSlug); return articleContext(idOrSlug, now) }
    if (!entry.article) throw new FieldError('article', `There is no published article "${idOrSlug}"`)
    return entry.article
  }

  function pageContext (request: FastifyRequest, query: z.infer<typeof ServeQuerySchema>): PageContext {
    const now = app.now()
    const article = query.article !== undefined ? articleContext(query.article, now) : null
    return { article, device: query.device ?? deviceOf(request), viewportWidth: query.viewportWidth, now }
  }

  function adOf (origin: string, slotKey: string, creative: CreativeRow, now: Date) {
    const seconds = Math.floor(now.getTime() / 1000)
    const id = nextTokenId()
    const base = { i: id, s: slotKey, c: creative.id, k: creative.campaignId }
    const clickUrl = `${origin}/v1/ads/click/${sign(app.secret, 'ad-click', { ...base, e: seconds + CLICK_TTL_S })}`
    const impressionUrl = `${origin}/v1/ads/impression/${sign(app.secret, 'ad-impression', { ...base, e: seconds + IMPRESSION_TTL_S })}`
    const common = { creativeId: creative.id, campaignId: creative.campaignId, kind: creative.kind, width: creative.width, height: creative.height, clickUrl, impressionUrl }
    if (creative.kind === 'image') {
      const src = creative.imageUrl?.startsWith('/') ? `${origin}${creative.imageUrl}` : (creative.imageUrl ?? '')
      return { ...common, image: { src, alt: creative.alt ?? '' } }
    }
    const body = (creative.html ?? '').replaceAll('{{clickUrl}}', escapeAttribute(clickUrl))
    const srcdoc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>html,body{margin:0;overflow:hidden}</style></head><body>${body}</body></html>`
    return { ...common, html: { srcdoc, sandbox: HTML_SANDBOX } }
  }

  app.get('/ads/serve', {
    schema: {
      tags: ['Ad serving'],
      summary: 'Ads for all the slots of a page, in one call',
      description: 'For each slot: the highest tier and priority among eligible creatives (active, in schedule, under limits, matching targeting, fitting the slot), weighted random inside; a creative or campaign fills at most one slot per call. Image ads come as data; html ads as an iframe srcdoc with a sandbox list (never allow-scripts with allow-same-origin). Serving counts requests and fills only; impressions count when `impressionUrl` is called. `Cache-Control: no-store`.',
      querystring: ServeQuerySchema,
      response: { 200: ServeResponseSchema }
    }
  }, async (request, reply) => {
    const query = request.query
    const ctx = pageContext(request, query)
    const config = engine.config()
    const slots = query.slots.map((key) => config.slots.find((s) => s.key === key && s.enabled))
    const picks = selectAds(config, slots.filter((s) => s !== undefined), ctx, engine.counters.delivered, random)
    const origin = `${request.protocol}://${request.host}`
    const day = ctx.now.toISOString().slice(0, 10)
    const out: z.infer<typeof ServeResponseSchema>['slots'] = {}
    for (const [index, key] of query.slots.entries()) {
      const slot = slots[index]
      if (!slot) { out[key] = null; continue }
      const pick = picks.get(key) ?? null
      engine.counters.add({ day, slotKey: key, campaignId: pick?.campaign.id ?? 0, creativeId: pick?.creative.id ?? 0 }, 'requests')
      if (pick) engine.counters.add({ day, slotKey: key, campaignId: pick.campaign.id, creativeId: pick.creative.id }, 'fills')
      out[key] = {
        slot: { key: slot.key, label: slot.label, sizes: slot.sizes, placement: slot.placement, inArticle: slot.inArticle },
        ad: pick ? adOf(origin, key, pick.creative, ctx.now) : null
      }
    }
    reply.header('cache-control', 'no-store')
    // Built field by field above from the documented shapes: plain JSON.stringify skips
    // re-validating the whole decision (a tenth of the serving time).
    return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send({ slots: out })
  })

  /** Verifies an event token: undefined when tampered; expired tokens verify but do not count. */
  function readToken (purpose: string, token: string) {
    const shape = EventTokenSchema.safeParse(verify(app.secret, purpose, token))
    return shape.success ? shape.data : undefined
  }

  const impression = {
    config: { cacheNeutral: true, rateLimit: { max: events, timeWindow: 60_000, groupId: 'ad-events' } },
    schema: {
      tags: ['Ad serving'],
      summary: 'Count an impression (call when the ad is visible)',
      description: '204 whether it counted or was filtered (replayed, expired, HEAD, prefetch, bot), so a bot learns nothing; a tampered token is 404 and counts nothing.',
      params: TokenParamsSchema,
      response: { 204: z.undefined().describe('Received'), ...problemResponses(404, 429) }
    }
  }
  const countImpression = async (request: FastifyRequest<{ Params: { token: string } }>, reply: import('fastify').FastifyReply) => {
    const payload = readToken('ad-impression', request.params.token)
    if (!payload) throw new NotFoundError('Unknown impression token')
    const now = app.now()
    const key = { day: now.toISOString().slice(0, 10), slotKey: payload.s, campaignId: payload.k, creativeId: payload.c }
    const valid = !filtered(request) && payload.e * 1000 > now.getTime() && engine.counters.firstUse(`imp:${payload.i}`, payload.e)
    engine.counters.add(key, valid ? 'impressions' : 'filteredImpressions')
    reply.header('cache-control', 'no-store')
    return reply.code(204).send()
  }
  app.get('/ads/impression/:token', impression, countImpression)
  app.post('/ads/impression/:token', impression, countImpression)

  app.get('/ads/click/:token', {
    config: { rateLimit: { max: events, timeWindow: 60_000, groupId: 'ad-events' } },
    schema: {
      tags: ['Ad serving'],
      summary: 'Follow an ad click: counts it and redirects to the advertiser',
      description: 'Answers 302 to the creative\'s targetUrl as stored in the database; nothing in the request can change the destination. A tampered token is 404. Bots, prefetches, HEAD, expired or repeated tokens still redirect but count as filtered.',
      params: TokenParamsSchema,
      response: { 302: z.undefined().describe('Redirect to the advertiser'), ...problemResponses(404, 429) }
    }
  }, async (request, reply) => {
    const payload = readToken('ad-click', request.params.token)
    if (!payload) throw new NotFoundError('Unknown click token')
    const creative = engine.config().creatives.find((c) => c.id === payload.c) ?? engine.repo.creatives.get(payload.c)
    if (!creative) throw new NotFoundError('The ad no longer exists')
    const now = app.now()
    const key = { day: now.toISOString().slice(0, 10), slotKey: payload.s, campaignId: payload.k, creativeId: payload.c }
    const valid = !filtered(request) && payload.e * 1000 > now.getTime() && engine.counters.firstUse(`click:${payload.i}`, payload.e)
    engine.counters.add(key, valid ? 'clicks' : 'filteredClicks')
    reply.header('cache-control', 'no-store').header('referrer-policy', 'strict-origin-when-cross-origin')
    return reply.redirect(creative.targetUrl, 302)
  })
}
