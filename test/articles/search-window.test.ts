import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import type { App } from '../../src/app.js'
import { COMMON_FACTOR, MAX_EXPANSIONS } from '../../src/articles/search-plan.js'
import { createArticle, articleIds, dataIds } from '../fixtures/articles.js'
import { admin, buildTestApp, ON_SQLITE } from '../helper.js'

// How search stays fast on a big index, with BROADSHEET_SEARCH_WINDOW made small so a few
// articles show it: a search matching more than the window ranks only the newest matches,
// words in more than COMMON_FACTOR × window articles match without weighing in the ranking,
// the last word expands from the dictionary of indexed terms, and date-sorted searches
// still see every match.

const live = { status: 'published' }

async function get (t: Test, app: App, query: string) {
  const res = await app.inject({ url: `/v1/articles?${query}` })
  t.equal(res.statusCode, 200, `${query}: status`)
  return res
}

const search = articleIds

/** Every page of a list, following nextCursor. */
async function walk (t: Test, app: App, query: string): Promise<number[]> {
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await get(t, app, `${query}${cursor ? `&cursor=${cursor}` : ''}`)
    seen.push(...dataIds(res))
    cursor = res.json().meta.nextCursor
    pages++
  } while (cursor && pages < 50)
  return seen
}

t.test('GET /v1/articles?q= → every match while there are no more than the window; past it, the newest window of them', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: '5' } })
  const made: number[] = []
  for (let i = 0; i < 5; i++) made.push((await createArticle(app, { ...live, title: `Kelp report ${i}`, body: 'Kelp forests grow.' })).id)
  await createArticle(app, { ...live, title: 'Unrelated', body: 'Nothing here.' })
  t.same((await search(t, app, 'q=kelp&limit=100')).sort((a, b) => a - b), made, 'five matches, window of five: all of them')
  t.same((await get(t, app, 'q=kelp&count=true')).json().meta, { limit: 20, nextCursor: null, total: 5 }, 'an exact total, no lower-bound flag')

  made.push((await createArticle(app, { ...live, title: 'Kelp report 5', body: 'Kelp forests grow.' })).id)
  t.same((await search(t, app, 'q=kelp&limit=100')).sort((a, b) => a - b), made.slice(1), 'six matches: the oldest is left out')
  t.same((await get(t, app, 'q=kelp&count=true')).json().meta, { limit: 20, nextCursor: null, total: 5, totalIsLowerBound: true },
    'the total counts the window and says it is a lower bound')
})

t.test('GET /v1/articles?q= past the window → the newest matches, ranked by relevance among themselves', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: '4' } })
  // Old and strongly relevant: outside the window all the same.
  const old: number[] = []
  for (let i = 0; i < 4; i++) old.push((await createArticle(app, { ...live, title: `Kelp kelp kelp ${i}`, body: 'Kelp kelp kelp kelp.', excerpt: 'Kelp.' })).id)
  const bodyA = await createArticle(app, { ...live, title: 'Harbour notes', body: 'Some kelp washed up on the beach today.', excerpt: 'Notes.' })
  const inTitle = await createArticle(app, { ...live, title: 'Kelp on the beach', body: 'Washed up today.', excerpt: 'Notes.' })
  const bodyB = await createArticle(app, { ...live, title: 'Harbour notes', body: 'Some kelp washed up on the beach today.', excerpt: 'Notes.' })
  const inExcerpt = await createArticle(app, { ...live, title: 'Beach notes', body: 'Washed up today.', excerpt: 'Kelp again.' })
  const order = await search(t, app, 'q=kelp')
  t.same(order, [inTitle.id, inExcerpt.id, bodyA.id, bodyB.id], 'title, then excerpt, then the two equal body matches by id')
  for (const id of old) t.notOk(order.includes(id), `old match ${id} is outside the window`)
})

t.test('GET /v1/articles?q= past the window → a rare word still finds an old article', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: '3' } })
  const oldest = await createArticle(app, { ...live, title: 'Quasar seen over the harbour', body: 'Astronomers and kelp.' })
  for (let i = 0; i < 10; i++) await createArticle(app, { ...live, title: `Kelp ${i}`, body: 'Kelp again.' })
  t.same(await search(t, app, 'q=quasar'), [oldest.id], 'the only match, however old')
  t.same(await search(t, app, 'q=quasar%20kelp'), [oldest.id], 'two words: one rare match, within the window')
  t.notOk((await search(t, app, 'q=kelp&limit=100')).includes(oldest.id), 'the common word alone: only the newest three')
})

t.test('GET /v1/articles?q=… past the window → relevance pages never repeat or skip, and end with the window', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: '7' } })
  const made: number[] = []
  for (let i = 0; i < 12; i++) {
    const payload = i % 3 === 0 ? { title: `Otter news ${i}`, body: 'Nothing else.' } : { title: `River report ${i}`, body: 'otter '.repeat(1 + (i % 4)) + 'in the river.' }
    made.push((await createArticle(app, { ...live, ...payload })).id)
  }
  const big = await search(t, app, 'q=otter&limit=100')
  t.same([...big].sort((a, b) => a - b), made.slice(-7), 'the big page is the newest seven')
  const pages = await walk(t, app, 'q=otter&limit=3')
  t.equal(new Set(pages).size, pages.length, 'no article twice')
  t.same(pages, big, 'the pages are the big page, in order')
})

t.test('GET /v1/articles?q= with only words in very many articles → they match; title matches first, then newest', async (t) => {
  const window = 3
  const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: String(window) } })
  // More than COMMON_FACTOR × window articles hold "kelp": it is common.
  for (let i = 0; i <= COMMON_FACTOR * window; i++) await createArticle(app, { ...live, title: `Report ${i}`, body: 'Kelp and sand.' })
  const inTitle = await createArticle(app, { ...live, title: 'Kelp everywhere', body: 'Sand.' })
  const often = await createArticle(app, { ...live, title: 'Beach', body: 'Kelp kelp kelp kelp kelp.' })
  const newest = await createArticle(app, { ...live, title: 'Beach', body: 'Kelp and sand.' })
  // bm25 would put the five-times match second; a common word does not weigh.
  t.same(await search(t, app, 'q=kelp'), [inTitle.id, newest.id, often.id], 'the title match, then the newest first')
  const rare = await createArticle(app, { ...live, title: 'Beach', body: 'Kelp, sand and a narwhal.' })
  const rarer = await createArticle(app, { ...live, title: 'Narwhal narwhal', body: 'Kelp.' })
  t.same(await search(t, app, 'q=kelp%20narwhal'), [rarer.id, rare.id], 'with a rarer word, it alone weighs: bm25 orders by narwhal')
  t.same(await search(t, app, 'q=narwhal%20zeppelin'), [], 'every word is still required')
})

t.test('GET /v1/articles?q= → the last word expands to the indexed words it begins, from three letters on', async (t) => {
  const app = await buildTestApp(t)
  const barrier = await createArticle(app, { ...live, title: 'Sea barrier tested', body: 'The wall held.' })
  const barn = await createArticle(app, { ...live, title: 'Old barn restored', body: 'A roof.' })
  const ba = await createArticle(app, { ...live, title: 'Ba and be', body: 'Two short words.' })
  const cafe = await createArticle(app, { ...live, title: 'Café reopens', body: 'Terraces.' })
  t.same((await search(t, app, 'q=bar')).sort((a, b) => a - b), [barrier.id, barn.id], 'three letters: a prefix')
  t.same(await search(t, app, 'q=ba'), [ba.id], 'two letters: only the whole word')
  t.same(await search(t, app, 'q=BARR'), [barrier.id], 'case-blind')
  t.same(await search(t, app, `q=${encodeURIComponent('Café')}`), [cafe.id], 'accents folded like the index')
  t.same(await search(t, app, 'q=caf'), [cafe.id], 'the folded word expands')
  t.same(await search(t, app, 'q=barx'), [], 'a prefix of no indexed word matches nothing')
})

// SQLite only: FTS5 expands a prefix from search_terms to its first words; PostgreSQL's `:*`
// prefix matches every word it begins (docs/operations.md, Storage), so there zyxzz is found.
t.test(`sqlite only: GET /v1/articles?q= → a prefix covers its first ${MAX_EXPANSIONS} words in alphabetical order`, async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const words = Array.from({ length: MAX_EXPANSIONS }, (_, i) => `zyx${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`)
  const many = await createArticle(app, { ...live, title: 'Many words', body: words.join(' ') })
  const last = await createArticle(app, { ...live, title: 'One more', body: 'zyxzz' })
  t.same(await search(t, app, 'q=zyx'), [many.id], `zyxzz is past the first ${MAX_EXPANSIONS}`)
  t.same(await search(t, app, 'q=zyxz'), [last.id], 'a longer prefix reaches it')
  t.same(await search(t, app, 'q=zyxzz'), [last.id], 'the whole word too')
})

// SQLite only: search_terms is the dictionary FTS5's prefix expansion reads; PostgreSQL needs none.
t.test('sqlite only: search_terms follows the index: created and edited articles add their terms', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const a = await createArticle(app, { ...live, title: 'Council statue', body: 'The council debated the walrus.' })
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { body: 'The council debated the pelicanfish fountain.' } })
  t.equal(patched.statusCode, 200)
  t.same(await search(t, app, 'q=pelic'), [a.id], 'a word added by an edit expands')
  const db = app.database
  const missing = await db.all(sql`select term from articles_fts_vocab v where not exists (select 1 from search_terms s where s.term = v.term)`)
  t.same(missing, [], 'every indexed term is in the dictionary')
  t.ok(await db.get(sql`select 1 as "one" from search_terms where term = 'walrus'`), 'a term no article holds any more stays (it matches nothing)')
  t.same(await search(t, app, 'q=walrus'), [], 'and finds nothing')
})

t.test('GET /v1/articles?q=…&sort=-publishedAt → every match by date, keyset-paged, whether the word is common or rare', async (t) => {
  for (const window of ['2', '5000']) {
    const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: window } })
    const made: Array<{ id: number, publishedAt: string }> = []
    for (let i = 0; i < 9; i++) {
      // Publication dates out of id order, as imports and backdating make them.
      const publishedAt = new Date(Date.UTC(2025, 0, 1 + ((i * 5) % 9))).toISOString()
      made.push({ id: (await createArticle(app, { ...live, title: `Kelp ${i}`, body: 'Kelp.', publishedAt })).id, publishedAt })
      await createArticle(app, { ...live, title: `Sand ${i}`, body: 'Sand.', publishedAt })
    }
    const byDate = [...made].sort((x, y) => y.publishedAt.localeCompare(x.publishedAt) || y.id - x.id).map((m) => m.id)
    t.same(await walk(t, app, 'q=kelp&sort=-publishedAt&limit=2'), byDate, `window ${window}: newest first, all nine`)
    t.same(await walk(t, app, 'q=kelp&sort=publishedAt&limit=4'), [...byDate].reverse(), `window ${window}: oldest first`)
    t.same(await walk(t, app, 'q=kelp&sort=title&limit=4'), [...made].sort((x, y) => x.id - y.id).map((m) => m.id), `window ${window}: by title`)
    const counted = (await get(t, app, 'q=kelp&sort=-publishedAt&count=true')).json().meta
    t.same(counted, window === '2' ? { limit: 20, nextCursor: null, total: 2, totalIsLowerBound: true } : { limit: 20, nextCursor: null, total: 9 },
      `window ${window}: the count follows the window`)
  }
})

// SQLite only: SQLite's window is the newest matches of the index, drafts included, filtered
// after; PostgreSQL's is the newest visible matches (filters apply first), so the draft takes
// no place there and featured 1 is found (docs/operations.md, Storage).
t.test('sqlite only: GET /v1/articles?q= past the window → filters and visibility apply within the window', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_SEARCH_WINDOW: '4', ...ON_SQLITE } })
  const featured = await createArticle(app, { ...live, title: 'Kelp one', featured: true })
  await createArticle(app, { ...live, title: 'Kelp two' })
  await createArticle(app, { title: 'Kelp draft' })
  const shown = await createArticle(app, { ...live, title: 'Kelp four', featured: true })
  const newest = await createArticle(app, { ...live, title: 'Kelp five' })
  t.same((await search(t, app, 'q=kelp&limit=100')).sort((a, b) => a - b), [2, shown.id, newest.id], 'the draft takes a place in the window but is never shown')
  t.same(await search(t, app, 'q=kelp&featured=true'), [shown.id], `featured ${featured.id} is older than the window`)
  const editor = await app.inject({ url: '/v1/articles?q=kelp&status=any&limit=100', headers: admin })
  t.equal(editor.statusCode, 200)
  t.equal(dataIds(editor).length, 4, 'with a token the draft is in the window too')
})
