// Recognises a unique-index violation on either database, through Drizzle's error wrapping.

/**
 * True when `err` (or what it wraps) is a violation of the unique index `index` on `table.column`:
 * PostgreSQL names the index (SQLSTATE 23505), SQLite the column.
 */
export function violatesUnique (err: unknown, index: string, table: string, column: string): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint, message } = e as { code?: unknown, constraint?: unknown, message?: unknown }
    if (code === '23505' && constraint === index) return true
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') && message === `UNIQUE constraint failed: ${table}.${column}`) return true
  }
  return false
}
