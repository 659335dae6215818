import t from 'tap'
import { setBounded } from '../../src/lib/bounded-map.js'

// The bounded memos of hot paths (parsed ad queries, verified tokens, user agents, prepared
// statements, versioned reads) keep at most `max` entries, dropping the oldest.

t.test('a new key in a full map drops the oldest entry first', async (t) => {
  const map = new Map<string, number>()
  for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) setBounded(map, key, i, 3)
  t.same([...map.entries()], [['b', 1], ['c', 2], ['d', 3]])
})

t.test('setting a key already there replaces its value and drops nothing', async (t) => {
  const map = new Map([['a', 1], ['b', 2], ['c', 3]])
  setBounded(map, 'a', 10, 3)
  t.same([...map.entries()], [['a', 10], ['b', 2], ['c', 3]])
})

t.test('deleting before setting again makes the order least recently used', async (t) => {
  const map = new Map([['a', 1], ['b', 2], ['c', 3]])
  map.delete('a')
  setBounded(map, 'a', 1, 3)
  setBounded(map, 'd', 4, 3)
  t.same([...map.keys()], ['c', 'a', 'd'], 'b, the least recently used, went first')
})
