import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { insertArticle } from '../fixtures/articles.js'
import { createTaxon, taxonRows } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// A tag first named by an article write (a contributor's draft about "Acme takeover") is not
// public until an article using it is live: computed at each read, editors see every tag.

/** Slugs an anonymous (or the given) caller sees in GET /v1/tags, read twice so the second read may come from the response cache. */
async function listed (t: Test, app: App, headers: Record<string, string> = {}): Promise<string[]> {
  let slugs: string[] = []
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ url: '/v1/tags?count=true', headers })
    t.equal(res.statusCode, 200)
    slugs = res.json().data.map((tag: { slug: string }) => tag.slug)
    t.equal(res.json().meta.total, slugs.length, 'the count agrees with the list')
  }
  return slugs
}

async function draftWithTag (app: App, headers: Record<string, string>, tag = 'Acme takeover') {
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers, payload: { title: 'Acme bid', tags: [tag] } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: number, tags: Array<{ id: number, slug: string }> }
}

t.test('a contributor\'s draft tag is hidden from the public until the article is live, and again once it is trashed', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Climate' })
  const contributor = await tokenFor(app, 'contributor')
  const draft = await draftWithTag(app, contributor.headers)
  t.same(draft.tags.map((tag) => tag.slug), ['acme-takeover'], 'the draft shows its own tag to its writer')
  const tagId = draft.tags[0]!.id

  t.same(await listed(t, app), ['climate'], 'anonymous GET /v1/tags does not list it')
  t.same(await listed(t, app, contributor.headers), ['climate'], 'nor does it for a contributor token')
  const rows = await taxonRows(app, 'tags')
  expectProblem(t, await app.inject({ url: '/v1/tags/acme-takeover' }), 404, 'not-found', 'There is no tag "acme-takeover"')
  expectProblem(t, await app.inject({ url: `/v1/tags/${tagId}` }), 404, 'not-found', `There is no tag "${tagId}"`)
  t.same(await taxonRows(app, 'tags'), rows, 'reading changed nothing')
  const searched = await app.inject({ url: '/v1/tags?q=acme' })
  t.same(searched.json().data, [], 'nor does a search by name find it')
  const filtered = await app.inject({ url: '/v1/articles?tag=acme-takeover' })
  expectProblem(t, filtered, 400, 'validation', 'There is no tag "acme-takeover"', [{ path: 'tag', message: 'There is no tag "acme-takeover"' }])
  t.pass('the tag filter answers as for an unknown tag')

  const published = await app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: admin, payload: { status: 'published' } })
  t.equal(published.statusCode, 200)
  t.same(await listed(t, app), ['acme-takeover', 'climate'], 'public once the article is live')
  const tag = await app.inject({ url: '/v1/tags/acme-takeover' })
  t.equal(tag.statusCode, 200)
  t.match(tag.json(), { id: tagId, slug: 'acme-takeover', name: 'Acme takeover', articleCount: 1 })
  const article = await app.inject({ url: `/v1/articles/${draft.id}` })
  t.same(article.json().tags, [{ id: tagId, slug: 'acme-takeover', name: 'Acme takeover' }], 'the live article shows its tag')

  const trashed = await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: admin })
  t.equal(trashed.statusCode, 204)
  t.same(await listed(t, app), ['climate'], 'hidden again once its only live article is trashed')
  t.equal((await app.inject({ url: '/v1/tags/acme-takeover' })).statusCode, 404)
})

t.test('an editor sees every tag, hidden ones included', async (t) => {
  const app = await buildTestApp(t)
  const contributor = await tokenFor(app, 'contributor')
  const editor = await tokenFor(app, 'editor')
  const draft = await draftWithTag(app, contributor.headers)
  t.same(await listed(t, app, editor.headers), ['acme-takeover'])
  const bySlug = await app.inject({ url: '/v1/tags/acme-takeover', headers: editor.headers })
  t.equal(bySlug.statusCode, 200)
  t.match(bySlug.json(), { id: draft.tags[0]!.id, name: 'Acme takeover', articleCount: 0 })
  t.same(await listed(t, app), [], 'and the public still does not')
})

t.test('a tag an editor creates through the tag routes is public with no articles; so are rows from before the change', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Climate' })
  // A row as the migration leaves existing ones: created_via_article takes its default, false.
  await app.database.run(app.database.orm.insert(app.database.tables.tags).values({ name: 'Elections', slug: 'elections' }))
  app.contentChanged()
  t.same(await listed(t, app), ['climate', 'elections'])
})

t.test('an editor changing a hidden tag through the tag routes makes it an ordinary public tag', async (t) => {
  const app = await buildTestApp(t)
  const contributor = await tokenFor(app, 'contributor')
  await draftWithTag(app, contributor.headers)
  t.same(await listed(t, app), [])
  const res = await app.inject({ method: 'PATCH', url: '/v1/tags/acme-takeover', headers: admin, payload: { name: 'Acme' } })
  t.equal(res.statusCode, 200)
  t.same(await listed(t, app), ['acme-takeover'])
})

t.test('a draft naming an existing public tag leaves it public; one used by a live article stays public while a draft uses it too', async (t) => {
  const app = await buildTestApp(t)
  const climate = await createTaxon(app, 'tags', { name: 'Climate' })
  const contributor = await tokenFor(app, 'contributor')
  const draft = await draftWithTag(app, contributor.headers, 'climate')
  t.same(draft.tags.map((tag) => tag.id), [climate.id])
  const other = await draftWithTag(app, contributor.headers, 'Storms')
  await insertArticle(app, { slug: 'live-storms', tagIds: [other.tags[0]!.id] })
  t.same(await listed(t, app), ['climate', 'storms'])
})

t.test('a scheduled article going live makes its new tag public with no write (the cached list expires)', async (t) => {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const res = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: admin,
    payload: { title: 'Results', status: 'scheduled', publishAt: '2025-02-01T06:00:00.000Z', tags: ['Election night'] }
  })
  t.equal(res.statusCode, 201)
  t.same(await listed(t, app), [], 'hidden while scheduled (and that answer is cached)')
  clock.set('2025-02-01T06:00:01.000Z')
  t.same(await listed(t, app), ['election-night'], 'public once the time has come')
})
