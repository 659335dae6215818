// Who may read and change which article, by role and byline.
import { ForbiddenError } from '../lib/errors.js'
import { aRole, type AuthContext, roleAtLeast } from '../lib/roles.js'

interface Owned { authorId: number | null, status: string }

/** True when the caller may edit any article (editor and admin). */
export function editsAll (auth: AuthContext | null): boolean {
  return auth !== null && roleAtLeast(auth.role, 'editor')
}

/** True when the article's byline is the caller's. */
export function owns (auth: AuthContext | null, article: Owned): boolean {
  return auth !== null && auth.authorId !== null && article.authorId === auth.authorId
}

/** True when the caller may read this article whatever its status. */
export function canReadUnpublished (auth: AuthContext | null, article: Owned): boolean {
  return editsAll(auth) || owns(auth, article)
}

/**
 * Throws 403 unless the caller may change this article: editors and admins any; an author
 * its own; a contributor its own drafts only.
 */
export function assertCanWrite (auth: AuthContext, article: Owned): void {
  if (editsAll(auth)) return
  if (!owns(auth, article)) throw new ForbiddenError(`${aRole(auth.role)} token may only change articles under its own byline`)
  if (auth.role === 'contributor' && article.status !== 'draft') {
    throw new ForbiddenError('A contributor may only change its own drafts')
  }
}

/** Throws 403 when the caller may not move an article to `status`. */
export function assertCanSetStatus (auth: AuthContext, status: string): void {
  if (auth.role === 'contributor' && status !== 'draft') {
    throw new ForbiddenError('A contributor cannot publish, schedule or archive: an editor or the author publishes')
  }
}
