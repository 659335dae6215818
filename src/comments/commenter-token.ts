// Commenter tokens: signed proof that a returning commenter posted with this email before.
import { createSecretKey, randomBytes } from 'node:crypto'
import { sign, verify } from '../lib/signing.js'
import { avatarHash } from './render.js'

const PURPOSE = 'commenter'

/** How long a commenter token proves an email: one year from the post that issued it. */
export const COMMENTER_TOKEN_DAYS = 365

/** The most characters a `commenterToken` may have: real ones have 199. */
export const COMMENTER_TOKEN_MAX = 500

/**
 * What a post's `commenterToken` proves about its email: `valid` (and its chain holds an
 * approved comment), `unapproved` (a genuine token for this email whose chain has no approved
 * comment: what an impostor gets back from posting as someone), or why it proves nothing.
 */
export type CommenterProof = 'valid' | 'unapproved' | 'missing' | 'invalid' | 'expired' | 'other-email'

/** A presented token read: its proof, and the chain key to carry on (a new one unless valid). */
export interface PresentedToken { proof: Exclude<CommenterProof, 'valid' | 'unapproved'> | 'genuine', key: string }

/**
 * Signs and checks commenter tokens: HMAC-SHA256 (src/lib/signing.ts) over the SHA-256 of the
 * normalised email (the public avatarHash, so the token reveals nothing more), a random chain
 * key and an expiry. Any post gets a token, an impostor's too, so a token alone proves only
 * that its holder posted with that email; trust comes from a comment of the same chain (same
 * key, stored with each comment) having been approved by a moderator.
 */
export function createCommenterTokens (secret: string) {
  const key = createSecretKey(Buffer.from(secret))
  return {
    /** A token for this normalised email and chain, valid COMMENTER_TOKEN_DAYS from `now`. */
    issue (email: string, chain: string, now: Date): string {
      return sign(key, PURPOSE, { h: avatarHash(email), k: chain, x: Math.floor(now.getTime() / 1000) + COMMENTER_TOKEN_DAYS * 86_400 })
    },

    /** Reads a presented token: a genuine one for this email keeps its chain; anything else starts a new one. */
    read (token: string | undefined, email: string, now: Date): PresentedToken {
      const fresh = (proof: PresentedToken['proof']) => ({ proof, key: randomBytes(16).toString('base64url') })
      if (token === undefined || token === '') return fresh('missing')
      const payload = verify(key, PURPOSE, token)
      if (payload === undefined || typeof payload.h !== 'string' || typeof payload.k !== 'string' || typeof payload.x !== 'number') return fresh('invalid')
      if (payload.x * 1000 <= now.getTime()) return fresh('expired')
      if (payload.h !== avatarHash(email)) return fresh('other-email')
      return { proof: 'genuine', key: payload.k }
    }
  }
}

export type CommenterTokens = ReturnType<typeof createCommenterTokens>
