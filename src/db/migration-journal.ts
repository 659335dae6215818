/** What drizzle-kit's journal says about a migrations folder, for refusing a schema newer than the code. */
import { readFileSync } from 'node:fs'

/** The `when` (epoch ms) of the last migration this release knows. */
export function lastKnownMigration (folder: string): number {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as { entries: Array<{ when: number }> }
  return Math.max(0, ...journal.entries.map((e) => e.when))
}

/** The one-line refusal for a database migrated by a newer release. */
export function schemaTooNew (applied: number, known: number): string {
  return `The database schema is newer than this release of Broadsheet (its last migration is from ${new Date(applied).toISOString()}; this release knows migrations up to ${new Date(known).toISOString()}): upgrade Broadsheet, or restore a backup made for this release`
}
