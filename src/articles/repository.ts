// Data access of articles: reads, writes with revisions, and the search index kept in step.
import { and, eq, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { articleRevisions, articles, authors, categories } from '../db/schema.js'
import { FieldError, SlugTakenError } from '../lib/errors.js'
import { slugify, uniqueSlug } from '../lib/slug.js'
import { rowReader } from '../db/statements.js'
import { editsAll } from './access.js'
import { articleTagIds, loadRefs, resolveRef, resolveTags, setArticleTags } from './relations.js'
import { countWords, deriveExcerpt, paragraphText, plainText, readingTime, renderBody } from './render.js'
import type { Article, CreateArticle, UpdateArticle } from './schemas.js'
import { indexArticle, unindexArticle } from './search.js'
import { ROW_COLUMNS, STATE_SQL, toRow } from './queries.js'
import { isLive, nextStatus } from './workflow.js'
import { aRole, type AuthContext } from '../lib/roles.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'
import { pick } from '../lib/pick.js'

export type ArticleRow = typeof articles.$inferSelect

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

type Refs = ReturnType<typeof loadRefs>
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

/** Articles: writes keep the rendered HTML, counts, search index and revisions in step. */
export function createArticlesRepository (db: Db) {
  // The hottest reads, as plain prepared statements: drizzle's row mapping costs more than the query.
  const idStatement = rowReader<Record<string, unknown>>(db, `select ${ROW_COLUMNS} from articles a where a.id = ?`)
  const slugStatement = rowReader<Record<string, unknown>>(db, `select ${ROW_COLUMNS} from articles a where a.slug = ?`)
  const byId = { get: ({ id }: { id: number }) => { const raw = idStatement.get(id); return raw ? toRow(raw) : undefined } }
  const bySlug = { get: ({ slug }: { slug: string }) => { const raw = slugStatement.get(slug); return raw ? toRow(raw) : undefined } }
  // What comment routes need of an article: not its body and html, kilobytes read per post.
  const stateById = db.$client.prepare(STATE_SQL.id)
  const stateBySlug = db.$client.prepare(STATE_SQL.slug)

  function slugTaken (slug: string, exceptId?: number) {
    const row = bySlug.get({ slug })
    return row !== undefined && row.id !== exceptId
  }

  function snapshot (row: ArticleRow) {
    const data: Record<string, unknown> = {}
    for (const field of SNAPSHOT_FIELDS) data[field] = row[field]
    if (row.excerptDerived) data.excerpt = null
    data.tagIds = articleTagIds(db, row.id)
    return data
  }

  function record (row: ArticleRow, actor: Actor) {
    db.insert(articleRevisions).values({ articleId: row.id, revision: row.revision, snapshot: snapshot(row), tokenId: actor.tokenId, createdAt: row.updatedAt }).run()
  }

  function reindex (row: ArticleRow) {
    indexArticle(db, { id: row.id, title: row.title, excerpt: row.excerpt ?? '', text: plainText(row.html) })
  }

  /** Category and author ids for a write; author and contributor tokens always write as themselves. */
  function relations (input: { category?: number | string | null | undefined, author?: number | string | null | undefined }, actor: Actor) {
    const out: { categoryId?: number | null, authorId?: number | null } = {}
    const errors: Array<{ path: string, message: string }> = []
    const attempt = (fn: () => void) => {
      try { fn() } catch (err) { if (err instanceof FieldError) errors.push(...err.errors); else throw err }
    }
    attempt(() => { if (input.category !== undefined) out.categoryId = input.category === null ? null : resolveRef(db, categories, 'category', input.category) })
    attempt(() => { if (input.author !== undefined) out.authorId = input.author === null ? null : resolveRef(db, authors, 'author', input.author) })
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
    return db.transaction(() => {
      const current = byId.get({ id })
      if (!current || !applies(current)) return undefined
      check?.(current)
      const row = db.update(articles).set({ ...values(current), revision: sql`${articles.revision} + 1`, updatedAt: now })
        .where(eq(articles.id, id)).returning().get()
      record(row, actor)
      return row
    }, { behavior: 'immediate' })
  }

  return {
    getRow (id: number): ArticleRow | undefined {
      return byId.get({ id })
    },

    findRow (idOrSlug: string): ArticleRow | undefined {
      const key = parseIdOrSlug(idOrSlug)
      return 'id' in key ? byId.get({ id: key.id }) : bySlug.get({ slug: key.slug })
    },

    /** An article's id, status, go-live time and whether it takes comments: the cheap lookup. */
    findState (idOrSlug: string): Pick<ArticleRow, 'id' | 'status' | 'publishedAt' | 'commentsEnabled'> | undefined {
      const key = parseIdOrSlug(idOrSlug)
      const raw = ('id' in key ? stateById.get(key.id) : stateBySlug.get(key.slug)) as { id: number, status: ArticleRow['status'], publishedAt: string | null, commentsEnabled: number } | undefined
      return raw && { ...raw, commentsEnabled: raw.commentsEnabled === 1 }
    },

    /** The API shape of rows for `reader` (null: anonymous), with their category, author and tags loaded in three queries. */
    present (rows: ArticleRow[], now: string, reader: Actor | null): Article[] {
      return presentRows(rows, now, loadRefs(db, rows), reader)
    },

    /** present() projected to `fields` (id always): the three relation queries only when a relation is asked for. */
    presentFields (rows: ArticleRow[], now: string, fields: readonly string[], reader: Actor | null): Array<Partial<Article>> {
      const refs = fields.some((f) => RELATION_FIELDS.has(f)) ? loadRefs(db, rows) : NO_REFS
      return presentRows(rows, now, refs, reader).map((article) => pick(article, fields))
    },

    /** Creates an article (revision 1) with derived fields, tags, index entry and revision. */
    create (input: CreateArticle, actor: Actor, now: string): ArticleRow {
      return db.transaction(() => {
        if (input.slug !== undefined && slugTaken(input.slug)) throw new SlugTakenError(input.slug)
        const slug = input.slug ?? uniqueSlug(slugify(input.title, 'article'), (s) => slugTaken(s))
        const rel = relations(input, actor)
        const authorId = rel.authorId !== undefined ? rel.authorId : (editsAll(actor as AuthContext) ? null : actor.authorId)
        const status = nextStatus(undefined, input, { now, mayBackdate: editsAll(actor as AuthContext) })
        const d = derived(input.body, input.format, input.excerpt)
        const tagIds = resolveTags(db, input.tags)
        const row = db.insert(articles).values({
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
        }).returning().get()
        setArticleTags(db, row.id, tagIds)
        indexArticle(db, { id: row.id, title: row.title, excerpt: row.excerpt ?? '', text: d.text })
        record(row, actor)
        return row
      }, { behavior: 'immediate' })
    },

    /**
     * Applies a partial change as one new revision. `check` runs inside the transaction on
     * the current row (If-Match, permissions); undefined when the article does not exist.
     */
    update (id: number, patch: UpdateArticle, actor: Actor, now: string, check?: (row: ArticleRow) => void): ArticleRow | undefined {
      return db.transaction(() => {
        const current = byId.get({ id })
        if (!current) return undefined
        check?.(current)
        if (patch.slug !== undefined && patch.slug !== current.slug && slugTaken(patch.slug, id)) throw new SlugTakenError(patch.slug)
        const rel = relations(patch, actor)
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
        const row = db.update(articles).set({
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
        }).where(eq(articles.id, id)).returning().get()
        if (patch.tags !== undefined) setArticleTags(db, id, resolveTags(db, patch.tags))
        if (d || patch.title !== undefined) reindex(row)
        record(row, actor)
        return row
      }, { behavior: 'immediate' })
    },

    /** Moves an article to the trash, remembering its status for restore. */
    trash (id: number, actor: Actor, now: string, check?: (row: ArticleRow) => void): ArticleRow | undefined {
      return statusChange(id, actor, now, (current) => current.status !== 'trashed', (current) => ({
        status: 'trashed', statusBeforeTrash: isLive(current, now) ? 'published' : current.status, trashedAt: now
      }), check)
    },

    /** Brings an article back from the trash with the status it had. */
    restore (id: number, actor: Actor, now: string, check?: (row: ArticleRow) => void): ArticleRow | undefined {
      return statusChange(id, actor, now, (current) => current.status === 'trashed', (current) => ({
        status: current.statusBeforeTrash ?? 'draft', statusBeforeTrash: null, trashedAt: null
      }), check)
    },

    /** Deletes an article for good, with its tags, revisions and index entry. */
    destroy (id: number, check?: (row: ArticleRow) => void): boolean {
      return db.transaction(() => {
        const current = byId.get({ id })
        if (!current) return false
        check?.(current)
        unindexArticle(db, id)
        db.delete(articles).where(eq(articles.id, id)).run()
        return true
      }, { behavior: 'immediate' })
    },

    /** Flips every scheduled article whose time has come to published; returns their ids. */
    publishDue (now: string): number[] {
      return db.transaction(() => {
        const due = db.select().from(articles)
          .where(and(eq(articles.status, 'scheduled'), sql`${articles.publishedAt} <= ${now}`)).all()
        for (const current of due) {
          const row = db.update(articles).set({ status: 'published', publishAt: null, revision: sql`${articles.revision} + 1`, updatedAt: now })
            .where(and(eq(articles.id, current.id), eq(articles.status, 'scheduled'))).returning().get()
          if (row) record(row, SYSTEM)
        }
        return due.map((r) => r.id)
      }, { behavior: 'immediate' })
    },

    /** The go-live time of the next scheduled article, if any. */
    nextScheduledAt (): string | undefined {
      return db.select({ at: sql<string>`min(${articles.publishedAt})` }).from(articles).where(eq(articles.status, 'scheduled')).get()?.at ?? undefined
    },

    revisions (id: number) {
      return db.select({ revision: articleRevisions.revision, createdAt: articleRevisions.createdAt, tokenId: articleRevisions.tokenId, snapshot: articleRevisions.snapshot })
        .from(articleRevisions).where(eq(articleRevisions.articleId, id)).orderBy(sql`${articleRevisions.revision} desc`).all()
    },

    revision (id: number, revision: number) {
      return db.select({ revision: articleRevisions.revision, createdAt: articleRevisions.createdAt, tokenId: articleRevisions.tokenId, snapshot: articleRevisions.snapshot })
        .from(articleRevisions).where(and(eq(articleRevisions.articleId, id), eq(articleRevisions.revision, revision))).get()
    },

    /** Other articles with this slug, for restore-time conflicts. */
    slugTakenByOther (slug: string, id: number): boolean {
      return db.select({ id: articles.id }).from(articles).where(and(eq(articles.slug, slug), ne(articles.id, id))).get() !== undefined
    }
  }
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>
