// Ad event routes: impression beacons and click redirects, verified and counted.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { NotFoundError } from '../lib/errors.js'
import { problemResponses } from '../http/problem.js'
import type { AdEngine } from './engine.js'
import { isBot } from './user-agent.js'
import { CLICK_TTL_S, IMPRESSION_TTL_S, type AdEvent, type DecisionTokens } from './tokens.js'
import { headerText } from '../lib/header-text.js'

const TokenParamsSchema = z.object({ token: z.string().min(1).max(2000) })

const PURPOSE_HEADER = /prefetch|prerender|preview/i

/** A request that must not count: HEAD, a prefetch or prerender, or a bot. */
function filtered (request: FastifyRequest): boolean {
  if (request.method === 'HEAD') return true
  const { headers } = request
  if (headers['sec-purpose'] !== undefined || headers.purpose !== undefined || headers['x-moz'] !== undefined) {
    if (PURPOSE_HEADER.test(`${headers['sec-purpose'] ?? ''} ${headers.purpose ?? ''} ${headers['x-moz'] ?? ''}`)) return true
  }
  const ua = headerText(headers['user-agent'])
  return ua.trim() === '' || isBot(ua)
}

/** Impression beacons and click redirects: counted in memory, flushed by the engine. */
export const adEventRoutes: FastifyPluginAsyncZod<{ engine: AdEngine, tokens: DecisionTokens }> = async function (app, { engine, tokens }) {
  const events = app.config.adEventsPerMinute

  /** Counts one event of a verified link: valid once per link while unexpired, else filtered. */
  async function count (request: FastifyRequest, event: AdEvent, kind: 'impressions' | 'clicks') {
    const now = app.now()
    const expires = event.issued + (kind === 'impressions' ? IMPRESSION_TTL_S : CLICK_TTL_S)
    const valid = !filtered(request) && expires * 1000 > now.getTime()
    const key = { day: now.toISOString().slice(0, 10), slotKey: event.slot, campaignId: event.campaign, creativeId: event.creative }
    await engine.counters.event(key, kind, valid ? { id: `${kind === 'impressions' ? 'i' : 'c'}${event.id}`, expiresAt: expires } : undefined)
  }

  const impression = {
    config: { cacheNeutral: true, addressLimit: { max: events, timeWindow: 60_000, group: 'ad-events' } },
    schema: {
      tags: ['Ad serving'],
      summary: 'Count an impression (call when the ad is visible)',
      description: '204 whether it counted or was filtered (replayed, expired after an hour, HEAD, prefetch, bot), so a bot learns nothing; a tampered token is 404 and counts nothing. The token signs the whole decision of one serve call; the number after its last dot names the ad.',
      params: TokenParamsSchema,
      response: { 204: z.undefined().describe('Received'), ...problemResponses(404, 429) }
    }
  }
  const countImpression = async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
    const event = tokens.read(request.params.token)
    if (!event) throw new NotFoundError('Unknown impression token')
    await count(request, event, 'impressions')
    reply.header('cache-control', 'no-store')
    return reply.code(204).send()
  }
  // Two methods, one operation each: a generated client needs distinct operationIds.
  app.get('/ads/impression/:token', { ...impression, schema: { ...impression.schema, operationId: 'countAdImpressionByGet' } }, countImpression)
  app.post('/ads/impression/:token', { ...impression, schema: { ...impression.schema, operationId: 'countAdImpression' } }, countImpression)

  app.get('/ads/click/:token', {
    config: { addressLimit: { max: events, timeWindow: 60_000, group: 'ad-events' } },
    schema: {
      tags: ['Ad serving'],
      operationId: 'followAdClick',
      summary: 'Follow an ad click: counts it and redirects to the advertiser',
      description: 'Answers 302 to the creative\'s targetUrl as stored in the database; nothing in the request can change the destination. A tampered token is 404. Bots, prefetches, HEAD, expired (after 24 hours) or repeated clicks still redirect but count as filtered.',
      params: TokenParamsSchema,
      response: { 302: z.undefined().describe('Redirect to the advertiser'), ...problemResponses(404, 429) }
    }
  }, async (request, reply) => {
    const event = tokens.read(request.params.token)
    if (!event) throw new NotFoundError('Unknown click token')
    const creative = engine.config().creatives.find((c) => c.id === event.creative) ?? await engine.repo.creatives.get(event.creative)
    if (!creative) throw new NotFoundError('The ad no longer exists')
    await count(request, event, 'clicks')
    reply.header('cache-control', 'no-store').header('referrer-policy', 'strict-origin-when-cross-origin')
    return reply.redirect(creative.targetUrl, 302)
  })
}
