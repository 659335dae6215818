import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createArticle } from '../fixtures/articles.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectProblem, type TestClock } from '../helper.js'

// Keyset pages of GET /v1/articles: every sort walks the whole list once, in order, and stays
// exact when articles are published between two page requests.

const MINUTE = 60_000
const COUNT = 26
// Case variants tie under the case-blind title sort; the id breaks the tie.
const TITLES = ['Alpha', 'alpha', 'Bravo', 'BRAVO', 'charlie', 'Delta', 'echo', 'ECHO', 'foxtrot']
const SORTS = ['-publishedAt', 'publishedAt', '-updatedAt', 'updatedAt', 'title'] as const
type Sort = typeof SORTS[number]

interface Seed { id: number, title: string, publishedAt: string, updatedAt: string }

/**
 * COUNT published articles, created in a shuffled order; publishedAt ties in threes and
 * updatedAt in fours, so every sort needs its id tiebreak. Two drafts stay hidden.
 */
async function seed (app: App, clock: TestClock): Promise<{ rows: Seed[], drafts: number[] }> {
  const rows: Seed[] = []
  for (let n = 0; n < COUNT; n++) {
    const i = (n * 7) % COUNT
    if (n % 4 === 0) clock.advance(MINUTE)
    const day = String(1 + Math.floor(i / 3)).padStart(2, '0')
    const a = await createArticle(app, { title: TITLES[i % TITLES.length], status: 'published', publishedAt: `2025-01-${day}T08:00:00.000Z` })
    rows.push({ id: a.id, title: a.title, publishedAt: a.publishedAt!, updatedAt: a.updatedAt })
  }
  const drafts = [(await createArticle(app, { title: 'Hidden draft' })).id, (await createArticle(app, { title: 'alpha draft' })).id]
  return { rows, drafts }
}

/** The order the contract promises: the sort key, then the id in the same direction. */
function expectedOrder (rows: Seed[], sort: Sort): number[] {
  const desc = sort.startsWith('-')
  const key = (r: Seed) => (sort === 'title' ? r.title.toLowerCase() : sort.endsWith('publishedAt') ? r.publishedAt : r.updatedAt)
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id))
  return (desc ? sorted.reverse() : sorted).map((r) => r.id)
}

/** Follows nextCursor from the first page to the last (at most 20 pages); `between` runs after each page. */
async function walk (t: Test, app: App, query: string, headers: Record<string, string> = {}, between?: (page: number) => Promise<void>) {
  const ids: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/v1/articles?${query}${cursor ? `&cursor=${cursor}` : ''}`
    const res = await app.inject({ url, headers })
    t.equal(res.statusCode, 200, `page ${pages + 1}: status`)
    const body = res.json()
    ids.push(...body.data.map((a: { id: number }) => a.id))
    cursor = body.meta.nextCursor
    pages++
    if (between) await between(pages)
  } while (cursor && pages < 20)
  return { ids, pages }
}

async function setup (t: Test) {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  return { app, clock, ...(await seed(app, clock)) }
}

for (const sort of SORTS) {
  t.test(`GET /v1/articles?sort=${sort}&limit=7 → pages that together are the whole list once, in order`, async (t) => {
    const { app, rows } = await setup(t)
    const order = expectedOrder(rows, sort)
    const big = await app.inject({ url: `/v1/articles?sort=${sort}&limit=100` })
    t.equal(big.statusCode, 200)
    t.same(big.json().data.map((a: { id: number }) => a.id), order, 'one big page: every published article in order')
    t.equal(big.json().meta.nextCursor, null)
    const { ids, pages } = await walk(t, app, `sort=${sort}&limit=7`)
    t.equal(pages, Math.ceil(COUNT / 7), 'page count')
    t.equal(new Set(ids).size, ids.length, 'no article twice')
    t.same(ids, order, 'no gaps: the same articles in the same order as the big page')
  })

  t.test(`GET /v1/articles?sort=${sort}&limit=7 → articles published between pages never make the walk repeat or skip one`, async (t) => {
    const { app, clock, rows, drafts } = await setup(t)
    const order = expectedOrder(rows, sort)
    const added: number[] = []
    const { ids } = await walk(t, app, `sort=${sort}&limit=7`, {}, async (page) => {
      if (page !== 1) return
      clock.advance(MINUTE)
      for (const title of ['Aardvark', 'Delta', 'zulu']) added.push((await createArticle(app, { title, status: 'published' })).id)
      const published = await app.inject({ method: 'POST', url: `/v1/articles/${drafts[1]}/publish`, headers: admin })
      t.equal(published.statusCode, 200, 'a draft published between pages')
      added.push(drafts[1]!)
    })
    t.equal(new Set(ids).size, ids.length, 'no article twice')
    t.same(ids.filter((id) => !added.includes(id)), order, 'every original article once, in order')
  })
}

t.test('GET /v1/articles?status=any with a token → keyset pages over drafts (no publishedAt) too', async (t) => {
  const { app } = await setup(t)
  const editor = await tokenFor(app, 'editor')
  for (const sort of ['-publishedAt', 'publishedAt', 'title', '-updatedAt']) {
    const big = await app.inject({ url: `/v1/articles?status=any&sort=${sort}&limit=100`, headers: editor.headers })
    t.equal(big.statusCode, 200)
    const order = big.json().data.map((a: { id: number }) => a.id)
    t.equal(order.length, COUNT + 2, `${sort}: published and drafts`)
    const { ids } = await walk(t, app, `status=any&sort=${sort}&limit=7`, editor.headers)
    t.same(ids, order, `${sort}: the walk equals the big page`)
  }
})

t.test('GET /v1/articles with a cursor from another sort → 400 naming cursor', async (t) => {
  const { app } = await setup(t)
  const message = 'cursor is not valid for this list; use meta.nextCursor from the previous page'
  for (const [from, to] of [['-publishedAt', 'publishedAt'], ['title', '-updatedAt'], ['updatedAt', '-updatedAt'], ['-publishedAt', 'title']]) {
    const first = await app.inject({ url: `/v1/articles?sort=${from}&limit=3` })
    t.equal(first.statusCode, 200)
    const cursor = first.json().meta.nextCursor
    const res = await app.inject({ url: `/v1/articles?sort=${to}&limit=3&cursor=${cursor}` })
    t.test(`${from} → ${to}`, async (t) => {
      expectProblem(t, res, 400, 'validation', message, [{ path: 'cursor', message }])
    })
  }
  const first = await app.inject({ url: '/v1/articles?limit=3' })
  const cursor = first.json().meta.nextCursor
  const relevance = await app.inject({ url: `/v1/articles?q=alpha&sort=relevance&limit=3&cursor=${cursor}` })
  expectProblem(t, relevance, 400, 'validation', message, [{ path: 'cursor', message }])
})

t.test('GET /v1/articles with a garbage cursor → 400 naming cursor', async (t) => {
  const { app } = await setup(t)
  const message = 'cursor is not valid for this list; use meta.nextCursor from the previous page'
  const b64 = (v: string) => Buffer.from(v).toString('base64url')
  const garbage = [
    'garbage',
    '!!!',
    b64('not json'),
    b64('{"sort":"-publishedAt"}'),
    b64('["-publishedAt"]'),
    b64('["-publishedAt",5,1]'),
    b64('["-publishedAt","2025-01-01T00:00:00.000Z","x"]'),
    b64('["-publishedAt","2025-01-01T00:00:00.000Z",1.5]'),
    b64('null')
  ]
  for (const cursor of garbage) {
    const res = await app.inject({ url: `/v1/articles?cursor=${encodeURIComponent(cursor)}` })
    t.test(cursor, async (t) => {
      expectProblem(t, res, 400, 'validation', message, [{ path: 'cursor', message }])
    })
  }
  const long = await app.inject({ url: `/v1/articles?cursor=${'a'.repeat(600)}` })
  expectProblem(t, long, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'cursor', message: 'cursor is too long' }])
})
