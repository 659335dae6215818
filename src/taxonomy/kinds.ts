// What differs between categories, tags and authors, for the shared taxonomy code.
import { sql, type SQL } from 'drizzle-orm'
import { articles, articleTags, authors, categories, tags } from '../db/schema.js'
import type { Tables } from '../db/database.js'
import { publicSql } from '../db/visibility.js'

/** The condition that makes article alias `a` public at `now`: one per dialect (see dialect-*.ts). */
export type Live = (alias: SQL, now: string) => SQL

/** The API's extra columns of a kind, by their key on the table. */
type ExtraKey = 'description' | 'parentId' | 'bio' | 'avatarUrl'

/**
 * What differs between categories, tags and authors; everything else is shared. The raw SQL
 * below names tables and columns through SQLite's schema: a quoted identifier reads the same
 * on PostgreSQL, and anything a builder runs takes its table from `db.tables` by `key`.
 */
export interface TaxonomyKind {
  /** Singular noun for messages: 'category'. */
  noun: string
  /** The table's key in `db.tables`. */
  key: 'categories' | 'tags' | 'authors'
  /** Extra API fields, beyond id, slug, name and timestamps: keys of the table's columns. */
  extra: readonly ExtraKey[]
  /** Correlated subquery: articles in this group the public can see at `now`. */
  articleCount: (now: string, live?: Live) => SQL
  /** The key of the article column that points here, when articles hold at most one (409 on delete). */
  articleRef?: 'categoryId' | 'authorId'
  /**
   * For a kind an article write can create (tags): the rows the public may see at `now`,
   * and the column that marks such rows. Computed at each read, so a scheduled article going
   * live shows its new tags and trashing the last live one hides them, with no write.
   */
  articleCreated?: { field: 'createdViaArticle', publicAt: (now: string, live?: Live) => SQL }
}

const a = sql.raw('"a"')

export const categoryKind: TaxonomyKind = {
  noun: 'category',
  key: 'categories',
  extra: ['description', 'parentId'],
  articleCount: (now, live = publicSql) => sql`(select count(*) from ${articles} ${a} where ${a}.category_id = ${categories.id} and ${live(a, now)})`,
  articleRef: 'categoryId'
}

export const tagKind: TaxonomyKind = {
  noun: 'tag',
  key: 'tags',
  extra: [],
  articleCount: (now, live = publicSql) => sql`(select count(*) from ${articleTags} "at" join ${articles} ${a} on ${a}.id = "at".article_id where "at".tag_id = ${tags.id} and ${live(a, now)})`,
  articleCreated: {
    field: 'createdViaArticle',
    // `= false` reads on both: SQLite takes FALSE as 0, PostgreSQL's column is a boolean.
    publicAt: (now, live = publicSql) => sql`(${tags.createdViaArticle} = false or exists (select 1 from ${articleTags} "at" join ${articles} ${a} on ${a}.id = "at".article_id
      where "at".tag_id = ${tags.id} and ${live(a, now)}))`
  }
}

export const authorKind: TaxonomyKind = {
  noun: 'author',
  key: 'authors',
  extra: ['bio', 'avatarUrl'],
  articleCount: (now, live = publicSql) => sql`(select count(*) from ${articles} ${a} where ${a}.author_id = ${authors.id} and ${live(a, now)})`,
  articleRef: 'authorId'
}

export const taxonomyKinds = [categoryKind, tagKind, authorKind] as const

export type TaxonomyTable = Tables['categories'] | Tables['tags'] | Tables['authors']
