// PostgreSQL's taxonomy SQL: name order by lower(), as its name indexes are built.
import { sql } from 'drizzle-orm'
import type { TaxonomyDialect } from './dialect.js'

/**
 * The `<table>_name_idx` indexes are on (lower(name), id): ordering and the cursor use the
 * same expression so a page is an index walk. lower() folds beyond A-Z in a UTF-8 database,
 * as SQLite's casefold() does for `q`. Visibility is publicSql's condition without SQLite's
 * unary-plus index hint, which is no operator on timestamptz.
 */
export const postgresTaxonomy: TaxonomyDialect = {
  order: (name, id) => sql`lower(${name}), ${id}`,
  after: (name, id, [afterName, afterId]) =>
    sql`(lower(${name}) > lower(${afterName}) or (lower(${name}) = lower(${afterName}) and ${id} > ${afterId}))`,
  contains: (name, q) => sql`strpos(lower(${name}), lower(${q})) > 0`,
  live: (alias, now) => sql`${alias}.status in ('published', 'scheduled') and ${alias}.published_at <= ${now}`
}
