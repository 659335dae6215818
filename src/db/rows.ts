/**
 * Raw-SQL reads whose columns and row mapping come from the Drizzle tables: the select list
 * names each column under a quoted alias (PostgreSQL folds unquoted names to lower case), and
 * each value goes through its column's own driver mapping (SQLite's 0/1 and JSON text, or
 * PostgreSQL's timestamptz), so both databases give the same rows.
 */
import { sql, type Column, type GetColumnData, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'

// Renders select lists to text once. Both databases quote identifiers with double quotes, so
// SQLite's dialect writes the same text PostgreSQL's would; a list holds no parameters.
const renderer = new SQLiteSyncDialect()

export type RowOf<C extends Record<string, Column>> = { [K in keyof C]: GetColumnData<C[K]> }

export interface Fields<R> {
  /** `"a"."col" as "key", …`, to put after `select`. */
  readonly list: SQL
  /** A raw row (keyed by alias) as the typed row. */
  readonly map: (raw: Record<string, unknown>) => R
}

/** The select list and row mapper for `columns`, qualified by `alias` when the query names the table so. */
export function fields<C extends Record<string, Column>> (columns: C, alias?: string): Fields<RowOf<C>> {
  const keys = Object.keys(columns)
  const chunks = sql.join(keys.map((key) => {
    const column = columns[key]!
    const name = alias === undefined ? sql`${column}` : sql`${sql.identifier(alias)}.${sql.identifier(column.name)}`
    return sql`${name} as ${sql.identifier(key)}`
  }), sql`, `)
  // Raw text: a list of thirty columns walked chunk by chunk on every query cost more than
  // the query itself on the hot reads.
  const list = sql.raw(renderer.sqlToQuery(chunks).sql)
  const mappers = keys.map((key) => columns[key]!)
  return {
    list,
    map (raw) {
      const row: Record<string, unknown> = {}
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        const value = raw[key]
        row[key] = value === null || value === undefined ? null : mappers[i]!.mapFromDriverValue(value)
      }
      return row as RowOf<C>
    }
  }
}
