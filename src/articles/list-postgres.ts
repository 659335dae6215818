// Article lists without q on PostgreSQL: the list's filters, sorts and cursors in its SQL.
import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import type { AuthContext } from '../lib/roles.js'
import { encodeCursor } from '../lib/cursor.js'
import { FieldError } from '../lib/errors.js'
import { articleFields, type ArticleRowsPage, sortOf, tagUsesOf } from './queries.js'
import type { ArticleListQuery } from './schemas.js'
import { afterCursorPg, filtersPg, sortSpecPg } from './search-postgres-sql.js'

/**
 * Lists articles without q, with the answers of the SQLite list: the same visibility and
 * filters, keyset pages whose cursors hold the same values (timestamps as ISO text), and
 * with count the exact total.
 */
export async function listArticlesPg (db: Executor, query: ArticleListQuery, auth: AuthContext | null, now: string): Promise<ArticleRowsPage> {
  const row = articleFields(db, query.fields)
  const plan = listSqlPg(query, auth, now, await tagUsesOf(db, query.tag), row.list)
  const total = query.count ? (await db.get<{ n: number }>(plan.count))!.n : undefined
  const raw = await db.all<Record<string, unknown>>(plan.select)
  const more = raw.length > query.limit
  const pageRows = more ? raw.slice(0, query.limit) : raw
  const last = pageRows[pageRows.length - 1]
  return {
    rows: pageRows.map(row.map),
    nextCursor: more && last ? encodeCursor([plan.sort, last.sortValue as string, last.id as number]) : null,
    ...(total !== undefined ? { total } : {})
  }
}

/** The page and count queries of a list without q on PostgreSQL (exported for query-plan tests). */
export function listSqlPg (query: ArticleListQuery, auth: AuthContext | null, now: string, tagUses: (slug: string) => number, columns: SQL) {
  const sort = sortOf(query)
  if (sort === 'relevance') throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  const { where, publicOnly } = filtersPg(query, auth, now, tagUses)
  const spec = sortSpecPg(sort, publicOnly)
  const conditions = query.cursor !== undefined ? sql`${where} and ${afterCursorPg(query.cursor, sort, spec)}` : where
  const direction = sql.raw(spec.direction)
  const select = sql`select ${columns}, ${spec.value} as "sortValue" from articles a
    where ${conditions}
    order by ${spec.key} ${direction}, a.id ${direction}
    limit ${query.limit + 1}`
  return { select, count: sql`select count(*) as "n" from articles a where ${where}`, sort }
}
