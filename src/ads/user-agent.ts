import Bowser from 'bowser'
import { isbot } from 'isbot'
import type { Device } from './selection.js'
import { setBounded } from '../http/bounded-map.js'

/**
 * A function of the User-Agent string, remembered for the last `max` strings: parsing a UA
 * (Bowser) or matching isbot's large expression is the costly part of a serve or a beacon,
 * and the same few strings come back all day.
 */
function byUserAgent<T> (compute: (ua: string) => T, max = 5000): (ua: string) => T {
  const seen = new Map<string, T>()
  return (ua) => {
    let value = seen.get(ua)
    if (value === undefined) {
      value = compute(ua)
      setBounded(seen, ua, value, max)
    }
    return value
  }
}

/** The device class of a User-Agent for targeting: mobile, tablet, else desktop. */
export const deviceOf = byUserAgent((ua): Device => {
  const type = Bowser.parse(ua).platform.type
  return type === 'mobile' || type === 'tablet' ? type : 'desktop'
})

/** True for a known bot (isbot). */
export const isBot = byUserAgent((ua) => isbot(ua))
