// SQLite only by nature: a database file made by release 0.1 (test/fixtures/release-0.1.db, the
// demo site with a token and a pending comment) opens with this code, migrates and serves as before.
// The file is frozen: never regenerate it, add a fixture per release whose schema changes.
import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp, bearer, projectRoot, tempDir } from '../helper.js'

const FIXTURE = join(projectRoot, 'test/fixtures/release-0.1.db')
const FIXTURE_ADMIN = bearer('fixture-bootstrap-token-0123456789')

t.test('sqlite only: a release-0.1 database file upgrades in place and serves the same site', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  await copyFile(FIXTURE, file)
  const app = await buildTestApp(t, { env: { DATABASE_URL: file, BROADSHEET_BOOTSTRAP_TOKEN: 'fixture-bootstrap-token-0123456789', BROADSHEET_SECRET: 'fixture-secret-0123456789abcdef0123' } })

  const journal = JSON.parse(await readFile(join(projectRoot, 'migrations/sqlite/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
  const applied = await app.database.get<{ n: number }>(sql`select count(*) as "n" from __drizzle_migrations`)
  t.equal(applied?.n, journal.entries.length, 'every migration of this code is recorded as applied')

  const list = await app.inject({ url: '/v1/articles?limit=50' })
  t.equal(list.statusCode, 200)
  const articles = list.json().data as Array<{ slug: string, commentCount: number }>
  t.equal(articles.length, 7, 'the seven demo articles are there')

  const search = await app.inject({ url: `/v1/articles?q=${encodeURIComponent(articles[0]!.slug.split('-')[0]!)}` })
  t.equal(search.statusCode, 200)
  t.ok(search.json().data.length >= 1, 'the full-text index made by 0.1 still finds its articles')

  const tokens = await app.inject({ url: '/v1/tokens', headers: FIXTURE_ADMIN })
  t.equal(tokens.statusCode, 200, 'the bootstrap token hashed by 0.1 still authenticates')
  t.ok((tokens.json().data as Array<{ name: string }>).some((tk) => tk.name === 'newsroom script'))

  const queue = await app.inject({ url: '/v1/comments?status=pending', headers: FIXTURE_ADMIN })
  t.equal(queue.statusCode, 200)
  t.same(queue.json().data.map((c: { authorName: string, body: string }) => [c.authorName, c.body]), [['Ada Reader', 'A fine report, thank you.']], 'the comment 0.1 held for moderation is still in the queue')
  const approve = await app.inject({ method: 'PATCH', url: '/v1/comments', headers: FIXTURE_ADMIN, payload: { ids: [queue.json().data[0].id], status: 'approved' } })
  t.equal(approve.statusCode, 200, 'and can be approved')

  const one = await app.inject({ url: `/v1/articles/${articles[0]!.slug}`, headers: FIXTURE_ADMIN })
  const edit = await app.inject({
    method: 'PATCH',
    url: `/v1/articles/${articles[0]!.slug}`,
    headers: { ...FIXTURE_ADMIN, 'if-match': String(one.headers.etag) },
    payload: { title: 'Edited after the upgrade' }
  })
  t.equal(edit.statusCode, 200, 'an article made by 0.1 takes an edit')
  t.equal(edit.json().title, 'Edited after the upgrade')
})
