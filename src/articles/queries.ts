// The SQL of article reads: list pages, projections for ?fields= and raw rows mapped to ArticleRow.
import { getTableColumns, sql, type Column, type Placeholder, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor, Tables } from '../db/database.js'
import * as sqliteTables from '../db/schema.js'
import { articleStatuses } from '../db/schema.js'
import { fields, type Fields } from '../db/rows.js'
import { publicSql } from '../db/visibility.js'
import { FieldError } from '../lib/errors.js'
import { editsAll } from './access.js'
import { articlesSql } from './dialect.js'
import type { ArticleRow } from './repository.js'
import type { ArticleListQuery, ArticleSort, ArticleStatus } from './schemas.js'
import type { AuthContext } from '../lib/roles.js'
import { CursorIdSchema, decodeCursor, encodeCursor } from '../lib/cursor.js'
import { createCache } from '../lib/cache.js'
import { listArticlesPg } from './list-postgres.js'
import { livePg } from './search-postgres-sql.js'

const a = sql.raw('a')

/** One article page's rows and the cursor of the next page; with count, the total (at least, when capped). */
export interface ArticleRowsPage { rows: ArticleRow[], nextCursor: string | null, total?: number, totalIsLowerBound?: true }

/** Live articles (alias a) in the dialect's SQL: SQLite's carries an index hint that is no operator on PostgreSQL's timestamptz. */
export function liveSql (db: Pick<Executor, 'dialect'>, now: string | Placeholder): SQL {
  return db.dialect === 'postgres' ? livePg(now) : publicSql(a, now)
}

/**
 * The columns of an answer's ?fields= projection (id always): the columns not shown are not
 * read, and the row carries a null (or an empty text) in their place, so rows keep their
 * shape while the database decodes and the driver converts only what is shown. Leaving out
 * the body and html matters most: they are the row's last columns, and without them SQLite
 * never reads the overflow pages the long texts spill onto. status and published_at always
 * come (visibility, isLive), and format (whether an anonymous answer may show the body).
 */
const FIELD_COLUMNS: Record<string, string> = { category: 'categoryId', author: 'authorId', tags: 'id' }
const ALWAYS = ['id', 'status', 'publishedAt', 'format']

type Projector = (shown?: readonly string[]) => Fields<ArticleRow>

/** The row mapping of one database's article columns: each maps values its own driver's way. */
function projector (table: Tables['articles']): Projector {
  const columns: Record<string, Column> = getTableColumns(table)
  const blank = Object.fromEntries(Object.keys(columns).map((key) => [key, key === 'body' || key === 'html' ? '' : null]))
  const all = fields(columns, 'a') as unknown as Fields<ArticleRow>
  // fieldsQuery allows only known names, so the keys are few; the bound is a second guard.
  const projections = createCache<string, Fields<ArticleRow>>({ max: 1000 })
  return (shown) => {
    if (shown === undefined) return all
    const key = shown.join(',')
    let projected = projections.get(key)
    if (!projected) {
      const wanted = new Set([...ALWAYS, ...shown.map((f) => FIELD_COLUMNS[f] ?? f)])
      const some = fields(Object.fromEntries(Object.entries(columns).filter(([name]) => wanted.has(name))), 'a')
      projected = { list: some.list, map: (raw) => ({ ...blank, ...some.map(raw) }) as unknown as ArticleRow }
      projections.set(key, projected)
    }
    return projected
  }
}

const projectors = new WeakMap<object, Projector>()

/** The select list (alias a) and row mapper of article rows projected to `shown`, or of whole rows. */
export function articleFields (db: Pick<Executor, 'tables'>, shown?: readonly string[]): Fields<ArticleRow> {
  let project = projectors.get(db.tables.articles)
  if (!project) { project = projector(db.tables.articles); projectors.set(db.tables.articles, project) }
  return project(shown)
}

/** What comment routes need of an article, by id or slug: four columns, not the body and html of a full row. */
export function stateSql (db: Pick<Executor, 'tables'>) {
  const { articles } = db.tables
  const state = fields({ id: articles.id, status: articles.status, publishedAt: articles.publishedAt, commentsEnabled: articles.commentsEnabled })
  return {
    map: state.map,
    // Templates (see Executor.all): run with { id } or { slug }.
    id: sql`select ${state.list} from ${articles} where ${articles.id} = ${sql.placeholder('id')}`,
    slug: sql`select ${state.list} from ${articles} where ${articles.slug} = ${sql.placeholder('slug')}`
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

/**
 * How many articles use each tag of a tag filter, counted up to POPULAR_TAG, to choose the
 * query plan of the filter; the answer is what listFilters takes as `tagUses`.
 */
export async function tagUsesOf (db: Executor, slugs: readonly string[] | undefined): Promise<(slug: string) => number> {
  const uses = new Map<string, number>()
  for (const slug of slugs ?? []) {
    const row = await db.get<{ n: number }>(sql`select count(*) as "n" from (select 1 from article_tags
      where tag_id = (select id from tags where slug = ${slug}) limit ${POPULAR_TAG}) as uses`)
    uses.set(slug, row!.n)
  }
  return (slug) => uses.get(slug) ?? 0
}

/** The sort a list request asks for: relevance by default with q, else newest first. */
export function sortOf (query: ArticleListQuery): ArticleSort {
  const sort: ArticleSort = query.sort ?? (query.q ? 'relevance' : '-publishedAt')
  if (sort === 'relevance' && query.q === undefined) throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  return sort
}

/** Lists articles without q (searches go through the search index). */
export async function listArticles (db: Executor, query: ArticleListQuery, auth: AuthContext | null, now: string): Promise<ArticleRowsPage> {
  if (db.dialect === 'postgres') return await listArticlesPg(db, query, auth, now)
  const row = articleFields(db, query.fields)
  const plan = listSql(query, auth, now, await tagUsesOf(db, query.tag), { columns: row.list })
  const total = query.count ? (await db.get<{ n: number }>(plan.count))!.n : undefined
  const raw = await db.all<Record<string, unknown>>(plan.select)
  const more = raw.length > query.limit
  const pageRows = more ? raw.slice(0, query.limit) : raw
  const last = pageRows[pageRows.length - 1]
  return {
    rows: pageRows.map(row.map),
    nextCursor: more && last ? encodeCursor([plan.sort, last.sortValue as string | number, last.id as number]) : null,
    ...(total !== undefined ? { total } : {})
  }
}

/**
 * The rows of `ids` that `where` (alias a) lets through, in the order of `ids`: an article
 * unpublished since its id was picked simply drops out.
 */
export async function rowsByIds (db: Executor, ids: number[], where: SQL, shown?: readonly string[]): Promise<ArticleRow[]> {
  if (ids.length === 0) return []
  const row = articleFields(db, shown)
  const raw = await db.all<Record<string, unknown>>(sql`select ${row.list} from articles a
    where a.id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and ${where}`)
  const byId = new Map(raw.map((r) => [r.id as number, r]))
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined).map(row.map)
}

/** A tag on this many articles or more is "popular" for the choice of query plan. */
export const POPULAR_TAG = 1000

/** The ids of the articles with tag `slug`. */
export const tagArticles = (slug: string): SQL => sql`select article_id from article_tags where tag_id = (select id from tags where slug = ${slug})`

/**
 * The conditions of a tag filter (alias a), one per tag. The rarest tag, when it is on fewer
 * than POPULAR_TAG articles, drives the query (`rare`: its articles, then sorted); the others
 * are checked per row while the publication index is walked in order, which stops after a
 * page. Without `tagUses` the first tag drives.
 */
export function tagConditions (tags: readonly string[] | undefined, tagUses: ((slug: string) => number) | undefined, rare: (slug: string) => SQL): SQL[] {
  const usage = (tags ?? []).map((tag) => ({ tag, uses: tagUses?.(tag) ?? 0 }))
  const rarest = usage.reduce<{ tag: string, uses: number } | undefined>((min, u) => (min === undefined || u.uses < min.uses ? u : min), undefined)
  return usage.map(({ tag }) => rarest !== undefined && tag === rarest.tag && rarest.uses < POPULAR_TAG
    ? rare(tag)
    : sql`exists (select 1 from article_tags t where t.article_id = a.id and t.tag_id = (select id from tags where slug = ${tag}))`)
}

/** The visibility and filter conditions of a list request (alias a), without q, sort or cursor. */
export interface ListFilters { where: SQL, publicOnly: boolean }

/**
 * Which articles a list request may show on SQLite: visibility by token and role, and the
 * category, author, tag, featured and date filters (PostgreSQL's are filtersPg).
 */
export function listFilters (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses?: (slug: string) => number): ListFilters {
  const { where: visible, publicOnly } = visibility(statusesOf(query, auth), auth, now)
  const conditions: SQL[] = [visible]
  if (query.category !== undefined) conditions.push(sql`a.category_id = (select id from categories where slug = ${query.category})`)
  if (query.author !== undefined) conditions.push(sql`a.author_id = (select id from authors where slug = ${query.author})`)
  conditions.push(...tagConditions(query.tag, tagUses, (tag) => sql`a.id in (${tagArticles(tag)})`))
  if (query.featured !== undefined) conditions.push(sql`a.featured = ${query.featured ? 1 : 0}`)
  if (query.publishedAfter !== undefined) conditions.push(sql`a.published_at > ${query.publishedAfter}`)
  if (query.publishedBefore !== undefined) conditions.push(sql`a.published_at < ${query.publishedBefore}`)
  if (query.updatedAfter !== undefined) conditions.push(sql`a.updated_at > ${query.updatedAfter}`)
  return { where: sql.join(conditions, sql` and `), publicOnly }
}

/** The keyset condition after a cursor's row: the cursor names its sort, one from another sort is refused. */
export function afterCursor (cursor: string, sort: Exclude<ArticleSort, 'relevance'>, spec: SortSpec): SQL {
  const [, value, id] = decodeCursor(cursor, z.tuple([z.literal(sort), spec.cursor, CursorIdSchema]))
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

/** SQLite's whole article rows, the columns a list reads unless told otherwise (query-plan tests read them so). */
const SQLITE_ROW = (): SQL => articleFields({ tables: sqliteTables as Tables }).list

/**
 * The SQL of a list request without q on SQLite: the page query and the count query
 * (exported for query-plan tests). `idsOnly` selects just id and sortValue, `limit`
 * overrides the page size, `columns` is the select list of the rows (whole rows by default).
 */
export function listSql (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses?: (slug: string) => number,
  opts: { idsOnly?: boolean, limit?: number, columns?: SQL } = {}): ListPlan {
  const sort = sortOf(query)
  if (sort === 'relevance') throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  const { where, publicOnly } = listFilters(query, auth, now, tagUses)
  const count = sql`select count(*) as "n" from articles a where ${where}`
  const spec = sortSpec(sort, publicOnly)
  const conditions = query.cursor !== undefined ? sql`${where} and ${afterCursor(query.cursor, sort, spec)}` : where
  const direction = sql.raw(spec.direction)
  const columns = opts.idsOnly ? sql`a.id as "id"` : opts.columns ?? SQLITE_ROW()
  const select = sql`select ${columns}, ${spec.key} as "sortValue" from articles a
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
export async function relatedIds (db: Executor, article: Pick<ArticleRow, 'id' | 'categoryId'>, limit: number, now: string): Promise<number[]> {
  const tagIds = (await db.all<{ tagId: number }>(sql`select tag_id as "tagId" from article_tags where article_id = ${article.id}`)).map((r) => r.tagId)
  const query = relatedSql(db, article, tagIds, limit, now)
  return query === undefined ? [] : (await db.all<{ id: number }>(query)).map((r) => Number(r.id))
}

/** The query of relatedIds for an article with tags `tagIds`; undefined when it has no category and no tag. (Exported for query-plan tests.) */
export function relatedSql (db: Pick<Executor, 'dialect'>, article: Pick<ArticleRow, 'id' | 'categoryId'>, tagIds: number[], limit: number, now: string): SQL | undefined {
  const live = liveSql(db, now)
  const sources: SQL[] = tagIds.map((tagId) =>
    sql`select * from (select article_id as id from article_tags where tag_id = ${tagId} and article_id != ${article.id} order by article_id desc limit ${RELATED_CANDIDATES}) as t`)
  if (article.categoryId !== null) {
    sources.push(sql`select * from (select a.id from articles a where a.category_id = ${article.categoryId} and ${live} and a.id != ${article.id}
      order by a.published_at desc limit ${RELATED_CANDIDATES}) as c`)
  }
  if (sources.length === 0) return undefined
  const tagList = tagIds.length > 0 ? sql.join(tagIds.map((id) => sql`${id}`), sql`, `) : sql`null`
  // Ids only: hundreds of candidates are scored, and the rows of the few chosen are read after.
  return sql`with candidates(id) as (${sql.join(sources, sql` union `)})
    select a.id as "id",
      ${articlesSql(db.dialect).sameCategory(sql`${article.categoryId ?? -1}`)} +
      (select count(*) from article_tags t where t.article_id = a.id and t.tag_id in (${tagList})) as "score"
    from ${articlesSql(db.dialect).candidateRows}
    where ${live}
    order by "score" desc, a.published_at desc, a.id desc
    limit ${limit}`
}

// liveRows' statements per dialect and projection, made once (see Executor.all): building the
// query each time was most of an article page's teaser read.
const liveRowsTemplates = createCache<string, SQL>({ max: 1000 })

/** The live rows of `ids` in their order, projected to `shown` (undefined: whole rows). */
export async function liveRows (db: Executor, ids: number[], now: string, shown?: readonly string[]): Promise<ArticleRow[]> {
  if (ids.length === 0) return []
  const row = articleFields(db, shown)
  const key = `${db.dialect} ${shown === undefined ? '*' : shown.join(',')}`
  let template = liveRowsTemplates.get(key)
  if (!template) {
    template = sql`select ${row.list} from articles a where ${articlesSql(db.dialect).inIds(sql`a.id`, sql.placeholder('ids'))} and ${liveSql(db, sql.placeholder('now'))}`
    liveRowsTemplates.set(key, template)
  }
  const raw = await db.all<Record<string, unknown>>(template, { ids: articlesSql(db.dialect).idList(ids), now })
  const byId = new Map(raw.map((r) => [Number(r.id), r]))
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined).map(row.map)
}

/** The ids of the newest live articles, optionally leaving one out ("Latest article"). */
export async function latestIds (db: Executor, limit: number, now: string, exceptId = -1): Promise<number[]> {
  const raw = await db.all<{ id: number }>(sql`select a.id as "id" from articles a
    where ${liveSql(db, now)} and a.id != ${exceptId}
    order by a.published_at desc, a.id desc limit ${limit}`)
  return raw.map((r) => Number(r.id))
}
