// Seeds the demo newsroom into an empty database on first start.
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { adCampaigns, adCreatives, adSlots, authors, categories, tags } from '../db/schema.js'
import { demoCampaigns, demoSlots } from './ads.js'
import { createArticlesRepository, SYSTEM } from '../articles/repository.js'
import { CreateArticleSchema } from '../articles/schemas.js'
import { demoArticles } from './articles.js'

/** True when the database holds no content at all (demo content only goes into such a one). */
export function isEmpty (db: Db): boolean {
  const row = db.get<{ n: number }>(sql`select
    (select count(*) from categories) + (select count(*) from tags) +
    (select count(*) from authors) + (select count(*) from articles) + (select count(*) from ad_slots) as n`)
  return row!.n === 0
}

/**
 * Demo newsroom for a first start: sections, topics, bylines and articles written for this project.
 * Runs in one transaction and only on an empty database, so it never touches real content.
 */
export function seedDemo (db: Db, now: Date = new Date()): boolean {
  return db.transaction(() => {
    if (!isEmpty(db)) return false
    db.insert(categories).values([
      { slug: 'world', name: 'World', description: 'Reporting from every continent' },
      { slug: 'politics', name: 'Politics', description: 'Parliaments, elections and policy' },
      { slug: 'business', name: 'Business', description: 'Markets, companies and work' },
      { slug: 'science', name: 'Science', description: 'Research, climate and health' },
      { slug: 'culture', name: 'Culture', description: 'Books, film, music and ideas' }
    ]).run()
    db.insert(tags).values([
      { slug: 'climate', name: 'Climate' },
      { slug: 'elections', name: 'Elections' },
      { slug: 'energy', name: 'Energy' },
      { slug: 'oceans', name: 'Oceans' },
      { slug: 'technology', name: 'Technology' },
      { slug: 'trade', name: 'Trade' }
    ]).run()
    db.insert(authors).values([
      { slug: 'amara-okafor', name: 'Amara Okafor', bio: 'Foreign correspondent covering West Africa and the Atlantic.' },
      { slug: 'lena-vogel', name: 'Lena Vogel', bio: 'Science editor; writes about climate and the oceans.' },
      { slug: 'tomas-reyes', name: 'Tomás Reyes', bio: 'Business reporter following trade and energy markets.' }
    ]).run()
    const articles = createArticlesRepository(db)
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
      articles.create(input, SYSTEM, now.toISOString())
    }
    db.insert(adSlots).values(demoSlots.map((slot) => ({ ...slot, label: 'Advertisement', enabled: true }))).run()
    for (const { creatives, ...campaign } of demoCampaigns) {
      const { id } = db.insert(adCampaigns).values({
        ...campaign,
        weight: 1,
        status: 'active',
        limits: { impressions: null, clicks: null, dailyImpressions: null },
        targeting: { include: {}, exclude: {} }
      }).returning({ id: adCampaigns.id }).get()
      db.insert(adCreatives).values(creatives.map((creative) => ({ ...creative, campaignId: id, weight: 1, status: 'active' as const }))).run()
    }
    return true
  }, { behavior: 'immediate' })
}
