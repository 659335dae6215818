import { sql, type SQL } from 'drizzle-orm'

/**
 * The condition that makes an article publicly visible, for the article table alias given.
 * Kept in one place so every count and list agrees on what "published" means.
 */
export function publishedSql (alias: SQL): SQL {
  return sql`${alias}.status = 'published'`
}
