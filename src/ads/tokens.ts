// Signed ad decision tokens: what makes impression and click links unforgeable and single-use.
import { hash, timingSafeEqual } from 'node:crypto'
import { createCache } from '../lib/cache.js'

/** How long an impression link counts, and a click link (from the time the ad was served). */
export const IMPRESSION_TTL_S = 60 * 60
export const CLICK_TTL_S = 24 * 60 * 60

/** One served ad of a decision: slot key, creative id, campaign id. */
export type Placement = [slot: string, creative: number, campaign: number]

/** What an event link names: one placement of one signed decision. */
export interface AdEvent { id: string, issued: number, slot: string, creative: number, campaign: number }

const SEP = '~'
const FIELD = /^[a-z0-9-]{1,64}$/
const INTEGER = /^(?:0|[1-9]\d{0,14})$/
/** 128 bits of tag, base64url. */
const TAG_CHARS = 22

/**
 * Ad decision tokens. One MAC per ad decision, not one per link: the token signs the decision
 * id, the time it was served and every placement, and each click or impression link is that
 * token plus the index of its placement (`<payload>.<tag>.<n>`). An index that names no
 * placement of the signed list is as unknown as a tampered token. Each link counts once: its
 * used-token key is the decision id and the index.
 *
 * The payload is plain text, `id~issued~slot~creative~campaign~slot~…` (slot keys are
 * lower-case letters, digits and hyphens; the rest are integers), so signing a decision
 * builds one short string and no JSON or base64. The tag is SHA3-256 over a per-server key
 * and the payload, cut to 128 bits: SHA-3 has no length extension, so a secret prefix makes
 * it a MAC (the construction KMAC formalises), and a one-shot hash call costs a fraction of
 * an HMAC object, which every serve would otherwise create. The key is derived from the
 * server secret for this purpose alone, so no other signed link (preview links are
 * HMAC-SHA256) can pass for an ad token.
 *
 * The beacons of one page share the signed part: a verified one is remembered (an exact
 * string match only, so nothing unverified is ever trusted), and the second and third
 * beacons of a page skip the hash.
 */
export function createDecisionTokens (secretText: string, rememberMax = 20_000) {
  // Fixed length (64 hex characters), so key and payload cannot be shifted against each other.
  const key = hash('sha3-256', `broadsheet ad-decision key\0${secretText}`, 'hex')
  const tagOf = (payload: string) => hash('sha3-256', key + payload, 'base64url').slice(0, TAG_CHARS)
  const verified = createCache<string, Decision>({ max: rememberMax })

  return {
    sign (id: string, issued: number, placements: Placement[]): string {
      let payload = `${id}${SEP}${issued}`
      for (const [slot, creative, campaign] of placements) payload += `${SEP}${slot}${SEP}${creative}${SEP}${campaign}`
      return `${payload}.${tagOf(payload)}`
    },

    /** The placement a link names, or undefined when the token is not one this server signed. */
    read (token: string): AdEvent | undefined {
      const dot = token.lastIndexOf('.')
      const index = token.slice(dot + 1)
      // One spelling per index (no leading zero), so one link cannot count twice as .0 and .00.
      if (dot <= 0 || !/^(?:0|[1-9]\d?)$/.test(index)) return undefined
      const signed = token.slice(0, dot)
      let decision = verified.get(signed)
      if (decision === undefined) {
        decision = verify(signed, tagOf)
        if (decision === undefined) return undefined
        verified.set(signed, decision)
      }
      const placement = decision.placements[Number(index)]
      if (placement === undefined) return undefined
      return { id: `${decision.id}.${index}`, issued: decision.issued, slot: placement[0], creative: placement[1], campaign: placement[2] }
    }
  }
}

export type DecisionTokens = ReturnType<typeof createDecisionTokens>

interface Decision { id: string, issued: number, placements: Placement[] }

/** The decision of `<payload>.<tag>` when the tag is right and the payload well formed. */
function verify (signed: string, tagOf: (payload: string) => string): Decision | undefined {
  const dot = signed.indexOf('.')
  if (dot <= 0 || signed.length - dot - 1 !== TAG_CHARS) return undefined
  const payload = signed.slice(0, dot)
  const given = Buffer.from(signed.slice(dot + 1))
  const expected = Buffer.from(tagOf(payload))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const fields = payload.split(SEP)
  if (fields.length < 2 || (fields.length - 2) % 3 !== 0 || !FIELD.test(fields[0]!) || !INTEGER.test(fields[1]!)) return undefined
  const placements: Placement[] = []
  for (let i = 2; i < fields.length; i += 3) {
    const [slot, creative, campaign] = [fields[i]!, fields[i + 1]!, fields[i + 2]!]
    if (!FIELD.test(slot) || !INTEGER.test(creative) || !INTEGER.test(campaign)) return undefined
    placements.push([slot, Number(creative), Number(campaign)])
  }
  return { id: fields[0]!, issued: Number(fields[1]), placements }
}
