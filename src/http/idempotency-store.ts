// The store of Idempotency-Key answers: the first 2xx answer per caller and key, kept for a while.
import { and, eq, lt } from 'drizzle-orm'
import type { Executor } from '../db/database.js'

export interface IdempotentAnswer {
  scope: string
  key: string
  requestHash: string
  status: number
  body: string
  headers: Record<string, string>
}

/** The idempotency keys' repository, created once by the idempotency plugin. */
export function createIdempotencyStore (db: Executor) {
  const { idempotencyKeys } = db.tables
  return {
    /** The answer kept for `key` of `scope`, if it was stamped at or after `since` (ISO). */
    async find (scope: string, key: string, since: string): Promise<(IdempotentAnswer & { createdAt: string }) | undefined> {
      const stored = await db.get(db.orm.select().from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))))
      return stored && stored.createdAt >= since ? stored : undefined
    },

    /**
     * Keeps `answer` stamped `at` (the app clock, so expiry reads one clock), after deleting
     * the answers stamped before `expiredBefore`: an expired row under the same key must go
     * first. A concurrent first answer under the same key wins; this one is dropped.
     */
    async remember (answer: IdempotentAnswer, at: string, expiredBefore: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.run(db.orm.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, expiredBefore)))
        await tx.run(db.orm.insert(idempotencyKeys).values({ ...answer, createdAt: at }).onConflictDoNothing())
      })
    }
  }
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>
