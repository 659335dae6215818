// Article lists without q on PostgreSQL: the list's filters, sorts and cursors in its SQL.
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import type { AuthContext } from '../lib/roles.js'
import { encodeCursor } from '../lib/cursor.js'
import { FieldError } from '../lib/errors.js'
import { articleFields, type ArticleRowsPage, sortOf } from './queries.js'
import type { ArticleListQuery } from './schemas.js'
import { afterCursorPg, filtersPg, sortSpecPg } from './search-postgres-sql.js'

/**
 * Lists articles without q, with the answers of the SQLite list: the same visibility and
 * filters, keyset pages whose cursors hold the same values (timestamps as ISO text), and
 * with count the exact total.
 */
export async function listArticlesPg (db: Executor, query: ArticleListQuery, auth: AuthContext | null, now: string): Promise<ArticleRowsPage> {
  const sort = sortOf(query)
  if (sort === 'relevance') throw new FieldError('sort', 'sort=relevance needs q, the words to rank by')
  const { where, publicOnly } = filtersPg(query, auth, now)
  const spec = sortSpecPg(sort, publicOnly)
  const conditions = query.cursor !== undefined ? sql`${where} and ${afterCursorPg(query.cursor, sort, spec)}` : where
  const direction = sql.raw(spec.direction)
  const row = articleFields(db, query.fields)
  const total = query.count ? (await db.get<{ n: number }>(sql`select count(*) as "n" from articles a where ${where}`))!.n : undefined
  const raw = await db.all<Record<string, unknown>>(sql`select ${row.list}, ${spec.value} as "sortValue" from articles a
    where ${conditions}
    order by ${spec.key} ${direction}, a.id ${direction}
    limit ${query.limit + 1}`)
  const more = raw.length > query.limit
  const pageRows = more ? raw.slice(0, query.limit) : raw
  const last = pageRows[pageRows.length - 1]
  return {
    rows: pageRows.map(row.map),
    nextCursor: more && last ? encodeCursor([sort, last.sortValue as string, last.id as number]) : null,
    ...(total !== undefined ? { total } : {})
  }
}
