// Article lists filtered by an FTS5 search on SQLite, ranked by relevance or sorted by date.
import { sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '../db/database.js'
import { afterCursor, afterRow, type ArticleRowsPage, type ListFilters, listFilters, rowsByIds, sortOf, sortSpec, type SortSpec, tagUsesOf } from './queries.js'
import type { ArticleListQuery, ArticleSort } from './schemas.js'
import { estimateMatches, matchingIds, planSearch, rankWindow, searchWindow, type SearchPlan, type SearchWindow } from './search-plan.js'
import type { RankingCache } from './search.js'
import type { SearchContext } from './search-index.js'
import type { AuthContext } from '../lib/roles.js'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'

type DateSort = Exclude<ArticleSort, 'relevance'>

/**
 * Lists the articles matching `q`, by relevance (the default) or another sort. With
 * count=true the total is exact up to `window` matches; past that it is the number found
 * among the newest `window` matches, flagged as a lower bound.
 */
export async function searchArticles (db: Executor, query: ArticleListQuery & { q: string }, auth: AuthContext | null, now: string, ctx: SearchContext): Promise<ArticleRowsPage> {
  const sort = sortOf(query)
  const filters = listFilters(query, auth, now, await tagUsesOf(db, query.tag))
  let plan: Promise<SearchPlan> | undefined
  const planned = () => (plan ??= planSearch(db, query.q, ctx.window))
  let window: Promise<SearchWindow> | undefined
  const windowed = async () => (window ??= searchWindow(db, await planned(), filters.where, filters.publicOnly, ctx.window))
  const page = sort === 'relevance'
    ? await relevancePage(db, query, filters.where, ctx.rankings, async () => await rankWindow(db, await planned(), await windowed()))
    : await datePage(db, query, sort, filters, await planned(), ctx.window)
  if (!query.count) return page
  const { ids, bounded } = await windowed()
  return { ...page, total: ids.length, ...(bounded ? { totalIsLowerBound: true as const } : {}) }
}

/**
 * Relevance pages: bm25 scores shift whenever the indexed set changes, so a keyset on the
 * score could repeat or skip results. The first page ranks the matches once (the newest
 * `window` of them) and later pages walk that ranking, kept server-side for 15 minutes; an
 * article published meanwhile joins the next search, never the walk in progress.
 */
async function relevancePage (db: Executor, query: ArticleListQuery, where: SQL, rankings: RankingCache, rank: () => Promise<number[]>): Promise<ArticleRowsPage> {
  let key: string | undefined
  let offset = 0
  let ids: number[] | undefined
  if (query.cursor !== undefined) {
    [, key, offset] = decodeCursor(query.cursor, z.tuple([z.literal('relevance'), z.string().max(64), z.number().int().min(0)]))
    ids = rankings.get(key)
  }
  // No cursor, or its ranking expired (or the server restarted): rank again.
  ids ??= await rank()
  const more = offset + query.limit < ids.length
  if (more && key === undefined) key = rankings.put(ids)
  return {
    // In ranking order; one unpublished meanwhile drops out of its page.
    rows: await rowsByIds(db, ids.slice(offset, offset + query.limit), where, query.fields),
    nextCursor: more && key !== undefined ? encodeCursor(['relevance', key, offset + query.limit]) : null
  }
}

interface Picked { id: number, sortValue: string | number }

/**
 * A search sorted by date, update or title, keyset-paged like any list. A search matching
 * many articles walks the sort's index in batches and keeps the ids the FTS index confirms,
 * which stops after a page; one matching few sorts its matches.
 */
async function datePage (db: Executor, query: ArticleListQuery, sort: DateSort, filters: ListFilters, plan: SearchPlan, window: number): Promise<ArticleRowsPage> {
  const spec = sortSpec(sort, filters.publicOnly)
  const estimate = sort === 'title' ? 0 : await estimateMatches(db, plan.match, plan.newestId)
  const picked = estimate > window
    ? await walkIndex(db, query, filters.where, spec, plan, estimate / plan.newestId)
    : await sortMatches(db, query, sort, filters, spec, plan)
  const more = picked.length > query.limit
  const pageIds = picked.slice(0, query.limit)
  const last = pageIds[pageIds.length - 1]
  return {
    rows: await rowsByIds(db, pageIds.map((p) => p.id), filters.where, query.fields),
    nextCursor: more && last ? encodeCursor([sort, last.sortValue, last.id]) : null
  }
}

/** Every match joined to its article and sorted: fine while the matches are few. */
async function sortMatches (db: Executor, query: ArticleListQuery, sort: DateSort, filters: ListFilters, spec: SortSpec, plan: SearchPlan): Promise<Picked[]> {
  return await db.all<Picked>(sortMatchesSql(query, sort, filters, spec, plan))
}

/** The SQL of sortMatches (exported for query-plan tests). */
export function sortMatchesSql (query: ArticleListQuery, sort: DateSort, filters: ListFilters, spec: SortSpec, plan: SearchPlan): SQL {
  const where = query.cursor !== undefined ? sql`${filters.where} and ${afterCursor(query.cursor, sort, spec)}` : filters.where
  // Cross join keeps the FTS matches as the outer loop; public visibility and the publication
  // date come from articles_public_id_idx without reading the rows.
  const articles = filters.publicOnly ? sql.raw('articles a indexed by articles_public_id_idx') : sql.raw('articles a')
  const direction = sql.raw(spec.direction)
  return sql`select a.id as id, ${spec.key} as sortValue
    from (select rowid as id from articles_fts where articles_fts match ${plan.match}) s cross join ${articles}
    where a.id = s.id and ${where}
    order by ${spec.key} ${direction}, a.id ${direction} limit ${query.limit + 1}`
}

/** The most ids one batch of an index walk reads. */
const MAX_BATCH = 5000

/** Walks the sort's index from the cursor in batches sized by the match density, keeping the matching ids. */
async function walkIndex (db: Executor, query: ArticleListQuery, where: SQL, spec: SortSpec, plan: SearchPlan, density: number): Promise<Picked[]> {
  const sort = sortOf(query) as DateSort
  let after = query.cursor !== undefined ? afterCursor(query.cursor, sort, spec) : undefined
  const picked: Picked[] = []
  while (picked.length <= query.limit) {
    const size = Math.min(MAX_BATCH, Math.max(100, Math.ceil((query.limit + 1 - picked.length) / density * 1.5)))
    const batch = await db.all<Picked>(walkBatchSql(after ? sql`${where} and ${after}` : where, spec, size))
    const matching = await matchingIds(db, plan, batch.map((r) => r.id))
    for (const row of batch) if (matching.has(row.id) && picked.length <= query.limit) picked.push(row)
    if (batch.length < size) break
    const last = batch[batch.length - 1]!
    after = afterRow(spec, last.sortValue, last.id)
  }
  return picked
}

/** One batch of an index walk: ids and sort values in list order (exported for query-plan tests). */
export function walkBatchSql (where: SQL, spec: SortSpec, size: number): SQL {
  const direction = sql.raw(spec.direction)
  return sql`select a.id as id, ${spec.key} as sortValue from articles a
    where ${where}
    order by ${spec.key} ${direction}, a.id ${direction} limit ${size}`
}
