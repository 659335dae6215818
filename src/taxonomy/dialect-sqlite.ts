// SQLite's taxonomy SQL: name order and search that use the name indexes and casefold().
import { sql, type SQL } from 'drizzle-orm'
import { publicSql } from '../db/visibility.js'
import type { TaxonomyDialect } from './dialect.js'

/**
 * `collate nocase` matches the `<table>_name_idx` indexes (name collate nocase, id), so a
 * page is an index walk; casefold() (registered in client.ts) folds beyond A-Z for `q`.
 */
export const sqliteTaxonomy: TaxonomyDialect = {
  order: (name, id) => sql`${name} collate nocase, ${id}`,
  after: (name, id, [afterName, afterId]) =>
    sql`(${name} collate nocase > ${afterName} or (${name} collate nocase = ${afterName} and ${id} > ${afterId}))`,
  contains: (name, q): SQL => sql`instr(casefold(${name}), casefold(${q})) > 0`,
  live: publicSql
}
