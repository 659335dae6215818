// Data access of comments: group-committed posts, threads, moderation and erasure.
import { and, eq, getTableColumns, inArray, sql, type Column, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '../db/database.js'
import { fields } from '../db/rows.js'
import type { comments as commentsTable } from '../db/schema.js'
import { DomainError, DuplicateCommentError } from '../lib/errors.js'
import { CursorIdSchema, decodeCursor, encodeCursor } from '../lib/cursor.js'
import type { CommentSql } from './comment-sql.js'
import { postgresCommentSql } from './comment-sql-postgres.js'
import { sqliteCommentSql } from './comment-sql-sqlite.js'
import { avatarHash } from './render.js'

export type CommentRow = typeof commentsTable.$inferSelect
export type CommentStatus = CommentRow['status']

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

/** One post waiting for the group commit, with the caller's promise. */
interface Waiting {
  values: NewCommentRow
  avatarHash: string
  now: string
  duplicateSince: string | null
  resolve: (row: CommentRow) => void
  reject: (error: unknown) => void
}

/** `"column" as "key", …` for one table's columns, as raw text: names come from the schema only. */
function selectList (columns: Record<string, Column>): SQL {
  return sql.raw(Object.entries(columns).map(([key, column]) => `"${column.name}" as "${key}"`).join(', '))
}

const approvedDelta = (from: CommentStatus | undefined, to: CommentStatus | undefined) =>
  (to === 'approved' ? 1 : 0) - (from === 'approved' ? 1 : 0)

/**
 * A post's own failure, which its savepoint undoes while the batch goes on: a domain error
 * (a duplicate) or a broken constraint (SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's class 23).
 * Anything else (disk full, I/O, a lost connection) may have ended the whole transaction, so
 * it fails the batch: nothing is answered as stored that is not.
 */
function failsAlone (error: unknown): boolean {
  if (error instanceof DomainError) return true
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^23\d{3}$/.test(code))) return true
    if ((e as { cause?: unknown }).cause === e) break
  }
  return false
}

/**
 * Comments. Every status change moves the article's commentCount (approved comments) in
 * the same transaction, so the count is exact through every transition.
 */
export function createCommentsRepository (db: Executor) {
  const { articles, comments } = db.tables
  const dialectSql: CommentSql = db.dialect === 'postgres' ? postgresCommentSql : sqliteCommentSql
  // Reads of whole rows are raw statements (cached by their text on SQLite) mapped by fields().
  // Their select lists are rendered once: the same text on both databases, and building a
  // Drizzle list of sixteen columns again for every statement was most of a post's time.
  const columns = getTableColumns(comments)
  const row = fields(columns)
  const statusColumns = { id: comments.id, articleId: comments.articleId, status: comments.status }
  const statusOf = fields(statusColumns)
  const rowList = selectList(columns)
  const statusList = selectList(statusColumns)

  const readRows = async (ex: Executor, query: SQL) => (await ex.all<Record<string, unknown>>(query)).map(row.map)
  const readRow = async (ex: Executor, query: SQL) => {
    const raw = await ex.get<Record<string, unknown>>(query)
    return raw === undefined ? undefined : row.map(raw)
  }

  // The statements of a post, as templates rendered once (see Executor.all): Drizzle building
  // a fifteen-value insert on every post was a sixth of its time.
  const p = (name: string) => sql.placeholder(name)
  const moveCount = sql`update ${articles} set comment_count = comment_count + ${p('delta')} where id = ${p('articleId')}`
  const duplicateOf = sql`select 1 as "x" from comments where article_id = ${p('articleId')} and author_email = ${p('authorEmail')}
    and body = ${p('body')} and created_at >= ${p('since')} limit 1`
  const insertPost = sql`insert into comments (article_id, parent_id, depth, status, body, author_name, author_email,
    avatar_hash, author_url, ip, user_agent, flags, commenter_key, created_at, updated_at) values (${p('articleId')}, ${p('parentId')},
    ${p('depth')}, ${p('status')}, ${p('body')}, ${p('authorName')}, ${p('authorEmail')}, ${p('avatarHash')}, ${p('authorUrl')}, ${p('ip')},
    ${p('userAgent')}, ${p('flags')}, ${p('commenterKey')}, ${p('now')}, ${p('now')}) returning ${rowList}`

  /**
   * Moves each article's commentCount by its delta (zero deltas write nothing), in article
   * order: two PostgreSQL transactions moving the same articles never wait for each other.
   */
  async function adjustCounts (tx: Executor, deltas: Map<number, number>) {
    for (const [articleId, delta] of [...deltas].sort((x, y) => x[0] - y[0])) {
      if (delta !== 0) await tx.run(moveCount, { delta, articleId })
    }
  }
  const addDelta = (deltas: Map<number, number>, articleId: number, delta: number) => deltas.set(articleId, (deltas.get(articleId) ?? 0) + delta)

  /**
   * Inserts one post. The duplicate check runs inside the batch's transaction, so two
   * identical posts written together cannot both pass.
   */
  async function insertOne (tx: Executor, { values: v, avatarHash, now, duplicateSince }: Waiting): Promise<CommentRow> {
    if (duplicateSince !== null) {
      const seen = await tx.get(duplicateOf, { articleId: v.articleId, authorEmail: v.authorEmail, body: v.body, since: duplicateSince })
      if (seen !== undefined) throw new DuplicateCommentError()
    }
    const inserted = await tx.get<Record<string, unknown>>(insertPost, { ...v, flags: JSON.stringify(v.flags), avatarHash, now })
    return row.map(inserted!)
  }

  // Group commit: posts that arrive while none is being written (within one turn of the event
  // loop) or while the previous batch commits are written together in one transaction, one
  // commit instead of one each; each article's commentCount moves once by the batch's approved
  // posts. A duplicate is found before its insert, so it fails alone in any batch. A post that
  // breaks a constraint (its article deleted meanwhile) would end the whole transaction, so the
  // batch is first written plainly and, only if one does, written again with a savepoint per
  // post, which undoes that one alone: on PostgreSQL each savepoint is two round trips more
  // per post. A post is answered only after the commit: an acknowledged comment is durable.
  let waiting: Waiting[] = []
  let writing = false

  /** Thrown out of a plain batch when a post broke a constraint: the batch is redone isolated. */
  class NeedsSavepoints extends Error {}

  async function writeBatch (batch: Waiting[], isolated: boolean) {
    return await db.transaction(async (tx) => {
      await dialectSql.lockPosters(tx, batch.filter((item) => item.duplicateSince !== null)
        .map((item) => ({ articleId: item.values.articleId, email: item.values.authorEmail })))
      const deltas = new Map<number, number>()
      const results: Array<{ row: CommentRow } | { error: unknown }> = []
      for (const item of batch) {
        try {
          const inserted = isolated ? await tx.transaction((sp) => insertOne(sp, item)) : await insertOne(tx, item)
          addDelta(deltas, inserted.articleId, approvedDelta(undefined, inserted.status))
          results.push({ row: inserted })
        } catch (error) {
          if (!failsAlone(error)) throw error
          if (!isolated && !(error instanceof DomainError)) throw new NeedsSavepoints('a post broke a constraint', { cause: error })
          results.push({ error })
        }
      }
      await adjustCounts(tx, deltas)
      return results
    })
  }

  async function commitWaiting () {
    while (waiting.length > 0) {
      const batch = waiting
      waiting = []
      try {
        const results = await writeBatch(batch, false).catch(async (error: unknown) => {
          if (error instanceof NeedsSavepoints) return await writeBatch(batch, true)
          throw error
        })
        results.forEach((result, i) => { if ('row' in result) batch[i]!.resolve(result.row); else batch[i]!.reject(result.error) })
      } catch (error) {
        for (const item of batch) item.reject(error)
      }
    }
    writing = false
  }

  /** One page of comments matching `conditions`, keyset-paged by (createdAt, id) in either order. */
  async function pageByCreation (conditions: SQL[], opts: { limit: number, cursor?: string | undefined, sort: 'oldest' | 'newest' }) {
    const dir = sql.raw(opts.sort === 'oldest' ? 'asc' : 'desc')
    const where = [...conditions]
    if (opts.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(opts.cursor, z.tuple([z.iso.datetime(), CursorIdSchema]))
      const op = opts.sort === 'oldest' ? sql`>` : sql`<`
      where.push(sql`(${comments.createdAt} ${op} ${createdAt} or (${comments.createdAt} = ${createdAt} and ${comments.id} ${op} ${id}))`)
    }
    const rows = await readRows(db, sql`select ${rowList} from ${comments} where ${and(...where)}
      order by ${comments.createdAt} ${dir}, ${comments.id} ${dir} limit ${opts.limit + 1}`)
    const more = rows.length > opts.limit
    const page = more ? rows.slice(0, opts.limit) : rows
    const last = page[page.length - 1]
    return { rows: page, nextCursor: more && last ? encodeCursor([last.createdAt, last.id]) : null }
  }

  return {
    get (id: number): Promise<CommentRow | undefined> {
      return readRow(db, sql`select ${rowList} from ${comments} where ${comments.id} = ${id}`)
    },

    /**
     * Inserts a comment with the next group commit and keeps commentCount exact; rejects with
     * DuplicateCommentError when the same email posted the same body on the article since
     * `duplicateSince` (null: no check).
     */
    insert (values: NewCommentRow, now: string, duplicateSince: string | null = null): Promise<CommentRow> {
      return new Promise((resolve, reject) => {
        waiting.push({ values, avatarHash: avatarHash(values.authorEmail), now, duplicateSince, resolve, reject })
        if (!writing) {
          writing = true
          setImmediate(commitWaiting)
        }
      })
    },

    /** True when this email already has an approved comment (the first-time policy). */
    async hasApproved (email: string): Promise<boolean> {
      return await db.get(sql`select 1 as "x" from comments where author_email = ${email} and status = 'approved' limit 1`) !== undefined
    },

    /** True when a comment of this email posted with this commenter token chain is approved. */
    async hasApprovedInChain (email: string, commenterKey: string): Promise<boolean> {
      return await db.get(sql`select 1 as "x" from comments where author_email = ${email} and status = 'approved' and commenter_key = ${commenterKey} limit 1`) !== undefined
    },

    /** Changes status and/or body; undefined when there is no such comment. */
    update (id: number, change: { status?: CommentStatus | undefined, body?: string | undefined }, now: string): Promise<CommentRow | undefined> {
      return db.transaction(async (tx) => {
        const current = await readRow(tx, sql`select ${rowList} from ${comments} where ${comments.id} = ${id}${dialectSql.forUpdate}`)
        if (!current) return undefined
        const set: { status?: CommentStatus, body?: string, updatedAt: string } = { updatedAt: now }
        if (change.status !== undefined) set.status = change.status
        if (change.body !== undefined) set.body = change.body
        const updated = await tx.get(tx.orm.update(comments).set(set).where(eq(comments.id, id)).returning())
        await adjustCounts(tx, new Map([[current.articleId, approvedDelta(current.status, updated!.status)]]))
        return updated
      })
    },

    /** Sets one status on many comments in one transaction; returns how many changed and the ids not found. */
    bulkStatus (ids: number[], status: CommentStatus, now: string): Promise<{ updated: number, notFound: number[] }> {
      return db.transaction(async (tx) => {
        const rows = (await tx.all<Record<string, unknown>>(sql`select ${statusList} from ${comments} where ${inArray(comments.id, ids)} order by ${comments.id}${dialectSql.forUpdate}`)).map(statusOf.map)
        const found = new Set(rows.map((r) => r.id))
        const changing = rows.filter((r) => r.status !== status)
        if (changing.length > 0) {
          await tx.run(tx.orm.update(comments).set({ status, updatedAt: now }).where(inArray(comments.id, changing.map((r) => r.id))))
          const deltas = new Map<number, number>()
          for (const r of changing) addDelta(deltas, r.articleId, approvedDelta(r.status, status))
          await adjustCounts(tx, deltas)
        }
        return { updated: changing.length, notFound: ids.filter((id) => !found.has(id)) }
      })
    },

    /** Deletes for good; false when there is no such comment. */
    remove (id: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        const gone = await tx.get<Record<string, unknown>>(sql`delete from ${comments} where ${comments.id} = ${id} returning ${statusList}`)
        if (gone === undefined) return false
        const { articleId, status } = statusOf.map(gone)
        await adjustCounts(tx, new Map([[articleId, approvedDelta(status, undefined)]]))
        return true
      })
    },

    /**
     * Deletes every comment stored with this email and every stored idempotent answer to its
     * posts (which hold the name, body and, in the scope, the IP); returns how many comments.
     * Only a comment post's answer has an avatarHash, the SHA-256 of its email: matching it
     * finds every stored answer of this commenter, also for comments deleted one by one
     * before. On SQLite no bytes of them stay in the database files (comment-sql-sqlite.ts);
     * on PostgreSQL it is a plain DELETE.
     */
    eraseEmail (email: string): Promise<number> {
      return dialectSql.eraseForGood(db, async (tx) => {
        // The rows deleted are the rows counted: a comment posted meanwhile is either both or neither.
        const gone = (await tx.all<Record<string, unknown>>(sql`delete from ${comments} where ${comments.authorEmail} = ${email} returning ${statusList}`)).map(statusOf.map)
        const deltas = new Map<number, number>()
        for (const r of gone) addDelta(deltas, r.articleId, approvedDelta(r.status, undefined))
        await adjustCounts(tx, deltas)
        await tx.run(dialectSql.forgetAnswers(avatarHash(email)))
        return gone.length
      })
    },

    /** Approved comments of an article, keyset-paged by creation time; top-level only for trees. */
    listApproved (articleId: number, opts: { limit: number, cursor?: string | undefined, sort: 'oldest' | 'newest', topLevelOnly: boolean }) {
      const conditions: SQL[] = [sql`${comments.articleId} = ${articleId}`, sql`${comments.status} = 'approved'`]
      if (opts.topLevelOnly) {
        // A reply whose parent is not shown stands as a top-level comment.
        conditions.push(sql`(${comments.parentId} is null or not exists (select 1 from comments p where p.id = ${comments.parentId} and p.status = 'approved'))`)
      }
      return pageByCreation(conditions, opts)
    },

    async countApproved (articleId: number, topLevelOnly: boolean): Promise<number> {
      const extra = topLevelOnly
        ? sql` and (c.parent_id is null or not exists (select 1 from comments p where p.id = c.parent_id and p.status = 'approved'))`
        : sql``
      return (await db.get<{ n: number }>(sql`select count(*) as "n" from comments c where c.article_id = ${articleId} and c.status = 'approved'${extra}`))!.n
    },

    /** Every approved comment of an article below the given ones, oldest first. */
    async approvedDescendants (articleId: number, rootIds: number[]): Promise<CommentRow[]> {
      if (rootIds.length === 0) return []
      const ids = (await db.all<{ id: number }>(dialectSql.descendants(articleId, rootIds))).map((r) => r.id)
      if (ids.length === 0) return []
      return db.all(db.orm.select().from(comments).where(inArray(comments.id, ids)).orderBy(comments.createdAt, comments.id))
    },

    /** The moderation queue across articles. */
    async listForModeration (opts: { limit: number, cursor?: string | undefined, statuses: CommentStatus[], articleId?: number | undefined, q?: string | undefined, sort: 'oldest' | 'newest' }) {
      const conditions: SQL[] = [inArray(comments.status, opts.statuses)]
      if (opts.articleId !== undefined) conditions.push(sql`${comments.articleId} = ${opts.articleId}`)
      if (opts.q !== undefined) conditions.push(dialectSql.matches(opts.q))
      return {
        ...await pageByCreation(conditions, opts),
        count: async () => (await db.get<{ n: number }>(sql`select count(*) as "n" from ${comments} where ${and(...conditions)}`))!.n
      }
    }
  }
}

export type CommentsRepository = ReturnType<typeof createCommentsRepository>
