// Ad administration routes: slots (public reads), campaigns and creatives (editors).
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { assertIfMatch, itemEtag, listEtag, notModified } from '../http/caching.js'
import { changed, dependsOn, keys } from '../http/dependencies.js'
import { FieldError, KeyTakenError, NotFoundError } from '../lib/errors.js'
import { toPage } from '../http/pagination.js'
import { problemResponses } from '../http/problem.js'
import { IdOrSlugParamsSchema, IdParamsSchema, IfMatchHeadersSchema } from '../http/schemas.js'
import type { AdEngine } from './engine.js'
import type { CampaignRow, CreativeRow, SlotRow } from './repository.js'
import {
  AdCampaignPageSchema, AdCampaignSchema, AdCreativePageSchema, AdCreativeSchema, AdSlotPageSchema, AdSlotSchema,
  CampaignListQuerySchema, CreateAdCampaignSchema, CreateAdCreativeSchema, CreateAdSlotSchema, CreativeListQuerySchema,
  UpdateAdCampaignSchema, UpdateAdCreativeSchema, UpdateAdSlotSchema
} from './schemas.js'
import { sizeFits } from './selection.js'
import type { Role } from '../lib/roles.js'
import { CursorIdSchema, decodeCursor } from '../lib/cursor.js'

const strip = <T extends { revision: number }>(row: T): Omit<T, 'revision'> => {
  const { revision: _revision, ...rest } = row
  return rest
}

const afterId = (cursor: string | undefined) => (cursor ? decodeCursor(cursor, z.tuple([CursorIdSchema]))[0] : undefined)
const notModifiedResponse = { 304: z.undefined().describe('Not modified') }

/** CRUD for ad slots (public reads), campaigns and creatives (editor). */
export const adAdminRoutes: FastifyPluginAsyncZod<{ engine: AdEngine }> = async function (app, { engine }) {
  const { repo } = engine
  const editor: { auth: Role } = { auth: 'editor' }
  // Dependency keys: public answers here show the ad configuration ('ads'), as article pages
  // do; every write here changes it and drops only those.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') dependsOn(request, [keys.ads])
    else changed(request, [keys.ads])
    done()
  })

  // ---- slots
  const slotNotFound = (key: string | number) => new NotFoundError(`There is no ad slot "${key}"`)

  app.get('/ad-slots', {
    config: { publicCache: true },
    schema: { tags: ['Ad slots'], operationId: 'listAdSlots', summary: 'List ad slots', querystring: CampaignListQuerySchema.omit({ status: true }), response: { 200: AdSlotPageSchema, ...notModifiedResponse } }
  }, async (request, reply) => {
    const { limit, cursor } = request.query
    const body = toPage(await repo.slots.list({ limit, afterId: afterId(cursor) }), limit, strip, (r) => [r.id])
    if (notModified(request, reply, listEtag(body))) return reply
    return body
  })

  app.get('/ad-slots/:idOrSlug', {
    config: { publicCache: true },
    schema: { tags: ['Ad slots'], operationId: 'getAdSlot', summary: 'Get an ad slot by id or key', params: IdOrSlugParamsSchema, response: { 200: AdSlotSchema, ...notModifiedResponse, ...problemResponses(404) } }
  }, async (request, reply) => {
    const row = await repo.slots.findByIdOrKey(request.params.idOrSlug)
    if (!row) throw slotNotFound(request.params.idOrSlug)
    const body = strip(row)
    if (notModified(request, reply, itemEtag(row.revision, body))) return reply
    return body
  })

  app.post('/ad-slots', {
    config: { ...editor, idempotent: true },
    schema: { tags: ['Ad slots'], operationId: 'createAdSlot', summary: 'Create an ad slot', body: CreateAdSlotSchema, response: { 201: AdSlotSchema, ...problemResponses(409) } }
  }, async (request, reply) => {
    if (await repo.slots.keyTaken(request.body.key)) throw new KeyTakenError(request.body.key)
    const row = await repo.slots.create(request.body, app.now().toISOString())
    await engine.reload()
    reply.header('location', `/v1/ad-slots/${row.id}`).header('etag', itemEtag(row.revision, strip(row)))
    return reply.code(201).send(strip(row))
  })

  app.patch('/ad-slots/:idOrSlug', {
    config: editor,
    schema: { tags: ['Ad slots'], operationId: 'updateAdSlot', summary: 'Change an ad slot (partial; If-Match honoured)', params: IdOrSlugParamsSchema, headers: IfMatchHeadersSchema, body: UpdateAdSlotSchema, response: { 200: AdSlotSchema, ...problemResponses(404, 409, 412) } }
  }, async (request, reply) => {
    const current = await repo.slots.findByIdOrKey(request.params.idOrSlug)
    if (!current) throw slotNotFound(request.params.idOrSlug)
    const change = request.body
    if (change.key !== undefined && await repo.slots.keyTaken(change.key, current.id)) throw new KeyTakenError(change.key)
    const placement = change.placement ?? current.placement
    const inArticle = change.inArticle !== undefined ? change.inArticle : current.inArticle
    if (placement === 'in_article' && !inArticle) throw new FieldError('inArticle', 'An in_article slot needs inArticle.afterParagraph')
    // A new key is written into the campaigns that listed the old one, in the same transaction.
    const row = await repo.slots.update(current.id, change, app.now().toISOString(), (r: SlotRow) => assertIfMatch(request, r.revision))
    if (!row) throw slotNotFound(request.params.idOrSlug)
    await engine.reload()
    reply.header('etag', itemEtag(row.revision, strip(row)))
    return strip(row)
  })

  app.delete('/ad-slots/:idOrSlug', {
    config: editor,
    schema: { tags: ['Ad slots'], operationId: 'deleteAdSlot', summary: 'Delete an ad slot', description: 'A slot that campaigns list in slotKeys is 409: remove it from them first.', params: IdOrSlugParamsSchema, headers: IfMatchHeadersSchema, response: { 204: z.undefined().describe('Deleted'), ...problemResponses(404, 409, 412) } }
  }, async (request, reply) => {
    const current = await repo.slots.findByIdOrKey(request.params.idOrSlug)
    if (!current) throw slotNotFound(request.params.idOrSlug)
    // A slot a campaign lists is refused (InUseError) inside the delete's transaction.
    if (!await repo.slots.remove(current.id, (r: SlotRow) => assertIfMatch(request, r.revision))) throw slotNotFound(request.params.idOrSlug)
    await engine.reload()
    return reply.code(204).send()
  })

  // ---- campaigns
  const campaignNotFound = (id: number) => new NotFoundError(`There is no ad campaign with id ${id}`)
  const checkSlotKeys = async (keys: string[] | undefined) => {
    if (!keys) return
    const existing = await repo.slots.existingKeys(keys)
    const index = keys.findIndex((k) => !existing.has(k))
    if (index >= 0) throw new FieldError(`slotKeys.${index}`, `There is no ad slot "${keys[index]}"`)
  }

  app.get('/ad-campaigns', {
    config: editor,
    schema: { tags: ['Ad campaigns'], operationId: 'listAdCampaigns', summary: 'List ad campaigns', querystring: CampaignListQuerySchema, response: { 200: AdCampaignPageSchema } }
  }, async (request, reply) => {
    const { limit, cursor, status } = request.query
    reply.header('cache-control', 'private, no-store')
    return toPage(await repo.campaigns.list({ limit, afterId: afterId(cursor), where: status ? repo.campaigns.filterStatus(status) : undefined }), limit, strip, (r) => [r.id])
  })

  app.get('/ad-campaigns/:id', {
    config: editor,
    schema: { tags: ['Ad campaigns'], operationId: 'getAdCampaign', summary: 'Get an ad campaign', params: IdParamsSchema, response: { 200: AdCampaignSchema, ...problemResponses(404) } }
  }, async (request, reply) => {
    const row = await repo.campaigns.get(request.params.id)
    if (!row) throw campaignNotFound(request.params.id)
    reply.header('etag', itemEtag(row.revision, strip(row))).header('cache-control', 'private, no-store')
    return strip(row)
  })

  app.post('/ad-campaigns', {
    config: { ...editor, idempotent: true },
    schema: { tags: ['Ad campaigns'], operationId: 'createAdCampaign', summary: 'Create an ad campaign', body: CreateAdCampaignSchema, response: { 201: AdCampaignSchema } }
  }, async (request, reply) => {
    await checkSlotKeys(request.body.slotKeys)
    const row = await repo.campaigns.create(request.body, app.now().toISOString())
    await engine.reload()
    reply.header('location', `/v1/ad-campaigns/${row.id}`).header('etag', itemEtag(row.revision, strip(row)))
    return reply.code(201).send(strip(row))
  })

  app.patch('/ad-campaigns/:id', {
    config: editor,
    schema: { tags: ['Ad campaigns'], operationId: 'updateAdCampaign', summary: 'Change an ad campaign (partial; If-Match honoured)', params: IdParamsSchema, headers: IfMatchHeadersSchema, body: UpdateAdCampaignSchema, response: { 200: AdCampaignSchema, ...problemResponses(404, 412) } }
  }, async (request, reply) => {
    await checkSlotKeys(request.body.slotKeys)
    const row = await repo.campaigns.update(request.params.id, request.body, app.now().toISOString(), (current: CampaignRow) => {
      assertIfMatch(request, current.revision)
      const startsAt = request.body.startsAt !== undefined ? request.body.startsAt : current.startsAt
      const endsAt = request.body.endsAt !== undefined ? request.body.endsAt : current.endsAt
      if (startsAt && endsAt && startsAt >= endsAt) throw new FieldError('endsAt', 'endsAt must be after startsAt')
    })
    if (!row) throw campaignNotFound(request.params.id)
    await engine.reload()
    reply.header('etag', itemEtag(row.revision, strip(row)))
    return strip(row)
  })

  app.delete('/ad-campaigns/:id', {
    config: editor,
    schema: { tags: ['Ad campaigns'], operationId: 'deleteAdCampaign', summary: 'Delete an ad campaign and its creatives', params: IdParamsSchema, headers: IfMatchHeadersSchema, response: { 204: z.undefined().describe('Deleted'), ...problemResponses(404, 412) } }
  }, async (request, reply) => {
    if (!await repo.campaigns.remove(request.params.id, (r: CampaignRow) => assertIfMatch(request, r.revision))) throw campaignNotFound(request.params.id)
    await engine.reload()
    return reply.code(204).send()
  })

  // ---- creatives
  const creativeNotFound = (id: number) => new NotFoundError(`There is no ad creative with id ${id}`)
  /** A creative must belong to a campaign and fit a size of one of that campaign's slots. */
  async function checkCreative (c: { campaignId: number, width: number, height: number, kind: string, imageUrl: string | null, alt: string | null, html: string | null },
    campaignOf: (id: number) => Promise<CampaignRow | undefined> = (id) => repo.campaigns.get(id)) {
    const campaign = await campaignOf(c.campaignId)
    if (!campaign) throw new FieldError('campaignId', `There is no ad campaign with id ${c.campaignId}`)
    if (c.kind === 'image' && !c.imageUrl) throw new FieldError('imageUrl', 'An image ad needs imageUrl')
    if (c.kind === 'image' && !c.alt) throw new FieldError('alt', 'alt is required for an image ad: describe it for people who cannot see it')
    if (c.kind === 'html' && !c.html) throw new FieldError('html', 'An html ad needs html')
    const slots = engine.config().slots.filter((s) => campaign.slotKeys.includes(s.key))
    const fits = slots.some((s) => sizeFits(s.sizes, c.width, c.height) || (s.sizeMapping ?? []).some((m) => sizeFits(m.sizes, c.width, c.height)))
    if (!fits) {
      const offered = slots.map((s) => `${s.key}: ${s.sizes === 'fluid' ? 'fluid' : s.sizes.map(([w, h]) => `${w}x${h}`).join(', ')}`).join('; ')
      throw new FieldError('width', `${c.width}x${c.height} fits no slot of campaign ${campaign.id}${offered ? ` (${offered})` : ' (it lists no slots yet)'}`)
    }
  }

  app.get('/ad-creatives', {
    config: editor,
    schema: { tags: ['Ad creatives'], operationId: 'listAdCreatives', summary: 'List ad creatives', querystring: CreativeListQuerySchema, response: { 200: AdCreativePageSchema } }
  }, async (request, reply) => {
    const { limit, cursor, campaignId } = request.query
    reply.header('cache-control', 'private, no-store')
    return toPage(await repo.creatives.list({ limit, afterId: afterId(cursor), where: campaignId ? repo.creatives.filterCampaign(campaignId) : undefined }), limit, strip, (r) => [r.id])
  })

  app.get('/ad-creatives/:id', {
    config: editor,
    schema: { tags: ['Ad creatives'], operationId: 'getAdCreative', summary: 'Get an ad creative', params: IdParamsSchema, response: { 200: AdCreativeSchema, ...problemResponses(404) } }
  }, async (request, reply) => {
    const row = await repo.creatives.get(request.params.id)
    if (!row) throw creativeNotFound(request.params.id)
    reply.header('etag', itemEtag(row.revision, strip(row))).header('cache-control', 'private, no-store')
    return strip(row)
  })

  app.post('/ad-creatives', {
    config: { ...editor, idempotent: true },
    schema: { tags: ['Ad creatives'], operationId: 'createAdCreative', summary: 'Create an ad creative', description: 'Its size must fit a size of one of its campaign\'s slots. An html ad may use `{{clickUrl}}` where its link goes: it becomes the counted click URL when served.', body: CreateAdCreativeSchema, response: { 201: AdCreativeSchema } }
  }, async (request, reply) => {
    await checkCreative(request.body)
    const row = await repo.creatives.create(request.body, app.now().toISOString())
    await engine.reload()
    reply.header('location', `/v1/ad-creatives/${row.id}`).header('etag', itemEtag(row.revision, strip(row)))
    return reply.code(201).send(strip(row))
  })

  app.patch('/ad-creatives/:id', {
    config: editor,
    schema: { tags: ['Ad creatives'], operationId: 'updateAdCreative', summary: 'Change an ad creative (partial; If-Match honoured)', params: IdParamsSchema, headers: IfMatchHeadersSchema, body: UpdateAdCreativeSchema, response: { 200: AdCreativeSchema, ...problemResponses(404, 412) } }
  }, async (request, reply) => {
    const row = await repo.creatives.update(request.params.id, request.body, app.now().toISOString(), async (current: CreativeRow, tx) => {
      assertIfMatch(request, current.revision)
      // Inside the write's transaction: the campaign is read through it.
      await checkCreative({ ...current, ...request.body }, (id) => repo.campaigns.get(id, tx))
    })
    if (!row) throw creativeNotFound(request.params.id)
    await engine.reload()
    reply.header('etag', itemEtag(row.revision, strip(row)))
    return strip(row)
  })

  app.delete('/ad-creatives/:id', {
    config: editor,
    schema: { tags: ['Ad creatives'], operationId: 'deleteAdCreative', summary: 'Delete an ad creative', params: IdParamsSchema, headers: IfMatchHeadersSchema, response: { 204: z.undefined().describe('Deleted'), ...problemResponses(404, 412) } }
  }, async (request, reply) => {
    if (!await repo.creatives.remove(request.params.id, (r: CreativeRow) => assertIfMatch(request, r.revision))) throw creativeNotFound(request.params.id)
    await engine.reload()
    return reply.code(204).send()
  })
}
