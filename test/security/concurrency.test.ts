import { sql } from 'drizzle-orm'
import t from 'tap'
import { admin, buildTestApp } from '../helper.js'
import { createArticle } from '../fixtures/articles.js'
import { postComment } from '../fixtures/comments.js'
import { tokenFor } from '../fixtures/tokens.js'

t.test('two editors patch one article with the same If-Match at once: exactly one wins, the other gets 412, one revision', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { title: 'Contested', status: 'published' })
  const read = await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })
  const etag = read.headers.etag as string
  const other = await tokenFor(app, 'editor')
  const [a, b] = await Promise.all([
    app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...admin, 'if-match': etag }, payload: { title: 'First editor' } }),
    app.inject({ method: 'PATCH', url: `/v1/articles/${article.id}`, headers: { ...other.headers, 'if-match': etag }, payload: { title: 'Second editor' } })
  ])
  t.same([a.statusCode, b.statusCode].sort(), [200, 412])
  const loser = a.statusCode === 412 ? a : b
  t.match(loser.headers['content-type'], /^application\/problem\+json/)
  const revisions = await app.inject({ url: `/v1/articles/${article.id}/revisions`, headers: admin })
  t.equal(revisions.json().data.length, 2, 'creation and one change')
  const winner = a.statusCode === 200 ? 'First editor' : 'Second editor'
  t.equal((await app.inject({ url: `/v1/articles/${article.id}`, headers: admin })).json().title, winner)
})

t.test('many comment posts and approvals at once keep commentCount exact', async (t) => {
  const app = await buildTestApp(t)
  const put = await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: { moderation: 'none', postsPerMinute: 1000, duplicateWindowMinutes: 0 } })
  t.equal(put.statusCode, 200)
  const article = await createArticle(app, { title: 'Busy thread', status: 'published' })
  const posts = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    postComment(app, article.slug, { body: `Comment ${i}`, authorName: `Reader ${i}`, authorEmail: `reader${i}@example.com` })))
  t.ok(posts.every((p) => p.statusCode === 201))
  const ids = posts.map((p) => p.json().id as number)
  // Half go to spam, some back to approved, all at once.
  await Promise.all([
    ...ids.slice(0, 30).map((id) => app.inject({ method: 'PATCH', url: `/v1/comments/${id}`, headers: admin, payload: { status: 'spam' } })),
    app.inject({ method: 'PATCH', url: '/v1/comments', headers: admin, payload: { ids: ids.slice(20, 40), status: 'approved' } })
  ])
  const counted = (await app.database.get<{ n: number }>(sql`select count(*) as "n" from comments where article_id = ${article.id} and status = 'approved'`))!.n
  const shown = (await app.inject({ url: `/v1/articles/${article.id}?fields=commentCount`, headers: admin })).json().commentCount
  t.equal(shown, counted)
  t.ok(counted >= 30 && counted <= 40)
})
