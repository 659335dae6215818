// npm run bench [-- --articles 10000 --duration 10 --rounds 3 --warmup 2 --connections 50 --only a,b --db /tmp/broadsheet-1m.db --database postgres://…]
// Builds a temporary database, starts Broadsheet and a bare-Fastify baseline (the same bytes
// kept as a Buffer) as separate processes on 127.0.0.1, pinned to core 0, and loads each
// scenario with wrk pinned to core 1 (its CPU is reported: a saturated generator would pull
// every ratio toward 1). The scenario and its baseline take turns (--rounds, the duration
// split between them), and the ratio is the median of the rounds' ratios: a shared machine's
// noise moves both sides. Scenarios: warm reads (the same few URLs, mostly response-cache
// hits), random reads over the whole archive with an editor and commenters writing at the same
// time, and uncached reads (a new query parameter on every request, so every answer is built).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchPostgres, pinPostgres } from './postgres.js'
import { benchDatabase } from './seed.js'
import { assertWrk, runWrk, type WrkLoad, type WrkResult } from './wrk.js'
import { startWriters, type WriteLoad, type WriteReport } from './writers.js'
import { freePort } from '../test/helper.js'

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    db: { type: 'string' },
    database: { type: 'string' }
  }
})
const articles = Number(values.articles)
const duration = Number(values.duration)
const warmup = Number(values.warmup)
const connections = Number(values.connections)
const rounds = Number(values.rounds)
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 10)) throw new Error('--rounds is 1 to 10')
if (!(articles >= 100 && articles <= 1_000_000)) throw new Error('--articles is 100 to 1000000')
if (!(duration >= 1 && duration <= 600)) throw new Error('--duration is 1 to 600 seconds')
assertWrk()

const root = new URL('..', import.meta.url).pathname
const children: ChildProcess[] = []
const TOKEN = 'bench-bootstrap-token-0123456789abcdef'
/** The server and the baseline share core 0; wrk, the writers and this script use core 1. */
const pinned = cpus().length >= 2
const SERVER_CORE = 0
const LOAD_CORE = 1
// This script writes and times the writers' requests: it joins wrk on the load core.
if (pinned) spawnSync('taskset', ['-a', '-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' })

/** Starts a node process on a free port, pinned to the server core, and resolves once it answers HTTP. */
async function start (args: string[], env: Record<string, string>, probe: string): Promise<{ child: ChildProcess, url: string }> {
  const port = await freePort()
  const [command, argv] = pinned ? ['taskset', ['-c', String(SERVER_CORE), process.execPath, ...args]] : [process.execPath, args]
  const child = spawn(command, argv, { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`)
    try {
      if ((await fetch(url + probe)).ok) return { child, url }
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${args.join(' ')} did not answer within 120 s`)
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The resident memory of the server: the node process under taskset (its only child, same pid after exec). */
function rssMb (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

interface Scenario extends WrkLoad {
  name: string
  /** Writes going on while the scenario reads (not while its baseline runs). */
  writes?: WriteLoad
}

/** The mean body size of up to 20 of the scenario's answers: the baseline sends that many bytes. */
async function sizeOf (url: string, scenario: Scenario): Promise<number> {
  const sample = scenario.paths.filter((_, i) => i % Math.max(1, Math.floor(scenario.paths.length / 20)) === 0).slice(0, 20)
  let total = 0
  for (const path of sample) {
    const res = await fetch(url + path, {
      method: scenario.method ?? 'GET',
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) broadsheet-bench', ...(scenario.body ? { 'content-type': 'application/json' } : {}) },
      ...(scenario.body ? { body: scenario.body.replace('%n', String(Date.now())) } : {})
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${scenario.name}: ${res.status} ${text.slice(0, 300)}`)
    total += Buffer.byteLength(text)
  }
  return Math.round(total / sample.length)
}

const describeWrites = (w?: WriteLoad) => !w ? 'none' : [w.edits ? `${w.edits} edits/s` : '', w.comments ? `${w.comments} comments/s` : ''].filter(Boolean).join(' + ')

// A temporary database, or with --db one kept and reused (seeded there if missing).
const dir = mkdtempSync(join(tmpdir(), 'broadsheet-bench-'))
const dbPath = values.db ?? join(dir, 'bench.db')
let unpinPostgres: (() => void) | undefined
try {
  const t0 = Date.now()
  const data = benchDatabase(dbPath, articles)
  if (data.seeded) process.stderr.write(`seeded ${articles} articles in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)

  // With --database, the same site copied into PostgreSQL (a schema kept for the next run),
  // whose processes share the server's core, as SQLite runs inside the server's process.
  const databaseUrl = values.database ? await benchPostgres(values.database, dbPath, articles, root) : dbPath
  if (values.database && pinned) unpinPostgres = pinPostgres(SERVER_CORE)

  // The compiled server (npm run bench builds it first), as npm start runs it.
  const serverEnv = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    BROADSHEET_DEMO: 'false',
    BROADSHEET_BOOTSTRAP_TOKEN: TOKEN,
    BROADSHEET_AD_EVENTS_PER_MINUTE: '100000000',
    BROADSHEET_AD_SERVES_PER_MINUTE: '100000000',
    // The uncached search scenario measures the search itself, from one address.
    BROADSHEET_EXPENSIVE_READS_PER_MINUTE: '100000000'
  }
  const server = await start(['dist/server.js'], serverEnv, '/health')
  const baseline = await start(['--import', 'tsx', 'bench/baseline.ts'], {}, '/static/10')
  // Uncached rows read from a second server with the response cache off, on the same file:
  // the cache key ignores unknown query parameters, so a cache-busting URL would still hit.
  let uncachedServer: Awaited<ReturnType<typeof start>> | undefined

  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

  const hot = data.slugs.slice(-100)
  const served = await (await fetch(`${server.url}/v1/ads/serve?slots=header,article-inline,sidebar&article=${hot[0]}`, { headers: { 'user-agent': 'Mozilla/5.0 bench' } })).json() as { slots: Record<string, { ad: { impressionUrl: string } | null }> }
  const impressionPath = new URL(Object.values(served.slots).find((s) => s?.ad)!.ad!.impressionUrl).pathname

  // Lists starting at many points in time: from the 21st article on, so each page is full.
  const spread = <T>(list: T[], n: number) => Array.from({ length: Math.min(n, list.length) }, (_, i) => list[Math.floor(i * list.length / Math.min(n, list.length))]!)
  const all = data.slugs
  const times = spread(data.publishedAt.slice(20), 8000).map((at) => encodeURIComponent(at))
  const teaser = 'fields=id,slug,title,excerpt,publishedAt'
  const searches = data.searches.map((s) => `/v1/articles?q=${encodeURIComponent(s.q)}&limit=20&${teaser}`)
  const common = data.searches.find((s) => s.kind === 'common')!.q
  const comment = '{"body":"Benchmark comment number %n, with some words in it.","authorName":"Bench","authorEmail":"bench@example.com"}'
  const newsroom = (edits: number): WriteLoad => ({ edits, comments: 5 })

  const scenarios: Scenario[] = [
    // Warm: the same few URLs, as a front page's readers ask them.
    { name: 'article by slug (warm)', paths: hot.map((s) => `/v1/articles/${s}`) },
    { name: 'list of 20 (full)', paths: ['/v1/articles?limit=20'] },
    { name: 'list of 20 (fields)', paths: [`/v1/articles?limit=20&${teaser}`] },
    { name: 'list filtered by tag', paths: [`/v1/articles?tag=${data.hotTag}&limit=20&${teaser}`] },
    { name: 'full-text search', paths: [`/v1/articles?q=${encodeURIComponent(common)}&limit=20&${teaser}`] },
    { name: 'article page (warm)', paths: hot.map((s) => `/v1/article-pages/${s}`) },
    { name: 'approved comments', paths: hot.map((s) => `/v1/articles/${s}/comments`) },
    { name: 'ad serving (3 slots)', paths: hot.map((s) => `/v1/ads/serve?slots=header,article-inline,sidebar&article=${s}`) },
    // Random over the whole archive, with the newsroom writing at the same time.
    { name: 'article by slug, random', paths: all.map((s) => `/v1/articles/${s}`) },
    { name: 'article by slug, random', paths: all.map((s) => `/v1/articles/${s}`), writes: { edits: 1, comments: 0 } },
    { name: 'article by slug, random', paths: all.map((s) => `/v1/articles/${s}`), writes: { edits: 10, comments: 0 } },
    { name: 'article page, random', paths: all.map((s) => `/v1/article-pages/${s}`) },
    { name: 'article page, random', paths: all.map((s) => `/v1/article-pages/${s}`), writes: newsroom(1) },
    { name: 'article page, random', paths: all.map((s) => `/v1/article-pages/${s}`), writes: newsroom(10) },
    // Writes.
    { name: 'POST comment', method: 'POST', paths: [`/v1/articles/${data.commentedSlug}/comments`], body: comment },
    { name: 'impression beacon', method: 'POST', paths: [impressionPath], body: '{}' },
    // Uncached: every request a new URL, so every answer is built.
    { name: 'article by slug (uncached)', paths: all.map((s) => `/v1/articles/${s}`), uncached: true },
    { name: 'article page (uncached)', paths: all.map((s) => `/v1/article-pages/${s}`), uncached: true },
    { name: 'list of 20 (fields, uncached)', paths: times.map((at) => `/v1/articles?limit=20&publishedBefore=${at}&${teaser}`), uncached: true },
    { name: 'list filtered by tag (uncached)', paths: times.map((at, i) => `/v1/articles?tag=${i % 2 ? data.hotTag : `topic-${1 + (i % 200)}`}&limit=20&publishedBefore=${at}&${teaser}`), uncached: true },
    { name: 'full-text search (uncached)', paths: searches, uncached: true }
  ].filter((s) => !values.only || values.only.split(',').some((part) => s.name.includes(part.trim()))) as Scenario[]

  const work = mkdtempSync(join(tmpdir(), 'broadsheet-wrk-'))
  const wrk = (url: string, load: WrkLoad, seconds: number) => runWrk(work, url, load, { seconds, connections, core: pinned ? LOAD_CORE : 0 })
  // Comments posted by the bench are approved on arrival, as the commenters' load asks.
  const approveAll = await fetch(`${server.url}/v1/settings/comments`, { method: 'PUT', headers: auth, body: JSON.stringify({ postsPerMinute: 100_000_000, duplicateWindowMinutes: 0, moderation: 'none' }) })
  if (approveAll.status !== 200) throw new Error(`settings: ${approveAll.status} ${await approveAll.text()}`)

  const rows: string[] = []
  for (const scenario of scenarios) {
    if (scenario.uncached && !uncachedServer) uncachedServer = await start(['dist/server.js'], { ...serverEnv, BROADSHEET_RESPONSE_CACHE_MB: '0' }, '/health')
    const target = scenario.uncached ? uncachedServer! : server
    const size = await sizeOf(target.url, scenario)
    const baseLoad: WrkLoad = { method: scenario.method ?? 'GET', paths: [`/static/${size}`], ...(scenario.body ? { body: scenario.body } : {}) }
    await wrk(target.url, scenario, warmup)
    await wrk(baseline.url, baseLoad, warmup)
    const apps: WrkResult[] = []
    const bases: WrkResult[] = []
    const writes: WriteReport[] = []
    let rss = 0
    for (let round = 0; round < rounds; round++) {
      const writers = scenario.writes ? startWriters(server.url, TOKEN, all, scenario.writes) : undefined
      apps.push(await wrk(target.url, scenario, duration / rounds))
      if (writers) writes.push(writers.stop())
      rss = Math.max(rss, rssMb(target.child.pid!))
      bases.push(await wrk(baseline.url, baseLoad, duration / rounds))
    }
    const rps = apps.reduce((sum, a) => sum + a.rps, 0) / rounds
    const baseRps = bases.reduce((sum, b) => sum + b.rps, 0) / rounds
    const ratio = median(apps.map((a, i) => a.rps / bases[i]!.rps))
    const p99 = median(apps.map((a) => a.p99))
    const baseP99 = median(bases.map((b) => b.p99))
    const cpu = Math.max(...apps.map((a) => a.cpu), ...bases.map((b) => b.cpu))
    const bad = apps.reduce((sum, a) => sum + a.bad, 0)
    const failedWrites = writes.reduce((sum, w) => sum + w.failed, 0)
    const notes = [bad > 0 ? `${bad} non-2xx/errors` : '', failedWrites > 0 ? `${failedWrites} writes failed` : ''].filter(Boolean).join(', ')
    const row = `| ${scenario.name} | ${describeWrites(scenario.writes)} | ${size} | ${Math.round(rps)} | ${median(apps.map((a) => a.p50)).toFixed(1)} | ${p99.toFixed(1)} | ${Math.round(baseRps)} | ${baseP99.toFixed(1)} | ${ratio.toFixed(2)} | ${(p99 / baseP99).toFixed(1)} | ${cpu.toFixed(2)} | ${rss} | ${notes}`
    rows.push(row)
    process.stderr.write(`${row}\n`)
  }
  rmSync(work, { recursive: true, force: true })

  const header = '| scenario | writes meanwhile | body bytes | req/s | p50 ms | p99 ms | baseline req/s | baseline p99 ms | ratio | p99 ÷ baseline p99 | wrk CPU (cores) | server RSS MB | notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|'
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  const placement = pinned
    ? `server${values.database ? ' (on PostgreSQL, whose processes were pinned to the same core)' : ' (on SQLite)'} and baseline pinned to core ${SERVER_CORE}; wrk (1 thread), the writers and this script on core ${LOAD_CORE}`
    : 'one core: server, baseline and wrk share it (ratios are pulled toward 1)'
  const report = `# Benchmark ${new Date().toISOString()}\n\n${articles} articles; wrk with ${connections} connections; ${warmup} s warm-up and ${duration} s per scenario in ${rounds} rounds taking turns with the baseline (req/s: the mean; p50, p99 and the ratio: the median of the rounds; wrk CPU: the highest of any round, in cores; RSS: the highest after a round). The baseline is a bare Fastify server sending the same number of bytes from a Buffer, measured in the same run. Random rows pick a URL at random over every article; "uncached" rows are read from a second server with the response cache off (BROADSHEET_RESPONSE_CACHE_MB=0); writes run only while the scenario (not its baseline) is loaded, with comments approved on arrival.\n\nMachine: ${machine}; ${placement}.\n\n${header}\n${rows.join('\n')}\n`
  process.stdout.write(`\n${report}`)
  const resultsDir = join(root, 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, `${new Date().toISOString().slice(0, 10)}-${articles}${values.database ? '-postgres' : ''}${values.only ? '-partial' : ''}.md`), report)
} finally {
  unpinPostgres?.()
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
