import t from 'tap'
import { createMemoryCounterStore } from '../../src/lib/window-counter.js'

// The in-memory counter store of every per-address limit: fixed windows per key, bounded keys.

const MINUTE = 60_000

function clock (start = 1_000_000) {
  let at = start
  return { now: () => at, advance: (ms: number) => { at += ms } }
}

t.test('hits of one key count up within its window; the window ends where the first hit opened it', async (t) => {
  const time = clock()
  const store = createMemoryCounterStore(time.now)
  t.same(store.incr('a', MINUTE), { count: 1, resetAt: 1_060_000 })
  time.advance(59_999)
  t.same(store.incr('a', MINUTE), { count: 2, resetAt: 1_060_000 }, 'a later hit keeps the window')
  t.same(store.incr('b', MINUTE), { count: 1, resetAt: 1_119_999 }, 'another key has its own')
  time.advance(1)
  t.same(store.incr('a', MINUTE), { count: 1, resetAt: 1_120_000 }, 'at resetAt a new window opens')
})

t.test('peek shows an open window without counting, and nothing once it ended', async (t) => {
  const time = clock()
  const store = createMemoryCounterStore(time.now)
  t.equal(store.peek('a'), undefined, 'never counted')
  store.incr('a', MINUTE)
  store.incr('a', MINUTE)
  t.same(store.peek('a'), { count: 2, resetAt: 1_060_000 })
  t.same(store.peek('a'), { count: 2, resetAt: 1_060_000 }, 'peeking counted nothing')
  time.advance(MINUTE)
  t.equal(store.peek('a'), undefined, 'the window ended')
})

t.test('a count handed out is not changed by later hits', async (t) => {
  const store = createMemoryCounterStore(clock().now)
  const first = store.incr('a', MINUTE)
  store.incr('a', MINUTE)
  t.same(first, { count: 1, resetAt: 1_060_000 })
})

t.test('a full store drops the key counted least recently, so a key that keeps counting keeps its count', async (t) => {
  const store = createMemoryCounterStore(clock().now, 3)
  store.incr('busy', MINUTE)
  store.incr('quiet', MINUTE)
  store.incr('other', MINUTE)
  store.incr('busy', MINUTE)
  store.incr('new', MINUTE)
  t.equal(store.peek('quiet'), undefined, 'the least recently counted went')
  t.same(store.peek('busy')?.count, 2, 'the busy key kept its count')
  t.same(store.peek('other')?.count, 1)
  t.same(store.peek('new')?.count, 1)
})
