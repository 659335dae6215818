// Crash safety, on SQLite and on PostgreSQL: write load against a real server process, SIGKILL
// at a random moment, restart, and check that the database is intact, every write acknowledged
// with a 2xx is there, and ad counters lost at most the flush window. Then a SIGTERM loses
// nothing. What is stored is read past the app (stored.ts). Bounded: a few cycles of about
// two seconds of load each, the two databases side by side, as the load is timed, not counted.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { freePort, tempDir } from '../helper.js'
import { freshPostgresUrl } from '../support/postgres.js'
import { storedInPostgres, storedInSqlite, type Stored } from './stored.js'

const root = new URL('../..', import.meta.url).pathname
const TOKEN = 'crash-test-bootstrap-token-0123456789'
const FLUSH_SECONDS = 1
const CYCLES = 2
const UA = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36' }

async function startServer (database: string): Promise<{ child: ChildProcess, url: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database,
      LOG_LEVEL: 'warn',
      BROADSHEET_DEMO: 'true',
      BROADSHEET_DEMO_SITE: 'false',
      BROADSHEET_BOOTSTRAP_TOKEN: TOKEN,
      BROADSHEET_AD_FLUSH_SECONDS: String(FLUSH_SECONDS),
      BROADSHEET_AD_EVENTS_PER_MINUTE: '1000000',
      BROADSHEET_AD_SERVES_PER_MINUTE: '1000000'
    },
    stdio: 'ignore'
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try { if ((await fetch(`${url}/ready`)).ok) return { child, url } } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error('server did not start within 60 s')
}

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

interface Acknowledged { articles: string[], comments: number[], impressions: number[] }

/** Sends articles, comments and impression beacons until `stop` says so; records every 2xx. */
async function writeLoad (url: string, stop: () => boolean, cycle: number, ack: Acknowledged) {
  const demo = await (await fetch(`${url}/v1/articles?limit=1&fields=slug`)).json() as { data: Array<{ slug: string }> }
  const slug = demo.data[0]!.slug
  let n = 0
  const worker = async (kind: number) => {
    while (!stop()) {
      const i = n++
      try {
        if (kind === 0) {
          const res = await fetch(`${url}/v1/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ title: `Crash ${cycle} story ${i}`, status: 'published', body: 'Still here after the crash.' }) })
          if (res.status === 201) ack.articles.push(((await res.json()) as { slug: string }).slug)
        } else if (kind === 1) {
          const res = await fetch(`${url}/v1/articles/${slug}/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: `Cycle ${cycle} comment ${i}`, authorName: 'Survivor', authorEmail: `survivor${cycle}.${i}@example.com` }) })
          if (res.status === 201) ack.comments.push(((await res.json()) as { id: number }).id)
        } else {
          const served = await (await fetch(`${url}/v1/ads/serve?slots=sidebar`, { headers: UA })).json() as { slots: { sidebar: { ad: { impressionUrl: string } | null } | null } }
          const ad = served.slots.sidebar?.ad
          if (!ad) continue
          const res = await fetch(ad.impressionUrl, { method: 'POST', headers: UA })
          if (res.status === 204) ack.impressions.push(Date.now())
        }
      } catch {
        // The server was killed mid-request: nothing was acknowledged.
      }
    }
  }
  await Promise.all([worker(0), worker(0), worker(1), worker(1), worker(2), worker(2)])
}

/** Where a server stores the site: a DATABASE_URL and a reader of what it stored. */
interface Target { databaseUrl: string, stored: () => Promise<Stored> }

/** Each database, fresh per test; undefined only when PostgreSQL is absent and not required. */
const targets: Array<[name: 'sqlite' | 'postgres', open: (t: Test, name: string) => Promise<Target | undefined>]> = [
  ['sqlite', async (t, name) => {
    const file = join(await tempDir(t), `${name}.db`)
    return { databaseUrl: file, stored: async () => storedInSqlite(file) }
  }],
  ['postgres', async (t) => {
    const url = await freshPostgresUrl(t)
    return url === undefined ? undefined : { databaseUrl: url, stored: () => storedInPostgres(url) }
  }]
]

/** Kills the server in teardown if a failed check left it running (registered after the schema's drop, so it runs first). */
function killOnTeardown (t: Test, child: ChildProcess) {
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGKILL')
    await once(child, 'exit')
  })
}

async function sigkillCycles (t: Test, target: Target) {
  const ack: Acknowledged = { articles: [], comments: [], impressions: [] }
  let countedBefore = 0
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const server = await startServer(target.databaseUrl)
    killOnTeardown(t, server.child)
    const impressionsBefore = ack.impressions.length
    if (cycle === 1) {
      const put = await fetch(`${server.url}/v1/settings/comments`, { method: 'PUT', headers: auth, body: JSON.stringify({ postsPerMinute: 1_000_000, duplicateWindowMinutes: 0 }) })
      t.equal(put.status, 200)
    }
    // Long enough past the flush interval that some impressions must have been flushed.
    const killAfter = FLUSH_SECONDS * 1000 + 1000 + Math.floor(Math.random() * 1000)
    let killed = false
    const load = writeLoad(server.url, () => killed, cycle, ack)
    await new Promise((resolve) => setTimeout(resolve, killAfter))
    const killedAt = Date.now()
    server.child.kill('SIGKILL')
    killed = true
    await once(server.child, 'exit')
    await load

    const stored = await target.stored()
    try {
      t.same(await stored.problems(), [], `cycle ${cycle}: the database is intact after SIGKILL`)
      const slugs = await stored.articleSlugs()
      t.same(ack.articles.filter((s) => !slugs.has(s)), [], `cycle ${cycle}: all ${ack.articles.length} acknowledged articles are there`)
      const commentIds = await stored.commentIds()
      t.same(ack.comments.filter((id) => !commentIds.has(id)), [], `cycle ${cycle}: all ${ack.comments.length} acknowledged comments are there`)
      t.equal(await stored.articlesWithoutRevision(), 0, `cycle ${cycle}: every article has its revision (writes are atomic)`)
      t.equal(await stored.orphans(), 0, `cycle ${cycle}: no comment or revision outlived its article`)

      // Impressions acknowledged more than one flush interval (plus a margin) before the kill were flushed.
      const counted = await stored.impressions() - countedBefore
      const safe = ack.impressions.slice(impressionsBefore).filter((at) => at < killedAt - FLUSH_SECONDS * 1000 - 500).length
      const sent = ack.impressions.length - impressionsBefore
      t.ok(safe > 0, `cycle ${cycle}: some impressions were acknowledged before the flush window`)
      t.ok(counted >= safe && counted <= sent, `cycle ${cycle}: ${counted} of ${sent} impressions counted; at least the ${safe} acknowledged before the flush window`)
      countedBefore += counted
    } finally {
      await stored.close()
    }
  }
  t.comment(`${CYCLES} kill cycles survived: ${ack.articles.length} articles, ${ack.comments.length} comments, ${ack.impressions.length} impressions acknowledged`)
}

async function sigterm (t: Test, target: Target) {
  const ack: Acknowledged = { articles: [], comments: [], impressions: [] }
  const server = await startServer(target.databaseUrl)
  killOnTeardown(t, server.child)
  await fetch(`${server.url}/v1/settings/comments`, { method: 'PUT', headers: auth, body: JSON.stringify({ postsPerMinute: 1_000_000, duplicateWindowMinutes: 0 }) })
  let stopped = false
  const load = writeLoad(server.url, () => stopped, 0, ack)
  await new Promise((resolve) => setTimeout(resolve, 800))
  stopped = true
  await load
  server.child.kill('SIGTERM')
  const [code] = await once(server.child, 'exit')
  t.equal(code, 0, 'the server exits cleanly on SIGTERM')
  const stored = await target.stored()
  try {
    t.ok(ack.impressions.length > 0, 'some impressions were acknowledged')
    t.equal(await stored.impressions(), ack.impressions.length, `all ${ack.impressions.length} impressions counted`)
    t.equal(await stored.articlesTitledLike('Crash 0 story %'), ack.articles.length, `all ${ack.articles.length} articles stored`)
    const commentIds = await stored.commentIds()
    t.same(ack.comments.filter((id) => !commentIds.has(id)), [], `all ${ack.comments.length} comments stored`)
  } finally {
    await stored.close()
  }
}

// tap timeout: six server starts, each loading the whole app under tsx, take a few seconds apiece
// when other processes share the cores; that may stretch the file past tap's 30 s default.
t.setTimeout(60_000)

// The two databases run side by side: each cycle's load lasts a set time, so in turn they
// would take twice as long for no more coverage.
t.jobs = targets.length
for (const [name, open] of targets) {
  t.test(name, { buffered: true }, async (t) => {
    t.test(`${CYCLES} SIGKILL cycles under write load lose no acknowledged write; ad counters lose at most the flush window`, async (t) => {
      const target = await open(t, 'crash')
      if (target !== undefined) await sigkillCycles(t, target)
    })
    t.test('a SIGTERM loses nothing: every acknowledged write is stored after the restart', async (t) => {
      const target = await open(t, 'term')
      if (target !== undefined) await sigterm(t, target)
    })
  })
}
