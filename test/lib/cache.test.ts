import t from 'tap'
import { createCache, createVersionedMemo } from '../../src/lib/cache.js'

t.test('bounded by count: a new key in a full cache drops the least recently used', async (t) => {
  const cache = createCache<string, number>({ max: 3 })
  for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i)
  t.equal(cache.get('a'), 0, 'a read makes a the most recently used')
  cache.set('d', 3)
  t.same([...cache.keys()].sort(), ['a', 'c', 'd'], 'b, the least recently used, went first')
  cache.set('a', 10)
  t.equal(cache.size, 3, 'setting a key already there drops nothing')
  t.equal(cache.get('a'), 10)
})

t.test('bounded by bytes: the oldest go until the new value fits; a value over the bound is not kept', async (t) => {
  const cache = createCache<string, string>({ max: 100, maxBytes: 10, sizeOf: (value) => value.length })
  cache.set('a', 'aaaa')
  cache.set('b', 'bbbb')
  t.equal(cache.calculatedSize, 8)
  cache.set('c', 'cccc')
  t.same([...cache.keys()].sort(), ['b', 'c'], 'a went to make room')
  t.equal(cache.calculatedSize, 8)
  cache.set('big', 'x'.repeat(11))
  t.notOk(cache.has('big'), 'bigger than the whole cache: not kept')
  t.same([...cache.keys()].sort(), ['b', 'c'], 'and nothing else dropped for it')
  cache.set('b', 'bb')
  t.equal(cache.calculatedSize, 6, 'a replaced value counts its own size')
})

t.test('ttlMs: an entry ends ttlMs after it was last set or read, by the given clock', async (t) => {
  // Starts past 0: lru-cache takes a start time of 0 as "no start", which never expires.
  let clock = 1_000
  const cache = createCache<string, string>({ max: 10, ttlMs: 100, now: () => clock })
  cache.set('read', 'r')
  cache.set('unread', 'u')
  clock = 1_100
  t.equal(cache.get('read'), 'r', 'exactly ttlMs old: still there, and the read renews it')
  clock = 1_101
  t.equal(cache.get('unread'), undefined, 'one ms past ttlMs since set: gone')
  t.notOk(cache.has('unread'), 'and dropped')
  clock = 1_200
  t.equal(cache.get('read'), 'r', 'ttlMs after the read that renewed it')
  clock = 1_301
  t.equal(cache.get('read'), undefined)
})

t.test('without ttlMs nothing expires', async (t) => {
  const cache = createCache<string, string>({ max: 10 })
  cache.set('a', 'a')
  t.equal(cache.get('a'), 'a')
  t.equal(cache.delete('a'), true)
  t.equal(cache.get('a'), undefined, 'only a delete (or the bound) ends it')
})

t.test('a versioned memo reads a value once per content version and again after any change', async (t) => {
  let version = 'v1'
  let reads = 0
  const memo = createVersionedMemo<string>(() => version)
  const load = () => `value ${++reads} at ${version}`
  t.equal(memo.get('a', load), 'value 1 at v1')
  t.equal(memo.get('a', load), 'value 1 at v1', 'the same version: no read')
  version = 'v2'
  t.equal(memo.get('a', load), 'value 2 at v2', 'a write: read again')
  memo.delete('a')
  t.equal(memo.get('a', load), 'value 3 at v2', 'deleted: read again')
})

t.test('a versioned memo is bounded: the least recently used key goes first when full', async (t) => {
  let reads = 0
  const memo = createVersionedMemo<number>(() => 'v', 2)
  const load = () => ++reads
  memo.get('a', load)
  memo.get('b', load)
  memo.get('a', load)
  memo.get('c', load)
  t.equal(memo.get('a', load), 1, 'a, read last, kept')
  t.equal(memo.get('c', load), 3, 'c kept')
  t.equal(memo.get('b', load), 4, 'b was dropped and is read again')
})

t.test('a cache without a positive whole max is refused (lru-cache would read 0 as unbounded)', async (t) => {
  for (const max of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => createCache<string, string>({ max }), { name: 'RangeError', message: `A cache keeps at least one entry (max ${max})` }, String(max))
  }
})
