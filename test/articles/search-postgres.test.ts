import t, { type Test } from 'tap'
import { connectDatabase, type Connected } from '../../src/db/connect.js'
import type { ArticleListQuery } from '../../src/articles/schemas.js'
import { planPostgresSearch, postgresSearchIndex } from '../../src/articles/search-postgres.js'
import type { SearchContext } from '../../src/articles/search-index.js'
import { createRankingCache } from '../../src/articles/search.js'
import { FieldError } from '../../src/lib/errors.js'
import type { AuthContext } from '../../src/lib/roles.js'
import { freshPostgresUrl } from '../support/postgres.js'

const NOW = '2025-06-01T00:00:00.000Z'
const editor: AuthContext = { tokenId: 1, role: 'editor', authorId: null }
const contributor: AuthContext = { tokenId: 2, role: 'contributor', authorId: 1 }

/** A fresh PostgreSQL schema with two authors, a category and a tag; undefined without a server. */
async function open (t: Test): Promise<Connected | undefined> {
  const url = await freshPostgresUrl(t)
  if (url === undefined) return undefined
  const db = await connectDatabase({ databaseUrl: url, pgPoolSize: 2 })
  t.teardown(() => db.close())
  const { authors, categories, tags } = db.tables
  await db.run(db.orm.insert(authors).values([{ id: 1, slug: 'ann', name: 'Ann' }, { id: 2, slug: 'bob', name: 'Bob' }]))
  await db.run(db.orm.insert(categories).values({ id: 1, slug: 'sport', name: 'Sport' }))
  await db.run(db.orm.insert(tags).values({ id: 1, slug: 'local', name: 'Local' }))
  return db
}

interface Seed {
  id: number
  title: string
  excerpt?: string
  text?: string
  status?: 'draft' | 'published' | 'scheduled' | 'archived' | 'trashed'
  publishedAt?: string | null
  updatedAt?: string
  authorId?: number
  categoryId?: number
  featured?: boolean
  tagged?: boolean
}

/** A moment `minutes` after the start of 2025: ids seeded in order get growing dates. */
const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1) + minutes * 60_000).toISOString()

/** Inserts articles (published an id's minutes into 2025 unless said otherwise) and indexes them. */
async function seed (db: Connected, rows: Seed[]) {
  const { articles, articleTags } = db.tables
  await db.run(db.orm.insert(articles).values(rows.map((r) => ({
    id: r.id,
    slug: `a-${r.id}`,
    title: r.title,
    excerpt: r.excerpt ?? '',
    body: r.text ?? '',
    status: r.status ?? 'published',
    publishedAt: r.publishedAt === undefined ? at(r.id) : r.publishedAt,
    createdAt: at(r.id),
    updatedAt: r.updatedAt ?? at(r.id),
    authorId: r.authorId ?? 1,
    categoryId: r.categoryId ?? null,
    featured: r.featured ?? false
  }))))
  const tagged = rows.filter((r) => r.tagged)
  if (tagged.length > 0) await db.run(db.orm.insert(articleTags).values(tagged.map((r) => ({ articleId: r.id, tagId: 1 }))))
  for (const r of rows) await postgresSearchIndex.index(db, { id: r.id, title: r.title, excerpt: r.excerpt ?? '', text: r.text ?? '' })
}

const context = (window = 5000): SearchContext => ({ rankings: createRankingCache(), window })

/** Runs a search and answers the ids of the page (and the page). */
async function search (db: Connected, q: string, extra: Partial<ArticleListQuery> = {}, auth: AuthContext | null = null, ctx = context()) {
  const page = await postgresSearchIndex.search(db, { limit: 20, ...extra, q } as ArticleListQuery & { q: string }, auth, NOW, ctx)
  return { ids: page.rows.map((r) => r.id), page }
}

const ids = async (db: Connected, q: string, extra: Partial<ArticleListQuery> = {}, auth: AuthContext | null = null) =>
  (await search(db, q, extra, auth)).ids

t.test('case and diacritics are folded in the index and in the words searched', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'Café in Zürich' },
    { id: 2, title: 'Cafe review', excerpt: 'A naïve façade' }
  ])
  t.same(await ids(db, 'CAFE zurich'), [1])
  t.same((await ids(db, 'café')).sort(), [1, 2])
  t.same(await ids(db, 'naive FACADE'), [2])
})

t.test('every word is required; the last one matches as a prefix from 3 letters, the others whole', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'Harbour storm' },
    { id: 2, title: 'Harbour calm' },
    { id: 3, title: 'Ha', text: 'Visit example.com, read 3.14 and well-known facts' }
  ])
  t.same(await ids(db, 'harbour storm'), [1])
  t.same((await ids(db, 'harb')).sort(), [1, 2])
  t.same((await ids(db, 'har')).sort(), [1, 2], 'three letters are a prefix')
  t.same(await ids(db, 'ha'), [3], 'two letters match the whole word only')
  t.same(await ids(db, 'harb storm'), [], 'a word before the last is never a prefix')
  t.same(await ids(db, 'storm harb'), [1])
  // Split as FTS5's unicode61 does, not kept whole as PostgreSQL's parser would.
  t.same(await ids(db, 'example'), [3])
  t.same(await ids(db, 'com 14 known'), [3])
})

t.test('what a reader types is only words, never tsquery syntax', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'Harbour storm' },
    { id: 2, title: "O'Brien speaks", text: 'storm' }
  ])
  t.same(await ids(db, "harbour & | ! ( ) : * ' storm"), [1])
  t.same(await ids(db, '!harbour | storm:*'), [1])
  t.same(await ids(db, "o'brien"), [2])
  t.same(await ids(db, 'storm:A'), [], "':A' is a word a, not a weight")
  await t.rejects(search(db, '& | ! :*'), new FieldError('q', 'q needs at least one letter or digit'))
  // A letter that folds to a quote leaves no lexeme: nothing matches, and count says 0.
  t.same((await search(db, 'ʼ', { count: true })).page, { rows: [], nextCursor: null, total: 0 })
  t.same((await search(db, 'ʼ')).page, { rows: [], nextCursor: null })
})

t.test('title matches rank first (title 1.0, excerpt 0.4, body 0.1); equal scores by id', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'Keeper', text: 'lighthouse lighthouse lighthouse lighthouse lighthouse keeper' },
    { id: 2, title: 'Lighthouse', text: 'keeper' },
    { id: 3, title: 'Keeper', excerpt: 'The lighthouse', text: 'keeper' },
    { id: 4, title: 'Beacon' },
    { id: 5, title: 'Beacon' },
    { id: 6, title: 'Tide clock' },
    { id: 7, title: 'Almanac', text: 'tide clock, tide clock and tide clock' }
  ])
  t.same(await ids(db, 'lighthouse'), [2, 3, 1])
  t.same(await ids(db, 'tide clock'), [6, 7])
  t.same(await ids(db, 'beacon'), [4, 5])
})

t.test('a search ranks and counts the newest window of matches; common words do not weigh', async (t) => {
  const db = await open(t)
  if (!db) return
  // Window 3: a word in more than 60 articles is common.
  await seed(db, Array.from({ length: 70 }, (_, i) => {
    const id = i + 1
    return { id, title: id === 66 || id === 68 ? 'Common ground' : `Story ${id}`, text: `common words${id === 10 || id === 69 ? ' rare' : ''}` }
  }))
  const ctx = context(3)
  const plan = await planPostgresSearch(db, 'common rare', 3)
  t.same(plan, { match: "('common') & ('rare':*)", rank: "('rare':*)", title: "('common':A) & ('rare':*A)", newestId: 70 })
  t.equal((await planPostgresSearch(db, 'rare common', 3000)).rank, "('rare') & ('common':*)", 'nothing is common below 20 × window articles')
  // Only common words: the newest 3 matches, title matches first, then the newest.
  const common = await search(db, 'common', { count: true }, null, ctx)
  t.same(common.ids, [68, 70, 69])
  t.match(common.page, { total: 3, totalIsLowerBound: true, nextCursor: null })
  const rare = await search(db, 'common rare', { count: true }, null, ctx)
  t.same(rare.ids.sort(), [10, 69])
  t.same([rare.page.total, rare.page.totalIsLowerBound], [2, undefined])
  // Date sorts list every match, past the window.
  const dated = await search(db, 'common', { sort: '-publishedAt', limit: 100, count: true }, null, ctx)
  t.equal(dated.ids.length, 70)
  t.same(dated.ids.slice(0, 3), [70, 69, 68])
  t.match(dated.page, { total: 3, totalIsLowerBound: true })
})

t.test('visibility by role, as the list: public sees live articles, tokens by role and byline', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'Budget', authorId: 1 },
    { id: 2, title: 'Budget', status: 'draft', publishedAt: null, authorId: 1 },
    { id: 3, title: 'Budget', status: 'draft', publishedAt: null, authorId: 2 },
    { id: 4, title: 'Budget', status: 'scheduled', publishedAt: '2025-05-31T00:00:00.000Z', authorId: 2 },
    { id: 5, title: 'Budget', status: 'scheduled', publishedAt: '2025-07-01T00:00:00.000Z', authorId: 1 },
    { id: 6, title: 'Budget', status: 'trashed', publishedAt: null, authorId: 2 }
  ])
  const sorted = async (extra: Partial<ArticleListQuery>, auth: AuthContext | null) => (await ids(db, 'budget', extra, auth)).sort()
  t.same(await sorted({}, null), [1, 4])
  t.same(await sorted({ status: ['published'] }, editor), [1, 4])
  await t.rejects(search(db, 'budget', { status: ['draft'] }), { name: 'FieldError' })
  t.same(await sorted({ status: ['draft', 'published', 'scheduled', 'archived', 'trashed'] }, editor), [1, 2, 3, 4, 5, 6])
  t.same(await sorted({ status: ['draft', 'published', 'scheduled', 'archived', 'trashed'] }, contributor), [1, 2, 4, 5])
  t.same(await sorted({ status: ['scheduled'] }, editor), [5], 'a scheduled article whose time has come is published')
  t.same(await sorted({ updatedAfter: '2024-01-01T00:00:00.000Z' }, editor), [1, 2, 3, 4, 5, 6], 'a sync read means every status')
  t.same(await sorted({ updatedAfter: '2024-01-01T00:00:00.000Z' }, null), [1, 4])
  // Unpublished articles sort by creation in lists with a token.
  t.same(await ids(db, 'budget', { status: ['draft', 'published'], sort: 'publishedAt' }, editor), [1, 2, 3, 4])
})

t.test('pages of a relevance search follow one ranking; date, update and title sorts page by keyset', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'cherry budget', updatedAt: at(50) },
    { id: 2, title: 'Banana', excerpt: 'budget', updatedAt: at(40) },
    { id: 3, title: 'apple', text: 'budget', updatedAt: at(30) },
    { id: 4, title: 'Date budget budget', updatedAt: at(20) },
    { id: 5, title: 'elder', text: 'budget budget', updatedAt: at(10) }
  ])
  const ctx = context()
  const walk = async (extra: Partial<ArticleListQuery>, auth: AuthContext | null = null, c = ctx) => {
    const seen: number[] = []
    let cursor: string | undefined
    do {
      const { ids, page } = await search(db, 'budget', { ...extra, limit: 2, ...(cursor ? { cursor } : {}) }, auth, c)
      seen.push(...ids)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    return seen
  }
  const ranking = await ids(db, 'budget')
  t.same(ranking.slice(0, 2).sort(), [1, 4], 'titles first')
  t.same(await walk({}), ranking)
  t.same(await walk({ sort: '-publishedAt' }), [5, 4, 3, 2, 1])
  t.same(await walk({ sort: 'publishedAt' }), [1, 2, 3, 4, 5])
  t.same(await walk({ sort: '-updatedAt' }), [1, 2, 3, 4, 5])
  t.same(await walk({ sort: 'updatedAt' }), [5, 4, 3, 2, 1])
  t.same(await walk({ sort: 'title' }), [3, 2, 1, 4, 5], 'titles in any case, as collate nocase')
  t.same(await walk({ sort: '-publishedAt' }, editor), [5, 4, 3, 2, 1])

  // A ranking kept: the next page follows it even after the index changed.
  const first = await search(db, 'budget', { limit: 2 }, null, ctx)
  await postgresSearchIndex.unindex(db, ranking[2]!)
  const second = await search(db, 'budget', { limit: 2, cursor: first.page.nextCursor! }, null, ctx)
  t.same(second.ids, ranking.slice(2, 4))
  // Expired (another cache): ranked again, from the offset.
  const again = await search(db, 'budget', { limit: 2, cursor: first.page.nextCursor! }, null, context())
  t.same(again.ids, ranking.filter((id) => id !== ranking[2]).slice(2, 4))

  const bad = new FieldError('cursor', 'cursor is not valid for this list; use meta.nextCursor from the previous page')
  const dateCursor = (await search(db, 'budget', { sort: '-publishedAt', limit: 1 })).page.nextCursor!
  await t.rejects(search(db, 'budget', { sort: 'title', cursor: dateCursor }), bad, 'a cursor of another sort')
  await t.rejects(search(db, 'budget', { cursor: dateCursor }), bad, 'a date cursor on a relevance search')
  const forged = Buffer.from(JSON.stringify(['-publishedAt', 'yesterday', 3])).toString('base64url')
  await t.rejects(search(db, 'budget', { sort: '-publishedAt', cursor: forged }), bad, 'a forged moment is a 400, not a cast error')
})

t.test('filters combine with q; ?fields= reads only the columns shown', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [
    { id: 1, title: 'Derby report', categoryId: 1, featured: true, tagged: true, authorId: 2 },
    { id: 2, title: 'Derby preview', categoryId: 1, tagged: true },
    { id: 3, title: 'Derby tickets', featured: true, text: 'Long body' }
  ])
  t.same(await ids(db, 'derby', { category: 'sport', featured: true }), [1])
  t.same((await ids(db, 'derby', { tag: ['local'] })).sort(), [1, 2])
  t.same(await ids(db, 'derby', { author: 'bob' }), [1])
  t.same((await ids(db, 'derby', { featured: false })), [2])
  t.same(await ids(db, 'derby', { publishedAfter: at(1), publishedBefore: at(3), sort: '-publishedAt' }), [2])
  t.same(await ids(db, 'derby', { updatedAfter: at(2) }), [3])
  const { page } = await search(db, 'tickets', { fields: ['title'] })
  t.match(page.rows[0], { id: 3, title: 'Derby tickets', status: 'published', publishedAt: at(3), format: 'markdown', slug: null, excerpt: null, body: '', html: '' })
  const full = await search(db, 'tickets')
  t.match(full.page.rows[0], { id: 3, slug: 'a-3', body: 'Long body', featured: true, commentsEnabled: true, createdAt: at(3) })
})

t.test('index replaces a document, unindex removes it, both inside a transaction', async (t) => {
  const db = await open(t)
  if (!db) return
  await seed(db, [{ id: 1, title: 'Old headline' }])
  await postgresSearchIndex.index(db, { id: 1, title: 'New headline', excerpt: '', text: '' })
  t.same(await ids(db, 'old'), [])
  t.same(await ids(db, 'new'), [1])
  await t.rejects(db.transaction(async (tx) => {
    await postgresSearchIndex.unindex(tx, 1)
    throw new Error('rolled back')
  }))
  t.same(await ids(db, 'headline'), [1], 'a rolled back unindex leaves the document')
  await db.transaction((tx) => postgresSearchIndex.unindex(tx, 1))
  t.same(await ids(db, 'headline'), [])
})
