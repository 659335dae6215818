import t, { type Test } from 'tap'
import { sign } from '../../src/lib/signing.js'
import { createArticle } from '../fixtures/articles.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// A preview link names the API token that asked for it and dies when that token is revoked:
// revoking a leaked or departed author's token also ends the drafts they shared. Links made
// before links named their issuer are refused (they could never be revoked; a new one is a
// request away).

const PREVIEW_401 = 'The preview token is invalid or has expired; ask for a new one'

async function setup (t: Test) {
  const app = await buildTestApp(t, { now: createClock('2025-02-01T00:00:00.000Z').now })
  const author = await tokenFor(app, 'author')
  const editor = await tokenFor(app, 'editor')
  const draft = await createArticle(app, { title: 'Secret draft', body: 'Not yet.' }, author.headers)
  const link = async (headers: Record<string, string>) => {
    const res = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-token`, headers })
    if (res.statusCode !== 201) throw new Error(`preview token failed: ${res.statusCode} ${res.body}`)
    return res.json().url as string
  }
  return { app, author, editor, draft, link }
}

t.test('a preview link → 401 like an invalid one once the API token that made it is revoked; links of other tokens still work', async (t) => {
  const { app, author, editor, draft, link } = await setup(t)
  const authors = await link(author.headers)
  const editors = await link(editor.headers)
  expectJson(t, await app.inject({ url: authors }), 200, draft)

  const revoke = await app.inject({ method: 'DELETE', url: `/v1/tokens/${author.id}`, headers: admin })
  t.equal(revoke.statusCode, 204)
  const refused = await app.inject({ url: authors })
  expectProblem(t, refused, 401, 'unauthorized', PREVIEW_401)
  t.equal(refused.headers['cache-control'], undefined, 'the refusal is not cached publicly')
  t.ok(refused.headers['ratelimit-remaining'] !== undefined, 'counted as a failed authentication')
  expectJson(t, await app.inject({ url: editors }), 200, draft)
})

t.test('a preview link without an issuing token (the old format) or naming an unknown token → 401', async (t) => {
  const { app, author, draft } = await setup(t)
  const expiry = Math.floor(Date.parse('2025-02-02T00:00:00.000Z') / 1000)
  const url = (payload: Record<string, unknown>) => `/v1/articles/${draft.id}?preview=${encodeURIComponent(sign(app.secret, 'article-preview', payload))}`
  expectJson(t, await app.inject({ url: url({ a: draft.id, e: expiry, t: author.id }) }), 200, draft)
  expectProblem(t, await app.inject({ url: url({ a: draft.id, e: expiry }) }), 401, 'unauthorized', PREVIEW_401)
  expectProblem(t, await app.inject({ url: url({ a: draft.id, e: expiry, t: 9999 }) }), 401, 'unauthorized', PREVIEW_401)
  expectProblem(t, await app.inject({ url: url({ a: draft.id, e: expiry, t: String(author.id) }) }), 401, 'unauthorized', PREVIEW_401)
})
