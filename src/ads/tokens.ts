import { createSecretKey } from 'node:crypto'
import { sign, verify } from '../http/signing.js'

/** How long an impression link counts, and a click link (from the time the ad was served). */
export const IMPRESSION_TTL_S = 60 * 60
export const CLICK_TTL_S = 24 * 60 * 60

const PURPOSE = 'ad-decision'

/** One served ad of a decision: slot key, creative id, campaign id. */
export type Placement = [slot: string, creative: number, campaign: number]

/** What an event link names: one placement of one signed decision. */
export interface AdEvent { id: string, issued: number, slot: string, creative: number, campaign: number }

/**
 * One HMAC per ad decision, not one per link: the token signs the decision id, the time it
 * was served and every placement, and each click or impression link is that token plus the
 * index of its placement (`<payload>.<mac>.<n>`). An index that names no placement of the
 * signed list is as unknown as a tampered token. Each link counts once: its used-token key
 * is the decision id and the index.
 *
 * The beacons of one page share the signed part: a verified one is remembered (an exact
 * string match only, so nothing unverified is ever trusted), and the second and third
 * beacons of a page skip the HMAC.
 */
export function createDecisionTokens (secretText: string, rememberMax = 20_000) {
  const secret = createSecretKey(Buffer.from(secretText, 'utf8'))
  const verified = new Map<string, Decision>()
  return {
    sign (id: string, issued: number, placements: Placement[]): string {
      return sign(secret, PURPOSE, { i: id, t: issued, p: placements })
    },

    /** The placement a link names, or undefined when the token is not one this server signed. */
    read (token: string): AdEvent | undefined {
      const dot = token.lastIndexOf('.')
      const index = token.slice(dot + 1)
      if (dot <= 0 || !/^\d{1,2}$/.test(index)) return undefined
      const signed = token.slice(0, dot)
      let decision = verified.get(signed)
      if (decision === undefined) {
        const payload = verify(secret, PURPOSE, signed)
        if (!isDecision(payload)) return undefined
        decision = payload
        if (verified.size >= rememberMax) verified.delete(verified.keys().next().value!)
        verified.set(signed, decision)
      }
      const placement = decision.p[Number(index)]
      if (placement === undefined) return undefined
      return { id: `${decision.i}.${index}`, issued: decision.t, slot: placement[0], creative: placement[1], campaign: placement[2] }
    }
  }
}

export type DecisionTokens = ReturnType<typeof createDecisionTokens>

interface Decision { i: string, t: number, p: Placement[] }

function isDecision (payload: Record<string, unknown> | undefined): payload is Record<string, unknown> & Decision {
  return payload !== undefined && typeof payload.i === 'string' && Number.isInteger(payload.t) && Array.isArray(payload.p) &&
    payload.p.every((p: unknown) => Array.isArray(p) && p.length === 3 && typeof p[0] === 'string' && Number.isInteger(p[1]) && Number.isInteger(p[2]))
}
