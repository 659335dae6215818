// Data access of categories, tags and authors, one repository per kind.
import { eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { articles } from '../db/schema.js'
import { slugify, uniqueSlug } from '../lib/slug.js'
import { SlugTakenError } from '../lib/errors.js'
import { selectList, type TaxonomyKind } from './kinds.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'

/** Who reads: `all` (editors) sees every row; `public` hides the rows an article write created while no live article uses them. */
export type TaxonomyView = 'all' | 'public'

/** A row as the API shows it, plus the revision that makes its ETag. */
export type TaxonomyRow = Record<string, unknown> & { id: number, slug: string, name: string, revision: number, articleCount: number }

/**
 * Categories, tags and authors share one repository shape: keyset lists by name, reads by
 * id or slug with articleCount, writes that derive unique slugs and bump the revision.
 * `clock` is the app's: what is public (articleCount, article-created tags) depends on it.
 */
export function createTaxonomyRepository (db: Db, kind: TaxonomyKind, clock: () => Date = () => new Date()) {
  const t = kind.table
  const columns = (now: string) => selectList({
    id: t.id,
    slug: t.slug,
    name: t.name,
    ...kind.extra,
    articleCount: kind.articleCount(now),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    revision: t.revision
  })
  const order = sql`${t.name} collate nocase, ${t.id}`

  function slugTaken (slug: string, exceptId?: number): boolean {
    const row = db.get<{ id: number }>(sql`select ${t.id} as id from ${t} where ${t.slug} = ${slug}`)
    return row !== undefined && row.id !== exceptId
  }

  /** The condition of `view` at `now`, with `where`: rows of a kind no article write creates are all public. */
  function visible (view: TaxonomyView, now: string, where?: SQL): SQL | undefined {
    const hidden = view === 'public' && kind.articleCreated ? kind.articleCreated.publicAt(now) : undefined
    return hidden && where ? sql`${where} and ${hidden}` : hidden ?? where
  }

  function find (where: SQL, view: TaxonomyView = 'all'): TaxonomyRow | undefined {
    const now = clock().toISOString()
    return db.get<TaxonomyRow>(sql`select ${columns(now)} from ${t} where ${visible(view, now, where)}`)
  }

  return {
    /** One page ordered by name then id, after the (name, id) of the previous page's last row. */
    list (opts: { limit: number, after?: [string, number] | undefined, q?: string | undefined, view: TaxonomyView }) {
      const now = clock().toISOString()
      const conditions: SQL[] = []
      if (opts.after) {
        const [name, id] = opts.after
        conditions.push(sql`(${t.name} collate nocase > ${name} or (${t.name} collate nocase = ${name} and ${t.id} > ${id}))`)
      }
      if (opts.q) conditions.push(sql`instr(casefold(${t.name}), casefold(${opts.q})) > 0`)
      const shown = visible(opts.view, now)
      if (shown) conditions.push(shown)
      const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``
      return db.all<TaxonomyRow>(sql`select ${columns(now)} from ${t} ${where} order by ${order} limit ${opts.limit + 1}`)
    },

    count (opts: { q?: string | undefined, view: TaxonomyView }): number {
      const condition = visible(opts.view, clock().toISOString(), opts.q ? sql`instr(casefold(${t.name}), casefold(${opts.q})) > 0` : undefined)
      const where = condition ? sql`where ${condition}` : sql``
      return db.get<{ n: number }>(sql`select count(*) as n from ${t} ${where}`)!.n
    },

    get (id: number): TaxonomyRow | undefined {
      return find(sql`${t.id} = ${id}`)
    },

    /** By numeric id or by slug, if `view` shows it. */
    findByIdOrSlug (value: string, view: TaxonomyView): TaxonomyRow | undefined {
      const key = parseIdOrSlug(value)
      return 'id' in key ? find(sql`${t.id} = ${key.id}`, view) : find(sql`${t.slug} = ${key.slug}`, view)
    },

    /** Inserts with the given or a derived slug; throws SlugTakenError when an explicit slug is taken. */
    create (values: Record<string, unknown> & { name: string, slug?: string | undefined }): TaxonomyRow {
      return db.transaction(() => {
        let slug = values.slug
        if (slug !== undefined) {
          if (slugTaken(slug)) throw new SlugTakenError(slug)
        } else {
          slug = uniqueSlug(slugify(values.name, kind.noun), (s) => slugTaken(s))
        }
        const row = db.insert(t).values({ ...values, slug } as never).returning({ id: t.id }).get() as { id: number }
        return find(sql`${t.id} = ${row.id}`)!
      }, { behavior: 'immediate' })
    },

    /**
     * Applies a partial change and bumps the revision, only if the revision is still
     * `expectedRevision` when one is given; undefined when the row is gone or changed.
     * An editor's change makes a row an article write created an ordinary, public one.
     */
    update (id: number, values: Record<string, unknown>, check?: (current: TaxonomyRow) => void): TaxonomyRow | undefined {
      return db.transaction(() => {
        const current = find(sql`${t.id} = ${id}`)
        if (!current) return undefined
        check?.(current)
        const slug = values.slug
        if (typeof slug === 'string' && slug !== current.slug && slugTaken(slug, id)) throw new SlugTakenError(slug)
        db.update(t).set({
          ...values,
          ...(kind.articleCreated ? { [kind.articleCreated.field]: false } : {}),
          revision: sql`${t.revision} + 1`,
          updatedAt: new Date().toISOString()
        } as never).where(eq(t.id, id)).run()
        return find(sql`${t.id} = ${id}`)!
      }, { behavior: 'immediate' })
    },

    /** Articles of any status that point at this row (categories and authors). */
    articleUses (id: number): number {
      if (!kind.articleRef) return 0
      return db.get<{ n: number }>(sql`select count(*) as n from ${articles} where ${kind.articleRef} = ${id}`)!.n
    },

    /**
     * Deletes the row, first moving its articles to `reassignTo` when given. Runs `check`
     * inside the transaction so a precondition and the delete see the same state.
     */
    remove (id: number, opts: { reassignTo?: number | undefined, check?: (current: TaxonomyRow) => void }): boolean {
      return db.transaction(() => {
        const current = find(sql`${t.id} = ${id}`)
        if (!current) return false
        opts.check?.(current)
        if (opts.reassignTo !== undefined && kind.articleRef) {
          db.run(sql`update ${articles} set ${sql.identifier(kind.articleRef.name)} = ${opts.reassignTo},
            revision = revision + 1, updated_at = ${new Date().toISOString()}
            where ${kind.articleRef} = ${id}`)
        }
        db.delete(t).where(eq(t.id, id)).run()
        return true
      }, { behavior: 'immediate' })
    },

    /** The ancestors of a category, nearest first, stopping at a cycle. */
    ancestors (id: number): number[] {
      const rows = db.all<{ id: number }>(sql`
        with recursive up(id, depth) as (
          select parent_id, 1 from categories where id = ${id}
          union all
          select c.parent_id, up.depth + 1 from categories c join up on c.id = up.id where up.depth < 100
        )
        select id from up where id is not null`)
      return rows.map((r) => r.id)
    }
  }
}

export type TaxonomyRepository = ReturnType<typeof createTaxonomyRepository>
