// Zod schemas of articles: the answer, create and change bodies, list queries.
import { z } from 'zod'
import { articleStatuses } from '../db/schema.js'
import { fieldsQuery } from '../http/fields.js'
import { PageQuerySchema, pageSchema, queryBoolean } from '../http/pagination.js'
import { SlugSchema } from '../lib/slug.js'
import { idField, TimestampSchema } from '../http/schemas.js'
import { MAX_WORDS } from './search-plan.js'

export const LIMITS = { title: 300, subtitle: 300, excerpt: 1000, body: 500_000, tags: 20, tagFilters: 10 } as const
/** The most characters of one repeatable filter parameter (all its comma-separated values). */
const FILTER_TEXT_MAX = 2000

export const StatusSchema = z.enum(articleStatuses)
  .describe('draft → scheduled (publishAt in the future) → published → archived; trashed while in the trash')
export type ArticleStatus = z.infer<typeof StatusSchema>

const RefSchema = z.object({ id: z.number().int().positive(), slug: z.string(), name: z.string() }).meta({ id: 'Ref', description: 'A category, tag or author as an article shows it' })

const httpUrl = z.url({ protocol: /^https?$/, error: 'Use an http or https URL' }).max(2000, 'A URL has at most 2000 characters')

const CoverImageSchema = z.strictObject({
  url: httpUrl,
  alt: z.string({ error: 'alt is required: describe the image for people who cannot see it' }).trim().min(1, 'alt is required: describe the image for people who cannot see it').max(300, 'alt has at most 300 characters'),
  caption: z.string().max(500, 'caption has at most 500 characters').nullable().default(null)
}).meta({ id: 'CoverImage' })

const SeoSchema = z.strictObject({
  title: z.string().max(200, 'seo.title has at most 200 characters').nullable().default(null),
  description: z.string().max(500, 'seo.description has at most 500 characters').nullable().default(null),
  canonicalUrl: httpUrl.nullable().default(null)
}).meta({ id: 'Seo' })

// The same fields without defaults: a change names only what it changes.
const SeoPatchSchema = z.strictObject({
  title: SeoSchema.shape.title.unwrap().optional(),
  description: SeoSchema.shape.description.unwrap().optional(),
  canonicalUrl: SeoSchema.shape.canonicalUrl.unwrap().optional()
}).meta({ id: 'SeoChange' })

export const ArticleSchema = z.object({
  id: z.number().int().positive(),
  slug: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  excerpt: z.string().describe('Given, or derived from the body when absent'),
  body: z.string().optional().describe('The source, in `format`. Always present on markdown articles; on `format: html` articles only for token holders (anonymous answers, preview links included, carry `html` only)'),
  format: z.enum(['markdown', 'html']),
  html: z.string().describe('The body rendered and sanitized: safe to insert into a page. Its ids and names, and same-page links to them, carry the prefix `user-content-`, so they cannot clash with the page\'s own'),
  status: StatusSchema,
  featured: z.boolean().describe('The "Must read" label'),
  category: RefSchema.nullable(),
  tags: z.array(RefSchema),
  author: RefSchema.nullable(),
  coverImage: CoverImageSchema.nullable(),
  seo: z.object({ title: z.string().nullable(), description: z.string().nullable(), canonicalUrl: z.string().nullable() }),
  commentsEnabled: z.boolean(),
  commentCount: z.number().int().nonnegative().describe('Approved comments'),
  wordCount: z.number().int().nonnegative().describe('Words in the plain text of `html`'),
  readingTimeMinutes: z.number().int().nonnegative(),
  publishAt: TimestampSchema.nullable().describe('When a scheduled article goes live'),
  publishedAt: TimestampSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  revision: z.number().int().positive().describe('1 on creation, +1 on every change')
}).meta({
  id: 'Article',
  description: 'An article',
  examples: [{
    id: 1,
    slug: 'storm-surge-tests-the-new-sea-wall',
    title: 'Storm surge tests the new sea wall',
    subtitle: 'Engineers watched the barrier hold through the night',
    excerpt: 'The barrier held through the highest tide in forty years.',
    body: 'The barrier held through the highest tide in forty years.',
    format: 'markdown',
    html: '<p>The barrier held through the highest tide in forty years.</p>',
    status: 'published',
    featured: true,
    category: { id: 1, slug: 'world', name: 'World' },
    tags: [{ id: 1, slug: 'climate', name: 'Climate' }],
    author: { id: 1, slug: 'amara-okafor', name: 'Amara Okafor' },
    coverImage: { url: 'https://images.example.com/sea-wall.jpg', alt: 'Waves breaking on a concrete sea wall', caption: null },
    seo: { title: null, description: null, canonicalUrl: null },
    commentsEnabled: true,
    commentCount: 3,
    wordCount: 11,
    readingTimeMinutes: 1,
    publishAt: null,
    publishedAt: '2025-01-29T08:00:00.000Z',
    createdAt: '2025-01-29T07:30:00.000Z',
    updatedAt: '2025-01-29T08:00:00.000Z',
    revision: 3
  }]
})
export type Article = z.infer<typeof ArticleSchema>

export const ARTICLE_FIELDS = Object.keys(ArticleSchema.shape)

const idOrSlug = (field: string) => z.union([idField(field), SlugSchema])
const datetime = z.iso.datetime({ offset: true, error: 'Use an ISO 8601 date-time such as 2025-01-29T08:00:00Z' })
  .transform((v) => new Date(v).toISOString())

const writable = {
  title: z.string().trim().min(1, 'title must not be empty').max(LIMITS.title, `title has at most ${LIMITS.title} characters`),
  slug: SlugSchema.describe('Derived from the title when absent (ASCII, unique with -2, -3 …); an explicit taken slug is 409'),
  subtitle: z.string().trim().max(LIMITS.subtitle, `subtitle has at most ${LIMITS.subtitle} characters`).nullable(),
  excerpt: z.string().trim().max(LIMITS.excerpt, `excerpt has at most ${LIMITS.excerpt} characters`).nullable()
    .describe('null or absent: derived from the body, and kept in step with it'),
  body: z.string().max(LIMITS.body, `body has at most ${LIMITS.body} characters`),
  format: z.enum(['markdown', 'html'], { error: 'format must be markdown or html' }),
  status: z.enum(['draft', 'scheduled', 'published', 'archived'], { error: 'status must be draft, scheduled, published or archived (use DELETE to trash)' }),
  featured: z.boolean(),
  category: idOrSlug('category').nullable().describe('Category id or slug'),
  tags: z.array(z.union([idField('A tag id'), z.string().trim().min(1).max(100)]))
    .max(LIMITS.tags, `An article has at most ${LIMITS.tags} tags`)
    .describe(`Tag ids, slugs or names (at most ${LIMITS.tags}, names up to 100 characters); a name that matches no tag creates one`),
  author: idOrSlug('author').nullable().describe('Author id or slug; author and contributor tokens always write as their own byline'),
  coverImage: CoverImageSchema.nullable(),
  seo: SeoPatchSchema.nullable().describe('Fields sent replace those fields; null clears them all'),
  commentsEnabled: z.boolean(),
  publishAt: datetime.nullable().describe('With status scheduled: when the article goes live (must be in the future)'),
  publishedAt: datetime.nullable().describe('Editors and admins only (imports keep their original dates); otherwise publishing sets it')
}

export const CreateArticleSchema = z.strictObject({
  ...writable,
  slug: writable.slug.optional(),
  subtitle: writable.subtitle.optional(),
  excerpt: writable.excerpt.optional(),
  body: writable.body.default(''),
  format: writable.format.default('markdown'),
  status: writable.status.default('draft'),
  featured: writable.featured.default(false),
  category: writable.category.optional(),
  tags: writable.tags.default([]),
  author: writable.author.optional(),
  coverImage: writable.coverImage.optional(),
  seo: writable.seo.optional(),
  commentsEnabled: writable.commentsEnabled.default(true),
  publishAt: writable.publishAt.optional(),
  publishedAt: writable.publishedAt.optional()
}).meta({
  id: 'CreateArticle',
  description: 'A new article. Read-only fields (id, html, revision, counts, timestamps) are refused with 400.',
  examples: [{
    title: 'Storm surge tests the new sea wall',
    body: 'The barrier held through the highest tide in forty years.\n\nEngineers watched through the night.',
    category: 'world',
    tags: ['climate', 'Coastal defence'],
    author: 'amara-okafor',
    featured: true,
    status: 'draft'
  }]
})
export type CreateArticle = z.infer<typeof CreateArticleSchema>

export const UpdateArticleSchema = z.strictObject(writable).partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Send at least one field to change' })
  .meta({ id: 'UpdateArticle', description: 'Only the fields sent change.', examples: [{ title: 'Sea wall holds as storm surge peaks', featured: false }] })
export type UpdateArticle = z.infer<typeof UpdateArticleSchema>

const sorts = ['-publishedAt', 'publishedAt', '-updatedAt', 'updatedAt', 'title', 'relevance'] as const
export type ArticleSort = typeof sorts[number]

// The raw parameter is bounded too (repeats and total length), so the OpenAPI document shows
// the limits and a long list is refused before it is split.
const repeatable = (max: number, name: string) => {
  const text = z.string().max(FILTER_TEXT_MAX, `${name} has at most ${FILTER_TEXT_MAX} characters`)
  const tooMany = `At most ${max} ${name} filters`
  // zod fails an oversized array before its elements, which makes the union's own error generic.
  const error = (issue: { input?: unknown }) => (Array.isArray(issue.input) && issue.input.length > max ? tooMany : undefined)
  return z.union([text, z.array(text).max(max, tooMany)], { error })
    .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(200, `A ${name} filter has at most 200 characters`)).max(max, tooMany))
}

const single = (name: string) => z.string({ error: `Give ${name} once` }).trim().min(1).max(200)

export const ArticleListQuerySchema = PageQuerySchema.extend({
  status: z.string().max(200).optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined
      if (v === 'any') return [...articleStatuses]
      const list = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))]
      const bad = list.filter((s) => !(articleStatuses as readonly string[]).includes(s))
      if (bad.length > 0 || list.length === 0) {
        ctx.addIssue({ code: 'custom', message: `status takes any, or a comma list of ${articleStatuses.join(', ')}` })
        return z.NEVER
      }
      return list as ArticleStatus[]
    })
    .describe('With a token: a comma list of statuses or `any` (trashed included), limited by role. Without a token only published articles are visible. ' +
      'Absent: published only, except a sync read (a token and `updatedAfter`), which means `any`.'),
  category: single('category').optional().describe('Category id or slug; one that names no category is a 400'),
  tag: repeatable(LIMITS.tagFilters, 'tag').optional()
    .describe(`Tag id or slug (one that names no tag is a 400); repeat (or comma-separate) for articles having all of them. At most ${LIMITS.tagFilters} tags (repeats count), 200 characters each, ${FILTER_TEXT_MAX} characters per parameter`),
  author: single('author').optional().describe('Author id or slug; one that names no author is a 400'),
  featured: queryBoolean.optional().describe('Only "Must read" articles (true) or only the others (false)'),
  q: z.string().trim().min(1, 'q must not be empty').max(200, 'q has at most 200 characters').optional()
    .describe('Full-text search over title, excerpt and body (SQLite FTS5, or a weighted tsvector on PostgreSQL; case and accents folded). Every word is required; ' +
      'the last one also matches the indexed words it begins once it has 3 letters (on SQLite the first 20 in alphabetical order), ' +
      `so "harb" finds "harbour". At most 200 characters and ${MAX_WORDS} words. Ranked by relevance, the default sort with q: bm25 on SQLite (ts_rank on PostgreSQL), a word in the title ` +
      'weighing 10×, in the excerpt 4×, in the body 1×. On a big index a search is bounded: when more than 5,000 articles ' +
      'match (`BROADSHEET_SEARCH_WINDOW`), the ranking covers the newest 5,000 matches only (relevance among the most ' +
      'recent, what a news reader wants; the other filters apply within them) and older matches are left out — sort by ' +
      'date to reach every match. A word found in more than 100,000 articles (20 × the window) must still match but does ' +
      'not weigh in the ranking (bm25 gives it almost no weight anyway); when every word is that common, matches with the ' +
      'words in the title come first, then the newest. With `count=true`, `meta.total` counts the matches up to the window, ' +
      'and `meta.totalIsLowerBound` is true when more match.'),
  publishedAfter: datetime.optional(),
  publishedBefore: datetime.optional(),
  updatedAfter: datetime.optional().describe('Only articles changed strictly after this time; with sort=updatedAt, a sync feed a mirror can resume from the last `updatedAt` it saw. ' +
      'With a token and no `status`, every status the token\'s role may see is included, as with `status=any` (editors and admins: all articles; authors and contributors: ' +
      'published ones and their own), so trashed and unpublished articles appear with their status and a mirror can remove them. An explicit `status` still wins. Without a token: published articles only.'),
  sort: z.enum(sorts, { error: `sort must be one of ${sorts.join(', ')}` }).optional()
    .describe('Default -publishedAt, or relevance with q. Keyset-paged: pages never repeat or skip an article when others are published meanwhile (relevance pages walk the ranking made for the first page, kept 15 minutes). With q, the date, update and title sorts list every match, not only the newest 5,000 that relevance ranks.'),
  fields: fieldsQuery(ARTICLE_FIELDS)
})
export type ArticleListQuery = z.infer<typeof ArticleListQuerySchema>

export const ArticleReadQuerySchema = z.object({
  fields: fieldsQuery(ARTICLE_FIELDS),
  preview: z.string().max(1000).optional().describe('A preview token from POST /v1/articles/{id}/preview-token: shows the draft without a bearer token until it expires or the API token that asked for it is revoked')
})

export const RelatedQuerySchema = z.object({
  limit: z.coerce.number({ error: 'limit must be an integer from 1 to 20' }).int('limit must be an integer from 1 to 20')
    .min(1, 'limit must be an integer from 1 to 20').max(20, 'limit must be an integer from 1 to 20').default(4),
  fields: fieldsQuery(ARTICLE_FIELDS)
})

export const DeleteArticleQuerySchema = z.object({
  permanent: queryBoolean.optional().describe('true (admin only): delete for good instead of moving to the trash')
})

export const ArticlePageSchema = pageSchema(ArticleSchema).meta({ id: 'ArticleListPage', description: 'A page of articles' })
export const ArticleListSchema = z.object({ data: z.array(ArticleSchema) }).meta({ id: 'ArticleList', description: 'Articles' })

// `?fields=` answers hold only the named properties: documented as their own schemas, so a
// projected body matches its document and a typed client gets a union to narrow.
export const ArticlePartialSchema = ArticleSchema.partial().required({ id: true })
  .meta({ id: 'ArticlePartial', description: 'An article projected by `fields`: the named properties only, and always `id`' })
const ArticlePartialPageSchema = pageSchema(ArticlePartialSchema).meta({ id: 'ArticlePartialListPage', description: 'A page of articles projected by `fields`' })
const ArticlePartialListSchema = z.object({ data: z.array(ArticlePartialSchema) }).meta({ id: 'ArticlePartialList', description: 'Articles projected by `fields`' })

const PROJECTED = 'with `fields`, the projected form'
export const ArticleAnswerSchema = z.union([ArticleSchema, ArticlePartialSchema]).describe(`An article (Article; ${PROJECTED}, ArticlePartial)`)
export const ArticlePageAnswerSchema = z.union([ArticlePageSchema, ArticlePartialPageSchema]).describe(`A page of articles (ArticleListPage; ${PROJECTED}, ArticlePartialListPage)`)
export const ArticleListAnswerSchema = z.union([ArticleListSchema, ArticlePartialListSchema]).describe(`Articles (ArticleList; ${PROJECTED}, ArticlePartialList)`)

export const RevisionSummarySchema = z.object({
  revision: z.number().int().positive(),
  createdAt: TimestampSchema,
  tokenId: z.number().int().positive().nullable().describe('The token that made the change; null for the scheduler or a deleted token'),
  status: StatusSchema,
  title: z.string()
}).meta({ id: 'RevisionSummary', description: 'One change of an article', examples: [{ revision: 2, createdAt: '2025-01-29T09:30:00.000Z', tokenId: 3, status: 'draft', title: 'Storm surge tests the new sea wall' }] })

// What the repository's snapshot() records. Partial: a revision written before a field existed lacks it.
const positiveId = z.number().int().positive()
const RevisionArticleSchema = z.object({
  title: z.string(),
  slug: z.string(),
  subtitle: z.string().nullable(),
  excerpt: z.string().nullable().describe('null when derived from the body'),
  body: z.string(),
  format: z.enum(['markdown', 'html']),
  status: StatusSchema,
  featured: z.boolean(),
  categoryId: positiveId.nullable(),
  authorId: positiveId.nullable(),
  tagIds: z.array(positiveId),
  coverImage: CoverImageSchema.nullable(),
  seo: ArticleSchema.shape.seo.nullable(),
  commentsEnabled: z.boolean(),
  publishAt: TimestampSchema.nullable(),
  publishedAt: TimestampSchema.nullable()
}).partial().meta({ id: 'RevisionArticle', description: 'The editable fields as they were after this change' })

export const RevisionSchema = RevisionSummarySchema.extend({
  article: RevisionArticleSchema
}).meta({
  id: 'Revision',
  description: 'An article as it was after one change',
  examples: [{
    revision: 2,
    createdAt: '2025-01-29T09:30:00.000Z',
    tokenId: 3,
    status: 'draft',
    title: 'Storm surge tests the new sea wall',
    article: { title: 'Storm surge tests the new sea wall', slug: 'storm-surge-tests-the-new-sea-wall', subtitle: null, excerpt: null, body: 'The barrier held through the highest tide in forty years.', format: 'markdown', status: 'draft', featured: true, categoryId: 1, authorId: 2, tagIds: [4], coverImage: null, seo: { title: null, description: null, canonicalUrl: null }, commentsEnabled: true, publishAt: null, publishedAt: null }
  }]
})

export const RevisionListSchema = z.object({ data: z.array(RevisionSummarySchema) }).meta({ id: 'RevisionList', description: 'Every change of an article, newest first' })

export const PreviewTokenSchema = z.object({
  token: z.string(),
  expiresAt: TimestampSchema,
  url: z.string().describe('The article URL with the token, ready for a frontend')
}).meta({
  id: 'PreviewToken',
  description: 'A signed, expiring token to read this article as it is now',
  examples: [{ token: 'eyJhIjoxLCJlIjoxNzM4MTQwNDAwfQ.c2lnbmF0dXJl', expiresAt: '2025-01-30T08:00:00.000Z', url: '/v1/articles/storm-surge-tests-the-new-sea-wall?preview=eyJhIjoxLCJlIjoxNzM4MTQwNDAwfQ.c2lnbmF0dXJl' }]
})

export const PreviewRequestSchema = z.strictObject({
  expiresInMinutes: z.number().int().min(1).max(60 * 24 * 7, 'A preview token lives at most 7 days (10080 minutes)').default(60 * 24)
}).meta({ id: 'PreviewRequest', examples: [{ expiresInMinutes: 120 }] })

export const TEASER_FIELDS = ['id', 'slug', 'title', 'subtitle', 'excerpt', 'featured', 'category', 'tags', 'author', 'coverImage', 'commentCount', 'readingTimeMinutes', 'publishedAt'] as const

/** An article as a list on a page shows it ("More articles", "Latest article"): no body. */
export const ArticleTeaserSchema = ArticleSchema.pick(Object.fromEntries(TEASER_FIELDS.map((f) => [f, true])) as { [K in typeof TEASER_FIELDS[number]]: true })
  .meta({ id: 'ArticleTeaser', description: 'An article without its body, for lists on a page' })
