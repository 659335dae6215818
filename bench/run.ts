// npm run bench [-- --articles 10000 --duration 10 --rounds 3 --warmup 2 --connections 50 --only a,b --db /tmp/broadsheet-1m.db]
// Builds a temporary database, starts Broadsheet and a bare-Fastify baseline as separate
// processes on 127.0.0.1, loads each scenario with autocannon after a warm-up, and prints
// and saves one table: req/s, p50, p99, the ratio to the same-size baseline, server RSS.
// The scenario and its baseline take turns (--rounds, the duration split between them), and
// the ratio is the median of the rounds' ratios: a shared machine's noise moves both sides.
// Every read scenario runs warm (the newest stories, one list URL, one common search: what a
// news site's traffic looks like, served mostly from the response cache), and the reads by
// slug, the lists and the searches again "uncached", cycling through more distinct URLs than
// the response cache keeps (bench/search.ts times searches one at a time).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { benchDatabase } from './seed.js'
import { freePort } from '../test/helper.js'

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    db: { type: 'string' }
  }
})
const articles = Number(values.articles)
const duration = Number(values.duration)
const warmup = Number(values.warmup)
const connections = Number(values.connections)
const rounds = Number(values.rounds)
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 10)) throw new Error('--rounds is 1 to 10')
if (!(articles >= 100 && articles <= 1_000_000)) throw new Error('--articles is 100 to 1000000')

const root = new URL('..', import.meta.url).pathname
const children: ChildProcess[] = []
const TOKEN = 'bench-bootstrap-token-0123456789abcdef'

/** Starts a node process on a free port and resolves once it answers HTTP. */
async function start (args: string[], env: Record<string, string>, probe: string): Promise<{ child: ChildProcess, url: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] })
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

function rssMb (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

interface Scenario {
  name: string
  method?: 'GET' | 'POST'
  /** Paths to cycle through (one per request). */
  paths: string[]
  body?: (i: number) => string
  read: boolean
}

async function load (url: string, scenario: Scenario, seconds: number) {
  let i = 0
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{
      setupRequest: (req) => {
        const n = i++
        const path = scenario.paths[n % scenario.paths.length]!
        return {
          ...req,
          method: scenario.method ?? 'GET',
          path,
          ...(scenario.body ? { body: scenario.body(n), headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 bench' } } : { headers: { 'user-agent': 'Mozilla/5.0 bench' } })
        }
      }
    }]
  })
  const bad = result.non2xx + result.errors + result.timeouts
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad, total: result.requests.total }
}

async function sizeOf (url: string, scenario: Scenario): Promise<number> {
  const res = await fetch(url + scenario.paths[0], {
    method: scenario.method ?? 'GET',
    headers: scenario.body ? { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 bench' } : { 'user-agent': 'Mozilla/5.0 bench' },
    ...(scenario.body ? { body: scenario.body(1_000_000) } : {})
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${scenario.name}: ${res.status} ${text.slice(0, 300)}`)
  return Buffer.byteLength(text)
}

// A temporary database, or with --db one kept and reused (seeded there if missing).
const dir = mkdtempSync(join(tmpdir(), 'broadsheet-bench-'))
const dbPath = values.db ?? join(dir, 'bench.db')
try {
  const t0 = Date.now()
  const data = benchDatabase(dbPath, articles)
  if (data.seeded) process.stderr.write(`seeded ${articles} articles in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)

  // The compiled server (npm run bench builds it first), as npm start runs it.
  const server = await start(['dist/server.js'], {
    DATABASE_URL: dbPath,
    LOG_LEVEL: 'warn',
    BROADSHEET_DEMO: 'false',
    BROADSHEET_BOOTSTRAP_TOKEN: TOKEN,
    BROADSHEET_AD_EVENTS_PER_MINUTE: '100000000',
    BROADSHEET_AD_SERVES_PER_MINUTE: '100000000',
    // The uncached search scenario measures the search itself, from one address.
    BROADSHEET_EXPENSIVE_READS_PER_MINUTE: '100000000'
  }, '/health')
  const baseline = await start(['--import', 'tsx', 'bench/baseline.ts'], {}, '/static/10')

  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  const settings = await fetch(`${server.url}/v1/settings/comments`, { method: 'PUT', headers: auth, body: JSON.stringify({ postsPerMinute: 100_000_000, duplicateWindowMinutes: 0, moderation: 'all' }) })
  if (settings.status !== 200) throw new Error(`settings: ${settings.status} ${await settings.text()}`)

  const hot = data.slugs.slice(-100)
  const served = await (await fetch(`${server.url}/v1/ads/serve?slots=header,article-inline,sidebar&article=${hot[0]}`, { headers: { 'user-agent': 'Mozilla/5.0 bench' } })).json() as { slots: Record<string, { ad: { impressionUrl: string } | null }> }
  const impressionPath = new URL(Object.values(served.slots).find((s) => s?.ad)!.ad!.impressionUrl).pathname

  // More distinct URLs than the response cache holds (5,000), cycled in order, so the read
  // scenarios below measure the work of a request and not a cache hit: slugs from the whole
  // archive, list pages starting at many points in time, every bench search at many sizes.
  const spread = <T>(list: T[], n: number) => Array.from({ length: Math.min(n, list.length) }, (_, i) => list[Math.floor(i * list.length / Math.min(n, list.length))]!)
  const slugs = spread(data.slugs, 20_000)
  // Pages of articles published before an article's time: from the 21st article on, so each is full.
  const times = spread(data.publishedAt.slice(20), 8000).map((at) => encodeURIComponent(at))
  const teaser = 'fields=id,slug,title,excerpt,publishedAt'
  const searches = Array.from({ length: 40 }, (_, i) => data.searches.map((s) => `/v1/articles?q=${encodeURIComponent(s.q)}&limit=${10 + i}&${teaser}`)).flat()

  const common = data.searches.find((s) => s.kind === 'common')!.q
  const scenarios: Scenario[] = [
    { name: 'article by slug', paths: hot.map((s) => `/v1/articles/${s}`), read: true },
    { name: 'list of 20 (full)', paths: ['/v1/articles?limit=20'], read: true },
    { name: 'list of 20 (fields)', paths: [`/v1/articles?limit=20&${teaser}`], read: true },
    { name: 'list filtered by tag', paths: [`/v1/articles?tag=${data.hotTag}&limit=20&${teaser}`], read: true },
    { name: 'full-text search', paths: [`/v1/articles?q=${encodeURIComponent(common)}&limit=20&${teaser}`], read: true },
    { name: 'article page', paths: hot.map((s) => `/v1/article-pages/${s}`), read: true },
    { name: 'approved comments', paths: hot.map((s) => `/v1/articles/${s}/comments`), read: true },
    { name: 'ad serving (3 slots)', paths: hot.map((s) => `/v1/ads/serve?slots=header,article-inline,sidebar&article=${s}`), read: true },
    { name: 'POST comment', method: 'POST', paths: [`/v1/articles/${data.commentedSlug}/comments`], body: (i: number) => JSON.stringify({ body: `Benchmark comment number ${i}, with some words in it.`, authorName: 'Bench', authorEmail: `bench${i % 1000}@example.com` }), read: false },
    { name: 'impression beacon', method: 'POST', paths: [impressionPath], read: false },
    { name: 'article by slug (uncached)', paths: slugs.map((s) => `/v1/articles/${s}`), read: true },
    { name: 'list of 20 (fields, uncached)', paths: times.map((at) => `/v1/articles?limit=20&publishedBefore=${at}&${teaser}`), read: true },
    { name: 'list filtered by tag (uncached)', paths: times.map((at, i) => `/v1/articles?tag=${i % 2 ? data.hotTag : `topic-${1 + (i % 200)}`}&limit=20&publishedBefore=${at}&${teaser}`), read: true },
    { name: 'full-text search (uncached)', paths: searches, read: true }
  ].filter((s) => !values.only || values.only.split(',').some((part) => s.name.includes(part.trim()))) as Scenario[]

  const rows: string[] = []
  for (const scenario of scenarios) {
    const size = await sizeOf(server.url, scenario)
    const baseScenario: Scenario = { name: 'baseline', method: scenario.method ?? 'GET', paths: [`/static/${size}`], read: scenario.read, ...(scenario.body ? { body: scenario.body } : {}) }
    await load(server.url, scenario, warmup)
    await load(baseline.url, baseScenario, warmup)
    const apps: Array<Awaited<ReturnType<typeof load>>> = []
    const ratios: number[] = []
    let baseRps = 0
    let rss = 0
    for (let round = 0; round < rounds; round++) {
      const app = await load(server.url, scenario, duration / rounds)
      rss = Math.max(rss, rssMb(server.child.pid!))
      const base = await load(baseline.url, baseScenario, duration / rounds)
      apps.push(app)
      ratios.push(app.rps / base.rps)
      baseRps += base.rps / rounds
    }
    const rps = apps.reduce((sum, a) => sum + a.rps, 0) / rounds
    const p50 = median(apps.map((a) => a.p50))
    const p99 = median(apps.map((a) => a.p99))
    const bad = apps.reduce((sum, a) => sum + a.bad, 0)
    const row = `| ${scenario.name} | ${size} | ${Math.round(rps)} | ${p50} | ${p99} | ${Math.round(baseRps)} | ${median(ratios).toFixed(2)} | ${rss} |${bad > 0 ? ` ${bad} non-2xx/errors` : ''}`
    rows.push(row)
    process.stderr.write(`${row}\n`)
  }

  const header = '| scenario | body bytes | req/s | p50 ms | p99 ms | baseline req/s | ratio | server RSS MB |\n|---|---|---|---|---|---|---|---|'
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  const report = `# Benchmark ${new Date().toISOString()}\n\n${articles} articles; ${connections} connections; ${warmup} s warm-up and ${duration} s per scenario in ${rounds} rounds taking turns with the baseline (req/s: the mean; p50, p99 and the ratio: the median of the rounds; RSS: the highest after a round); load generator (autocannon) on the same machine.\n\nMachine: ${machine}\n\n${header}\n${rows.join('\n')}\n`
  process.stdout.write(`\n${report}`)
  const resultsDir = join(root, 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, `${new Date().toISOString().slice(0, 10)}-${articles}${values.only ? '-partial' : ''}.md`), report)
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
