// The SQL of article reads: list pages, projections for ?fields= and raw rows mapped to ArticleRow.
import { sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../db/client.js'
import { articleStatuses } from '../db/schema.js'
import { publicSql } from '../db/visibility.js'
import { FieldError } from '../lib/errors.js'
import { editsAll } from './access.js'
import type { ArticleRow } from './repository.js'
import type { ArticleListQuery, ArticleSort, ArticleStatus } from './schemas.js'
import { allRows, firstRow } from '../db/statements.js'
import type { AuthContext } from '../lib/roles.js'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { createCache } from '../lib/cache.js'

const a = sql.raw('a')

/** One article page's rows and the cursor of the next page; with count, the total (at least, when capped). */
export interface ArticleRowsPage { rows: ArticleRow[], nextCursor: string | null, total?: number, totalIsLowerBound?: true }

const STATE = 'select id, status, published_at as publishedAt, comments_enabled as commentsEnabled from articles'
/** An article's state by id or slug: four columns, not the body and html of a full row. */
export const STATE_SQL = { id: `${STATE} where id = ?`, slug: `${STATE} where slug = ?` }

/** Each row column as [SQL, its TypeScript name]: raw rows map straight onto ArticleRow. */
const ROW_COLUMN_LIST: Array<[sql: string, name: string]> = [
  ['a.id', 'id'], ['a.slug', 'slug'], ['a.title', 'title'], ['a.subtitle', 'subtitle'], ['a.excerpt', 'excerpt'],
  ['a.excerpt_derived', 'excerptDerived'], ['a.body', 'body'], ['a.format', 'format'], ['a.html', 'html'],
  ['a.status', 'status'], ['a.status_before_trash', 'statusBeforeTrash'], ['a.featured', 'featured'],
  ['a.category_id', 'categoryId'], ['a.author_id', 'authorId'], ['a.cover_image', 'coverImage'], ['a.seo', 'seo'],
  ['a.comments_enabled', 'commentsEnabled'], ['a.comment_count', 'commentCount'], ['a.word_count', 'wordCount'],
  ['a.reading_time_minutes', 'readingTimeMinutes'], ['a.publish_at', 'publishAt'], ['a.published_at', 'publishedAt'],
  ['a.created_by_token_id', 'createdByTokenId'], ['a.revision', 'revision'], ['a.trashed_at', 'trashedAt'],
  ['a.created_at', 'createdAt'], ['a.updated_at', 'updatedAt']
]
/** The article columns under their row names, for raw SQL (alias a). */
export const ROW_COLUMNS = ROW_COLUMN_LIST.map(([column, name]) => `${column} as ${name}`).join(', ')
const rowColumns = sql.raw(ROW_COLUMNS)
/**
 * The columns of an answer's ?fields= projection (id always): each row column not shown is
 * a null (or an empty text) in its place, so rows keep their shape while SQLite decodes and
 * better-sqlite3 converts only what is shown. Leaving out the body and html matters most:
 * they are the row's last columns, and without them SQLite never reads the overflow pages
 * the long texts spill onto. status and published_at always come (visibility, isLive), and
 format (whether an anonymous answer may show the body).
 */
const FIELD_COLUMNS: Record<string, string> = { category: 'categoryId', author: 'authorId', tags: 'id' }
const ALWAYS = ['id', 'status', 'publishedAt', 'format']
// fieldsQuery allows only known names, so the keys are few; the bound is a second guard.
const projections = createCache<string, SQL>({ max: 1000 })
export function rowColumnsFor (fields: readonly string[] | undefined): SQL {
  if (fields === undefined) return rowColumns
  const key = fields.join(',')
  let columns = projections.get(key)
  if (!columns) {
    const wanted = new Set([...ALWAYS, ...fields.map((f) => FIELD_COLUMNS[f] ?? f)])
    columns = sql.raw(ROW_COLUMN_LIST.map(([column, name]) =>
      `${wanted.has(name) ? column : name === 'body' || name === 'html' ? "''" : 'null'} as ${name}`).join(', '))
    projections.set(key, columns)
  }
  return columns
}

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

/**
 * The statuses a list asks for: an explicit `status` wins; a token-bearing sync read
 * (`updatedAfter`) means every status, as `status=any` does, so a mirror sees trashes and
 * unpublishes (role limits still apply in visibility); otherwise the public view.
 */
function statusesOf (query: ArticleListQuery, auth: AuthContext | null): ArticleStatus[] | undefined {
  if (query.status !== undefined || auth === null || query.updatedAfter === undefined) return query.status
  return [...articleStatuses]
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

export interface SortSpec { key: SQL, direction: 'asc' | 'desc', cursor: z.ZodType<string | number> }

/** The sort key of a list (alias a) and its cursor's value type. */
export function sortSpec (sort: Exclude<ArticleSort, 'relevance'>, publicOnly: boolean): SortSpec {
  // Unpublished articles have no publication date; in lists with a token they sort by creation.
  const published = publicOnly ? sql`a.published_at` : sql`coalesce(a.published_at, a.created_at)`
  switch (sort) {
    case '-publishedAt': return { key: published, direction: 'desc', cursor: z.string() }
    case 'publishedAt': return { key: published, direction: 'asc', cursor: z.string() }
    case '-updatedAt': return { key: sql`a.updated_at`, direction: 'desc', cursor: z.string() }
    case 'updatedAt': return { key: sql`a.updated_at`, direction: 'asc', cursor: z.string() }
    case 'title': return { key: sql`a.title collate nocase`, direction: 'asc', cursor: z.string() }
  }
}

/** Counts a tag's uses up to POPULAR_TAG, to choose the query plan of a tag filter. */
export function tagUsesOf (db: Db) {
  return (slug: string) => firstRow<{ n: number }>(db,
    sql`select count(*) as n from (select 1 from article_tags where tag_id = (select id from tags where slug = ${slug}) limit ${POPULAR_TAG})`)!.n
}

/** The sort a list request asks for: relevance by default with q, else newest first. */
export function sortOf (query: ArticleListQuery): ArticleSort {
  const sort: ArticleSort = query.sort ?? (query.q ? 'relevance' : '-publishedAt')
  if (sort === 'relevance' && query.q === undefined) throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  return sort
}

/** Lists articles without q (searches go through searchArticles in search-list.ts). */
export function listArticles (db: Db, query: ArticleListQuery, auth: AuthContext | null, now: string): ArticleRowsPage {
  const plan = listSql(query, auth, now, tagUsesOf(db), { fields: query.fields })
  const total = query.count ? firstRow<{ n: number }>(db, plan.count)!.n : undefined
  const raw = allRows<Record<string, unknown>>(db, plan.select)
  const more = raw.length > query.limit
  const pageRows = more ? raw.slice(0, query.limit) : raw
  const last = pageRows[pageRows.length - 1]
  return {
    rows: pageRows.map(toRow),
    nextCursor: more && last ? encodeCursor([plan.sort, last.sortValue as string | number, last.id as number]) : null,
    ...(total !== undefined ? { total } : {})
  }
}

/**
 * The rows of `ids` that `where` (alias a) lets through, in the order of `ids`: an article
 * unpublished since its id was picked simply drops out.
 */
export function rowsByIds (db: Db, ids: number[], where: SQL, fields?: readonly string[]): ArticleRow[] {
  if (ids.length === 0) return []
  const rows = allRows<Record<string, unknown>>(db, sql`select ${rowColumnsFor(fields)} from articles a
    where a.id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and ${where}`)
  const byId = new Map(rows.map((r) => [r.id as number, r]))
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined).map(toRow)
}

/** A tag on this many articles or more is "popular" for the choice of query plan. */
export const POPULAR_TAG = 1000

/** The visibility and filter conditions of a list request (alias a), without q, sort or cursor. */
export interface ListFilters { where: SQL, publicOnly: boolean }

/**
 * Which articles a list request may show: visibility by token and role, and the category,
 * author, tag, featured and date filters.
 */
export function listFilters (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses?: (slug: string) => number): ListFilters {
  const { where: visible, publicOnly } = visibility(statusesOf(query, auth), auth, now)
  const conditions: SQL[] = [visible]
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
  return { where: sql.join(conditions, sql` and `), publicOnly }
}

/** The keyset condition after a cursor's row: the cursor names its sort, one from another sort is refused. */
export function afterCursor (cursor: string, sort: Exclude<ArticleSort, 'relevance'>, spec: SortSpec): SQL {
  const [, value, id] = decodeCursor(cursor, z.tuple([z.literal(sort), spec.cursor, z.number().int()]))
  return afterRow(spec, value, id)
}

/**
 * The keyset condition after the row with this sort value and id, as a row-value
 * comparison: SQLite seeks to it in the sort's index (the equivalent `key < v or (key = v
 * and id < i)` is no index range, so a deep page walked every row before it).
 */
export function afterRow (spec: SortSpec, value: string | number, id: number): SQL {
  const op = spec.direction === 'desc' ? sql`<` : sql`>`
  return sql`(${spec.key}, a.id) ${op} (${value}, ${id})`
}

interface ListPlan { select: SQL, count: SQL, sort: Exclude<ArticleSort, 'relevance'> }

/**
 * The SQL of a list request without q: the page query and the count query (exported for
 * query-plan tests). `idsOnly` selects just id and sortValue, `limit` overrides the page size.
 */
export function listSql (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses?: (slug: string) => number,
  opts: { idsOnly?: boolean, limit?: number, fields?: readonly string[] | undefined } = {}): ListPlan {
  const sort = sortOf(query)
  if (sort === 'relevance') throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  const { where, publicOnly } = listFilters(query, auth, now, tagUses)
  const count = sql`select count(*) as n from articles a where ${where}`
  const spec = sortSpec(sort, publicOnly)
  const conditions = query.cursor !== undefined ? sql`${where} and ${afterCursor(query.cursor, sort, spec)}` : where
  const direction = sql.raw(spec.direction)
  const columns = opts.idsOnly ? sql`a.id as id` : rowColumnsFor(opts.fields)
  const select = sql`select ${columns}, ${spec.key} as sortValue from articles a
    where ${conditions}
    order by ${spec.key} ${direction}, a.id ${direction}
    limit ${(opts.limit ?? query.limit) + 1}`
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
  const tagIds = allRows<{ tagId: number }>(db, sql`select tag_id as tagId from article_tags where article_id = ${article.id}`).map((r) => r.tagId)
  const sources: SQL[] = tagIds.map((tagId) =>
    sql`select * from (select article_id as id from article_tags where tag_id = ${tagId} and article_id != ${article.id} order by article_id desc limit ${RELATED_CANDIDATES})`)
  if (article.categoryId !== null) {
    sources.push(sql`select * from (select a.id from articles a where a.category_id = ${article.categoryId} and ${publicSql(a, now)} and a.id != ${article.id}
      order by a.published_at desc limit ${RELATED_CANDIDATES})`)
  }
  if (sources.length === 0) return []
  const tagList = tagIds.length > 0 ? sql.join(tagIds.map((id) => sql`${id}`), sql`, `) : sql`null`
  const raw = allRows<Record<string, unknown>>(db, sql`with candidates(id) as (${sql.join(sources, sql` union `)})
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
  const raw = allRows<Record<string, unknown>>(db, sql`select ${rowColumns} from articles a
    where ${publicSql(a, now)} and a.id != ${exceptId}
    order by a.published_at desc, a.id desc limit ${limit}`)
  return raw.map(toRow)
}
