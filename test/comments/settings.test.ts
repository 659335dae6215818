import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { createComment, putCommentSettings } from '../fixtures/comments.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// PUT /v1/settings/comments (admin): replaces the comment settings; absent fields take their
// defaults; a bad value is a 400 naming it, and the settings stay as they were.

const DEFAULTS = {
  moderation: 'first-time',
  maxDepth: 5,
  maxLength: 5000,
  maxLinks: 2,
  linkAction: 'pending',
  duplicateWindowMinutes: 10,
  postsPerMinute: 5,
  blocklist: { words: [], emails: [], ips: [] }
}

function stored (app: App) {
  return app.database.get<{ value: string }>(sql`select value as "value" from settings where key = 'comments'`)
}

async function current (app: App) {
  const res = await app.inject({ url: '/v1/settings/comments', headers: admin })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}

t.test('PUT /v1/settings/comments → 200 with the whole settings; GET answers the same; absent fields take their defaults', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({
    method: 'PUT',
    url: '/v1/settings/comments',
    headers: admin,
    payload: { moderation: 'all', maxDepth: 3, blocklist: { words: [' casino '], ips: ['203.0.113.'] } }
  })
  const expected = { ...DEFAULTS, moderation: 'all', maxDepth: 3, blocklist: { words: ['casino'], emails: [], ips: ['203.0.113.'] } }
  expectJson(t, res, 200, expected)
  t.same(await current(app), expected)
  t.same(JSON.parse((await stored(app))!.value), expected, 'stored')
  const replaced = await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: { postsPerMinute: 9 } })
  expectJson(t, replaced, 200, { ...DEFAULTS, postsPerMinute: 9 })
  t.same(await current(app), { ...DEFAULTS, postsPerMinute: 9 })
})

t.test('PUT /v1/settings/comments with a bad moderation value → 400 path moderation and the settings unchanged', async (t) => {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', maxLinks: 4 })
  const before = { api: await current(app), row: await stored(app) }
  const res = await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload: { moderation: 'sometimes' } })
  expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'moderation', message: 'moderation must be all, first-time or none' }])
  t.same({ api: await current(app), row: await stored(app) }, before)
})

t.test('PUT /v1/settings/comments with out-of-range numbers, a bad blocklist or an unknown field → 400 naming each, settings unchanged', async (t) => {
  const app = await buildTestApp(t)
  const before = { api: await current(app), row: await stored(app) }
  t.equal(before.row, undefined, 'nothing stored yet: the defaults apply')
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ maxDepth: 0 }, ['maxDepth']],
    [{ maxLength: 50 }, ['maxLength']],
    [{ postsPerMinute: 0 }, ['postsPerMinute']],
    [{ maxLinks: -1, linkAction: 'delete' }, ['linkAction', 'maxLinks']],
    [{ duplicateWindowMinutes: 1.5 }, ['duplicateWindowMinutes']],
    [{ blocklist: { words: 'casino' } }, ['blocklist.words']],
    [{ blocklist: { domains: ['x'] } }, ['blocklist.domains']],
    [{ captcha: true }, ['captcha']]
  ]
  for (const [payload, paths] of cases) {
    const res = await app.inject({ method: 'PUT', url: '/v1/settings/comments', headers: admin, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.same((res.json().errors as Array<{ path: string }>).map((e) => e.path).sort(), paths)
    t.same({ api: await current(app), row: await stored(app) }, before, 'unchanged')
  }
})

t.test('new settings apply to the next post at once', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  t.equal((await createComment(app, article.id)).status, 'pending')
  await putCommentSettings(app, { moderation: 'none' })
  t.equal((await createComment(app, article.id)).status, 'approved')
})
