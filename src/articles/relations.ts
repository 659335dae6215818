import { eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { articleTags, authors, categories, tags } from '../db/schema.js'
import { FieldError } from '../http/errors.js'
import { slugify, uniqueSlug } from '../http/slug.js'

export interface Ref { id: number, slug: string, name: string }

type Tx = Pick<Db, 'select' | 'insert' | 'get' | 'all'>

const refColumns = <T extends typeof categories | typeof authors | typeof tags>(t: T) => ({ id: t.id, slug: t.slug, name: t.name })

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
 * with that name.
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
        id = db.insert(tags).values({ name: value, slug }).returning({ id: tags.id }).get().id
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

/** Categories, authors and tags for a batch of articles, in three queries whatever the batch size. */
export function loadRefs (db: Db, rows: Array<{ id: number, categoryId: number | null, authorId: number | null }>) {
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((v): v is number => v !== null))]
  const authorIds = [...new Set(rows.map((r) => r.authorId).filter((v): v is number => v !== null))]
  const articleIds = rows.map((r) => r.id)
  const categoryMap = new Map<number, Ref>()
  const authorMap = new Map<number, Ref>()
  const tagMap = new Map<number, Ref[]>()
  if (categoryIds.length > 0) {
    for (const c of db.select(refColumns(categories)).from(categories).where(inArray(categories.id, categoryIds)).all()) categoryMap.set(c.id, c)
  }
  if (authorIds.length > 0) {
    for (const a of db.select(refColumns(authors)).from(authors).where(inArray(authors.id, authorIds)).all()) authorMap.set(a.id, a)
  }
  if (articleIds.length > 0) {
    const tagRows = db.select({ articleId: articleTags.articleId, ...refColumns(tags) })
      .from(articleTags).innerJoin(tags, eq(tags.id, articleTags.tagId))
      .where(inArray(articleTags.articleId, articleIds))
      .orderBy(articleTags.articleId, articleTags.position).all()
    for (const { articleId, ...tag } of tagRows) {
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
