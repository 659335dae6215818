// The Drizzle schema of every table and index.
import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core'

// Every timestamp is ISO-8601 UTC text ('2025-01-29T08:00:00.000Z'): it sorts as text and
// is what the API answers, so rows go out without conversion.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`
const timestamps = {
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now)
}

/** Key/value settings: the generated signing secret, moderation policy, ads.txt … */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull().default(now)
})

export const authors = sqliteTable('authors', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  bio: text('bio'),
  avatarUrl: text('avatar_url'),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [
  uniqueIndex('authors_slug_unique').on(t.slug),
  index('authors_name_idx').on(sql`${t.name} collate nocase`, t.id)
])

export const categories = sqliteTable('categories', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  parentId: integer('parent_id').references((): AnySQLiteColumn => categories.id, { onDelete: 'set null' }),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [
  uniqueIndex('categories_slug_unique').on(t.slug),
  index('categories_name_idx').on(sql`${t.name} collate nocase`, t.id),
  index('categories_parent_idx').on(t.parentId)
])

export const tags = sqliteTable('tags', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  // Named first by an article write (a draft's topic): not public until a live article uses it.
  createdViaArticle: integer('created_via_article', { mode: 'boolean' }).notNull().default(false),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [
  uniqueIndex('tags_slug_unique').on(t.slug),
  index('tags_name_idx').on(sql`${t.name} collate nocase`, t.id)
])

export const apiTokens = sqliteTable('api_tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'editor', 'author', 'contributor'] }).notNull(),
  authorId: integer('author_id').references(() => authors.id, { onDelete: 'set null' }),
  // SHA-256 of the secret: tokens are 256-bit random values, so a fast hash is enough
  // and a lookup by hash stays an index seek.
  tokenHash: text('token_hash').notNull(),
  // The first characters of the secret, so people can tell their tokens apart.
  prefix: text('prefix').notNull(),
  lastUsedAt: text('last_used_at'),
  revokedAt: text('revoked_at'),
  createdAt: text('created_at').notNull().default(now)
}, (t) => [
  uniqueIndex('api_tokens_hash_unique').on(t.tokenHash)
])

export const articleStatuses = ['draft', 'scheduled', 'published', 'archived', 'trashed'] as const

// The public can see an article when its status is published or scheduled and published_at
// has passed: scheduling stores the go-live time in published_at, so a due article is
// visible the moment its time comes, before the scheduler flips its status. Partial indexes
// over exactly that status set serve the public lists in order.
const publicStatuses = sql`status in ('published', 'scheduled')`

export const articles = sqliteTable('articles', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  subtitle: text('subtitle'),
  excerpt: text('excerpt'),
  // True when excerpt was derived from the body (and follows it), false when given.
  excerptDerived: integer('excerpt_derived', { mode: 'boolean' }).notNull().default(true),
  format: text('format', { enum: ['markdown', 'html'] }).notNull().default('markdown'),
  status: text('status', { enum: articleStatuses }).notNull().default('draft'),
  // The status an article had before it went to the trash, so restore puts it back.
  statusBeforeTrash: text('status_before_trash', { enum: articleStatuses }),
  featured: integer('featured', { mode: 'boolean' }).notNull().default(false),
  categoryId: integer('category_id').references(() => categories.id),
  authorId: integer('author_id').references(() => authors.id),
  coverImage: text('cover_image', { mode: 'json' }).$type<{ url: string, alt: string, caption: string | null }>(),
  seo: text('seo', { mode: 'json' }).$type<{ title: string | null, description: string | null, canonicalUrl: string | null }>(),
  commentsEnabled: integer('comments_enabled', { mode: 'boolean' }).notNull().default(true),
  commentCount: integer('comment_count').notNull().default(0),
  wordCount: integer('word_count').notNull().default(0),
  readingTimeMinutes: integer('reading_time_minutes').notNull().default(0),
  publishAt: text('publish_at'),
  publishedAt: text('published_at'),
  createdByTokenId: integer('created_by_token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
  revision: integer('revision').notNull().default(1),
  trashedAt: text('trashed_at'),
  ...timestamps,
  // The body and its html last: a row's columns are stored in order, and the ones after a
  // long text sit on its overflow pages. Lists, state checks and counters read the columns
  // above from the row's first page (migration 0005 moved them there).
  body: text('body').notNull().default(''),
  html: text('html').notNull().default('')
}, (t) => [
  uniqueIndex('articles_slug_unique').on(t.slug),
  index('articles_public_idx').on(t.publishedAt, t.id).where(publicStatuses),
  // Is this id public, and when was it published: searches check thousands of FTS matches
  // here without reading the rows (whose status sits behind the body, on overflow pages).
  index('articles_public_id_idx').on(t.id, t.publishedAt).where(publicStatuses),
  index('articles_public_category_idx').on(t.categoryId, t.publishedAt, t.id).where(publicStatuses),
  index('articles_public_author_idx').on(t.authorId, t.publishedAt, t.id).where(publicStatuses),
  index('articles_public_featured_idx').on(t.featured, t.publishedAt, t.id).where(publicStatuses),
  // Editors' lists of drafts, archive and trash; partial so it never competes with the public ones.
  index('articles_status_idx').on(t.status, t.updatedAt, t.id).where(sql`status not in ('published', 'scheduled')`),
  index('articles_updated_idx').on(t.updatedAt, t.id),
  index('articles_category_idx').on(t.categoryId),
  index('articles_author_idx').on(t.authorId),
  index('articles_scheduled_idx').on(t.publishedAt).where(sql`status = 'scheduled'`)
])

/** Every state an article has been in: revision 1 on creation, one row per change. */
export const articleRevisions = sqliteTable('article_revisions', {
  articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
  revision: integer('revision').notNull(),
  // The editable fields as they were after this change (see src/articles/revisions.ts).
  snapshot: text('snapshot', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
  tokenId: integer('token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
  createdAt: text('created_at').notNull().default(now)
}, (t) => [
  primaryKey({ columns: [t.articleId, t.revision] })
])

// Full-text search lives in the FTS5 table articles_fts (title, excerpt, body as plain text;
// rowid = article id), created by raw SQL in migrations/sqlite/0001_articles_fts.sql because
// drizzle's schema cannot express virtual tables. src/articles/search.ts keeps it in step.
// migrations/sqlite/0004 adds articles_fts_vocab (fts5vocab 'row': each term's document count).

/**
 * Every term the search index has held, so the last word of a search can be expanded to
 * the indexed words it begins (FTS5's own prefix queries read every matching document).
 * Only ever grows: a term no article holds any more just matches nothing.
 */
export const searchTerms = sqliteTable('search_terms', {
  term: text('term').primaryKey()
})

export const articleTags = sqliteTable('article_tags', {
  articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
  tagId: integer('tag_id').notNull().references(() => tags.id, { onDelete: 'cascade' }),
  position: integer('position').notNull().default(0)
}, (t) => [
  primaryKey({ columns: [t.articleId, t.tagId] }),
  index('article_tags_tag_idx').on(t.tagId, t.articleId)
])

/** Responses to POSTs sent with an Idempotency-Key, replayed to retries for 24 hours. */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  // Who sent it: `token:<id>` or `ip:<address>`, so one caller never sees another's answer.
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  status: integer('status').notNull(),
  body: text('body').notNull(),
  headers: text('headers', { mode: 'json' }).notNull().$type<Record<string, string>>(),
  createdAt: text('created_at').notNull().default(now)
}, (t) => [
  primaryKey({ columns: [t.scope, t.key] }),
  index('idempotency_keys_created_idx').on(t.createdAt)
])

export const commentStatuses = ['pending', 'approved', 'spam', 'trash'] as const

/** Reader comments ("Leave a reply"). Email, IP and user agent are for moderators only. */
export const comments = sqliteTable('comments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
  parentId: integer('parent_id').references((): AnySQLiteColumn => comments.id, { onDelete: 'set null' }),
  depth: integer('depth').notNull().default(0),
  status: text('status', { enum: commentStatuses }).notNull().default('pending'),
  body: text('body').notNull(),
  authorName: text('author_name').notNull(),
  // Trimmed and lower-cased, so "first-time" moderation and erasure match however it was typed.
  authorEmail: text('author_email').notNull(),
  avatarHash: text('avatar_hash').notNull(),
  authorUrl: text('author_url'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  // Why the spam defences decided what they did (honeypot, blocklist, links …), for moderators.
  flags: text('flags', { mode: 'json' }).$type<string[]>(),
  // The random key of the commenter token chain this was posted with (one per browser and
  // email): a returning commenter is trusted only if a comment of the same chain was approved.
  commenterKey: text('commenter_key'),
  ...timestamps
}, (t) => [
  index('comments_article_idx').on(t.articleId, t.status, t.createdAt, t.id),
  index('comments_status_idx').on(t.status, t.createdAt, t.id),
  index('comments_email_idx').on(t.authorEmail, t.status),
  // Replies only: a top-level comment (most of them) has no entry to write.
  index('comments_parent_idx').on(t.parentId).where(sql`parent_id is not null`)
])

export type AdSize = [number, number]
export type AdSizes = AdSize[] | 'fluid'
export interface AdTargetingSet { categories?: string[], tags?: string[], articles?: string[], authors?: string[], devices?: Array<'mobile' | 'tablet' | 'desktop'> }

/** A named place on a page where an ad can go. */
export const adSlots = sqliteTable('ad_slots', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  placement: text('placement', { enum: ['header', 'above_article', 'in_article', 'below_article', 'sidebar', 'footer', 'between_list_items'] }).notNull(),
  sizes: text('sizes', { mode: 'json' }).notNull().$type<AdSizes>(),
  sizeMapping: text('size_mapping', { mode: 'json' }).$type<Array<{ minWidth: number, sizes: AdSizes }>>(),
  label: text('label').notNull().default('Advertisement'),
  inArticle: text('in_article', { mode: 'json' }).$type<{ afterParagraph: number, repeatEvery: number | null, maxInsertions: number }>(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** Lets html ads in this slot navigate the whole page after a click (off: a creative stays in its frame). */
  allowTopNavigation: integer('allow_top_navigation', { mode: 'boolean' }).notNull().default(false),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [uniqueIndex('ad_slots_key_unique').on(t.key)])

/** What an advertiser bought: tier, priority, weight, schedule, limits and targeting. */
export const adCampaigns = sqliteTable('ad_campaigns', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  advertiser: text('advertiser').notNull(),
  tier: text('tier', { enum: ['sponsorship', 'standard', 'house'] }).notNull().default('standard'),
  priority: integer('priority').notNull().default(5),
  weight: integer('weight').notNull().default(1),
  status: text('status', { enum: ['draft', 'active', 'paused', 'completed'] }).notNull().default('draft'),
  startsAt: text('starts_at'),
  endsAt: text('ends_at'),
  limits: text('limits', { mode: 'json' }).notNull().$type<{ impressions: number | null, clicks: number | null, dailyImpressions: number | null }>(),
  targeting: text('targeting', { mode: 'json' }).notNull().$type<{ include: AdTargetingSet, exclude: AdTargetingSet }>(),
  slotKeys: text('slot_keys', { mode: 'json' }).notNull().$type<string[]>(),
  revision: integer('revision').notNull().default(1),
  ...timestamps
})

/** An ad: an image with a link, or HTML shown in a sandboxed frame. */
export const adCreatives = sqliteTable('ad_creatives', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  campaignId: integer('campaign_id').notNull().references(() => adCampaigns.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['image', 'html'] }).notNull(),
  imageUrl: text('image_url'),
  alt: text('alt'),
  html: text('html'),
  targetUrl: text('target_url').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  weight: integer('weight').notNull().default(1),
  status: text('status', { enum: ['active', 'paused'] }).notNull().default('active'),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [index('ad_creatives_campaign_idx').on(t.campaignId)])

/**
 * Daily counters per slot, campaign and creative (0 for a request nothing filled), written
 * only by the counter buffer's flush as additive upserts.
 */
export const adStatsDaily = sqliteTable('ad_stats_daily', {
  day: text('day').notNull(),
  slotKey: text('slot_key').notNull(),
  campaignId: integer('campaign_id').notNull(),
  creativeId: integer('creative_id').notNull(),
  requests: integer('requests').notNull().default(0),
  fills: integer('fills').notNull().default(0),
  impressions: integer('impressions').notNull().default(0),
  clicks: integer('clicks').notNull().default(0),
  filteredImpressions: integer('filtered_impressions').notNull().default(0),
  filteredClicks: integer('filtered_clicks').notNull().default(0)
}, (t) => [
  primaryKey({ columns: [t.day, t.slotKey, t.campaignId, t.creativeId] }),
  index('ad_stats_campaign_idx').on(t.campaignId, t.day)
])

/**
 * Impression and click tokens already counted, kept until they expire, so a replay counts once.
 * Keyed by expiry first (every lookup knows it, from the token): pruning is a range delete of
 * the key, with no second index, and the migration makes the table WITHOUT ROWID, so each id
 * is stored once.
 */
export const adUsedTokens = sqliteTable('ad_used_tokens', {
  expiresAt: integer('expires_at').notNull(),
  /** `i` (impression) or `c` (click), the decision id, a dot and the placement index. */
  id: text('id').notNull()
}, (t) => [primaryKey({ columns: [t.expiresAt, t.id] })])
