import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { App } from '../../src/app.js'
import { createAdCounters, PENDING_TOKENS_MAX, RECENT_TOKENS_MAX } from '../../src/ads/counters.js'
import { adCounterTables } from '../fixtures/ads.js'
import { buildTestApp } from '../helper.js'

// The used-token memory of the ad counters is bounded (pending + recent) and a replay never
// counts twice: a token memory no longer holds is found in ad_used_tokens.

const EXPIRES = Math.floor(new Date('2999-01-01').getTime() / 1000)

/** Counters on the app's database with small caps; flushEarly flushes them, as the engine does. */
function smallCounters (app: App, pendingTokensMax = 3, recentTokensMax = 2) {
  const counters = createAdCounters(app.db, app.log, {
    onLimitsChanged: () => {},
    now: () => new Date('2031-03-01T10:00:00Z'),
    flushEarly: () => counters.flush([]),
    pendingTokensMax,
    recentTokensMax
  })
  return counters
}

t.test('the default caps: 10,000 pending and 10,000 recent token ids', async (t) => {
  t.equal(PENDING_TOKENS_MAX, 10_000)
  t.equal(RECENT_TOKENS_MAX, 10_000)
})

t.test('used tokens: memory stays at pending + recent caps, a full pending set flushes first, and every replay is refused', async (t) => {
  const app = await buildTestApp(t)
  const counters = smallCounters(app)
  const ids = Array.from({ length: 12 }, (_, i) => `i${i}`)
  for (const [n, id] of ids.entries()) {
    t.ok(counters.firstUse(id, EXPIRES), `${id} counts the first time`)
    t.ok(counters.tokensInMemory() <= 5, `at most 3 pending + 2 recent after ${n + 1} (${counters.tokensInMemory()})`)
  }
  // 12 ids with 3 pending at most: flushed early at the 4th, 7th and 10th.
  t.equal((await adCounterTables(app)).usedTokens, 9, 'the ids flushed early are in the table')
  t.equal(counters.tokensInMemory(), 5, '3 pending and the 2 most recent flushed')
  for (const id of ids) t.notOk(counters.firstUse(id, EXPIRES), `${id} again is a replay (pending, recent or only in the table)`)
  counters.flush([])
  t.equal((await adCounterTables(app)).usedTokens, 12)
  for (const id of ids) t.notOk(counters.firstUse(id, EXPIRES), `${id} after the flush is still a replay`)
})

t.test('used tokens: a restart loads none of them into memory and still refuses every replay', async (t) => {
  const app = await buildTestApp(t)
  const first = smallCounters(app)
  for (let i = 0; i < 5; i++) first.firstUse(`c${i}`, EXPIRES)
  first.flush([])
  const second = smallCounters(app)
  t.equal(second.tokensInMemory(), 0, 'nothing is read into memory at start')
  for (let i = 0; i < 5; i++) t.notOk(second.firstUse(`c${i}`, EXPIRES), `c${i} is a replay`)
  t.ok(second.firstUse('c5', EXPIRES), 'a new one counts')
})

t.test('used tokens: expired rows leave the table at the next flush', async (t) => {
  const app = await buildTestApp(t)
  const counters = smallCounters(app, 100, 100)
  const past = Math.floor(new Date('2031-03-01T09:00:00Z').getTime() / 1000)
  counters.firstUse('old', past)
  counters.firstUse('live', EXPIRES)
  counters.flush([])
  counters.firstUse('next', EXPIRES)
  counters.flush([])
  t.same(app.db.$client.prepare('select id from ad_used_tokens order by id').pluck().all(), ['live', 'next'])
})

t.test('used tokens: when the database refuses the early flush, a new use counts as filtered (never remembered past the cap), then counts once it recovers', async (t) => {
  const app = await buildTestApp(t)
  const counters = smallCounters(app)
  for (const id of ['a', 'b', 'c']) t.ok(counters.firstUse(id, EXPIRES))
  app.db.$client.exec("create trigger refuse before insert on ad_used_tokens begin select raise(abort, 'disk full'); end")
  t.notOk(counters.firstUse('d', EXPIRES), 'the pending set is full and cannot be written: filtered')
  t.equal(counters.tokensInMemory(), 3, 'nothing past the cap')
  for (const id of ['a', 'b', 'c']) t.notOk(counters.firstUse(id, EXPIRES), `${id} is still a replay`)
  app.db.$client.exec('drop trigger refuse')
  await sleep(1100)
  t.ok(counters.firstUse('d', EXPIRES), 'after the back-off the flush succeeds and d counts')
  t.equal((await adCounterTables(app)).usedTokens, 3)
  t.notOk(counters.firstUse('d', EXPIRES))
})
