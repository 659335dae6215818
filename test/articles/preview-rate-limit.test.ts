import t, { type Test } from 'tap'
import { createArticle } from '../fixtures/articles.js'
import { admin, bearer, buildTestApp, expectJson, expectProblem } from '../helper.js'

// Preview tokens are credentials: a bad one spends the same per-address budget of failed
// authentication as a bad bearer token (BROADSHEET_AUTH_FAILURES_PER_MINUTE), so guessing
// preview links ends in 429 like guessing API tokens.

const LIMIT = 3
const GUESSER = '203.0.113.9'
const OTHER = '198.51.100.7'
const PREVIEW_401 = 'The preview token is invalid or has expired; ask for a new one'
const LIMITED = 'Too many failed authentication attempts from this address; try again later'

async function setup (t: Test) {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: String(LIMIT) } })
  const draft = await createArticle(app, { title: 'Embargoed merger', body: 'The board agreed in secret.' })
  const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers: admin, payload: {} })
  t.equal(res.statusCode, 201, 'preview token created')
  const { token } = res.json() as { token: string }
  const read = (preview: string, remoteAddress = GUESSER) =>
    app.inject({ url: `/v1/articles/${draft.id}?preview=${encodeURIComponent(preview)}`, remoteAddress })
  return { app, draft, token, read }
}

/** A well-formed token that this server never signed. */
const guess = (n: number) => `eyJhIjoxLCJlIjo0MTAyNDQ0ODAwfQ.${String(n).padStart(43, 'A')}`

function assertNoLeak (t: Test, body: string) {
  t.notMatch(body, /Embargoed|board agreed/, 'nothing of the draft in the answer')
}

t.test(`${LIMIT} bad preview tokens from one address → 401 each, then 429 with Retry-After and RateLimit-*`, async (t) => {
  const { read } = await setup(t)
  for (let n = 1; n <= LIMIT; n++) {
    const res = await read(guess(n))
    expectProblem(t, res, 401, 'unauthorized', PREVIEW_401)
    assertNoLeak(t, res.body)
  }
  const limited = await read(guess(LIMIT + 1))
  expectProblem(t, limited, 429, 'rate-limited', LIMITED)
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal(limited.headers['ratelimit-limit'], String(LIMIT))
  t.equal(limited.headers['ratelimit-remaining'], '0')
  t.match(limited.headers['ratelimit-reset'], /^\d+$/)
  assertNoLeak(t, limited.body)
})

// As with bearer tokens: once limited, the token is not even checked, so a guesser cannot tell
// a right guess from a wrong one until the window ends.
t.test('while an address is limited even a valid preview token from it → 429, and nothing leaks', async (t) => {
  const { read, token } = await setup(t)
  for (let n = 1; n <= LIMIT; n++) t.equal((await read(guess(n))).statusCode, 401)
  const res = await read(token)
  expectProblem(t, res, 429, 'rate-limited', LIMITED)
  assertNoLeak(t, res.body)
})

t.test('another address is not limited by the guesses: its valid preview token → 200', async (t) => {
  const { read, token, draft } = await setup(t)
  for (let n = 1; n <= LIMIT + 2; n++) await read(guess(n))
  t.equal((await read(guess(99))).statusCode, 429, 'the guesser is limited')
  expectJson(t, await read(token, OTHER), 200, draft)
  expectProblem(t, await read(guess(100), OTHER), 401, 'unauthorized', PREVIEW_401)
})

t.test('a valid preview token works before the limit and does not spend the budget', async (t) => {
  const { read, token, draft } = await setup(t)
  for (let n = 1; n < LIMIT; n++) t.equal((await read(guess(n))).statusCode, 401)
  for (let i = 0; i < LIMIT + 2; i++) {
    const res = await read(token)
    expectJson(t, res, 200, draft)
    t.equal(res.headers['cache-control'], 'private, no-store')
  }
  t.equal((await read(guess(LIMIT))).statusCode, 401, `failure ${LIMIT} is still a 401`)
  t.equal((await read(token)).statusCode, 429, 'then the address is limited')
})

t.test('bad preview tokens and bad bearer tokens share one budget', async (t) => {
  const { app, read } = await setup(t)
  t.equal((await read(guess(1))).statusCode, 401)
  t.equal((await app.inject({ url: '/v1/tokens', headers: bearer('bs_wrong-1'), remoteAddress: GUESSER })).statusCode, 401)
  t.equal((await read(guess(2))).statusCode, 401)
  const bearerAfter = await app.inject({ url: '/v1/tokens', headers: bearer('bs_wrong-2'), remoteAddress: GUESSER })
  expectProblem(t, bearerAfter, 429, 'rate-limited', LIMITED)
  expectProblem(t, await read(guess(3)), 429, 'rate-limited', LIMITED)
})

t.test('a preview token on a published article is not checked and spends nothing', async (t) => {
  const { app, read } = await setup(t)
  const published = await createArticle(app, { title: 'Out now', status: 'published' })
  for (let n = 1; n <= LIMIT + 2; n++) {
    const res = await app.inject({ url: `/v1/articles/${published.id}?preview=${guess(n)}`, remoteAddress: GUESSER })
    t.equal(res.statusCode, 200)
  }
  expectProblem(t, await read(guess(1)), 401, 'unauthorized', PREVIEW_401)
})
