import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t from 'tap'
import { ConfigError, EnvSchema, loadConfig } from '../src/config.js'
import { databasePath, openDatabase } from '../src/db/client.js'
import { runNode, tempDir } from './helper.js'

t.test('loadConfig with an empty environment → the documented defaults', async (t) => {
  const config = loadConfig({})
  t.match(config, {
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: './data/broadsheet.db',
    pgPoolSize: 10,
    logLevel: 'info',
    corsOrigins: [],
    bootstrapToken: undefined,
    secret: undefined,
    demo: true,
    authFailuresPerMinute: 20,
    adEventsPerMinute: 600,
    adServesPerMinute: 600,
    searchWindow: 5000,
    expensiveReadsPerMinute: 120,
    cacheKeyHeaders: 'both',
    trustProxy: false,
    publicUrl: undefined
  })
})

t.test('loadConfig treats a blank PORT as unset, never as port 0', async (t) => {
  t.equal(loadConfig({ PORT: '  ' }).port, 3000)
})

t.test('loadConfig treats an empty variable as unset', async (t) => {
  const config = loadConfig({
    PORT: '',
    HOST: '',
    DATABASE_URL: '',
    LOG_LEVEL: '',
    CORS_ORIGINS: '',
    BROADSHEET_BOOTSTRAP_TOKEN: '',
    BROADSHEET_SECRET: '',
    BROADSHEET_DEMO: ''
  })
  t.match(config, {
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: './data/broadsheet.db',
    logLevel: 'info',
    corsOrigins: [],
    bootstrapToken: undefined,
    secret: undefined,
    demo: true
  })
})

t.test('loadConfig reads good values and ignores unrelated variables', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'warn',
    CORS_ORIGINS: 'https://news.example.com, http://localhost:5173',
    BROADSHEET_BOOTSTRAP_TOKEN: 'a'.repeat(24),
    BROADSHEET_SECRET: 's'.repeat(32),
    BROADSHEET_DEMO: 'false',
    BROADSHEET_AD_FLUSH_SECONDS: '2',
    BROADSHEET_AD_EVENTS_PER_MINUTE: '100',
    BROADSHEET_AD_SERVES_PER_MINUTE: '120',
    BROADSHEET_SEARCH_WINDOW: '2000',
    BROADSHEET_EXPENSIVE_READS_PER_MINUTE: '30',
    BROADSHEET_PG_POOL: '25',
    BROADSHEET_RESPONSE_CACHE_MB: '64',
    BROADSHEET_CACHE_KEY_HEADERS: 'cache-tag',
    NODE_ENV: 'production',
    UNRELATED: 'whatever'
  })
  t.same(config, {
    port: 8080,
    host: '0.0.0.0',
    databaseUrl: ':memory:',
    pgPoolSize: 25,
    logLevel: 'warn',
    corsOrigins: ['https://news.example.com', 'http://localhost:5173'],
    bootstrapToken: 'a'.repeat(24),
    secret: 's'.repeat(32),
    trustProxy: false,
    publicUrl: undefined,
    demo: false,
    demoSite: true,
    authFailuresPerMinute: 20,
    adFlushSeconds: 2,
    adEventsPerMinute: 100,
    adServesPerMinute: 120,
    searchWindow: 2000,
    expensiveReadsPerMinute: 30,
    responseCacheMb: 64,
    cacheKeyHeaders: 'cache-tag',
    nodeEnv: 'production'
  })
})

const badValues: Array<[variable: string, value: string]> = [
  ['PORT', 'abc'],
  ['PORT', '70000'],
  ['PORT', '80.5'],
  ['LOG_LEVEL', 'loud'],
  ['BROADSHEET_AD_FLUSH_SECONDS', '0'],
  ['BROADSHEET_AD_EVENTS_PER_MINUTE', 'many'],
  ['BROADSHEET_AD_SERVES_PER_MINUTE', '0'],
  ['BROADSHEET_AD_SERVES_PER_MINUTE', '2.5'],
  ['BROADSHEET_AD_SERVES_PER_MINUTE', 'lots'],
  ['BROADSHEET_SEARCH_WINDOW', '0'],
  ['BROADSHEET_SEARCH_WINDOW', '100001'],
  ['BROADSHEET_SEARCH_WINDOW', 'all'],
  ['BROADSHEET_PG_POOL', '0'],
  ['BROADSHEET_PG_POOL', '1001'],
  ['BROADSHEET_PG_POOL', 'ten'],
  ['DATABASE_URL', 'postgres://'],
  ['DATABASE_URL', 'postgresql://user:pw@[broken/db'],
  ['BROADSHEET_EXPENSIVE_READS_PER_MINUTE', '0'],
  ['BROADSHEET_EXPENSIVE_READS_PER_MINUTE', '2.5'],
  ['BROADSHEET_EXPENSIVE_READS_PER_MINUTE', 'lots'],
  ['BROADSHEET_RESPONSE_CACHE_MB', '-1'],
  ['BROADSHEET_RESPONSE_CACHE_MB', '4097'],
  ['BROADSHEET_RESPONSE_CACHE_MB', '1.5'],
  ['BROADSHEET_CACHE_KEY_HEADERS', 'xkey'],
  ['CORS_ORIGINS', 'notaurl'],
  ['CORS_ORIGINS', 'https://news.example.com,notaurl'],
  ['BROADSHEET_BOOTSTRAP_TOKEN', 'short-secret'],
  ['BROADSHEET_SECRET', 'too-short-to-sign-links'],
  ['BROADSHEET_DEMO', 'maybe'],
  ['BROADSHEET_TRUST_PROXY', 'yes'],
  ['BROADSHEET_TRUST_PROXY', '0'],
  ['BROADSHEET_TRUST_PROXY', '1.5'],
  ['BROADSHEET_TRUST_PROXY', '10.0.0.0/33'],
  ['BROADSHEET_TRUST_PROXY', '10.0.0.1,proxy.internal'],
  ['BROADSHEET_TRUST_PROXY', '::1/129'],
  ['BROADSHEET_PUBLIC_URL', 'news.example.com'],
  ['BROADSHEET_PUBLIC_URL', 'ftp://news.example.com'],
  ['BROADSHEET_PUBLIC_URL', 'https://news.example.com/cms']
]

for (const [variable, value] of badValues) {
  t.test(`loadConfig with ${variable}=${JSON.stringify(value)} → ConfigError naming ${variable} in one line`, async (t) => {
    let caught: unknown
    try {
      loadConfig({ [variable]: value })
    } catch (err) {
      caught = err
    }
    t.type(caught, ConfigError)
    const message = (caught as Error | undefined)?.message ?? ''
    t.ok(message.startsWith(`Invalid configuration: ${variable} `), `message names ${variable}: ${message}`)
    t.notMatch(message, /[\r\n]/, 'message is a single line')
    t.equal(message.split(variable).length - 1, 1, 'the variable is named once, not repeated')
  })
}

t.test('the real server with an unreachable PostgreSQL exits 1 with one line naming DATABASE_URL, never the password', async (t) => {
  const run = await runNode('src/server.ts', [], { DATABASE_URL: 'postgres://news:hunter2-secret@127.0.0.1:1/news', LOG_LEVEL: 'silent' })
  t.equal(run.signal, null, 'it exited by itself, not by the timeout')
  t.equal(run.code, 1)
  const lines = run.stderr.split('\n').filter((line) => line !== '')
  t.equal(lines.length, 1, `stderr is one line: ${JSON.stringify(run.stderr)}`)
  t.match(lines[0], /^DATABASE_URL postgres:\/\/news:\*\*\*@127\.0\.0\.1:1\/news: cannot connect: /)
  t.notMatch(run.stderr + run.stdout, /hunter2/, 'the password appears nowhere')
})

t.test('the real server with PORT=abc exits 1 with one line on stderr naming PORT', async (t) => {
  const run = await runNode('src/server.ts', [], { PORT: 'abc', DATABASE_URL: ':memory:', LOG_LEVEL: 'silent' })
  t.equal(run.signal, null, 'it exited by itself, not by the timeout')
  t.equal(run.code, 1)
  const lines = run.stderr.split('\n').filter((line) => line !== '')
  t.equal(lines.length, 1, `stderr is one line: ${JSON.stringify(run.stderr)}`)
  t.match(lines[0], /^Invalid configuration: PORT /)
  t.equal(run.stdout, '')
})

t.test('BROADSHEET_TRUST_PROXY takes false, true, a hop count or a list of addresses and CIDRs, as Fastify\'s trustProxy', async (t) => {
  const trust = (value: string) => loadConfig({ BROADSHEET_TRUST_PROXY: value }).trustProxy
  t.equal(trust('false'), false)
  t.equal(trust('true'), true)
  t.equal(trust('2'), 2)
  t.same(trust('10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,loopback'), ['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', 'loopback'])
  t.match(EnvSchema.shape.BROADSHEET_TRUST_PROXY.description, /429 to every token-bearing request/, 'its description names the failure it prevents')
})

t.test('BROADSHEET_PUBLIC_URL is an http(s) origin; a trailing slash is dropped', async (t) => {
  t.equal(loadConfig({ BROADSHEET_PUBLIC_URL: 'https://news.example.com/' }).publicUrl, 'https://news.example.com')
  t.equal(loadConfig({ BROADSHEET_PUBLIC_URL: 'http://127.0.0.1:3000' }).publicUrl, 'http://127.0.0.1:3000')
})

t.test('databasePath maps DATABASE_URL forms to what better-sqlite3 opens', async (t) => {
  t.equal(databasePath(':memory:'), ':memory:')
  t.equal(databasePath('file::memory:'), ':memory:')
  t.equal(databasePath('file:relative.db'), resolve('relative.db'))
  t.equal(databasePath('file:///tmp/x.db'), '/tmp/x.db')
  t.equal(databasePath('file:///tmp/x.db?mode=ro'), '/tmp/x.db', 'a query string is not part of the path')
  t.equal(databasePath('data/plain.db'), resolve('data/plain.db'))
})

t.test('openDatabase creates missing parent folders and sets WAL, foreign keys, a busy timeout and a 32 MiB page cache', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'nested', 'deeper', 'broadsheet.db')
  const db = openDatabase(file)
  t.teardown(() => { db.$client.close() })
  t.ok(existsSync(file), 'the database file exists')
  t.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal')
  t.equal(db.$client.pragma('foreign_keys', { simple: true }), 1)
  t.equal(db.$client.pragma('busy_timeout', { simple: true }), 5000)
  t.equal(db.$client.pragma('cache_size', { simple: true }), -32768)
})

t.test('openDatabase accepts a file: URL and creates its folders too', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'from-url', 'broadsheet.db')
  const db = openDatabase(`file://${file}`)
  t.teardown(() => { db.$client.close() })
  t.ok(existsSync(file))
  t.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal')
})
