// Renders every stored article's html again with the current sanitizer (the CLI rerender).
import { and, asc, eq, gt } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { renderBody } from './render.js'

const BATCH = 500

/**
 * Renders every article's stored html again from its body with today's sanitizer (the
 * user-content- id prefix reaches articles written before it). Only html changes, and
 * only where it differs: revision and updatedAt stay, since no one edited the article
 * (the ETag still changes, its digest covers the html). Batches keep each write
 * transaction short while the server runs.
 */
export async function rerenderArticles (db: Executor): Promise<{ checked: number, changed: number }> {
  const { articles } = db.tables
  let checked = 0
  let changed = 0
  let after = 0
  for (;;) {
    // Read and written in one transaction: an edit through the API cannot slip between them.
    const last = await db.transaction(async (tx) => {
      const rows = await tx.all(tx.orm.select({ id: articles.id, body: articles.body, format: articles.format, html: articles.html })
        .from(articles).where(gt(articles.id, after)).orderBy(asc(articles.id)).limit(BATCH))
      for (const row of rows) {
        const html = renderBody(row.body, row.format)
        // Only if the html is still what was read: on PostgreSQL an edit may commit meanwhile.
        if (html !== row.html) changed += await tx.run(tx.orm.update(articles).set({ html }).where(and(eq(articles.id, row.id), eq(articles.html, row.html))))
      }
      checked += rows.length
      return rows[rows.length - 1]?.id
    })
    if (last === undefined) break
    after = last
  }
  return { checked, changed }
}
