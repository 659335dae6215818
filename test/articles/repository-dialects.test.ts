import t from 'tap'
import type { Connected } from '../../src/db/connect.js'
import { createArticlesRepository, SYSTEM, type ArticleRow } from '../../src/articles/repository.js'
import { ArticleListQuerySchema, CreateArticleSchema, type UpdateArticle } from '../../src/articles/schemas.js'
import { createRankingCache } from '../../src/articles/search.js'
import { SlugTakenError } from '../../src/lib/errors.js'
import type { AuthContext } from '../../src/lib/roles.js'
import { testDatabases } from '../support/databases.js'

// The articles repository on both databases: writes with revisions, tags and the search
// index, every list sort with its cursors, search, related and scheduled publishing.

const NOW = '2025-06-01T12:00:00.000Z'
const editor: AuthContext = { tokenId: 1, role: 'editor', authorId: null }

/** A repository on a fresh database holding one category, two authors and a tag. */
async function setup (db: Connected) {
  const { authors, categories, tags } = db.tables
  await db.run(db.orm.insert(categories).values({ slug: 'world', name: 'World' }))
  await db.run(db.orm.insert(authors).values([{ slug: 'ann', name: 'Ann' }, { slug: 'bob', name: 'Bob' }]))
  await db.run(db.orm.insert(tags).values({ slug: 'climate', name: 'Climate' }))
  return createArticlesRepository(db)
}

type Repo = Awaited<ReturnType<typeof setup>>

const create = (repo: Repo, input: Record<string, unknown>, now = NOW) => repo.create(CreateArticleSchema.parse(input), SYSTEM, now)

/** Every page of a list, following its cursors: the ids in order. */
async function walk (repo: Repo, query: Record<string, unknown>, auth: AuthContext | null = null): Promise<number[]> {
  const ids: number[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 20; pages++) {
    const { page } = await repo.list(ArticleListQuerySchema.parse({ limit: '2', ...query, ...(cursor ? { cursor } : {}) }), auth, NOW, { rankings: createRankingCache(), window: 5000 })
    ids.push(...page.rows.map((r) => r.id))
    if (page.nextCursor === null) return ids
    cursor = page.nextCursor
  }
  throw new Error('the list never ended')
}

for (const [name, open] of testDatabases) {
  t.test(`${name}: create stores the article with its relations, tags, revision and search entry; reads by id and slug agree`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = await setup(db)
    const row = await create(repo, { title: 'Harbour wall holds', body: 'The *sea* rose.', category: 'world', author: 'ann', tags: ['CLIMATE', 'Über Küste'], status: 'published', publishedAt: '2025-05-01T08:00:00.000Z', seo: { title: 'Wall' } })
    t.match(row, { slug: 'harbour-wall-holds', status: 'published', publishedAt: '2025-05-01T08:00:00.000Z', featured: false, commentsEnabled: true, seo: { title: 'Wall', description: null, canonicalUrl: null }, createdAt: NOW, revision: 1 })
    t.same(await repo.findRow('harbour-wall-holds'), row, 'by slug: the row create returned')
    t.same(await repo.findRow(String(row.id)), row, 'by id')
    t.same(await repo.findState('harbour-wall-holds'), { id: row.id, status: 'published', publishedAt: '2025-05-01T08:00:00.000Z', commentsEnabled: true })
    const [article] = await repo.present([row], NOW, null)
    t.match(article, {
      category: { slug: 'world', name: 'World' },
      author: { slug: 'ann', name: 'Ann' },
      tags: [{ slug: 'climate', name: 'Climate' }, { slug: 'uber-kuste', name: 'Über Küste' }],
      html: '<p>The <em>sea</em> rose.</p>',
      excerpt: 'The sea rose.'
    })
    // A tag name in another case is the same tag, accented letters included.
    const again = await create(repo, { title: 'Harbour wall holds', tags: ['über küste'] })
    t.equal(again.slug, 'harbour-wall-holds-2', 'the next free slug')
    t.same((await repo.present([again], NOW, null))[0]!.tags.map((tag) => tag.slug), ['uber-kuste'])
    await t.rejects(create(repo, { title: 'Other', slug: 'harbour-wall-holds' }), SlugTakenError)
    t.same((await repo.revisions(row.id)).map((r) => [r.revision, r.createdAt, r.snapshot.title]), [[1, NOW, 'Harbour wall holds']])
    const { page } = await repo.list(ArticleListQuerySchema.parse({ q: 'harbour' }), null, NOW, { rankings: createRankingCache(), window: 5000 })
    t.same(page.rows.map((r) => r.id), [row.id], 'the search index has it (the draft is not public)')
  })

  t.test(`${name}: concurrent creates never share a slug: a given one is a SlugTakenError, a made one the next free`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = await setup(db)
    const given = await Promise.allSettled([1, 2, 3].map(() => create(repo, { title: 'Same', slug: 'same' })))
    t.equal(given.filter((r) => r.status === 'fulfilled').length, 1, 'one wins')
    for (const r of given) if (r.status === 'rejected') t.type(r.reason, SlugTakenError)
    const made = await Promise.all([1, 2, 3].map(() => create(repo, { title: 'Made' })))
    t.same(made.map((r) => r.slug).sort(), ['made', 'made-2', 'made-3'])
  })

  t.test(`${name}: update, trash, restore and destroy are revisions in one transaction each; check can refuse`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = await setup(db)
    const row = await create(repo, { title: 'Tide tables', body: 'Low water at noon.', tags: ['climate'] })
    const later = '2025-06-01T13:00:00.000Z'
    const updated = await repo.update(row.id, { title: 'Tide tables for June', body: 'High water at dusk.', tags: [], status: 'published' } as UpdateArticle, SYSTEM, later)
    t.match(updated, { title: 'Tide tables for June', revision: 2, status: 'published', publishedAt: later, updatedAt: later, excerpt: 'High water at dusk.' })
    t.same((await repo.present([updated!], later, null))[0]!.tags, [])
    t.same((await repo.revisions(row.id)).map((r) => r.revision), [2, 1])
    t.match(await repo.revision(row.id, 1), { snapshot: { title: 'Tide tables', tagIds: [1] } })
    await t.rejects(repo.update(row.id, { title: 'Refused' }, SYSTEM, later, () => { throw new Error('stale') }), /stale/)
    t.equal((await repo.getRow(row.id))!.title, 'Tide tables for June', 'a refused change changes nothing')
    t.equal(await repo.update(9999, { title: 'x' }, SYSTEM, later), undefined)

    const trashed = await repo.trash(row.id, SYSTEM, later)
    t.match(trashed, { status: 'trashed', statusBeforeTrash: 'published', trashedAt: later, revision: 3 })
    t.equal(await repo.trash(row.id, SYSTEM, later), undefined, 'already in the trash')
    t.match(await repo.restore(row.id, SYSTEM, later), { status: 'published', statusBeforeTrash: null, trashedAt: null, revision: 4 })
    t.equal(await repo.slugTakenByOther('tide-tables', row.id), false)

    t.equal(await repo.destroy(row.id), true)
    t.equal(await repo.destroy(row.id), false)
    t.equal(await repo.findRow(String(row.id)), undefined)
    t.same(await repo.revisions(row.id), [], 'revisions go with it')
    const { page } = await repo.list(ArticleListQuerySchema.parse({ q: 'tide' }), editor, NOW, { rankings: createRankingCache(), window: 5000 })
    t.same(page.rows, [], 'and its search entry')
  })

  t.test(`${name}: every sort pages through every live article with its cursors; filters and counts agree`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = await setup(db)
    const made: ArticleRow[] = []
    // Publication dates out of id order, titles out of both, one title in lower case.
    const specs = [['Bravo', 3], ['alpha', 1], ['Delta', 5], ['Charlie', 2], ['Echo', 4]] as const
    for (const [i, [title, day]] of specs.entries()) {
      made.push(await create(repo, { title, status: 'published', publishedAt: `2025-05-0${day}T08:00:00.000Z`, featured: i % 2 === 0, category: i < 3 ? 'world' : null, tags: i % 2 === 1 ? ['climate'] : [] }, `2025-05-10T0${i}:00:00.000Z`))
    }
    await create(repo, { title: 'Draft', tags: ['climate'] })
    const id = (title: string) => made.find((r) => r.title === title)!.id
    const byTitle = (titles: string[]) => titles.map(id)
    t.same(await walk(repo, {}), byTitle(['Delta', 'Echo', 'Bravo', 'Charlie', 'alpha']), '-publishedAt')
    t.same(await walk(repo, { sort: 'publishedAt' }), byTitle(['alpha', 'Charlie', 'Bravo', 'Echo', 'Delta']), 'publishedAt')
    t.same(await walk(repo, { sort: '-updatedAt' }), byTitle(['Echo', 'Charlie', 'Delta', 'alpha', 'Bravo']), '-updatedAt')
    t.same(await walk(repo, { sort: 'updatedAt' }), byTitle(['Bravo', 'alpha', 'Delta', 'Charlie', 'Echo']), 'updatedAt')
    t.same(await walk(repo, { sort: 'title' }), byTitle(['alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']), 'title ignores case')
    t.same(await walk(repo, { tag: 'climate' }), byTitle(['Charlie', 'alpha']), 'tag: drafts stay out')
    t.same(await walk(repo, { category: 'world', featured: 'true' }), byTitle(['Delta', 'Bravo']), 'category and featured')
    t.same(await walk(repo, { publishedAfter: '2025-05-02T08:00:00.000Z', publishedBefore: '2025-05-05T08:00:00.000Z' }), byTitle(['Echo', 'Bravo']), 'a date range')
    t.equal((await walk(repo, { status: 'any' }, editor)).length, 6, 'an editor sees the draft')
    const { page } = await repo.list(ArticleListQuerySchema.parse({ count: 'true', limit: '1' }), null, NOW, { rankings: createRankingCache(), window: 5000 })
    t.equal(page.total, 5)
    const projected = await repo.list(ArticleListQuerySchema.parse({ fields: 'title', limit: '1' }), null, NOW, { rankings: createRankingCache(), window: 5000 })
    t.match(projected.page.rows[0], { id: id('Delta'), title: 'Delta', body: '', html: '', subtitle: null, status: 'published' }, 'a projection reads only what it shows')
  })

  t.test(`${name}: search ranks title matches first and pages by date; related and latest read live articles only`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = await setup(db)
    const body = await create(repo, { title: 'Budget day', body: 'The lighthouse keeper retires.', status: 'published', publishedAt: '2025-05-01T08:00:00.000Z', category: 'world', tags: ['climate'] })
    const title = await create(repo, { title: 'Lighthouse restored', body: 'Scaffolding came down.', status: 'published', publishedAt: '2025-05-02T08:00:00.000Z', category: 'world' })
    const other = await create(repo, { title: 'Market prices', body: 'Fish is dearer.', status: 'published', publishedAt: '2025-05-03T08:00:00.000Z', tags: ['climate'] })
    await create(repo, { title: 'Lighthouse draft', category: 'world', tags: ['climate'] })
    const ctx = { rankings: createRankingCache(), window: 5000 }
    const search = async (query: Record<string, unknown>) => (await repo.list(ArticleListQuerySchema.parse(query), null, NOW, ctx)).page.rows.map((r) => r.id)
    t.same(await search({ q: 'lighthouse' }), [title.id, body.id], 'relevance: the title match first')
    t.same(await search({ q: 'lightho' }), [title.id, body.id], 'the last word as a prefix')
    t.same(await search({ q: 'lighthouse', sort: 'publishedAt' }), [body.id, title.id], 'by date')
    t.same(await walk(repo, { q: 'lighthouse', sort: '-publishedAt', limit: '1' }), [title.id, body.id], 'by date, a page at a time')
    t.same((await repo.related(body, 4, NOW)).map((r) => r.id), [other.id, title.id], 'a shared tag and the category count alike; then the newest')
    t.same(await repo.latestIds(5, NOW, other.id), [title.id, body.id])
  })

  t.test(`${name}: one article is read with its relations in one statement; a batch asks only for the rows read without them`, async (t) => {
    const db = await open(t)
    if (!db) return
    await setup(db)
    let statements = 0
    const counted = new Proxy(db, {
      get (target, key) {
        const value = Reflect.get(target, key)
        if (key !== 'all' && key !== 'get' && key !== 'run') return value
        return (...args: unknown[]) => { statements++; return (value as (...a: unknown[]) => unknown).apply(target, args) }
      }
    })
    const repo = createArticlesRepository(counted)
    const one = await create(repo, { title: 'Harbour wall holds', category: 'world', author: 'ann', tags: ['climate', 'Storms'], status: 'published', publishedAt: '2025-05-01T08:00:00.000Z' })
    const two = await create(repo, { title: 'Tide tables', author: 'bob', tags: ['storms'], status: 'published', publishedAt: '2025-05-02T08:00:00.000Z' })
    statements = 0
    const row = (await repo.findRow('harbour-wall-holds'))!
    const [article] = await repo.present([row], NOW, null)
    t.equal(statements, 1, 'the row and its relations in one statement')
    t.match(article, { category: { slug: 'world' }, author: { slug: 'ann' }, tags: [{ slug: 'climate' }, { slug: 'storms' }] })
    const bare = (await repo.findRow(String(two.id)))!
    statements = 0
    t.match(await repo.present([row, bare], NOW, null), [{ tags: [{ slug: 'climate' }, { slug: 'storms' }] }, { category: null, author: { slug: 'bob' }, tags: [{ slug: 'storms' }] }])
    t.equal(statements, 0, 'rows read with their relations are not asked again')
    const mixed = await repo.present([row, (await repo.getRow(one.id))!, bare], NOW, null)
    t.match(mixed, [{ author: { slug: 'ann' } }, { author: { slug: 'ann' }, tags: [{ slug: 'climate' }, { slug: 'storms' }] }, { author: { slug: 'bob' } }], 'a row read without them is asked for')
    await repo.update(one.id, { tags: ['storms'], category: null }, SYSTEM, NOW)
    const [after] = await repo.present([(await repo.findRow('harbour-wall-holds'))!], NOW, null)
    t.match(after, { category: null, author: { slug: 'ann' }, tags: [{ slug: 'storms' }] }, 'a new read shows the relations as written')
    t.same((await repo.refs([bare])).tags(two.id).map((tag) => tag.slug), ['storms'])
  })

  t.test(`${name}: publishDue publishes scheduled articles whose time has come, as revisions by the system`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = await setup(db)
    const soon = await create(repo, { title: 'Soon', status: 'scheduled', publishAt: '2025-06-01T12:30:00.000Z' })
    const later = await create(repo, { title: 'Later', status: 'scheduled', publishAt: '2025-06-02T00:00:00.000Z' })
    t.equal(await repo.nextScheduledAt(), '2025-06-01T12:30:00.000Z')
    t.same(await repo.publishDue(NOW), [], 'nothing due yet')
    t.same(await repo.publishDue('2025-06-01T13:00:00.000Z'), [soon.id])
    t.match(await repo.getRow(soon.id), { status: 'published', publishAt: null, publishedAt: '2025-06-01T12:30:00.000Z', revision: 2 })
    t.same((await repo.revisions(soon.id)).map((r) => [r.revision, r.tokenId, r.snapshot.status]), [[2, null, 'published'], [1, null, 'scheduled']])
    t.equal(await repo.nextScheduledAt(), '2025-06-02T00:00:00.000Z')
    t.equal((await repo.getRow(later.id))!.status, 'scheduled')
  })
}
