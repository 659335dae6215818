// Single flight: requests for one URL that arrive while its answer is being built wait for
// that answer instead of each building it (no stampede when a hot answer was just dropped).
import t from 'tap'
import { setTimeout as delay } from 'node:timers/promises'
import type { App } from '../../src/app.js'
import { admin, buildTestApp } from '../helper.js'
import { createArticle } from '../fixtures/articles.js'

/** Counts article lookups, each made slow enough for the other requests to arrive meanwhile. */
function slowLookups (app: App, ms = 30) {
  const repo = app.articles
  const original = repo.findRow.bind(repo)
  const counter = { calls: 0 }
  repo.findRow = async (idOrSlug: string) => {
    counter.calls++
    await delay(ms)
    return original(idOrSlug)
  }
  return counter
}

t.test('twenty requests for one uncached URL build its answer once and all get it', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Breaking', status: 'published' })
  const lookups = slowLookups(app)
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject({ url: `/v1/articles/${article.slug}` })))
  t.equal(lookups.calls, 1, 'one build')
  for (const res of answers) {
    t.equal(res.statusCode, 200)
    t.equal(res.body, answers[0]!.body)
    t.equal(res.headers.etag, answers[0]!.headers.etag)
    t.equal(res.headers['surrogate-key'], answers[0]!.headers['surrogate-key'])
  }
  t.equal(answers[0]!.json().title, 'Breaking')
})

t.test('a waiter with the ETag gets a 304; requests with a token never wait', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Breaking', status: 'published' })
  const etag = (await app.inject({ url: `/v1/articles/${article.slug}?x=1` })).headers.etag as string
  const lookups = slowLookups(app)
  const url = `/v1/articles/${article.slug}?y=2`
  const [first, conditional, withToken] = await Promise.all([
    app.inject({ url }),
    app.inject({ url, headers: { 'if-none-match': etag } }),
    app.inject({ url, headers: admin })
  ])
  t.equal(first.statusCode, 200)
  t.equal(conditional.statusCode, 304)
  t.equal(withToken.statusCode, 200)
  t.equal(lookups.calls, 2, 'the anonymous pair built once, the token holder on its own')
})

t.test('an answer built across a write is given to no one: the waiters build the new one', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Before', status: 'published' })
  const lookups = slowLookups(app, 50)
  const url = `/v1/articles/${article.slug}`
  const leader = app.inject({ url })
  await delay(10)
  // The edit lands while the first answer is being built; a waiter arrives after it.
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'After' } })
  t.equal(patched.statusCode, 200)
  const waiter = app.inject({ url })
  const [first, second] = await Promise.all([leader, waiter])
  t.equal(second.json().title, 'After', 'the waiter does not get the answer from before the write')
  t.ok(lookups.calls >= 3, 'the waiter built its own answer')
  t.ok(['Before', 'After'].includes(first.json().title))
  t.equal((await app.inject({ url })).json().title, 'After')
})

t.test('a failed build lets the waiters build their own', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Fine', status: 'published' })
  const repo = app.articles
  const original = repo.findRow.bind(repo)
  let calls = 0
  repo.findRow = async (idOrSlug: string) => {
    calls++
    await delay(30)
    if (calls === 1) throw new Error('the database went away for a moment')
    return original(idOrSlug)
  }
  const url = `/v1/articles/${article.slug}`
  const [first, second, third] = await Promise.all([app.inject({ url }), app.inject({ url }), app.inject({ url })])
  t.equal(first.statusCode, 500)
  t.equal(second.statusCode, 200)
  t.equal(third.statusCode, 200)
  t.equal(second.json().title, 'Fine')
})
