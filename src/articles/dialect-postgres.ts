// PostgreSQL's forms of the articles SQL that differ between the databases (see dialect.ts).
import { sql } from 'drizzle-orm'
import type { ArticlesSql } from './dialect.js'

export const postgresArticlesSql: ArticlesSql = {
  // lower() folds every letter in a UTF-8 database, as casefold() does on SQLite.
  fold: (value) => sql`lower(${value})`,
  // One array parameter, so one statement text serves any batch size.
  inIds: (column, list) => sql`${column} = any(cast(${list} as integer[]))`,
  idList: (ids) => `{${ids.join(',')}}`,
  oneId: (column, value) => sql`${column} = cast(${value} as integer)`,
  forUpdate: sql` for update`,
  candidateRows: sql`candidates c cross join lateral (select * from articles where id = c.id offset 0) a`,
  sameCategory: (id) => sql`(case when a.category_id = ${id} then 1 else 0 end)`,
  tagOfRow: sql`cross join lateral (select id, slug, name from tags where id = at.tag_id offset 0) t`,
  jsonRows: (columns, order) => sql`coalesce(json_agg(json_build_array(${columns}) order by ${order}), '[]')`
}
