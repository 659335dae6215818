import t from 'tap'
import type { App } from '../../src/app.js'
import { admin, buildTestApp, createClock } from '../helper.js'
import { tokenFor } from '../fixtures/tokens.js'

const post = (headers: Record<string, string>, payload: Record<string, unknown>) => ({ method: 'POST' as const, url: '/v1/tags', headers, payload })

async function tagCount (app: App) {
  return (await app.inject({ url: '/v1/tags?count=true' })).json().meta.total as number
}

t.test('POST with Idempotency-Key → a retry with the same body replays the first 201 and creates nothing', async (t) => {
  const app = await buildTestApp(t)
  const headers = { ...admin, 'idempotency-key': 'create-climate-1' }
  const first = await app.inject(post(headers, { name: 'Climate' }))
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotent-replayed'])
  const retry = await app.inject(post(headers, { name: 'Climate' }))
  t.equal(retry.statusCode, 201)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(retry.headers.location, first.headers.location)
  t.equal(retry.headers.etag, first.headers.etag)
  t.match(retry.headers['content-type'], /^application\/json/)
  t.same(retry.json(), first.json())
  t.equal(await tagCount(app), 1)
})

t.test('POST with a used Idempotency-Key and another body → 422 problem and nothing created', async (t) => {
  const app = await buildTestApp(t)
  const headers = { ...admin, 'idempotency-key': 'k-1' }
  t.equal((await app.inject(post(headers, { name: 'Climate' }))).statusCode, 201)
  const other = await app.inject(post(headers, { name: 'Energy' }))
  t.equal(other.statusCode, 422)
  t.match(other.headers['content-type'], /^application\/problem\+json/)
  t.match(other.json(), { type: 'urn:broadsheet:problem:idempotency-key-reused', status: 422, title: 'Unprocessable Entity' })
  t.equal(await tagCount(app), 1)
})

t.test('the same Idempotency-Key from another token is its own key', async (t) => {
  const app = await buildTestApp(t)
  const editor = await tokenFor(app, 'editor')
  t.equal((await app.inject(post({ ...admin, 'idempotency-key': 'shared' }, { name: 'Climate' }))).statusCode, 201)
  const res = await app.inject(post({ ...editor.headers, 'idempotency-key': 'shared' }, { name: 'Energy' }))
  t.equal(res.statusCode, 201)
  t.equal(res.json().slug, 'energy')
  t.equal(await tagCount(app), 2)
})

t.test('a failed first attempt is not remembered: the retry runs again', async (t) => {
  const app = await buildTestApp(t)
  const headers = { ...admin, 'idempotency-key': 'retry-me' }
  t.equal((await app.inject(post(headers, { name: '' }))).statusCode, 400)
  const res = await app.inject(post(headers, { name: 'Climate' }))
  t.equal(res.statusCode, 201)
  t.notOk(res.headers['idempotent-replayed'])
})

t.test('a malformed Idempotency-Key → 400 naming the header, nothing created', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject(post({ ...admin, 'idempotency-key': 'x'.repeat(201) }, { name: 'Climate' }))
  t.equal(res.statusCode, 400)
  t.match(res.json(), { type: 'urn:broadsheet:problem:validation', errors: [{ path: 'Idempotency-Key' }] })
  t.equal(await tagCount(app), 0)
})

t.test('without a token the key is not checked before authentication: 401', async (t) => {
  const app = await buildTestApp(t)
  t.equal((await app.inject(post({ ...admin, 'idempotency-key': 'a' }, { name: 'Climate' }))).statusCode, 201)
  const res = await app.inject(post({ 'idempotency-key': 'a' }, { name: 'Climate' }))
  t.equal(res.statusCode, 401)
})

t.test('a key older than 24 hours by the app clock is forgotten: it may then create again', async (t) => {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const headers = { ...admin, 'idempotency-key': 'daily-import' }
  t.equal((await app.inject(post(headers, { name: 'Climate' }))).statusCode, 201)
  clock.advance(24 * 60 * 60 * 1000 - 1000)
  t.equal((await app.inject(post(headers, { name: 'Climate' }))).headers['idempotent-replayed'], 'true', 'still kept a second before 24 hours')
  clock.advance(2000)
  const res = await app.inject(post(headers, { name: 'Energy' }))
  t.equal(res.statusCode, 201, 'another body under the expired key is no mismatch')
  t.notOk(res.headers['idempotent-replayed'])
  t.equal(await tagCount(app), 2)
  const { idempotencyKeys } = app.database.tables
  const rows = await app.database.all(app.database.orm.select().from(idempotencyKeys))
  t.same(rows.map((r) => r.createdAt), ['2025-02-02T00:00:01.000Z'], 'the expired key was deleted; the new one is stamped by the app clock')
})
