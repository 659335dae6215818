import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import t, { type Test } from 'tap'

const root = new URL('..', import.meta.url).pathname

function tempDir (t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-server-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Starts src/server.ts on a free port of 127.0.0.1 and resolves with its URL once it listens. */
async function startServer (t: Test, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  t.teardown(() => { clearTimeout(killer); if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return { child, url, output: () => output }
}

t.test('the server listens on 127.0.0.1, serves demo content, and SIGTERM closes it cleanly with the database', async (t) => {
  const dir = tempDir(t)
  const database = join(dir, 'nested', 'broadsheet.db')
  const server = await startServer(t, { DATABASE_URL: database })
  const res = await fetch(`${server.url}/v1/categories/world`)
  t.equal(res.status, 200)
  t.equal(((await res.json()) as { slug: string }).slug, 'world')
  t.ok(existsSync(`${database}-wal`), 'WAL file exists while the server runs')
  const exited = once(server.child, 'exit')
  server.child.kill('SIGTERM')
  const [code] = await exited
  t.equal(code, 0)
  t.match(server.output(), /"signal":"SIGTERM"/)
  t.match(server.output(), /"v8Flags":\["--heap-growing-percent=\d+"\]/, 'the heap growth cap is set at start')
  t.notOk(existsSync(`${database}-wal`), 'closing the database checkpointed and removed the WAL file')
})

t.test('npm run db:migrate applies migrations to a new database file', async (t) => {
  const dir = tempDir(t)
  const database = join(dir, 'fresh.db')
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate'], {
    cwd: root, env: { ...process.env, DATABASE_URL: database }, encoding: 'utf8', timeout: 60_000
  })
  t.equal(result.status, 0, result.stderr)
  t.match(result.stdout, /Migrations applied/)
  t.ok(existsSync(database))
})

t.test('npm run openapi -- --check passes on the committed document', async (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'openapi', '--check'], {
    cwd: root, env: { ...process.env }, encoding: 'utf8', timeout: 60_000
  })
  t.equal(result.status, 0, result.stderr)
})
