import t from 'tap'
import type { SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { listSql, POPULAR_TAG, STATE_SQL } from '../../src/articles/queries.js'
import { ArticleListQuerySchema } from '../../src/articles/schemas.js'
import { build } from '../helper.js'

const dialect = new SQLiteSyncDialect()
const NOW = '2026-01-01T00:00:00.000Z'

/** EXPLAIN QUERY PLAN of a drizzle SQL object, as one line per plan step. */
function plan (app: Awaited<ReturnType<typeof build>>, query: SQL): string {
  const { sql, params } = dialect.sqlToQuery(query)
  const rows = app.db.$client.prepare(`explain query plan ${sql}`).all(...(params as unknown[])) as Array<{ detail: string }>
  return rows.map((r) => r.detail).join('\n')
}

const list = (query: Record<string, unknown>) => listSql(ArticleListQuerySchema.parse(query), null, NOW).select

t.test('the public list reads articles_public_idx in order: no table scan, no sort', async (t) => {
  const app = await build(t)
  const steps = plan(app, list({}))
  t.match(steps, /USING INDEX articles_public_idx/)
  t.notMatch(steps, /TEMP B-TREE/)
  t.notMatch(steps, /SCAN a\b/)
})

t.test('the next page of the public list seeks in articles_public_idx from the cursor', async (t) => {
  const app = await build(t)
  const cursor = Buffer.from(JSON.stringify(['-publishedAt', NOW, 10])).toString('base64url')
  const steps = plan(app, list({ cursor }))
  t.match(steps, /USING INDEX articles_public_idx/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('a category filter reads articles_public_category_idx in order', async (t) => {
  const app = await build(t)
  const steps = plan(app, list({ category: 'world' }))
  t.match(steps, /USING INDEX articles_public_category_idx \(category_id=\? AND published_at<\?\)/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('an author filter reads articles_public_author_idx in order', async (t) => {
  const app = await build(t)
  const steps = plan(app, list({ author: 'amara-okafor' }))
  t.match(steps, /USING INDEX articles_public_author_idx/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('a rare tag drives the query through article_tags_tag_idx, never a scan of articles', async (t) => {
  const app = await build(t)
  const steps = plan(app, listSql(ArticleListQuerySchema.parse({ tag: 'climate' }), null, NOW, () => 3).select)
  t.match(steps, /article_tags_tag_idx/)
  t.notMatch(steps, /SCAN a\b/)
})

t.test('a popular tag walks articles_public_idx in order and checks the tag per row: no sort', async (t) => {
  const app = await build(t)
  const steps = plan(app, listSql(ArticleListQuerySchema.parse({ tag: 'climate' }), null, NOW, () => POPULAR_TAG).select)
  t.match(steps, /USING INDEX articles_public_idx/)
  t.match(steps, /SEARCH t EXISTS USING COVERING INDEX/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('full-text search goes through the FTS5 index and joins articles by primary key', async (t) => {
  const app = await build(t)
  const steps = plan(app, list({ q: 'sea wall' }))
  t.match(steps, /VIRTUAL TABLE INDEX/)
  t.match(steps, /SEARCH a USING INTEGER PRIMARY KEY/)
})

t.test('reading an article by slug uses the unique slug index', async (t) => {
  const app = await build(t)
  const rows = app.db.$client.prepare('explain query plan select * from articles where slug = ?').all('x') as Array<{ detail: string }>
  t.match(rows.map((r) => r.detail).join('\n'), /USING INDEX articles_slug_unique \(slug=\?\)/)
})

t.test('the comment form\'s article lookup seeks by rowid or the slug index', async (t) => {
  const app = await build(t)
  for (const [key, sql] of Object.entries(STATE_SQL)) {
    const steps = (app.db.$client.prepare(`explain query plan ${sql}`).all(key === 'id' ? 1 : 'a-slug') as Array<{ detail: string }>).map((r) => r.detail).join('\n')
    t.match(steps, key === 'id' ? /USING INTEGER PRIMARY KEY \(rowid=\?\)/ : /USING INDEX articles_slug_unique \(slug=\?\)/, key)
  }
})
