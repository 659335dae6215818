// Bulk import of articles from JSON (the CLI import), with the API's validation.
import type { Executor } from '../db/database.js'
import { DomainError, FieldError, unknownFieldMessage } from '../lib/errors.js'
import { createArticlesRepository, SYSTEM } from './repository.js'
import { CreateArticleSchema, UpdateArticleSchema } from './schemas.js'

export interface ImportItemReport {
  index: number
  slug: string | null
  result: 'created' | 'updated' | 'failed'
  id?: number
  errors?: Array<{ path: string, message: string }>
}

export interface ImportReport { created: number, updated: number, failed: number, atomic: boolean, items: ImportItemReport[] }

class AtomicAbort extends Error {}

function errorsOf (err: unknown): Array<{ path: string, message: string }> {
  if (err instanceof FieldError) return [{ path: err.path, message: err.message }]
  if (err instanceof DomainError) return [{ path: '', message: err.message }]
  throw err
}

/**
 * Creates or updates articles from an array, matching by slug, with the API's validation.
 * One transaction; each item in a savepoint, so a bad item is reported and skipped, or
 * with `atomic` rolls everything back. Imports run as the system and keep their dates.
 */
export async function importArticles (db: Executor, items: unknown[], opts: { atomic: boolean, now: string }): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, failed: 0, atomic: opts.atomic, items: [] }
  const run = async (tx: Executor) => {
    // A repository on the transaction: every item's writes (each a savepoint) are part of it.
    const repo = createArticlesRepository(tx)
    for (const [index, item] of items.entries()) {
      const slug = item !== null && typeof item === 'object' && typeof (item as { slug?: unknown }).slug === 'string' ? (item as { slug: string }).slug : null
      const existing = slug !== null ? await repo.findRow(slug) : undefined
      const parsed = existing ? UpdateArticleSchema.safeParse(item) : CreateArticleSchema.safeParse(item)
      let entry: ImportItemReport
      if (!parsed.success) {
        entry = {
          index,
          slug,
          result: 'failed',
          // The same wording the API answers: an unknown field is named as its own path.
          errors: parsed.error.issues.flatMap((i) => i.code === 'unrecognized_keys'
            ? i.keys.map((key) => ({ path: [...i.path, key].join('.'), message: unknownFieldMessage(key) }))
            : [{ path: i.path.join('.'), message: i.message }])
        }
      } else {
        try {
          const row = existing
            ? (await repo.update(existing.id, parsed.data, SYSTEM, opts.now))!
            : await repo.create(parsed.data as Parameters<typeof repo.create>[0], SYSTEM, opts.now)
          entry = { index, slug: row.slug, result: existing ? 'updated' : 'created', id: row.id }
        } catch (err) {
          entry = { index, slug, result: 'failed', errors: errorsOf(err) }
        }
      }
      report.items.push(entry)
      if (entry.result === 'failed') {
        report.failed++
        if (opts.atomic) throw new AtomicAbort()
      } else {
        report[entry.result]++
      }
    }
  }
  try {
    await db.transaction(run)
  } catch (err) {
    if (!(err instanceof AtomicAbort)) throw err
    // Nothing was written: say so item by item.
    for (const entry of report.items) {
      if (entry.result !== 'failed') { entry.result = 'failed'; entry.errors = [{ path: '', message: 'rolled back: another item failed and --atomic was given' }] }
    }
    for (let index = report.items.length; index < items.length; index++) {
      report.items.push({ index, slug: null, result: 'failed', errors: [{ path: '', message: 'not attempted: an earlier item failed and --atomic was given' }] })
    }
    report.created = 0
    report.updated = 0
    report.failed = items.length
  }
  return report
}
