import t from 'tap'
import type { App } from '../../src/app.js'
import { articleBody, articleTables, createArticle } from '../fixtures/articles.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem, ISO_TIMESTAMP } from '../helper.js'

// POST /v1/articles: slugs, relations, tags, read-only fields, derived fields, idempotency.
// Rendering and sanitizing live in render.test.ts.

function post (app: App, payload: unknown, headers: Record<string, string> = admin) {
  return app.inject({ method: 'POST', url: '/v1/articles', headers, payload: payload as Record<string, unknown> })
}

const ONE_FIELD = 'The request body has 1 invalid field'

t.test('POST /v1/articles → 201 with Location, an ETag and the whole article', async (t) => {
  const app = await buildTestApp(t)
  const res = await post(app, { title: 'Storm surge tests the new sea wall', body: 'The barrier held.' })
  const body = expectJson(t, res, 201, articleBody({
    id: 1,
    slug: 'storm-surge-tests-the-new-sea-wall',
    title: 'Storm surge tests the new sea wall',
    body: 'The barrier held.',
    html: '<p>The barrier held.</p>',
    excerpt: 'The barrier held.',
    wordCount: 3,
    readingTimeMinutes: 1
  }))
  t.equal(body.createdAt, body.updatedAt)
  t.equal(res.headers.location, '/v1/articles/1')
  t.match(res.headers.etag, /^"1-[\w-]+"$/)
  const read = await app.inject({ url: String(res.headers.location), headers: admin })
  t.equal(read.statusCode, 200)
  t.same(read.json(), body, 'Location names the new article')
  t.equal(read.headers.etag, res.headers.etag, 'a read of it has the same ETag')
  t.equal((await articleTables(app)).articles.length, 1)
})

t.test('POST /v1/articles → 201 with a slug transliterated from the title', async (t) => {
  const app = await buildTestApp(t)
  const cases: Array<[string, string]> = [
    ['Привет мир', 'privet-mir'],
    ['Über Straße: 5 Dinge!', 'uber-strasse-5-dinge'],
    ['  Spaces   and -- dashes  ', 'spaces-and-dashes'],
    ['2024', 'article-2024']
  ]
  for (const [title, slug] of cases) {
    const res = await post(app, { title })
    t.equal(res.statusCode, 201, title)
    t.equal(res.json().slug, slug, `${title} → ${slug}`)
  }
})

t.test('POST /v1/articles → 201 with -2, -3 when the derived slug is taken', async (t) => {
  const app = await buildTestApp(t)
  const slugs = []
  for (const title of ['Election night', 'Election night', 'Election Night!']) {
    const res = await post(app, { title })
    t.equal(res.statusCode, 201)
    slugs.push(res.json().slug)
  }
  t.same(slugs, ['election-night', 'election-night-2', 'election-night-3'])
})

t.test('POST /v1/articles → 409 when the explicit slug is taken, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { title: 'First', slug: 'taken', tags: ['Climate'] })
  const before = await articleTables(app)
  const res = await post(app, { title: 'Second', slug: 'taken', tags: ['Brand new tag'] })
  expectProblem(t, res, 409, 'slug-taken', 'The slug "taken" is already taken')
  t.same(await articleTables(app), before, 'no article, revision, tag or index row')
})

t.test('POST /v1/articles → 201 with category and author given by id or by slug', async (t) => {
  const app = await buildTestApp(t)
  const world = await createTaxon(app, 'categories', { name: 'World' })
  const amara = await createTaxon(app, 'authors', { name: 'Amara Okafor' })
  const byId = await post(app, { title: 'By id', category: world.id, author: amara.id })
  t.equal(byId.statusCode, 201)
  t.same(byId.json().category, { id: world.id, slug: 'world', name: 'World' })
  t.same(byId.json().author, { id: amara.id, slug: 'amara-okafor', name: 'Amara Okafor' })
  const bySlug = await post(app, { title: 'By slug', category: 'world', author: 'amara-okafor' })
  t.equal(bySlug.statusCode, 201)
  t.same(bySlug.json().category, { id: world.id, slug: 'world', name: 'World' })
  t.same(bySlug.json().author, { id: amara.id, slug: 'amara-okafor', name: 'Amara Okafor' })
  t.same((await articleTables(app)).articles.map((a) => [a.categoryId, a.authorId]), [[world.id, amara.id], [world.id, amara.id]])
})

for (const field of ['category', 'author'] as const) {
  t.test(`POST /v1/articles → 400 naming ${field} when the ${field} is unknown, and nothing is created`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, field === 'category' ? 'categories' : 'authors', { name: 'Known' })
    const before = await articleTables(app)
    for (const value of [999, 'nowhere']) {
      const res = await post(app, { title: 'Orphan', [field]: value, tags: ['Fresh tag'] })
      const message = typeof value === 'number' ? `There is no ${field} with id 999` : `There is no ${field} "nowhere"`
      expectProblem(t, res, 400, 'validation', message, [{ path: field, message }])
    }
    t.same(await articleTables(app), before)
  })
}

t.test('POST /v1/articles → 201 with tags by id, slug or name, in order; unknown names become tags', async (t) => {
  const app = await buildTestApp(t)
  const climate = await createTaxon(app, 'tags', { name: 'Climate' })
  const energy = await createTaxon(app, 'tags', { name: 'Energy' })
  const res = await post(app, { title: 'Tagged', tags: ['energy', 'Coastal defence', climate.id, 'ENERGY', 'Ветер'] })
  t.equal(res.statusCode, 201)
  t.same(res.json().tags, [
    { id: energy.id, slug: 'energy', name: 'Energy' },
    { id: 3, slug: 'coastal-defence', name: 'Coastal defence' },
    { id: climate.id, slug: 'climate', name: 'Climate' },
    { id: 4, slug: 'veter', name: 'Ветер' }
  ], 'a repeated tag appears once, at its first place')
  // An editor sees the new tags; the public only once a live article uses them (tags-from-articles.test.ts).
  const tags = await app.inject({ url: '/v1/tags?sort=name', headers: admin })
  t.equal(tags.statusCode, 200)
  t.same(tags.json().data.map((tag: { slug: string, name: string }) => [tag.slug, tag.name]).sort(), [
    ['climate', 'Climate'], ['coastal-defence', 'Coastal defence'], ['energy', 'Energy'], ['veter', 'Ветер']
  ])
})

t.test('POST /v1/articles → a tag given by its name finds it even when its slug differs from the name', async (t) => {
  const app = await buildTestApp(t)
  const tag = await createTaxon(app, 'tags', { name: 'Coastal defence', slug: 'coast' })
  const res = await post(app, { title: 'Sea wall', tags: ['Coastal defence'] })
  t.equal(res.statusCode, 201)
  t.same(res.json().tags, [{ id: tag.id, slug: 'coast', name: 'Coastal defence' }], 'the existing tag, not a twin')
  t.equal((await articleTables(app)).tags.length, 1, 'no second "Coastal defence" tag')
})

t.test('POST /v1/articles → 400 naming tags.N for an unknown tag id, and no tag is created', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'Climate' })
  const before = await articleTables(app)
  const res = await post(app, { title: 'Tagged', tags: ['climate', 'Would be new', 999] })
  expectProblem(t, res, 400, 'validation', 'There is no tag with id 999', [{ path: 'tags.2', message: 'There is no tag with id 999' }])
  t.same(await articleTables(app), before, 'the name given before the bad id did not become a tag')
})

t.test('POST /v1/articles → 400 with more than 20 tags; 20 are fine', async (t) => {
  const app = await buildTestApp(t)
  const names = Array.from({ length: 21 }, (_, i) => `Tag ${i + 1}`)
  const res = await post(app, { title: 'Too many', tags: names })
  expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'tags', message: 'An article has at most 20 tags' }])
  t.same(await articleTables(app), { articles: [], revisions: [], articleTags: [], tags: [], fts: [] })
  const ok = await post(app, { title: 'Enough', tags: names.slice(0, 20) })
  t.equal(ok.statusCode, 201)
  t.equal(ok.json().tags.length, 20)
})

const readOnly: Array<[string, unknown]> = [
  ['id', 7], ['html', '<p>x</p>'], ['revision', 3], ['commentCount', 2], ['wordCount', 10], ['readingTimeMinutes', 4],
  ['createdAt', '2025-01-01T00:00:00.000Z'], ['updatedAt', '2025-01-01T00:00:00.000Z']
]

for (const [field, value] of readOnly) {
  t.test(`POST /v1/articles → 400 naming ${field} (read-only), and nothing is created`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, { title: 'Sneaky', [field]: value })
    expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: field, message: `"${field}" is not a field you can set here` }])
    t.same((await articleTables(app)).articles, [])
  })
}

t.test('POST /v1/articles → 400 \'Required\' at path title when the title is missing; blank is refused too', async (t) => {
  const app = await buildTestApp(t)
  const missing = await post(app, { body: 'No headline' })
  expectProblem(t, missing, 400, 'validation', ONE_FIELD, [{ path: 'title', message: 'Required' }])
  const blank = await post(app, { title: '   ' })
  expectProblem(t, blank, 400, 'validation', ONE_FIELD, [{ path: 'title', message: 'title must not be empty' }])
  const long = await post(app, { title: 'x'.repeat(301) })
  expectProblem(t, long, 400, 'validation', ONE_FIELD, [{ path: 'title', message: 'title has at most 300 characters' }])
  t.same((await articleTables(app)).articles, [])
})

t.test('POST /v1/articles → the excerpt comes from the first paragraphs, never a heading or a list', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, {
    body: '# Not this heading\n\nThe barrier held **overnight**.\n\n- not a list item\n\n## Nor this\n\nEngineers watched.'
  })
  t.equal(article.excerpt, 'The barrier held overnight. Engineers watched.')
  const long = await createArticle(app, { body: `${'Word '.repeat(100)}\n\nSecond paragraph.` })
  t.ok(long.excerpt.length <= 220, 'at most 220 characters')
  t.match(long.excerpt, /^Word( Word)+…$/, 'cut at a word, with an ellipsis')
})

t.test('POST /v1/articles → a derived excerpt follows the body; a given one stays', async (t) => {
  const app = await buildTestApp(t)
  const derived = await createArticle(app, { body: 'Old opening.' })
  t.equal(derived.excerpt, 'Old opening.')
  const changed = await app.inject({ method: 'PATCH', url: `/v1/articles/${derived.id}`, headers: admin, payload: { body: 'New opening.' } })
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().excerpt, 'New opening.', 'kept in step with the body')

  const given = await createArticle(app, { body: 'Old opening.', excerpt: 'Hand-written summary' })
  t.equal(given.excerpt, 'Hand-written summary')
  const kept = await app.inject({ method: 'PATCH', url: `/v1/articles/${given.id}`, headers: admin, payload: { body: 'New opening.' } })
  t.equal(kept.statusCode, 200)
  t.equal(kept.json().excerpt, 'Hand-written summary', 'a given excerpt survives a body change')
  const cleared = await app.inject({ method: 'PATCH', url: `/v1/articles/${given.id}`, headers: admin, payload: { excerpt: null } })
  t.equal(cleared.statusCode, 200)
  t.equal(cleared.json().excerpt, 'New opening.', 'null hands the excerpt back to the body')
})

t.test('POST /v1/articles → wordCount counts the words of the rendered text; readingTimeMinutes at 230 a minute', async (t) => {
  const app = await buildTestApp(t)
  const small = await createArticle(app, { body: '## Heading\n\n**Bold** words and [a link](https://example.com/long/path).\n\n<script>var hidden = 1</script>' })
  t.equal(small.wordCount, 6, 'Heading Bold words and a link: markup, URLs and scripts do not count')
  t.equal(small.readingTimeMinutes, 1)
  const empty = await createArticle(app, {})
  t.equal(empty.wordCount, 0)
  t.equal(empty.readingTimeMinutes, 0)
  const long = await createArticle(app, { body: 'word '.repeat(690) })
  t.equal(long.wordCount, 690)
  t.equal(long.readingTimeMinutes, 3)
})

t.test('POST /v1/articles → 201 with seo and coverImage, defaults filled in', async (t) => {
  const app = await buildTestApp(t)
  const res = await post(app, {
    title: 'Pictured',
    coverImage: { url: 'https://images.example.com/sea-wall.jpg', alt: 'Waves on a sea wall' },
    seo: { title: 'Sea wall holds', canonicalUrl: 'https://news.example.com/sea-wall' }
  })
  t.equal(res.statusCode, 201)
  t.same(res.json().coverImage, { url: 'https://images.example.com/sea-wall.jpg', alt: 'Waves on a sea wall', caption: null })
  t.same(res.json().seo, { title: 'Sea wall holds', description: null, canonicalUrl: 'https://news.example.com/sea-wall' })
})

t.test('POST /v1/articles → 400 for a cover image without alt or with a javascript: or data: URL', async (t) => {
  const app = await buildTestApp(t)
  const ALT = 'alt is required: describe the image for people who cannot see it'
  const cases: Array<[unknown, Array<{ path: string, message: string }>]> = [
    [{ url: 'https://images.example.com/a.jpg' }, [{ path: 'coverImage.alt', message: ALT }]],
    [{ url: 'https://images.example.com/a.jpg', alt: '  ' }, [{ path: 'coverImage.alt', message: ALT }]],
    [{ url: 'javascript:alert(1)', alt: 'x' }, [{ path: 'coverImage.url', message: 'Use an http or https URL' }]],
    [{ url: 'JavaScript:alert(1)', alt: 'x' }, [{ path: 'coverImage.url', message: 'Use an http or https URL' }]],
    [{ url: 'data:image/png;base64,AAAA', alt: 'x' }, [{ path: 'coverImage.url', message: 'Use an http or https URL' }]]
  ]
  for (const [coverImage, errors] of cases) {
    const res = await post(app, { title: 'Pictured', coverImage })
    expectProblem(t, res, 400, 'validation', ONE_FIELD, errors)
  }
  const seo = await post(app, { title: 'Pictured', seo: { canonicalUrl: 'javascript:alert(1)' } })
  expectProblem(t, seo, 400, 'validation', ONE_FIELD, [{ path: 'seo.canonicalUrl', message: 'Use an http or https URL' }])
  t.same((await articleTables(app)).articles, [])
})

t.test('POST /v1/articles with Idempotency-Key → a retry replays the 201 and creates one article', async (t) => {
  const app = await buildTestApp(t)
  const headers = { ...admin, 'idempotency-key': 'article-create-1' }
  const payload = { title: 'Once only', tags: ['Only once'] }
  const first = await post(app, payload, headers)
  t.equal(first.statusCode, 201)
  const retry = await post(app, payload, headers)
  t.equal(retry.statusCode, 201)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(retry.headers.location, first.headers.location)
  t.equal(retry.headers.etag, first.headers.etag)
  t.same(retry.json(), first.json())
  const tables = await articleTables(app)
  t.equal(tables.articles.length, 1)
  t.equal(tables.revisions.length, 1)
  t.equal(tables.tags.length, 1)
  t.match(first.json(), { id: 1, slug: 'once-only', revision: 1, createdAt: ISO_TIMESTAMP })
})
