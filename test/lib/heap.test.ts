import t from 'tap'
import { HEAP_GROWING_PERCENT, heapFlags } from '../../src/lib/heap.js'

t.test('the server caps how far the heap grows between full collections', async (t) => {
  t.same(heapFlags([]), [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`])
  t.same(heapFlags(['--enable-source-maps']), [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`])
  t.ok(HEAP_GROWING_PERCENT > 0 && HEAP_GROWING_PERCENT < 100)
})

t.test('a growth factor given on the node command line wins, in either spelling', async (t) => {
  t.same(heapFlags(['--heap-growing-percent=100']), [])
  t.same(heapFlags(['--heap_growing_percent=20']), [])
})
