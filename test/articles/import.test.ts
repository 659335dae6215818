import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { App } from '../../src/app.js'
import { importArticles } from '../../src/articles/import.js'
import { admin, buildTestApp } from '../helper.js'
import { countRows, searchIndexIds } from '../fixtures/articles.js'

const NOW = '2026-01-01T12:00:00.000Z'

async function slugs (app: App) {
  const res = await app.inject({ url: '/v1/articles?status=any&fields=slug&limit=100', headers: admin })
  return (res.json().data as Array<{ slug: string }>).map((a) => a.slug).sort()
}

t.test('import creates new articles and updates those whose slug exists, keeping their dates', async (t) => {
  const app = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Existing', slug: 'existing', body: 'old body' } })
  t.equal(created.statusCode, 201)
  const report = await importArticles(app.database, [
    { title: 'Archive piece', slug: 'archive-piece', body: 'From 2019', status: 'published', publishedAt: '2019-05-01T09:00:00Z', tags: ['History'] },
    { slug: 'existing', body: 'new body' }
  ], { atomic: false, now: NOW })
  t.match(report, { created: 1, updated: 1, failed: 0, items: [{ index: 0, slug: 'archive-piece', result: 'created' }, { index: 1, slug: 'existing', result: 'updated', id: created.json().id }] })
  const archive = (await app.inject({ url: '/v1/articles/archive-piece' })).json()
  t.equal(archive.publishedAt, '2019-05-01T09:00:00.000Z')
  t.same(archive.tags.map((tag: { slug: string }) => tag.slug), ['history'])
  const existing = (await app.inject({ url: '/v1/articles/existing', headers: admin })).json()
  t.equal(existing.body, 'new body')
  t.equal(existing.title, 'Existing', 'fields not in the item are untouched')
  t.equal(existing.revision, 2)
})

t.test('import reports each bad item with the API validation messages and keeps the good ones', async (t) => {
  const app = await buildTestApp(t)
  const report = await importArticles(app.database, [
    { title: 'Good one' },
    { title: '', id: 5 },
    'not an object',
    { title: 'Bad category', category: 'nowhere' },
    { title: 'Good two' }
  ], { atomic: false, now: NOW })
  t.match(report, { created: 2, updated: 0, failed: 3 })
  t.same(report.items[1]!.errors!.sort((x, y) => x.path.localeCompare(y.path)), [
    { path: 'id', message: '"id" is not a field you can set here' },
    { path: 'title', message: 'title must not be empty' }
  ])
  t.match(report.items[2], { result: 'failed' })
  t.match(report.items[3], { result: 'failed', errors: [{ path: 'category', message: 'There is no category "nowhere"' }] })
  t.same(await slugs(app), ['good-one', 'good-two'])
})

t.test('import --atomic writes nothing when one item fails', async (t) => {
  const app = await buildTestApp(t)
  const report = await importArticles(app.database, [{ title: 'Good one' }, { title: 'Taken', slug: 'BAD SLUG' }, { title: 'Good two' }], { atomic: true, now: NOW })
  t.match(report, { created: 0, updated: 0, failed: 3, atomic: true })
  t.equal(report.items.length, 3)
  t.same(await slugs(app), [])
  t.equal(await countRows(app, 'article_revisions'), 0)
  t.same(await searchIndexIds(app), [])
})

t.test('npm run cli -- import FILE prints a report and exits 1 when an item failed; - reads stdin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-import-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'articles.json')
  writeFileSync(file, JSON.stringify([{ title: 'From a file', status: 'published' }, { title: '' }]))
  const env = { ...process.env, DATABASE_URL: join(dir, 'db', 'broadsheet.db'), BROADSHEET_DEMO: 'false' }
  const root = new URL('../..', import.meta.url).pathname
  const fromFile = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', file], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })
  t.equal(fromFile.status, 1)
  t.match(JSON.parse(fromFile.stdout), { created: 1, failed: 1 })
  t.match(fromFile.stderr, /1 created, 0 updated, 1 failed/)
  const fromStdin = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', '-'], {
    cwd: root, env, encoding: 'utf8', timeout: 60_000, input: JSON.stringify([{ slug: 'from-a-file', subtitle: 'Now with a subtitle' }])
  })
  t.equal(fromStdin.status, 0, fromStdin.stderr)
  t.match(JSON.parse(fromStdin.stdout), { created: 0, updated: 1, failed: 0 })
  const notArray = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', '-'], { cwd: root, env, encoding: 'utf8', timeout: 60_000, input: '{"title":"x"}' })
  t.equal(notArray.status, 1)
  t.match(notArray.stderr, /JSON array/)
})
