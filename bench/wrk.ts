// Runs wrk (Debian's package) pinned to its own core with a generated Lua script, and reads back
// its throughput, latency percentiles, errors and its own CPU time, so a ratio is never limited
// by a load generator that saturated before the server did.
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface WrkLoad {
  method?: 'GET' | 'POST'
  /** Paths picked at random, one per request. */
  paths: string[]
  /** A JSON body per request: `%n` in it becomes a request counter (distinct bodies). */
  body?: string
  /** Appends `?_=<counter>` (or `&_=`) to each path: a new URL each time, never a cached answer. */
  uncached?: boolean
}

export interface WrkResult {
  rps: number
  p50: number
  p99: number
  /** Non-2xx/3xx answers and socket errors. */
  bad: number
  requests: number
  /** CPU seconds the generator used per second of the run (1.0 = its whole core). */
  cpu: number
}

/** Fails with the install command when wrk is missing: the benchmark needs it. */
export function assertWrk (): void {
  if (spawnSync('wrk', ['--version']).error) {
    throw new Error('wrk is not installed: apt-get install -y wrk (the benchmark runs it pinned to its own core)')
  }
}

const lua = (s: string) => JSON.stringify(s)

/** The Lua script for one load: random paths, an optional counter for bodies and cache-busting. */
function script (load: WrkLoad): string {
  const headers = ['wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) broadsheet-bench"']
  if (load.body !== undefined) headers.push('wrk.headers["Content-Type"] = "application/json"')
  const [before, after] = (load.body ?? '').split('%n')
  // A body without %n is sent as it is, every time.
  const body = after === undefined ? lua(before ?? '') : `${lua(before ?? '')} .. counter .. ${lua(after)}`
  return `${headers.join('\n')}
local paths = { ${load.paths.map(lua).join(', ')} }
local n = #paths
local counter = 0
math.randomseed(os.time())
request = function ()
  counter = counter + 1
  local path = paths[math.random(n)]
  ${load.uncached === true ? 'path = path .. (path:find("?", 1, true) and "&" or "?") .. "_=" .. counter .. "-" .. math.random(1000000000)' : ''}
  ${load.body === undefined ? 'return wrk.format(' + lua(load.method ?? 'GET') + ', path)' : `return wrk.format(${lua(load.method ?? 'POST')}, path, nil, ${body})`}
end
`
}

/** A wrk duration like "1.23ms", "812.00us" or "1.02s" in milliseconds. */
export function parseDuration (text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim())
  if (!m) throw new Error(`wrk duration not understood: ${text}`)
  const value = Number(m[1])
  return m[2] === 'us' ? value / 1000 : m[2] === 'ms' ? value : m[2] === 's' ? value * 1000 : value * 60_000
}

/** What wrk --latency printed, and the shell's `times` (the generator's user and system CPU). */
export function parseWrk (output: string, seconds: number): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN)
  const p50 = /\n\s+50%\s+(\S+)/.exec(output)?.[1]
  const p99 = /\n\s+99%\s+(\S+)/.exec(output)?.[1]
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0)
  if (!Number.isFinite(rps) || p50 === undefined || p99 === undefined) throw new Error(`wrk output not understood:\n${output}`)
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  // `times` prints the shell's own times, then its children's: "0m1.230s 0m0.450s".
  const times = [...output.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].at(-1)
  const cpuSeconds = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : NaN
  return { rps, p50: parseDuration(p50), p99: parseDuration(p99), bad: non2xx + socketErrors, requests, cpu: cpuSeconds / seconds }
}

/** Loads `url` for `seconds` with wrk on `core` (one thread, `connections` connections). */
export async function runWrk (dir: string, url: string, load: WrkLoad, opts: { seconds: number, connections: number, core: number }): Promise<WrkResult> {
  const file = join(dir, `load-${process.pid}-${Date.now()}.lua`)
  writeFileSync(file, script(load))
  const args = ['-c', String(opts.core), 'sh', '-c', 'wrk "$@"; times', 'sh',
    '-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '--timeout', '10s', '-s', file, url]
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.on('error', reject)
    child.on('close', (code) => code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out}`)))
  })
  return parseWrk(output, opts.seconds)
}
