import type { App } from '../src/app.js'
import { articles, articleTags } from '../src/db/schema.js'
import { admin, bearer } from './helper.js'

/** Creates a token with the role through the API and returns its Authorization header. */
export async function tokenFor (app: App, role: 'admin' | 'editor' | 'author' | 'contributor', authorId?: number) {
  let id = authorId
  if ((role === 'author' || role === 'contributor') && id === undefined) {
    id = (await createTaxon(app, 'authors', { name: `Byline ${Math.random().toString(36).slice(2, 8)}` })).id
  }
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: `${role} token`, role, authorId: id } })
  if (res.statusCode !== 201) throw new Error(`token create failed: ${res.body}`)
  const body = res.json()
  return { headers: bearer(body.token), id: body.id as number, secret: body.token as string }
}

/** Creates a category, tag or author through the API. */
export async function createTaxon (app: App, path: 'categories' | 'tags' | 'authors', payload: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: `/v1/${path}`, headers: admin, payload })
  if (res.statusCode !== 201) throw new Error(`create ${path} failed: ${res.body}`)
  return res.json() as { id: number, slug: string, name: string } & Record<string, unknown>
}

/**
 * Inserts an article row directly: the taxonomy counts and deletes need articles before
 * the articles API exists to make them.
 */
export function insertArticle (app: App, values: { slug: string, status?: 'draft' | 'published', categoryId?: number, authorId?: number, tagIds?: number[] }) {
  const row = app.db.insert(articles).values({
    slug: values.slug,
    title: values.slug,
    status: values.status ?? 'published',
    publishedAt: values.status === 'draft' ? null : new Date().toISOString(),
    categoryId: values.categoryId ?? null,
    authorId: values.authorId ?? null
  }).returning({ id: articles.id }).get()
  for (const [position, tagId] of (values.tagIds ?? []).entries()) {
    app.db.insert(articleTags).values({ articleId: row.id, tagId, position }).run()
  }
  // Written past the API: tell the response cache, as an in-process writer must.
  app.contentChanged()
  return row.id
}

// Helpers for the taxonomy tests: exact expected bodies, problem answers and raw rows.
// Their imports sit here, beside them; ESM hoists imports either way.
import { STATUS_CODES } from 'node:http'
import type { Test } from 'tap'
import { authors as authorsTable, categories as categoriesTable, tags as tagsTable } from '../src/db/schema.js'

export type TaxonPath = 'categories' | 'tags' | 'authors'
export const taxonPaths: readonly TaxonPath[] = ['categories', 'tags', 'authors']

/** An ISO 8601 UTC timestamp as the API writes it. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * The whole API body of a category, tag or author: the kind's optional fields default to
 * null, articleCount to 0, and timestamps are patterns (see `fit`).
 */
export function taxonBody (path: TaxonPath, fields: { id: number, slug: string, name: string } & Record<string, unknown>) {
  const extra: Record<string, unknown> = path === 'categories'
    ? { description: null, parentId: null }
    : path === 'authors' ? { bio: null, avatarUrl: null } : {}
  return { articleCount: 0, ...extra, createdAt: ISO_TIMESTAMP, updatedAt: ISO_TIMESTAMP, ...fields }
}

/**
 * `actual` with every string that a RegExp in `pattern` matches replaced by that RegExp, so
 * `t.same(fit(actual, expected), expected)` is an exact comparison with patterned slots.
 */
export function fit (actual: unknown, pattern: unknown): unknown {
  if (pattern instanceof RegExp) return typeof actual === 'string' && pattern.test(actual) ? pattern : actual
  if (Array.isArray(pattern) && Array.isArray(actual)) return actual.map((item, i) => fit(item, pattern[i]))
  if (pattern && typeof pattern === 'object' && actual && typeof actual === 'object' && !Array.isArray(actual)) {
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, fit(v, (pattern as Record<string, unknown>)[k])]))
  }
  return actual
}

/** The parts of an inject response these helpers read. */
export interface Answer { statusCode: number, headers: Record<string, unknown>, body: string, json: () => any }

/** Asserts the status, then the whole JSON body (RegExp slots for ids, timestamps …). */
export function expectJson (t: Test, res: Answer, status: number, expected: unknown) {
  t.equal(res.statusCode, status, `status ${status}`)
  const body = res.json()
  t.same(fit(body, expected), expected, 'whole body')
  return body
}

/**
 * Asserts an RFC 9457 answer exactly: status, application/problem+json, type, title, status,
 * detail, requestId (= X-Request-Id) and, for validation, errors (compared sorted by path).
 */
export function expectProblem (t: Test, res: Answer, status: number, kind: string, detail: string | RegExp, errors?: Array<{ path: string, message: string | RegExp }>) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'content-type application/problem+json')
  const body = res.json()
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  const expected: Record<string, unknown> = {
    type: `urn:broadsheet:problem:${kind}`,
    title: STATUS_CODES[status],
    status,
    detail,
    requestId: res.headers['x-request-id']
  }
  const actual = { ...body }
  if (errors) {
    expected.errors = [...errors].sort(byPath)
    if (Array.isArray(actual.errors)) actual.errors = [...actual.errors].sort(byPath)
  }
  t.same(fit(actual, expected), expected, 'whole problem body')
  return body
}

const taxonTables = { categories: categoriesTable, tags: tagsTable, authors: authorsTable }

/** Every row of the table behind a taxonomy path, all columns, by id: proof that nothing changed. */
export function taxonRows (app: App, path: TaxonPath) {
  const table = taxonTables[path]
  return app.db.select().from(table).orderBy(table.id).all()
}

/** Every article row (id, slug, categoryId, authorId, revision) and article_tags row. */
export function articleState (app: App) {
  return {
    articles: app.db.select({ id: articles.id, slug: articles.slug, categoryId: articles.categoryId, authorId: articles.authorId, revision: articles.revision }).from(articles).orderBy(articles.id).all(),
    articleTags: app.db.select().from(articleTags).orderBy(articleTags.articleId, articleTags.tagId).all()
  }
}

// Article factory for the articles tests. Its imports sit here, beside it; ESM hoists imports.
import type { Article } from '../src/articles/schemas.js'

let articleSeq = 0

/**
 * Creates an article through POST /v1/articles (admin by default) and returns the answer's
 * body; throws with the response when it is not a 201. The title defaults to a unique one.
 */
export async function createArticle (app: App, partial: Record<string, unknown> = {}, headers: Record<string, string> = admin): Promise<Article> {
  const payload = { title: `Article ${++articleSeq}`, ...partial }
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers, payload })
  if (res.statusCode !== 201) throw new Error(`create article failed: ${res.statusCode} ${res.body}`)
  return res.json() as Article
}

// Whole-table snapshots and expected bodies for the article write tests. Imports sit here, beside them.
import { articleRevisions } from '../src/db/schema.js'

/**
 * Every row of articles, article_revisions, article_tags and tags (all columns) and the
 * rowids in the search index: `t.same(articleTables(app), before)` proves nothing changed.
 */
export function articleTables (app: App) {
  return {
    articles: app.db.select().from(articles).orderBy(articles.id).all(),
    revisions: app.db.select().from(articleRevisions).orderBy(articleRevisions.articleId, articleRevisions.revision).all(),
    articleTags: app.db.select().from(articleTags).orderBy(articleTags.articleId, articleTags.position).all(),
    tags: app.db.select().from(tagsTable).orderBy(tagsTable.id).all(),
    fts: app.db.$client.prepare('select rowid from articles_fts order by rowid').all()
  }
}

/**
 * The whole API body of an article: every field at its default for a new draft, timestamps
 * as patterns (compare with `expectJson`/`fit`), overridden by `fields`.
 */
export function articleBody (fields: { id: number, slug: string, title: string } & Record<string, unknown>) {
  return {
    subtitle: null,
    excerpt: '',
    body: '',
    format: 'markdown',
    html: '',
    status: 'draft',
    featured: false,
    category: null,
    tags: [],
    author: null,
    coverImage: null,
    seo: { title: null, description: null, canonicalUrl: null },
    commentsEnabled: true,
    commentCount: 0,
    wordCount: 0,
    readingTimeMinutes: 0,
    publishAt: null,
    publishedAt: null,
    createdAt: ISO_TIMESTAMP,
    updatedAt: ISO_TIMESTAMP,
    revision: 1,
    ...fields
  }
}

// Helpers for the comments tests: published articles, posting from fresh client addresses,
// settings, and raw counts straight from SQLite. Imports sit here, beside them; ESM hoists imports.
import { createHash } from 'node:crypto'

/** Creates a published article through the API (admin). */
export function createPublishedArticle (app: App, partial: Record<string, unknown> = {}): Promise<Article> {
  return createArticle(app, { status: 'published', ...partial })
}

let commentIpSeq = 0

/**
 * A client address never used before in this process: posts from it start with a fresh
 * per-IP rate limit, so only the rate-limit tests ever meet a 429.
 */
export function freshIp (): string {
  commentIpSeq++
  return `10.${(commentIpSeq >> 16) & 255}.${(commentIpSeq >> 8) & 255}.${commentIpSeq & 255}`
}

let commentSeq = 0

/** A valid "Leave a reply" form: a unique body, name and email unless `partial` says otherwise. */
export function commentForm (partial: Record<string, unknown> = {}): Record<string, unknown> {
  commentSeq++
  return { body: `Comment number ${commentSeq}`, authorName: `Reader ${commentSeq}`, authorEmail: `reader${commentSeq}@example.net`, ...partial }
}

/** POST /v1/articles/{idOrSlug}/comments without a token, from `opts.ip` or a fresh address. */
export function postComment (app: App, article: number | string, payload: Record<string, unknown>, opts: { ip?: string, headers?: Record<string, string> } = {}) {
  return app.inject({
    method: 'POST',
    url: `/v1/articles/${article}/comments`,
    payload,
    remoteAddress: opts.ip ?? freshIp(),
    ...(opts.headers ? { headers: opts.headers } : {})
  })
}

/** The public answer to a comment post, as the API sends it. */
export interface PostedComment {
  id: number
  articleId: number
  parentId: number | null
  authorName: string
  authorUrl: string | null
  avatarHash: string
  body: string
  html: string
  createdAt: string
  status: 'pending' | 'approved'
  commenterToken: string
}

/** Posts `commentForm(partial)` and returns the 201 body; throws with the response otherwise. */
export async function createComment (app: App, article: number | string, partial: Record<string, unknown> = {}, opts: { ip?: string, headers?: Record<string, string> } = {}): Promise<PostedComment> {
  const res = await postComment(app, article, commentForm(partial), opts)
  if (res.statusCode !== 201) throw new Error(`post comment failed: ${res.statusCode} ${res.body}`)
  return res.json() as PostedComment
}

/** PATCH /v1/comments/{id} as admin; throws unless 200. Returns the moderation body. */
export async function moderateComment (app: App, id: number, change: Record<string, unknown>) {
  const res = await app.inject({ method: 'PATCH', url: `/v1/comments/${id}`, headers: admin, payload: change })
  if (res.statusCode !== 200) throw new Error(`moderate comment failed: ${res.statusCode} ${res.body}`)
  return res.json() as PostedComment & { status: string, authorEmail: string, ip: string | null, userAgent: string | null, flags: string[], updatedAt: string }
}

/** Posts a comment and approves it (whatever the policy made of it); returns the posted body. */
export async function createApprovedComment (app: App, article: number | string, partial: Record<string, unknown> = {}, opts: { ip?: string } = {}): Promise<PostedComment> {
  const posted = await createComment(app, article, partial, opts)
  if (posted.status !== 'approved') await moderateComment(app, posted.id, { status: 'approved' })
  return { ...posted, status: 'approved' }
}

/** PUT /v1/settings/comments as admin (absent fields take their defaults); throws unless 200. */
export async function putCommentSettings (app: App, value: Record<string, unknown>) {
  const res = await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: value })
  if (res.statusCode !== 200) throw new Error(`put comment settings failed: ${res.statusCode} ${res.body}`)
  return res.json() as Record<string, unknown>
}

/** Every comment row, all columns, by id, read with raw SQL: `t.same(commentRows(app), before)` proves nothing changed. */
export function commentRows (app: App) {
  return app.db.$client.prepare('select * from comments order by id').all() as Array<Record<string, unknown>>
}

/** How many comment rows are stored (any status). */
export function commentTotal (app: App): number {
  return (app.db.$client.prepare('select count(*) as n from comments').get() as { n: number }).n
}

/** The stored status of one comment, or undefined when there is no such row. */
export function storedCommentStatus (app: App, id: number): string | undefined {
  return (app.db.$client.prepare('select status from comments where id = ?').get(id) as { status: string } | undefined)?.status
}

/** Approved comments of an article, counted in SQL: what commentCount must say. */
export function approvedInDb (app: App, articleId: number): number {
  return (app.db.$client.prepare('select count(*) as n from comments where article_id = ? and status = \'approved\'').get(articleId) as { n: number }).n
}

/** An article's commentCount as GET /v1/articles/{id}?fields=commentCount answers an admin. */
export async function apiCommentCount (app: App, articleId: number): Promise<number> {
  const res = await app.inject({ url: `/v1/articles/${articleId}?fields=commentCount`, headers: admin })
  if (res.statusCode !== 200) throw new Error(`read article failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { commentCount: number }).commentCount
}

/** The avatarHash the contract promises: SHA-256 of the trimmed, lower-cased email. */
export function expectedAvatarHash (email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
}

// Ad fixtures: slots, campaigns and creatives through the API, serving and beacon requests,
// and raw rows of the ad tables. Imports sit here, beside them; ESM hoists imports.
import type { z } from 'zod'
import type { AdCampaignSchema, AdCreativeSchema, AdSlotSchema } from '../src/ads/schemas.js'

export type AdSlotBody = z.infer<typeof AdSlotSchema>
export type AdCampaignBody = z.infer<typeof AdCampaignSchema>
export type AdCreativeBody = z.infer<typeof AdCreativeSchema>

/** A desktop browser, an iPhone, an iPad and Google's crawler, as User-Agent headers. */
export const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
export const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
export const IPAD_UA = 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
export const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

let adSlotSeq = 0

/** POST /v1/ad-slots as admin: a 300x250 sidebar slot with a unique key unless `partial` says otherwise. */
export async function createSlot (app: App, partial: Record<string, unknown> = {}): Promise<AdSlotBody> {
  const payload = { key: `slot-${++adSlotSeq}`, name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250]], ...partial }
  const res = await app.inject({ method: 'POST', url: '/v1/ad-slots', headers: admin, payload })
  if (res.statusCode !== 201) throw new Error(`create ad slot failed: ${res.statusCode} ${res.body}`)
  return res.json() as AdSlotBody
}

/** POST /v1/ad-campaigns as admin: an active standard campaign unless `partial` says otherwise. */
export async function createCampaign (app: App, partial: Record<string, unknown> = {}): Promise<AdCampaignBody> {
  const payload = { name: 'Spring ferries', advertiser: 'Harbour Lines', status: 'active', ...partial }
  const res = await app.inject({ method: 'POST', url: '/v1/ad-campaigns', headers: admin, payload })
  if (res.statusCode !== 201) throw new Error(`create ad campaign failed: ${res.statusCode} ${res.body}`)
  return res.json() as AdCampaignBody
}

/** POST /v1/ad-creatives as admin: an active 300x250 image ad unless `partial` says otherwise. */
export async function createCreative (app: App, campaignId: number, partial: Record<string, unknown> = {}): Promise<AdCreativeBody> {
  const payload = {
    campaignId,
    name: 'Ferry 300x250',
    kind: 'image',
    imageUrl: 'https://cdn.example.com/ferry.webp',
    alt: 'A ferry leaving the harbour at sunset',
    targetUrl: 'https://harbourlines.example/spring',
    width: 300,
    height: 250,
    ...partial
  }
  const res = await app.inject({ method: 'POST', url: '/v1/ad-creatives', headers: admin, payload })
  if (res.statusCode !== 201) throw new Error(`create ad creative failed: ${res.statusCode} ${res.body}`)
  return res.json() as AdCreativeBody
}

/** A slot, an active campaign listing it and one image creative: the smallest servable ad. */
export async function createAd (app: App, opts: { slot?: Record<string, unknown>, campaign?: Record<string, unknown>, creative?: Record<string, unknown> } = {}) {
  const slot = await createSlot(app, opts.slot)
  const campaign = await createCampaign(app, { slotKeys: [slot.key], ...opts.campaign })
  const creative = await createCreative(app, campaign.id, opts.creative)
  return { slot, campaign, creative }
}

/** The ad a serve answer holds for a slot, as the API sends it. */
export interface ServedAd {
  creativeId: number
  campaignId: number
  kind: 'image' | 'html'
  width: number
  height: number
  image?: { src: string, alt: string }
  html?: { srcdoc: string, sandbox: string }
  clickUrl: string
  impressionUrl: string
}

/** GET /v1/ads/serve?<query> without a token, from a desktop browser unless `headers` say otherwise. */
export function serveAds (app: App, query: string, headers: Record<string, string | undefined> = {}) {
  return app.inject({ method: 'GET', url: `/v1/ads/serve?${query}`, headers: { 'user-agent': DESKTOP_UA, ...headers } as Record<string, string> })
}

/** Serves one slot and returns its ad; throws when the answer is not a 200 with an ad. */
export async function serveOne (app: App, slotKey: string, query = ''): Promise<ServedAd> {
  const res = await serveAds(app, `slots=${slotKey}${query ? `&${query}` : ''}`)
  const ad = res.statusCode === 200 ? (res.json() as { slots: Record<string, { ad: ServedAd | null } | null> }).slots[slotKey]?.ad : undefined
  if (!ad) throw new Error(`serve ${slotKey} gave no ad: ${res.statusCode} ${res.body}`)
  return ad
}

/** The path and query of an absolute URL the API handed out (inject takes paths). */
export function pathOf (url: string): string {
  const parsed = new URL(url)
  return parsed.pathname + parsed.search
}

/** Calls an impression or click URL (GET by default) from a desktop browser unless `headers` say otherwise. */
export function hitAdUrl (app: App, url: string, opts: { method?: 'GET' | 'POST' | 'HEAD', headers?: Record<string, string | undefined> } = {}) {
  return app.inject({ method: opts.method ?? 'GET', url: pathOf(url), headers: { 'user-agent': DESKTOP_UA, ...opts.headers } as Record<string, string> })
}

/** One row of GET /v1/ads/stats. */
export interface AdStatsRow { key: string, requests: number, fills: number, impressions: number, clicks: number, filteredImpressions: number, filteredClicks: number, ctr: number }

/** GET /v1/ads/stats?<query> as admin (it flushes the buffer first); throws unless 200. */
export async function adStats (app: App, query = ''): Promise<AdStatsRow[]> {
  const res = await app.inject({ url: `/v1/ads/stats${query ? `?${query}` : ''}`, headers: admin })
  if (res.statusCode !== 200) throw new Error(`ad stats failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { data: AdStatsRow[] }).data
}

/** A stats row with every counter 0 (and ctr 0) but those given. */
export function statsRow (key: string, counts: Partial<Omit<AdStatsRow, 'key'>> = {}): AdStatsRow {
  return { key, requests: 0, fills: 0, impressions: 0, clicks: 0, filteredImpressions: 0, filteredClicks: 0, ctr: 0, ...counts }
}

/** Every row of ad_slots, ad_campaigns and ad_creatives, all columns, raw SQL: proof that nothing changed. */
export function adTables (app: App) {
  const all = (table: string) => app.db.$client.prepare(`select * from ${table} order by id`).all()
  return { slots: all('ad_slots'), campaigns: all('ad_campaigns'), creatives: all('ad_creatives') }
}

/** Every row of ad_stats_daily and ad_used_tokens, with counts and sums, raw SQL: what the counters wrote. */
export function adCounterTables (app: App) {
  const client = app.db.$client
  return {
    stats: client.prepare('select * from ad_stats_daily order by day, slot_key, campaign_id, creative_id').all(),
    statsCount: (client.prepare('select count(*) as n from ad_stats_daily').get() as { n: number }).n,
    sums: client.prepare(`select coalesce(sum(requests), 0) as requests, coalesce(sum(fills), 0) as fills,
      coalesce(sum(impressions), 0) as impressions, coalesce(sum(clicks), 0) as clicks,
      coalesce(sum(filtered_impressions), 0) as filteredImpressions, coalesce(sum(filtered_clicks), 0) as filteredClicks
      from ad_stats_daily`).get() as Record<string, number>,
    usedTokens: (client.prepare('select count(*) as n from ad_used_tokens').get() as { n: number }).n
  }
}

/** The ids of a list answer's data, in order. */
export function dataIds (res: { json: () => any }): number[] {
  return (res.json().data as Array<{ id: number }>).map((a) => a.id)
}

/** GET /v1/articles?<query> without a token: asserts 200 and returns the ids in order. */
export async function articleIds (t: Test, app: App, query: string): Promise<number[]> {
  const res = await app.inject({ url: `/v1/articles?${query}` })
  t.equal(res.statusCode, 200, `${query}: status`)
  return dataIds(res)
}
