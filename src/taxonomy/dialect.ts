// The taxonomy SQL that differs between SQLite and PostgreSQL, chosen once per repository.
import type { SQL, SQLWrapper } from 'drizzle-orm'
import type { Dialect } from '../db/database.js'
import type { Live } from './kinds.js'
import { postgresTaxonomy } from './dialect-postgres.js'
import { sqliteTaxonomy } from './dialect-sqlite.js'

/** Name order, keyset cursor, name search and article visibility, as each database indexes them. */
export interface TaxonomyDialect {
  /** `order by` the name ignoring case, then id. */
  order: (name: SQLWrapper, id: SQLWrapper) => SQL
  /** Rows after the (name, id) of a page's last row, in `order`. */
  after: (name: SQLWrapper, id: SQLWrapper, cursor: [string, number]) => SQL
  /** The name contains `q`, ignoring case (non-ASCII letters too). */
  contains: (name: SQLWrapper, q: string) => SQL
  /** An article (by alias) the public sees at `now`. */
  live: Live
}

export function taxonomyDialect (dialect: Dialect): TaxonomyDialect {
  return dialect === 'postgres' ? postgresTaxonomy : sqliteTaxonomy
}
