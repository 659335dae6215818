// Crash safety: write load against a real server process, SIGKILL at a random moment,
// restart, and check that SQLite is intact, every write acknowledged with a 2xx is there,
// and ad counters lost at most the flush window. Then a SIGTERM loses nothing. Bounded:
// a few cycles of about a second of load each.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { freePort, tempDir } from '../helper.js'

const root = new URL('../..', import.meta.url).pathname
const TOKEN = 'crash-test-bootstrap-token-0123456789'
const FLUSH_SECONDS = 1
const CYCLES = 3
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

function impressionsStored (database: string): number {
  const db = new Database(database, { readonly: true })
  try {
    return (db.prepare('select coalesce(sum(impressions), 0) from ad_stats_daily').pluck().get() as number)
  } finally {
    db.close()
  }
}

t.test(`${CYCLES} SIGKILL cycles under write load lose no acknowledged write; ad counters lose at most the flush window`, async (t) => {
  const dir = await tempDir(t)
  const database = join(dir, 'crash.db')
  const ack: Acknowledged = { articles: [], comments: [], impressions: [] }
  let countedBefore = 0
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const server = await startServer(database)
    t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
    const impressionsBefore = ack.impressions.length
    if (cycle === 1) {
      const put = await fetch(`${server.url}/v1/settings/comments`, { method: 'PUT', headers: auth, body: JSON.stringify({ postsPerMinute: 1_000_000, duplicateWindowMinutes: 0 }) })
      t.equal(put.status, 200)
    }
    const killAfter = 2000 + Math.floor(Math.random() * 1500)
    let killed = false
    const load = writeLoad(server.url, () => killed, cycle, ack)
    await new Promise((resolve) => setTimeout(resolve, killAfter))
    const killedAt = Date.now()
    server.child.kill('SIGKILL')
    killed = true
    await once(server.child, 'exit')
    await load

    const db = new Database(database)
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok', `cycle ${cycle}: integrity_check after SIGKILL`)
    const slugs = new Set((db.prepare('select slug from articles').pluck().all() as string[]))
    const missingArticles = ack.articles.filter((s) => !slugs.has(s))
    t.same(missingArticles, [], `cycle ${cycle}: all ${ack.articles.length} acknowledged articles are there`)
    const commentIds = new Set((db.prepare('select id from comments').pluck().all() as number[]))
    t.same(ack.comments.filter((id) => !commentIds.has(id)), [], `cycle ${cycle}: all ${ack.comments.length} acknowledged comments are there`)
    const revisionsMissing = db.prepare('select count(*) from articles a where not exists (select 1 from article_revisions r where r.article_id = a.id)').pluck().get()
    t.equal(revisionsMissing, 0, `cycle ${cycle}: every article has its revision (writes are atomic)`)
    db.close()

    // Impressions acknowledged more than one flush interval (plus a margin) before the kill were flushed.
    const counted = impressionsStored(database) - countedBefore
    const safe = ack.impressions.slice(impressionsBefore).filter((at) => at < killedAt - FLUSH_SECONDS * 1000 - 500).length
    const sent = ack.impressions.length - impressionsBefore
    t.ok(safe > 0, `cycle ${cycle}: some impressions were acknowledged before the flush window`)
    t.ok(counted >= safe && counted <= sent, `cycle ${cycle}: ${counted} of ${sent} impressions counted; at least the ${safe} acknowledged before the flush window`)
    countedBefore += counted
  }
  t.comment(`${CYCLES} kill cycles survived: ${ack.articles.length} articles, ${ack.comments.length} comments, ${ack.impressions.length} impressions acknowledged`)
})

t.test('a SIGTERM loses nothing: every acknowledged impression is counted after the restart', async (t) => {
  const dir = await tempDir(t)
  const database = join(dir, 'term.db')
  const ack: Acknowledged = { articles: [], comments: [], impressions: [] }
  const server = await startServer(database)
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  await fetch(`${server.url}/v1/settings/comments`, { method: 'PUT', headers: auth, body: JSON.stringify({ postsPerMinute: 1_000_000, duplicateWindowMinutes: 0 }) })
  let stopped = false
  const load = writeLoad(server.url, () => stopped, 0, ack)
  await new Promise((resolve) => setTimeout(resolve, 800))
  stopped = true
  await load
  server.child.kill('SIGTERM')
  const [code] = await once(server.child, 'exit')
  t.equal(code, 0)
  t.equal(impressionsStored(database), ack.impressions.length, `all ${ack.impressions.length} impressions counted`)
  const db = new Database(database, { readonly: true })
  t.equal(db.prepare("select count(*) from articles where title like 'Crash 0 story %'").pluck().get(), ack.articles.length)
  db.close()
})
