// npm run cli -- copy: the demo site copied from SQLite to PostgreSQL (and back) answers the
// same API on both, and a copy into a database that holds content is refused.
import { join } from 'node:path'
import t from 'tap'
import pg from 'pg'
import type { App } from '../../src/app.js'
import { admin, buildTestApp, runNode, tempDir } from '../helper.js'
import { freshPostgresUrl } from '../support/postgres.js'

const SECRET = 'copy-test-secret-0123456789abcdef0123'

/** A public reader's and an editor's view of the site: what a copy must keep the same. */
async function answers (app: App) {
  const list = (await app.inject({ url: '/v1/articles?limit=50' })).json().data as Array<{ slug: string }>
  const urls = [
    '/v1/articles?limit=50',
    '/v1/articles?limit=3&sort=-publishedAt&fields=id,slug,title',
    '/v1/categories', '/v1/tags', '/v1/authors',
    `/v1/articles?q=${encodeURIComponent('harbour')}`,
    ...list.flatMap(({ slug }) => [`/v1/articles/${slug}`, `/v1/article-pages/${slug}`, `/v1/articles/${slug}/comments`]),
    '/ads.txt'
  ]
  const out: Record<string, unknown> = {}
  for (const url of urls) {
    const res = await app.inject({ url })
    out[url] = { status: res.statusCode, etag: res.headers.etag, body: res.body }
  }
  const drafts = await app.inject({ url: '/v1/articles?status=draft&limit=50', headers: admin })
  out.drafts = drafts.body
  out.revisions = (await app.inject({ url: `/v1/articles/${list[0]!.slug}/revisions`, headers: admin })).body
  // lastUsedAt moves with every app's own use of the token.
  out.tokens = (await app.inject({ url: '/v1/tokens', headers: admin })).json().data.map(({ lastUsedAt, ...token }: { lastUsedAt: string | null }) => token)
  return out
}

t.test('copy moves the demo site SQLite → PostgreSQL → SQLite, and every answer reads the same on all three', async (t) => {
  const pgUrl = await freshPostgresUrl(t)
  if (pgUrl === undefined) return
  const dir = await tempDir(t)
  const source = join(dir, 'source.db')
  const env = { BROADSHEET_SECRET: SECRET }
  const seeded = await buildTestApp(t, { env: { ...env, DATABASE_URL: source, BROADSHEET_DEMO: 'true' } })
  const first = (await seeded.inject({ url: '/v1/articles?limit=1' })).json().data[0]
  const posted = await seeded.inject({ method: 'POST', url: `/v1/articles/${first.slug}/comments`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0' }, payload: { body: 'Copied with the site.', authorName: 'Ada', authorEmail: 'ada@example.com' } })
  t.equal(posted.statusCode, 201)
  await seeded.close()

  const there = await runNode('src/cli.ts', ['copy', '--from', source, '--to', pgUrl], {}, 120_000)
  t.equal(there.code, 0, there.stderr)
  t.match(there.stdout, /^Copied \d+ rows from .* in \d+ ms; every table's count checked$/m)
  t.match(there.stdout, /^articles\s+7$/m)
  // The copy leaves PostgreSQL its statistics and visibility map, not autovacuum's next pass.
  const stats = new pg.Client({ connectionString: pgUrl })
  await stats.connect()
  const vacuumed = await stats.query("select count(*)::int as n from pg_stat_user_tables where schemaname = current_schema() and relname = 'articles' and last_vacuum is not null and last_analyze is not null")
  await stats.end()
  t.equal(vacuumed.rows[0].n, 1, 'articles vacuumed and analyzed')

  const back = join(dir, 'back.db')
  const again = await runNode('src/cli.ts', ['copy', '--from', pgUrl, '--to', back], {}, 120_000)
  t.equal(again.code, 0, again.stderr)

  const onSqlite = await answers(await buildTestApp(t, { env: { ...env, DATABASE_URL: source } }))
  const onPostgres = await answers(await buildTestApp(t, { env: { ...env, DATABASE_URL: pgUrl } }))
  const roundTrip = await answers(await buildTestApp(t, { env: { ...env, DATABASE_URL: back } }))
  t.ok(Object.keys(onSqlite).length > 25, 'a whole site was compared')
  for (const key of Object.keys(onSqlite)) {
    t.same(onPostgres[key], onSqlite[key], `PostgreSQL answers ${key} as SQLite did, byte for byte`)
    t.same(roundTrip[key], onSqlite[key], 'and so does the copy back to SQLite')
  }

  const refused = await runNode('src/cli.ts', ['copy', '--from', source, '--to', pgUrl], {}, 120_000)
  t.equal(refused.code, 1)
  t.match(refused.stderr, /^The target already holds rows in \w+: copy into a new, empty database\n$/)
})

t.test('copy explains what it needs', async (t) => {
  const missing = await runNode('src/cli.ts', ['copy', '--from', ':memory:'], {})
  t.equal(missing.code, 1)
  t.equal(missing.stderr, 'copy needs --from <DATABASE_URL> and --to <DATABASE_URL>\n')
  const unknown = await runNode('src/cli.ts', ['copy', '--frm', 'a.db', '--to', 'b.db'], {})
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /^Unknown option '--frm'[^\n]*\n$/, 'an unknown option is one line, no stack')
  const same = await runNode('src/cli.ts', ['copy', '--from', 'a.db', '--to', 'a.db'], {})
  t.equal(same.code, 1)
  t.equal(same.stderr, 'copy needs two different databases\n')
})
