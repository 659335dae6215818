import { sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'

/** Puts an article's searchable text into the FTS5 index (replacing what was there). */
export function indexArticle (db: Pick<Db, 'run'>, doc: { id: number, title: string, excerpt: string, text: string }) {
  db.run(sql`delete from articles_fts where rowid = ${doc.id}`)
  db.run(sql`insert into articles_fts (rowid, title, excerpt, body) values (${doc.id}, ${doc.title}, ${doc.excerpt}, ${doc.text})`)
}

/** Removes an article from the FTS5 index. */
export function unindexArticle (db: Pick<Db, 'run'>, id: number) {
  db.run(sql`delete from articles_fts where rowid = ${id}`)
}

/**
 * Turns what a reader typed into an FTS5 query: each word a quoted term (so FTS5 syntax in
 * the input is only ever text), all required, the last one also matching as a prefix.
 * Returns undefined when the input holds no word at all.
 */
export function matchExpression (q: string): string | undefined {
  const words = q.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)?.slice(0, 12)
  if (!words || words.length === 0) return undefined
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ')
}

/** bm25 weights for title, excerpt and body: a word in the headline counts most. */
export const RANK = sql.raw('bm25(articles_fts, 10.0, 4.0, 1.0)')
