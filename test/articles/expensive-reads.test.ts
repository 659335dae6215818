import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import type { App } from '../../src/app.js'
import { admin, type Answer, buildTestApp, expectProblem } from '../helper.js'
import { articleTables, createArticle } from '../fixtures/articles.js'

// Uncached anonymous searches and counts spend BROADSHEET_EXPENSIVE_READS_PER_MINUTE per address.

const LIMITED = /^Too many requests from this address: try again in \d+ s$/
const A = '198.51.100.30'
const B = '198.51.100.31'

async function appWithBudget (t: Test, budget: number): Promise<App> {
  const app = await buildTestApp(t, { env: { BROADSHEET_EXPENSIVE_READS_PER_MINUTE: String(budget) } })
  for (const title of ['Harbour news', 'Storm warning', 'Market day']) await createArticle(app, { title, status: 'published' })
  return app
}

const read = (app: App, query: string, remoteAddress = A, headers: Record<string, string> = {}) =>
  app.inject({ url: `/v1/articles?${query}`, remoteAddress, headers })

function spent (t: Test, res: Answer, limit: number, remaining: number) {
  t.equal(res.statusCode, 200)
  t.equal(res.headers['ratelimit-limit'], String(limit))
  t.equal(res.headers['ratelimit-remaining'], String(remaining))
}

function notCounted (t: Test, res: Answer, what: string) {
  t.equal(res.statusCode, 200, what)
  t.notOk(res.headers['ratelimit-limit'], `${what}: no budget spent`)
}

function limited (t: Test, res: Answer) {
  expectProblem(t, res, 429, 'rate-limited', LIMITED)
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter} within the minute`)
  t.equal(res.headers['ratelimit-reset'], String(retryAfter))
  t.equal(res.headers['ratelimit-remaining'], '0')
  t.notOk(res.headers.etag, 'no answer of the list')
}

t.test('past the budget an uncached search is 429 with Retry-After, and leaves nothing behind', async (t) => {
  const app = await appWithBudget(t, 3)
  spent(t, await read(app, 'q=harbour&fields=title'), 3, 2)
  spent(t, await read(app, 'q=storm&fields=title'), 3, 1)
  spent(t, await read(app, 'count=true&fields=title'), 3, 0)
  const before = await articleTables(app)
  const url = 'q=market&fields=title,subtitle'
  limited(t, await read(app, url))
  limited(t, await read(app, 'q=storm&count=true'))
  t.same(await articleTables(app), before)
  // The refused read was no read for the cache either: another address's first read is a first one.
  t.same((await read(app, url, B)).json().data, [{ id: 3, title: 'Market day', subtitle: null }])
  await app.database.run(sql`update articles set subtitle = ${'Changed quietly'} where id = 3`)
  t.same((await read(app, url, B)).json().data, [{ id: 3, title: 'Market day', subtitle: 'Changed quietly' }], 'not kept yet: this was its second read')
})

t.test('a cached search is answered past the budget, cache busters and all', async (t) => {
  const app = await appWithBudget(t, 3)
  spent(t, await read(app, 'q=harbour&fields=title'), 3, 2)
  spent(t, await read(app, 'fields=title&q=harbour'), 3, 1)
  notCounted(t, await read(app, 'q=harbour&fields=title'), 'a hit')
  spent(t, await read(app, 'q=storm'), 3, 0)
  limited(t, await read(app, 'q=market'))
  for (const query of ['q=harbour&fields=title', 'fields=title&q=harbour&_=1700000000', 'utm_source=x&q=harbour&fields=title']) {
    const res = await read(app, query)
    notCounted(t, res, query)
    t.same(res.json().data, [{ id: 1, title: 'Harbour news' }])
  }
})

t.test('requests with a token are not limited', async (t) => {
  const app = await appWithBudget(t, 1)
  spent(t, await read(app, 'q=harbour'), 1, 0)
  limited(t, await read(app, 'q=storm'))
  for (let i = 0; i < 3; i++) notCounted(t, await read(app, `q=storm&count=true&limit=${i + 1}`, A, admin), `token read ${i}`)
})

t.test('cheap reads are not limited: plain pages at any depth, a single article', async (t) => {
  const app = await appWithBudget(t, 1)
  spent(t, await read(app, 'count=true'), 1, 0)
  limited(t, await read(app, 'count=true&limit=2'))
  const first = await read(app, 'limit=1&count=false')
  notCounted(t, first, 'a first page')
  let cursor: string | null = first.json().meta.nextCursor
  for (let depth = 2; cursor !== null; depth++) {
    const page = await read(app, `limit=1&cursor=${cursor}`)
    notCounted(t, page, `page ${depth}`)
    cursor = page.json().meta.nextCursor
  }
  notCounted(t, await read(app, 'limit=3&sort=title&fields=title'), 'a sorted list')
  const one = await app.inject({ url: '/v1/articles/harbour-news', remoteAddress: A })
  notCounted(t, one, 'an article')
})

t.test('two addresses have their own budgets', async (t) => {
  const app = await appWithBudget(t, 1)
  spent(t, await read(app, 'q=harbour', A), 1, 0)
  limited(t, await read(app, 'q=storm', A))
  spent(t, await read(app, 'q=storm', B), 1, 0)
  limited(t, await read(app, 'q=market', B))
  limited(t, await read(app, 'q=market', A))
})

t.test('a bad search is a 400 that spends nothing', async (t) => {
  const app = await appWithBudget(t, 1)
  t.equal((await read(app, 'q=')).statusCode, 400)
  t.equal((await read(app, 'q=harbour&limit=500')).statusCode, 400)
  spent(t, await read(app, 'q=harbour'), 1, 0)
})
