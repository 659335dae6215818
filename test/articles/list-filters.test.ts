import t, { type Test } from 'tap'
import { createArticle, createPublishedArticle, dataIds } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// GET /v1/articles?category=&author=&tag= take an id or a slug, as `article` does; a value
// that names nothing is a 400 naming the parameter, not an empty list.

async function setup (t: Test) {
  const app = await buildTestApp(t)
  const world = await createTaxon(app, 'categories', { name: 'World' })
  const ann = await createTaxon(app, 'authors', { name: 'Ann Lee' })
  const climate = await createTaxon(app, 'tags', { name: 'Climate' })
  const match = await createPublishedArticle(app, { title: 'Sea wall holds', category: 'world', author: 'ann-lee', tags: ['climate'] })
  await createPublishedArticle(app, { title: 'Unrelated' })
  return { app, world, ann, climate, match }
}

t.test('category, author and tag filters take an id as well as a slug, with the same answer', async (t) => {
  const { app, world, ann, climate, match } = await setup(t)
  for (const [bySlug, byId] of [
    ['category=world', `category=${world.id}`],
    ['author=ann-lee', `author=${ann.id}`],
    ['tag=climate', `tag=${climate.id}`],
    ['tag=climate&category=world', `tag=${climate.id}&category=${world.id}`],
    ['q=sea&tag=climate', `q=sea&tag=${climate.id}`]
  ] as Array<[string, string]>) {
    const slugRes = await app.inject({ url: `/v1/articles?${bySlug}` })
    const idRes = await app.inject({ url: `/v1/articles?${byId}` })
    t.equal(idRes.statusCode, 200, byId)
    t.same(dataIds(idRes), [match.id], `${byId}: the matching article`)
    t.same(idRes.json(), slugRes.json(), `${byId} answers as ${bySlug}`)
  }
})

t.test('an unknown category, author or tag is a 400 naming it, with or without q', async (t) => {
  const { app } = await setup(t)
  const cases: Array<[string, Array<{ path: string, message: string }>]> = [
    ['category=no-such', [{ path: 'category', message: 'There is no category "no-such"' }]],
    ['category=999', [{ path: 'category', message: 'There is no category with id 999' }]],
    ['author=nobody', [{ path: 'author', message: 'There is no author "nobody"' }]],
    ['tag=climate&tag=nope', [{ path: 'tag', message: 'There is no tag "nope"' }]],
    ['q=sea&category=no-such', [{ path: 'category', message: 'There is no category "no-such"' }]],
    ['category=no-such&author=nobody&tag=123', [
      { path: 'category', message: 'There is no category "no-such"' },
      { path: 'author', message: 'There is no author "nobody"' },
      { path: 'tag', message: 'There is no tag with id 123' }
    ]]
  ]
  for (const [query, errors] of cases) {
    const res = await app.inject({ url: `/v1/articles?${query}` })
    expectProblem(t, res, 400, 'validation', errors.length === 1 ? errors[0]!.message : /3 fields are invalid|invalid fields/, errors)
  }
})

t.test('a tag only a draft created is unknown without a token, and filters the draft with one', async (t) => {
  const { app } = await setup(t)
  const draft = await createArticle(app, { title: 'Embargoed merger', tags: ['Secret Merger'] })
  const anonymous = await app.inject({ url: '/v1/articles?tag=secret-merger' })
  expectProblem(t, anonymous, 400, 'validation', 'There is no tag "secret-merger"', [{ path: 'tag', message: 'There is no tag "secret-merger"' }])
  const editor = await app.inject({ url: '/v1/articles?tag=secret-merger&status=any', headers: admin })
  t.equal(editor.statusCode, 200)
  t.same(dataIds(editor), [draft.id])
})
