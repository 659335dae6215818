import t from 'tap'
import { createRankingCache } from '../../src/articles/search.js'

// The rankings later pages of a relevance search walk: bounded, and kept 15 minutes after last use.

t.test('a ranking is found by its key, and ends 15 minutes after its last use', async (t) => {
  let clock = 1_000_000
  const rankings = createRankingCache(500, 15 * 60_000, () => clock)
  const key = rankings.put([3, 1, 2])
  t.match(key, /^[\w-]{16}$/, 'an opaque key')
  t.not(rankings.put([3, 1, 2]), key, 'every put has its own key')
  clock += 15 * 60_000
  t.same(rankings.get(key), [3, 1, 2], 'a page 15 minutes later still walks it, and renews it')
  clock += 15 * 60_000
  t.same(rankings.get(key), [3, 1, 2])
  clock += 15 * 60_000 + 1
  t.equal(rankings.get(key), undefined, 'unused for longer: gone')
  t.equal(rankings.get('no-such-key'), undefined)
})

t.test('rankings are bounded: the least recently used goes first', async (t) => {
  const rankings = createRankingCache(2)
  const a = rankings.put([1])
  const b = rankings.put([2])
  t.same(rankings.get(a), [1])
  rankings.put([3])
  t.same(rankings.get(a), [1], 'used last: kept')
  t.equal(rankings.get(b), undefined, 'b went first')
})
