import { sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { authors, categories, tags } from '../db/schema.js'

/** True when the database holds no content at all (demo content only goes into such a one). */
export function isEmpty (db: Db): boolean {
  const row = db.get<{ n: number }>(sql`select
    (select count(*) from categories) + (select count(*) from tags) +
    (select count(*) from authors) + (select count(*) from articles) as n`)
  return row!.n === 0
}

/**
 * Demo newsroom for a first start: sections, topics and bylines written for this project.
 * Runs in one transaction and only on an empty database, so it never touches real content.
 */
export function seedDemo (db: Db): boolean {
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
    return true
  }, { behavior: 'immediate' })
}
