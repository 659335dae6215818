// npm run bench:search [-- --articles 1000000 --db /tmp/broadsheet-1m.db --rounds 3]
// Search latency without the response cache, in-process (no HTTP, no load generator): every
// bench query (common, mid-frequency, rare, two words, short prefixes) by relevance, by
// -publishedAt and with count=true, plus reads by slug and the list for comparison. The
// database is seeded once into --db (default /tmp/broadsheet-<articles>.db) and reused, with
// the bench queries beside it in <db>.json; delete both to seed again.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { tuneHeap } from '../src/lib/heap.js'
import { benchDatabase, type BenchSearch } from './seed.js'

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    rounds: { type: 'string', default: '3' }
  }
})
const articles = Number(values.articles)
const rounds = Number(values.rounds)
if (!(articles >= 100 && articles <= 1_000_000)) throw new Error('--articles is 100 to 1000000')
const path = values.db ?? `/tmp/broadsheet-${articles >= 1_000_000 ? `${articles / 1_000_000}m` : articles}.db`

const t = Date.now()
const data = benchDatabase(path, articles)
if (data.seeded) process.stderr.write(`seeded ${articles} articles into ${path} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`)

const t0 = Date.now()
// The heap settings of the server (src/server.ts), so the collections between searches are its own.
tuneHeap()
const app = await buildApp({ config: loadConfig({ DATABASE_URL: path, LOG_LEVEL: 'silent', BROADSHEET_DEMO: 'false', BROADSHEET_EXPENSIVE_READS_PER_MINUTE: '100000000' }) })
await app.ready()
process.stderr.write(`app ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (migrations included)\n`)

/** Milliseconds of one uncached GET (the response cache is dropped first); throws on a non-200. */
async function timed (url: string): Promise<number> {
  app.contentChanged()
  const start = performance.now()
  const res = await app.inject({ url })
  const ms = performance.now() - start
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
  return ms
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!

interface Row { name: string, n: number, firstP95: number, p50: number, p95: number, max: number }
const rows: Row[] = []
/**
 * Times every URL `rounds` times. The first round reads pages SQLite has not cached yet (as
 * a query no one asked lately does); the later rounds are the steady state. Both are shown.
 */
async function measure (name: string, urls: string[]) {
  const first: number[] = []
  const later: Array<{ ms: number, url: string }> = []
  for (let round = 0; round < rounds; round++) {
    for (const url of urls) {
      const ms = await timed(url)
      if (round === 0) first.push(ms)
      else later.push({ ms, url })
    }
  }
  first.sort((a, b) => a - b)
  const sorted = (later.length > 0 ? later.map((t) => t.ms) : first).sort((a, b) => a - b)
  const slowest = later.length > 0 ? later.reduce((a, b) => (b.ms > a.ms ? b : a)).url : ''
  const row = { name, n: urls.length, firstP95: percentile(first, 95), p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! }
  rows.push(row)
  process.stderr.write(`${name}: first round p95 ${row.firstP95.toFixed(1)} ms; then p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms, max ${row.max.toFixed(1)} ms (${slowest})\n`)
}

const fields = 'fields=id,slug,title,excerpt,publishedAt'
const search = (s: BenchSearch, extra = '') => `/v1/articles?q=${encodeURIComponent(s.q)}&limit=20&${fields}${extra}`
const kinds = [...new Set(data.searches.map((s) => s.kind))]
// Warm the OS page cache a little, so the first query measured is not the first disk read.
for (const s of data.searches.slice(0, 5)) await timed(search(s))

for (const kind of kinds) await measure(`search: ${kind}`, data.searches.filter((s) => s.kind === kind).map((s) => search(s)))
await measure('search: all kinds', data.searches.map((s) => search(s)))
await measure('search: all kinds, page 2 (cursor)', await Promise.all(data.searches.map(async (s) => {
  const first = await app.inject({ url: search(s) })
  const cursor = first.json().meta.nextCursor as string | null
  return cursor ? `${search(s)}&cursor=${cursor}` : search(s)
})))
await measure('search: all kinds, sort=-publishedAt', data.searches.map((s) => search(s, '&sort=-publishedAt')))
await measure('search: all kinds, count=true', data.searches.map((s) => search(s, '&count=true')))
const step = Math.max(1, Math.floor(articles / 500))
await measure('article by slug (500 slugs)', Array.from({ length: 500 }, (_, i) => `/v1/articles/story-${1 + i * step}`))
await measure('list of 20 (fields)', [`/v1/articles?limit=20&${fields}`])
await app.close()

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
const table = rows.map((r) => `| ${r.name} | ${r.n} | ${r.firstP95.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`).join('\n')
const queries = kinds.map((kind) => `- ${kind}: ${data.searches.filter((s) => s.kind === kind).map((s) => `\`${s.q}\``).join(', ')}`).join('\n')
const report = `# Search benchmark ${new Date().toISOString()}\n\n${articles} articles (${path}); in-process \`app.inject\`, the response cache dropped before every request, one request at a time, every URL ${rounds} times: the first round reads pages SQLite has not cached yet, the later rounds give p50, p95 and max.\n\nMachine: ${machine}\n\n| requests | URLs | first round p95 ms | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|\n${table}\n\nQueries:\n\n${queries}\n`
process.stdout.write(`\n${report}`)
const resultsDir = join(new URL('.', import.meta.url).pathname, 'results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(join(resultsDir, `${new Date().toISOString().slice(0, 10)}-search-${articles}.md`), report)
