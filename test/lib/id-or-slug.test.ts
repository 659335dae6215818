import t from 'tap'
import { isId, MAX_ID, parseIdOrSlug } from '../../src/lib/id-or-slug.js'

// An id is a positive 32-bit integer on both databases: digits past it are no id, and as no
// slug is digits alone, they name nothing (a 404), never a number PostgreSQL refuses.

t.test('digits up to the largest id are an id', async (t) => {
  t.equal(MAX_ID, 2147483647)
  t.same(parseIdOrSlug('1'), { id: 1 })
  t.same(parseIdOrSlug('0007'), { id: 7 }, 'leading zeros')
  t.same(parseIdOrSlug('2147483647'), { id: 2147483647 })
})

t.test('digits past the largest id, and anything else, are a slug', async (t) => {
  t.same(parseIdOrSlug('2147483648'), { slug: '2147483648' })
  t.same(parseIdOrSlug('9007199254740993'), { slug: '9007199254740993' })
  t.same(parseIdOrSlug('world'), { slug: 'world' })
  t.same(parseIdOrSlug('-1'), { slug: '-1' })
})

t.test('isId: integers from 1 to the largest id', async (t) => {
  t.ok(isId(1))
  t.ok(isId(MAX_ID))
  for (const value of [0, -1, 1.5, MAX_ID + 1, Number.NaN]) t.notOk(isId(value), String(value))
})
