import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import t from 'tap'
import { openDatabase } from '../../src/db/client.js'
import { sqliteMigrationsFolder, runMigrations } from '../../src/db/migrate.js'
import { tempDir } from '../helper.js'

// Migration 0005 rebuilds the articles table (body and html last). A rebuild drops the old
// table: with foreign keys on, that would cascade to comments, tags and revisions. This runs
// it on a database populated at 0004 and checks nothing but the column order changed.

/** A copy of the migrations folder whose journal stops before `tag`. */
async function migrationsBefore (t: Parameters<typeof tempDir>[0], tag: string): Promise<string> {
  const dir = join(await tempDir(t), 'migrations')
  cpSync(sqliteMigrationsFolder, dir, { recursive: true })
  const journalFile = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> }
  const at = journal.entries.findIndex((e) => e.tag === tag)
  t.ok(at > 0, `migration ${tag} is in the journal`)
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }))
  return dir
}

/**
 * A file database migrated up to 0004 (foreign keys on again afterwards); `unchecked` runs
 * while they are still off, to plant what the checks must catch.
 */
async function databaseAt0004 (t: Parameters<typeof tempDir>[0], unchecked?: string) {
  const db = openDatabase(join(await tempDir(t), 'old.db'))
  t.teardown(() => { db.$client.close() })
  db.$client.pragma('foreign_keys = OFF')
  migrate(db, { migrationsFolder: await migrationsBefore(t, '0005_articles_body_last') })
  if (unchecked) db.$client.exec(unchecked)
  db.$client.pragma('foreign_keys = ON')
  return db
}

/** The articles table's column names, in stored order. */
const articleColumns = (db: ReturnType<typeof openDatabase>) => db.$client.prepare("select name from pragma_table_info('articles')").pluck().all() as string[]

t.test('migration 0005 moves body and html to the end of articles and keeps every row, reference and id', async (t) => {
  const db = await databaseAt0004(t)
  const c = db.$client
  t.not(articleColumns(db).at(-1), 'html', 'at 0004 html is not last')

  c.exec(`
    insert into categories (id, slug, name) values (1, 'news', 'News');
    insert into tags (id, slug, name) values (1, 'city', 'City');
    insert into articles (id, slug, title, body, html, status, category_id, published_at, comment_count)
      values (1, 'first', 'First', '${'Long body. '.repeat(800)}', '<p>${'Long body. '.repeat(800)}</p>', 'published', 1, '2030-01-01T00:00:00.000Z', 1),
             (2, 'second', 'Second', 'b', '<p>b</p>', 'draft', null, null, 0),
             (3, 'deleted', 'Deleted', 'c', '<p>c</p>', 'draft', null, null, 0);
    delete from articles where id = 3;
    insert into article_tags (article_id, tag_id) values (1, 1);
    insert into comments (id, article_id, status, body, author_name, author_email, avatar_hash) values (1, 1, 'approved', 'Hi', 'A', 'a@example.com', 'x');
  `)
  const before = c.prepare('select * from articles order by id').all()

  runMigrations(db)

  t.same(articleColumns(db).slice(-2), ['body', 'html'], 'body and html are the last columns')
  t.same(c.prepare('select * from articles order by id').all(), before, 'every article and value kept')
  t.same(c.prepare('select article_id as a, tag_id as t from article_tags').all(), [{ a: 1, t: 1 }], 'tags kept (no cascade)')
  t.same(c.prepare('select id, article_id as a from comments').all(), [{ id: 1, a: 1 }], 'comments kept (no cascade)')
  t.same(c.pragma('foreign_key_check'), [], 'no dangling reference')
  t.equal(c.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are on again')
  const refs = c.prepare("select distinct \"table\" from pragma_foreign_key_list('comments')").pluck().all()
  t.ok(refs.includes('articles'), 'comments still reference articles')
  const indexes = c.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'articles' and name like 'articles_%' order by name").pluck().all()
  t.same(indexes, ['articles_author_idx', 'articles_category_idx', 'articles_public_author_idx', 'articles_public_category_idx', 'articles_public_featured_idx', 'articles_public_id_idx', 'articles_public_idx', 'articles_scheduled_idx', 'articles_slug_unique', 'articles_status_idx', 'articles_updated_idx'])
  c.exec("insert into articles (slug, title) values ('next', 'Next')")
  t.equal(c.prepare("select id from articles where slug = 'next'").pluck().get(), 4, 'a deleted id is not handed out again')
  t.throws(() => c.exec('delete from categories where id = 1'), /FOREIGN KEY/, 'the new table enforces its references')
  t.throws(() => c.exec("insert into articles (slug, title) values ('first', 'Again')"), /UNIQUE/, 'slugs are still unique')
})

t.test('runMigrations fails the start when the migrations it applied leave a dangling reference, and keeps foreign keys on', async (t) => {
  const db = await databaseAt0004(t, "insert into comments (article_id, status, body, author_name, author_email, avatar_hash) values (999, 'approved', 'x', 'A', 'a@example.com', 'x')")
  const c = db.$client
  t.throws(() => runMigrations(db), /foreign key violations/)
  t.equal(c.pragma('foreign_keys', { simple: true }), 1)
  t.doesNotThrow(() => runMigrations(db), 'with nothing left to apply, a start does not scan the tables again')
})

t.test('migration 0005 refuses to run with foreign keys on (another runner than runMigrations) and changes nothing', async (t) => {
  const db = await databaseAt0004(t)
  const c = db.$client
  c.exec(`
    insert into articles (id, slug, title) values (1, 'kept', 'Kept');
    insert into comments (article_id, status, body, author_name, author_email, avatar_hash) values (1, 'approved', 'Hi', 'A', 'a@example.com', 'x');
  `)
  t.throws(() => migrate(db, { migrationsFolder: sqliteMigrationsFolder }), 'plain drizzle migrate() with foreign keys on fails')
  t.equal(c.prepare('select count(*) from comments').pluck().get(), 1, 'no comment cascaded away')
  t.not(articleColumns(db).at(-1), 'html', 'the table was not rebuilt')
})
