// What differs between categories, tags and authors, for the shared taxonomy code.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import { articles, articleTags, authors, categories, tags } from '../db/schema.js'
import { publicSql } from '../db/visibility.js'

type Table = typeof categories | typeof tags | typeof authors

/** What differs between categories, tags and authors; everything else is shared. */
export interface TaxonomyKind {
  /** Singular noun for messages: 'category'. */
  noun: string
  table: Table
  /** Extra API fields and their columns, beyond id, slug, name and timestamps. */
  extra: Record<string, AnySQLiteColumn>
  /** Correlated subquery: articles in this group the public can see at `now`. */
  articleCount: (now: string) => SQL
  /** The article column that points here, when articles hold at most one (409 on delete). */
  articleRef?: AnySQLiteColumn
  /**
   * For a kind an article write can create (tags): the rows the public may see at `now`,
   * and the column that marks such rows. Computed at each read, so a scheduled article going
   * live shows its new tags and trashing the last live one hides them, with no write.
   */
  articleCreated?: { field: string, publicAt: (now: string) => SQL }
}

const a = sql.raw('"a"')

export const categoryKind: TaxonomyKind = {
  noun: 'category',
  table: categories,
  extra: { description: categories.description, parentId: categories.parentId },
  articleCount: (now) => sql`(select count(*) from ${articles} ${a} where ${a}.category_id = ${categories.id} and ${publicSql(a, now)})`,
  articleRef: articles.categoryId
}

export const tagKind: TaxonomyKind = {
  noun: 'tag',
  table: tags,
  extra: {},
  articleCount: (now) => sql`(select count(*) from ${articleTags} "at" join ${articles} ${a} on ${a}.id = "at".article_id where "at".tag_id = ${tags.id} and ${publicSql(a, now)})`,
  articleCreated: {
    field: 'createdViaArticle',
    publicAt: (now) => sql`(${tags.createdViaArticle} = 0 or exists (select 1 from ${articleTags} "at" join ${articles} ${a} on ${a}.id = "at".article_id
      where "at".tag_id = ${tags.id} and ${publicSql(a, now)}))`
  }
}

export const authorKind: TaxonomyKind = {
  noun: 'author',
  table: authors,
  extra: { bio: authors.bio, avatarUrl: authors.avatarUrl },
  articleCount: (now) => sql`(select count(*) from ${articles} ${a} where ${a}.author_id = ${authors.id} and ${publicSql(a, now)})`,
  articleRef: articles.authorId
}

/** `expr as "name", …` for a select list. */
export function selectList (columns: Record<string, SQLWrapper>): SQL {
  return sql.join(Object.entries(columns).map(([name, expr]) => sql`${expr} as ${sql.identifier(name)}`), sql`, `)
}
