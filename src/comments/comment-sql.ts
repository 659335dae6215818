// What the comments repository says differently on SQLite and PostgreSQL, chosen once by dialect.
import type { SQL } from 'drizzle-orm'
import type { Executor } from '../db/database.js'

export interface CommentSql {
  /** The ids of the approved comments below `rootIds` on the article: `select id from tree`. */
  descendants: (articleId: number, rootIds: number[]) => SQL
  /** The moderation search: `q` in the body, author name or email, ignoring case. */
  matches: (q: string) => SQL
  /** Deletes the stored idempotent answers whose avatarHash is `hash` (comment posts only have one). */
  forgetAnswers: (hash: string) => SQL
  /** Appended to a select inside a transaction to hold its rows until the commit. */
  forUpdate: SQL
  /**
   * Makes posts of the same email to the same article wait for each other until the commit,
   * so the duplicate check inside the transaction sees every earlier post. Called once per
   * batch with every key, before any insert.
   */
  lockPosters: (tx: Executor, posters: Array<{ articleId: number, email: string }>) => Promise<void>
  /** Runs the erasure `erase` in a transaction so that the deleted bytes do not stay behind where the database can overwrite them. */
  eraseForGood: <T>(db: Executor, erase: (tx: Executor) => Promise<T>) => Promise<T>
}
