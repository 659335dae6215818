// The SQL condition that makes an article publicly visible.
import { type Placeholder, sql, type SQL } from 'drizzle-orm'

/**
 * The condition that makes an article publicly visible at `now`, for the article table
 * alias given: published, or scheduled with its time come (scheduling stores the go-live
 * time in published_at). Kept in one place so every count and list agrees; the status set
 * matches the partial indexes in schema.ts word for word so SQLite can use them.
 * The unary + keeps `published_at <= now` out of index ranges: a list page's cursor or a
 * publishedBefore is the bound to seek to. Given both upper bounds, SQLite chose one by
 * its statistics, and at a million articles it sometimes walked from now down to the page.
 */
export function publicSql (alias: SQL, now: string | Placeholder): SQL {
  return sql`${alias}.status in ('published', 'scheduled') and +${alias}.published_at <= ${now}`
}
