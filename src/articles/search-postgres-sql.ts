// The list SQL a PostgreSQL search needs where the SQLite list's is not portable: visibility
// (SQLite's `+published_at` index hint is no operator on timestamptz), the sorts' keys and cursor
// values (`collate nocase`, timestamptz read back as ISO text).
import { type Placeholder, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { articleStatuses } from '../db/schema.js'
import { FieldError } from '../lib/errors.js'
import type { AuthContext } from '../lib/roles.js'
import { CursorIdSchema, decodeCursor } from '../lib/cursor.js'
import { editsAll } from './access.js'
import { POPULAR_TAG, tagArticles, tagConditions } from './queries.js'
import type { ArticleListQuery, ArticleSort, ArticleStatus } from './schemas.js'

export type DateSort = Exclude<ArticleSort, 'relevance'>

/** Published, or scheduled with its time come (alias a): publicSql's condition without its SQLite index hint. */
export function livePg (now: string | Placeholder): SQL {
  return sql`a.status in ('published', 'scheduled') and a.published_at <= ${now}`
}

/** As the list's statusesOf: a token-bearing sync read (updatedAfter) means every status. */
function statusesOf (query: ArticleListQuery, auth: AuthContext | null): ArticleStatus[] | undefined {
  if (query.status !== undefined || auth === null || query.updatedAfter === undefined) return query.status
  return [...articleStatuses]
}

/** As the list's visibility: undefined for the public view (live articles); a token sees more by role and byline. */
function visibility (statuses: ArticleStatus[] | undefined, auth: AuthContext | null, now: string): SQL | undefined {
  if (!statuses || (statuses.length === 1 && statuses[0] === 'published')) return undefined
  if (!auth) throw new FieldError('status', 'Only published articles are visible without a token; send Authorization: Bearer <token> to list others')
  const parts = statuses.map((status) => {
    if (status === 'published') return livePg(now)
    if (status === 'scheduled') return sql`(a.status = 'scheduled' and a.published_at > ${now})`
    return sql`a.status = ${status}`
  })
  const where = sql`(${sql.join(parts, sql` or `)})`
  return editsAll(auth) ? where : sql`(${where} and (${livePg(now)} or a.author_id = ${auth.authorId ?? -1}))`
}

/**
 * The list's visibility and filters (alias a) with the same meaning as listFilters, tags as
 * tagConditions chooses with `tagUses` (without it, every tag is checked per row).
 */
export function filtersPg (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses?: (slug: string) => number): { where: SQL, publicOnly: boolean } {
  const visible = visibility(statusesOf(query, auth), auth, now)
  const conditions: SQL[] = [visible ?? livePg(now)]
  if (query.category !== undefined) conditions.push(sql`a.category_id = (select id from categories where slug = ${query.category})`)
  if (query.author !== undefined) conditions.push(sql`a.author_id = (select id from authors where slug = ${query.author})`)
  // A rare tag's ids as an array: the prepared statement's generic plan then looks its
  // articles up by id; as `in (select …)` it walked the publication index past thousands of rows.
  conditions.push(...tagConditions(query.tag, tagUses ?? (() => POPULAR_TAG), (tag) => sql`a.id = any(array(${tagArticles(tag)}))`))
  if (query.featured !== undefined) conditions.push(sql`a.featured = ${query.featured}`)
  if (query.publishedAfter !== undefined) conditions.push(sql`a.published_at > ${query.publishedAfter}`)
  if (query.publishedBefore !== undefined) conditions.push(sql`a.published_at < ${query.publishedBefore}`)
  if (query.updatedAfter !== undefined) conditions.push(sql`a.updated_at > ${query.updatedAfter}`)
  return { where: sql.join(conditions, sql` and `), publicOnly: visible === undefined }
}

/** A moment as the ISO text SQLite stores, so cursors read the same on both databases. */
const iso = (moment: SQL) => sql`to_char(${moment} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

export interface PgSortSpec {
  /** What the rows are ordered by (alias a). */
  key: SQL
  /** What the cursor keeps: the ISO text of a moment, or the title as written. */
  value: SQL
  direction: 'asc' | 'desc'
  cursor: z.ZodType<string>
  /** A cursor's value as a bound comparable with `key`. */
  bound: (value: string) => SQL
}

/** The sort of a search by date, update or title (alias a), as sortSpec's on SQLite. */
export function sortSpecPg (sort: DateSort, publicOnly: boolean): PgSortSpec {
  // Unpublished articles have no publication date; in lists with a token they sort by creation.
  const published = publicOnly ? sql`a.published_at` : sql`coalesce(a.published_at, a.created_at)`
  // A cursor value is compared as a timestamptz: checked as ISO first, so a forged one is a 400, not a cast error.
  const moment = { cursor: z.iso.datetime(), bound: (value: string) => sql`cast(${value} as timestamptz)` }
  switch (sort) {
    case '-publishedAt': return { key: published, value: iso(published), direction: 'desc', ...moment }
    case 'publishedAt': return { key: published, value: iso(published), direction: 'asc', ...moment }
    case '-updatedAt': return { key: sql`a.updated_at`, value: iso(sql`a.updated_at`), direction: 'desc', ...moment }
    case 'updatedAt': return { key: sql`a.updated_at`, value: iso(sql`a.updated_at`), direction: 'asc', ...moment }
    // SQLite's `collate nocase`: the order ignores case, the cursor keeps the title itself.
    case 'title': return { key: sql`lower(a.title)`, value: sql`a.title`, direction: 'asc', cursor: z.string(), bound: (value) => sql`lower(${value})` }
  }
}

/** The keyset condition after a cursor's row; a cursor of another sort (or a forged value) is a 400. */
export function afterCursorPg (cursor: string, sort: DateSort, spec: PgSortSpec): SQL {
  const [, value, id] = decodeCursor(cursor, z.tuple([z.literal(sort), spec.cursor, CursorIdSchema]))
  const op = spec.direction === 'desc' ? sql`<` : sql`>`
  return sql`(${spec.key}, a.id) ${op} (${spec.bound(value)}, ${id})`
}
