// SQLite's FTS5 search index of articles, its term dictionary and the cache of relevance rankings.
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { createCache } from '../lib/cache.js'

/**
 * Puts an article's searchable text into the FTS5 index (replacing what was there) and its
 * terms into search_terms, the dictionary prefix searches expand from.
 */
export async function indexArticle (db: Executor, doc: { id: number, title: string, excerpt: string, text: string }): Promise<void> {
  await db.run(sql`delete from articles_fts where rowid = ${doc.id}`)
  await db.run(sql`insert into articles_fts (rowid, title, excerpt, body) values (${doc.id}, ${doc.title}, ${doc.excerpt}, ${doc.text})`)
  await addTerms(db, `${doc.title}\n${doc.excerpt}\n${doc.text}`)
}

/** Removes an article from the FTS5 index (its terms stay in search_terms, matching nothing). */
export async function unindexArticle (db: Executor, id: number): Promise<void> {
  await db.run(sql`delete from articles_fts where rowid = ${id}`)
}

/**
 * Adds the terms of a text to search_terms. The text goes through a scratch FTS5 table in
 * the connection's temp schema with the tokenizer of articles_fts, so the dictionary holds
 * exactly the terms FTS5 indexed (folded case and diacritics included).
 */
async function addTerms (db: Executor, text: string): Promise<void> {
  await db.run(sql.raw("create virtual table if not exists temp.search_tokenizer using fts5(text, content = '', tokenize = 'unicode61 remove_diacritics 2')"))
  await db.run(sql.raw("create virtual table if not exists temp.search_tokenizer_terms using fts5vocab(temp, search_tokenizer, 'row')"))
  await db.run(sql`insert into temp.search_tokenizer (text) values (${text})`)
  await db.run(sql`insert or ignore into search_terms (term) select term from temp.search_tokenizer_terms`)
  await db.run(sql`insert into temp.search_tokenizer (search_tokenizer) values ('delete-all')`)
}

/**
 * A word as the index stores it (unicode61 with remove_diacritics 2): lower case, accents
 * dropped. Used to look words up in search_terms; FTS5 folds the words of a MATCH itself.
 */
export function foldWord (word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase()
}

/**
 * Rankings of relevance walks in progress: an LRU of id lists, each kept 15 minutes after
 * its last use, so the pages of one search follow one ranking.
 */
export function createRankingCache (maxEntries = 500, ttlMs = 15 * 60_000, now?: () => number) {
  const entries = createCache<string, number[]>({ max: maxEntries, ttlMs, ...(now ? { now } : {}) })
  return {
    put (ids: number[]): string {
      const key = randomBytes(12).toString('base64url')
      entries.set(key, ids)
      return key
    },
    get: (key: string): number[] | undefined => entries.get(key)
  }
}

export type RankingCache = ReturnType<typeof createRankingCache>

/** bm25 weights for title, excerpt and body: a word in the headline counts most. */
export const RANK = sql.raw('bm25(articles_fts, 10.0, 4.0, 1.0)')
