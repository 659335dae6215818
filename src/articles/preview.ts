import { sign, verify } from '../http/signing.js'

const PURPOSE = 'article-preview'

/** A signed token that shows one article, whatever its status, until `expiresAt`. */
export function previewToken (secret: string, articleId: number, expiresAt: Date): string {
  return sign(secret, PURPOSE, { a: articleId, e: Math.floor(expiresAt.getTime() / 1000) })
}

/** True when the token was made for this article by this server and has not expired. */
export function previewAllows (secret: string, token: string, articleId: number, now: Date): boolean {
  const payload = verify(secret, PURPOSE, token)
  return payload !== undefined && payload.a === articleId && typeof payload.e === 'number' && payload.e * 1000 > now.getTime()
}
