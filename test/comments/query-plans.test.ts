// SQLite only: query plans (EXPLAIN QUERY PLAN, sqlite_stat1) and index pages (dbstat) are SQLite's own.
import t from 'tap'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { descendantsSql } from '../../src/comments/comment-sql-sqlite.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { createComment, putCommentSettings } from '../fixtures/comments.js'
import { buildTestApp, ON_SQLITE } from '../helper.js'

const dialect = new SQLiteSyncDialect()

t.test('the replies of a thread are found through comments_parent_idx at every step, with or without statistics', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  // Many approved top-level comments and one short thread: what misled the planner.
  const roots = []
  for (let i = 0; i < 40; i++) roots.push((await createComment(app, article.id, { body: `Top-level comment ${i}` })).id)
  const reply = (await createComment(app, article.id, { parentId: roots[0], body: 'A reply' })).id
  await createComment(app, article.id, { parentId: reply, body: 'A reply to the reply' })

  const { sql, params } = dialect.sqlToQuery(descendantsSql(article.id, [roots[0]!]))
  const c = app.database.sqlite!.$client
  // Statistics of a site where replies are rare next to approved top-level comments (as a full
  // index of parent_id saw them: every entry NULL): the planner's own choice was a table scan.
  const skewed = () => {
    c.exec('analyze')
    c.prepare("delete from sqlite_stat1 where tbl = 'comments'").run()
    const stat = c.prepare('insert into sqlite_stat1 (tbl, idx, stat) values (?, ?, ?)')
    stat.run('comments', 'comments_parent_idx', '200000 200000')
    stat.run('comments', 'comments_status_idx', '200000 50000 1 1')
    stat.run('comments', 'comments_article_idx', '200000 40 10 1 1')
    c.exec('analyze sqlite_schema')
  }
  for (const when of ['without statistics', 'with statistics that make the index look useless']) {
    if (when !== 'without statistics') skewed()
    const steps = (c.prepare(`explain query plan ${sql}`).all(...(params as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
    const recursive = steps.slice(steps.indexOf('RECURSIVE STEP'))
    t.match(recursive, /SEARCH c USING (COVERING )?INDEX comments_parent_idx \(parent_id=\?\)/, `${when}: each step looks up one comment's replies`)
    t.notMatch(recursive, /SCAN c|comments_status_idx/, `${when}: no step reads other comments`)
    t.equal(c.prepare(sql).all(...(params as unknown[])).length, 2, `${when}: both replies found`)
  }
})

t.test('comments_parent_idx holds replies only: a top-level comment writes no entry to it', async (t) => {
  const app = await buildTestApp(t, { env: ON_SQLITE })
  await putCommentSettings(app, { moderation: 'none' })
  const article = await createPublishedArticle(app)
  const root = (await createComment(app, article.id)).id
  await createComment(app, article.id, { body: 'Another top-level comment' })
  await createComment(app, article.id, { parentId: root, body: 'The only reply' })
  // An index of every row would hold three entries: the two top-level comments under NULL.
  const entries = app.database.sqlite!.$client.prepare("select sum(ncell) from dbstat where name = 'comments_parent_idx' and pagetype = 'leaf'").pluck().get()
  t.equal(entries, 1)
})
