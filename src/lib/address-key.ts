// The key a client address is counted under by every per-address limit.
import { isIPv6 } from 'node:net'

/**
 * An IPv4 address is its own key; an IPv6 one counts as its /64 (`2001:db8:1:2::/64`), since one
 * subscriber usually holds a whole /64 and could otherwise rotate through its addresses; an
 * IPv4-mapped one (`::ffff:203.0.113.5`) is its IPv4 address, the same client seen through an
 * IPv6 socket. Any spelling of one address (case, leading zeros, `::`, a zone) gives one key.
 */
export function addressKey (ip: string): string {
  if (!ip.includes(':')) return ip
  const groups = ipv6Groups(ip)
  if (!groups) return ip.toLowerCase()
  if (groups[5] === 0xffff && groups.slice(0, 5).every((g) => g === 0)) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address, or undefined when `ip` is not one. */
function ipv6Groups (ip: string): number[] | undefined {
  if (!isIPv6(ip)) return undefined
  // isIPv6 has checked the syntax: at most one '::', and a dotted IPv4 tail only at the end.
  const [head = '', tail] = ip.split('%')[0]!.split('::')
  const left = parseGroups(head)
  const right = tail === undefined ? [] : parseGroups(tail)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

function parseGroups (part: string): number[] {
  if (part === '') return []
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)]
    const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number]
    return [(a << 8) | b, (c << 8) | d]
  })
}
