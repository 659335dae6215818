// The few SQL fragments of articles that differ between SQLite and PostgreSQL, chosen once.
import type { Placeholder, SQL } from 'drizzle-orm'
import type { Dialect } from '../db/database.js'
import { postgresArticlesSql } from './dialect-postgres.js'
import { sqliteArticlesSql } from './dialect-sqlite.js'

export interface ArticlesSql {
  /** A text folded for a comparison that ignores case, "Über" as "über". */
  fold: (value: SQL) => SQL
  /**
   * `column` is one of the ids in `list` (a parameter or placeholder holding idList's value):
   * one statement text whatever their number, prepared once.
   */
  inIds: (column: SQL, list: SQL | Placeholder) => SQL
  /** The parameter value of an id list for inIds. */
  idList: (ids: number[]) => string
  /**
   * `column` is the one id `value`, where that reads faster than inIds with one id. On
   * PostgreSQL, an id list of unknown length made the generic plan of a one-article read
   * look costlier than a fresh plan, so the statement was planned again on every run (half
   * its time); one id is one row to the planner. Undefined on SQLite: its list form is as fast.
   */
  oneId: ((column: SQL, value: SQL | Placeholder) => SQL) | undefined
  /**
   * What a read inside a write transaction ends with, so a concurrent writer waits until the
   * row is written (empty on SQLite, whose write transactions run one at a time).
   */
  forUpdate: SQL
  /**
   * The rows of the ids in CTE `candidates`, as `a`, for "More articles". PostgreSQL's planner
   * hashed the whole articles table for a few hundred candidates; a lateral lookup by id
   * (kept from being flattened by `offset 0`) reads only theirs. SQLite reads them from the
   * live articles' index (id, published_at), not the table: the scoring needs no other column.
   */
  candidateRows: SQL
  /** 1 when candidate `a` of candidateRows is in category `id`, else 0. */
  sameCategory: (id: SQL) => SQL
  /**
   * Joins each article_tags row `at` to its tag as `t`. PostgreSQL's generic plan (an id list
   * of unknown length) hashed the whole tags table on every article read; a lateral lookup by
   * id reads only the article's tags.
   */
  tagOfRow: SQL
  /** The rows of a subquery `r` as one JSON array of arrays of `columns`, in `order` ('[]' when none). */
  jsonRows: (columns: SQL, order: SQL) => SQL
}

/** The articles SQL of a dialect. */
export function articlesSql (dialect: Dialect): ArticlesSql {
  return dialect === 'postgres' ? postgresArticlesSql : sqliteArticlesSql
}
