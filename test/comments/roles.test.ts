import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, storedComments, createComment, postComment } from '../fixtures/comments.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, bearer, buildTestApp, expectProblem } from '../helper.js'

// Who may call each comment route. Reading approved comments and posting one need no token;
// moderation and reading the settings need an editor; erasing by email and writing the
// settings need an admin. A refused call changes nothing.

type Role = 'contributor' | 'author' | 'editor' | 'admin'
const roles: Role[] = ['contributor', 'author', 'editor', 'admin']
const rank: Record<Role, number> = { contributor: 0, author: 1, editor: 2, admin: 3 }

interface Route {
  name: string
  least: 'editor' | 'admin'
  success: number
  /** Builds the request against a fresh pending comment the route may act on. */
  request: (commentId: number) => { method: 'GET' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: Record<string, unknown> }
}

const routes: Route[] = [
  { name: 'GET /v1/comments', least: 'editor', success: 200, request: () => ({ method: 'GET', url: '/v1/comments?status=any' }) },
  { name: 'PATCH /v1/comments', least: 'editor', success: 200, request: (id) => ({ method: 'PATCH', url: '/v1/comments', payload: { ids: [id], status: 'approved' } }) },
  { name: 'PATCH /v1/comments/{id}', least: 'editor', success: 200, request: (id) => ({ method: 'PATCH', url: `/v1/comments/${id}`, payload: { status: 'spam' } }) },
  { name: 'DELETE /v1/comments/{id}', least: 'editor', success: 204, request: (id) => ({ method: 'DELETE', url: `/v1/comments/${id}` }) },
  { name: 'GET /v1/settings/comments', least: 'editor', success: 200, request: () => ({ method: 'GET', url: '/v1/settings/comments' }) },
  { name: 'DELETE /v1/comments?email=', least: 'admin', success: 200, request: () => ({ method: 'DELETE', url: '/v1/comments?email=victim%40example.net' }) },
  { name: 'PUT /v1/settings/comments', least: 'admin', success: 200, request: () => ({ method: 'PUT', url: '/v1/settings/comments', payload: { moderation: 'all', maxDepth: 3 } }) }
]

/** Everything a comment route can change: the comments and the stored settings. */
async function state (app: App) {
  return {
    comments: await storedComments(app),
    settings: await app.database.all(sql`select * from settings where key = 'comments'`)
  }
}

/** An app, a published article and a pending comment by victim@example.net. */
async function setup (t: Test) {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const comment = await createComment(app, article.id, { authorEmail: 'victim@example.net' })
  return { app, article, commentId: comment.id }
}

for (const route of routes) {
  t.test(`${route.name} without a token → 401 and changes nothing`, async (t) => {
    const { app, commentId } = await setup(t)
    const before = await state(app)
    const res = await app.inject(route.request(commentId))
    expectProblem(t, res, 401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>')
    t.match(res.headers['www-authenticate'], /^Bearer\b/)
    t.same(await state(app), before)
  })

  t.test(`${route.name} with an unknown token → 401 and changes nothing`, async (t) => {
    const { app, commentId } = await setup(t)
    const before = await state(app)
    const res = await app.inject({ ...route.request(commentId), headers: bearer('bs_not-a-real-token-000000000000') })
    expectProblem(t, res, 401, 'unauthorized', 'The API token is unknown or revoked')
    t.same(await state(app), before)
  })

  for (const role of roles) {
    const allowed = rank[role] >= rank[route.least]
    t.test(`${route.name} as ${role} → ${allowed ? route.success : '403 and changes nothing'}`, async (t) => {
      const { app, commentId } = await setup(t)
      const token = await tokenFor(app, role)
      const before = await state(app)
      const res = await app.inject({ ...route.request(commentId), headers: token.headers })
      if (allowed) {
        t.equal(res.statusCode, route.success)
        return
      }
      expectProblem(t, res, 403, 'forbidden', `This route needs the ${route.least} role or higher; the token has the ${role} role`)
      t.same(await state(app), before)
    })
  }
}

t.test('the 401/403 comes before validation: a contributor learns nothing about the input rules', async (t) => {
  const { app } = await setup(t)
  const contributor = await tokenFor(app, 'contributor')
  const res = await app.inject({ method: 'PATCH', url: '/v1/comments/1', headers: contributor.headers, payload: { status: 'nonsense' } })
  expectProblem(t, res, 403, 'forbidden', 'This route needs the editor role or higher; the token has the contributor role')
  const anonymous = await app.inject({ method: 'PUT', url: '/v1/settings/comments', payload: { moderation: 'nonsense' } })
  expectProblem(t, anonymous, 401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>')
})

t.test('a revoked editor token → 401 on the moderation queue', async (t) => {
  const { app } = await setup(t)
  const editor = await tokenFor(app, 'editor')
  t.equal((await app.inject({ url: '/v1/comments', headers: editor.headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/tokens/${editor.id}`, headers: admin })).statusCode, 204)
  expectProblem(t, await app.inject({ url: '/v1/comments', headers: editor.headers }), 401, 'unauthorized', 'The API token is unknown or revoked')
})

t.test('GET and POST /v1/articles/{id}/comments need no token', async (t) => {
  const { app, article } = await setup(t)
  const list = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.equal(list.statusCode, 200)
  const posted = await postComment(app, article.id, commentForm())
  t.equal(posted.statusCode, 201)
})

t.test('GET and POST /v1/articles/{id}/comments work the same with any role\'s token', async (t) => {
  const { app, article } = await setup(t)
  for (const role of roles) {
    const token = await tokenFor(app, role)
    const list = await app.inject({ url: `/v1/articles/${article.id}/comments`, headers: token.headers })
    t.equal(list.statusCode, 200, `GET as ${role}`)
    t.same(list.json().data, [], 'still approved comments only')
    const posted = await postComment(app, article.id, commentForm(), { headers: token.headers })
    t.equal(posted.statusCode, 201, `POST as ${role}`)
    t.equal(posted.json().status, 'pending', 'a token does not skip moderation')
  }
})
