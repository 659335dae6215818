import { statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openDatabase, WAL_CHECKPOINT_PAGES } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { tempDir } from '../helper.js'

t.test('the write-ahead log is copied into the database file only when it reaches WAL_CHECKPOINT_PAGES, not at SQLite\'s 1,000', async (t) => {
  const file = join(await tempDir(t), 'wal.db')
  const db = openDatabase(file)
  t.teardown(() => db.$client.close())
  const sqlite = db.$client
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }))
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), WAL_CHECKPOINT_PAGES)
  t.equal(sqlite.pragma('journal_size_limit', { simple: true }), WAL_CHECKPOINT_PAGES * pageSize, 'a log that grew past the limit is cut back to it')

  // 2,000 pages of rows in 20 commits: with the default every 1,000th page would copy the log
  // back and start it over, and the log would never hold more than ~1,000 pages.
  sqlite.exec('create table filler (data blob not null)')
  const insert = sqlite.prepare('insert into filler (data) values (randomblob(?))')
  const commit = sqlite.transaction(() => { for (let i = 0; i < 100; i++) insert.run(pageSize - 200) })
  for (let i = 0; i < 20; i++) commit()
  const framesInLog = (statSync(`${file}-wal`).size - 32) / (pageSize + 24)
  t.ok(framesInLog >= 2000, `all ${framesInLog} pages are still in the log`)
  const [progress] = sqlite.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number, checkpointed: number }>
  t.ok(progress!.log >= 2000 && progress!.checkpointed === progress!.log, 'an explicit checkpoint copies them all')
})

t.test('sqlite only: Drizzle\'s builders prepare a statement once per text, and a shared one answers plain rows after raw ones', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.$client.close())
  runMigrations(db)
  const prepared: string[] = []
  const real = db.$client.prepare.bind(db.$client)
  db.$client.prepare = ((source: string) => { prepared.push(source); return real(source) }) as typeof db.$client.prepare
  db.$client.exec("insert into tags (slug, name) values ('kelp', 'Kelp')")
  const { tags } = await import('../../src/db/schema.js')
  const { eq } = await import('drizzle-orm')
  // A mapped select runs the statement in raw mode; the same text unmapped must still get objects.
  const mapped = () => db.select({ name: tags.name }).from(tags).where(eq(tags.slug, 'kelp')).get()
  t.same(mapped(), { name: 'Kelp' })
  t.same(mapped(), { name: 'Kelp' })
  t.equal(prepared.filter((s) => s.startsWith('select')).length, 1, 'the second call reused the prepared statement')
  const client = (db as unknown as { session: { client: { prepare: (s: string) => { get: (...p: unknown[]) => unknown, raw: () => unknown } } } }).session.client
  const text = prepared.find((s) => s.startsWith('select'))!
  client.prepare(text).raw()
  t.same(client.prepare(text).get('kelp'), { name: 'Kelp' }, 'a plain get after a raw use answers an object')
})
