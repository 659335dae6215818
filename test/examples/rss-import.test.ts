import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { createBroadsheetClient } from '../../clients/typescript/index.js'
import { BOOTSTRAP, freePort, projectRoot, runNode, tempDir } from '../helper.js'

// The importer runs as a child against the real server process, as a user would run it.
t.setTimeout(240_000)

const IMPORTER = 'examples/rss-import/import.ts'
const SAMPLE = join(projectRoot, 'examples/rss-import/sample-feed.xml')
const TITLES = [
  'Sea wall holds through the highest tide in forty years',
  'Council votes to bring back the night ferry',
  'Fish market moves to the old quay & opens at dawn'
]
const SLUGS = [
  'sea-wall-holds-through-the-highest-tide-in-forty-years',
  'council-votes-to-bring-back-the-night-ferry',
  'fish-market-moves-to-the-old-quay-opens-at-dawn'
]

/** Starts src/server.ts on a free port of 127.0.0.1 with a fresh database; resolves once /health answers. */
async function startServer (t: Test): Promise<string> {
  const dir = await tempDir(t)
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: join(dir, 'broadsheet.db'),
      BROADSHEET_BOOTSTRAP_TOKEN: BOOTSTRAP,
      BROADSHEET_DEMO: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn'
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 200_000,
    killSignal: 'SIGKILL'
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr}`)
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then((res) => res.ok, () => false)
    if (ok) return url
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the server did not answer /health within 60 s: ${stderr}`)
}

/** Serves the sample feed at /feed.xml (404 elsewhere) on 127.0.0.1, closed when the test ends. */
async function serveFeed (t: Test): Promise<string> {
  const xml = await readFile(SAMPLE)
  const server = createServer((req, res) => {
    if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const lines = (output: string) => output.trimEnd().split('\n')

t.test('the RSS importer against a real server', async (t) => {
  const url = await startServer(t)
  const feeds = await serveFeed(t)
  const dir = await tempDir(t)
  const env = { BROADSHEET_URL: url, BROADSHEET_TOKEN: BOOTSTRAP }
  const cms = createBroadsheetClient({ baseUrl: url, token: BOOTSTRAP })
  /** Every article of any status, oldest publication first, as a token holder reads them. */
  const everything = async () => {
    const { data, error } = await cms.GET('/v1/articles', { params: { query: { status: 'any', limit: 100, sort: 'publishedAt' } } })
    if (data === undefined) throw new Error(`GET /v1/articles answered ${error?.status}: ${error?.detail}`)
    return data.data as Array<Record<string, any>>
  }

  await t.test('creates each item of the sample feed as an article', async (t) => {
    const run = await runNode(IMPORTER, [SAMPLE], env, 60_000)
    t.equal(run.stderr, '')
    t.same(lines(run.stdout), [
      ...TITLES.map((title, i) => `created: "${title}" → /v1/articles/${SLUGS[i]}`),
      '3 items: 3 created, 0 already there, 0 failed'
    ])
    t.equal(run.code, 0)

    const articles = await everything()
    t.same(articles.map((article) => article.title), TITLES, 'the three articles, with their titles')
    t.match(articles, [
      {
        slug: SLUGS[0],
        status: 'published',
        format: 'html',
        publishedAt: '2025-01-14T06:30:00.000Z',
        excerpt: 'The new barrier kept the old town dry as the storm surge peaked before dawn.',
        html: /<p>Engineers watched the gauges <strong>through the night<\/strong>/,
        tags: []
      },
      {
        slug: SLUGS[1],
        publishedAt: '2025-01-15T18:05:00.000Z',
        html: '<p>The late crossing to the islands returns in spring, after a vote of 31 to 12.</p>',
        tags: [{ slug: 'transport', name: 'Transport' }]
      },
      { slug: SLUGS[2], publishedAt: '2025-01-16T05:00:00.000Z', body: 'Stalls open at five from Monday, a short walk from the ferry terminal.' }
    ])
  })

  await t.test('a second run, from the feed URL, creates nothing new', async (t) => {
    const before = await everything()
    const run = await runNode(IMPORTER, [`${feeds}/feed.xml`], env, 60_000)
    t.same(lines(run.stdout), [
      ...TITLES.map((title, i) => `already there: "${title}" → /v1/articles/${SLUGS[i]}`),
      '3 items: 0 created, 3 already there, 0 failed'
    ])
    t.equal(run.code, 0)
    t.same(await everything(), before, 'the same articles, unchanged')
  })

  await t.test('a refused item fails with the problem\'s detail; a changed item is left alone; exit 1', async (t) => {
    const feed = join(dir, 'mixed.xml')
    const longDescription = 'The harbour master publishes the tide tables a year ahead. '.repeat(20)
    await writeFile(feed, `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Mixed</title>
  <item><title>${TITLES[0]}</title><guid>gazette-2025-0114</guid><description>Edited after publication.</description></item>
  <item><title>${'Long '.repeat(70)}</title><link>https://gazette.example.com/long</link></item>
  <item><link>https://gazette.example.com/untitled</link><description>No title here.</description></item>
  <item><title>Tide tables for 2099</title><pubDate>Thu, 01 Jan 2099 00:00:00 GMT</pubDate>
    <description>${longDescription}</description><content:encoded><![CDATA[<p>High water at 06:12.</p>]]></content:encoded></item>
</channel></rss>`)
    const run = await runNode(IMPORTER, [feed], env, 60_000)
    const [changed, long, untitled, scheduled, summary, ...rest] = lines(run.stdout)
    t.equal(changed, `already there: "${TITLES[0]}" (changed in the feed since it was imported; not updated)`)
    t.match(long, /^failed: "Long Long .*Long": The request body has 1 invalid field \(title: .+\)$/)
    t.match(untitled, /^failed: \(an item without a title\): The request body has 1 invalid field \(title: .+\)$/)
    t.equal(scheduled, 'created: "Tide tables for 2099" → /v1/articles/tide-tables-for-2099')
    t.equal(summary, '4 items: 1 created, 1 already there, 2 failed')
    t.same(rest, [])
    t.equal(run.code, 1, 'a failed item makes the exit code 1')

    const articles = await everything()
    t.same(articles.map((article) => article.title), [...TITLES, 'Tide tables for 2099'], 'only the new item was created')
    const tides = articles[3]!
    t.match(tides, { status: 'scheduled', publishAt: '2099-01-01T00:00:00.000Z', html: '<p>High water at 06:12.</p>' })
    t.ok(tides.excerpt.length <= 1000 && tides.excerpt.endsWith('a year…'), 'a long description is cut at a word into the excerpt')
    t.equal(articles[0]!.excerpt, 'The new barrier kept the old town dry as the storm surge peaked before dawn.', 'the changed item was not updated')
  })

  await t.test('no token, no feed, a bad feed or an unreachable API: a clear message, exit 1, nothing created', async (t) => {
    const before = await everything()
    const notXml = join(dir, 'not.xml')
    const atom = join(dir, 'atom.xml')
    await writeFile(notXml, '{"items": []}')
    await writeFile(atom, '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title></feed>')
    const closed = `http://127.0.0.1:${await freePort()}`
    const missing = join(dir, 'missing.xml')
    const runs = await Promise.all([
      runNode(IMPORTER, [SAMPLE], { BROADSHEET_URL: url }, 60_000),
      runNode(IMPORTER, [], env, 60_000),
      runNode(IMPORTER, [SAMPLE, 'extra'], env, 60_000),
      runNode(IMPORTER, [SAMPLE], { ...env, BROADSHEET_URL: '127.0.0.1:3000' }, 60_000),
      runNode(IMPORTER, [missing], env, 60_000),
      runNode(IMPORTER, [notXml], env, 60_000),
      runNode(IMPORTER, [atom], env, 60_000),
      runNode(IMPORTER, [`${feeds}/gone.xml`], env, 60_000),
      runNode(IMPORTER, [`${closed}/feed.xml`], env, 60_000),
      runNode(IMPORTER, [SAMPLE], { ...env, BROADSHEET_URL: closed }, 60_000)
    ])
    const usage = 'Usage: BROADSHEET_TOKEN=bs_… npx tsx examples/rss-import/import.ts <feed URL or file>'
    t.same(runs.slice(0, 9).map(({ code, stdout, stderr }) => ({ code, stdout, stderr: stderr.trimEnd() })), [
      'BROADSHEET_TOKEN is not set: give an editor or admin token (npm run cli -- token create --role editor --name rss-import)',
      usage,
      usage,
      'BROADSHEET_URL must be the API\'s http(s) origin, such as http://127.0.0.1:3000 (got 127.0.0.1:3000)',
      `Could not read ${missing}: no such file`,
      `${notXml} is not well-formed XML: char '{' is not expected. (line 1)`,
      `${atom} is not an RSS 2.0 feed: it has no <rss><channel>`,
      `Could not fetch ${feeds}/gone.xml: HTTP 404`,
      `Could not fetch ${closed}/feed.xml: fetch failed`
    ].map((stderr) => ({ code: 1, stdout: '', stderr })))
    const unreachable = runs[9]!
    t.same(lines(unreachable.stdout), [
      ...TITLES.map((title) => `failed: "${title}": could not reach ${closed} (ECONNREFUSED)`),
      '3 items: 0 created, 0 already there, 3 failed'
    ])
    t.equal(unreachable.code, 1)
    t.same(await everything(), before, 'nothing was created or changed')
  })
})
