// Data access of articles: reads, writes with revisions, and the search index kept in step.
import { and, desc, eq, ne, sql } from 'drizzle-orm'
import { createVersionedMemo } from '../lib/cache.js'
import type { Executor } from '../db/database.js'
import type { articles } from '../db/schema.js'
import { FieldError, SlugTakenError } from '../lib/errors.js'
import { slugify, uniqueSlug } from '../lib/slug.js'
import { editsAll } from './access.js'
import { articlesSql } from './dialect.js'
import { resolveListFilters } from './list-filters.js'
import { articleTagIds, keepRowRefs, loadRefs, refsOfRow, type Refs, resolveRef, resolveTags, setArticleTags, slugsFrom } from './relations.js'
import { countWords, deriveExcerpt, paragraphText, plainText, readingTime, renderBody } from './render.js'
import type { Article, ArticleListQuery, CreateArticle, UpdateArticle } from './schemas.js'
import { articleFields, type ArticleRowsPage, latestIds, listArticles, liveRows, relatedIds, stateSql } from './queries.js'
import { createSearchIndex, type SearchContext, type SearchIndex } from './search-index.js'
import { violatesUnique } from './unique.js'
import { isLive, nextStatus } from './workflow.js'
import { aRole, type AuthContext } from '../lib/roles.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'
import { pick } from '../lib/pick.js'

export type ArticleRow = typeof articles.$inferSelect

/** How many times a write whose slug is made from its title is tried while others take that slug. */
const MAX_SLUG_ATTEMPTS = 5

/** Who writes: a token, or the system (scheduler, import run by an operator). */
export type Actor = AuthContext | { tokenId: null, role: 'admin', authorId: null }
export const SYSTEM: Actor = { tokenId: null, role: 'admin', authorId: null }

/** The fields a revision keeps: everything an editor can change. */
const SNAPSHOT_FIELDS = ['title', 'slug', 'subtitle', 'excerpt', 'body', 'format', 'status', 'featured', 'categoryId', 'authorId',
  'coverImage', 'seo', 'commentsEnabled', 'publishAt', 'publishedAt'] as const

function derived (body: string, format: 'markdown' | 'html', excerpt: string | null | undefined) {
  const html = renderBody(body, format)
  const text = plainText(html)
  const words = countWords(text)
  return {
    html,
    text,
    wordCount: words,
    readingTimeMinutes: readingTime(words),
    excerpt: excerpt ?? deriveExcerpt(paragraphText(html)),
    excerptDerived: excerpt === null || excerpt === undefined
  }
}

/** Relations of a field list that need loadRefs. */
const RELATION_FIELDS = new Set(['category', 'tags', 'author'])
/** Refs for a projection that shows none: no query. */
const NO_REFS: Refs = { category: () => null, author: () => null, tags: () => [] }

/**
 * Whether an answer carries an html article's source: token holders only. Anonymous readers
 * (preview links too) get the sanitized `html` alone: the raw source may hold what the
 * sanitizer removed, and doubled every list's bytes. Markdown sources are kept: a frontend
 * may render them itself.
 */
function showsSource (row: ArticleRow, reader: Actor | null): boolean {
  return reader !== null || row.format !== 'html'
}

/** The API shape of rows with their relations, for `reader` (null: anonymous). */
function presentRows (rows: ArticleRow[], now: string, refs: Refs, reader: Actor | null): Article[] {
  return rows.map((row) => {
    const live = isLive(row, now)
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      subtitle: row.subtitle,
      excerpt: row.excerpt ?? '',
      ...(showsSource(row, reader) ? { body: row.body } : {}),
      format: row.format,
      html: row.html,
      status: row.status === 'scheduled' && live ? 'published' : row.status,
      featured: row.featured,
      category: refs.category(row.categoryId),
      tags: refs.tags(row.id),
      author: refs.author(row.authorId),
      coverImage: row.coverImage ?? null,
      seo: { title: row.seo?.title ?? null, description: row.seo?.description ?? null, canonicalUrl: row.seo?.canonicalUrl ?? null },
      commentsEnabled: row.commentsEnabled,
      commentCount: row.commentCount,
      wordCount: row.wordCount,
      readingTimeMinutes: row.readingTimeMinutes,
      publishAt: row.publishAt,
      // Scheduled and not yet live: it has a go-live time, not a publication date.
      publishedAt: row.status === 'scheduled' && !live ? null : row.publishedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      revision: row.revision
    }
  })
}

export interface ArticlesRepositoryOptions {
  /**
   * A version that moves whenever which articles are live, or their dates, categories, tags,
   * authors or "featured", may have changed (the app's: dependency key `articles`). With it the
   * ids of "More articles" and "Latest article" are kept until it moves; without it (scripts,
   * the CLI) they are read every time.
   */
  listVersion?: () => string
}

/**
 * Articles: writes keep the rendered HTML, counts, search index and revisions in step. Created
 * once per app (`app.articles`); `searchIndex` is the dialect's unless a test gives another.
 */
export function createArticlesRepository (db: Executor, searchIndex: SearchIndex = createSearchIndex(db.dialect), options: ArticlesRepositoryOptions = {}) {
  const { articles, articleRevisions } = db.tables
  // Which articles "More articles" and "Latest article" hold changes only when the lists do.
  const lists = options.listVersion ? createVersionedMemo<Promise<number[]>>(options.listVersion) : undefined
  const kept = (key: string, load: () => Promise<number[]>): Promise<number[]> => lists
    ? lists.get(key, () => load().catch((err: unknown) => { lists.delete(key); throw err }))
    : load()
  const { forUpdate } = articlesSql(db.dialect)
  const state = stateSql(db)

  /**
   * The hottest reads, as raw SQL templates rendered once (see Executor.all). The locked read
   * (inside a write transaction) makes a concurrent writer of the row wait on PostgreSQL.
   */
  const whole = articleFields(db)
  const byIdSql = sql`select ${whole.list} from articles a where a.id = ${sql.placeholder('id')}`
  const byIdLockedSql = sql`${byIdSql}${forUpdate}`
  // findRow: an article's category, author and tags come in the same statement.
  const withRefs = sql`, ${refsOfRow(db.dialect)} as "refs"`
  const findSql = {
    id: sql`select ${whole.list}${withRefs} from articles a where a.id = ${sql.placeholder('id')}`,
    slug: sql`select ${whole.list}${withRefs} from articles a where a.slug = ${sql.placeholder('slug')}`
  }

  async function byId (x: Executor, id: number, lock = false): Promise<ArticleRow | undefined> {
    const raw = await x.get<Record<string, unknown>>(lock ? byIdLockedSql : byIdSql, { id })
    return raw === undefined ? undefined : whole.map(raw)
  }

  async function slugTaken (x: Executor, slug: string, exceptId?: number): Promise<boolean> {
    const row = await x.get(x.orm.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug)))
    return row !== undefined && row.id !== exceptId
  }

  async function snapshot (x: Executor, row: ArticleRow) {
    const data: Record<string, unknown> = {}
    for (const field of SNAPSHOT_FIELDS) data[field] = row[field]
    if (row.excerptDerived) data.excerpt = null
    data.tagIds = await articleTagIds(x, row.id)
    return data
  }

  async function record (tx: Executor, row: ArticleRow, actor: Actor): Promise<void> {
    await tx.run(tx.orm.insert(articleRevisions).values({ articleId: row.id, revision: row.revision, snapshot: await snapshot(tx, row), tokenId: actor.tokenId, createdAt: row.updatedAt }))
  }

  async function reindex (tx: Executor, row: ArticleRow): Promise<void> {
    await searchIndex.index(tx, { id: row.id, title: row.title, excerpt: row.excerpt ?? '', text: plainText(row.html) })
  }

  /** Category and author ids for a write; author and contributor tokens always write as themselves. */
  async function relations (tx: Executor, input: { category?: number | string | null | undefined, author?: number | string | null | undefined }, actor: Actor) {
    const out: { categoryId?: number | null, authorId?: number | null } = {}
    const errors: Array<{ path: string, message: string }> = []
    const attempt = async (fn: () => Promise<void>) => {
      try { await fn() } catch (err) { if (err instanceof FieldError) errors.push(...err.errors); else throw err }
    }
    await attempt(async () => { if (input.category !== undefined) out.categoryId = input.category === null ? null : await resolveRef(tx, 'categories', 'category', input.category) })
    await attempt(async () => { if (input.author !== undefined) out.authorId = input.author === null ? null : await resolveRef(tx, 'authors', 'author', input.author) })
    if (!editsAll(actor as AuthContext) && out.authorId !== undefined && out.authorId !== actor.authorId) {
      errors.push({ path: 'author', message: `${aRole(actor.role)} token writes as its own byline (author id ${actor.authorId})` })
    }
    const error = FieldError.of(errors)
    if (error) throw error
    return out
  }

  /**
   * One status change as a new revision, in one transaction: undefined when the article is
   * missing or `applies` says the change does not apply to it.
   */
  function statusChange (id: number, actor: Actor, now: string, applies: (current: ArticleRow) => boolean,
    values: (current: ArticleRow) => Pick<typeof articles.$inferInsert, 'status' | 'statusBeforeTrash' | 'trashedAt'>, check?: (row: ArticleRow) => void) {
    return db.transaction(async (tx) => {
      const current = await byId(tx, id, true)
      if (!current || !applies(current)) return undefined
      check?.(current)
      const row = (await tx.get(tx.orm.update(articles).set({ ...values(current), revision: sql`${articles.revision} + 1`, updatedAt: now })
        .where(eq(articles.id, id)).returning()))!
      await record(tx, row, actor)
      return row
    })
  }

  /**
   * Runs a write whose slug was checked free inside it: on PostgreSQL a concurrent write can
   * still take the slug before the commit. A slug given is then the same 409 as when checked;
   * a slug made from the title is made again past the one just taken (a few times: writers of
   * one title at once each take one).
   */
  async function slugChecked<T> (write: () => Promise<T>, slug: string | undefined): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write()
      } catch (err) {
        if (!violatesUnique(err, 'articles_slug_unique', 'articles', 'slug')) throw err
        if (slug !== undefined) throw new SlugTakenError(slug)
        if (attempt >= MAX_SLUG_ATTEMPTS) throw err
      }
    }
  }

  const repository = {
    getRow (id: number): Promise<ArticleRow | undefined> {
      return byId(db, id)
    },

    /** The row of an id or slug, with its relations kept for present() and refs() (see keepRowRefs). */
    async findRow (idOrSlug: string): Promise<ArticleRow | undefined> {
      const key = parseIdOrSlug(idOrSlug)
      const raw = await db.get<Record<string, unknown>>('id' in key ? findSql.id : findSql.slug, key)
      if (raw === undefined) return undefined
      const row = whole.map(raw)
      keepRowRefs(row, raw.refs)
      return row
    },

    /** An article's id, status, go-live time and whether it takes comments: the cheap lookup. */
    async findState (idOrSlug: string): Promise<Pick<ArticleRow, 'id' | 'status' | 'publishedAt' | 'commentsEnabled'> | undefined> {
      const key = parseIdOrSlug(idOrSlug)
      const raw = await db.get<Record<string, unknown>>('id' in key ? state.id : state.slug, key)
      return raw === undefined ? undefined : state.map(raw)
    },

    /** Categories, authors and tags of a batch of rows, in three queries. */
    refs (rows: ArticleRow[]): Promise<Refs> {
      return loadRefs(db, rows)
    },

    /** The API shape of rows for `reader` (null: anonymous), with their category, author and tags loaded in three queries. */
    async present (rows: ArticleRow[], now: string, reader: Actor | null): Promise<Article[]> {
      return presentRows(rows, now, await loadRefs(db, rows), reader)
    },

    /** present() projected to `fields` (id always): the three relation queries only when a relation is asked for. */
    async presentFields (rows: ArticleRow[], now: string, fields: readonly string[], reader: Actor | null): Promise<Array<Partial<Article>>> {
      const refs = fields.some((f) => RELATION_FIELDS.has(f)) ? await loadRefs(db, rows) : NO_REFS
      return presentRows(rows, now, refs, reader).map((article) => pick(article, fields))
    },

    /**
     * A list page for `reader`: the category, author and tag filters resolved from ids or
     * slugs first (one naming nothing is a 400), then the search index with q, else the list.
     */
    async list<Q extends ArticleListQuery> (request: Q, auth: AuthContext | null, now: string, ctx: SearchContext): Promise<{ query: Q, page: ArticleRowsPage }> {
      const query = await resolveListFilters(db, request, auth, now)
      const page = query.q !== undefined
        ? await searchIndex.search(db, { ...query, q: query.q }, auth, now, ctx)
        : await listArticles(db, query, auth, now)
      return { query, page }
    },

    /** The ids of "More articles" for an article (see relatedIds in queries.ts), kept while the lists hold. */
    relatedIds (article: Pick<ArticleRow, 'id' | 'categoryId' | 'revision'>, limit: number, now: string): Promise<number[]> {
      // By revision too: a draft's own category or tags change without moving the lists.
      return kept(`related ${article.id} ${article.revision} ${limit}`, () => relatedIds(db, article, limit, now))
    },

    /** The ids of the newest live articles but `exceptId`, kept while the lists hold. */
    async latestIds (limit: number, now: string, exceptId = -1): Promise<number[]> {
      const ids = await kept(`latest ${limit + 1}`, () => latestIds(db, limit + 1, now))
      return ids.filter((id) => id !== exceptId).slice(0, limit)
    },

    /** The live rows of `ids`, in their order, projected to `shown` (?fields=; undefined: whole). */
    liveRows (ids: number[], now: string, shown?: readonly string[]): Promise<ArticleRow[]> {
      return liveRows(db, ids, now, shown)
    },

    /** "More articles" for an article, its rows projected to `shown`. */
    async related (article: Pick<ArticleRow, 'id' | 'categoryId' | 'revision'>, limit: number, now: string, shown?: readonly string[]): Promise<ArticleRow[]> {
      return liveRows(db, await repository.relatedIds(article, limit, now), now, shown)
    },

    /** Creates an article (revision 1) with derived fields, tags, index entry and revision. */
    create (input: CreateArticle, actor: Actor, now: string): Promise<ArticleRow> {
      return slugChecked(() => db.transaction(async (tx) => {
        if (input.slug !== undefined && await slugTaken(tx, input.slug)) throw new SlugTakenError(input.slug)
        let slug = input.slug
        if (slug === undefined) {
          const base = slugify(input.title, 'article')
          const taken = await slugsFrom(tx, 'articles', base)
          slug = uniqueSlug(base, (s) => taken.has(s))
        }
        const rel = await relations(tx, input, actor)
        const authorId = rel.authorId !== undefined ? rel.authorId : (editsAll(actor as AuthContext) ? null : actor.authorId)
        const status = nextStatus(undefined, input, { now, mayBackdate: editsAll(actor as AuthContext) })
        const d = derived(input.body, input.format, input.excerpt)
        const tagIds = await resolveTags(tx, input.tags)
        const row = (await tx.get(tx.orm.insert(articles).values({
          slug,
          title: input.title,
          subtitle: input.subtitle ?? null,
          excerpt: d.excerpt,
          excerptDerived: d.excerptDerived,
          body: input.body,
          format: input.format,
          html: d.html,
          ...status,
          featured: input.featured,
          categoryId: rel.categoryId ?? null,
          authorId,
          coverImage: input.coverImage ?? null,
          seo: input.seo ? { title: input.seo.title ?? null, description: input.seo.description ?? null, canonicalUrl: input.seo.canonicalUrl ?? null } : null,
          commentsEnabled: input.commentsEnabled,
          wordCount: d.wordCount,
          readingTimeMinutes: d.readingTimeMinutes,
          createdByTokenId: actor.tokenId,
          createdAt: now,
          updatedAt: now
        }).returning()))!
        await setArticleTags(tx, row.id, tagIds)
        await searchIndex.index(tx, { id: row.id, title: row.title, excerpt: row.excerpt ?? '', text: d.text })
        await record(tx, row, actor)
        return row
      }), input.slug)
    },

    /**
     * Applies a partial change as one new revision. `check` runs inside the transaction on
     * the current row (If-Match, permissions); undefined when the article does not exist.
     */
    update (id: number, patch: UpdateArticle, actor: Actor, now: string, check?: (row: ArticleRow) => void): Promise<ArticleRow | undefined> {
      return slugChecked(() => db.transaction(async (tx) => {
        const current = await byId(tx, id, true)
        if (!current) return undefined
        check?.(current)
        if (patch.slug !== undefined && patch.slug !== current.slug && await slugTaken(tx, patch.slug, id)) throw new SlugTakenError(patch.slug)
        const rel = await relations(tx, patch, actor)
        const statusChange = patch.status !== undefined || patch.publishAt !== undefined || patch.publishedAt !== undefined
        const status = statusChange
          ? nextStatus(current, patch, { now, mayBackdate: editsAll(actor as AuthContext) })
          : {}
        const body = patch.body ?? current.body
        const format = patch.format ?? current.format
        const excerpt = patch.excerpt !== undefined ? patch.excerpt : (current.excerptDerived ? null : current.excerpt)
        const rerender = patch.body !== undefined || patch.format !== undefined || patch.excerpt !== undefined
        const d = rerender ? derived(body, format, excerpt) : undefined
        // seo merges field by field; null clears it.
        const seo = patch.seo === undefined ? undefined : patch.seo === null ? null : { title: null, description: null, canonicalUrl: null, ...current.seo, ...patch.seo }
        const row = (await tx.get(tx.orm.update(articles).set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
          ...(patch.subtitle !== undefined ? { subtitle: patch.subtitle } : {}),
          ...(d ? { body, format, html: d.html, excerpt: d.excerpt, excerptDerived: d.excerptDerived, wordCount: d.wordCount, readingTimeMinutes: d.readingTimeMinutes } : {}),
          ...status,
          ...(patch.featured !== undefined ? { featured: patch.featured } : {}),
          ...rel,
          ...(patch.coverImage !== undefined ? { coverImage: patch.coverImage } : {}),
          ...(seo !== undefined ? { seo } : {}),
          ...(patch.commentsEnabled !== undefined ? { commentsEnabled: patch.commentsEnabled } : {}),
          revision: sql`${articles.revision} + 1`,
          updatedAt: now
        }).where(eq(articles.id, id)).returning()))!
        if (patch.tags !== undefined) await setArticleTags(tx, id, await resolveTags(tx, patch.tags))
        if (d || patch.title !== undefined) await reindex(tx, row)
        await record(tx, row, actor)
        return row
      }), patch.slug)
    },

    /** Moves an article to the trash, remembering its status for restore. */
    trash (id: number, actor: Actor, now: string, check?: (row: ArticleRow) => void): Promise<ArticleRow | undefined> {
      return statusChange(id, actor, now, (current) => current.status !== 'trashed', (current) => ({
        status: 'trashed', statusBeforeTrash: isLive(current, now) ? 'published' : current.status, trashedAt: now
      }), check)
    },

    /** Brings an article back from the trash with the status it had. */
    restore (id: number, actor: Actor, now: string, check?: (row: ArticleRow) => void): Promise<ArticleRow | undefined> {
      return statusChange(id, actor, now, (current) => current.status === 'trashed', (current) => ({
        status: current.statusBeforeTrash ?? 'draft', statusBeforeTrash: null, trashedAt: null
      }), check)
    },

    /** Deletes an article for good, with its tags, revisions and index entry. */
    destroy (id: number, check?: (row: ArticleRow) => void): Promise<boolean> {
      return db.transaction(async (tx) => {
        const current = await byId(tx, id, true)
        if (!current) return false
        check?.(current)
        await searchIndex.unindex(tx, id)
        await tx.run(tx.orm.delete(articles).where(eq(articles.id, id)))
        return true
      })
    },

    /** Flips every scheduled article whose time has come to published; returns their ids. */
    publishDue (now: string): Promise<number[]> {
      return db.transaction(async (tx) => {
        const due = await tx.all(tx.orm.select({ id: articles.id }).from(articles)
          .where(and(eq(articles.status, 'scheduled'), sql`${articles.publishedAt} <= ${now}`)).orderBy(articles.id))
        for (const { id } of due) {
          const row = await tx.get(tx.orm.update(articles).set({ status: 'published', publishAt: null, revision: sql`${articles.revision} + 1`, updatedAt: now })
            .where(and(eq(articles.id, id), eq(articles.status, 'scheduled'))).returning())
          if (row) await record(tx, row, SYSTEM)
        }
        return due.map((r) => r.id)
      })
    },

    /** The go-live time of the next scheduled article, if any. */
    async nextScheduledAt (): Promise<string | undefined> {
      const row = await db.get(db.orm.select({ at: sql<string | null>`min(${articles.publishedAt})`.mapWith(articles.publishedAt) }).from(articles).where(eq(articles.status, 'scheduled')))
      return row?.at ?? undefined
    },

    revisions (id: number) {
      return db.all(db.orm.select({ revision: articleRevisions.revision, createdAt: articleRevisions.createdAt, tokenId: articleRevisions.tokenId, snapshot: articleRevisions.snapshot })
        .from(articleRevisions).where(eq(articleRevisions.articleId, id)).orderBy(desc(articleRevisions.revision)))
    },

    revision (id: number, revision: number) {
      return db.get(db.orm.select({ revision: articleRevisions.revision, createdAt: articleRevisions.createdAt, tokenId: articleRevisions.tokenId, snapshot: articleRevisions.snapshot })
        .from(articleRevisions).where(and(eq(articleRevisions.articleId, id), eq(articleRevisions.revision, revision))))
    },

    /** Other articles with this slug, for restore-time conflicts. */
    async slugTakenByOther (slug: string, id: number): Promise<boolean> {
      return await db.get(db.orm.select({ id: articles.id }).from(articles).where(and(eq(articles.slug, slug), ne(articles.id, id)))) !== undefined
    }
  }
  return repository
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>
