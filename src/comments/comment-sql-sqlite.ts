// The comments repository's SQLite-only SQL: planner hints, casefold(), JSON1 and secure delete.
import { sql } from 'drizzle-orm'
import type { CommentSql } from './comment-sql.js'

/**
 * The ids of the approved comments below the given ones (an article's reply threads). Each
 * step of the recursion is told to look up the replies of one comment in comments_parent_idx:
 * left to the planner, a step may read every approved comment of the site (or the whole
 * table) per reply found, a scan per level of a reply chain. CROSS JOIN keeps tree outermost.
 */
export function descendantsSql (articleId: number, rootIds: number[]) {
  return sql`
    with recursive tree(id) as (
      select id from comments where parent_id in ${sql`(${sql.join(rootIds.map((id) => sql`${id}`), sql`, `)})`} and status = 'approved' and article_id = ${articleId}
      union all
      select c.id from tree cross join comments c indexed by comments_parent_idx on c.parent_id = tree.id where c.status = 'approved'
    )
    select id from tree`
}

export const sqliteCommentSql: CommentSql = {
  descendants: descendantsSql,

  // casefold() is the app's own function (db/client.ts): Unicode lower case, as the API's.
  matches: (q) => sql`(instr(casefold(body), casefold(${q})) > 0 or instr(casefold(author_name), casefold(${q})) > 0 or instr(author_email, casefold(${q})) > 0)`,

  // CASE keeps json_extract off a body that is not JSON.
  forgetAnswers: (hash) => sql`delete from idempotency_keys where case when json_valid(body) then json_extract(body, '$.avatarHash') end = ${hash}`,

  // BEGIN IMMEDIATE already holds the only write lock: nothing to add.
  forUpdate: sql``,
  async lockPosters () {},

  /**
   * secure_delete zeroes the freed cells instead of leaving them in free pages, and a TRUNCATE
   * checkpoint after the commit empties the write-ahead log, which still holds the pages as
   * they were (a backup copies both). The pragma is set inside the transaction, which holds
   * the connection, so no other erasure can restore it meanwhile. For rare erasures only: the
   * checkpoint copies the whole log at once.
   */
  async eraseForGood (db, erase) {
    const result = await db.transaction(async (tx) => {
      const before = await tx.get<{ secure_delete: number }>(sql`pragma secure_delete`)
      await tx.run(sql`pragma secure_delete = on`)
      try {
        return await erase(tx)
      } finally {
        await tx.run(sql.raw(`pragma secure_delete = ${Number(before?.secure_delete ?? 0)}`))
      }
    })
    await db.run(sql`pragma wal_checkpoint(TRUNCATE)`)
    return result
  }
}
