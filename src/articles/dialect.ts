// The few SQL fragments of articles that differ between SQLite and PostgreSQL, chosen once.
import type { SQL } from 'drizzle-orm'
import type { Dialect } from '../db/database.js'
import { postgresArticlesSql } from './dialect-postgres.js'
import { sqliteArticlesSql } from './dialect-sqlite.js'

export interface ArticlesSql {
  /** A text folded for a comparison that ignores case, "Über" as "über". */
  fold: (value: SQL) => SQL
  /** `column` is one of `ids`, in one statement text whatever their number (prepared once on SQLite). */
  inIds: (column: SQL, ids: number[]) => SQL
  /**
   * What a read inside a write transaction ends with, so a concurrent writer waits until the
   * row is written (empty on SQLite, whose write transactions run one at a time).
   */
  forUpdate: SQL
}

/** The articles SQL of a dialect. */
export function articlesSql (dialect: Dialect): ArticlesSql {
  return dialect === 'postgres' ? postgresArticlesSql : sqliteArticlesSql
}
