// An article's category, author and tags: resolved from ids or slugs, stored and loaded.
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { articleTags, authors, categories, tags } from '../db/schema.js'
import { FieldError } from '../lib/errors.js'
import { slugify, uniqueSlug } from '../lib/slug.js'

export interface Ref { id: number, slug: string, name: string }

type Tx = Pick<Db, 'select' | 'insert' | 'get' | 'all'>

/** Resolves a category or author given by id or slug, or throws a 400 naming the field. */
export function resolveRef (db: Tx, table: typeof categories | typeof authors, field: string, value: number | string): number {
  const row = typeof value === 'number'
    ? db.select({ id: table.id }).from(table).where(eq(table.id, value)).get()
    : db.select({ id: table.id }).from(table).where(eq(table.slug, value)).get()
  if (!row) throw new FieldError(field, `There is no ${field} ${typeof value === 'number' ? `with id ${value}` : `"${value}"`}`)
  return row.id
}

/**
 * Tag ids for ids, slugs or names, in the order given: an id must exist; a string matches a
 * slug, else a tag's name (any case), else the slug made from it, else a new tag is created
 * with that name, marked as created by an article: not public until a live article uses it.
 */
export function resolveTags (db: Tx, values: Array<number | string>): number[] {
  const ids: number[] = []
  for (const [index, value] of values.entries()) {
    let id: number | undefined
    if (typeof value === 'number') {
      id = db.select({ id: tags.id }).from(tags).where(eq(tags.id, value)).get()?.id
      if (id === undefined) throw new FieldError(`tags.${index}`, `There is no tag with id ${value}`)
    } else {
      const derived = slugify(value, 'tag')
      id = db.select({ id: tags.id }).from(tags).where(eq(tags.slug, value)).get()?.id ??
        db.select({ id: tags.id }).from(tags).where(sql`casefold(${tags.name}) = casefold(${value})`).orderBy(tags.id).get()?.id ??
        db.select({ id: tags.id }).from(tags).where(eq(tags.slug, derived)).get()?.id
      if (id === undefined) {
        const slug = uniqueSlug(derived, (s) => db.select({ id: tags.id }).from(tags).where(eq(tags.slug, s)).get() !== undefined)
        id = db.insert(tags).values({ name: value, slug, createdViaArticle: true }).returning({ id: tags.id }).get().id
      }
    }
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

/** Replaces an article's tags, keeping their order. */
export function setArticleTags (db: Pick<Db, 'delete' | 'insert'>, articleId: number, tagIds: number[]) {
  db.delete(articleTags).where(eq(articleTags.articleId, articleId)).run()
  if (tagIds.length > 0) {
    db.insert(articleTags).values(tagIds.map((tagId, position) => ({ articleId, tagId, position }))).run()
  }
}

// Prepared once per connection: json_each(?) takes a JSON array of ids, so one statement
// serves any batch size and no SQL is built on the hot path.
const refStatements = new WeakMap<object, ReturnType<typeof prepareRefStatements>>()

function prepareRefStatements (db: Db) {
  const c = db.$client
  return {
    categories: c.prepare('select id, slug, name from categories where id in (select value from json_each(?))'),
    authors: c.prepare('select id, slug, name from authors where id in (select value from json_each(?))'),
    tags: c.prepare(`select at.article_id as articleId, t.id, t.slug, t.name from article_tags at join tags t on t.id = at.tag_id
      where at.article_id in (select value from json_each(?)) order by at.article_id, at.position`)
  }
}

/** Categories, authors and tags for a batch of articles, in three queries whatever the batch size. */
export function loadRefs (db: Db, rows: Array<{ id: number, categoryId: number | null, authorId: number | null }>) {
  let statements = refStatements.get(db.$client)
  if (!statements) { statements = prepareRefStatements(db); refStatements.set(db.$client, statements) }
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((v): v is number => v !== null))]
  const authorIds = [...new Set(rows.map((r) => r.authorId).filter((v): v is number => v !== null))]
  const categoryMap = new Map<number, Ref>()
  const authorMap = new Map<number, Ref>()
  const tagMap = new Map<number, Ref[]>()
  if (categoryIds.length > 0) for (const c of statements.categories.all(JSON.stringify(categoryIds)) as Ref[]) categoryMap.set(c.id, c)
  if (authorIds.length > 0) for (const a of statements.authors.all(JSON.stringify(authorIds)) as Ref[]) authorMap.set(a.id, a)
  if (rows.length > 0) {
    for (const { articleId, ...tag } of statements.tags.all(JSON.stringify(rows.map((r) => r.id))) as Array<Ref & { articleId: number }>) {
      const list = tagMap.get(articleId) ?? []
      list.push(tag)
      tagMap.set(articleId, list)
    }
  }
  return {
    category: (id: number | null) => (id === null ? null : categoryMap.get(id) ?? null),
    author: (id: number | null) => (id === null ? null : authorMap.get(id) ?? null),
    tags: (articleId: number) => tagMap.get(articleId) ?? []
  }
}

/** Tag ids of an article in order. */
export function articleTagIds (db: Pick<Db, 'all'>, articleId: number): number[] {
  return db.all<{ tagId: number }>(sql`select tag_id as tagId from article_tags where article_id = ${articleId} order by position`).map((r) => r.tagId)
}
