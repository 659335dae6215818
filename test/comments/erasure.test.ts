import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, moderateComment, postComment } from '../fixtures/comments.js'
import { admin, buildTestApp, tempDir } from '../helper.js'
import { tableNames } from '../support/tables.js'

// DELETE /v1/comments?email= erases every copy of a commenter: their comments, the idempotent
// answers stored for their posts (name, body, and the IP in the key's scope), and the bytes of
// both in the database file and its write-ahead log.

const PERSON = { authorEmail: 'Quentin.Erasable@Example.ORG', authorName: 'Quentin Erasable', body: 'Marker body kq7f3a about the sea wall' }
const IP = '198.51.100.77'
const UA = 'EraseAgent/9.9 (quentin)'
const TRACES = ['quentin.erasable@example.org', 'Quentin Erasable', 'Marker body kq7f3a', IP, UA]

/** Every text (and blob, as UTF-8) value of every column of every table, one string per table. */
async function everyStoredValue (app: App): Promise<Map<string, string>> {
  const tables = (await tableNames(app)).map((name) => ({ name }))
  const out = new Map<string, string>()
  for (const { name } of tables) {
    const rows = await app.database.all<Record<string, unknown>>(sql`select * from ${sql.identifier(name)}`)
    out.set(name, rows.flatMap((row) => Object.values(row)).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).join('\n'))
  }
  return out
}

/** The tables holding any trace of the person, by trace. */
async function traces (app: App): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {}
  for (const [table, text] of await everyStoredValue(app)) {
    const hits = TRACES.filter((trace) => text.toLowerCase().includes(trace.toLowerCase()))
    if (hits.length > 0) found[table] = hits
  }
  return found
}

const idempotencyRows = (app: App) => app.database.all(sql`select scope as "scope", key as "key" from idempotency_keys order by key`)

/** A post of the person with an Idempotency-Key, from their address and browser. */
function postAsPerson (app: App, articleId: number, key: string, partial: Record<string, unknown> = {}) {
  return postComment(app, articleId, { ...PERSON, ...partial }, { ip: IP, headers: { 'user-agent': UA, 'idempotency-key': key } })
}

t.test('DELETE /v1/comments?email= also erases the stored idempotent answers of their posts; no table keeps their email, name, body, IP or user agent', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const first = await postAsPerson(app, article.id, 'key-first')
  t.equal(first.statusCode, 201)
  await moderateComment(app, first.json().id, { status: 'approved' })
  const second = await postAsPerson(app, article.id, 'key-second', { body: `${PERSON.body} again`, commenterToken: first.json().commenterToken })
  t.equal(second.json().status, 'approved')
  // A comment deleted one by one before the erasure still left its stored answer behind.
  const third = await postAsPerson(app, article.id, 'key-third', { body: `${PERSON.body}, third` })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/comments/${third.json().id}`, headers: admin })).statusCode, 204)
  const other = await postComment(app, article.id, commentForm({ body: 'Someone else entirely' }), { ip: '203.0.113.9', headers: { 'idempotency-key': 'key-other' } })
  t.equal(other.statusCode, 201)
  t.same(Object.keys(await traces(app)).sort(), ['comments', 'idempotency_keys'], 'before: comments and stored answers hold the person')
  const list = `/v1/articles/${article.id}/comments`
  for (let i = 0; i < 2; i++) t.match((await app.inject({ url: list })).body, PERSON.authorName, 'shown (and cached) before')

  const res = await app.inject({ method: 'DELETE', url: `/v1/comments?email=${encodeURIComponent(PERSON.authorEmail)}`, headers: admin })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { erased: 2 })
  t.same(await traces(app), {}, 'no table holds any trace of the person')
  t.notMatch((await app.inject({ url: list })).body, PERSON.authorName, 'the cached public list is gone too')
  t.same(await idempotencyRows(app), [{ scope: 'ip:203.0.113.9', key: 'key-other' }], 'another commenter\'s stored answer stays')

  // Erased answers are not replayed: a retry of the same key and body posts the comment anew.
  const replay = await postAsPerson(app, article.id, 'key-first')
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], undefined, 'not a replay')
  t.not(replay.json().id, first.json().id, 'a new comment')
  t.equal(replay.json().status, 'pending')
})

t.test('DELETE /v1/comments?email= with a bad email → 400, stored answers untouched', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  t.equal((await postAsPerson(app, article.id, 'key-kept')).statusCode, 201)
  const before = await idempotencyRows(app)
  const bad = await app.inject({ method: 'DELETE', url: '/v1/comments?email=not-an-email', headers: admin })
  t.equal(bad.statusCode, 400)
  t.same(await idempotencyRows(app), before)
  t.same(Object.keys(await traces(app)).sort(), ['comments', 'idempotency_keys'])
})

t.test('after DELETE /v1/comments?email= neither the database file nor its write-ahead log holds the erased bytes', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  const app = await buildTestApp(t, { env: { DATABASE_URL: file } })
  const article = await createPublishedArticle(app)
  for (let i = 0; i < 3; i++) t.equal((await postAsPerson(app, article.id, `file-key-${i}`, { body: `${PERSON.body} ${i}` })).statusCode, 201)
  const bytes = () => [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('')
  t.ok(bytes().includes('Marker body kq7f3a'), 'before: the body is in the files')

  const res = await app.inject({ method: 'DELETE', url: `/v1/comments?email=${encodeURIComponent(PERSON.authorEmail)}`, headers: admin })
  t.same(res.json(), { erased: 3 })
  const after = bytes()
  for (const trace of TRACES) t.notOk(after.toLowerCase().includes(trace.toLowerCase()), `no "${trace}" in the files`)
})
