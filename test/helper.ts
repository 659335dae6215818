import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { STATUS_CODES } from 'node:http'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { buildApp, type App } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { CounterStore } from '../src/lib/window-counter.js'
import { freshPostgresUrl, postgresRequired } from './support/postgres.js'

export const BOOTSTRAP = 'test-bootstrap-token-0123456789abcdef'

export interface TestAppOptions {
  /** Environment variables on top of the test defaults, parsed by the production config schema. */
  env?: Record<string, string>
  /** The clock the app reads (`createClock(start).now` for one a test moves). */
  now?: () => Date
  /** The ad selection's random source, [0, 1). */
  random?: () => number
  /** Where the app's limits count (a shared store's stand-in); in-memory when absent. */
  counterStore?: (name: string) => CounterStore
  /** Runs before app.ready(): hooks added here apply to every route. */
  before?: (app: App) => void
}

/**
 * The one way tests build the production app: a fresh database (unless `env` names one), the
 * bootstrap admin token, no demo content, closed when the test ends. The fresh database is
 * SQLite's `:memory:`, or under `npm run test:pg` a new PostgreSQL schema, so every test runs
 * on both. The ad counter flush timer is at its longest (300 s), so counts reach the database
 * only through app.ads.flush(), GET /v1/ads/stats or shutdown, never mid-assertion.
 */
export async function buildTestApp (t: Test, options: TestAppOptions = {}): Promise<App> {
  const fresh = options.env?.DATABASE_URL === undefined && postgresRequired ? await freshPostgresUrl(t) : undefined
  const config = loadConfig({
    DATABASE_URL: fresh ?? ':memory:',
    BROADSHEET_PG_POOL: '4',
    LOG_LEVEL: 'silent',
    BROADSHEET_DEMO: 'false',
    BROADSHEET_BOOTSTRAP_TOKEN: BOOTSTRAP,
    BROADSHEET_AD_FLUSH_SECONDS: '300',
    ...options.env
  })
  const app = await buildApp({ config, now: options.now, random: options.random, counterStore: options.counterStore })
  t.teardown(() => app.close())
  options.before?.(app)
  await app.ready()
  return app
}

/** The env of a test that is SQLite-only by nature (query plans, pragmas): it stays on SQLite under `npm run test:pg`. */
export const ON_SQLITE = { DATABASE_URL: ':memory:' }

/** A clock a test moves by hand; `now` is what the app reads. */
export interface TestClock { now: () => Date, set: (at: Date | string) => void, advance: (ms: number) => void }

/** A clock starting at `start`; pass its `now` to buildTestApp so expiry and dates are deterministic. */
export function createClock (start: Date | string): TestClock {
  let current = new Date(start).getTime()
  return {
    now: () => new Date(current),
    set: (at) => { current = new Date(at).getTime() },
    advance: (ms) => { current += ms }
  }
}

/** Authorization header for a bearer secret. */
export function bearer (token: string) {
  return { authorization: `Bearer ${token}` }
}

export const admin = bearer(BOOTSTRAP)

/** The project root: child processes run from here so `--import tsx` and relative paths resolve. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url))

/** A fresh folder under the OS temp dir, removed with everything in it when the test ends. */
export async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'broadsheet-test-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export interface NodeRun { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

/**
 * Runs `node --import tsx <script> ...args` from the project root with exactly `env` (plus PATH),
 * killed after `timeoutMs` so a hung child can never hang the suite.
 */
export function runNode (script: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL'
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** The parts of an inject response the assertions read. */
export interface Answer { statusCode: number, headers: Record<string, unknown>, body: string, json: () => any }

/**
 * Asserts an RFC 9457 answer: the status, application/problem+json, the members every problem
 * has, and a requestId equal to the X-Request-Id header. Returns the body for further checks.
 */
export function assertProblem (t: Test, res: Answer, status: number, kind?: string) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'content-type is application/problem+json')
  const body = res.json()
  t.match(body, {
    type: kind ? `urn:broadsheet:problem:${kind}` : /^urn:broadsheet:problem:/,
    title: String,
    status,
    detail: String,
    requestId: String
  })
  t.equal(body.requestId, res.headers['x-request-id'], 'requestId matches X-Request-Id')
  return body
}

/** An ISO 8601 UTC timestamp as the API writes it. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * `actual` with every string that a RegExp in `pattern` matches replaced by that RegExp, so
 * `t.same(fit(actual, expected), expected)` is an exact comparison with patterned slots.
 */
export function fit (actual: unknown, pattern: unknown): unknown {
  if (pattern instanceof RegExp) return typeof actual === 'string' && pattern.test(actual) ? pattern : actual
  if (Array.isArray(pattern) && Array.isArray(actual)) return actual.map((item, i) => fit(item, pattern[i]))
  if (pattern && typeof pattern === 'object' && actual && typeof actual === 'object' && !Array.isArray(actual)) {
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, fit(v, (pattern as Record<string, unknown>)[k])]))
  }
  return actual
}

/** Asserts the status, then the whole JSON body (RegExp slots for ids, timestamps …). */
export function expectJson (t: Test, res: Answer, status: number, expected: unknown) {
  t.equal(res.statusCode, status, `status ${status}`)
  const body = res.json()
  t.same(fit(body, expected), expected, 'whole body')
  return body
}

/**
 * Asserts an RFC 9457 answer exactly: status, application/problem+json, type, title, status,
 * detail, requestId (= X-Request-Id) and, for validation, errors (compared sorted by path).
 */
export function expectProblem (t: Test, res: Answer, status: number, kind: string, detail: string | RegExp, errors?: Array<{ path: string, message: string | RegExp }>) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'content-type application/problem+json')
  const body = res.json()
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  const expected: Record<string, unknown> = {
    type: `urn:broadsheet:problem:${kind}`,
    title: STATUS_CODES[status],
    status,
    detail,
    requestId: res.headers['x-request-id']
  }
  const actual = { ...body }
  if (errors) {
    expected.errors = [...errors].sort(byPath)
    if (Array.isArray(actual.errors)) actual.errors = [...actual.errors].sort(byPath)
  }
  t.same(fit(actual, expected), expected, 'whole problem body')
  return body
}

/** A free TCP port on 127.0.0.1, for a server process a test or the benchmark starts. */
export async function freePort (): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
