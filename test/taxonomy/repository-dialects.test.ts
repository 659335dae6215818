// The taxonomy repository on both databases: name order and cursors, search, counts, slugs and in-use deletes.
import t from 'tap'
import { eq } from 'drizzle-orm'
import type { Connected } from '../../src/db/connect.js'
import { InUseError } from '../../src/lib/errors.js'
import { createTaxonomyRepository, type TaxonomyRepository, type TaxonomyRow } from '../../src/taxonomy/repository.js'
import { testDatabases } from '../support/databases.js'

const NOW = '2025-03-01T12:00:00.000Z'
const clock = () => new Date(NOW)

/** Every row of a list, read `limit` at a time through the (name, id) cursor as the routes make it. */
async function paged (repo: TaxonomyRepository, limit: number, q?: string): Promise<TaxonomyRow[]> {
  const rows: TaxonomyRow[] = []
  let after: [string, number] | undefined
  for (;;) {
    const page = await repo.list({ limit, after, q, view: 'all' })
    rows.push(...page.slice(0, limit))
    if (page.length <= limit) return rows
    const last = page[limit - 1]!
    after = [last.name, last.id]
  }
}

async function article (db: Connected, values: { slug: string, status: 'draft' | 'published', categoryId?: number, publishedAt?: string }) {
  const { articles } = db.tables
  const row = await db.get(db.orm.insert(articles).values({ title: values.slug, ...values }).returning({ id: articles.id }))
  return row!.id
}

for (const [name, open] of testDatabases) {
  t.test(`${name}: lists order by name ignoring ASCII case, then id, and cursors walk the same order`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { tags } = createTaxonomyRepository(db, clock)
    // Non-ASCII after ASCII letters: SQLite's nocase compares bytes past A-Z, as PostgreSQL's
    // lower() under the test database's C.UTF-8 collation does.
    for (const tag of ['zebra', 'Über', 'apple', 'Banana', 'Apple', 'banana split']) await tags.create({ name: tag })
    const expected = ['apple', 'Apple', 'Banana', 'banana split', 'zebra', 'Über']
    t.same((await tags.list({ limit: 10, view: 'all' })).map((r) => r.name), expected, 'one page')
    for (const limit of [1, 2, 4]) {
      t.same((await paged(tags, limit)).map((r) => r.name), expected, `pages of ${limit}`)
    }
    const apples = (await tags.list({ limit: 10, view: 'all' })).slice(0, 2)
    t.ok(apples[0]!.id < apples[1]!.id, 'names equal but for case go by id')
    t.same((await tags.list({ limit: 10, view: 'all' })).map((r) => r.slug), ['apple', 'apple-2', 'banana', 'banana-split', 'zebra', 'uber'], 'derived slugs are unique')
  })

  t.test(`${name}: q matches names without regard to case, beyond ASCII too`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { authors } = createTaxonomyRepository(db, clock)
    for (const author of ['Jörg Über', 'ÜBERMUT Press', 'Anna Ubers', 'Привет Мир']) await authors.create({ name: author })
    t.same((await paged(authors, 1, 'über')).map((r) => r.name), ['Jörg Über', 'ÜBERMUT Press'])
    t.equal(await authors.count({ q: 'über', view: 'all' }), 2)
    t.same((await authors.list({ limit: 10, q: 'привет', view: 'all' })).map((r) => r.name), ['Привет Мир'])
    t.equal(await authors.count({ view: 'all' }), 4)
  })

  t.test(`${name}: rows read back with their fields, ISO timestamps and the public articleCount`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { categories } = createTaxonomyRepository(db, clock)
    const world = await categories.create({ name: 'World', description: 'Everywhere' })
    t.match(world, { id: Number, slug: 'world', name: 'World', description: 'Everywhere', parentId: null, articleCount: 0, revision: 1 })
    t.match(world.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    t.same(Object.keys(world), ['id', 'slug', 'name', 'description', 'parentId', 'articleCount', 'createdAt', 'updatedAt', 'revision'])
    await article(db, { slug: 'live', status: 'published', categoryId: world.id, publishedAt: '2025-02-01T00:00:00.000Z' })
    await article(db, { slug: 'later', status: 'published', categoryId: world.id, publishedAt: '2025-04-01T00:00:00.000Z' })
    await article(db, { slug: 'draft', status: 'draft', categoryId: world.id })
    t.equal((await categories.findByIdOrSlug('world', 'public'))!.articleCount, 1, 'only what the public sees at the clock')
    const child = await categories.create({ name: 'Europe', parentId: world.id })
    const grandchild = await categories.create({ name: 'Paris', parentId: child.id })
    t.same(await categories.ancestors(grandchild.id), [child.id, world.id])
  })

  t.test(`${name}: tags an article write created are public only while a live article uses them`, async (t) => {
    const db = await open(t)
    if (!db) return
    const repo = createTaxonomyRepository(db, clock)
    const { tags: tagsTable, articleTags } = db.tables
    await repo.tags.create({ name: 'Ordinary' })
    const created = await repo.tags.create({ name: 'From an article' })
    await db.run(db.orm.update(tagsTable).set({ createdViaArticle: true }).where(eq(tagsTable.id, created.id)))
    const publicNames = async () => (await repo.tags.list({ limit: 10, view: 'public' })).map((r) => r.name)
    t.same(await publicNames(), ['Ordinary'])
    t.equal(await repo.tags.findByIdOrSlug(created.slug, 'public'), undefined)
    const id = await article(db, { slug: 'tagged', status: 'published', publishedAt: '2025-02-01T00:00:00.000Z' })
    await db.run(db.orm.insert(articleTags).values({ articleId: id, tagId: created.id }))
    t.same(await publicNames(), ['From an article', 'Ordinary'])
    t.equal(await repo.tags.count({ view: 'public' }), 2)
    const changed = await repo.tags.update(created.id, { name: 'Edited' })
    t.match(changed, { name: 'Edited', revision: 2 })
    t.same((await db.all(db.orm.select({ via: tagsTable.createdViaArticle }).from(tagsTable).where(eq(tagsTable.id, created.id)))), [{ via: false }], 'an editor made it ordinary')
  })

  t.test(`${name}: an explicit taken slug is refused and changes nothing`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { tags } = createTaxonomyRepository(db, clock)
    await tags.create({ name: 'Climate' })
    await t.rejects(tags.create({ name: 'Other', slug: 'climate' }), { code: 'CMS_ERR_SLUG_TAKEN' })
    const other = await tags.create({ name: 'Other' })
    await t.rejects(tags.update(other.id, { slug: 'climate' }), { code: 'CMS_ERR_SLUG_TAKEN' })
    t.same((await tags.list({ limit: 10, view: 'all' })).map((r) => [r.slug, r.revision]), [['climate', 1], ['other', 1]])
  })

  t.test(`${name}: deleting a category articles use is refused inside the transaction, or moves them with reassignTo`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { categories } = createTaxonomyRepository(db, clock)
    const { articles } = db.tables
    const world = await categories.create({ name: 'World' })
    const news = await categories.create({ name: 'News' })
    const id = await article(db, { slug: 'story', status: 'draft', categoryId: world.id })
    const refuse = (_current: TaxonomyRow, uses: number) => { if (uses > 0) throw new InUseError(`${uses} in use`) }
    await t.rejects(categories.remove(world.id, { check: refuse }), { code: 'CMS_ERR_IN_USE', message: '1 in use' })
    t.ok(await categories.get(world.id), 'still there')
    t.equal(await categories.remove(world.id, { reassignTo: news.id }), true)
    t.equal(await categories.get(world.id), undefined)
    t.same(await db.all(db.orm.select({ categoryId: articles.categoryId, revision: articles.revision }).from(articles).where(eq(articles.id, id))), [{ categoryId: news.id, revision: 2 }])
    t.equal(await categories.remove(world.id, {}), false, 'a second delete finds nothing')
  })
}
