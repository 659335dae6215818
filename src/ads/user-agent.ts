// Device class and bot verdict of a User-Agent, remembered per string.
import Bowser from 'bowser'
import { isbot } from 'isbot'
import type { Device } from './selection.js'
import { createCache } from '../lib/cache.js'
import { headerText } from '../lib/header-text.js'

/**
 * A function of the User-Agent string, remembered for the last `max` strings: parsing a UA
 * (Bowser) or matching isbot's large expression is the costly part of a serve or a beacon,
 * and the same few strings come back all day.
 */
function byUserAgent<T extends {}> (compute: (ua: string) => T, max = 5000): (header: string | string[] | undefined) => T {
  const seen = createCache<string, T>({ max })
  return (header) => {
    // Real User-Agents fit in 512 characters; a longer one must not make 5000 huge cache keys.
    const ua = headerText(header, 512)
    let value = seen.get(ua)
    if (value === undefined) {
      value = compute(ua)
      seen.set(ua, value)
    }
    return value
  }
}

/** The device class of a User-Agent for targeting: mobile, tablet, else desktop. */
export const deviceOf = byUserAgent((ua): Device => {
  // Bowser throws on an empty string; a client that names no device gets the default.
  if (ua.trim() === '') return 'desktop'
  const type = Bowser.parse(ua).platform.type
  return type === 'mobile' || type === 'tablet' ? type : 'desktop'
})

/** True for a known bot (isbot); no User-Agent at all is not a known bot (callers decide). */
export const isBot = byUserAgent((ua) => isbot(ua))
