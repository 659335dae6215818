// Deletes that leave nothing behind in the database files (comment erasure).
import type Database from 'better-sqlite3'

/**
 * Runs `erase` so that what it deletes is gone from the files too: secure_delete zeroes the
 * freed cells instead of leaving them in free pages, and a TRUNCATE checkpoint empties the
 * write-ahead log, which still holds the pages as they were (a backup copies both). For rare
 * erasures only: the checkpoint copies the whole log at once.
 */
export function eraseForGood<T> (client: Database.Database, erase: () => T): T {
  const before = Number(client.pragma('secure_delete', { simple: true }))
  client.pragma('secure_delete = on')
  try {
    const result = erase()
    if (!client.memory) client.pragma('wal_checkpoint(TRUNCATE)')
    return result
  } finally {
    client.pragma(`secure_delete = ${before}`)
  }
}
