// PostgreSQL query plans of skewed reads, as the pool runs them: named prepared statements,
// which PostgreSQL plans generically (without the values) after five runs. Skips without a server.
import t, { type Test } from 'tap'
import pg from 'pg'
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { listSqlPg } from '../../src/articles/list-postgres.js'
import { POPULAR_TAG } from '../../src/articles/queries.js'
import { refsTemplate } from '../../src/articles/relations.js'
import { ArticleListQuerySchema } from '../../src/articles/schemas.js'
import { connectDatabase } from '../../src/db/connect.js'
import { freshPostgresUrl } from '../support/postgres.js'

const NOW = '2026-01-01T00:00:00.000Z'

/**
 * A fresh schema with 4,000 live articles: tag 1 on every one, tag 2 on the 40 oldest (a rare
 * tag whose articles a walk down the publication index reaches last). Undefined without a server.
 */
async function skewedSite (t: Test): Promise<pg.Client | undefined> {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return undefined
  const db = await connectDatabase({ databaseUrl: url, pgPoolSize: 1 })
  await db.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  t.teardown(() => client.end())
  await client.query('insert into tags (id, slug, name) values (1, \'everywhere\', \'Everywhere\'), (2, \'rare\', \'Rare\')')
  await client.query(`insert into articles (id, slug, title, body, format, html, status, published_at, created_at, updated_at)
    select n, 'a-' || n, 'Article ' || n, 'Text', 'markdown', '<p>Text</p>', 'published',
      timestamptz '2025-01-01' + n * interval '1 minute', timestamptz '2025-01-01', timestamptz '2025-01-01'
    from generate_series(1, 4000) as n`)
  await client.query('insert into article_tags (article_id, tag_id, position) select n, 1, 0 from generate_series(1, 4000) as n')
  await client.query('insert into article_tags (article_id, tag_id, position) select n, 2, 1 from generate_series(1, 40) as n')
  await client.query('analyze')
  return client
}

/** The plan PostgreSQL keeps for the statement once it plans generically, as text. */
async function genericPlan (client: pg.Client, query: SQL, values?: Record<string, unknown>): Promise<string> {
  const rendered = new PgDialect().sqlToQuery(query)
  const { sql: text } = rendered
  const params = values === undefined ? rendered.params : fillPlaceholders(rendered.params, values)
  await client.query('set plan_cache_mode = force_generic_plan')
  await client.query({ name: 'listed', text, values: params })
  // EXPLAIN takes no bound parameters: the values as literals (test values, quoted by the driver).
  const literals = params.map((v) => typeof v === 'number' ? String(v) : client.escapeLiteral(String(v))).join(', ')
  const rows = await client.query(`explain execute listed(${literals})`)
  await client.query('deallocate listed')
  return rows.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')
}

const list = (tag: string) => ArticleListQuerySchema.parse({ tag, limit: 20, fields: 'id,slug' })

t.test('a rare tag is looked up by its article ids, in the generic plan too: no walk down the publication index', async (t) => {
  const client = await skewedSite(t)
  if (!client) return
  const plan = await genericPlan(client, listSqlPg(list('rare'), null, NOW, () => 40, sql`a.id as "id"`).select)
  t.match(plan, /articles_pkey/, 'the tag\'s articles by id')
  t.notMatch(plan, /articles_public_idx/, 'no walk from the newest article until 20 with the tag turn up')
  const { sql: text, params } = new PgDialect().sqlToQuery(listSqlPg(list('rare'), null, NOW, () => 40, sql`a.id as "id"`).select)
  const rows = await client.query(text, params)
  t.same(rows.rows.slice(0, 3).map((r: { id: number }) => r.id), [40, 39, 38], 'newest first')
})

t.test('a popular tag walks the publication index and checks each article, stopping after a page', async (t) => {
  const client = await skewedSite(t)
  if (!client) return
  const plan = await genericPlan(client, listSqlPg(list('everywhere'), null, NOW, () => POPULAR_TAG, sql`a.id as "id"`).select)
  t.match(plan, /Scan Backward using articles_public_idx/)
})

t.test('an article\'s tags are found per tag row in the generic plan, never by hashing the whole tags table', async (t) => {
  const client = await skewedSite(t)
  if (!client) return
  // A newsroom's few hundred tags, three on each article: the generic plan (an id list of
  // unknown length) found hashing the whole tags table cheaper than looking each one up.
  await client.query("insert into tags (id, slug, name) select n, 'tag-' || n, 'Tag ' || n from generate_series(3, 200) as n")
  await client.query('insert into article_tags (article_id, tag_id, position) select n, 3 + n % 198, 2 from generate_series(1, 4000) as n')
  await client.query('analyze')
  const plan = await genericPlan(client, refsTemplate('postgres', false, false, false), { articles: '{40}' })
  t.notMatch(plan, /Hash/, 'no hash of the whole tags table')
  t.match(plan, /Nested Loop/, 'each of the article\'s tag rows finds its tag')
})

t.test('a one-article read of its category, author and tags keeps its generic plan, where the list form is planned again on every run', async (t) => {
  const client = await skewedSite(t)
  if (!client) return
  const version = Number((await client.query('show server_version_num')).rows[0].server_version_num)
  if (version < 140000) return // pg_prepared_statements counts plans from PostgreSQL 14
  await client.query("insert into categories (id, slug, name) values (1, 'news', 'News')")
  await client.query("insert into authors (id, slug, name) values (1, 'ann', 'Ann')")
  const plans = async (name: string, query: SQL, values: Record<string, unknown>) => {
    const { sql: text, params } = new PgDialect().sqlToQuery(query)
    for (let i = 0; i < 8; i++) await client.query({ name, text, values: fillPlaceholders(params, { ...values, articles: typeof values.articles === 'number' ? 1 + i : `{${1 + i}}` }) })
    return (await client.query('select generic_plans as "generic", custom_plans as "custom" from pg_prepared_statements where name = $1', [name])).rows[0]
  }
  const one = await plans('one', refsTemplate('postgres', true, true, true), { categories: 1, authors: 1, articles: 1 })
  t.ok(one.generic >= 3, `planned once for all runs after the first five (${one.generic} generic, ${one.custom} custom)`)
  const list = await plans('list', refsTemplate('postgres', true, true, false), { categories: '{1}', authors: '{1}', articles: '{1}' })
  t.equal(list.generic, 0, 'the id-list form: a fresh plan every run, why one article uses the other')
})
