// The shapes a comment row is answered in: public, just posted, and for moderators.
import { commentHtml } from './render.js'
import type { CommentRow } from './repository.js'

/** The public shape of a comment: never the email, IP or user agent. */
export function publicComment (row: CommentRow) {
  return {
    id: row.id,
    articleId: row.articleId,
    parentId: row.parentId,
    authorName: row.authorName,
    authorUrl: row.authorUrl,
    avatarHash: row.avatarHash,
    body: row.body,
    html: commentHtml(row.body),
    createdAt: row.createdAt
  }
}

/**
 * The answer to a post: the public shape, whether it shows now (spam is answered as pending)
 * and the commenter token for the next post.
 */
export function postedComment (row: CommentRow, commenterToken: string) {
  // A key added to the built object stays on V8's fast path; a spread plus a key did not.
  const comment: ReturnType<typeof publicComment> & { status?: 'approved' | 'pending', commenterToken?: string } = publicComment(row)
  comment.status = row.status === 'approved' ? 'approved' : 'pending'
  comment.commenterToken = commenterToken
  return comment as Required<typeof comment>
}

/** The moderators' shape: email, IP, user agent and flags too (the commenter key stays inside). */
export function moderationComment (row: CommentRow) {
  return { ...publicComment(row), status: row.status, authorEmail: row.authorEmail, ip: row.ip, userAgent: row.userAgent, flags: row.flags ?? [], updatedAt: row.updatedAt }
}
