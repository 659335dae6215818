// Data access of categories, tags and authors: one repository, created once per app (`app.taxonomy`).
import { eq, like, or, sql, type Column, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { fields } from '../db/rows.js'
import { slugify, uniqueSlug } from '../lib/slug.js'
import { SlugTakenError } from '../lib/errors.js'
import { authorKind, categoryKind, tagKind, type TaxonomyKind, type TaxonomyTable } from './kinds.js'
import { taxonomyDialect, type TaxonomyDialect } from './dialect.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'

/** Who reads: `all` (editors) sees every row; `public` hides the rows an article write created while no live article uses them. */
export type TaxonomyView = 'all' | 'public'

/** A row as the API shows it, plus the revision that makes its ETag. */
export type TaxonomyRow = Record<string, unknown> & { id: number, slug: string, name: string, revision: number, articleCount: number }

/** A delete's precondition, checked inside its transaction; `uses` counts the articles pointing at the row (categories and authors). */
export type RemoveCheck = (current: TaxonomyRow, uses: number) => void

/**
 * Categories, tags and authors share one repository shape: keyset lists by name, reads by
 * id or slug with articleCount, writes that derive unique slugs and bump the revision.
 * `clock` is the app's: what is public (articleCount, article-created tags) depends on it.
 */
function createKindRepository (db: Executor, kind: TaxonomyKind, dialect: TaxonomyDialect, clock: () => Date) {
  const t = db.tables[kind.key] as TaxonomyTable
  const { articles } = db.tables
  const columnsOf = t as unknown as Record<string, Column>
  const extra = Object.fromEntries(kind.extra.map((key) => [key, columnsOf[key]!]))
  // The API's field order: id, slug, name, the kind's own fields, articleCount, timestamps.
  const head = fields({ id: t.id, slug: t.slug, name: t.name, ...extra })
  const tail = fields({ createdAt: t.createdAt, updatedAt: t.updatedAt, revision: t.revision })
  const select = (now: string) => sql`select ${head.list}, ${kind.articleCount(now, dialect.live)} as "articleCount", ${tail.list} from ${t}`
  const toRow = (raw: Record<string, unknown>): TaxonomyRow =>
    ({ ...head.map(raw), articleCount: Number(raw.articleCount), ...tail.map(raw) }) as TaxonomyRow
  const order = dialect.order(t.name, t.id)
  const articleRef = kind.articleRef === undefined ? undefined : articles[kind.articleRef]

  /** The condition of `view` at `now`, with `where`: rows of a kind no article write creates are all public. */
  function visible (view: TaxonomyView, now: string, where?: SQL): SQL | undefined {
    const hidden = view === 'public' && kind.articleCreated ? kind.articleCreated.publicAt(now, dialect.live) : undefined
    return hidden && where ? sql`${where} and ${hidden}` : hidden ?? where
  }

  async function find (ex: Executor, where: SQL, view: TaxonomyView = 'all'): Promise<TaxonomyRow | undefined> {
    const now = clock().toISOString()
    const raw = await ex.get<Record<string, unknown>>(sql`${select(now)} where ${visible(view, now, where)}`)
    return raw === undefined ? undefined : toRow(raw)
  }

  /** The slugs in use among `base`, `base-2`, `base-3` …, other than row `exceptId`'s. */
  async function takenSlugs (ex: Executor, base: string, exceptId?: number): Promise<Set<string>> {
    // A slug is [a-z0-9-] only, so `base` holds no LIKE wildcard.
    const rows = await ex.all(db.orm.select({ id: t.id, slug: t.slug }).from(t).where(or(eq(t.slug, base), like(t.slug, `${base}-%`))))
    return new Set(rows.filter((row) => row.id !== exceptId).map((row) => row.slug))
  }

  async function articleUses (ex: Executor, id: number): Promise<number> {
    if (!articleRef) return 0
    return (await ex.get<{ n: number }>(sql`select count(*) as "n" from ${articles} where ${articleRef} = ${id}`))!.n
  }

  return {
    kind,

    /** One page ordered by name (ignoring case) then id, after the (name, id) of the previous page's last row. */
    async list (opts: { limit: number, after?: [string, number] | undefined, q?: string | undefined, view: TaxonomyView }): Promise<TaxonomyRow[]> {
      const now = clock().toISOString()
      const conditions: SQL[] = []
      if (opts.after) conditions.push(dialect.after(t.name, t.id, opts.after))
      if (opts.q) conditions.push(dialect.contains(t.name, opts.q))
      const shown = visible(opts.view, now)
      if (shown) conditions.push(shown)
      const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``
      const rows = await db.all<Record<string, unknown>>(sql`${select(now)} ${where} order by ${order} limit ${opts.limit + 1}`)
      return rows.map(toRow)
    },

    async count (opts: { q?: string | undefined, view: TaxonomyView }): Promise<number> {
      const condition = visible(opts.view, clock().toISOString(), opts.q ? dialect.contains(t.name, opts.q) : undefined)
      const where = condition ? sql`where ${condition}` : sql``
      return (await db.get<{ n: number }>(sql`select count(*) as "n" from ${t} ${where}`))!.n
    },

    get (id: number): Promise<TaxonomyRow | undefined> {
      return find(db, sql`${t.id} = ${id}`)
    },

    /** By numeric id or by slug, if `view` shows it. */
    findByIdOrSlug (value: string, view: TaxonomyView): Promise<TaxonomyRow | undefined> {
      const key = parseIdOrSlug(value)
      return 'id' in key ? find(db, sql`${t.id} = ${key.id}`, view) : find(db, sql`${t.slug} = ${key.slug}`, view)
    },

    /** Inserts with the given or a derived slug; throws SlugTakenError when an explicit slug is taken. */
    create (values: Record<string, unknown> & { name: string, slug?: string | undefined }): Promise<TaxonomyRow> {
      return db.transaction(async (tx) => {
        let slug = values.slug
        if (slug !== undefined) {
          if ((await takenSlugs(tx, slug)).has(slug)) throw new SlugTakenError(slug)
        } else {
          const base = slugify(values.name, kind.noun)
          const taken = await takenSlugs(tx, base)
          slug = uniqueSlug(base, (s) => taken.has(s))
        }
        const row = await tx.get(db.orm.insert(t).values({ ...values, slug } as never).returning({ id: t.id }))
        return (await find(tx, sql`${t.id} = ${row!.id}`))!
      })
    },

    /**
     * Applies a partial change and bumps the revision, only if `check` (inside the
     * transaction) lets it; undefined when the row is gone. An editor's change makes a row
     * an article write created an ordinary, public one.
     */
    update (id: number, values: Record<string, unknown>, check?: (current: TaxonomyRow) => void): Promise<TaxonomyRow | undefined> {
      return db.transaction(async (tx) => {
        const current = await find(tx, sql`${t.id} = ${id}`)
        if (!current) return undefined
        check?.(current)
        const slug = values.slug
        if (typeof slug === 'string' && slug !== current.slug && (await takenSlugs(tx, slug, id)).has(slug)) throw new SlugTakenError(slug)
        await tx.run(db.orm.update(t).set({
          ...values,
          ...(kind.articleCreated ? { [kind.articleCreated.field]: false } : {}),
          revision: sql`${t.revision} + 1`,
          updatedAt: new Date().toISOString()
        } as never).where(eq(t.id, id)))
        return (await find(tx, sql`${t.id} = ${id}`))!
      })
    },

    /**
     * Deletes the row, first moving its articles to `reassignTo` when given. Runs `check`
     * inside the transaction so a precondition and the delete see the same state.
     */
    remove (id: number, opts: { reassignTo?: number | undefined, check?: RemoveCheck }): Promise<boolean> {
      return db.transaction(async (tx) => {
        const current = await find(tx, sql`${t.id} = ${id}`)
        if (!current) return false
        opts.check?.(current, await articleUses(tx, id))
        if (opts.reassignTo !== undefined && articleRef) {
          await tx.run(db.orm.update(articles).set({
            [kind.articleRef!]: opts.reassignTo,
            revision: sql`${articles.revision} + 1`,
            updatedAt: new Date().toISOString()
          } as never).where(eq(articleRef, id)))
        }
        await tx.run(db.orm.delete(t).where(eq(t.id, id)))
        return true
      })
    },

    /** The ancestors of a category, nearest first, stopping at a cycle. */
    async ancestors (id: number): Promise<number[]> {
      const rows = await db.all<{ id: number }>(sql`
        with recursive up(id, depth) as (
          select parent_id, 1 from categories where id = ${id}
          union all
          select c.parent_id, up.depth + 1 from categories c join up on c.id = up.id where up.depth < 100
        )
        select id as "id" from up where id is not null`)
      return rows.map((r) => r.id)
    }
  }
}

export type TaxonomyRepository = ReturnType<typeof createKindRepository>

/** The taxonomy repositories, created once per app: one per kind, sharing the dialect's SQL. */
export function createTaxonomyRepository (db: Executor, clock: () => Date = () => new Date()) {
  const dialect = taxonomyDialect(db.dialect)
  return {
    categories: createKindRepository(db, categoryKind, dialect, clock),
    tags: createKindRepository(db, tagKind, dialect, clock),
    authors: createKindRepository(db, authorKind, dialect, clock)
  }
}

export type Taxonomy = ReturnType<typeof createTaxonomyRepository>
