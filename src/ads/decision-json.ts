// Writes an ad serve answer from JSON pieces cached per ads snapshot, and the sandbox of html creatives.
import { escapeAttribute } from 'entities'
import type { CreativeRow, SlotRow } from './repository.js'
import type { Snapshot } from './selection.js'

/** Never both allow-scripts and allow-same-origin: together they let a creative lift its own sandbox. */
export const HTML_SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox'
/** Only for a slot that opts in (allowTopNavigation): a click may then take the whole news page elsewhere. */
export const HTML_SANDBOX_TOP_NAVIGATION = `${HTML_SANDBOX} allow-top-navigation-by-user-activation`

/** The sandbox list of an html ad in `slot`. */
export const sandboxOf = (slot: Pick<SlotRow, 'allowTopNavigation'>) => (slot.allowTopNavigation ? HTML_SANDBOX_TOP_NAVIGATION : HTML_SANDBOX)

/** One slot of a serve answer: an unknown or disabled slot has no row; an unfilled one no creative. */
export interface DecisionEntry { key: string, slot: SlotRow | undefined, creative: CreativeRow | undefined }

interface Pieces { slots: Map<string, string>, creatives: Map<number, { head: string, tail: string | undefined }> }

/**
 * Writes the serve answer (the AdDecision schema) as a JSON string from pieces built once per
 * ads snapshot: each slot's description and each creative's fixed fields are serialised the
 * first time they are served and reused until an ads write replaces the snapshot. Only the
 * links (origin, signed token, placement index) and html srcdocs are built per request.
 */
export function createDecisionWriter () {
  const cache = new WeakMap<Snapshot, Pieces>()

  function piecesOf (snapshot: Snapshot): Pieces {
    let pieces = cache.get(snapshot)
    if (!pieces) { pieces = { slots: new Map(), creatives: new Map() }; cache.set(snapshot, pieces) }
    return pieces
  }

  /** `"key":{"slot":{…},"ad":` for an enabled slot. */
  function slotHead (pieces: Pieces, slot: SlotRow): string {
    let json = pieces.slots.get(slot.key)
    if (json === undefined) {
      json = `${JSON.stringify(slot.key)}:{"slot":${JSON.stringify({ key: slot.key, label: slot.label, sizes: slot.sizes, placement: slot.placement, inArticle: slot.inArticle })},"ad":`
      pieces.slots.set(slot.key, json)
    }
    return json
  }

  function adJson (pieces: Pieces, slot: SlotRow, creative: CreativeRow, origin: string, originJson: string, link: string): string {
    let fixed = pieces.creatives.get(creative.id)
    if (!fixed) {
      const head = JSON.stringify({ creativeId: creative.id, campaignId: creative.campaignId, kind: creative.kind, width: creative.width, height: creative.height }).slice(0, -1)
      // An image on this server (a relative URL) is made absolute with each request's origin.
      const tail = creative.kind === 'image' && !creative.imageUrl?.startsWith('/')
        ? JSON.stringify({ image: { src: creative.imageUrl ?? '', alt: creative.alt ?? '' } }).slice(1)
        : undefined
      fixed = { head, tail }
      pieces.creatives.set(creative.id, fixed)
    }
    // Tokens are letters, digits and - ~ . _ only: nothing in a link but the origin needs escaping.
    const links = `,"clickUrl":"${originJson}/v1/ads/click/${link}","impressionUrl":"${originJson}/v1/ads/impression/${link}"`
    if (fixed.tail !== undefined) return `${fixed.head}${links},${fixed.tail}`
    if (creative.kind === 'image') {
      return `${fixed.head}${links},${JSON.stringify({ image: { src: `${origin}${creative.imageUrl}`, alt: creative.alt ?? '' } }).slice(1)}`
    }
    const body = (creative.html ?? '').replaceAll('{{clickUrl}}', escapeAttribute(`${origin}/v1/ads/click/${link}`))
    const srcdoc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>html,body{margin:0;overflow:hidden}</style></head><body>${body}</body></html>`
    return `${fixed.head}${links},${JSON.stringify({ html: { srcdoc, sandbox: sandboxOf(slot) } }).slice(1)}`
  }

  /** The answer for `entries` in order; `token` is the signed decision, each ad's link adds its index. */
  return function write (snapshot: Snapshot, entries: DecisionEntry[], origin: string, token: string): string {
    const pieces = piecesOf(snapshot)
    const originJson = JSON.stringify(origin).slice(1, -1)
    let placement = 0
    let json = '{"slots":{'
    for (const [i, { key, slot, creative }] of entries.entries()) {
      if (i > 0) json += ','
      if (!slot) { json += `${JSON.stringify(key)}:null`; continue }
      json += slotHead(pieces, slot)
      json += creative ? adJson(pieces, slot, creative, origin, originJson, `${token}.${placement++}`) : 'null'
      json += '}'
    }
    return json + '}}'
  }
}
