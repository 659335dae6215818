import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { PENDING_TOKENS_MAX, RECENT_TOKENS_MAX } from '../../src/ads/counters.js'
import { adCounterTables, adStats, createAd, DESKTOP_UA, pathOf, statsRow, type ServedAd } from '../fixtures/ads.js'
import { buildTestApp, createClock } from '../helper.js'

// An ad-event flood from many addresses: every first use counts once, every replay (from the
// same or another address, before or after a flush) is filtered, the used-token memory never
// passes its cap, and RSS stays bounded.

const ADDRESSES = 2000
// Three ads a page: 6 first uses an address, 12,000 in all, past the 10,000 pending cap.
const SLOTS = ['s0', 's1', 's2']
const FIRST_USES = ADDRESSES * SLOTS.length * 2
// Generous (the exact bound is on the token structure): RSS is sampled after a gc, but V8
// keeps the heap it grew to, on a machine shared with other test runs.
const RSS_GROWTH_MAX_MB = 200

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const rssMb = () => process.memoryUsage().rss / 1e6
// inject settles on process.nextTick, so a loop of awaited injects never reaches the event
// loop's check phase: light-my-request's setImmediate writes, and every response they hold,
// would pile up (about 10 KB a request) and the RSS would measure the harness, not the app.
const turn = () => new Promise((resolve) => setImmediate(resolve))

const addressOf = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.${1 + (i >> 16)}`

t.setTimeout(120_000)

t.test(`ad-event flood from ${ADDRESSES} addresses: counts exact after a flush, used-token memory at its cap, RSS bounded`, async (t) => {
  const app = await buildTestApp(t, { now: createClock('2031-03-01T10:00:00.000Z').now })
  const creatives: number[] = []
  for (const key of SLOTS) creatives.push((await createAd(app, { slot: { key } })).creative.id)
  const hit = (url: string, remoteAddress: string) =>
    app.inject({ url: pathOf(url), headers: { 'user-agent': DESKTOP_UA }, remoteAddress })

  gc()
  const before = rssMb()
  let peak = before
  let most = 0
  const replays: Array<{ impression: string, click: string }> = []
  const started = Date.now()
  for (let i = 0; i < ADDRESSES; i++) {
    const ip = addressOf(i)
    const served = await app.inject({ url: `/v1/ads/serve?slots=${SLOTS.join(',')}`, headers: { 'user-agent': DESKTOP_UA }, remoteAddress: ip })
    if (served.statusCode !== 200) throw new Error(`serve ${i}: ${served.statusCode} ${served.body}`)
    const slots = (served.json() as { slots: Record<string, { ad: ServedAd }> }).slots
    const ads = SLOTS.map((k) => slots[k]!.ad)
    for (const ad of ads) {
      const [impression, click] = [await hit(ad.impressionUrl, ip), await hit(ad.clickUrl, ip)]
      if (impression.statusCode !== 204 || click.statusCode !== 302) throw new Error(`events ${i}: ${impression.statusCode} ${click.statusCode}`)
      most = Math.max(most, app.ads.counters.tokensInMemory())
    }
    replays.push({ impression: ads[0]!.impressionUrl, click: ads[1]!.clickUrl })
    if (i % 100 === 0) { await turn(); gc(); peak = Math.max(peak, rssMb()) }
  }
  t.ok(most <= PENDING_TOKENS_MAX + RECENT_TOKENS_MAX, `token ids in memory peaked at ${most}`)
  t.equal((await adCounterTables(app)).usedTokens, PENDING_TOKENS_MAX, 'the full pending set was flushed early, in one go')
  t.equal(app.ads.counters.tokensInMemory(), FIRST_USES, `${RECENT_TOKENS_MAX} flushed and recent, the rest pending`)

  await app.ads.flush()
  t.equal((await adCounterTables(app)).usedTokens, FIRST_USES, 'every used token is in the table')
  t.equal(app.ads.counters.tokensInMemory(), RECENT_TOKENS_MAX, 'memory keeps the recent cap only; the oldest are in the table alone')
  // The first replays name tokens memory has dropped: the table refuses them.
  for (const [i, { impression, click }] of replays.entries()) {
    const [a, b] = [await hit(impression, addressOf((i + 1) % ADDRESSES)), await hit(click, addressOf(i))]
    if (a.statusCode !== 204 || b.statusCode !== 302) throw new Error(`replay ${i}: ${a.statusCode} ${b.statusCode}`)
    if (i % 100 === 0) await turn()
  }
  gc()
  peak = Math.max(peak, rssMb())
  const seconds = (Date.now() - started) / 1000

  const rows = await adStats(app, 'groupBy=creative')
  const base = { requests: ADDRESSES, fills: ADDRESSES, impressions: ADDRESSES, clicks: ADDRESSES, ctr: 1 }
  t.same(rows, creatives.map((id, k) => statsRow(String(id), {
    ...base,
    filteredImpressions: k === 0 ? ADDRESSES : 0,
    filteredClicks: k === 1 ? ADDRESSES : 0
  })), 'each first use counted once, each replay filtered')
  t.ok(app.ads.counters.tokensInMemory() <= PENDING_TOKENS_MAX + RECENT_TOKENS_MAX)

  gc()
  const after = rssMb()
  t.comment(`heap used after: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`)
  t.comment(`RSS before ${before.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB; ${FIRST_USES + 2 * ADDRESSES + ADDRESSES} requests in ${seconds.toFixed(1)} s`)
  t.ok(peak - before < RSS_GROWTH_MAX_MB, `RSS grew ${(peak - before).toFixed(0)} MB at its peak (bound ${RSS_GROWTH_MAX_MB} MB)`)
})
