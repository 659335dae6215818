// Data access of comments: group-committed posts, threads, moderation and erasure.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../db/client.js'
import { articles, comments } from '../db/schema.js'
import { eraseForGood } from '../db/secure-delete.js'
import { DuplicateCommentError } from '../lib/errors.js'
import { avatarHash } from './render.js'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'

export type CommentRow = typeof comments.$inferSelect
export type CommentStatus = CommentRow['status']

/**
 * The ids of the approved comments below the given ones (an article's reply threads). Each
 * step of the recursion is told to look up the replies of one comment in comments_parent_idx:
 * left to the planner, a step may read every approved comment of the site (or the whole
 * table) per reply found, a scan per level of a reply chain.
 */
export function descendantsSql (articleId: number, rootIds: number[]): SQL {
  return sql`
    with recursive tree(id) as (
      select id from comments where parent_id in ${sql`(${sql.join(rootIds.map((id) => sql`${id}`), sql`, `)})`} and status = 'approved' and article_id = ${articleId}
      union all
      select c.id from tree cross join comments c indexed by comments_parent_idx on c.parent_id = tree.id where c.status = 'approved'
    )
    select id from tree`
}

export interface NewCommentRow {
  articleId: number
  parentId: number | null
  depth: number
  status: CommentStatus
  body: string
  authorName: string
  authorEmail: string
  authorUrl: string | null
  ip: string | null
  userAgent: string | null
  flags: string[]
  commenterKey: string | null
}

/**
 * Comments. Every status change moves the article's commentCount (approved comments) in
 * the same transaction, so the count is exact through every transition.
 */
export function createCommentsRepository (db: Db) {
  const byId = db.select().from(comments).where(eq(comments.id, sql.placeholder('id'))).prepare()

  function adjustCount (articleId: number, delta: number) {
    if (delta !== 0) db.update(articles).set({ commentCount: sql`${articles.commentCount} + ${delta}` }).where(eq(articles.id, articleId)).run()
  }

  const approvedDelta = (from: CommentStatus | undefined, to: CommentStatus | undefined) =>
    (to === 'approved' ? 1 : 0) - (from === 'approved' ? 1 : 0)

  // The public form is the hot write path: its statements and transaction are prepared once.
  const c = db.$client
  const insertComment = c.prepare(`insert into comments (article_id, parent_id, depth, status, body, author_name, author_email,
    avatar_hash, author_url, ip, user_agent, flags, commenter_key, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const bumpCount = c.prepare('update articles set comment_count = comment_count + ? where id = ?')
  const approvedByEmail = c.prepare("select 1 from comments where author_email = ? and status = 'approved' limit 1").pluck()
  const approvedInChain = c.prepare("select 1 from comments where author_email = ? and status = 'approved' and commenter_key = ? limit 1").pluck()
  // Only a comment post's answer has an avatarHash, the SHA-256 of its email: matching it finds
  // every stored answer of this commenter, also for comments deleted one by one before. CASE
  // keeps json_extract off a body that is not JSON.
  const forgetAnswers = c.prepare(`delete from idempotency_keys
    where case when json_valid(body) then json_extract(body, '$.avatarHash') end = ?`)
  const duplicate = c.prepare('select 1 from comments where article_id = ? and author_email = ? and body = ? and created_at >= ? limit 1').pluck()
  // One post waiting for the group commit. What the repository adds to the caller's values sits
  // beside them, not spread into a copy (a spread plus new keys sends V8 down its slow path).
  type Waiting = {
    values: NewCommentRow
    avatarHash: string
    now: string
    duplicateSince: string | null
    resolve: (row: CommentRow) => void
    reject: (error: unknown) => void
  }
  /**
   * Inserts one comment inside the batch's transaction; the caller moves commentCount by
   * approvedDelta (once per batch). One INSERT statement is atomic on its own (a failing one
   * is undone and the transaction goes on), so a post needs no savepoint of its own. The row
   * is built from what was written: every column is given, so there is nothing to read back.
   */
  function insertOne ({ values: v, avatarHash: avatar, now, duplicateSince }: Waiting): CommentRow {
    // Inside the transaction, so two identical posts written together cannot both pass.
    if (duplicateSince !== null && duplicate.get(v.articleId, v.authorEmail, v.body, duplicateSince) !== undefined) {
      throw new DuplicateCommentError()
    }
    const { lastInsertRowid } = insertComment.run(v.articleId, v.parentId, v.depth, v.status, v.body, v.authorName, v.authorEmail,
      avatar, v.authorUrl, v.ip, v.userAgent, JSON.stringify(v.flags), v.commenterKey, now, now)
    return {
      id: Number(lastInsertRowid),
      articleId: v.articleId,
      parentId: v.parentId,
      depth: v.depth,
      status: v.status,
      body: v.body,
      authorName: v.authorName,
      authorEmail: v.authorEmail,
      avatarHash: avatar,
      authorUrl: v.authorUrl,
      ip: v.ip,
      userAgent: v.userAgent,
      flags: v.flags,
      commenterKey: v.commenterKey,
      createdAt: now,
      updatedAt: now
    }
  }

  // Group commit: posts that arrive together (in one turn of the event loop) are written in
  // one transaction, one WAL commit instead of one each; a post that fails (a duplicate, a
  // constraint) fails alone, and each article's commentCount moves once by the batch's
  // approved posts. A post is answered only after the commit: an acknowledged comment is as
  // durable as before.
  let waiting: Waiting[] = []
  const groupTx = c.transaction((batch: Waiting[]) => {
    const deltas = new Map<number, number>()
    const results = batch.map((item) => {
      try {
        const row = insertOne(item)
        deltas.set(row.articleId, (deltas.get(row.articleId) ?? 0) + approvedDelta(undefined, row.status))
        return { row }
      } catch (error) {
        // A failed statement is undone alone; an error that rolled the whole transaction back
        // (disk full, I/O) fails the batch, so nothing is answered as stored that is not.
        if (!c.inTransaction) throw error
        return { error }
      }
    })
    for (const [articleId, delta] of deltas) if (delta !== 0) bumpCount.run(delta, articleId)
    return results
  })
  function commitWaiting () {
    const batch = waiting
    waiting = []
    let results: Array<{ row: CommentRow } | { error: unknown }>
    try {
      results = groupTx.immediate(batch)
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    results.forEach((result, i) => { if ('row' in result) batch[i]!.resolve(result.row); else batch[i]!.reject(result.error) })
  }

  /** One page of comments matching `conditions`, keyset-paged by (createdAt, id) in either order. */
  function pageByCreation (conditions: SQL[], opts: { limit: number, cursor?: string | undefined, sort: 'oldest' | 'newest' }) {
    const dir = opts.sort === 'oldest' ? 'asc' : 'desc'
    const where = [...conditions]
    if (opts.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(opts.cursor, z.tuple([z.string(), z.number().int()]))
      const op = dir === 'asc' ? sql`>` : sql`<`
      where.push(sql`(${comments.createdAt} ${op} ${createdAt} or (${comments.createdAt} = ${createdAt} and ${comments.id} ${op} ${id}))`)
    }
    const rows = db.select().from(comments).where(and(...where))
      .orderBy(sql`${comments.createdAt} ${sql.raw(dir)}, ${comments.id} ${sql.raw(dir)}`).limit(opts.limit + 1).all()
    const more = rows.length > opts.limit
    const page = more ? rows.slice(0, opts.limit) : rows
    const last = page[page.length - 1]
    return { rows: page, nextCursor: more && last ? encodeCursor([last.createdAt, last.id]) : null }
  }

  return {
    get (id: number): CommentRow | undefined {
      return byId.get({ id })
    },

    /**
     * Inserts a comment with the next group commit and keeps commentCount exact; rejects with
     * DuplicateCommentError when the same email posted the same body on the article since
     * `duplicateSince` (null: no check).
     */
    insert (values: NewCommentRow, now: string, duplicateSince: string | null = null): Promise<CommentRow> {
      return new Promise((resolve, reject) => {
        waiting.push({ values, avatarHash: avatarHash(values.authorEmail), now, duplicateSince, resolve, reject })
        if (waiting.length === 1) setImmediate(commitWaiting)
      })
    },

    /** True when this email already has an approved comment (the first-time policy). */
    hasApproved (email: string): boolean {
      return approvedByEmail.get(email) !== undefined
    },

    /** True when a comment of this email posted with this commenter token chain is approved. */
    hasApprovedInChain (email: string, commenterKey: string): boolean {
      return approvedInChain.get(email, commenterKey) !== undefined
    },

    /** Changes status and/or body; undefined when there is no such comment. */
    update (id: number, change: { status?: CommentStatus | undefined, body?: string | undefined }, now: string): CommentRow | undefined {
      return db.transaction(() => {
        const current = byId.get({ id })
        if (!current) return undefined
        const row = db.update(comments).set({ ...change, updatedAt: now }).where(eq(comments.id, id)).returning().get()
        adjustCount(current.articleId, approvedDelta(current.status, row.status))
        return row
      }, { behavior: 'immediate' })
    },

    /** Sets one status on many comments in one transaction; returns how many changed and the ids not found. */
    bulkStatus (ids: number[], status: CommentStatus, now: string) {
      return db.transaction(() => {
        const rows = db.select().from(comments).where(inArray(comments.id, ids)).all()
        const found = new Set(rows.map((r) => r.id))
        let updated = 0
        for (const row of rows) {
          if (row.status === status) continue
          db.update(comments).set({ status, updatedAt: now }).where(eq(comments.id, row.id)).run()
          adjustCount(row.articleId, approvedDelta(row.status, status))
          updated++
        }
        return { updated, notFound: ids.filter((id) => !found.has(id)) }
      }, { behavior: 'immediate' })
    },

    /** Deletes for good; false when there is no such comment. */
    remove (id: number): boolean {
      return db.transaction(() => {
        const current = byId.get({ id })
        if (!current) return false
        db.delete(comments).where(eq(comments.id, id)).run()
        adjustCount(current.articleId, approvedDelta(current.status, undefined))
        return true
      }, { behavior: 'immediate' })
    },

    /**
     * Deletes every comment stored with this email and every stored idempotent answer to its
     * posts (which hold the name, body and, in the scope, the IP), leaving no bytes of them in
     * the database files; returns how many comments.
     */
    eraseEmail (email: string): number {
      return eraseForGood(c, () => db.transaction(() => {
        const rows = db.select({ id: comments.id, articleId: comments.articleId, status: comments.status }).from(comments).where(eq(comments.authorEmail, email)).all()
        for (const row of rows) adjustCount(row.articleId, approvedDelta(row.status, undefined))
        if (rows.length > 0) db.delete(comments).where(eq(comments.authorEmail, email)).run()
        forgetAnswers.run(avatarHash(email))
        return rows.length
      }, { behavior: 'immediate' }))
    },

    /** Approved comments of an article, keyset-paged by creation time; top-level only for trees. */
    listApproved (articleId: number, opts: { limit: number, cursor?: string | undefined, sort: 'oldest' | 'newest', topLevelOnly: boolean }) {
      const conditions: SQL[] = [eq(comments.articleId, articleId), eq(comments.status, 'approved')]
      if (opts.topLevelOnly) {
        // A reply whose parent is not shown stands as a top-level comment.
        conditions.push(sql`(${comments.parentId} is null or not exists (select 1 from comments p where p.id = ${comments.parentId} and p.status = 'approved'))`)
      }
      return pageByCreation(conditions, opts)
    },

    countApproved (articleId: number, topLevelOnly: boolean): number {
      const extra = topLevelOnly
        ? sql` and (c.parent_id is null or not exists (select 1 from comments p where p.id = c.parent_id and p.status = 'approved'))`
        : sql``
      return db.get<{ n: number }>(sql`select count(*) as n from comments c where c.article_id = ${articleId} and c.status = 'approved'${extra}`)!.n
    },

    /** Every approved comment of an article below the given ones, oldest first, in one query. */
    approvedDescendants (articleId: number, rootIds: number[]): CommentRow[] {
      if (rootIds.length === 0) return []
      const ids = db.all<{ id: number }>(descendantsSql(articleId, rootIds)).map((r) => r.id)
      if (ids.length === 0) return []
      return db.select().from(comments).where(inArray(comments.id, ids)).orderBy(comments.createdAt, comments.id).all()
    },

    /** The moderation queue across articles. */
    listForModeration (opts: { limit: number, cursor?: string | undefined, statuses: CommentStatus[], articleId?: number | undefined, q?: string | undefined, sort: 'oldest' | 'newest' }) {
      const conditions: SQL[] = [inArray(comments.status, opts.statuses)]
      if (opts.articleId !== undefined) conditions.push(eq(comments.articleId, opts.articleId))
      if (opts.q !== undefined) {
        conditions.push(sql`(instr(casefold(${comments.body}), casefold(${opts.q})) > 0 or instr(casefold(${comments.authorName}), casefold(${opts.q})) > 0 or instr(${comments.authorEmail}, casefold(${opts.q})) > 0)`)
      }
      return {
        ...pageByCreation(conditions, opts),
        count: () => db.select({ n: sql<number>`count(*)` }).from(comments).where(and(...conditions)).get()!.n
      }
    }
  }
}

export type CommentsRepository = ReturnType<typeof createCommentsRepository>
