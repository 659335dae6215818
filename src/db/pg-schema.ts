/**
 * The PostgreSQL tables: the same tables, keys and columns as `schema.ts` (SQLite), with
 * PostgreSQL's own types. `test/db/schema-parity.test.ts` fails when the two drift apart.
 */
import { sql } from 'drizzle-orm'
import { pgTable, integer, text, boolean, json, bigint, index, uniqueIndex, primaryKey, customType, type AnyPgColumn } from 'drizzle-orm/pg-core'
import type { AdSizes, AdTargetingSet } from './schema.js'
import { articleStatuses, commentStatuses } from './schema.js'

/**
 * A moment, stored as timestamptz and read as the same ISO-8601 UTC text SQLite stores
 * ('2025-01-29T08:00:00.000Z'), so rows and answers are identical on both databases.
 */
const isoTime = customType<{ data: string, driverData: string }>({
  dataType: () => 'timestamp(3) with time zone',
  fromDriver: (value) => new Date(value).toISOString()
})

/** Moments the database stamps itself, in UTC with milliseconds like the app's clock. */
const now = sql`now()`
const timestamps = {
  createdAt: isoTime('created_at').notNull().default(now),
  updatedAt: isoTime('updated_at').notNull().default(now)
}
/** Ids the database assigns, which a copy from SQLite may also set (the copy then moves the sequence on). */
const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity()

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: isoTime('updated_at').notNull().default(now)
})

export const authors = pgTable('authors', {
  id: id(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  bio: text('bio'),
  avatarUrl: text('avatar_url'),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [
  uniqueIndex('authors_slug_unique').on(t.slug),
  index('authors_name_idx').on(sql`lower(${t.name})`, t.id)
])

export const categories = pgTable('categories', {
  id: id(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  parentId: integer('parent_id').references((): AnyPgColumn => categories.id, { onDelete: 'set null' }),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [
  uniqueIndex('categories_slug_unique').on(t.slug),
  index('categories_name_idx').on(sql`lower(${t.name})`, t.id),
  index('categories_parent_idx').on(t.parentId)
])

export const tags = pgTable('tags', {
  id: id(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  createdViaArticle: boolean('created_via_article').notNull().default(false),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [
  uniqueIndex('tags_slug_unique').on(t.slug),
  index('tags_name_idx').on(sql`lower(${t.name})`, t.id)
])

export const apiTokens = pgTable('api_tokens', {
  id: id(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'editor', 'author', 'contributor'] }).notNull(),
  authorId: integer('author_id').references(() => authors.id, { onDelete: 'set null' }),
  tokenHash: text('token_hash').notNull(),
  prefix: text('prefix').notNull(),
  lastUsedAt: isoTime('last_used_at'),
  revokedAt: isoTime('revoked_at'),
  createdAt: isoTime('created_at').notNull().default(now)
}, (t) => [
  uniqueIndex('api_tokens_hash_unique').on(t.tokenHash)
])

const publicStatuses = sql`status in ('published', 'scheduled')`

export const articles = pgTable('articles', {
  id: id(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  subtitle: text('subtitle'),
  excerpt: text('excerpt'),
  excerptDerived: boolean('excerpt_derived').notNull().default(true),
  format: text('format', { enum: ['markdown', 'html'] }).notNull().default('markdown'),
  status: text('status', { enum: articleStatuses }).notNull().default('draft'),
  statusBeforeTrash: text('status_before_trash', { enum: articleStatuses }),
  featured: boolean('featured').notNull().default(false),
  categoryId: integer('category_id').references(() => categories.id),
  authorId: integer('author_id').references(() => authors.id),
  coverImage: json('cover_image').$type<{ url: string, alt: string, caption: string | null }>(),
  seo: json('seo').$type<{ title: string | null, description: string | null, canonicalUrl: string | null }>(),
  commentsEnabled: boolean('comments_enabled').notNull().default(true),
  commentCount: integer('comment_count').notNull().default(0),
  wordCount: integer('word_count').notNull().default(0),
  readingTimeMinutes: integer('reading_time_minutes').notNull().default(0),
  publishAt: isoTime('publish_at'),
  publishedAt: isoTime('published_at'),
  createdByTokenId: integer('created_by_token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
  revision: integer('revision').notNull().default(1),
  trashedAt: isoTime('trashed_at'),
  ...timestamps,
  body: text('body').notNull().default(''),
  html: text('html').notNull().default('')
}, (t) => [
  uniqueIndex('articles_slug_unique').on(t.slug),
  index('articles_public_idx').on(t.publishedAt, t.id).where(publicStatuses),
  index('articles_public_id_idx').on(t.id, t.publishedAt).where(publicStatuses),
  index('articles_public_category_idx').on(t.categoryId, t.publishedAt, t.id).where(publicStatuses),
  index('articles_public_author_idx').on(t.authorId, t.publishedAt, t.id).where(publicStatuses),
  index('articles_public_featured_idx').on(t.featured, t.publishedAt, t.id).where(publicStatuses),
  index('articles_status_idx').on(t.status, t.updatedAt, t.id).where(sql`status not in ('published', 'scheduled')`),
  index('articles_updated_idx').on(t.updatedAt, t.id),
  index('articles_category_idx').on(t.categoryId),
  index('articles_author_idx').on(t.authorId),
  index('articles_scheduled_idx').on(t.publishedAt).where(sql`status = 'scheduled'`)
])

export const articleRevisions = pgTable('article_revisions', {
  articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
  revision: integer('revision').notNull(),
  snapshot: json('snapshot').notNull().$type<Record<string, unknown>>(),
  tokenId: integer('token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
  createdAt: isoTime('created_at').notNull().default(now)
}, (t) => [
  primaryKey({ columns: [t.articleId, t.revision] })
])

// Full-text search on PostgreSQL is a weighted tsvector kept in articles_search (created by a
// hand-written migration, as SQLite's FTS5 table is), not a column of articles: a write of the
// article's other columns never rewrites it.

/** Every term the search index has held, for expanding the last word of a search. */
export const searchTerms = pgTable('search_terms', {
  term: text('term').primaryKey()
})

export const articleTags = pgTable('article_tags', {
  articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
  tagId: integer('tag_id').notNull().references(() => tags.id, { onDelete: 'cascade' }),
  position: integer('position').notNull().default(0)
}, (t) => [
  primaryKey({ columns: [t.articleId, t.tagId] }),
  index('article_tags_tag_idx').on(t.tagId, t.articleId)
])

export const idempotencyKeys = pgTable('idempotency_keys', {
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  status: integer('status').notNull(),
  body: text('body').notNull(),
  headers: json('headers').notNull().$type<Record<string, string>>(),
  createdAt: isoTime('created_at').notNull().default(now)
}, (t) => [
  primaryKey({ columns: [t.scope, t.key] }),
  index('idempotency_keys_created_idx').on(t.createdAt)
])

export const comments = pgTable('comments', {
  id: id(),
  articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
  parentId: integer('parent_id').references((): AnyPgColumn => comments.id, { onDelete: 'set null' }),
  depth: integer('depth').notNull().default(0),
  status: text('status', { enum: commentStatuses }).notNull().default('pending'),
  body: text('body').notNull(),
  authorName: text('author_name').notNull(),
  authorEmail: text('author_email').notNull(),
  avatarHash: text('avatar_hash').notNull(),
  authorUrl: text('author_url'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  flags: json('flags').$type<string[]>(),
  commenterKey: text('commenter_key'),
  ...timestamps
}, (t) => [
  index('comments_article_idx').on(t.articleId, t.status, t.createdAt, t.id),
  index('comments_status_idx').on(t.status, t.createdAt, t.id),
  index('comments_email_idx').on(t.authorEmail, t.status),
  index('comments_parent_idx').on(t.parentId).where(sql`parent_id is not null`)
])

export const adSlots = pgTable('ad_slots', {
  id: id(),
  key: text('key').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  placement: text('placement', { enum: ['header', 'above_article', 'in_article', 'below_article', 'sidebar', 'footer', 'between_list_items'] }).notNull(),
  sizes: json('sizes').notNull().$type<AdSizes>(),
  sizeMapping: json('size_mapping').$type<Array<{ minWidth: number, sizes: AdSizes }>>(),
  label: text('label').notNull().default('Advertisement'),
  inArticle: json('in_article').$type<{ afterParagraph: number, repeatEvery: number | null, maxInsertions: number }>(),
  enabled: boolean('enabled').notNull().default(true),
  allowTopNavigation: boolean('allow_top_navigation').notNull().default(false),
  revision: integer('revision').notNull().default(1),
  ...timestamps
}, (t) => [uniqueIndex('ad_slots_key_unique').on(t.key)])

export const adCampaigns = pgTable('ad_campaigns', {
  id: id(),
  name: text('name').notNull(),
  advertiser: text('advertiser').notNull(),
  tier: text('tier', { enum: ['sponsorship', 'standard', 'house'] }).notNull().default('standard'),
  priority: integer('priority').notNull().default(5),
  weight: integer('weight').notNull().default(1),
  status: text('status', { enum: ['draft', 'active', 'paused', 'completed'] }).notNull().default('draft'),
  startsAt: isoTime('starts_at'),
  endsAt: isoTime('ends_at'),
  limits: json('limits').notNull().$type<{ impressions: number | null, clicks: number | null, dailyImpressions: number | null }>(),
  targeting: json('targeting').notNull().$type<{ include: AdTargetingSet, exclude: AdTargetingSet }>(),
  slotKeys: json('slot_keys').notNull().$type<string[]>(),
  revision: integer('revision').notNull().default(1),
  ...timestamps
})

export const adCreatives = pgTable('ad_creatives', {
  id: id(),
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

/** Daily counters; bigint because a busy slot's requests can pass 2^31 over its life. */
export const adStatsDaily = pgTable('ad_stats_daily', {
  // The UTC day as 'YYYY-MM-DD' text, as on SQLite: the key the counters flush under.
  day: text('day').notNull(),
  slotKey: text('slot_key').notNull(),
  campaignId: integer('campaign_id').notNull(),
  creativeId: integer('creative_id').notNull(),
  requests: bigint('requests', { mode: 'number' }).notNull().default(0),
  fills: bigint('fills', { mode: 'number' }).notNull().default(0),
  impressions: bigint('impressions', { mode: 'number' }).notNull().default(0),
  clicks: bigint('clicks', { mode: 'number' }).notNull().default(0),
  filteredImpressions: bigint('filtered_impressions', { mode: 'number' }).notNull().default(0),
  filteredClicks: bigint('filtered_clicks', { mode: 'number' }).notNull().default(0)
}, (t) => [
  primaryKey({ columns: [t.day, t.slotKey, t.campaignId, t.creativeId] }),
  index('ad_stats_campaign_idx').on(t.campaignId, t.day)
])

/** Impression and click tokens already counted, until they expire (epoch seconds, as on SQLite). */
export const adUsedTokens = pgTable('ad_used_tokens', {
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  id: text('id').notNull()
}, (t) => [primaryKey({ columns: [t.expiresAt, t.id] })])
