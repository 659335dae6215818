import { sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../db/client.js'
import { publicSql } from '../db/visibility.js'
import type { AuthContext } from '../http/auth.js'
import { FieldError } from '../http/errors.js'
import { decodeCursor, encodeCursor } from '../http/pagination.js'
import { editsAll } from './access.js'
import type { ArticleRow } from './repository.js'
import type { ArticleListQuery, ArticleSort, ArticleStatus } from './schemas.js'
import { matchExpression, RANK, type RankingCache } from './search.js'

const a = sql.raw('a')

/** One article page's rows and the cursor of the next page. */
export interface ArticleRowsPage { rows: ArticleRow[], nextCursor: string | null, total?: number }

// The row columns under their TypeScript names, so raw rows map straight onto ArticleRow.
/** The article columns under their row names, for raw SQL (alias a). */
const STATE = 'select id, status, published_at as publishedAt, comments_enabled as commentsEnabled from articles'
/** An article's state by id or slug: four columns, not the body and html of a full row. */
export const STATE_SQL = { id: `${STATE} where id = ?`, slug: `${STATE} where slug = ?` }

export const ROW_COLUMNS = `a.id, a.slug, a.title, a.subtitle, a.excerpt, a.excerpt_derived as excerptDerived, a.body, a.format,
  a.html, a.status, a.status_before_trash as statusBeforeTrash, a.featured, a.category_id as categoryId, a.author_id as authorId,
  a.cover_image as coverImage, a.seo, a.comments_enabled as commentsEnabled, a.comment_count as commentCount,
  a.word_count as wordCount, a.reading_time_minutes as readingTimeMinutes, a.publish_at as publishAt,
  a.published_at as publishedAt, a.created_by_token_id as createdByTokenId, a.revision, a.trashed_at as trashedAt,
  a.created_at as createdAt, a.updated_at as updatedAt`
const rowColumns = sql.raw(ROW_COLUMNS)

/** Raw SQL rows carry integers and JSON text; this gives them the types drizzle would. */
export function toRow (raw: Record<string, unknown>): ArticleRow {
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : null)
  return {
    ...(raw as unknown as ArticleRow),
    excerptDerived: Boolean(raw.excerptDerived),
    featured: Boolean(raw.featured),
    commentsEnabled: Boolean(raw.commentsEnabled),
    coverImage: parse(raw.coverImage),
    seo: parse(raw.seo)
  }
}

/** Which statuses the caller sees: the public sees live articles only; a token sees more by role. */
function visibility (statuses: ArticleStatus[] | undefined, auth: AuthContext | null, now: string): { where: SQL, publicOnly: boolean } {
  if (!statuses || (statuses.length === 1 && statuses[0] === 'published')) {
    return { where: publicSql(a, now), publicOnly: true }
  }
  if (!auth) throw new FieldError('status', 'Only published articles are visible without a token; send Authorization: Bearer <token> to list others')
  const parts = statuses.map((status) => {
    if (status === 'published') return publicSql(a, now)
    // A scheduled article whose time has come is published, not scheduled.
    if (status === 'scheduled') return sql`(a.status = 'scheduled' and a.published_at > ${now})`
    return sql`a.status = ${status}`
  })
  let where = sql`(${sql.join(parts, sql` or `)})`
  // Authors and contributors see every live article, and the others of their own byline only.
  if (!editsAll(auth)) where = sql`(${where} and (${publicSql(a, now)} or a.author_id = ${auth.authorId ?? -1}))`
  return { where, publicOnly: false }
}

interface SortSpec { key: SQL, direction: 'asc' | 'desc', cursor: z.ZodType<string | number> }

function sortSpec (sort: ArticleSort, publicOnly: boolean): SortSpec {
  // Unpublished articles have no publication date; in lists with a token they sort by creation.
  const published = publicOnly ? sql`a.published_at` : sql`coalesce(a.published_at, a.created_at)`
  switch (sort) {
    case '-publishedAt': return { key: published, direction: 'desc', cursor: z.string() }
    case 'publishedAt': return { key: published, direction: 'asc', cursor: z.string() }
    case '-updatedAt': return { key: sql`a.updated_at`, direction: 'desc', cursor: z.string() }
    case 'updatedAt': return { key: sql`a.updated_at`, direction: 'asc', cursor: z.string() }
    case 'title': return { key: sql`a.title collate nocase`, direction: 'asc', cursor: z.string() }
    case 'relevance': return { key: sql`s.rank`, direction: 'asc', cursor: z.number() } // paged by relevancePage
  }
}

/**
 * Lists articles with every filter of the contract, sorted with an id tiebreak and paged
 * by keyset: the cursor holds the last row's sort value and id, so rows published between
 * two requests never shift a page.
 */
export function listArticles (db: Db, query: ArticleListQuery, auth: AuthContext | null, now: string, rankings: RankingCache): ArticleRowsPage {
  const plan = listSql(query, auth, now, (slug) => db.get<{ n: number }>(
    sql`select count(*) as n from (select 1 from article_tags where tag_id = (select id from tags where slug = ${slug}) limit ${POPULAR_TAG})`)!.n)
  const total = query.count ? db.get<{ n: number }>(plan.count)!.n : undefined
  const counted = total !== undefined ? { total } : {}
  if (plan.sort === 'relevance') return { ...relevancePage(db, query, plan, now, rankings, auth), ...counted }
  const raw = db.all<Record<string, unknown>>(plan.select)
  const more = raw.length > query.limit
  const pageRows = more ? raw.slice(0, query.limit) : raw
  const last = pageRows[pageRows.length - 1]
  return {
    rows: pageRows.map(toRow),
    nextCursor: more && last ? encodeCursor([plan.sort, last.sortValue as string | number, last.id as number]) : null,
    ...counted
  }
}

/**
 * Relevance pages: bm25 scores shift whenever the indexed set changes, so a keyset on the
 * score could repeat or skip results. The first page ranks every match once (up to
 * RANKED_MAX) and later pages walk that ranking, kept server-side for 15 minutes; an article
 * published meanwhile joins the next search, never the walk in progress.
 */
function relevancePage (db: Db, query: ArticleListQuery, plan: ListPlan, now: string, rankings: RankingCache, auth: AuthContext | null) {
  let key: string | undefined
  let offset = 0
  let ids: number[] | undefined
  if (query.cursor !== undefined) {
    [, key, offset] = decodeCursor(query.cursor, z.tuple([z.literal('relevance'), z.string().max(64), z.number().int().min(0)]))
    ids = rankings.get(key)
  }
  // No cursor, or its ranking expired (or the server restarted): rank again.
  ids ??= db.all<{ id: number }>(plan.select).map((r) => r.id)
  const pageIds = ids.slice(offset, offset + query.limit)
  const more = offset + query.limit < ids.length
  if (more && key === undefined) key = rankings.put(ids)
  const { where: visible } = visibility(query.status, auth, now)
  const rows = pageIds.length === 0
    ? []
    : db.all<Record<string, unknown>>(sql`select ${rowColumns} from articles a where a.id in (${sql.join(pageIds.map((id) => sql`${id}`), sql`, `)}) and ${visible}`)
  const byId = new Map(rows.map((r) => [r.id as number, r]))
  return {
    // In ranking order; one unpublished meanwhile drops out of its page.
    rows: pageIds.map((id) => byId.get(id)).filter((r) => r !== undefined).map(toRow),
    nextCursor: more && key !== undefined ? encodeCursor(['relevance', key, offset + query.limit]) : null
  }
}

/** A tag on this many articles or more is "popular" for the choice of query plan. */
export const POPULAR_TAG = 1000

interface ListPlan { select: SQL, count: SQL, sort: ArticleSort }

/** The most results a relevance walk ranks; a search matching more pages through the best ones. */
export const RANKED_MAX = 10_000

/**
 * The SQL of a list request: the page query and the count query (exported for query-plan
 * tests). For relevance the select returns the ranked ids of every match.
 */
export function listSql (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses?: (slug: string) => number): ListPlan {
  const sort: ArticleSort = query.sort ?? (query.q ? 'relevance' : '-publishedAt')
  const { where: visible, publicOnly } = visibility(query.status, auth, now)
  const conditions: SQL[] = [visible]
  let from = sql`articles a`

  if (query.q !== undefined) {
    const match = matchExpression(query.q)
    if (match === undefined) throw new FieldError('q', 'q needs at least one letter or digit')
    from = sql`articles a join (select rowid as id, ${RANK} as rank from articles_fts where articles_fts match ${match}) s on s.id = a.id`
  } else if (sort === 'relevance') {
    throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  }
  if (query.category !== undefined) conditions.push(sql`a.category_id = (select id from categories where slug = ${query.category})`)
  if (query.author !== undefined) conditions.push(sql`a.author_id = (select id from authors where slug = ${query.author})`)
  // A tag with few articles drives the query (its articles, then sorted); a popular one is
  // checked per row while the publication index is walked in order, which stops after a page.
  const tags = query.tag ?? []
  const usage = tags.map((tag) => ({ tag, uses: tagUses?.(tag) ?? 0 }))
  const rarest = usage.reduce<{ tag: string, uses: number } | undefined>((min, u) => (min === undefined || u.uses < min.uses ? u : min), undefined)
  for (const { tag } of usage) {
    conditions.push(rarest !== undefined && tag === rarest.tag && rarest.uses < POPULAR_TAG
      ? sql`a.id in (select article_id from article_tags where tag_id = (select id from tags where slug = ${tag}))`
      : sql`exists (select 1 from article_tags t where t.article_id = a.id and t.tag_id = (select id from tags where slug = ${tag}))`)
  }
  if (query.featured !== undefined) conditions.push(sql`a.featured = ${query.featured ? 1 : 0}`)
  if (query.publishedAfter !== undefined) conditions.push(sql`a.published_at > ${query.publishedAfter}`)
  if (query.publishedBefore !== undefined) conditions.push(sql`a.published_at < ${query.publishedBefore}`)
  if (query.updatedAfter !== undefined) conditions.push(sql`a.updated_at > ${query.updatedAfter}`)
  const where = sql.join(conditions, sql` and `)
  const count = sql`select count(*) as n from ${from} where ${where}`

  if (sort === 'relevance') {
    return { select: sql`select a.id from ${from} where ${where} order by s.rank, a.id limit ${RANKED_MAX}`, count, sort }
  }
  const spec = sortSpec(sort, publicOnly)
  if (query.cursor !== undefined) {
    // The cursor names its sort: one from another sort order is refused, not misread.
    const [, value, id] = decodeCursor(query.cursor, z.tuple([z.literal(sort), spec.cursor, z.number().int()]))
    const op = spec.direction === 'desc' ? sql`<` : sql`>`
    conditions.push(sql`(${spec.key} ${op} ${value} or (${spec.key} = ${value} and a.id ${op} ${id}))`)
  }
  const direction = sql.raw(spec.direction)
  const select = sql`select ${rowColumns}, ${spec.key} as sortValue from ${from}
    where ${sql.join(conditions, sql` and `)}
    order by ${spec.key} ${direction}, a.id ${direction}
    limit ${query.limit + 1}`
  return { select, count, sort }
}

/** How many of the newest articles of each shared tag, and of the category, "More articles" weighs. */
export const RELATED_CANDIDATES = 200

/**
 * "More articles": live articles sharing the category or a tag, the most shared first
 * (the category counts as one), then the newest; never the article itself. The candidates
 * are the RELATED_CANDIDATES newest of the category and of each tag, so a tag on every
 * article costs the same as a rare one.
 */
export function relatedArticles (db: Db, article: Pick<ArticleRow, 'id' | 'categoryId'>, limit: number, now: string): ArticleRow[] {
  const tagIds = db.all<{ tagId: number }>(sql`select tag_id as tagId from article_tags where article_id = ${article.id}`).map((r) => r.tagId)
  const sources: SQL[] = tagIds.map((tagId) =>
    sql`select * from (select article_id as id from article_tags where tag_id = ${tagId} and article_id != ${article.id} order by article_id desc limit ${RELATED_CANDIDATES})`)
  if (article.categoryId !== null) {
    sources.push(sql`select * from (select a.id from articles a where a.category_id = ${article.categoryId} and ${publicSql(a, now)} and a.id != ${article.id}
      order by a.published_at desc limit ${RELATED_CANDIDATES})`)
  }
  if (sources.length === 0) return []
  const tagList = tagIds.length > 0 ? sql.join(tagIds.map((id) => sql`${id}`), sql`, `) : sql`null`
  const raw = db.all<Record<string, unknown>>(sql`with candidates(id) as (${sql.join(sources, sql` union `)})
    select ${rowColumns},
      (case when a.category_id = ${article.categoryId ?? -1} then 1 else 0 end) +
      (select count(*) from article_tags t where t.article_id = a.id and t.tag_id in (${tagList})) as score
    from candidates c join articles a on a.id = c.id
    where ${publicSql(a, now)}
    order by score desc, a.published_at desc, a.id desc
    limit ${limit}`)
  return raw.map(toRow)
}

/** The newest live articles, optionally leaving one out ("Latest article"). */
export function latestArticles (db: Db, limit: number, now: string, exceptId = -1): ArticleRow[] {
  const raw = db.all<Record<string, unknown>>(sql`select ${rowColumns} from articles a
    where ${publicSql(a, now)} and a.id != ${exceptId}
    order by a.published_at desc, a.id desc limit ${limit}`)
  return raw.map(toRow)
}
