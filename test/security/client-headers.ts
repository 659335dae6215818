// The request headers that clients, renderers, load tools and proxies fill in as they like,
// and the odd values they send: shared by client-headers.test.ts and fuzz.test.ts.

export type HeaderValue = string | string[] | undefined

/** The client-controlled headers the app or its plugins read (issue 17, bug 1). */
export const CLIENT_HEADERS = ['user-agent', 'referer', 'accept-language', 'origin', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto'] as const
export const HUGE = 8 * 1024 + 1

/** A value of this header's own grammar, but broken. */
const MALFORMED: Record<typeof CLIENT_HEADERS[number], string> = {
  'user-agent': 'Mozilla/5.0 (',
  referer: 'http://[::1',
  'accept-language': '*;q=2,,;q=,en-',
  origin: 'null',
  'x-forwarded-for': 'unknown, ::ffff:999.1.1.1, 10.0.0.1:80, , [::1]',
  'x-forwarded-host': 'evil.example:99999/../x',
  'x-forwarded-proto': 'javascript'
}

/** The header variants: absent (undefined), empty, huge, non-ASCII, latin-1, control bytes, repeated, malformed. */
export function headerVariants (name: typeof CLIENT_HEADERS[number]): Array<[label: string, value: HeaderValue]> {
  return [
    ['absent', undefined],
    ['empty', ''],
    ['whitespace', '   '],
    ['huge', name === 'x-forwarded-for' ? '203.0.113.7, '.repeat(Math.ceil(HUGE / 13)) : 'A'.repeat(HUGE)],
    ['non-ASCII', 'ñandú 日本語 💥 الصفحة'],
    ['latin-1', '\u00e9t\u00e9 \u00ff\u00fe \u00a0'],
    ['control', 'a\u0001\u007fb\tc\u001b[0m'],
    ['repeated', ['one', 'two, three']],
    ['malformed', MALFORMED[name]]
  ]
}

/** Headers for inject: an absent user-agent must be named undefined, or light-my-request adds its own. */
export function withHeader (headers: Record<string, HeaderValue>, name: string, value: HeaderValue): Record<string, HeaderValue> {
  if (value === undefined) return name === 'user-agent' ? { ...headers, [name]: undefined } : { ...headers }
  return { ...headers, [name]: value }
}
