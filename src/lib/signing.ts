// Compact HMAC-signed tokens (preview links, commenter tokens).
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto'

/**
 * Compact signed tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256). Used for
 * preview links and commenter tokens (ad links have their own scheme, src/ads/tokens.ts);
 * `purpose` keeps one kind from being accepted as another. A hot signer passes a KeyObject
 * made once (createSecretKey): the same MAC as the string, without importing the key on
 * every call.
 */
export function sign (secret: string | KeyObject, purpose: string, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const mac = createHmac('sha256', secret).update(`${purpose}.${body}`).digest('base64url')
  return `${body}.${mac}`
}

/** The payload of a token made by sign() with the same secret and purpose, or undefined. */
export function verify (secret: string | KeyObject, purpose: string, token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.')
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined
  const body = token.slice(0, dot)
  const given = Buffer.from(token.slice(dot + 1), 'base64url')
  const expected = createHmac('sha256', secret).update(`${purpose}.${body}`).digest()
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}
