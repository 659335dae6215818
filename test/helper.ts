import { createServer as createNetServer, type AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { buildApp, type App } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { CounterStore } from '../src/lib/window-counter.js'

export const BOOTSTRAP = 'test-bootstrap-token-0123456789abcdef'

interface BuildOptions {
  env?: Record<string, string>
  now?: (() => Date) | undefined
  random?: (() => number) | undefined
  /** Where the app's limits count (a shared store's stand-in); in-memory when absent. */
  counterStore?: (name: string) => CounterStore
  /** Runs before app.ready(): hooks added here apply to every route. */
  before?: (app: App) => void
}

/**
 * The one way tests build the production app: a fresh in-memory database (unless env says
 * otherwise), the bootstrap admin token, no demo content, closed when the test ends.
 */
async function buildTestApp (t: Test, opts: BuildOptions = {}): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'silent',
    BROADSHEET_DEMO: 'false',
    BROADSHEET_BOOTSTRAP_TOKEN: BOOTSTRAP,
    ...opts.env
  })
  const app = await buildApp({
    config,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.counterStore ? { counterStore: opts.counterStore } : {})
  })
  t.teardown(() => app.close())
  opts.before?.(app)
  await app.ready()
  return app
}

/** Builds the production app on a fresh in-memory database, closed when the test ends. */
export async function build (t: Test, env: Record<string, string> = {}): Promise<App> {
  return buildTestApp(t, { env })
}

/** Authorization header for a bearer secret. */
export function bearer (token: string) {
  return { authorization: `Bearer ${token}` }
}

export const admin = bearer(BOOTSTRAP)

// Helpers for tests that touch the file system or run the real entry points. Their imports sit
// here, beside them, so the helpers above stay untouched; ESM hoists imports either way.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

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

/** The parts of an inject response the problem assertions read. */
export interface InjectedResponse { statusCode: number, headers: Record<string, unknown>, json: () => any }

/**
 * Asserts an RFC 9457 answer: the status, application/problem+json, the members every problem
 * has, and a requestId equal to the X-Request-Id header. Returns the body for further checks.
 */
export function assertProblem (t: Test, res: InjectedResponse, status: number, kind?: string) {
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

/** A clock a test moves by hand; `now` is what the app reads. */
export interface TestClock { now: () => Date, set: (at: Date | string) => void, advance: (ms: number) => void }

/**
 * Like build(), but the app reads a controllable clock starting at `start`, so expiry,
 * publication dates and updatedAt are deterministic.
 */
export async function buildWithClock (t: Test, start: Date | string = '2025-02-01T00:00:00.000Z', env: Record<string, string> = {}): Promise<{ app: App, clock: TestClock }> {
  const clock = createClock(start)
  return { app: await buildTestApp(t, { env, now: clock.now }), clock }
}

// Ads: an app built with the clock and the ad selection's random source a test chooses.

/** A clock a test moves by hand, starting at `start`; pass its `now` to buildAds. */
export function createClock (start: Date | string): TestClock {
  let current = new Date(start).getTime()
  return {
    now: () => new Date(current),
    set: (at) => { current = new Date(at).getTime() },
    advance: (ms) => { current += ms }
  }
}

/**
 * Like build(), with an optional clock (`now`) and random source (`random`, [0, 1)) for ad
 * selection. The counter flush timer is set to its longest (300 s), so counts reach the
 * database only through app.ads.flush(), GET /v1/ads/stats or shutdown. Closed in teardown.
 */
export async function buildAds (t: Test, opts: { now?: () => Date, random?: () => number, env?: Record<string, string> } = {}): Promise<App> {
  return buildTestApp(t, { now: opts.now, random: opts.random, env: { BROADSHEET_AD_FLUSH_SECONDS: '300', ...opts.env } })
}

// Security tests: an app built like build(), with a chance to add hooks before it is ready.

/**
 * Like build(), but `before(app)` runs before app.ready(): hooks added there apply to every
 * route (the authorization matrix reads each route's declared role with an onRequest hook).
 */
export async function buildWith (t: Test, before: (app: App) => void, env: Record<string, string> = {}): Promise<App> {
  return buildTestApp(t, { env, before })
}

/** Like build(), with the limits counting in the stores `counterStore` makes, one per limit name. */
export async function buildWithCounterStore (t: Test, counterStore: (name: string) => CounterStore, env: Record<string, string> = {}): Promise<App> {
  return buildTestApp(t, { env, counterStore })
}

/** A free TCP port on 127.0.0.1, for a server process a test or the benchmark starts. */
export async function freePort (): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
