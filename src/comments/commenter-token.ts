import { createSecretKey } from 'node:crypto'
import { sign, verify } from '../http/signing.js'
import { avatarHash } from './render.js'

const PURPOSE = 'commenter'

/** How long a commenter token proves an email: one year from the post that issued it. */
export const COMMENTER_TOKEN_DAYS = 365

/** The most characters a `commenterToken` may have: real ones are about 140. */
export const COMMENTER_TOKEN_MAX = 500

/** What a post's `commenterToken` proves about its email. */
export type CommenterProof = 'valid' | 'missing' | 'invalid' | 'expired' | 'other-email'

/**
 * Signs and checks commenter tokens: HMAC-SHA256 (src/http/signing.ts) over the SHA-256 of the
 * normalised email (the public avatarHash, so the token reveals nothing more) and an expiry.
 * Only the server secret can make one, so a token is proof that this browser posted as that
 * email before; an email alone, learnable from avatarHash, is not.
 */
export function createCommenterTokens (secret: string) {
  const key = createSecretKey(Buffer.from(secret))
  return {
    /** A token for this normalised email, valid COMMENTER_TOKEN_DAYS from `now`. */
    issue (email: string, now: Date): string {
      return sign(key, PURPOSE, { h: avatarHash(email), x: Math.floor(now.getTime() / 1000) + COMMENTER_TOKEN_DAYS * 86_400 })
    },

    /** Whether `token` was issued by this server for this normalised email and is still valid. */
    check (token: string | undefined, email: string, now: Date): CommenterProof {
      if (token === undefined || token === '') return 'missing'
      const payload = verify(key, PURPOSE, token)
      if (payload === undefined || typeof payload.h !== 'string' || typeof payload.x !== 'number') return 'invalid'
      if (payload.x * 1000 <= now.getTime()) return 'expired'
      return payload.h === avatarHash(email) ? 'valid' : 'other-email'
    }
  }
}

export type CommenterTokens = ReturnType<typeof createCommenterTokens>
