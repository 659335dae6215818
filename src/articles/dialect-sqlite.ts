// SQLite's forms of the articles SQL that differ between the databases (see dialect.ts).
import { sql } from 'drizzle-orm'
import type { ArticlesSql } from './dialect.js'

export const sqliteArticlesSql: ArticlesSql = {
  // casefold() is registered on the connection (db/client.ts): SQLite's lower() folds only A-Z.
  fold: (value) => sql`casefold(${value})`,
  // json_each(?) takes a JSON array of ids, so one statement serves any batch size.
  inIds: (column, list) => sql`${column} in (select value from json_each(${list}))`,
  idList: (ids) => JSON.stringify(ids),
  oneId: undefined,
  forUpdate: sql``,
  candidateRows: sql`candidates c join articles a indexed by articles_public_id_idx on a.id = c.id`,
  // The category index holds the rowid: a seek on (category, id), no table row.
  sameCategory: (id) => sql`exists (select 1 from articles k indexed by articles_category_idx where k.category_id = ${id} and k.id = a.id)`,
  tagOfRow: sql`join tags t on t.id = at.tag_id`,
  jsonRows: (columns, order) => sql`json_group_array(json_array(${columns}) order by ${order})`
}
