// Seeds the demo newsroom into an empty database on first start.
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { demoCampaigns, demoSlots } from './ads.js'
import { createArticlesRepository, SYSTEM } from '../articles/repository.js'
import { CreateArticleSchema } from '../articles/schemas.js'
import { demoArticles } from './articles.js'

/** True when the database holds no content at all (demo content only goes into such a one). */
export async function isEmpty (db: Executor): Promise<boolean> {
  const row = await db.get<{ n: number }>(sql`select
    (select count(*) from categories) + (select count(*) from tags) +
    (select count(*) from authors) + (select count(*) from articles) + (select count(*) from ad_slots) as "n"`)
  return row!.n === 0
}

/**
 * Demo newsroom for a first start: sections, topics, bylines and articles written for this project.
 * Runs in one transaction and only on an empty database, so it never touches real content.
 */
export async function seedDemo (db: Executor, now: Date = new Date()): Promise<boolean> {
  return await db.transaction(async (tx) => {
    const { adCampaigns, adCreatives, adSlots, authors, categories, tags } = tx.tables
    if (!await isEmpty(tx)) return false
    await tx.run(tx.orm.insert(categories).values([
      { slug: 'world', name: 'World', description: 'Reporting from every continent' },
      { slug: 'politics', name: 'Politics', description: 'Parliaments, elections and policy' },
      { slug: 'business', name: 'Business', description: 'Markets, companies and work' },
      { slug: 'science', name: 'Science', description: 'Research, climate and health' },
      { slug: 'culture', name: 'Culture', description: 'Books, film, music and ideas' }
    ]))
    await tx.run(tx.orm.insert(tags).values([
      { slug: 'climate', name: 'Climate' },
      { slug: 'elections', name: 'Elections' },
      { slug: 'energy', name: 'Energy' },
      { slug: 'oceans', name: 'Oceans' },
      { slug: 'technology', name: 'Technology' },
      { slug: 'trade', name: 'Trade' }
    ]))
    await tx.run(tx.orm.insert(authors).values([
      { slug: 'amara-okafor', name: 'Amara Okafor', bio: 'Foreign correspondent covering West Africa and the Atlantic.' },
      { slug: 'lena-vogel', name: 'Lena Vogel', bio: 'Science editor; writes about climate and the oceans.' },
      { slug: 'tomas-reyes', name: 'Tomás Reyes', bio: 'Business reporter following trade and energy markets.' }
    ]))
    // A repository on the transaction: the articles are part of the one seed.
    const articles = createArticlesRepository(tx)
    // Oldest first, so ids follow publication order as they would in a real newsroom.
    for (const demo of [...demoArticles].sort((x, y) => y.hoursAgo - x.hoursAgo)) {
      const publishedAt = new Date(now.getTime() - demo.hoursAgo * 3_600_000).toISOString()
      const input = CreateArticleSchema.parse({
        title: demo.title,
        subtitle: demo.subtitle,
        body: demo.body,
        category: demo.category,
        tags: demo.tags,
        author: demo.author,
        featured: demo.featured ?? false,
        coverImage: demo.coverImage,
        status: 'published',
        publishedAt
      })
      await articles.create(input, SYSTEM, now.toISOString())
    }
    await tx.run(tx.orm.insert(adSlots).values(demoSlots.map((slot) => ({ ...slot, label: 'Advertisement', enabled: true }))))
    for (const { creatives, ...campaign } of demoCampaigns) {
      const { id } = (await tx.get(tx.orm.insert(adCampaigns).values({
        ...campaign,
        weight: 1,
        status: 'active',
        limits: { impressions: null, clicks: null, dailyImpressions: null },
        targeting: { include: {}, exclude: {} }
      }).returning({ id: adCampaigns.id })))!
      await tx.run(tx.orm.insert(adCreatives).values(creatives.map((creative) => ({ ...creative, campaignId: id, weight: 1, status: 'active' as const }))))
    }
    return true
  })
}
