// The environment variables, validated by one zod schema into the typed Config.
import { isIP } from 'node:net'
import { z } from 'zod'

const booleanString = (fallback: boolean) =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)))

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '')
  } catch {
    return false
  }
}, { error: (issue) => `"${String(issue.input)}" is not an origin such as https://news.example.com` })

/** A postgres:// URL node-postgres can use: a host, and a port if given that is a number. */
function isPostgresUrl (value: string): boolean {
  try {
    const url = new URL(value)
    return url.hostname !== '' || url.searchParams.has('host')
  } catch {
    return false
  }
}

const TRUST_PROXY_RULE = 'must be false, true, a hop count (a positive integer) or a comma list of IP addresses or CIDRs such as 10.0.0.0/8,::1'

/** One BROADSHEET_TRUST_PROXY list item: an IP, an IP/prefix, or a @fastify/proxy-addr preset name. */
function isProxyAddress (item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true
  const [address = '', prefix, extra] = item.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

/** false, true, a hop count or a list of addresses, as Fastify's trustProxy takes them. */
const trustProxy = z.string().optional().transform((value, ctx): boolean | number | string[] => {
  if (value === undefined || value.trim() === 'false') return false
  if (value.trim() === 'true') return true
  if (/^\s*\d+\s*$/.test(value)) {
    const hops = Number(value)
    if (hops >= 1 && Number.isSafeInteger(hops)) return hops
  } else {
    const list = value.split(',').map((s) => s.trim()).filter(Boolean)
    if (list.length > 0 && list.every(isProxyAddress)) return list
  }
  ctx.addIssue({ code: 'custom', message: TRUST_PROXY_RULE })
  return z.NEVER
})

/** The environment variables Broadsheet reads, validated once at start-up. */
export const EnvSchema = z.object({
  PORT: z.coerce.number({ error: 'must be an integer between 0 and 65535' })
    .int('must be an integer between 0 and 65535').min(0, 'must be an integer between 0 and 65535').max(65535, 'must be an integer between 0 and 65535')
    .default(3000),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: z.string().trim().min(1, 'must not be empty').default('./data/broadsheet.db')
    .refine((v) => !v.startsWith('file:') || v.length > 5, 'a file: URL needs a path')
    .refine((v) => !/^postgres(?:ql)?:\/\//i.test(v) || isPostgresUrl(v), 'is not a valid postgres:// URL (postgres://user:password@host:5432/database)'),
  BROADSHEET_PG_POOL: z.coerce.number({ error: 'must be an integer from 1 to 1000' })
    .int('must be an integer from 1 to 1000').min(1, 'must be an integer from 1 to 1000').max(1000, 'must be an integer from 1 to 1000')
    .default(10)
    .describe('PostgreSQL only: the most connections each process keeps open to the database.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent'
  }).default('info'),
  CORS_ORIGINS: z.string().default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin)),
  BROADSHEET_TRUST_PROXY: trustProxy.describe(
    'Which peers may tell the client address, scheme and host (X-Forwarded-For/-Proto/-Host). ' +
    'Behind a proxy or CDN without it every client has the proxy\'s address, so about 20 bad tokens a minute from anyone ' +
    'answer 429 to every token-bearing request of the newsroom, comment posts are limited to 5 a minute for the whole site ' +
    'and ad events to 600. Prefer the proxies\' addresses or CIDRs. A hop count n trusts the n nearest peers whoever ' +
    'they are: only when Broadsheet is reachable through the proxies alone. true takes the first X-Forwarded-For entry, ' +
    'which a client writes itself unless the proxy replaces the header rather than appending to it.'),
  BROADSHEET_PUBLIC_URL: origin.optional().transform((v) => (v === undefined ? undefined : new URL(v).origin)).describe(
    'The origin clients reach Broadsheet at (https://news.example.com): every absolute link (ad clicks, impressions, ' +
    'images) starts with it, never with a Host header a client chose. Unset, links use the request\'s scheme and host ' +
    '(those of a trusted proxy); set it in production.'),
  BROADSHEET_BOOTSTRAP_TOKEN: z.string().trim()
    .min(24, 'must be at least 24 characters (use a random secret)')
    .max(200, 'must be at most 200 characters')
    .optional(),
  BROADSHEET_SECRET: z.string().trim()
    .min(32, 'must be at least 32 characters (use a random secret)')
    .optional(),
  BROADSHEET_DEMO: booleanString(true),
  BROADSHEET_DEMO_SITE: booleanString(true),
  BROADSHEET_AD_FLUSH_SECONDS: z.coerce.number({ error: 'must be a number of seconds from 1 to 300' })
    .min(1, 'must be a number of seconds from 1 to 300').max(300, 'must be a number of seconds from 1 to 300').default(5),
  BROADSHEET_AD_EVENTS_PER_MINUTE: z.coerce.number({ error: 'must be a positive integer' })
    .int('must be a positive integer').min(1, 'must be a positive integer').default(600),
  // One serve call per page view: 10 a second per address still covers a newsroom behind one NAT.
  BROADSHEET_AD_SERVES_PER_MINUTE: z.coerce.number({ error: 'must be a positive integer' })
    .int('must be a positive integer').min(1, 'must be a positive integer').default(600),
  BROADSHEET_AUTH_FAILURES_PER_MINUTE: z.coerce.number({ error: 'must be a positive integer' })
    .int('must be a positive integer').min(1, 'must be a positive integer').default(20),
  BROADSHEET_EXPENSIVE_READS_PER_MINUTE: z.coerce.number({ error: 'must be a positive integer' })
    .int('must be a positive integer').min(1, 'must be a positive integer').default(120),
  // 0 turns the response cache off: behind a CDN that caches, or to measure uncached answers.
  BROADSHEET_RESPONSE_CACHE_MB: z.coerce.number({ error: 'must be a number of megabytes from 0 to 4096' })
    .int('must be a number of megabytes from 0 to 4096').min(0, 'must be a number of megabytes from 0 to 4096').max(4096, 'must be a number of megabytes from 0 to 4096').default(24),
  // Which CDN purge headers public answers carry: Surrogate-Key (Fastly, Varnish xkey), Cache-Tag (Cloudflare).
  BROADSHEET_CACHE_KEY_HEADERS: z.enum(['both', 'surrogate-key', 'cache-tag', 'none'], { error: 'must be one of both, surrogate-key, cache-tag, none' }).default('both'),
  // Read only to warn about production set-ups that are unsafe, never to change behaviour.
  NODE_ENV: z.string().trim().default('development'),
  BROADSHEET_SEARCH_WINDOW: z.coerce.number({ error: 'must be an integer from 1 to 100000' })
    .int('must be an integer from 1 to 100000').min(1, 'must be an integer from 1 to 100000').max(100_000, 'must be an integer from 1 to 100000')
    .default(5000)
})

/** The typed configuration: EnvSchema mapped to camelCase names. */
export const ConfigSchema = EnvSchema.transform((e) => ({
  port: e.PORT,
  host: e.HOST,
  databaseUrl: e.DATABASE_URL,
  pgPoolSize: e.BROADSHEET_PG_POOL,
  logLevel: e.LOG_LEVEL,
  corsOrigins: e.CORS_ORIGINS,
  trustProxy: e.BROADSHEET_TRUST_PROXY,
  publicUrl: e.BROADSHEET_PUBLIC_URL,
  bootstrapToken: e.BROADSHEET_BOOTSTRAP_TOKEN,
  secret: e.BROADSHEET_SECRET,
  demo: e.BROADSHEET_DEMO,
  demoSite: e.BROADSHEET_DEMO_SITE,
  authFailuresPerMinute: e.BROADSHEET_AUTH_FAILURES_PER_MINUTE,
  adFlushSeconds: e.BROADSHEET_AD_FLUSH_SECONDS,
  adEventsPerMinute: e.BROADSHEET_AD_EVENTS_PER_MINUTE,
  adServesPerMinute: e.BROADSHEET_AD_SERVES_PER_MINUTE,
  searchWindow: e.BROADSHEET_SEARCH_WINDOW,
  expensiveReadsPerMinute: e.BROADSHEET_EXPENSIVE_READS_PER_MINUTE,
  responseCacheMb: e.BROADSHEET_RESPONSE_CACHE_MB,
  cacheKeyHeaders: e.BROADSHEET_CACHE_KEY_HEADERS,
  nodeEnv: e.NODE_ENV
}))

export type Config = z.output<typeof ConfigSchema>

/** Raised when the environment holds a bad value; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses an environment object (process.env in production) into a Config, or throws ConfigError. */
export function loadConfig (env: Record<string, string | undefined>): Config {
  const picked: Record<string, string | undefined> = {}
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key]
    // An empty or blank variable means "not set", as shells and .env files usually intend.
    picked[key] = value === undefined || value.trim() === '' ? undefined : value
  }
  const result = ConfigSchema.safeParse(picked)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const variable = String(issue.path[0] ?? 'environment')
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}`)
  }
  return result.data
}
