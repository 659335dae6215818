// Data access of API tokens: hashed secrets, lookup, revocation.
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { fields } from '../db/rows.js'
import { generateSecret, hashSecret, secretPrefix } from './secrets.js'
import type { Role } from '../lib/roles.js'

export interface NewToken { name: string, role: Role, authorId?: number | null | undefined }

/** The tokens repository, created once per app (`app.tokens`). */
export function createTokensRepository (db: Executor) {
  const { apiTokens, authors } = db.tables
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
  // Every authenticated request looks its token up: a raw statement, cached by its text.
  const active = fields({ id: apiTokens.id, role: apiTokens.role, authorId: apiTokens.authorId, lastUsedAt: apiTokens.lastUsedAt })

  const repository = {
    /** Creates a token and returns it with its secret, the only time the secret exists in clear. */
    async create (input: NewToken, secret: string = generateSecret(), prefix: string = secretPrefix(secret)) {
      const row = await db.get(db.orm.insert(apiTokens).values({
        name: input.name,
        role: input.role,
        authorId: input.authorId ?? null,
        tokenHash: hashSecret(secret),
        prefix
      }).returning(tokenColumns))
      return { ...row!, token: secret }
    },

    /** Tokens in creation order, without secrets; keyset paged by id. */
    list (opts: { limit: number, afterId?: number | undefined, includeRevoked: boolean }) {
      const conditions = [opts.afterId !== undefined ? gt(apiTokens.id, opts.afterId) : undefined, opts.includeRevoked ? undefined : isNull(apiTokens.revokedAt)]
      return db.all(db.orm.select(tokenColumns).from(apiTokens).where(and(...conditions)).orderBy(asc(apiTokens.id)).limit(opts.limit + 1))
    },

    get (id: number) {
      return db.get(db.orm.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)))
    },

    /** Marks a token revoked at `at`; false when there is no such live token. */
    async revoke (id: number, at: string): Promise<boolean> {
      return await db.run(db.orm.update(apiTokens).set({ revokedAt: at })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))) > 0
    },

    /** True when a token with this id exists and is not revoked (preview links die with it). */
    async isLive (id: number): Promise<boolean> {
      return await db.get(db.orm.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))) !== undefined
    },

    /** The live token with this secret, or undefined. */
    async findActive (secret: string) {
      const raw = await db.get<Record<string, unknown>>(sql`select ${active.list} from ${apiTokens} where ${apiTokens.tokenHash} = ${hashSecret(secret)} and ${apiTokens.revokedAt} is null`)
      return raw === undefined ? undefined : active.map(raw)
    },

    async touch (id: number, at: string): Promise<void> {
      await db.run(db.orm.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id)))
    },

    /**
     * Makes sure an admin token with exactly this secret exists, unless it was revoked: a
     * revocation must outlive restarts with the same environment (the secret may be what
     * leaked). Says which case it met, so the caller can warn about a revoked one.
     */
    async ensureBootstrap (secret: string): Promise<'created' | 'live' | 'revoked'> {
      const hash = hashSecret(secret)
      const existing = await db.get(db.orm.select({ id: apiTokens.id, role: apiTokens.role, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.tokenHash, hash)))
      if (!existing) {
        // The bootstrap secret is chosen by a person: show none of it.
        await repository.create({ name: 'bootstrap', role: 'admin' }, secret, 'bootstrap')
        return 'created'
      }
      if (existing.revokedAt) return 'revoked'
      if (existing.role !== 'admin') await db.run(db.orm.update(apiTokens).set({ role: 'admin' }).where(eq(apiTokens.id, existing.id)))
      return 'live'
    },

    async authorExists (authorId: number): Promise<boolean> {
      return await db.get(db.orm.select({ id: authors.id }).from(authors).where(eq(authors.id, authorId))) !== undefined
    }
  }
  return repository
}

export type TokensRepository = ReturnType<typeof createTokensRepository>
