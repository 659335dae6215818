// Article status changes: draft, scheduled, published, trash, and what each sets.
import type { articles } from '../db/schema.js'
import { FieldError, ForbiddenError } from '../lib/errors.js'
import type { ArticleStatus } from './schemas.js'

type Row = typeof articles.$inferSelect

export interface StatusRequest {
  status?: Exclude<ArticleStatus, 'trashed'> | undefined
  publishAt?: string | null | undefined
  publishedAt?: string | null | undefined
}

export interface StatusColumns {
  status: ArticleStatus
  publishAt: string | null
  publishedAt: string | null
}

/** True when a row is live for the public at `now` (a due scheduled article counts). */
export function isLive (row: Pick<Row, 'status' | 'publishedAt'>, now: string): boolean {
  return (row.status === 'published' || row.status === 'scheduled') && row.publishedAt !== null && row.publishedAt <= now
}

/**
 * The status columns after a change. Scheduling keeps the go-live time in both publish_at
 * and published_at (see src/db/visibility.ts); publishing sets published_at to now unless
 * the article already has a past date (re-publishing keeps the original date) or an editor
 * gives one; leaving the schedule before it went live clears the go-live time.
 */
export function nextStatus (current: Row | undefined, req: StatusRequest, opts: { now: string, mayBackdate: boolean }): StatusColumns {
  const { now } = opts
  if (req.publishedAt !== undefined && !opts.mayBackdate) {
    throw new ForbiddenError('Only editors and admins may set publishedAt; publishing sets it')
  }
  const currentStatus: ArticleStatus = current ? (isLive(current, now) ? 'published' : current.status) : 'draft'
  const status = req.status ?? (currentStatus === 'trashed' ? 'draft' : currentStatus)
  const publishAt = req.publishAt !== undefined ? req.publishAt : (current?.publishAt ?? null)
  // The date an article already went live with, if it ever did.
  const wentLive = current && current.publishedAt !== null && current.publishedAt <= now ? current.publishedAt : null

  switch (status) {
    case 'scheduled': {
      if (publishAt === null) throw new FieldError('publishAt', 'A scheduled article needs publishAt, the time it goes live')
      if (publishAt <= now && (req.status === 'scheduled' || req.publishAt !== undefined)) {
        throw new FieldError('publishAt', 'publishAt must be in the future; to publish now, use status published')
      }
      return { status, publishAt, publishedAt: publishAt }
    }
    case 'published': {
      if (req.publishAt !== undefined && req.publishAt !== null) {
        throw new FieldError('publishAt', 'publishAt is for status scheduled; a published article has publishedAt')
      }
      const publishedAt = req.publishedAt ?? wentLive ?? now
      if (publishedAt > now) throw new FieldError('publishedAt', 'publishedAt of a published article cannot be in the future: schedule it instead')
      return { status, publishAt: null, publishedAt }
    }
    default: {
      if (req.publishAt !== undefined && req.publishAt !== null) {
        throw new FieldError('publishAt', 'publishAt is only for status scheduled')
      }
      const publishedAt = req.publishedAt !== undefined ? req.publishedAt : wentLive
      if (publishedAt !== null && publishedAt > now) throw new FieldError('publishedAt', 'publishedAt cannot be in the future')
      return { status, publishAt: null, publishedAt }
    }
  }
}
