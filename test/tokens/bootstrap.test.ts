import { sql } from 'drizzle-orm'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { admin, assertProblem, bearer, BOOTSTRAP, buildTestApp, runNode, tempDir } from '../helper.js'

function bootstrapRows (app: App) {
  return app.database.all<Record<string, unknown>>(sql`select id, name, role, prefix, revoked_at from api_tokens where name = 'bootstrap'`)
}

t.test('BROADSHEET_BOOTSTRAP_TOKEN creates an admin token named bootstrap that works', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/tokens', headers: admin })
  t.equal(res.statusCode, 200)
  const bootstrap = res.json().data.filter((item: { name: string }) => item.name === 'bootstrap')
  t.equal(bootstrap.length, 1)
  t.match(bootstrap[0], { id: Number, name: 'bootstrap', role: 'admin', authorId: null, revokedAt: null })
})

t.test('the bootstrap token prefix reveals none of the chosen secret', async (t) => {
  const secret = 'Zq7-operator-chosen-secret-4711'
  const app = await buildTestApp(t, { env: { BROADSHEET_BOOTSTRAP_TOKEN: secret } })
  const res = await app.inject({ url: '/v1/tokens', headers: bearer(secret) })
  t.equal(res.statusCode, 200)
  const [bootstrap] = res.json().data
  t.equal(bootstrap.prefix, 'bootstrap')
  t.notOk(bootstrap.prefix.includes(secret.slice(0, 3)), 'no leading characters of the secret')
  t.notOk(res.body.includes(secret), 'the secret is not in the list')
})

t.test('building twice on one database file with the same bootstrap secret keeps one bootstrap token', async (t) => {
  const dir = await tempDir(t)
  const env = { DATABASE_URL: join(dir, 'db', 'broadsheet.db') }
  const first = await buildTestApp(t, { env })
  const firstRows = await bootstrapRows(first)
  t.equal(firstRows.length, 1)
  await first.close()

  const second = await buildTestApp(t, { env })
  t.same(await bootstrapRows(second), firstRows)
  const res = await second.inject({ url: '/v1/tokens', headers: admin })
  t.equal(res.statusCode, 200)
})

/** Builds the production app on `databaseUrl` with its log lines captured (level info and up). */
async function buildLogged (t: Test, databaseUrl: string) {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk: Buffer | string, _encoding, callback) { chunks.push(chunk.toString()); callback() } })
  const config = loadConfig({ DATABASE_URL: databaseUrl, BROADSHEET_DEMO: 'false', BROADSHEET_BOOTSTRAP_TOKEN: BOOTSTRAP })
  const app = await buildApp({ config, logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  await app.ready()
  const text = () => chunks.join('')
  const warnings = () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number, msg: string }).filter((l) => l.level >= 40)
  return { app, text, warnings }
}

t.test('a revoked bootstrap token stays revoked after restarts with the same secret; each start logs one warning without the secret', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  const first = await buildLogged(t, file)
  t.same(first.warnings(), [], 'no warning while the token is live')
  const [row] = await bootstrapRows(first.app)
  const revoke = await first.app.inject({ method: 'DELETE', url: `/v1/tokens/${String(row!.id)}`, headers: admin })
  t.equal(revoke.statusCode, 204)
  assertProblem(t, await first.app.inject({ url: '/v1/tokens', headers: admin }), 401, 'unauthorized')
  await first.app.close()

  for (const restart of [1, 2]) {
    const again = await buildLogged(t, file)
    assertProblem(t, await again.app.inject({ url: '/v1/tokens', headers: admin }), 401, 'unauthorized')
    t.match(await bootstrapRows(again.app), [{ id: row!.id, role: 'admin', revoked_at: String }], `restart ${restart}: still revoked, still one row`)
    t.match(again.warnings(), [{ level: 40, msg: 'BROADSHEET_BOOTSTRAP_TOKEN names a revoked token: it stays revoked; unset the variable or choose a new secret' }], `restart ${restart}: one warning`)
    t.notOk(again.text().includes(BOOTSTRAP), 'the secret is not logged')
    await again.app.close()
  }
})

t.test('CLI token create prints one bs_ secret line that the app then accepts', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'cli', 'broadsheet.db')
  const run = await runNode('src/cli.ts', ['token', 'create', '--role', 'admin', '--name', 'ops'], { DATABASE_URL: file })
  t.equal(run.signal, null, 'it exited by itself, not by the timeout')
  t.equal(run.code, 0, run.stderr)
  const lines = run.stdout.split('\n').filter(Boolean)
  t.equal(lines.length, 1, 'stdout is one line')
  const secret = lines[0] ?? ''
  t.match(secret, /^bs_[A-Za-z0-9_-]{40,}$/)

  const app = await buildTestApp(t, { env: { DATABASE_URL: file } })
  const res = await app.inject({ url: '/v1/tokens', headers: bearer(secret) })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, [{ name: 'ops', role: 'admin' }])
})

t.test('CLI token create with an unknown role exits 1 and creates nothing', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'broadsheet.db')
  const run = await runNode('src/cli.ts', ['token', 'create', '--role', 'nope', '--name', 'x'], { DATABASE_URL: file })
  t.equal(run.signal, null, 'it exited by itself, not by the timeout')
  t.equal(run.code, 1)
  t.equal(run.stdout, '')
  t.match(run.stderr, /--role must be one of admin, editor, author, contributor/)
  t.notOk(existsSync(file), 'no database was even opened')
})
