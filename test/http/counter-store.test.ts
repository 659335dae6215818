import t from 'tap'
import { createMemoryCounterStore, type CounterStore } from '../../src/lib/window-counter.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, postComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, assertProblem, bearer, buildTestApp, createClock, expectProblem } from '../helper.js'

// The limits count in app.counterStore: windows follow the app's clock, and a store that answers
// with promises (a store shared by processes, such as Redis) counts and answers the same.

const LIMITED = /^Too many requests from this address: try again in \d+ s$/

t.test('when an address\'s window ends it may post again, with a fresh budget', async (t) => {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await putCommentSettings(app, { postsPerMinute: 1 })
  const article = await createPublishedArticle(app)
  const ip = '203.0.113.60'
  t.equal((await postComment(app, article.id, commentForm({ body: 'One' }), { ip })).statusCode, 201)
  clock.advance(59_000)
  const limited = await postComment(app, article.id, commentForm({ body: 'Two' }), { ip })
  expectProblem(t, limited, 429, 'rate-limited', LIMITED)
  t.equal(limited.headers['retry-after'], '1', 'one second of the window left')
  clock.advance(1_000)
  const again = await postComment(app, article.id, commentForm({ body: 'Three' }), { ip })
  t.equal(again.statusCode, 201)
  t.equal(again.headers['ratelimit-remaining'], '0')
  t.equal(again.headers['ratelimit-reset'], '60', 'a new window of a minute')
})

t.test('a limited address may authenticate again once its failures\' window ends', async (t) => {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now, env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '1' } })
  assertProblem(t, await app.inject({ url: '/v1/tokens', headers: bearer('bs_wrong') }), 401, 'unauthorized')
  clock.advance(30_000)
  const limited = await app.inject({ url: '/v1/tokens', headers: admin })
  assertProblem(t, limited, 429, 'rate-limited')
  t.equal(limited.headers['retry-after'], '30')
  clock.advance(30_000)
  t.equal((await app.inject({ url: '/v1/tokens', headers: admin })).statusCode, 200)
})

/** In-memory stores behind promises, as a shared store answers; records the names asked for. */
function promisedStores (names: string[]): (name: string) => CounterStore {
  return (name) => {
    names.push(name)
    const store = createMemoryCounterStore(Date.now)
    return {
      incr: async (key, windowMs) => store.incr(key, windowMs),
      peek: async (key) => store.peek(key)
    }
  }
}

t.test('a store answering with promises: one store per limit, the same counts, headers and 429s', async (t) => {
  const names: string[] = []
  const app = await buildTestApp(t, { counterStore: promisedStores(names), env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '1' } })
  t.ok(names.includes('auth-failures') && names.includes('address:comment-posts') && names.includes('address:ad-events'), `stores: ${names.join(', ')}`)
  t.equal(new Set(names).size, names.length, 'each limit has its own store')

  await putCommentSettings(app, { postsPerMinute: 1 })
  const article = await createPublishedArticle(app)
  const ip = '203.0.113.61'
  const first = await postComment(app, article.id, commentForm({ body: 'One' }), { ip })
  t.equal(first.statusCode, 201)
  t.same([first.headers['ratelimit-limit'], first.headers['ratelimit-remaining'], first.headers['ratelimit-reset']], ['1', '0', '60'])
  const before = (await storedComments(app))
  expectProblem(t, await postComment(app, article.id, commentForm({ body: 'Two' }), { ip }), 429, 'rate-limited', LIMITED)
  t.same((await storedComments(app)), before, 'nothing written')

  const failed = await app.inject({ url: '/v1/tokens', headers: bearer('bs_wrong'), remoteAddress: ip })
  assertProblem(t, failed, 401, 'unauthorized')
  t.equal(failed.headers['ratelimit-remaining'], '0')
  assertProblem(t, await app.inject({ url: '/v1/tokens', headers: admin, remoteAddress: ip }), 429, 'rate-limited')
})

t.test('a store that fails: the request is a 500 problem that hides the cause, and nothing is written', async (t) => {
  const failing: CounterStore = {
    incr: async () => { throw new Error('store unreachable') },
    peek: async () => undefined
  }
  const app = await buildTestApp(t, { counterStore: () => failing })
  const article = await createPublishedArticle(app)
  const before = (await storedComments(app))
  const res = await postComment(app, article.id, commentForm())
  expectProblem(t, res, 500, 'internal', /^An unexpected error occurred\. Quote request id \S+ when reporting it\.$/)
  t.same((await storedComments(app)), before)
})
