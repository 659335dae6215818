import { openDatabase } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'

const WORDS = ('harbour storm tide wall engineers city council budget energy wind turbine election vote coalition ' +
  'market trade port strike library science coral ocean climate river bridge school hospital railway festival ' +
  'museum court minister parliament farmers harvest drought rain summer winter').split(' ')

/** A deterministic pseudo-random source, so every run builds the same database. */
function mulberry32 (seed: number) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface BenchData { slugs: string[], hotTag: string, searchWord: string, commentedSlug: string }

/**
 * Builds a benchmark database directly with SQL (the API would take hours for a million
 * articles): categories, tags, authors, N published articles with tags and FTS rows,
 * approved comments on the newest articles, and ad slots with campaigns and creatives.
 */
export function seedBenchDatabase (path: string, articles: number): BenchData {
  const db = openDatabase(path)
  runMigrations(db)
  const c = db.$client
  const random = mulberry32(42)
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ')
  const now = Date.now()
  const slugs: string[] = []
  c.pragma('synchronous = OFF')
  c.transaction(() => {
    for (let i = 1; i <= 20; i++) c.prepare('insert into categories (slug, name) values (?, ?)').run(`section-${i}`, `Section ${i}`)
    for (let i = 1; i <= 200; i++) c.prepare('insert into tags (slug, name) values (?, ?)').run(`topic-${i}`, `Topic ${i}`)
    for (let i = 1; i <= 50; i++) c.prepare('insert into authors (slug, name, bio) values (?, ?, ?)').run(`writer-${i}`, `Writer ${i}`, sentence(12))
    const article = c.prepare(`insert into articles (slug, title, subtitle, excerpt, excerpt_derived, body, format, html, status, featured,
      category_id, author_id, comments_enabled, comment_count, word_count, reading_time_minutes, published_at, created_at, updated_at)
      values (?, ?, ?, ?, 1, ?, 'markdown', ?, 'published', ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`)
    const tag = c.prepare('insert into article_tags (article_id, tag_id, position) values (?, ?, ?)')
    const fts = c.prepare('insert into articles_fts (rowid, title, excerpt, body) values (?, ?, ?, ?)')
    const revision = c.prepare("insert into article_revisions (article_id, revision, snapshot, created_at) values (?, 1, '{}', ?)")
    for (let i = 1; i <= articles; i++) {
      const title = `${sentence(6)} ${i}`
      const paragraphs = Array.from({ length: 6 }, () => sentence(60))
      const body = paragraphs.join('\n\n')
      const html = paragraphs.map((p) => `<p>${p}</p>`).join('\n')
      const at = new Date(now - (articles - i) * 60_000).toISOString()
      const slug = `story-${i}`
      slugs.push(slug)
      const comments = i > articles - 100 ? 20 : 0
      article.run(slug, title, sentence(10), paragraphs[0]!.slice(0, 200), body, html, i % 25 === 0 ? 1 : 0,
        1 + (i % 20), 1 + (i % 50), comments, 360, 2, at, at, at)
      const tagIds = new Set([1 + (i % 200), 1 + Math.floor(random() * 200), 1])
      let position = 0
      for (const t of tagIds) tag.run(i, t, position++)
      fts.run(i, title, paragraphs[0]!.slice(0, 200), paragraphs.join(' '))
      revision.run(i, at)
    }
    const comment = c.prepare(`insert into comments (article_id, depth, status, body, author_name, author_email, avatar_hash, created_at, updated_at)
      values (?, 1, 'approved', ?, ?, ?, ?, ?, ?)`)
    for (let i = articles - 99; i <= articles; i++) {
      for (let j = 0; j < 20; j++) {
        const at = new Date(now - j * 1000).toISOString()
        comment.run(i, sentence(30), `Reader ${j}`, `reader${j}@example.com`, 'a'.repeat(64), at, at)
      }
    }
    const slot = c.prepare('insert into ad_slots (key, name, placement, sizes, label, in_article, enabled) values (?, ?, ?, ?, \'Advertisement\', ?, 1)')
    slot.run('header', 'Header', 'header', '[[728,90]]', null)
    slot.run('article-inline', 'Inline', 'in_article', '[[300,250]]', '{"afterParagraph":2,"repeatEvery":null,"maxInsertions":1}')
    slot.run('sidebar', 'Sidebar', 'sidebar', '[[300,250]]', null)
    const campaign = c.prepare(`insert into ad_campaigns (name, advertiser, tier, priority, weight, status, limits, targeting, slot_keys)
      values (?, ?, ?, ?, 1, 'active', '{"impressions":null,"clicks":null,"dailyImpressions":null}', ?, '["header","article-inline","sidebar"]')`)
    const creative = c.prepare(`insert into ad_creatives (campaign_id, name, kind, image_url, alt, target_url, width, height, weight, status)
      values (?, ?, 'image', 'https://cdn.example/ad.png', 'An ad', 'https://advertiser.example/', ?, ?, 1, 'active')`)
    for (let i = 1; i <= 10; i++) {
      const targeting = i % 3 === 0 ? '{"include":{"categories":["section-1","section-2"]},"exclude":{}}' : '{"include":{},"exclude":{}}'
      const id = Number(campaign.run(`Campaign ${i}`, `Advertiser ${i}`, i % 5 === 0 ? 'house' : 'standard', 1 + (i % 10), targeting).lastInsertRowid)
      creative.run(id, `Leaderboard ${i}`, 728, 90)
      creative.run(id, `Rectangle ${i}`, 300, 250)
    }
  })()
  c.pragma('synchronous = NORMAL')
  c.exec('analyze')
  c.close()
  return { slugs, hotTag: 'topic-1', searchWord: 'harbour', commentedSlug: slugs[slugs.length - 1]! }
}
