// PostgreSQL's forms of the articles SQL that differ between the databases (see dialect.ts).
import { sql } from 'drizzle-orm'
import type { ArticlesSql } from './dialect.js'

const tagOfRow = sql`cross join lateral (select id, slug, name from tags where id = at.tag_id offset 0) t`

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
  tagOfRow,
  refsOfRow: sql`(select coalesce(json_agg(json_build_array(r.kind, r.id, r.slug, r.name) order by r.kind, r.position), '[]') from (
    select 0 as kind, 0 as position, id, slug, name from categories where id = a.category_id
    union all select 1, 0, id, slug, name from authors where id = a.author_id
    union all select 2, at.position, t.id, t.slug, t.name from article_tags at ${tagOfRow} where at.article_id = a.id) r)`
}
