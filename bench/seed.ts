import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openDatabase } from '../src/db/client.js'
import { runMigrations } from '../src/db/migrate.js'
import { buildVocabulary, mulberry32, zipfSampler } from './vocabulary.js'

/**
 * Distinct words in the bench articles, and the Zipf exponent of their frequencies. With a
 * few thousand words and ~400 words an article even the rarest word would be in 0.4 % of
 * the articles (4,000 of a million); with 30,000 at 1.15 about fifty words are in most
 * articles and half the words in fewer than 0.1 %, as in real text.
 */
const VOCABULARY = 30_000
const ZIPF_EXPONENT = 1.15

/** One bench search: the words as a reader types them, and what kind of query it is. */
export interface BenchSearch { q: string, kind: 'common' | 'mid' | 'rare' | 'two words' | 'prefix' }

/** What the bench needs to know of the seeded articles: every slug and publication time (in id order), bench searches. */
export interface BenchData { slugs: string[], publishedAt: string[], hotTag: string, searches: BenchSearch[], commentedSlug: string }

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
  const words = buildVocabulary(VOCABULARY, random)
  const draw = zipfSampler(VOCABULARY, ZIPF_EXPONENT, random)
  // Articles holding each word (counted as the text is made), to pick queries of each kind.
  const docs = new Uint32Array(VOCABULARY)
  const lastDoc = new Uint32Array(VOCABULARY)
  let doc = 0
  const sentence = (n: number) => {
    const picked: string[] = new Array(n)
    for (let k = 0; k < n; k++) {
      const w = draw()
      // doc 0: text that is not indexed (subtitles, bios, comments).
      if (doc !== 0 && lastDoc[w] !== doc) {
        lastDoc[w] = doc
        docs[w]!++
      }
      picked[k] = words[w]!
    }
    return picked.join(' ')
  }
  const now = Date.now()
  const slugs: string[] = []
  const publishedAt: string[] = []
  // A rollback journal while loading: it only keeps pages that existed before, where a WAL
  // would hold the whole load a second time (gigabytes at a million articles).
  c.pragma('journal_mode = DELETE')
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
    // The dictionary of indexed terms (the app fills it as it indexes): the number in each
    // title here, the words that made it into an article after the loop.
    const term = c.prepare('insert or ignore into search_terms (term) values (?)')
    for (let i = 1; i <= articles; i++) {
      doc = i
      const title = `${sentence(6)} ${i}`
      const paragraphs = Array.from({ length: 6 }, () => sentence(60))
      // Cut at a word, as an editor would: a cut word would be a term of its own.
      const excerpt = paragraphs[0]!.slice(0, paragraphs[0]!.lastIndexOf(' ', 200))
      doc = 0
      const subtitle = sentence(10)
      const body = paragraphs.join('\n\n')
      const html = paragraphs.map((p) => `<p>${p}</p>`).join('\n')
      const at = new Date(now - (articles - i) * 60_000).toISOString()
      const slug = `story-${i}`
      slugs.push(slug)
      publishedAt.push(at)
      const comments = i > articles - 100 ? 20 : 0
      article.run(slug, title, subtitle, excerpt, body, html, i % 25 === 0 ? 1 : 0,
        1 + (i % 20), 1 + (i % 50), comments, 360, 2, at, at, at)
      const tagIds = new Set([1 + (i % 200), 1 + Math.floor(random() * 200), 1])
      let position = 0
      for (const t of tagIds) tag.run(i, t, position++)
      fts.run(i, title, excerpt, paragraphs.join(' '))
      term.run(String(i))
      revision.run(i, at)
    }
    const comment = c.prepare(`insert into comments (article_id, depth, status, body, author_name, author_email, avatar_hash, created_at, updated_at)
      values (?, 1, 'approved', ?, ?, ?, ?, ?, ?)`)
    words.forEach((word, w) => { if (docs[w]! > 0) term.run(word) })
    doc = 0
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
  c.pragma('journal_mode = WAL')
  c.exec('analyze')
  c.close()
  return { slugs, publishedAt, hotTag: 'topic-1', searches: benchSearches(words, docs, articles), commentedSlug: slugs[slugs.length - 1]! }
}

/**
 * Search queries of every kind, from the counted document frequencies: words in at least
 * half the articles, words in 0.5–5 % of them, rare words (at most 0.05 %, at least one
 * article), two-word queries mixing those, and short prefixes of 2 and 3 letters.
 */
function benchSearches (words: string[], docs: Uint32Array, articles: number): BenchSearch[] {
  const random = mulberry32(7)
  const share = (w: number) => docs[w]! / articles
  const ranks = [...words.keys()]
  const common = ranks.filter((w) => share(w) >= 0.5)
  const mid = ranks.filter((w) => share(w) >= 0.005 && share(w) <= 0.05)
  const rare = ranks.filter((w) => docs[w]! >= 1 && share(w) <= 0.0005)
  const sample = (list: number[], n: number) => Array.from({ length: n }, () => list[Math.floor(random() * list.length)]!)
  const searches: BenchSearch[] = []
  const add = (kind: BenchSearch['kind'], q: string) => {
    if (!searches.some((s) => s.q === q)) searches.push({ q, kind })
  }
  for (const w of sample(common, 30)) add('common', words[w]!)
  for (const w of sample(mid, 40)) add('mid', words[w]!)
  for (const w of sample(rare, 40)) add('rare', words[w]!)
  for (const [a, b] of [[common, common], [common, mid], [mid, mid], [mid, rare], [common, rare]] as const) {
    for (let k = 0; k < 8; k++) add('two words', `${words[sample(a, 1)[0]!]} ${words[sample(b, 1)[0]!]}`)
  }
  for (const w of sample([...common, ...mid], 30)) add('prefix', words[w]!.slice(0, 2 + Math.floor(random() * 2)))
  return searches
}

/**
 * A bench database at `path`, seeded with `articles` articles unless it already holds them
 * (a million take minutes to seed, so runs reuse one): the bench searches are kept beside
 * it in `<path>.json`, slugs and publication times are read back from the articles.
 */
export function benchDatabase (path: string, articles: number): BenchData & { seeded: boolean } {
  const meta = `${path}.json`
  if (existsSync(path) && existsSync(meta)) {
    const saved = JSON.parse(readFileSync(meta, 'utf8')) as Omit<BenchData, 'slugs' | 'publishedAt'> & { articles: number }
    if (saved.articles !== articles) throw new Error(`${path} holds ${saved.articles} articles, not ${articles}: delete it and ${meta} to seed again`)
    const db = new Database(path, { readonly: true })
    const rows = db.prepare('select slug, published_at as publishedAt from articles order by id limit ?').all(articles) as Array<{ slug: string, publishedAt: string }>
    db.close()
    return { slugs: rows.map((r) => r.slug), publishedAt: rows.map((r) => r.publishedAt), hotTag: saved.hotTag, searches: saved.searches, commentedSlug: saved.commentedSlug, seeded: false }
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true })
  const data = seedBenchDatabase(path, articles)
  writeFileSync(meta, JSON.stringify({ articles, hotTag: data.hotTag, searches: data.searches, commentedSlug: data.commentedSlug }))
  return { ...data, seeded: true }
}
