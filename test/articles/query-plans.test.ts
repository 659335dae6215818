// SQLite-only: EXPLAIN QUERY PLAN of the SQLite statements (PostgreSQL plans its own SQL).
import t from 'tap'
import type { App } from '../../src/app.js'
import { sql, type SQL } from 'drizzle-orm'
import { listFilters, listSql, POPULAR_TAG, relatedSql, sortSpec, stateSql } from '../../src/articles/queries.js'
import { sortMatchesSql, walkBatchSql } from '../../src/articles/search-list.js'
import { matchesSql, windowSql } from '../../src/articles/search-plan.js'
import { ArticleListQuerySchema } from '../../src/articles/schemas.js'
import { buildTestApp, ON_SQLITE } from '../helper.js'

const NOW = '2026-01-01T00:00:00.000Z'

/** EXPLAIN QUERY PLAN of a drizzle SQL object, as one line per plan step. */
async function plan (app: App, query: SQL, values?: Record<string, unknown>): Promise<string> {
  const rows = await app.database.all<{ detail: string }>(sql`explain query plan ${query}`, values)
  return rows.map((r) => r.detail).join('\n')
}

const list = (query: Record<string, unknown>) => listSql(ArticleListQuerySchema.parse(query), null, NOW).select

t.test('the public list reads articles_public_idx in order: no table scan, no sort', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, list({}))
  t.match(steps, /SCAN a USING INDEX articles_public_idx/, 'from the newest, stopping after a page')
  t.notMatch(steps, /TEMP B-TREE/)
  t.notMatch(steps, /SCAN a$/m, 'no table scan')
})

t.test('the next page of the public list seeks in articles_public_idx from the cursor, whatever the sort direction', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  for (const [sort, bound] of [['-publishedAt', '<'], ['publishedAt', '>']] as const) {
    const cursor = Buffer.from(JSON.stringify([sort, NOW, 10])).toString('base64url')
    const steps = await plan(app, list({ cursor, sort }))
    // The cursor is the index range: a deep page costs what the first does.
    t.match(steps, new RegExp(`SEARCH a USING INDEX articles_public_idx \\(published_at${bound}\\?\\)`), sort)
    t.notMatch(steps, /TEMP B-TREE/)
  }
})

t.test('publishedBefore seeks in articles_public_idx: the bound, not now, is the index range', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, list({ publishedBefore: '2025-06-01T00:00:00.000Z' }))
  t.match(steps, /SEARCH a USING INDEX articles_public_idx \(published_at<\?\)/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('a sort by update seeks in articles_updated_idx from the cursor', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const cursor = Buffer.from(JSON.stringify(['-updatedAt', NOW, 10])).toString('base64url')
  const steps = await plan(app, list({ cursor, sort: '-updatedAt' }))
  t.match(steps, /SEARCH a USING INDEX articles_updated_idx \(updated_at<\?\)/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('a category filter reads articles_public_category_idx in order', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, list({ category: 'world' }))
  t.match(steps, /USING INDEX articles_public_category_idx \(category_id=\?\)/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('an author filter reads articles_public_author_idx in order', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, list({ author: 'amara-okafor' }))
  t.match(steps, /USING INDEX articles_public_author_idx/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('a rare tag drives the query through article_tags_tag_idx, never a scan of articles', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, listSql(ArticleListQuerySchema.parse({ tag: 'climate' }), null, NOW, () => 3).select)
  t.match(steps, /article_tags_tag_idx/)
  t.notMatch(steps, /SCAN a\b/)
})

t.test('a popular tag walks articles_public_idx in order and checks the tag per row: no sort', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, listSql(ArticleListQuerySchema.parse({ tag: 'climate' }), null, NOW, () => POPULAR_TAG).select)
  t.match(steps, /USING INDEX articles_public_idx/)
  t.match(steps, /SEARCH t EXISTS USING COVERING INDEX/)
  t.notMatch(steps, /TEMP B-TREE/)
})

// Searches: FTS5 reads only an id range (the rowid limits pushed into the index), public
// visibility comes from articles_public_id_idx, and no statement reads the article rows.
const searchPlan = { match: '"sea" AND "wall"', rank: '"sea" AND "wall"', title: '{title} : ("sea" AND "wall")', newestId: 100 }
const searchFilters = (query: Record<string, unknown>) => listFilters(ArticleListQuerySchema.parse(query), null, NOW)

t.test('a search window reads an id range of the FTS5 index, in id order', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, matchesSql(searchPlan.match, { from: 1, to: 100, limit: 10 }))
  t.match(steps, /SCAN articles_fts VIRTUAL TABLE INDEX \d+:M\d*></, 'MATCH with rowid >= and <= handed to FTS5')
  t.notMatch(steps, /TEMP B-TREE/, 'FTS5 delivers id order')
})

t.test('a search window is scored and checked against articles_public_id_idx in one read of the index', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const filters = searchFilters({ q: 'sea wall' })
  for (const rank of [searchPlan.rank, '"sea"', null]) {
    const steps = await plan(app, windowSql({ ...searchPlan, rank }, [1, 2, 3], filters.where, true))
    t.match(steps, /SCAN articles_fts VIRTUAL TABLE INDEX \d+:M\d*></, `rank ${rank}: an id range of the index`)
    t.match(steps, /SEARCH a USING INDEX articles_public_id_idx \(id=\?\)/, `rank ${rank}: visibility from the index`)
    t.notMatch(steps, /INTEGER PRIMARY KEY|SCAN a\b/, `rank ${rank}: never the article rows`)
  }
})

t.test('a date-sorted search matching few articles joins its matches to articles_public_id_idx, then sorts them', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const query = ArticleListQuerySchema.parse({ q: 'sea wall', sort: '-publishedAt' })
  const filters = listFilters(query, null, NOW)
  const steps = await plan(app, sortMatchesSql(query, '-publishedAt', filters, sortSpec('-publishedAt', true), searchPlan))
  t.match(steps, /^SCAN articles_fts VIRTUAL TABLE INDEX \d+:M/, 'the matches drive the query')
  t.match(steps, /SEARCH a USING INDEX articles_public_id_idx \(id=\?\)/)
  t.notMatch(steps, /INTEGER PRIMARY KEY|SCAN a\b/)
})

t.test('a date-sorted search matching many articles walks articles_public_idx in order, one batch at a time', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const filters = searchFilters({ q: 'sea wall', sort: '-publishedAt' })
  const steps = await plan(app, walkBatchSql(filters.where, sortSpec('-publishedAt', true), 100))
  t.match(steps, /USING INDEX articles_public_idx/)
  t.notMatch(steps, /TEMP B-TREE/)
})

t.test('reading an article by slug uses the unique slug index', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  t.match(await plan(app, sql`select * from articles where slug = ${'x'}`), /USING INDEX articles_slug_unique \(slug=\?\)/)
})

t.test('the comment form\'s article lookup seeks by rowid or the slug index', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const state = stateSql(app.database)
  t.match(await plan(app, state.id, { id: 1 }), /USING INTEGER PRIMARY KEY \(rowid=\?\)/, 'id')
  t.match(await plan(app, state.slug, { slug: 'a-slug' }), /USING INDEX articles_slug_unique \(slug=\?\)/, 'slug')
})

t.test('"More articles" finds live candidates in the live index and their category in its index', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  const steps = await plan(app, relatedSql(app.database, { id: 1, categoryId: 2 }, [3, 4], 4, NOW)!)
  t.match(steps, /SEARCH a USING INDEX articles_public_id_idx \(id=\?/, 'liveness and date from the live index')
  t.match(steps, /SEARCH k USING COVERING INDEX articles_category_idx \(category_id=\? AND rowid=\?\)/, 'the category from its index')
  t.match(steps, /SEARCH t USING COVERING INDEX/, 'shared tags from an index')
  t.notMatch(steps, /SEARCH a USING INTEGER PRIMARY KEY/, 'not by the table')
})
