// An article's category, author and tags: resolved from ids or slugs, stored and loaded.
import { eq, like, or, type SQL, sql } from 'drizzle-orm'
import type { Dialect, Executor } from '../db/database.js'
import { FieldError } from '../lib/errors.js'
import { slugify, uniqueSlug } from '../lib/slug.js'
import { articlesSql } from './dialect.js'

export interface Ref { id: number, slug: string, name: string }

/** Resolves a category or author given by id or slug, or throws a 400 naming the field. */
export async function resolveRef (db: Executor, kind: 'categories' | 'authors', field: string, value: number | string): Promise<number> {
  const table = db.tables[kind]
  const row = await db.get(db.orm.select({ id: table.id }).from(table).where(typeof value === 'number' ? eq(table.id, value) : eq(table.slug, value)))
  if (!row) throw new FieldError(field, `There is no ${field} ${typeof value === 'number' ? `with id ${value}` : `"${value}"`}`)
  return row.id
}

/** The slugs of `kind` that are `base` or `base-…`: what uniqueSlug must step past, in one query. */
export async function slugsFrom (db: Executor, kind: 'tags' | 'articles', base: string): Promise<Set<string>> {
  const table = db.tables[kind]
  // Slugs hold no LIKE wildcards (letters, digits and hyphens only).
  const rows = await db.all(db.orm.select({ slug: table.slug }).from(table).where(or(eq(table.slug, base), like(table.slug, `${base}-%`))))
  return new Set(rows.map((r) => r.slug))
}

/**
 * Tag ids for ids, slugs or names, in the order given: an id must exist; a string matches a
 * slug, else a tag's name (any case), else the slug made from it, else a new tag is created
 * with that name, marked as created by an article: not public until a live article uses it.
 */
export async function resolveTags (db: Executor, values: Array<number | string>): Promise<number[]> {
  const { tags } = db.tables
  const { fold } = articlesSql(db.dialect)
  const idWhere = async (where: ReturnType<typeof eq>) => (await db.get(db.orm.select({ id: tags.id }).from(tags).where(where).orderBy(tags.id)))?.id
  const ids: number[] = []
  for (const [index, value] of values.entries()) {
    let id: number | undefined
    if (typeof value === 'number') {
      id = await idWhere(eq(tags.id, value))
      if (id === undefined) throw new FieldError(`tags.${index}`, `There is no tag with id ${value}`)
    } else {
      const derived = slugify(value, 'tag')
      id = await idWhere(eq(tags.slug, value)) ??
        await idWhere(sql`${fold(sql`${tags.name}`)} = ${fold(sql`${value}`)}`) ??
        await idWhere(eq(tags.slug, derived))
      if (id === undefined) {
        const taken = await slugsFrom(db, 'tags', derived)
        const slug = uniqueSlug(derived, (s) => taken.has(s))
        id = (await db.get(db.orm.insert(tags).values({ name: value, slug, createdViaArticle: true }).returning({ id: tags.id })))!.id
      }
    }
    if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

/** Replaces an article's tags, keeping their order. */
export async function setArticleTags (db: Executor, articleId: number, tagIds: number[]): Promise<void> {
  const { articleTags } = db.tables
  await db.run(db.orm.delete(articleTags).where(eq(articleTags.articleId, articleId)))
  if (tagIds.length > 0) {
    await db.run(db.orm.insert(articleTags).values(tagIds.map((tagId, position) => ({ articleId, tagId, position }))))
  }
}

/**
 * The query of loadRefs for rows with (or without) categories, authors and tags, made once
 * per dialect and shape (`one`: a single article, compared by oneId): kind 0 is a category,
 * 1 an author, 2 a tag of article `articleId` in its position. Each part names its columns,
 * as any may come first. (Exported for query-plan tests.)
 */
const refsTemplates = new Map<string, SQL>()
export function refsTemplate (dialect: Dialect, categories: boolean, authors: boolean, one: boolean): SQL {
  const key = `${dialect} ${categories} ${authors} ${one}`
  let template = refsTemplates.get(key)
  if (!template) {
    const { inIds, oneId, tagOfRow } = articlesSql(dialect)
    const match = (column: SQL, name: string) => one && oneId ? oneId(column, sql.placeholder(name)) : inIds(column, sql.placeholder(name))
    const parts: SQL[] = []
    if (categories) parts.push(sql`select 0 as "kind", 0 as "articleId", 0 as "position", id as "id", slug as "slug", name as "name" from categories where ${match(sql`id`, 'categories')}`)
    if (authors) parts.push(sql`select 1 as "kind", 0 as "articleId", 0 as "position", id as "id", slug as "slug", name as "name" from authors where ${match(sql`id`, 'authors')}`)
    parts.push(sql`select 2 as "kind", at.article_id as "articleId", at.position as "position", t.id as "id", t.slug as "slug", t.name as "name"
      from article_tags at ${tagOfRow} where ${match(sql`at.article_id`, 'articles')}`)
    template = sql`${sql.join(parts, sql` union all `)} order by 1, 2, 3`
    refsTemplates.set(key, template)
  }
  return template
}

/**
 * An article's category, author and tags as one JSON array of [kind, id, slug, name] (kinds
 * as in refsTemplate, tags in their order), for the select list of a read of article `a`: one
 * article is read with its relations in one statement (on PostgreSQL a round trip fewer).
 */
const rowRefs = new Map<Dialect, SQL>()
export function refsOfRow (dialect: Dialect): SQL {
  let query = rowRefs.get(dialect)
  if (!query) {
    const { jsonRows, tagOfRow } = articlesSql(dialect)
    query = sql`(select ${jsonRows(sql`r.kind, r.id, r.slug, r.name`, sql`r.kind, r.position`)} from (
      select 0 as kind, 0 as position, id, slug, name from categories where id = a.category_id
      union all select 1, 0, id, slug, name from authors where id = a.author_id
      union all select 2, at.position, t.id, t.slug, t.name from article_tags at ${tagOfRow} where at.article_id = a.id) r)`
    rowRefs.set(dialect, query)
  }
  return query
}

/** Relations read in their article's own statement (refsOfRow), by row. */
const readWithRow = new WeakMap<object, Array<[number, number, string, string]>>()

/** Keeps the refsOfRow value read with `row`, for loadRefs of that row alone. */
export function keepRowRefs (row: object, refs: unknown): void {
  readWithRow.set(row, typeof refs === 'string' ? JSON.parse(refs) : refs as Array<[number, number, string, string]>)
}

/**
 * Categories, authors and tags for a batch of articles, in one query whatever the batch size;
 * rows read with their relations (keepRowRefs) are not asked again, so a lone such row needs
 * no query: on PostgreSQL each statement is a round trip.
 */
export async function loadRefs (db: Executor, rows: Array<{ id: number, categoryId: number | null, authorId: number | null }>) {
  const { idList, oneId } = articlesSql(db.dialect)
  const found: Array<Ref & { kind: number, articleId: number }> = []
  const asked: typeof rows = []
  for (const row of rows) {
    const kept = readWithRow.get(row)
    if (kept) for (const [kind, id, slug, name] of kept) found.push({ kind, articleId: row.id, id, slug, name })
    else asked.push(row)
  }
  if (asked.length > 0) {
    const categoryIds = [...new Set(asked.map((r) => r.categoryId).filter((v): v is number => v !== null))]
    const authorIds = [...new Set(asked.map((r) => r.authorId).filter((v): v is number => v !== null))]
    const one = asked.length === 1 && oneId !== undefined
    const values = one
      ? { categories: categoryIds[0], authors: authorIds[0], articles: asked[0]!.id }
      : { categories: idList(categoryIds), authors: idList(authorIds), articles: idList(asked.map((r) => r.id)) }
    found.push(...await db.all<Ref & { kind: number, articleId: number }>(refsTemplate(db.dialect, categoryIds.length > 0, authorIds.length > 0, one), values))
  }
  const categoryMap = new Map<number, Ref>()
  const authorMap = new Map<number, Ref>()
  const tagMap = new Map<number, Ref[]>()
  for (const { kind, articleId, id, slug, name } of found) {
    const ref = { id, slug, name }
    if (kind === 0) categoryMap.set(id, ref)
    else if (kind === 1) authorMap.set(id, ref)
    else {
      const list = tagMap.get(articleId)
      if (list) list.push(ref)
      else tagMap.set(articleId, [ref])
    }
  }
  return {
    category: (id: number | null) => (id === null ? null : categoryMap.get(id) ?? null),
    author: (id: number | null) => (id === null ? null : authorMap.get(id) ?? null),
    tags: (articleId: number) => tagMap.get(articleId) ?? []
  }
}

export type Refs = Awaited<ReturnType<typeof loadRefs>>

/** Tag ids of an article in order. */
export async function articleTagIds (db: Executor, articleId: number): Promise<number[]> {
  return (await db.all<{ tagId: number }>(sql`select tag_id as "tagId" from article_tags where article_id = ${articleId} order by position`)).map((r) => r.tagId)
}
