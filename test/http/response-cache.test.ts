import { sql } from 'drizzle-orm'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import t from 'tap'
import type { App } from '../../src/app.js'
import { admin, buildTestApp, createClock, tempDir } from '../helper.js'
import { ADMISSION_WINDOW, DATA_VERSION_POLL_MS } from '../../src/http/response-cache.js'
import { createArticle } from '../fixtures/articles.js'
import { commentForm, postComment, putCommentSettings } from '../fixtures/comments.js'

/** A published article, its public read's title, and a change written past the API (no cache is told). */
async function watchedArticle (app: App, title: string) {
  const article = await createArticle(app, { title, status: 'published' })
  const url = `/v1/articles/${article.slug}`
  return {
    article,
    url,
    title: async (): Promise<string> => (await app.inject({ url })).json().title,
    quietly: async (value: string) => { await app.database.run(sql`update articles set title = ${value} where id = ${article.id}`) }
  }
}

t.test('a repeated public read is answered from the cache with the same body and ETag, and 304 still works', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { title: 'Cached story', status: 'published' })
  const first = await app.inject({ url: '/v1/articles?fields=slug' })
  const second = await app.inject({ url: '/v1/articles?fields=slug' })
  t.equal(second.statusCode, 200)
  t.equal(second.body, first.body)
  t.equal(second.headers.etag, first.headers.etag)
  t.equal(second.headers['cache-control'], first.headers['cache-control'])
  t.match(second.headers['content-type'], /^application\/json/)
  const conditional = await app.inject({ url: '/v1/articles?fields=slug', headers: { 'if-none-match': first.headers.etag as string } })
  t.equal(conditional.statusCode, 304)
  t.equal(conditional.body, '')
})

t.test('a cached answer is the same UTF-8 bytes, with their length', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { title: 'Über die Brücke — 東京 🌊', status: 'published' })
  const reads = []
  for (let i = 0; i < 3; i++) reads.push(await app.inject({ url: '/v1/articles?fields=title' }))
  for (const res of reads) {
    t.equal(res.rawPayload.toString('utf8'), reads[0]!.body)
    t.equal(Number(res.headers['content-length']), res.rawPayload.length)
    t.equal(res.json().data[0].title, 'Über die Brücke — 東京 🌊')
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  }
})

t.test('a write through the API makes the next public read fresh', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Before', status: 'published' })
  t.equal((await app.inject({ url: `/v1/articles/${article.slug}` })).json().title, 'Before')
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'After' } })
  t.equal(patched.statusCode, 200)
  t.equal((await app.inject({ url: `/v1/articles/${article.slug}` })).json().title, 'After')
})

t.test('a commit by another connection (the import CLI) makes the next public read fresh', async (t) => {
  // SQLite-only: another connection's commit shows through data_version; PostgreSQL's is issue 20 (LISTEN/NOTIFY).
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  const app = await buildTestApp(t, { env: { DATABASE_URL: file } })
  const article = await createArticle(app, { title: 'Before', status: 'published' })
  t.equal((await app.inject({ url: `/v1/articles/${article.slug}` })).json().title, 'Before')
  const other = new Database(file)
  other.prepare('update articles set title = ?, revision = revision + 1 where id = ?').run('Changed elsewhere', article.id)
  other.close()
  // Another process's commit shows within the data_version polling window.
  await new Promise((resolve) => setTimeout(resolve, DATA_VERSION_POLL_MS + 20))
  t.equal((await app.inject({ url: `/v1/articles/${article.slug}` })).json().title, 'Changed elsewhere')
})

t.test('a cached list shows a scheduled article as soon as its time comes', async (t) => {
  const clock = createClock('2025-03-01T08:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  await createArticle(app, { title: 'Now', status: 'published' })
  await createArticle(app, { title: 'Later', status: 'scheduled', publishAt: '2025-03-01T09:00:00.000Z' })
  const before = await app.inject({ url: '/v1/articles?fields=title' })
  t.same(before.json().data.map((a: { title: string }) => a.title), ['Now'])
  t.same((await app.inject({ url: '/v1/articles?fields=title' })).json().data.map((a: { title: string }) => a.title), ['Now'], 'served from the cache')
  clock.set('2025-03-01T09:00:00.000Z')
  t.same((await app.inject({ url: '/v1/articles?fields=title' })).json().data.map((a: { title: string }) => a.title), ['Later', 'Now'])
})

t.test('comment writes keep the go-live time read before them: a scheduled article still shows at its time, with no read of the schedule per post', async (t) => {
  const clock = createClock('2025-03-01T08:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const story = await createArticle(app, { title: 'Now', status: 'published' })
  await createArticle(app, { title: 'Later', status: 'scheduled', publishAt: '2025-03-01T09:00:00.000Z' })
  await putCommentSettings(app, { moderation: 'none', postsPerMinute: 1000 })
  const titles = async () => (await app.inject({ url: '/v1/articles?fields=title' })).json().data.map((a: { title: string }) => a.title)
  t.same(await titles(), ['Now'])
  // Count the reads of the next go-live time (the only read given a `now` value alone).
  const get = app.database.get
  let scheduleReads = 0
  app.database.get = ((query: never, values?: Record<string, unknown>) => {
    if (values !== undefined && Object.keys(values).join() === 'now') scheduleReads++
    return get(query, values as never)
  }) as typeof get
  t.teardown(() => { app.database.get = get })
  for (let i = 0; i < 3; i++) {
    const posted = await postComment(app, story.slug, commentForm({ body: `Comment ${i}` }))
    t.equal(posted.statusCode, 201)
    t.same(await titles(), ['Now'], 'the list is fresh after the post, and the scheduled article not yet in it')
  }
  t.equal(scheduleReads, 0, 'no comment post read the schedule again')
  clock.set('2025-03-01T09:00:00.000Z')
  t.same(await titles(), ['Later', 'Now'], 'live at its time after the comment writes')
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${story.id}`, headers: { ...admin, 'if-match': '*' }, payload: { title: 'Now, edited' } })
  t.equal(patched.statusCode, 200)
  t.ok(scheduleReads > 0, 'an article write reads the schedule again')
})

t.test('reads with a token are never served from or stored in the public cache', async (t) => {
  const app = await buildTestApp(t)
  const draft = await createArticle(app, { title: 'Draft', status: 'draft' })
  t.equal((await app.inject({ url: `/v1/articles/${draft.slug}`, headers: admin })).statusCode, 200)
  t.equal((await app.inject({ url: `/v1/articles/${draft.slug}` })).statusCode, 404, 'the editor\'s answer was not cached for the public')
  const list = await app.inject({ url: '/v1/articles?status=draft', headers: admin })
  t.equal(list.json().data.length, 1)
  t.equal(list.headers['cache-control'], 'private, no-cache')
})

t.test('the second read really comes from the cache: a write past the API is unseen until contentChanged()', async (t) => {
  const app = await buildTestApp(t)
  const { title, quietly } = await watchedArticle(app, 'Original')
  // Read twice: an answer is kept on its second read (the doorkeeper).
  for (let i = 0; i < 2; i++) t.equal(await title(), 'Original')
  await quietly('Sneaky')
  t.equal(await title(), 'Original', 'served from the cache')
  app.contentChanged()
  t.equal(await title(), 'Sneaky')
})

t.test('a comment held for moderation keeps cached public reads; an approved one refreshes them', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Commented story', status: 'published' })
  const url = `/v1/articles/${article.slug}`
  for (let i = 0; i < 2; i++) t.equal((await app.inject({ url })).json().title, 'Commented story')
  // A change no API write announces: only a cleared cache can show it.
  await app.database.run(sql`update articles set title = ${'Changed quietly'} where id = ${article.id}`)
  const form = { body: 'Held for a moderator', authorName: 'Reader', authorEmail: 'reader@example.org' }
  const held = await app.inject({ method: 'POST', url: `${url}/comments`, payload: form })
  t.equal(held.json().status, 'pending')
  t.equal((await app.inject({ url })).json().title, 'Commented story', 'still the cached answer')

  const settings = await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: { moderation: 'none' } })
  t.equal(settings.statusCode, 200)
  t.equal((await app.inject({ url })).json().title, 'Changed quietly', 'the settings write refreshed it')
  await app.database.run(sql`update articles set title = ${'Changed again'} where id = ${article.id}`)
  const shown = await app.inject({ method: 'POST', url: `${url}/comments`, payload: { ...form, body: 'Shown at once' } })
  t.equal(shown.json().status, 'approved')
  const fresh = (await app.inject({ url })).json()
  t.equal(fresh.title, 'Changed again', 'the approved comment refreshed it')
  t.equal(fresh.commentCount, 1)
})

t.test('an answer is kept on its URL\'s second read: one-off reads never fill the cache', async (t) => {
  const app = await buildTestApp(t)
  const { title, quietly } = await watchedArticle(app, 'First')
  t.equal(await title(), 'First')
  await quietly('Second')
  t.equal(await title(), 'Second', 'read once: not kept, so the second read goes to the database')
  await quietly('Third')
  t.equal(await title(), 'Second', 'the second read was kept: the third comes from the cache')
})

t.test('the doorkeeper forgets: a URL read once is not kept once ADMISSION_WINDOW other URLs were read once', async (t) => {
  const app = await buildTestApp(t)
  const { title, quietly } = await watchedArticle(app, 'First')
  t.equal(await title(), 'First')
  // Other URLs read once each (lists before distinct times), enough to empty the doorkeeper.
  const start = Date.parse('2030-01-01T00:00:00.000Z')
  let ok = 0
  for (let i = 0; i < ADMISSION_WINDOW; i++) {
    const res = await app.inject({ url: `/v1/articles?fields=id&publishedBefore=${new Date(start + i * 1000).toISOString()}` })
    if (res.statusCode === 200) ok++
  }
  t.equal(ok, ADMISSION_WINDOW)
  await quietly('Second')
  t.equal(await title(), 'Second', 'forgotten: this read counts as a first one again')
  await quietly('Third')
  t.equal(await title(), 'Third', 'so this one still goes to the database (and is kept)')
  await quietly('Fourth')
  t.equal(await title(), 'Third', 'from the cache')
})

t.test('after a write, an answer that was cached is kept again on its first read', async (t) => {
  const app = await buildTestApp(t)
  const { article, title, quietly } = await watchedArticle(app, 'Before')
  for (let i = 0; i < 2; i++) t.equal(await title(), 'Before')
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'After' } })
  t.equal(patched.statusCode, 200)
  t.equal(await title(), 'After')
  await quietly('Quiet')
  t.equal(await title(), 'After', 'kept at the first read after the write')
})

t.test('a write moves the content version when its answer is sent, not when the client has it', async (t) => {
  // A client that hangs up after its write committed never reaches onResponse: the cache and
  // what is remembered per version (an article's state for comment posts) must not wait for it.
  const seen: Array<{ before: string, atSend: string }> = []
  let before = ''
  const app = await buildTestApp(t, {
    before: (app) => {
      app.addHook('onRequest', (request, _reply, done) => { if (request.method === 'PATCH') before = app.contentVersion(); done() })
      app.addHook('onSend', (request, _reply, payload, done) => {
        if (request.method === 'PATCH') seen.push({ before, atSend: app.contentVersion() })
        done(null, payload)
      })
    }
  })
  const article = await createArticle(app, { title: 'Before', status: 'published' })
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: admin, payload: { title: 'After' } })
  t.equal(patched.statusCode, 200)
  t.equal(seen.length, 1)
  t.not(seen[0]!.atSend, seen[0]!.before, 'moved by the time the answer is on its way')
})

t.test('a replayed comment POST (same Idempotency-Key) keeps cached public reads; a fresh approved post refreshes them', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none' })
  const { article, url, title, quietly } = await watchedArticle(app, 'Original')
  const form = commentForm()
  const headers = { 'idempotency-key': 'reply-once-1' }
  const first = await postComment(app, article.id, form, { ip: '203.0.113.70', headers })
  t.equal(first.statusCode, 201)
  t.equal(first.json().status, 'approved')
  for (let i = 0; i < 2; i++) t.equal(await title(), 'Original')
  await quietly('Changed quietly')
  t.equal(await title(), 'Original', 'a cache hit')

  const replay = await postComment(app, article.id, form, { ip: '203.0.113.70', headers })
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.same(replay.json(), first.json())
  t.equal(await title(), 'Original', 'the replay changed nothing, so the cache was kept')

  const fresh = await postComment(app, article.id, commentForm(), { ip: '203.0.113.71', headers: { 'idempotency-key': 'reply-once-2' } })
  t.equal(fresh.json().status, 'approved')
  t.equal(await title(), 'Changed quietly', 'a new approved comment refreshed it')
  t.equal((await app.inject({ url })).json().commentCount, 2)
})

t.test('BROADSHEET_RESPONSE_CACHE_MB=0 turns the cache off: every public read is built, so a change past the API shows at once', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_RESPONSE_CACHE_MB: '0' } })
  const watched = await watchedArticle(app, 'First title')
  t.equal(await watched.title(), 'First title')
  t.equal(await watched.title(), 'First title')
  await watched.quietly('Changed quietly')
  t.equal(await watched.title(), 'Changed quietly', 'no cached answer was kept')

  const cached = await buildTestApp(t)
  const other = await watchedArticle(cached, 'First title')
  t.equal(await other.title(), 'First title')
  t.equal(await other.title(), 'First title')
  await other.quietly('Changed quietly')
  t.equal(await other.title(), 'First title', 'with the default, the same reads are answered from the cache')
})
