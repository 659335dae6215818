import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.js'
import { createAdCounters, PENDING_TOKENS_MAX, RECENT_TOKENS_MAX, type CountKey } from '../../src/ads/counters.js'
import type { Executor } from '../../src/db/database.js'
import { adCounterTables } from '../fixtures/ads.js'
import { buildTestApp } from '../helper.js'

// The used-token memory of the ad counters is bounded (pending + recent) and a replay never
// counts twice: a token memory no longer holds counts for now, and its flush finds it in
// ad_used_tokens and moves it to filtered.

const EXPIRES = Math.floor(new Date('2999-01-01').getTime() / 1000)
const KEY: CountKey = { day: '2031-03-01', slotKey: 'top', campaignId: 7, creativeId: 9 }

/** Counters on `db` (the app's database unless given) with small caps; flushEarly flushes them, as the engine does. */
function smallCounters (app: App, pendingTokensMax = 3, recentTokensMax = 2, db: Executor = app.database) {
  const counters = createAdCounters(db, app.log, {
    campaigns: () => [],
    onLimitsChanged: async () => {},
    now: () => new Date('2031-03-01T10:00:00Z'),
    flushEarly: () => counters.flush(),
    pendingTokensMax,
    recentTokensMax
  })
  return counters
}

/** One impression with used-token `id`. */
const use = (counters: ReturnType<typeof smallCounters>, id: string, expiresAt = EXPIRES) => counters.event(KEY, 'impressions', { id, expiresAt })

async function impressions (app: App) {
  const { sums } = await adCounterTables(app)
  return { impressions: sums.impressions, filteredImpressions: sums.filteredImpressions }
}

t.test('the default caps: 10,000 pending and 10,000 recent token ids', async (t) => {
  t.equal(PENDING_TOKENS_MAX, 10_000)
  t.equal(RECENT_TOKENS_MAX, 10_000)
})

t.test('used tokens: memory stays at pending + recent caps, a full pending set flushes first, and every replay counts once', async (t) => {
  const app = await buildTestApp(t)
  const counters = smallCounters(app)
  const ids = Array.from({ length: 12 }, (_, i) => `i${i}`)
  for (const [n, id] of ids.entries()) {
    t.ok(await use(counters, id), `${id} counts the first time`)
    t.ok(counters.tokensInMemory() <= 5, `at most 3 pending + 2 recent after ${n + 1} (${counters.tokensInMemory()})`)
  }
  // 12 ids with 3 pending at most: flushed early at the 4th, 7th and 10th.
  t.equal((await adCounterTables(app)).usedTokens, 9, 'the ids flushed early are in the table')
  t.equal(counters.tokensInMemory(), 5, '3 pending and the 2 most recent flushed')
  for (const id of ids.slice(7)) t.notOk(await use(counters, id), `${id} again is refused at once (pending or recent)`)
  t.ok(await use(counters, 'i0'), 'i0 is only in the table: it counts for now')
  await counters.flush()
  t.equal((await adCounterTables(app)).usedTokens, 12)
  t.same(await impressions(app), { impressions: 12, filteredImpressions: 6 }, 'the flush found i0 in the table and filtered it')
  for (const id of ids) await use(counters, id)
  await counters.flush()
  t.same(await impressions(app), { impressions: 12, filteredImpressions: 18 }, 'every replay after the flushes is filtered')
})

t.test('used tokens: a restart loads none of them into memory, and its flush still filters every replay', async (t) => {
  const app = await buildTestApp(t)
  const first = smallCounters(app)
  for (let i = 0; i < 3; i++) await use(first, `c${i}`)
  await first.flush()
  const second = smallCounters(app, 100, 100)
  t.equal(second.tokensInMemory(), 0, 'nothing is read into memory at start')
  for (let i = 0; i < 3; i++) await use(second, `c${i}`)
  await use(second, 'c3')
  t.equal(second.delivered.impressions(KEY.campaignId), 4, 'counted for now, limits included')
  await second.flush()
  t.same(await impressions(app), { impressions: 4, filteredImpressions: 3 }, 'the three replays are filtered, the new one counts')
  t.equal(second.delivered.impressions(KEY.campaignId), 1, 'and the totals the limits read lose the replays')
})

t.test('used tokens: expired rows leave the table at the next flush', async (t) => {
  const app = await buildTestApp(t)
  const counters = smallCounters(app, 100, 100)
  const past = Math.floor(new Date('2031-03-01T09:00:00Z').getTime() / 1000)
  await use(counters, 'old', past)
  await use(counters, 'live')
  await counters.flush()
  await use(counters, 'next')
  await counters.flush()
  t.same((await app.database.all<{ id: string }>(sql`select id as "id" from ad_used_tokens order by id`)).map((r) => r.id), ['live', 'next'])
})

t.test('used tokens: a use while its first use is being written is refused at once', async (t) => {
  const app = await buildTestApp(t)
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  // The database's transaction waits for the gate: the flush is in progress meanwhile.
  const slow: Executor = { ...app.database, transaction: async (fn) => { await gate; return await app.database.transaction(fn) } }
  const counters = smallCounters(app, 100, 100, slow)
  t.ok(await use(counters, 'a'))
  const flushing = counters.flush()
  t.notOk(await use(counters, 'a'), 'refused while its flush runs')
  t.equal(counters.tokensInMemory(), 1, 'held once, in the batch being written')
  const second = counters.flush()
  release()
  await Promise.all([flushing, second])
  t.same(await impressions(app), { impressions: 1, filteredImpressions: 1 }, 'the flush that waited wrote the filtered one, nothing twice')
})

t.test('used tokens: a use during a write that fails, once recent dropped its first use, is the replay', async (t) => {
  const app = await buildTestApp(t)
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let broken = true
  const failing: Executor = { ...app.database, transaction: async (fn) => { await gate; if (broken) throw new Error('disk full'); return await app.database.transaction(fn) } }
  const counters = smallCounters(app, 100, 1, failing)
  await use(counters, 'a')
  await use(counters, 'b')
  const flushing = counters.flush()
  t.ok(await use(counters, 'a'), 'recent holds only b: a counts for now')
  release()
  await flushing
  t.equal(counters.tokensInMemory(), 3, 'a and b pending again (b also recent), once each')
  broken = false
  await counters.flush()
  t.same(await impressions(app), { impressions: 2, filteredImpressions: 1 }, 'the second use of a moved to filtered when the write failed')
  t.equal(counters.delivered.impressions(KEY.campaignId), 2)
})

t.test('used tokens: when the database refuses the early flush, a new use counts as filtered (never remembered past the cap), then counts once it recovers', async (t) => {
  const app = await buildTestApp(t)
  let broken = false
  const flaky: Executor = { ...app.database, transaction: async (fn) => { if (broken) throw new Error('disk full'); return await app.database.transaction(fn) } }
  const counters = smallCounters(app, 3, 2, flaky)
  for (const id of ['a', 'b', 'c']) t.ok(await use(counters, id))
  broken = true
  t.notOk(await use(counters, 'd'), 'the pending set is full and cannot be written: filtered')
  t.equal(counters.tokensInMemory(), 5, 'the 3 pending (2 of them also recent, as they were written) and nothing past the cap')
  for (const id of ['a', 'b', 'c']) t.notOk(await use(counters, id), `${id} is still a replay`)
  broken = false
  await sleep(1100)
  t.ok(await use(counters, 'd'), 'after the back-off the flush succeeds and d counts')
  t.equal((await adCounterTables(app)).usedTokens, 3)
  t.notOk(await use(counters, 'd'))
  await counters.flush()
  t.same(await impressions(app), { impressions: 4, filteredImpressions: 5 }, 'nothing lost by the failed flush, nothing counted twice')
})
