// The full-text index of articles behind one interface: FTS5 on SQLite, tsvector on PostgreSQL.
import type { Dialect, Executor } from '../db/database.js'
import type { AuthContext } from '../lib/roles.js'
import type { ArticleRowsPage } from './queries.js'
import type { ArticleListQuery } from './schemas.js'
import type { RankingCache } from './search.js'
import { postgresSearchIndex } from './search-postgres.js'
import { sqliteSearchIndex } from './search-sqlite.js'

export type { ArticleRowsPage }

/** What a search needs besides the request: walks in progress, and how many matches it ranks. */
export interface SearchContext { rankings: RankingCache, window: number }

/** A dialect's full-text index of articles. */
export interface SearchIndex {
  /** Puts an article's searchable text in the index, replacing what was there; inside the write's transaction. */
  index: (tx: Executor, doc: { id: number, title: string, excerpt: string, text: string }) => Promise<void>
  /** Takes an article out of the index; inside the delete's transaction. */
  unindex: (tx: Executor, id: number) => Promise<void>
  /** A list page of the articles matching `query.q`, by relevance or another sort. */
  search: (db: Executor, query: ArticleListQuery & { q: string }, auth: AuthContext | null, now: string, ctx: SearchContext) => Promise<ArticleRowsPage>
}

/** The search index of a database's dialect. */
export function createSearchIndex (dialect: Dialect): SearchIndex {
  return dialect === 'postgres' ? postgresSearchIndex : sqliteSearchIndex
}
