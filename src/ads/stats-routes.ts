// Ad statistics and ads.txt routes.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { FieldError } from '../lib/errors.js'
import { listEtag, notModified } from '../http/caching.js'
import { validateAdsTxt } from './ads-txt.js'
import type { AdEngine } from './engine.js'

const day = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Use a date such as 2025-01-29', abort: true })
  // Date.parse rolls 2031-02-30 into March; a real date reads back the same.
  .refine((v) => { const d = new Date(`${v}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v }, 'Not a real date')

const StatsQuerySchema = z.object({
  from: day.optional().describe('First UTC day, inclusive (default: 29 days before `to`). At most 366 days from `from` to `to`'),
  to: day.optional().describe('Last UTC day, inclusive (default: today)'),
  groupBy: z.enum(['day', 'slot', 'campaign', 'creative'], { error: 'groupBy is day, slot, campaign or creative' }).default('day')
})

const StatsRowSchema = z.object({
  key: z.string().describe('The day, slot key, campaign id or creative id'),
  requests: z.number().int().nonnegative(),
  fills: z.number().int().nonnegative(),
  impressions: z.number().int().nonnegative(),
  clicks: z.number().int().nonnegative(),
  filteredImpressions: z.number().int().nonnegative().describe('Replays, prefetches, HEAD requests, bots, expired tokens'),
  filteredClicks: z.number().int().nonnegative(),
  ctr: z.number().describe('clicks / impressions, 0 when there are none')
})

const StatsSchema = z.object({ data: z.array(StatsRowSchema) }).meta({
  id: 'AdStats',
  description: 'Ad counters per group over the days asked',
  examples: [{ data: [{ key: '2025-01-29', requests: 1200, fills: 1100, impressions: 950, clicks: 19, filteredImpressions: 40, filteredClicks: 2, ctr: 0.02 }] }]
})

const AdsTxtSchema = z.strictObject({
  content: z.string().max(100_000, 'ads.txt has at most 100000 characters').describe('The whole file; each line is checked')
}).meta({ id: 'AdsTxt', examples: [{ content: 'contact=ads@news.example\ngoogle.com, pub-1234567890123456, DIRECT, f08c47fec0942fa0\n' }] })

/** Ad statistics and ads.txt. */
export const adStatsRoutes: FastifyPluginAsyncZod<{ engine: AdEngine }> = async function (app, { engine }) {
  const { stats } = engine
  app.get('/ads/stats', {
    config: { auth: 'editor' },
    schema: {
      tags: ['Ad serving'],
      operationId: 'getAdStats',
      summary: 'Ad statistics by day, slot, campaign or creative',
      description: 'Counts up to this moment: the buffer is flushed first. Requests that nothing filled count under campaign and creative 0.',
      querystring: StatsQuerySchema,
      response: { 200: StatsSchema }
    }
  }, async (request, reply) => {
    const to = request.query.to ?? app.now().toISOString().slice(0, 10)
    const from = request.query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10)
    if (from > to) throw new FieldError('from', 'from must not be after to')
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1
    if (days > 366) throw new FieldError('from', 'At most 366 days at once')
    await engine.flush()
    reply.header('cache-control', 'private, no-store')
    return { data: await stats.totals(from, to, request.query.groupBy) }
  })

  // Empty until someone sets it.
  const readAdsTxt = async () => await app.settings.get('ads-txt') ?? ''

  app.get('/settings/ads-txt', {
    config: { auth: 'editor' },
    schema: { tags: ['Ad serving'], operationId: 'getAdsTxt', summary: 'The ads.txt content', response: { 200: AdsTxtSchema } }
  }, async () => ({ content: await readAdsTxt() }))

  app.put('/settings/ads-txt', {
    config: { auth: 'admin' },
    schema: {
      tags: ['Ad serving'],
      operationId: 'replaceAdsTxt',
      summary: 'Replace ads.txt (each line validated)',
      description: 'Blank lines, # comments, variables (contact, subdomain, inventorypartnerdomain, ownerdomain, managerdomain) and records `domain, publisher id, DIRECT|RESELLER[, certification id]`. Every bad line is named.',
      body: AdsTxtSchema,
      response: { 200: AdsTxtSchema }
    }
  }, async (request) => {
    const errors = validateAdsTxt(request.body.content)
    const error = FieldError.of(errors)
    if (error) throw error
    const value = request.body.content
    await app.settings.put('ads-txt', value, app.now().toISOString())
    return { content: value }
  })
}

/** GET /ads.txt at the site root, as text/plain. */
export const adsTxtRoute: FastifyPluginAsyncZod = async function (app) {
  const readAdsTxt = async () => await app.settings.get('ads-txt') ?? ''
  app.get('/ads.txt', {
    schema: { hide: true }
  }, async (request, reply) => {
    const content = await readAdsTxt()
    if (notModified(request, reply, listEtag(content))) return reply
    reply.header('cache-control', 'public, max-age=3600')
    return reply.type('text/plain; charset=utf-8').serializer((p: unknown) => String(p)).send(content)
  })
}
