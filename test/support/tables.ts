/** The names of the app's tables, on either database: for tests that read every stored value. */
import { sql } from 'drizzle-orm'
import type { App } from '../../src/app.js'

export async function tableNames (app: App): Promise<string[]> {
  const rows = app.database.dialect === 'sqlite'
    ? await app.database.all<{ name: string }>(sql`select name as "name" from sqlite_master where type = 'table'`)
    : await app.database.all<{ name: string }>(sql`select table_name as "name" from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`)
  return rows.map((r) => r.name)
}
