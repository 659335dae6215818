// What a crashed server left in its database, read past the app with each dialect's own driver,
// so the crash test checks what is stored rather than what the app's data layer makes of it.
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import pg from 'pg'

export interface Stored {
  /** Problems the database itself can see after the crash; empty when there are none. */
  problems: () => Promise<string[]>
  articleSlugs: () => Promise<Set<string>>
  commentIds: () => Promise<Set<number>>
  /** Articles without a revision row: a write that was not atomic. */
  articlesWithoutRevision: () => Promise<number>
  /** Comments or revisions whose article is gone: a write that was not atomic either. */
  orphans: () => Promise<number>
  impressions: () => Promise<number>
  articlesTitledLike: (pattern: string) => Promise<number>
  close: () => Promise<void>
}

/** The portable queries, given a way to run one; `$1` marks the only parameter any of them takes. */
function storedThrough (rows: (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>, problems: () => Promise<string[]>, close: () => Promise<void>): Stored {
  const count = async (text: string, params?: unknown[]) => Number((await rows(text, params))[0]!.n)
  return {
    problems,
    articleSlugs: async () => new Set((await rows('select slug from articles')).map((r) => String(r.slug))),
    commentIds: async () => new Set((await rows('select id from comments')).map((r) => Number(r.id))),
    articlesWithoutRevision: () => count('select count(*) as n from articles a where not exists (select 1 from article_revisions r where r.article_id = a.id)'),
    orphans: () => count(`select (select count(*) from comments c where not exists (select 1 from articles a where a.id = c.article_id))
      + (select count(*) from article_revisions r where not exists (select 1 from articles a where a.id = r.article_id)) as n`),
    impressions: () => count('select coalesce(sum(impressions), 0) as n from ad_stats_daily'),
    articlesTitledLike: (pattern) => count('select count(*) as n from articles where title like $1', [pattern]),
    close
  }
}

/** A SQLite file: integrity_check and foreign_key_check are SQLite's own word on the file. */
export function storedInSqlite (file: string): Stored {
  const db = new Database(file)
  return storedThrough(
    async (text, params = []) => db.prepare(text.replace(/\$\d+/g, '?')).all(...params) as Array<Record<string, unknown>>,
    async () => {
      const integrity = db.pragma('integrity_check', { simple: true })
      const foreignKeys = db.pragma('foreign_key_check') as Array<{ table: string, rowid: number }>
      return [
        ...(integrity === 'ok' ? [] : [`integrity_check: ${String(integrity)}`]),
        ...foreignKeys.map((f) => `foreign_key_check: ${f.table} row ${f.rowid}`)
      ]
    },
    async () => { db.close() }
  )
}

/**
 * A PostgreSQL schema. The database server did not crash, only its client did, so there are
 * no pages to check; what a killed client can leave behind is a session still holding locks
 * on the site's tables (an open transaction), which PostgreSQL must end once the socket closes.
 */
export async function storedInPostgres (url: string): Promise<Stored> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return storedThrough(
    async (text, params = []) => (await client.query(text, params)).rows as Array<Record<string, unknown>>,
    async () => {
      // The backend learns of the closed socket on its next read: give it a moment, not forever.
      const deadline = Date.now() + 5000
      for (;;) {
        const held = (await client.query(`select l.pid, c.relname, l.mode from pg_locks l
          join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = current_schema() and l.pid <> pg_backend_pid()`)).rows as Array<{ pid: number, relname: string, mode: string }>
        if (held.length === 0) return []
        if (Date.now() > deadline) return held.map((h) => `session ${h.pid} still holds ${h.mode} on ${h.relname}`)
        await sleep(100)
      }
    },
    () => client.end()
  )
}
