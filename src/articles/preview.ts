// Signed preview links that show one unpublished article until they expire.
import { sign, verify } from '../lib/signing.js'

const PURPOSE = 'article-preview'

/**
 * A signed token that shows one article, whatever its status, until `expiresAt`, for as long
 * as the API token that asked for it (`tokenId`) is not revoked.
 */
export function previewToken (secret: string, articleId: number, expiresAt: Date, tokenId: number): string {
  return sign(secret, PURPOSE, { a: articleId, e: Math.floor(expiresAt.getTime() / 1000), t: tokenId })
}

/**
 * True when the token was made for this article by this server, has not expired and its
 * issuing API token is still live. A token without an issuer (made before preview links named
 * one) is refused: it could never be revoked, and a new link is one request away.
 */
export async function previewAllows (secret: string, token: string, articleId: number, now: Date, tokenIsLive: (tokenId: number) => Promise<boolean>): Promise<boolean> {
  const payload = verify(secret, PURPOSE, token)
  return payload !== undefined && payload.a === articleId && typeof payload.e === 'number' && payload.e * 1000 > now.getTime() &&
    Number.isSafeInteger(payload.t) && await tokenIsLive(payload.t as number)
}
