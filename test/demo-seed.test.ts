import t from 'tap'
import { sql } from 'drizzle-orm'
import { createArticlesRepository } from '../src/articles/repository.js'
import { ArticleListQuerySchema } from '../src/articles/schemas.js'
import { createRankingCache } from '../src/articles/search.js'
import { demoArticles } from '../src/demo/articles.js'
import { seedDemo } from '../src/demo/seed.js'
import { testDatabases } from './support/databases.js'

// The demo newsroom seeds on either database, once, and its articles are listed and searchable.

for (const [name, open] of testDatabases) {
  t.test(`${name}: the demo seeds an empty database once, every article live, listed and in the search index`, async (t) => {
    const db = await open(t)
    if (!db) return
    const now = new Date('2025-02-01T08:00:00.000Z')
    t.equal(await seedDemo(db, now), true)
    t.equal(await seedDemo(db, now), false, 'a database with content is left alone')
    const count = await db.get<{ n: number }>(sql`select count(*) as "n" from articles`)
    t.equal(count!.n, demoArticles.length, 'each demo article once')
    const repo = createArticlesRepository(db)
    const ctx = { rankings: createRankingCache(), window: 5000 }
    const { page } = await repo.list(ArticleListQuerySchema.parse({ limit: '100', count: 'true' }), null, now.toISOString(), ctx)
    t.equal(page.total, demoArticles.length, 'all published')
    const newest = [...demoArticles].sort((x, y) => x.hoursAgo - y.hoursAgo)[0]!
    t.equal(page.rows[0]!.title, newest.title, 'newest first')
    const word = newest.title.split(/\s+/).find((w) => w.length > 4)!
    const found = await repo.list(ArticleListQuerySchema.parse({ q: word }), null, now.toISOString(), ctx)
    t.ok(found.page.rows.some((r) => r.id === page.rows[0]!.id), `a search for "${word}" finds it`)
  })
}
