// Resolves the category, author and tag filters of an article list from ids or slugs.
import { and, eq, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { authors, categories, tags } from '../db/schema.js'
import { FieldError } from '../lib/errors.js'
import { tagKind } from '../taxonomy/kinds.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'
import { type AuthContext, roleAtLeast } from '../lib/roles.js'

// The category, author and tag filters of an article list take an id or a slug, as `article`
// does elsewhere; one naming nothing is a 400 that says so, not an empty list that looks like
// "no articles yet".

interface Filters { category?: string | undefined, author?: string | undefined, tag?: string[] | undefined }

function slugOf (db: Db, table: typeof categories | typeof authors | typeof tags, value: string, visible?: SQL): string | undefined {
  const key = parseIdOrSlug(value)
  const match = 'id' in key ? eq(table.id, key.id) : eq(table.slug, key.slug)
  return db.select({ slug: table.slug }).from(table).where(visible ? and(match, visible) : match).get()?.slug
}

/**
 * The query with each filter given as its slug. Below editor (as GET /v1/tags) a tag that only
 * unpublished articles created counts as unknown, so probing tag slugs reveals nothing of a draft.
 */
export function resolveListFilters<Q extends Filters> (db: Db, query: Q, auth: AuthContext | null, now: string): Q {
  const errors: Array<{ path: string, message: string }> = []
  const resolve = (table: typeof categories | typeof authors | typeof tags, field: string, value: string, visible?: SQL) => {
    const slug = slugOf(db, table, value, visible)
    if (slug === undefined) errors.push({ path: field, message: `There is no ${field} ${/^\d+$/.test(value) ? `with id ${value}` : `"${value}"`}` })
    return slug ?? value
  }
  const out: Q = { ...query }
  if (query.category !== undefined) out.category = resolve(categories, 'category', query.category)
  if (query.author !== undefined) out.author = resolve(authors, 'author', query.author)
  if (query.tag !== undefined) {
    const visible = auth && roleAtLeast(auth.role, 'editor') ? undefined : tagKind.articleCreated!.publicAt(now)
    out.tag = query.tag.map((value) => resolve(tags, 'tag', value, visible))
  }
  const error = FieldError.of(errors)
  if (error) throw error
  return out
}
