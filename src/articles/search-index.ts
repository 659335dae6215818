// The full-text index of articles behind one interface: FTS5 on SQLite, tsvector on PostgreSQL.
import { asc, gt } from 'drizzle-orm'
import type { Dialect, Executor } from '../db/database.js'
import type { AuthContext } from '../lib/roles.js'
import type { ArticleRowsPage } from './queries.js'
import type { ArticleListQuery } from './schemas.js'
import { plainText } from './render.js'
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

/**
 * Indexes every article again (after a copy between databases, whose indexes are built each
 * their own way), a batch at a time in id order; returns how many were indexed.
 */
export async function indexAllArticles (tx: Executor, searchIndex: SearchIndex, batch = 200): Promise<number> {
  const { articles } = tx.tables
  let after = 0
  let indexed = 0
  for (;;) {
    const rows = await tx.all(tx.orm.select({ id: articles.id, title: articles.title, excerpt: articles.excerpt, html: articles.html })
      .from(articles).where(gt(articles.id, after)).orderBy(asc(articles.id)).limit(batch))
    for (const row of rows) await searchIndex.index(tx, { id: row.id, title: row.title, excerpt: row.excerpt ?? '', text: plainText(row.html) })
    indexed += rows.length
    if (rows.length < batch) return indexed
    after = rows.at(-1)!.id
  }
}
