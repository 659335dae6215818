import t from 'tap'
import { admin, assertProblem, bearer, buildTestApp } from '../helper.js'

t.test('failed authentication is rate limited per IP: 3 failures allowed, the 4th attempt → 429', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '3' } })
  // Keep trying (bounded) so an off-by-one shows as a count, not as a cascade of failures.
  let unauthorized = 0
  let limited
  for (let attempt = 1; attempt <= 10 && !limited; attempt++) {
    const res = await app.inject({ url: '/v1/tokens', headers: bearer(`bs_wrong-${attempt}`) })
    if (res.statusCode === 401) unauthorized++
    else limited = res
  }
  t.equal(unauthorized, 3, 'exactly 3 bad tokens answer 401 before the limit')
  if (!limited) return t.fail('never rate limited')
  const body = assertProblem(t, limited, 429, 'rate-limited')
  t.equal(body.detail, 'Too many failed authentication attempts from this address; try again later')
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal(limited.headers['ratelimit-limit'], '3')
  t.equal(limited.headers['ratelimit-remaining'], '0')
  t.match(limited.headers['ratelimit-reset'], /^\d+$/)
})

t.test('a failed authentication 401 says the budget left: RateLimit-Limit, -Remaining counting down, -Reset', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '3' } })
  const remaining: unknown[] = []
  for (let attempt = 1; attempt <= 3; attempt++) {
    const res = await app.inject({ url: '/v1/tokens', headers: bearer(`bs_wrong-${attempt}`) })
    assertProblem(t, res, 401, 'unauthorized')
    t.equal(res.headers['ratelimit-limit'], '3')
    t.match(res.headers['ratelimit-reset'], /^\d+$/)
    remaining.push(res.headers['ratelimit-remaining'])
  }
  t.same(remaining, ['2', '1', '0'])
})

// Documented behaviour: while an address is limited every request that carries a token is
// refused before the token is checked, so a guessing client cannot learn when it guessed right.
// The price is that a good token from the same address waits out the window too.
t.test('while an address is limited even a good token from it → 429', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '3' } })
  // Fail until limited (the count of failures before the 429 is the previous test's concern).
  let limited = false
  for (let attempt = 1; attempt <= 10 && !limited; attempt++) {
    const res = await app.inject({ url: '/v1/tokens', headers: bearer(`bs_wrong-${attempt}`) })
    limited = res.statusCode === 429
  }
  t.ok(limited, 'the address got limited')
  const res = await app.inject({ url: '/v1/tokens', headers: admin })
  assertProblem(t, res, 429, 'rate-limited')
  t.match(res.headers['retry-after'], /^\d+$/)
})

t.test('requests without a token are not limited by failed authentication', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '3' } })
  for (let attempt = 1; attempt <= 5; attempt++) {
    await app.inject({ url: '/v1/tokens', headers: bearer(`bs_wrong-${attempt}`) })
  }
  const res = await app.inject({ url: '/v1/categories' })
  t.equal(res.statusCode, 200)
})

t.test('successful authentication does not count towards the limit', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '3' } })
  for (let i = 0; i < 6; i++) {
    const res = await app.inject({ url: '/v1/tokens', headers: admin })
    t.equal(res.statusCode, 200)
  }
})

t.test('failures from another address do not limit this one', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '3' } })
  for (let attempt = 1; attempt <= 6; attempt++) {
    await app.inject({ url: '/v1/tokens', headers: bearer(`bs_wrong-${attempt}`), remoteAddress: '203.0.113.9' })
  }
  const res = await app.inject({ url: '/v1/tokens', headers: admin, remoteAddress: '198.51.100.7' })
  t.equal(res.statusCode, 200)
})

t.test('IPv6: failed authentication is counted per /64, like the other per-address limits', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '2' } })
  const attempt = (remoteAddress: string, i: number) => app.inject({ url: '/v1/tokens', headers: bearer(`bs_wrong-${i}`), remoteAddress })
  t.equal((await attempt('2001:db8:1:2::1', 1)).statusCode, 401)
  t.equal((await attempt('2001:db8:1:2::2', 2)).statusCode, 401)
  // Another address of the same /64 (one subscriber's block) is the same client.
  assertProblem(t, await attempt('2001:db8:1:2:abcd::9', 3), 429, 'rate-limited')
  const neighbour = await attempt('2001:db8:1:3::1', 4)
  t.equal(neighbour.statusCode, 401, 'another /64 has its own budget')
  t.equal(neighbour.headers['ratelimit-remaining'], '1')
})
