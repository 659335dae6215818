import t from 'tap'
import { createVersionedMemo } from '../../src/lib/versioned-memo.js'

t.test('a value is read once per content version and read again after any change', async (t) => {
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

t.test('bounded: the oldest key goes first when full', async (t) => {
  let reads = 0
  const memo = createVersionedMemo<number>(() => 'v', 2)
  const load = () => ++reads
  memo.get('a', load)
  memo.get('b', load)
  memo.get('c', load)
  t.equal(memo.get('b', load), 2, 'b kept')
  t.equal(memo.get('c', load), 3, 'c kept')
  t.equal(memo.get('a', load), 4, 'a was dropped and is read again')
})
