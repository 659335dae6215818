// Zod schemas of ad slots, campaigns, creatives, serve answers and stats.
import { z } from 'zod'
import { PageQuerySchema, pageSchema } from '../http/pagination.js'
import { idField, TimestampSchema, tooLargeId } from '../http/schemas.js'
import { MAX_ID } from '../lib/id-or-slug.js'

export const HTML_MAX_BYTES = 64 * 1024

const httpUrl = (field: string) => z.string().max(2048, `${field} has at most 2048 characters`).refine((value) => {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === ''
  } catch {
    return false
  }
}, `${field} must be an http or https URL (no javascript:, data: or other schemes, no user:password@)`)

const dimension = z.number().int().min(1, 'A size is at least 1 pixel').max(4000, 'A size is at most 4000 pixels')
export const SizeSchema = z.tuple([dimension, dimension]).describe('[width, height] in CSS pixels')
const tooManySizes = 'A slot takes at most 20 sizes'
// zod fails an oversized array before its elements, which makes the union's own error generic.
export const SizesSchema = z.union([z.array(SizeSchema).min(1, 'Give at least one size, or "fluid"').max(20, tooManySizes), z.literal('fluid')],
  { error: (issue) => (Array.isArray(issue.input) && issue.input.length > 20 ? tooManySizes : undefined) })
  .describe('Sizes the slot accepts (1 to 20), or "fluid" for any')

export const SlotKeySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'A key is 2 to 64 lower-case letters, digits and hyphens, starting with a letter or digit')
  .refine((k) => !/^\d+$/.test(k), 'A key needs a letter: digits alone read as an id')

const placements = ['header', 'above_article', 'in_article', 'below_article', 'sidebar', 'footer', 'between_list_items'] as const

const InArticleSchema = z.strictObject({
  afterParagraph: z.number().int().min(1).max(100).describe('Insert after this paragraph (1 = after the first)'),
  repeatEvery: z.number().int().min(1).max(100).nullable().default(null).describe('Then again every N paragraphs'),
  maxInsertions: z.number().int().min(1).max(20).default(1)
})

/** The same bounds as InArticleSchema, for answers (no defaults, not strict). */
export const InArticleAnswerSchema = z.object({
  afterParagraph: z.number().int().min(1).max(100),
  repeatEvery: z.number().int().min(1).max(100).nullable(),
  maxInsertions: z.number().int().min(1).max(20)
})

const slotFields = {
  key: SlotKeySchema,
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).nullable(),
  placement: z.enum(placements, { error: `placement must be one of ${placements.join(', ')}` }),
  sizes: SizesSchema,
  sizeMapping: z.array(z.strictObject({ minWidth: z.number().int().min(0).max(10_000), sizes: SizesSchema })).max(10, 'A slot has at most 10 size-mapping rules').nullable()
    .describe('Sizes per minimum viewport width, widest rule that fits wins (at most 10 rules)'),
  label: z.string().trim().min(1).max(100).describe('Shown above the ad; default "Advertisement"'),
  inArticle: InArticleSchema.nullable().describe('Where an in_article slot goes between paragraphs'),
  enabled: z.boolean(),
  allowTopNavigation: z.boolean({ error: 'allowTopNavigation must be true or false' })
    .describe('Adds allow-top-navigation-by-user-activation to the sandbox of this slot\'s html ads. Risk: one click in a creative can then replace the whole news page with any site (phishing, scam redirects); off by default, so a creative opens links in a new tab only.')
}

export const AdSlotSchema = z.object({
  id: z.number().int().positive(),
  ...slotFields,
  inArticle: InArticleAnswerSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema
}).meta({
  id: 'AdSlot',
  description: 'A named place on a page where an ad can go',
  examples: [{ id: 1, key: 'article-inline', name: 'In the article', description: null, placement: 'in_article', sizes: [[300, 250], [336, 280]], sizeMapping: null, label: 'Advertisement', inArticle: { afterParagraph: 2, repeatEvery: null, maxInsertions: 1 }, enabled: true, allowTopNavigation: false, createdAt: '2025-01-29T08:00:00.000Z', updatedAt: '2025-01-29T08:00:00.000Z' }]
})

const withInArticleRule = <T extends { placement?: string, inArticle?: unknown }>(value: T, ctx: z.RefinementCtx) => {
  if (value.placement === 'in_article' && (value.inArticle === undefined || value.inArticle === null)) {
    ctx.addIssue({ code: 'custom', path: ['inArticle'], message: 'An in_article slot needs inArticle.afterParagraph' })
  }
}

export const CreateAdSlotSchema = z.strictObject({
  ...slotFields,
  description: slotFields.description.optional(),
  sizeMapping: slotFields.sizeMapping.optional(),
  label: slotFields.label.default('Advertisement'),
  inArticle: slotFields.inArticle.optional(),
  enabled: slotFields.enabled.default(true),
  allowTopNavigation: slotFields.allowTopNavigation.default(false)
}).superRefine(withInArticleRule).meta({ id: 'CreateAdSlot', examples: [{ key: 'sidebar', name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250], [300, 600]] }] })

export const UpdateAdSlotSchema = z.strictObject(slotFields).partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Send at least one field to change' })
  .meta({ id: 'UpdateAdSlot', examples: [{ enabled: false }] })

const tiers = ['sponsorship', 'standard', 'house'] as const
const TARGETING_LIST_MAX = 200
const slugList = z.array(z.string().trim().min(1).max(200, 'A targeting slug has at most 200 characters'))
  .max(TARGETING_LIST_MAX, `A targeting list has at most ${TARGETING_LIST_MAX} entries`)
const devices = z.array(z.enum(['mobile', 'tablet', 'desktop'], { error: 'devices are mobile, tablet or desktop' })).max(3, 'devices lists at most 3 (mobile, tablet, desktop)')
const TargetingSetSchema = z.strictObject({
  categories: slugList.optional().describe(`Category slugs, at most ${TARGETING_LIST_MAX}`),
  tags: slugList.optional().describe(`Tag slugs, at most ${TARGETING_LIST_MAX}`),
  articles: slugList.optional().describe(`Article slugs, at most ${TARGETING_LIST_MAX}`),
  authors: slugList.optional().describe(`Author slugs, at most ${TARGETING_LIST_MAX}`),
  devices: devices.optional()
})
const TargetingSchema = z.strictObject({
  include: TargetingSetSchema.default({}),
  exclude: TargetingSetSchema.default({})
}).describe('Every non-empty include list must match; no exclude list may')

const LimitsSchema = z.strictObject({
  impressions: z.number().int().positive().nullable().default(null),
  clicks: z.number().int().positive().nullable().default(null),
  dailyImpressions: z.number().int().positive().nullable().default(null)
}).describe('Reaching one sets the campaign completed (daily: paused for the rest of the UTC day)')

const datetime = z.iso.datetime({ offset: true, error: 'Use an ISO 8601 date-time such as 2025-01-29T08:00:00Z' }).transform((v) => new Date(v).toISOString())

const campaignFields = {
  name: z.string().trim().min(1).max(200),
  advertiser: z.string().trim().min(1).max(200),
  tier: z.enum(tiers, { error: 'tier must be sponsorship, standard or house' }),
  priority: z.number().int().min(1, 'priority is 1 to 10').max(10, 'priority is 1 to 10'),
  weight: z.number().int().min(1).max(1000),
  status: z.enum(['draft', 'active', 'paused', 'completed'], { error: 'status must be draft, active, paused or completed' }),
  startsAt: datetime.nullable(),
  endsAt: datetime.nullable(),
  limits: LimitsSchema,
  targeting: TargetingSchema,
  slotKeys: z.array(SlotKeySchema).max(100, 'A campaign lists at most 100 slots').describe('The slots this campaign may fill (at most 100)')
}

const scheduleRule = (value: { startsAt?: string | null, endsAt?: string | null }, ctx: z.RefinementCtx) => {
  if (value.startsAt && value.endsAt && value.startsAt >= value.endsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt must be after startsAt' })
}

const TargetingSetOutSchema = z.object({
  categories: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  articles: z.array(z.string()).optional(),
  authors: z.array(z.string()).optional(),
  devices: z.array(z.enum(['mobile', 'tablet', 'desktop'])).optional()
})
const TargetingOutSchema = z.object({ include: TargetingSetOutSchema, exclude: TargetingSetOutSchema })

export const AdCampaignSchema = z.object({
  id: z.number().int().positive(),
  ...campaignFields,
  startsAt: TimestampSchema.nullable(),
  endsAt: TimestampSchema.nullable(),
  limits: z.object({ impressions: z.number().int().positive().nullable(), clicks: z.number().int().positive().nullable(), dailyImpressions: z.number().int().positive().nullable() }),
  targeting: TargetingOutSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema
}).meta({
  id: 'AdCampaign',
  description: 'What an advertiser bought',
  examples: [{ id: 1, name: 'Spring ferries', advertiser: 'Harbour Lines', tier: 'standard', priority: 6, weight: 1, status: 'active', startsAt: null, endsAt: null, limits: { impressions: 100000, clicks: null, dailyImpressions: null }, targeting: { include: { categories: ['world'] }, exclude: { devices: ['mobile'] } }, slotKeys: ['article-top', 'sidebar'], createdAt: '2025-01-29T08:00:00.000Z', updatedAt: '2025-01-29T08:00:00.000Z' }]
})

export const CreateAdCampaignSchema = z.strictObject({
  ...campaignFields,
  tier: campaignFields.tier.default('standard'),
  priority: campaignFields.priority.default(5),
  weight: campaignFields.weight.default(1),
  status: campaignFields.status.default('draft'),
  startsAt: campaignFields.startsAt.default(null),
  endsAt: campaignFields.endsAt.default(null),
  limits: LimitsSchema.default({ impressions: null, clicks: null, dailyImpressions: null }),
  targeting: TargetingSchema.default({ include: {}, exclude: {} }),
  slotKeys: campaignFields.slotKeys.default([])
}).superRefine(scheduleRule).meta({
  id: 'CreateAdCampaign',
  examples: [{ name: 'Spring ferries', advertiser: 'Harbour Lines', tier: 'standard', priority: 6, status: 'active', slotKeys: ['article-top', 'sidebar'], targeting: { include: { categories: ['world'] }, exclude: { devices: ['mobile'] } }, limits: { impressions: 100000 } }]
})

export const UpdateAdCampaignSchema = z.strictObject(campaignFields).partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Send at least one field to change' })
  .superRefine(scheduleRule)
  .meta({ id: 'UpdateAdCampaign', examples: [{ status: 'paused', priority: 7 }] })

const creativeFields = {
  campaignId: idField('campaignId'),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['image', 'html'], { error: 'kind must be image or html' }),
  imageUrl: z.string().max(2048, 'imageUrl has at most 2048 characters')
    .refine((v) => /^\/(?!\/)[\w\-./%]{1,500}$/.test(v) || httpUrl('imageUrl').safeParse(v).success,
      'imageUrl must be an http or https URL, or a path on this server starting with a single /')
    .nullable().describe('An http(s) URL, or a path on this server (/demo/assets/ad.svg) served as an absolute URL'),
  alt: z.string().trim().min(1, 'alt is required for an image ad: describe it for people who cannot see it').max(300).nullable(),
  html: z.string().refine((v) => Buffer.byteLength(v, 'utf8') <= HTML_MAX_BYTES, `html is at most ${HTML_MAX_BYTES} bytes (64 KB)`).nullable(),
  targetUrl: httpUrl('targetUrl'),
  width: dimension,
  height: dimension,
  weight: z.number().int().min(1).max(1000),
  status: z.enum(['active', 'paused'], { error: 'status must be active or paused' })
}

const kindRule = (value: { kind?: string, imageUrl?: string | null, alt?: string | null, html?: string | null }, ctx: z.RefinementCtx) => {
  if (value.kind === 'image') {
    if (value.imageUrl === null || value.imageUrl === undefined) ctx.addIssue({ code: 'custom', path: ['imageUrl'], message: 'An image ad needs imageUrl' })
    if (value.alt === null || value.alt === undefined) ctx.addIssue({ code: 'custom', path: ['alt'], message: 'alt is required for an image ad: describe it for people who cannot see it' })
  }
  if (value.kind === 'html' && (value.html === null || value.html === undefined)) ctx.addIssue({ code: 'custom', path: ['html'], message: 'An html ad needs html' })
}

export const AdCreativeSchema = z.object({
  id: z.number().int().positive(),
  ...creativeFields,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema
}).meta({
  id: 'AdCreative',
  description: 'An ad that fills slots',
  examples: [{ id: 1, campaignId: 1, name: 'Ferry 300x250', kind: 'image', imageUrl: 'https://cdn.example.com/ferry.webp', alt: 'A ferry leaving the harbour at sunset', html: null, targetUrl: 'https://harbourlines.example/spring', width: 300, height: 250, weight: 1, status: 'active', createdAt: '2025-01-29T08:00:00.000Z', updatedAt: '2025-01-29T08:00:00.000Z' }]
})

export const CreateAdCreativeSchema = z.strictObject({
  ...creativeFields,
  imageUrl: creativeFields.imageUrl.default(null),
  alt: creativeFields.alt.default(null),
  html: creativeFields.html.default(null),
  weight: creativeFields.weight.default(1),
  status: creativeFields.status.default('active')
}).superRefine(kindRule).meta({
  id: 'CreateAdCreative',
  examples: [{ campaignId: 1, name: 'Ferry 300x250', kind: 'image', imageUrl: 'https://cdn.example.com/ferry.webp', alt: 'A ferry leaving the harbour at sunset', targetUrl: 'https://harbourlines.example/spring', width: 300, height: 250 }]
})

export const UpdateAdCreativeSchema = z.strictObject(creativeFields).partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Send at least one field to change' })
  .meta({ id: 'UpdateAdCreative', examples: [{ alt: 'A ferry at the quay at dawn', weight: 2 }] })

export const CampaignListQuerySchema = PageQuerySchema.omit({ count: true }).extend({
  status: z.enum(['draft', 'active', 'paused', 'completed']).optional()
})
export const CreativeListQuerySchema = PageQuerySchema.omit({ count: true }).extend({
  campaignId: z.coerce.number().int().positive().max(MAX_ID, tooLargeId('campaignId')).optional()
})

export const AdSlotPageSchema = pageSchema(AdSlotSchema).meta({ id: 'AdSlotPage', description: 'A page of ad slots' })
export const AdCampaignPageSchema = pageSchema(AdCampaignSchema).meta({ id: 'AdCampaignPage', description: 'A page of campaigns' })
export const AdCreativePageSchema = pageSchema(AdCreativeSchema).meta({ id: 'AdCreativePage', description: 'A page of creatives' })
