/**
 * Copies a whole site from one database to another (SQLite to PostgreSQL, or back): every
 * table row for row, ids kept, in one transaction on the target, then checks the row counts.
 * The target must be migrated and hold no content.
 */
import { asc, getTableColumns, getTableName, sql, type Column, type Table } from 'drizzle-orm'
import type { Database, Executor, Tables } from './database.js'

/**
 * Parents before children, so every reference points at a row already copied. search_terms
 * is not copied: like the full-text index it is derived from the articles, and indexing them
 * on the target (the `afterArticles` hook) builds it there.
 */
export const COPY_ORDER = [
  'settings', 'authors', 'categories', 'tags', 'apiTokens', 'articles', 'articleRevisions',
  'articleTags', 'idempotencyKeys', 'comments', 'adSlots', 'adCampaigns', 'adCreatives', 'adStatsDaily', 'adUsedTokens'
] as const satisfies ReadonlyArray<keyof Tables>

/** Rows are read and written this many at a time: a long article's row is kilobytes. */
const BATCH = 200

/** Self-references (a category's parent, a reply's comment), set once every row exists. */
const SELF_REFERENCES: Partial<Record<keyof Tables, string>> = { categories: 'parentId', comments: 'parentId' }

export interface CopyReport { tables: Array<{ table: string, rows: number }>, rows: number }

/** The copy refused or failed its check; the message is one line for the CLI. */
export class CopyError extends Error {
  override name = 'CopyError'
}

function primaryKeyOf (table: Table): Column[] {
  const columns = Object.values(getTableColumns(table))
  const primary = columns.filter((c) => c.primary)
  if (primary.length > 0) return primary
  // Composite keys are declared on the table, not on a column: order by every column instead,
  // but JSON documents, which PostgreSQL's json type cannot order.
  return columns.filter((c) => c.dataType !== 'json')
}

async function count (db: Executor, table: Table): Promise<number> {
  const row = await db.get<{ n: number }>(sql`select count(*) as "n" from ${table}`)
  return Number(row?.n ?? 0)
}

/** Every row of `name` in key order, BATCH at a time. */
async function * batches (db: Executor, name: keyof Tables): AsyncGenerator<Array<Record<string, unknown>>> {
  const table = db.tables[name] as unknown as Table
  const order = primaryKeyOf(table).map((c) => asc(c))
  for (let offset = 0; ; offset += BATCH) {
    // Keyset paging would be faster; offset keeps this generic over composite keys, and a copy runs once.
    const rows = await db.all<Record<string, unknown>>((db.orm.select().from(table as never) as any).orderBy(...order).limit(BATCH).offset(offset))
    if (rows.length === 0) return
    yield rows
    if (rows.length < BATCH) return
  }
}

/**
 * Copies every table of `from` into `to`. `afterArticles` runs inside the target's transaction
 * once articles are in (the search index, which each dialect builds its own way).
 */
export async function copySite (from: Database, to: Database, hooks: { afterArticles?: (tx: Executor) => Promise<void> } = {}): Promise<CopyReport> {
  for (const name of COPY_ORDER) {
    if (name === 'settings') continue
    const table = to.tables[name] as unknown as Table
    if (await count(to, table) > 0) throw new CopyError(`The target already holds rows in ${getTableName(table)}: copy into a new, empty database`)
  }
  const report: CopyReport = { tables: [], rows: 0 }
  await to.transaction(async (tx) => {
    // The target's own generated secret and settings give way to the source's.
    await tx.run(tx.orm.delete(tx.tables.settings))
    for (const name of COPY_ORDER) {
      const target = tx.tables[name] as unknown as Table
      const selfRef = SELF_REFERENCES[name]
      const parents: Array<{ id: unknown, parent: unknown }> = []
      let copied = 0
      for await (const rows of batches(from, name)) {
        const values = rows.map((row) => {
          if (selfRef === undefined || row[selfRef] === null) return row
          parents.push({ id: row.id, parent: row[selfRef] })
          return { ...row, [selfRef]: null }
        })
        await tx.run(tx.orm.insert(target as never).values(values as never))
        copied += rows.length
      }
      if (selfRef !== undefined) {
        const columns = getTableColumns(target) as Record<string, Column>
        for (const { id, parent } of parents) {
          await tx.run(sql`update ${target} set ${sql.identifier(columns[selfRef]!.name)} = ${parent} where ${columns.id!} = ${id}`)
        }
      }
      const id = (getTableColumns(target) as Record<string, Column>).id
      if (tx.dialect === 'postgres' && id?.primary && id.dataType === 'number') {
        // Ids were given, so the identity sequence never moved: start it after the highest.
        await tx.run(sql`select setval(pg_get_serial_sequence(${getTableName(target)}, 'id'), coalesce((select max(id) from ${target}), 0) + 1, false)`)
      }
      if (name === 'articles' && hooks.afterArticles) await hooks.afterArticles(tx)
      report.tables.push({ table: getTableName(target), rows: copied })
      report.rows += copied
    }
    for (const { table, rows } of report.tables) {
      const name = COPY_ORDER.find((n) => getTableName(tx.tables[n] as unknown as Table) === table)!
      const there = await count(tx, tx.tables[name] as unknown as Table)
      if (there !== rows) throw new CopyError(`${table}: ${rows} rows read but ${there} in the target; nothing was copied`)
    }
  })
  return report
}
