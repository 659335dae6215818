import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { getTableColumns, getTableName, is, Table } from 'drizzle-orm'
import * as sqlite from '../../src/db/schema.js'
import * as postgres from '../../src/db/pg-schema.js'
import { pgMigrationsFolder } from '../../src/db/pg-migrate.js'

/** The tables of a schema module, by export name. */
function tables (module: Record<string, unknown>): Map<string, Table> {
  return new Map(Object.entries(module).filter(([, value]) => is(value, Table)) as Array<[string, Table]>)
}

/** What must agree across dialects for one column: its name, nullability, default, key. */
function shape (table: Table) {
  return Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, {
    name: column.name,
    notNull: column.notNull,
    hasDefault: column.hasDefault,
    primary: column.primary,
    enumValues: column.enumValues ?? null
  }]))
}

t.test('SQLite and PostgreSQL declare the same tables, keys and columns', async (t) => {
  const lite = tables(sqlite)
  const pg = tables(postgres)
  t.same([...pg.keys()].sort(), [...lite.keys()].sort(), 'the same exported tables')
  for (const [name, table] of lite) {
    const other = pg.get(name)
    if (!other) continue
    t.equal(getTableName(other), getTableName(table), `${name}: the same table name`)
    t.same(shape(other), shape(table), `${name}: the same columns`)
  }
})

t.test('the parity check fails for a column one dialect lacks', async (t) => {
  const { pgTable, text } = await import('drizzle-orm/pg-core')
  const { sqliteTable, text: liteText } = await import('drizzle-orm/sqlite-core')
  const a = sqliteTable('x', { a: liteText('a').notNull(), b: liteText('b') })
  const b = pgTable('x', { a: text('a').notNull() })
  t.notSame(shape(b), shape(a))
})

t.test('PostgreSQL migrations name no schema, so they build a site in whichever schema the connection uses', async (t) => {
  for (const file of readdirSync(pgMigrationsFolder).filter((f) => f.endsWith('.sql'))) {
    const text = readFileSync(join(pgMigrationsFolder, file), 'utf8')
    // The one exception: the unaccent extension and its dictionary, installed in public.
    const named = text.replace(/public\.unaccent/g, '').replace(/WITH SCHEMA public/g, '')
    t.notMatch(named, /"public"\.|\bpublic\./, `${file} names no schema (remove drizzle-kit's "public". prefix)`)
  }
})
