import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

// Without BROADSHEET_SECRET the signing key is generated and kept in the database, so a copy of
// the database (a backup) is enough to forge preview and ad links: in production, say so at start.

const WARNING = 'BROADSHEET_SECRET is not set: the signing key is kept in the database, so anyone with a copy of it can forge preview links, ad links and commenter tokens; set BROADSHEET_SECRET'

/** Builds the production app with `env` and its log captured; returns the log lines and the stored key. */
async function start (t: Test, env: Record<string, string>) {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk: Buffer | string, _encoding, callback) { chunks.push(chunk.toString()); callback() } })
  const config = loadConfig({ DATABASE_URL: ':memory:', BROADSHEET_DEMO: 'false', ...env })
  const app = await buildApp({ config, logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  await app.ready()
  const lines = chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number, msg: string })
  return { warnings: lines.filter((l) => l.level >= 40), text: chunks.join(''), secret: app.secret }
}

t.test('NODE_ENV is a typed config field: trimmed, development when unset or blank', async (t) => {
  t.equal(loadConfig({}).nodeEnv, 'development')
  t.equal(loadConfig({ NODE_ENV: '  ' }).nodeEnv, 'development')
  t.equal(loadConfig({ NODE_ENV: ' production ' }).nodeEnv, 'production')
  t.equal(loadConfig({ NODE_ENV: 'staging' }).nodeEnv, 'staging')
})

t.test('NODE_ENV=production without BROADSHEET_SECRET → start-up logs one warning, without the key', async (t) => {
  const { warnings, text, secret } = await start(t, { NODE_ENV: 'production' })
  t.same(warnings.map((w) => [w.level, w.msg]), [[40, WARNING]])
  t.notOk(text.includes(secret), 'the generated key is not logged')
})

t.test('no warning with BROADSHEET_SECRET set in production, nor outside production', async (t) => {
  t.same((await start(t, { NODE_ENV: 'production', BROADSHEET_SECRET: 's'.repeat(32) })).warnings, [])
  t.same((await start(t, {})).warnings, [])
  t.same((await start(t, { NODE_ENV: 'staging' })).warnings, [])
})
