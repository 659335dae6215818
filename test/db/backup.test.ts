import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { admin, buildTestApp, tempDir } from '../helper.js'

const root = new URL('../..', import.meta.url).pathname

function cli (args: string[], env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

t.test('npm run cli -- backup FILE copies a live database consistently while writes go on, and the copy restores', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'live.db')
  const app = await buildTestApp(t, { env: { DATABASE_URL: file } })
  for (let i = 0; i < 20; i++) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: `Before backup ${i}`, status: 'published' } })).statusCode, 201)
  }
  const backupFile = join(dir, 'backup.db')
  // Keep writing while the backup runs in another process.
  const state = { writing: true }
  const writes = (async () => {
    let n = 0
    while (state.writing && n < 200) {
      await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: `During backup ${n++}`, status: 'published' } })
    }
    return n
  })()
  const result = await cli(['backup', backupFile], { DATABASE_URL: file })
  state.writing = false
  await writes
  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /Backed up \d+ pages .* \(integrity_check: ok\)/)

  const copy = new Database(backupFile, { readonly: true })
  t.equal(copy.pragma('integrity_check', { simple: true }), 'ok')
  const count = copy.prepare("select count(*) from articles where title like 'Before backup %'").pluck().get() as number
  t.equal(count, 20, 'everything written before the backup is in it')
  const revisions = copy.prepare('select count(*) from articles a where not exists (select 1 from article_revisions r where r.article_id = a.id)').pluck().get()
  t.equal(revisions, 0, 'a consistent snapshot: no article without its revision')
  copy.close()
  await app.close()

  // Restore as docs/operations.md says: stop the server, replace the file (and its -wal/-shm), start.
  rmSync(`${file}-wal`, { force: true })
  rmSync(`${file}-shm`, { force: true })
  copyFileSync(backupFile, file)
  const restored = await buildTestApp(t, { env: { DATABASE_URL: file } })
  const list = await restored.inject({ url: '/v1/articles?q=before&count=true&limit=1' })
  t.equal(list.statusCode, 200)
  t.equal(list.json().meta.total, 20)
})

t.test('backup refuses to overwrite a file and explains a :memory: database', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'live.db')
  const app = await buildTestApp(t, { env: { DATABASE_URL: file } })
  await app.close()
  const first = await cli(['backup', join(dir, 'copy.db')], { DATABASE_URL: file })
  t.equal(first.code, 0, first.stderr)
  const again = await cli(['backup', join(dir, 'copy.db')], { DATABASE_URL: file })
  t.equal(again.code, 1)
  t.match(again.stderr, /exists already/)
  const memory = await cli(['backup', join(dir, 'x.db')], { DATABASE_URL: ':memory:' })
  t.equal(memory.code, 1)
  t.match(memory.stderr, /:memory:/)
  const missing = await cli(['backup'], { DATABASE_URL: file })
  t.equal(missing.code, 1)
  // Refused before any connection: no server needs to answer at this address.
  const postgres = await cli(['backup', join(dir, 'pg.db')], { DATABASE_URL: 'postgres://broadsheet:secret-pw@127.0.0.1:1/news' })
  t.equal(postgres.code, 1)
  t.match(postgres.stderr, /^backup copies a SQLite file; back PostgreSQL up with its own tools: pg_dump/)
  t.notMatch(postgres.stderr, /secret-pw/, 'the password is not printed')
  t.notOk(existsSync(join(dir, 'pg.db')), 'no SQLite file was made from the URL')
})
