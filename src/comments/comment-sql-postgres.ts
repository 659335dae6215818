// The comments repository's PostgreSQL SQL: lower(), row locks and advisory locks for the duplicate check.
import { sql } from 'drizzle-orm'
import type { CommentSql } from './comment-sql.js'

export const postgresCommentSql: CommentSql = {
  descendants: (articleId, rootIds) => sql`
    with recursive tree(id) as (
      select id from comments where parent_id in ${sql`(${sql.join(rootIds.map((id) => sql`${id}`), sql`, `)})`} and status = 'approved' and article_id = ${articleId}
      union all
      select c.id from tree join comments c on c.parent_id = tree.id where c.status = 'approved'
    )
    select id from tree`,

  matches: (q) => sql`(strpos(lower(body), lower(${q})) > 0 or strpos(lower(author_name), lower(${q})) > 0 or strpos(author_email, lower(${q})) > 0)`,

  // The body is JSON text; PostgreSQL 15 has no safe "is this JSON" test before a cast, so the
  // member is matched as JSON.stringify writes it. A quote inside a JSON string is escaped, so
  // a comment body quoting such text cannot match.
  forgetAnswers: (hash) => sql`delete from idempotency_keys where strpos(body, ${`"avatarHash":"${hash}"`}) > 0`,

  // Read committed: without a lock, two moderators' changes could both count the old status.
  forUpdate: sql` for update`,

  // Another transaction (or instance) posting the same email to the same article waits here
  // until this one commits, then its duplicate check sees this one's rows. Taken in one order,
  // so two batches never wait for each other.
  async lockPosters (tx, posters) {
    const keys = [...new Set(posters.map((p) => `${p.articleId}\u0000${p.email}`))].sort()
    for (const key of keys) {
      const [articleId, email] = key.split('\u0000') as [string, string]
      await tx.run(sql`select pg_advisory_xact_lock(${Number(articleId)}::int, hashtext(${email}))`)
    }
  },

  // Rows are not overwritten in place: a deleted row's bytes stay in the table's pages until
  // VACUUM reclaims them (docs/operations.md). The erasure is a plain DELETE.
  eraseForGood: (db, erase) => db.transaction(erase)
}
