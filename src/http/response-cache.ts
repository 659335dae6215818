// The response cache: serialized public answers kept in memory until the content changes.
import fp from 'fastify-plugin'
import { sql } from 'drizzle-orm'
import { addRouteHook } from './route-hooks.js'
import { etagMatches, varyOnAuthorization } from './caching.js'
import { uniqueKeys } from './dependencies.js'
import { createCacheKeyOf, knownQueryKeys } from './cache-key.js'
import { createCache } from '../lib/cache.js'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anonymous 200 answers of this GET route may be kept in the response cache. */
    publicCache?: boolean
    /** A write that changes nothing a public read shows (an impression beacon). */
    cacheNeutral?: boolean
    /**
     * A write that never schedules, publishes or unpublishes an article (comments): the next
     * go-live time read before it still holds, so it is not read again after each such write.
     */
    scheduleNeutral?: boolean
  }
  interface FastifyRequest {
    /** Set by a write route when this request changed nothing public (a comment held for moderation). */
    contentUnchanged: boolean
  }
  interface FastifyInstance {
    /** Drops every cached public answer: call after a write made outside an HTTP request. */
    contentChanged: () => void
    /** Changes whenever content may have changed (API writes, other processes' commits). */
    contentVersion: () => string
    /**
     * Changes whenever a write may have changed what dependency key `key` names (a write that
     * dropped it, one that named no keys, another process's commit): for data kept per key.
     */
    keyVersion: (key: string) => string
  }
}

/** A kept answer: `shows` its dependency keys (null: it depends on every write). */
interface Entry { body: Buffer, etag: string, contentType: string, cacheControl: string, shows: string[] | null, keyHeaders: KeyHeaders | undefined, version: string, until: number }
/** The Surrogate-Key and Cache-Tag values the answer was sent with, sent again as they are. */
interface KeyHeaders { surrogateKey: unknown, cacheTag: unknown }
/** What the lookup saw, for the store: the version, the last keyed drop, the version's end, and the request's cache key. */
interface Seen { version: string, dropped: number, until: number, key: string }
/** The index key of answers that name no dependency keys: every keyed drop drops them too. */
const UNKEYED = '\u0000'
/** How many keyed drops are remembered, to tell whether one happened while a read was built. */
const RECENT_DROPS = 256

const HIT = Symbol('response-cache-hit')
/** Set on the request that builds an answer others wait for (single flight). */
const LEADER = Symbol('response-cache-leader')
/** An answer being built for a cache key: requests for the key meanwhile wait for it. */
interface Flight { promise: Promise<Entry | undefined>, settle: (entry: Entry | undefined) => void, waiting: number }
/** How stale another process's commit may look: at most this long. */
export const DATA_VERSION_POLL_MS = 100
const VERSION = Symbol('response-cache-version')
const REFRESH = Symbol('response-cache-refresh')
/** How many URLs read once are remembered, waiting for a second read (the doorkeeper). */
export const ADMISSION_WINDOW = 4096

/**
 * A bounded in-memory cache of public reads: the serialized answer, its ETag and headers,
 * per URL (its path and known query parameters: see cache-key.ts), for anonymous GETs of
 * routes marked `config.publicCache`. An answer names what it shows (dependsOn) and a write
 * what it changed (changed): the write drops exactly the answers that show any of its keys,
 * and answers that name none. A write that names nothing, and any commit by another process
 * (SQLite's data_version, within DATA_VERSION_POLL_MS), drop every answer.
 * The clock is part of the key too: an answer stays valid only until the next scheduled
 * article goes live.
 *
 * An answer is stored on its URL's second read among the last ADMISSION_WINDOW URLs read once
 * (TinyLFU's doorkeeper), or at once when its URL was cached before the last write: reads that
 * come once (a crawler walking the archive, the long tail of old articles) neither push the
 * hot pages out nor churn memory with answers no one asks for again.
 */
export const responseCachePlugin = fp(async function responseCachePlugin (app, opts: { maxEntries?: number, maxBytes?: number }) {
  const maxEntries = opts.maxEntries ?? 5000
  // 24 MB (BROADSHEET_RESPONSE_CACHE_MB): thousands of a site's hot answers, with room left
  // beside SQLite's page cache in the server's memory budget.
  const maxBytes = opts.maxBytes ?? 24 * 1024 * 1024
  // The least recently used answers go first past either bound.
  // lru-cache needs a positive size; with 0 (the cache off) no route stores anything in it.
  const entries = createCache<string, Entry>({ max: maxEntries, maxBytes: Math.max(1, maxBytes), sizeOf: (entry) => entry.body.length, onDrop: unindex })
  // The URLs of the kept answers that show each dependency key.
  const byKey = new Map<string, Set<string>>()
  function unindex (entry: Entry, url: string) {
    for (const key of entry.shows ?? [UNKEYED]) {
      const urls = byKey.get(key)
      if (urls?.delete(url) && urls.size === 0) byKey.delete(key)
    }
  }
  function index (entry: Entry, url: string) {
    for (const key of entry.shows ?? [UNKEYED]) {
      const urls = byKey.get(key)
      if (urls) urls.add(url)
      else byKey.set(key, new Set([url]))
    }
  }
  // Every write (the content version of memos), and the writes that dropped every answer.
  let writes = 0
  let clears = 0
  const database = app.database
  // SQLite's data_version moves when another connection (the import CLI, another process)
  // commits. PostgreSQL has no such counter; other processes' writes there are issue 20
  // (LISTEN/NOTIFY), so until then only this process's writes move the version.
  const dataVersion = database.dataVersion
  // data_version is a query: ask it at most every DATA_VERSION_POLL_MS, so a commit by another
  // process shows within that window while a hot read pays for a Map lookup only. The version
  // string is made again only when it changes.
  let polledAt = 0
  let polledValue = 0
  const poll = () => {
    const t = performance.now()
    if (dataVersion && t - polledAt >= DATA_VERSION_POLL_MS) { polledAt = t; polledValue = dataVersion() }
  }
  /** A version text of a counter and the polled data_version, made again only when either moves. */
  const versionText = (counter: () => number) => {
    let text = '0.0'
    let of = { counter: 0, polled: 0 }
    return () => {
      poll()
      if (of.counter !== counter() || of.polled !== polledValue) {
        of = { counter: counter(), polled: polledValue }
        text = `${of.counter}.${polledValue}`
      }
      return text
    }
  }
  // The kept answers' version: moves when every answer is dropped. The content version moves at every write.
  const version = versionText(() => clears)
  const contentVersion = versionText(() => writes)
  // The last URLs read once; a second read admits the answer.
  const readOnce = createCache<string, true>({ max: ADMISSION_WINDOW })
  // The URLs cached when the last write emptied the cache: they were hot, so their next read is kept at once.
  let cachedBeforeWrite = new Set<string>()
  function admit (url: string): boolean {
    if (cachedBeforeWrite.delete(url) || readOnce.delete(url)) return true
    readOnce.set(url, true)
    return false
  }
  const clear = () => {
    clears++
    cachedBeforeWrite = new Set(entries.keys())
    // lru-cache's clear() resets arrays as long as its capacity on every call; a write comes
    // often and finds few answers cached since the last one, so those are deleted one by one.
    if (cachedBeforeWrite.size * 8 < maxEntries) {
      for (const key of cachedBeforeWrite) entries.delete(key)
    } else {
      entries.clear()
    }
  }
  // Keyed drops, numbered, with the last RECENT_DROPS remembered: an answer built while one of
  // its keys was dropped is not kept, as it may show what the write changed.
  let dropped = 0
  // How often each key asked for by keyVersion was dropped.
  const keyDrops = new Map<string, number>()
  const recent: Array<{ at: number, keys: Set<string> }> = []
  function drop (changedKeys: string[]) {
    dropped++
    for (const key of changedKeys) {
      const count = keyDrops.get(key)
      if (count !== undefined) keyDrops.set(key, count + 1)
    }
    recent.push({ at: dropped, keys: new Set(changedKeys) })
    if (recent.length > RECENT_DROPS) recent.shift()
    for (const key of [...changedKeys, UNKEYED]) {
      const urls = byKey.get(key)
      if (!urls) continue
      for (const url of [...urls]) {
        // Hot answers come back on their next read (see admit).
        if (cachedBeforeWrite.size < maxEntries) cachedBeforeWrite.add(url)
        entries.delete(url)
      }
    }
  }
  /** Whether a keyed drop since drop number `seen` touched an answer showing `shows`. */
  function droppedSince (seen: number, shows: string[] | null): boolean {
    if (seen === dropped) return false
    if (recent[0]!.at > seen + 1) return true // the log no longer reaches back that far
    return recent.some((d) => d.at > seen && (shows === null || shows.some((key) => d.keys.has(key))))
  }
  /** After a write: drops the answers showing `changedKeys`, or every answer without them. */
  function invalidate (changedKeys: string[] | null) {
    writes++
    if (changedKeys === null) clear()
    else drop(uniqueKeys(changedKeys))
  }

  // When the next scheduled article goes live, for the version it was read at. It is read
  // again only when the version moves (a write starts that read at once) or its time has
  // come, so a hot read never waits for the database; a read that finds it out of date
  // waits for the one read in flight.
  const { articles } = database.tables
  // A template (see Executor.all): rendered once; the value is ISO text on both databases.
  const nextScheduledSql = sql`select min(${articles.publishedAt}) as "at" from ${articles}
    where ${articles.status} = 'scheduled' and ${articles.publishedAt} > ${sql.placeholder('now')}`
  let next = { version: '', at: 0 }
  // Go-live times passed, counted once each (keyVersion): a scheduled article going live changes
  // every list, whether or not the scheduler has written it yet (another instance may be the one).
  let wentLive = 0
  let countedAt = Number.NaN
  function countGoLive (now: number) {
    if (now >= next.at && countedAt !== next.at) { wentLive++; countedAt = next.at }
  }
  let reading: { version: string, promise: Promise<void> } | null = null
  function readNext (current: string, now: Date): Promise<void> {
    if (reading?.version === current) return reading.promise
    const promise = database.get<{ at: string | null }>(nextScheduledSql, { now: now.toISOString() })
      .then((row) => {
        const at = row?.at ?? null
        countGoLive(now.getTime())
        next = { version: current, at: at === null ? Number.POSITIVE_INFINITY : Date.parse(at) }
      })
      .finally(() => { if (reading?.promise === promise) reading = null })
    reading = { version: current, promise }
    return promise
  }
  const fresh = (now: Date, current: string) => next.version === current && now.getTime() < next.at
  /** The next change's time for `current` at `now`: at once when known, else once it is read. */
  async function nextChange (now: Date, current: string): Promise<number> {
    // A read started before `now` may answer a time already past: then read once more.
    for (let tries = 0; !fresh(now, current) && tries < 2; tries++) await readNext(current, now)
    return next.version === current ? next.at : 0
  }
  /** Starts reading the next change after a write, so the next public read need not wait for it. */
  const readAhead = maxBytes === 0
    ? () => {} // the cache is off: no lookup ever asks for the next change
    : () => { readNext(contentVersion(), app.now()).catch(() => { /* the next lookup reads again and reports */ }) }
  app.decorate('contentChanged', () => { invalidate(null); readAhead() })
  app.decorate('contentVersion', contentVersion)
  app.decorate('keyVersion', (key: string) => {
    let count = keyDrops.get(key)
    if (count === undefined) keyDrops.set(key, count = 0)
    countGoLive(app.now().getTime())
    return `${version()}.${count}.${wentLive}`
  })

  const keyOf = createCacheKeyOf()
  const inflight = new Map<string, Flight>()
  // Callback hooks: a cache hit costs no promise. One per route: it knows the route's query parameters.
  const lookupFor = (known: readonly string[] | undefined) => (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (request.headers.authorization !== undefined) { done(); return }
    const key = keyOf(request.url, request.query, known)
    if (key === undefined) { done(); return }
    const current = version()
    const scheduleVersion = contentVersion()
    const now = app.now()
    if (fresh(now, scheduleVersion)) { serve(request, reply, done, key, current, now, next.at); return }
    nextChange(now, scheduleVersion).then((until) => { serve(request, reply, done, key, current, now, until) }, done)
  }

  /** Answers from the cache when it holds a fresh answer for `key`, else lets the handler run. */
  function serve (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void, key: string, current: string, now: Date, until: number) {
    ;(request as unknown as Record<symbol, Seen>)[VERSION] = { version: current, dropped, until, key }
    const entry = entries.get(key)
    // Stale after a write, or once a scheduled article went live after it was stored.
    if (entry && (entry.version !== current || now.getTime() >= entry.until)) {
      entries.delete(key)
      ;(request as unknown as Record<symbol, boolean>)[REFRESH] = true
    } else if (entry) {
      answer(request, reply, entry)
      return
    }
    // Single flight: while one request builds the answer for this key, the others wait for it.
    const flight = inflight.get(key)
    if (flight) {
      flight.waiting++
      flight.promise.then((built) => {
        if (built && app.now().getTime() < built.until) answer(request, reply, built)
        else done()
      }, () => { done() })
      return
    }
    let settle!: (entry: Entry | undefined) => void
    const promise = new Promise<Entry | undefined>((resolve) => { settle = resolve })
    const leader: Flight = { promise, settle, waiting: 0 }
    inflight.set(key, leader)
    ;(request as unknown as Record<symbol, Flight>)[LEADER] = leader
    done()
  }

  /** Ends the flight `request` leads, if any, sharing `entry` (undefined: each waiter builds its own). */
  function land (request: FastifyRequest, entry: Entry | undefined) {
    const flight = (request as unknown as Record<symbol, Flight | undefined>)[LEADER]
    if (flight === undefined) return
    ;(request as unknown as Record<symbol, Flight | undefined>)[LEADER] = undefined
    const { key } = (request as unknown as Record<symbol, Seen>)[VERSION]!
    if (inflight.get(key) === flight) inflight.delete(key)
    flight.settle(entry)
  }

  /** Answers with a kept (or just built) answer: its headers, and a 304 when If-None-Match holds. */
  function answer (request: FastifyRequest, reply: FastifyReply, entry: Entry) {
    ;(request as unknown as Record<symbol, boolean>)[HIT] = true
    reply.header('etag', entry.etag).header('cache-control', entry.cacheControl)
    if (entry.keyHeaders) {
      if (entry.keyHeaders.surrogateKey !== undefined) reply.header('surrogate-key', entry.keyHeaders.surrogateKey)
      if (entry.keyHeaders.cacheTag !== undefined) reply.header('cache-tag', entry.keyHeaders.cacheTag)
    }
    varyOnAuthorization(reply)
    if (etagMatches(request.headers['if-none-match'], entry.etag)) { reply.code(304).send(); return }
    reply.type(entry.contentType).send(entry.body)
  }

  const store = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload: unknown) => void) => {
    let built: Entry | undefined
    try {
      built = keep(request, reply, payload)
    } finally {
      land(request, built)
    }
    done(null, payload)
  }
  // A leader that never reaches onSend with an answer (an error, a hang-up) still lets its waiters go.
  const release = (request: FastifyRequest, _reply: FastifyReply, done: () => void) => { land(request, undefined); done() }
  const releaseOnAbort = (request: FastifyRequest, done: () => void) => { land(request, undefined); done() }

  /** Keeps the answer when it may be kept; returns it when others may be given it. */
  function keep (request: FastifyRequest, reply: FastifyReply, payload: unknown): Entry | undefined {
    // The version seen before the handler read anything: a write meanwhile makes this entry stale at once.
    const seen = (request as unknown as Record<symbol, Seen | undefined>)[VERSION]
    if ((request as unknown as Record<symbol, boolean>)[HIT] || seen === undefined) return undefined
    if (reply.statusCode !== 200 || typeof payload !== 'string') return undefined
    const cacheControl = String(reply.getHeader('cache-control') ?? '')
    const etag = reply.getHeader('etag')
    if (!cacheControl.startsWith('public') || typeof etag !== 'string') return undefined
    const size = Buffer.byteLength(payload)
    if (size > maxBytes / 16) return undefined
    // A write while the answer was built: the cache version moved, or a keyed drop touched what it shows.
    // Made unique when the answer set its headers (notModified).
    const shows = request.dependencies
    if (seen.version !== version() || droppedSince(seen.dropped, shows)) return undefined
    const admitted = (request as unknown as Record<symbol, boolean>)[REFRESH] || admit(seen.key)
    // Not kept, but given to the requests that waited for it.
    const waited = ((request as unknown as Record<symbol, Flight | undefined>)[LEADER]?.waiting ?? 0) > 0
    if (!admitted && !waited) return undefined
    // Kept as bytes, off the V8 heap: a hit is written as it is (no UTF-8 encoding per hit), and
    // answers replaced in the cache are not old-generation garbage for the collector to find.
    // Its own allocation: a small Buffer.from() shares an 8 KiB pool block it would keep alive.
    const body = Buffer.allocUnsafeSlow(size)
    body.write(payload)
    const surrogateKey = reply.getHeader('surrogate-key')
    const cacheTag = reply.getHeader('cache-tag')
    const keyHeaders = typeof surrogateKey === 'string' || typeof cacheTag === 'string' ? { surrogateKey, cacheTag } : undefined
    const entry = { body, etag, contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'), cacheControl, shows, keyHeaders, version: seen.version, until: seen.until }
    if (admitted) {
      entries.set(seen.key, entry)
      if (entries.peek(seen.key) === entry) index(entry, seen.key)
    }
    return entry
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    // maxBytes 0 (BROADSHEET_RESPONSE_CACHE_MB=0): every answer is built; versions still move.
    if (!route.config?.publicCache || maxBytes === 0) return
    addRouteHook(route, 'onRequest', lookupFor(knownQueryKeys(route.schema?.querystring)))
    addRouteHook(route, 'onSend', store)
    addRouteHook(route, 'onResponse', release)
    addRouteHook(route, 'onRequestAbort', releaseOnAbort)
  })

  // Any successful write through the API may change what public reads show.
  app.decorateRequest('contentUnchanged', false)
  app.decorateRequest('dependencies', null)
  app.decorateRequest('changedKeys', null)
  // When the answer is sent, not when it is finished: a client that hangs up after its write
  // committed must not leave the old version (and what is remembered for it) in place.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS' &&
      reply.statusCode < 400 && !request.routeOptions.config?.cacheNeutral && !request.contentUnchanged) {
      const before = contentVersion()
      invalidate(request.changedKeys)
      // Comment posts come by thousands a second: reading the schedule after each was a tenth of a post's time.
      if (request.routeOptions.config?.scheduleNeutral && next.version === before) next = { version: contentVersion(), at: next.at }
      else readAhead()
    }
    done(null, payload)
  })
}, { name: 'broadsheet-response-cache' })
