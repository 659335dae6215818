// Zod schemas of API tokens.
import { z } from 'zod'
import { PageQuerySchema, pageSchema, queryBoolean } from '../http/pagination.js'
import { idField, TimestampSchema } from '../http/schemas.js'
import { aRole, roles } from '../lib/roles.js'

export const RoleSchema = z.enum(roles, { error: 'role must be one of admin, editor, author, contributor' })
  .describe('admin: everything; editor: all content, moderation, ads; author: own articles incl. publishing; contributor: own drafts')

export const TokenSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  role: RoleSchema,
  authorId: z.number().int().positive().nullable().describe('The byline an author or contributor token writes as'),
  prefix: z.string().describe('The first characters of the secret, to tell tokens apart'),
  createdAt: TimestampSchema,
  lastUsedAt: TimestampSchema.nullable().describe('Last use, to the minute'),
  revokedAt: TimestampSchema.nullable()
}).meta({
  id: 'Token',
  description: 'An API token, without its secret',
  examples: [{ id: 3, name: 'newsroom importer', role: 'editor', authorId: null, prefix: 'bs_Q2hh', createdAt: '2025-01-29T08:00:00.000Z', lastUsedAt: '2025-01-30T07:15:00.000Z', revokedAt: null }]
})

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().describe('The secret. It is shown this once and stored only as a hash: keep it now.')
}).meta({
  id: 'CreatedToken',
  description: 'The new token, with its secret shown this once',
  examples: [{
    id: 3,
    name: 'newsroom importer',
    role: 'editor',
    authorId: null,
    prefix: 'bs_Q2hh',
    createdAt: '2025-01-29T08:00:00.000Z',
    lastUsedAt: null,
    revokedAt: null,
    token: 'bs_Q2hhbmdlIG1lOiB0aGlzIGlzIGFuIGV4YW1wbGUgb25seQ'
  }]
})

export const CreateTokenSchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name has at most 100 characters')
    .describe('What the token is for (a person, a script, a frontend)'),
  role: RoleSchema,
  authorId: idField('authorId').nullable().optional()
    .describe('Binds an author or contributor token to its byline; required for those roles')
}).superRefine((value, ctx) => {
  if ((value.role === 'author' || value.role === 'contributor') && !value.authorId) {
    ctx.addIssue({ code: 'custom', path: ['authorId'], message: `${aRole(value.role)} token needs authorId, the byline it writes as` })
  }
}).meta({ id: 'CreateToken', examples: [{ name: 'Jane Doe', role: 'author', authorId: 1 }] })

export const TokenListQuerySchema = PageQuerySchema.omit({ count: true }).extend({
  includeRevoked: queryBoolean.optional().describe('`true` lists revoked tokens too')
})

export const TokenPageSchema = pageSchema(TokenSchema).meta({ id: 'TokenPage', description: 'A page of tokens' })
