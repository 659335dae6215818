// Renders every stored article's html again with the current sanitizer (the CLI rerender).
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { renderBody } from './render.js'

const BATCH = 500

/**
 * Renders every article's stored html again from its body with today's sanitizer (the
 * user-content- id prefix reaches articles written before it). Only html changes, and
 * only where it differs: revision and updatedAt stay, since no one edited the article
 * (the ETag still changes, its digest covers the html). Batches keep each write
 * transaction short while the server runs.
 */
export function rerenderArticles (db: Db): { checked: number, changed: number } {
  let checked = 0
  let changed = 0
  let after = 0
  for (;;) {
    // Read and written in one transaction: an edit through the API cannot slip between them.
    const last = db.transaction(() => {
      const rows = db.all<{ id: number, body: string, format: 'markdown' | 'html', html: string }>(
        sql`select id, body, format, html from articles where id > ${after} order by id limit ${BATCH}`)
      for (const row of rows) {
        const html = renderBody(row.body, row.format)
        if (html !== row.html) changed += db.run(sql`update articles set html = ${html} where id = ${row.id}`).changes
      }
      checked += rows.length
      return rows[rows.length - 1]?.id
    }, { behavior: 'immediate' })
    if (last === undefined) break
    after = last
  }
  return { checked, changed }
}
