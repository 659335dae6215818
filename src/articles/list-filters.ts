// Resolves the category, author and tag filters of an article list from ids or slugs.
import { and, eq, or, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { FieldError } from '../lib/errors.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'
import { type AuthContext, roleAtLeast } from '../lib/roles.js'
import { liveSql } from './queries.js'

// The category, author and tag filters of an article list take an id or a slug, as `article`
// does elsewhere; one naming nothing is a 400 that says so, not an empty list that looks like
// "no articles yet".

interface Filters { category?: string | undefined, author?: string | undefined, tag?: string[] | undefined }

type Kind = 'categories' | 'authors' | 'tags'

async function slugOf (db: Executor, kind: Kind, value: string, visible?: SQL): Promise<string | undefined> {
  const table = db.tables[kind]
  const key = parseIdOrSlug(value)
  const match = 'id' in key ? eq(table.id, key.id) : eq(table.slug, key.slug)
  return (await db.get(db.orm.select({ slug: table.slug }).from(table).where(visible ? and(match, visible) : match)))?.slug
}

/**
 * A tag the public may see, as GET /v1/tags shows them: made by an editor, or used by a live
 * article (one made by an article's write stays hidden while only drafts use it).
 */
function publicTag (db: Executor, now: string): SQL {
  const { tags } = db.tables
  return or(eq(tags.createdViaArticle, false), sql`exists (select 1 from article_tags "at" join articles a on a.id = "at".article_id
    where "at".tag_id = ${tags.id} and ${liveSql(db, now)})`)!
}

/**
 * The query with each filter given as its slug. Below editor (as GET /v1/tags) a tag that only
 * unpublished articles created counts as unknown, so probing tag slugs reveals nothing of a draft.
 */
export async function resolveListFilters<Q extends Filters> (db: Executor, query: Q, auth: AuthContext | null, now: string): Promise<Q> {
  const errors: Array<{ path: string, message: string }> = []
  const resolve = async (kind: Kind, field: string, value: string, visible?: SQL) => {
    const slug = await slugOf(db, kind, value, visible)
    if (slug === undefined) errors.push({ path: field, message: `There is no ${field} ${/^\d+$/.test(value) ? `with id ${value}` : `"${value}"`}` })
    return slug ?? value
  }
  const out: Q = { ...query }
  if (query.category !== undefined) out.category = await resolve('categories', 'category', query.category)
  if (query.author !== undefined) out.author = await resolve('authors', 'author', query.author)
  if (query.tag !== undefined) {
    const visible = auth && roleAtLeast(auth.role, 'editor') ? undefined : publicTag(db, now)
    const slugs: string[] = []
    for (const value of query.tag) slugs.push(await resolve('tags', 'tag', value, visible))
    out.tag = slugs
  }
  const error = FieldError.of(errors)
  if (error) throw error
  return out
}
