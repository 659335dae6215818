// Data access of API tokens: hashed secrets, lookup, revocation.
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { apiTokens, authors } from '../db/schema.js'
import { generateSecret, hashSecret, secretPrefix } from './secrets.js'
import type { Role } from '../lib/roles.js'

const tokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  role: apiTokens.role,
  authorId: apiTokens.authorId,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt
}

export interface NewToken { name: string, role: Role, authorId?: number | null | undefined }

/** API tokens: secrets are hashed before they touch the database and never read back. */
export function createTokensRepository (db: Db) {
  const byHash = db.select({ id: apiTokens.id, role: apiTokens.role, authorId: apiTokens.authorId, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(apiTokens.revokedAt)))
    .prepare()

  return {
    /** Creates a token and returns it with its secret, the only time the secret exists in clear. */
    create (input: NewToken, secret: string = generateSecret(), prefix: string = secretPrefix(secret)) {
      const row = db.insert(apiTokens).values({
        name: input.name,
        role: input.role,
        authorId: input.authorId ?? null,
        tokenHash: hashSecret(secret),
        prefix
      }).returning(tokenColumns).get()
      return { ...row, token: secret }
    },

    /** Tokens in creation order, without secrets; keyset paged by id. */
    list (opts: { limit: number, afterId?: number | undefined, includeRevoked: boolean }) {
      const conditions = [opts.afterId !== undefined ? gt(apiTokens.id, opts.afterId) : undefined, opts.includeRevoked ? undefined : isNull(apiTokens.revokedAt)]
      return db.select(tokenColumns).from(apiTokens).where(and(...conditions)).orderBy(asc(apiTokens.id)).limit(opts.limit + 1).all()
    },

    get (id: number) {
      return db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)).get()
    },

    /** Marks a token revoked; false when there is no such live token. */
    revoke (id: number): boolean {
      const result = db.update(apiTokens).set({ revokedAt: new Date().toISOString() })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run()
      return result.changes > 0
    },

    /** True when a token with this id exists and is not revoked (preview links die with it). */
    isLive (id: number): boolean {
      return db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).get() !== undefined
    },

    /** The live token with this secret, or undefined. */
    findActive (secret: string) {
      return byHash.get({ hash: hashSecret(secret) })
    },

    touch (id: number, at: string) {
      db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id)).run()
    },

    /**
     * Makes sure an admin token with exactly this secret exists, unless it was revoked: a
     * revocation must outlive restarts with the same environment (the secret may be what
     * leaked). Says which case it met, so the caller can warn about a revoked one.
     */
    ensureBootstrap (secret: string): 'created' | 'live' | 'revoked' {
      const hash = hashSecret(secret)
      const existing = db.select({ id: apiTokens.id, role: apiTokens.role, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.tokenHash, hash)).get()
      if (!existing) {
        // The bootstrap secret is chosen by a person: show none of it.
        this.create({ name: 'bootstrap', role: 'admin' }, secret, 'bootstrap')
        return 'created'
      }
      if (existing.revokedAt) return 'revoked'
      if (existing.role !== 'admin') db.update(apiTokens).set({ role: 'admin' }).where(eq(apiTokens.id, existing.id)).run()
      return 'live'
    },

    authorExists (authorId: number): boolean {
      return db.select({ id: authors.id }).from(authors).where(eq(authors.id, authorId)).get() !== undefined
    }
  }
}

export type TokensRepository = ReturnType<typeof createTokensRepository>
